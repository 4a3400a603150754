//! The bad-input corpus in `tests/data/bad/`: every file gets one clear message naming the
//! file and the place (line and column, or feature index); a whole-file problem refuses the
//! file, a one-feature problem skips that feature and loads the rest; nothing panics. Each file
//! is opened as the app opens it, through `formats::load_any` (the non-GeoJSON ones are
//! written by `tests/data/formats/make.py`).

use karabakh_atlas::io::LoadError;
use karabakh_atlas::io::geojson::load_path;
use karabakh_atlas::io::load_any;
use std::path::{Path, PathBuf};

const LIMIT: u64 = 64 * 1024 * 1024;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

/// What loading a corpus file must give.
enum Expect {
    /// Refused; the message contains every needle (and always the file's name).
    Refused(&'static [&'static str]),
    /// Loaded with this many features; each (feature index, needle) is among the warnings.
    Loaded(usize, &'static [(Option<usize>, &'static str)]),
}
use Expect::{Loaded, Refused};

const CASES: &[(&str, Expect)] = &[
    (
        "truncated.geojson",
        Refused(&["line 5, column 9", "not valid JSON"]),
    ),
    (
        "invalid-utf8.geojson",
        Refused(&["line 2", "not valid UTF-8"]),
    ),
    ("utf8-bom.geojson", Loaded(1, &[])),
    ("nan.geojson", Refused(&["line 2", "not valid JSON"])),
    ("infinity.geojson", Refused(&["line 2", "not valid JSON"])),
    (
        "numbers-as-strings.geojson",
        Loaded(1, &[(Some(1), "skipped")]),
    ),
    (
        "coordinate-1e308.geojson",
        Loaded(
            1,
            &[(Some(1), "outside any longitude/latitude or projected range")],
        ),
    ),
    (
        "unclosed-ring.geojson",
        Loaded(1, &[(Some(1), "not closed")]),
    ),
    (
        "ring-of-three.geojson",
        Loaded(1, &[(Some(1), "a ring needs at least 4")]),
    ),
    (
        "self-intersecting-ring.geojson",
        Loaded(2, &[(Some(1), "self-intersection")]),
    ),
    (
        "null-geometry.geojson",
        Loaded(1, &[(Some(1), "geometry is null")]),
    ),
    (
        "empty-collection.geojson",
        Loaded(0, &[(None, "no features")]),
    ),
    ("mixed-geometry-types.geojson", Loaded(3, &[])),
    (
        "duplicate-ids.geojson",
        Loaded(2, &[(Some(1), "repeats the id of feature 0")]),
    ),
    (
        "deep-nesting.geojson",
        Refused(&["line 1", "recursion limit"]),
    ),
    (
        "swapped-lat-lon.geojson",
        Loaded(1, &[(Some(1), "swapped"), (Some(2), "swapped")]),
    ),
    (
        "web-mercator-metres.geojson",
        Refused(&[
            "coordinates look like metres",
            "WGS84 longitude/latitude (RFC 7946)",
        ]),
    ),
    (
        "utm-38n-metres.geojson",
        Refused(&[
            "coordinates look like metres",
            "WGS84 longitude/latitude (RFC 7946)",
        ]),
    ),
    (
        "crs-epsg-3857.geojson",
        Loaded(1, &[(None, "reprojected from EPSG:3857")]),
    ),
    (
        "crs-utm-38n.geojson",
        Loaded(1, &[(None, "reprojected from EPSG:32638")]),
    ),
    (
        "crs-unknown.geojson",
        Refused(&["names coordinate system", "urn:example:local-grid"]),
    ),
    (
        "csv-named-geojson.geojson",
        Refused(&["line 1", "looks like CSV"]),
    ),
    (
        "kml-named-geojson.geojson",
        Refused(&["line 1", "looks like XML or KML"]),
    ),
    ("geojson-named-txt.txt", Loaded(1, &[])),
    ("empty.geojson", Refused(&["the file is empty"])),
    ("whitespace-only.geojson", Refused(&["the file is empty"])),
    ("top-level-array.geojson", Refused(&["not a JSON object"])),
    ("top-level-null.geojson", Refused(&["not a JSON object"])),
    ("top-level-string.geojson", Refused(&["not a JSON object"])),
    ("no-type-member.geojson", Refused(&["no \"type\" member"])),
    (
        "features-not-array.geojson",
        Refused(&["no \"features\" array"]),
    ),
    (
        "unknown-geometry-type.geojson",
        Loaded(1, &[(Some(1), "not valid GeoJSON")]),
    ),
    (
        "feature-without-geometry.geojson",
        Loaded(1, &[(Some(1), "geometry is null")]),
    ),
    (
        "latitude-out-of-range.geojson",
        Loaded(1, &[(Some(1), "outside the longitude -180..180")]),
    ),
    (
        "properties-not-object.geojson",
        Loaded(1, &[(Some(0), "\"properties\" is not an object")]),
    ),
    (
        "point-without-coordinates.geojson",
        Loaded(1, &[(Some(1), "skipped")]),
    ),
    (
        "line-of-one-position.geojson",
        Loaded(1, &[(Some(1), "a line needs at least 2")]),
    ),
    (
        "multipolygon-with-empty-part.geojson",
        Loaded(1, &[(Some(1), "a polygon has no rings")]),
    ),
    (
        "trailing-garbage.geojson",
        Refused(&["line 19, column 1", "trailing characters"]),
    ),
    ("comment-in-json.geojson", Refused(&["line 1", "column 1"])),
    (
        "lowercase-feature-type.geojson",
        Loaded(1, &[(Some(1), "is not \"Feature\"")]),
    ),
    ("geometry-collection.geojson", Loaded(1, &[])),
    ("bare-geometry.geojson", Loaded(1, &[])),
    ("a-directory.geojson", Refused(&["is a directory"])),
    (
        "csv-bad-rows.csv",
        Loaded(
            3,
            &[
                (Some(1), "skipped: line 3: the latitude"),
                (
                    Some(3),
                    "skipped: line 5: the latitude (latitude) 139.63742 is outside",
                ),
            ],
        ),
    ),
    (
        "no-coordinate-columns.csv",
        Refused(&[
            "no latitude and longitude columns",
            "\"id\", \"name_az\", \"district\", \"population\"",
        ]),
    ),
    (
        "not-xml.kml",
        Refused(&["line 6, column 3", "not valid XML"]),
    ),
    // Found by fuzzing: the triangulator used before looped for ever on this polygon, whose
    // holes run outside its exterior (tests/triangulation.rs runs it against a timeout).
    (
        "csv-polygon-earcut-hang.csv",
        Loaded(
            2,
            &[
                (Some(1), "skipped: line 3: the geometry (WKT) is empty"),
                (Some(2), "invalid"),
            ],
        ),
    ),
    // Found by fuzzing: a GeoPackage polygon whose exterior ring is empty but whose hole is
    // not was kept, with coordinates and nothing to draw or pick.
    (
        "hollow-polygon.gpkg",
        Loaded(
            2,
            &[
                (
                    Some(0),
                    "skipped: table areas, row 1: a polygon has holes but no exterior ring",
                ),
                (
                    Some(2),
                    "skipped: table areas, row 1: a polygon has holes but no exterior ring",
                ),
            ],
        ),
    ),
    // Found by fuzzing: a .dbf whose header promises more rows than it holds made the dbase
    // reader give the same error for ever, and reading it filled the memory.
    (
        "dbf-cut-short-shapefile.zip",
        Loaded(
            5,
            &[
                (Some(1), "its attributes cannot be read"),
                (Some(2), "the .dbf has no row for it"),
                (None, "the .dbf has 2 rows for 5 shapes"),
            ],
        ),
    ),
    // Found by fuzzing: a NaN in a polygon panicked in geo while rings were sorted into
    // exteriors and holes.
    (
        "nan-in-polygon-shapefile.zip",
        Loaded(
            1,
            &[(
                Some(0),
                "skipped: record 0: a coordinate is not a finite number (NaN, 40.03)",
            )],
        ),
    ),
    // Found by fuzzing: the kml crate panicked ("removal index (is 0) should be < len") on a
    // <Point> whose <coordinates> held no position. The placemark is skipped, the rest read.
    (
        "point-without-coordinates.kml",
        Loaded(
            1,
            &[(
                Some(1),
                "skipped: placemark \"Ağdam\": line 10, column 5: a <Point> has no position",
            )],
        ),
    ),
    (
        "placemark-with-a-bad-number.kml",
        Loaded(
            2,
            &[(
                Some(1),
                "skipped: placemark \"Ağdam\": line 8, column 3: it cannot be read as KML: Error parsing number from: 46.9x",
            )],
        ),
    ),
    (
        "text-named.gpkg",
        Refused(&["not a GeoPackage file", "SQLite format 3"]),
    ),
    (
        "truncated.shp",
        Loaded(
            3,
            &[
                (Some(3), "skipped: record 3: the record cannot be read"),
                (None, "no .dbf"),
                (None, "no .prj"),
            ],
        ),
    ),
    (
        "unknown-crs-shapefile.zip",
        Refused(&["site-grid.prj", "Karabakh_Site_Grid", "cannot convert"]),
    ),
    // Found by fuzzing: a position of fewer than two numbers panicked in the geojson crate's
    // conversion to geo.
    (
        "position-of-one-number.geojson",
        Loaded(
            1,
            &[
                (Some(1), "a position needs a longitude and a latitude"),
                // The geojson crate itself refuses a point's own short position.
                (Some(2), "A position must contain two or more elements"),
                (Some(3), "a position needs a longitude and a latitude"),
            ],
        ),
    ),
    ("clockwise-rings.geojson", Loaded(3, &[])),
];

fn check(name: &str, expect: &Expect) {
    let path = corpus().join(name);
    let result = std::panic::catch_unwind(|| load_any(&path, LIMIT))
        .unwrap_or_else(|_| panic!("{name}: the loader panicked"));
    match (expect, result) {
        (Refused(needles), Err(e)) => {
            let text = e.to_string();
            assert!(
                text.contains(name),
                "{name}: the message does not name the file: {text}"
            );
            for n in *needles {
                assert!(text.contains(n), "{name}: {text:?} lacks {n:?}");
            }
        }
        (Refused(_), Ok(l)) => panic!(
            "{name}: loaded {} features instead of being refused",
            l.features.len()
        ),
        (Loaded(n, warnings), Ok(l)) => {
            assert_eq!(l.features.len(), *n, "{name}: {:?}", l.warnings);
            for (index, needle) in *warnings {
                assert!(
                    l.warnings.iter().any(|w| w.feature_index == *index
                        && w.message.contains(needle)
                        && w.to_string().contains(name)),
                    "{name}: no warning at {index:?} containing {needle:?}: {:?}",
                    l.warnings
                );
            }
            if warnings.is_empty() {
                assert!(
                    l.warnings.is_empty(),
                    "{name}: unexpected warnings {:?}",
                    l.warnings
                );
            }
        }
        (Loaded(..), Err(e)) => panic!("{name}: refused: {e}"),
    }
}

#[test]
fn every_bad_file_gets_its_clear_message() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(name, expect)| {
            std::panic::catch_unwind(|| check(name, expect))
                .err()
                .map(|e| {
                    e.downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| (*name).to_owned())
                })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_has_forty_files_and_every_one_is_checked() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".project.json") && !n.ends_with(".session.json"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() + 1 >= 40, "{} files", listed.len() + 1);
}

#[test]
fn reprojected_points_land_where_they_should() {
    let l = load_path(&corpus().join("crs-epsg-3857.geojson"), LIMIT).unwrap();
    let geo::Geometry::Point(p) = l.features.iter().next().unwrap().lonlat() else {
        panic!()
    };
    assert!(
        (p.x() - 46.75).abs() < 1e-6 && (p.y() - 39.76).abs() < 1e-6,
        "{p:?}"
    );
    let l = load_path(&corpus().join("crs-utm-38n.geojson"), LIMIT).unwrap();
    let geo::Geometry::Point(p) = l.features.iter().next().unwrap().lonlat() else {
        panic!()
    };
    // UTM 38N (central meridian 45°E): 648 km east, 4,402 km north is near Zangilan.
    assert!(
        (46.0..47.0).contains(&p.x()) && (39.0..40.0).contains(&p.y()),
        "{p:?}"
    );
}

#[test]
fn a_project_from_a_future_version_names_its_version() {
    let path = corpus().join("future-version.project.json");
    let err = karabakh_atlas::app::project::load(&path).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("future-version.project.json") && text.contains("version 7"),
        "{text}"
    );
}

// Unix only: making a symbolic link on Windows needs administrator rights or developer mode.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_refused_with_its_name() {
    let dir = crate::support::temp_folder("karabakh-bad");
    // A symbolic link that points at itself cannot be read, even by root.
    let looped = dir.join("looped.geojson");
    let _ = std::fs::remove_file(&looped);
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let err = load_path(&looped, LIMIT).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }), "{err}");
    assert!(
        err.to_string().contains("looped.geojson: cannot read"),
        "{err}"
    );
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let dir = crate::support::temp_folder("karabakh-huge");
    let big = dir.join("big.geojson");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(3 * 1024 * 1024 * 1024).unwrap(); // 3 GB, sparse: no disk used
    let err = load_path(&big, LIMIT).unwrap_err();
    assert!(matches!(err, LoadError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("over the limit"), "{err}");
    std::fs::remove_file(&big).unwrap();
}

/// Found by fuzzing: the area of a polygon wound clockwise, or with a hole wound like its
/// exterior, came out as most of the earth, or negative.
#[test]
fn areas_do_not_depend_on_the_winding_of_rings() {
    let l = load_path(&corpus().join("clockwise-rings.geojson"), LIMIT).unwrap();
    let areas: Vec<f64> = l.features.iter().map(|f| f.area_ha().unwrap()).collect();
    // 0.1° × 0.1° at 39.5° N is about 95 km².
    assert!((9_000.0..10_000.0).contains(&areas[0]), "{areas:?}");
    assert!((areas[1] - areas[0]).abs() < 1e-6 * areas[0], "{areas:?}");
    // The hole is 0.02° × 0.02°, a twenty-fifth of the square.
    let hole = areas[0] / 25.0;
    assert!(
        (areas[2] - (areas[0] - hole)).abs() < 0.01 * hole,
        "{areas:?}"
    );
    // What geo gives for the clockwise ring as it is: the rest of the earth.
    use geo::GeodesicArea;
    let l = load_path(&corpus().join("clockwise-rings.geojson"), LIMIT).unwrap();
    let raw = l
        .features
        .iter()
        .nth(1)
        .unwrap()
        .lonlat()
        .geodesic_area_unsigned()
        / 10_000.0;
    assert!(raw > 5.0e10, "geo now handles the winding: {raw} ha");
}

/// Found by fuzzing: a self-intersecting ring's area came out as the rest of the earth.
#[test]
fn a_bow_tie_has_a_small_area() {
    let text = r#"{"type": "Polygon", "coordinates": [[[46.5, 39.5], [46.6, 39.5],
        [46.6, 39.2], [46.5, 39.6], [46.5, 39.5]]]}"#;
    let l = karabakh_atlas::io::geojson::load_str("bow-tie.geojson", text).unwrap();
    let area = l.features.iter().next().unwrap().area_ha().unwrap();
    // Its box, 0.1° × 0.4°, holds under 40,000 ha.
    assert!((0.0..40_000.0).contains(&area), "{area}");
}

/// Found by fuzzing: an opacity beyond f32's range read as infinity, was saved as `null`, and
/// the saved project then no longer opened.
#[test]
fn a_project_with_an_opacity_beyond_f32_saves_and_opens_again() {
    use karabakh_atlas::app::project;
    let path = corpus().join("opacity-beyond-f32.project.json");
    let (p, _) = project::load(&path).unwrap();
    let opacities: Vec<f32> = p.slides[0].layers.iter().map(|l| l.opacity).collect();
    assert_eq!(opacities, [1.0, 0.0]);
    let setup = p.setup.as_ref().unwrap();
    assert_eq!(setup.layers[0].opacity, 1.0);
    assert_eq!(setup.files[0].opacity, 1.0);
    let dir = std::env::temp_dir().join(format!("karabakh-opacity-{}", std::process::id()));
    let saved = dir.join("saved.project.json");
    project::save(&saved, &p).unwrap();
    let (again, note) = project::load(&saved).unwrap();
    assert_eq!(again, p);
    assert_eq!(note, None);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Found by fuzzing: the same for a session, which would have been lost at the next start.
#[test]
fn a_session_with_an_opacity_beyond_f32_saves_and_opens_again() {
    use karabakh_atlas::app::session::parse_session;
    let name = "opacity-beyond-f32.session.json";
    let text = std::fs::read_to_string(corpus().join(name)).unwrap();
    let s = parse_session(name, &text).unwrap();
    let opacities: Vec<f32> = s.setup.layers.iter().map(|l| l.opacity).collect();
    assert_eq!(opacities, [1.0, 0.0]);
    assert_eq!(s.setup.files[0].opacity, 1.0);
    let saved = serde_json::to_string_pretty(&s).unwrap();
    assert_eq!(parse_session(name, &saved).unwrap(), s);
}

/// Found by fuzzing: a slide centred at longitude 1e308 gave an infinite view.
#[test]
fn a_slide_far_off_the_map_still_gives_a_finite_view() {
    let path = corpus().join("longitude-1e308.project.json");
    let (p, _) = karabakh_atlas::app::project::load(&path).unwrap();
    for slide in &p.slides {
        let view = slide.view();
        assert!(
            view.center.iter().all(|c| c.is_finite()),
            "{}: {view:?}",
            slide.title
        );
    }
}
