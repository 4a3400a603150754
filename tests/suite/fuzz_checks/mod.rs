//! What each fuzz target runs on one input, shared by the cargo-fuzz targets in `.fuzz/` and by
//! `tests/suite/fuzz_corpus.rs`, which replays the committed corpus under plain `cargo test`.
//!
//! Each function feeds the bytes to the same entry point the app uses and panics, with a message
//! saying which invariant broke, when the result is wrong. Like the app, each first installs
//! `guard::install_panic_hook`, so that a library panic the loaders catch and report (see
//! `src/guard.rs`) does not end the run; any other panic does. Any error the loader returns is
//! fine; a panic, a hang or a broken invariant is a bug.
//!
//! To fuzz a new loader, add a function here and copy one file in `.fuzz/fuzz_targets/` (see
//! `.fuzz/README.md`).
#![allow(dead_code)] // each fuzz target uses one of these

use karabakh_atlas::app::project::{FORMAT, Project, VERSION, parse};
use karabakh_atlas::app::session::{SESSION_FORMAT, SESSION_VERSION, SavedSession, parse_session};
use karabakh_atlas::io::geojson::load_str;
use karabakh_atlas::io::{LoadError, Loaded};
use karabakh_atlas::model::layer::lod::{self, Detail};
use karabakh_atlas::model::layer::{Layer, LayerRole};
use serde_json::Value;

/// The name the inputs are given in messages.
pub const GEOJSON_FILE: &str = "fuzz-input.geojson";
pub const PROJECT_FILE: &str = "fuzz-input.project.json";
pub const SESSION_FILE: &str = "fuzz-input.session.json";
pub const CSV_FILE: &str = "fuzz-input.csv";
pub const KML_FILE: &str = "fuzz-input.kml";
pub const SHAPEFILE_FILE: &str = "fuzz-input.shp";

/// GeoJSON text through `load::load_str`, then each feature through `layer::prepare` as the
/// background loader does, then into a layer.
///
/// Invariants: an error names the file; every kept feature has at least one coordinate, all
/// finite and within longitude -180..180 / latitude -90..90; a prepared feature has finite
/// bounds, a finite anchor, a well-formed mesh and a finite, non-negative area, within its box's
/// when the box is small and the geometry valid; every warning names the file.
pub fn geojson(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    // Bytes that are not UTF-8 are refused by `load_path` before `load_str` sees them.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_loaded(GEOJSON_FILE, load_str(GEOJSON_FILE, text));
}

/// CSV text through `formats::csv::load_str` with every column detected, as File → Open reads
/// a `.csv`; then the same checks as [`geojson`].
pub fn csv(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    // `csv::load_path` refuses bytes that are not UTF-8 before `load_str` sees them.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = karabakh_atlas::io::csv::CsvOptions::default();
    check_loaded(
        CSV_FILE,
        karabakh_atlas::io::csv::load_str(CSV_FILE, text, &options),
    );
}

/// KML text through `formats::kml::load_kml_str`; then the same checks as [`geojson`].
pub fn kml(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    // `kml::load_kml_path` refuses bytes that are not UTF-8 before `load_kml_str` sees them.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_loaded(
        KML_FILE,
        karabakh_atlas::io::kml::load_kml_str(KML_FILE, text),
    );
}

/// A shapefile through `formats::shapefile::load_parts`; then the same checks as [`geojson`].
///
/// The input is split into the files of a shapefile: its first six bytes are three
/// little-endian `u16` lengths, of the `.shx`, the `.dbf` and the `.prj` that follow them in
/// that order (a length of 0 means the file is missing); what is left is the `.shp`.
/// `.fuzz/make_shapefile_seeds.py` writes seeds in this layout.
pub fn shapefile(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    let Some((head, mut rest)) = data.split_first_chunk::<6>() else {
        return;
    };
    let mut part = |at: usize| -> Option<Vec<u8>> {
        let n = usize::from(u16::from_le_bytes([head[at], head[at + 1]])).min(rest.len());
        let (taken, left) = rest.split_at(n);
        rest = left;
        (n > 0).then(|| taken.to_vec())
    };
    let (shx, dbf, prj) = (part(0), part(2), part(4));
    check_loaded(
        SHAPEFILE_FILE,
        karabakh_atlas::io::shapefile::load_parts(SHAPEFILE_FILE, rest.to_vec(), shx, dbf, prj),
    );
}

/// A GeoPackage through `formats::gpkg::load_path` (SQLite reads the file itself, so the
/// input is written to a file first); then the same checks as [`geojson`], with the file's
/// path as its name.
pub fn gpkg(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    let path = input_file("gpkg", data);
    let file = path.display().to_string();
    check_loaded(&file, karabakh_atlas::io::gpkg::load_path(&path, u64::MAX));
}

/// The checks every loader's result gets. Invariants: an error names the file; every kept
/// feature has at least one coordinate, all finite and within longitude -180..180 / latitude
/// -90..90; a prepared feature has finite bounds, a finite anchor, a well-formed mesh and a
/// finite, non-negative area, within its box's when the box is small and the geometry valid;
/// every warning names the file; the layer's index finds every feature.
fn check_loaded(file: &str, result: Result<Loaded, LoadError>) {
    let loaded = match result {
        Ok(loaded) => loaded,
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains(file),
                "the error does not name the file: {message}"
            );
            return;
        }
    };
    for w in &loaded.warnings {
        let message = w.to_string();
        assert!(
            message.contains(file),
            "a warning does not name the file: {message}"
        );
    }
    let store = loaded.features;
    for f in store.iter() {
        use geo::CoordsIter;
        let index = f.file_index();
        let lonlat = f.lonlat();
        let mut count = 0usize;
        for c in lonlat.coords_iter() {
            count += 1;
            assert!(
                c.x.is_finite() && c.y.is_finite(),
                "feature {index}: coordinate ({}, {}) is not finite",
                c.x,
                c.y
            );
            assert!(
                c.x.abs() <= 180.0 && c.y.abs() <= 90.0,
                "feature {index}: coordinate ({}, {}) is outside longitude/latitude range",
                c.x,
                c.y
            );
        }
        assert!(count > 0, "feature {index}: kept with no coordinates");
        let finite = |xy: [f64; 2]| xy.iter().all(|v| v.is_finite());
        let bounds = f.bounds();
        assert!(
            finite(bounds.min) && finite(bounds.max),
            "feature {index}: bounds are not finite: {bounds:?}",
        );
        assert!(
            finite(f.anchor()),
            "feature {index}: anchor is not finite: {:?}",
            f.anchor()
        );
        // The full mesh, and a coarse band's, as views draw them.
        for detail in [Detail::Full, Detail::Band(6)] {
            let Some(mesh) = lod::mesh(f, detail) else {
                continue;
            };
            assert_eq!(
                mesh.indices.len() % 3,
                0,
                "feature {index}: mesh indices are not triangles"
            );
            assert!(
                mesh.indices
                    .iter()
                    .all(|&i| (i as usize) < mesh.vertices.len()),
                "feature {index}: a mesh index points past the vertices"
            );
            assert!(
                mesh.rings
                    .iter()
                    .all(|r| r.start <= r.end && r.end <= mesh.vertices.len()),
                "feature {index}: a mesh ring lies outside the vertices"
            );
        }
        if let Some(area) = f.area_ha() {
            assert!(
                area.is_finite() && area >= 0.0,
                "feature {index}: area {area} ha is not a finite, non-negative number"
            );
            // An invalid geometry (a ring that runs over itself, parts that overlap) may count
            // some ground twice; the loader warns that its area may be wrong. (Asked through
            // `guard`, as the loader asks: geo's relate panics on some invalid geometries.)
            if let Some(most) = small_box_area_ha(&lonlat)
                && area > most
            {
                assert!(
                    !karabakh_atlas::model::guard::geometry_problems(&lonlat).is_empty(),
                    "feature {index}: area {area} ha is more than its box's {most} ha"
                );
            }
        }
    }
    let count = store.len();
    let layer = Layer::new(
        "file:fuzz",
        "fuzz",
        LayerRole::User,
        karabakh_atlas::model::atlas::user_style(0),
        file,
        store,
    );
    if let Some(bounds) = layer.bounds() {
        let hits = layer.features_in(&bounds).len();
        assert_eq!(
            hits, count,
            "the layer's index does not find every feature inside its own bounds"
        );
    }
}

/// For a geometry whose longitude/latitude box is at most 10° each way, a bound on its area in
/// hectares: the box's area on a sphere of the equatorial radius, with 5% to spare for the
/// ellipsoid. Geodesic edges bow poleward, so the box is first widened poleward to where a
/// great circle across its whole width reaches (`tan φmax = tan φ / cos(Δλ/2)`): a sliver
/// between edges along one parallel has a real area. `None` for larger boxes.
fn small_box_area_ha(geometry: &geo::Geometry<f64>) -> Option<f64> {
    use geo::BoundingRect;
    let rect = geometry.bounding_rect()?;
    let (w, h) = (rect.width(), rect.height());
    if w > 10.0 || h > 10.0 {
        return None;
    }
    let half = (w / 2.0).to_radians().cos();
    let bow = |lat: f64| (lat.to_radians().tan() / half).atan();
    let north = if rect.max().y > 0.0 {
        bow(rect.max().y)
    } else {
        rect.max().y.to_radians()
    };
    let south = if rect.min().y < 0.0 {
        bow(rect.min().y)
    } else {
        rect.min().y.to_radians()
    };
    let r = 6_378_137.0_f64;
    let box_m2 = r * r * w.to_radians() * (north.sin() - south.sin()).abs();
    Some(box_m2 * 1.05 / 10_000.0 + 1.0)
}

/// Project text through `project::parse`, as `project::load` reads it.
///
/// Invariants: an error names the file; a parsed project has this format and a version this
/// build reads; every slide and the setup give a finite view; the project written as
/// `project::save` writes it parses again to the same project.
pub fn project(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    // `project::load` reads with `read_to_string`, which refuses bytes that are not UTF-8.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let project = match parse(PROJECT_FILE, text) {
        Ok(p) => p,
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains(PROJECT_FILE),
                "the error does not name the file: {message}"
            );
            return;
        }
    };
    assert_eq!(project.format, FORMAT);
    assert!(project.version <= VERSION, "version {}", project.version);
    for (n, slide) in project.slides.iter().enumerate() {
        let view = slide.view();
        assert!(
            view.center.iter().all(|c| c.is_finite()) && view.metres_per_point.is_finite(),
            "slide {n}: its view is not finite: {view:?}"
        );
    }
    let saved = match serde_json::to_string_pretty(&project) {
        Ok(text) => text,
        Err(e) => panic!("a parsed project cannot be written again: {e}"),
    };
    let again: Project = match parse(PROJECT_FILE, &saved) {
        Ok(p) => p,
        Err(e) => panic!("a parsed project, written again, no longer opens: {e}\n{saved}"),
    };
    assert_same_json(&project, &again, "project");
}

/// Session text through `session::parse_session`, as `session::load_session` reads it.
///
/// Invariants: an error names the file; a parsed session has the session format and a version
/// this build reads; the session written as `AppState::save_session` writes it parses again to
/// the same session.
pub fn session(data: &[u8]) {
    karabakh_atlas::model::guard::install_panic_hook();
    // `load_session` reads with `read_to_string`, which refuses bytes that are not UTF-8.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let session = match parse_session(SESSION_FILE, text) {
        Ok(s) => s,
        Err(message) => {
            assert!(
                message.contains(SESSION_FILE),
                "the error does not name the file: {message}"
            );
            return;
        }
    };
    assert_eq!(session.format, SESSION_FORMAT);
    assert!(
        session.version <= SESSION_VERSION,
        "version {}",
        session.version
    );
    let saved = match serde_json::to_vec_pretty(&session) {
        Ok(bytes) => bytes,
        Err(e) => panic!("a parsed session cannot be written again: {e}"),
    };
    let saved = String::from_utf8_lossy(&saved);
    let again: SavedSession = match parse_session(SESSION_FILE, &saved) {
        Ok(s) => s,
        Err(e) => panic!("a parsed session, written again, no longer opens: {e}\n{saved}"),
    };
    assert_same_json(&session, &again, "session");
}

/// `a` and `b` serialise to the same JSON, numbers equal to within a few units in the last
/// place (serde_json's default float parsing may differ from the shortest form by one ulp).
fn assert_same_json<T: serde::Serialize>(a: &T, b: &T, what: &str) {
    let (Ok(a), Ok(b)) = (serde_json::to_value(a), serde_json::to_value(b)) else {
        panic!("{what}: cannot be turned into JSON");
    };
    if let Some(place) = difference(&a, &b, String::new()) {
        panic!("{what}: written and read again, it differs at {place}");
    }
}

fn difference(a: &Value, b: &Value, place: String) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x == y {
                return None;
            }
            let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) else {
                return Some(place);
            };
            let close = (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs());
            (!close).then_some(place)
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{place} (length)"));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (x, y))| difference(x, y, format!("{place}[{i}]")))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().zip(y.keys()).any(|(k, l)| k != l) {
                return Some(format!("{place} (members)"));
            }
            x.iter()
                .zip(y.values())
                .find_map(|((k, x), y)| difference(x, y, format!("{place}.{k}")))
        }
        _ => (a != b).then_some(place),
    }
}

/// Writes `data` to a file with extension `ext` in a folder of this process's own, for loaders
/// that take a path (a format read by a library that opens the file itself). The same path is
/// reused for every input, so a fuzz run leaves one file per extension behind.
pub fn input_file(ext: &str, data: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("karabakh-fuzz-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: cannot create: {e}", dir.display());
    }
    let path = dir.join(format!("input.{ext}"));
    if let Err(e) = std::fs::write(&path, data) {
        panic!("{}: cannot write: {e}", path.display());
    }
    path
}
