//! Every format `formats::load_any` opens, on the files in `tests/data/formats/` (written by
//! its `make.py`): the feature count, a known attribute, and a known place landing where it
//! truly is (for the UTM and Web Mercator files this proves the reprojection); holes kept;
//! bad files refused naming the file and the place.

use geo::{Geometry, Winding};
use karabakh_atlas::io::csv::{self, CsvOptions};
use karabakh_atlas::io::load_any;
use karabakh_atlas::io::{LoadError, Loaded};
use karabakh_atlas::model::store::FeatureView;
use std::path::{Path, PathBuf};

const LIMIT: u64 = 64 * 1024 * 1024;

/// Şuşa, Ağdam, Füzuli, Laçın, Xankəndi (GeoNames, as in geodata/settlements.geojson).
const SHUSHA: (f64, f64) = (46.74989, 39.76006);
const AGHDAM: (f64, f64) = (46.92736, 39.99096);
const FUZULI: (f64, f64) = (47.14529, 39.60094);
const LACHIN: (f64, f64) = (46.54977, 39.63742);
const KHANKENDI: (f64, f64) = (46.7528, 39.8177);

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(name)
}

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bad")
        .join(name)
}

fn load(name: &str) -> Loaded {
    load_any(&data(name), LIMIT).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn refused(path: &Path) -> String {
    match load_any(path, LIMIT) {
        Ok(l) => panic!(
            "{}: loaded {} features instead of being refused",
            path.display(),
            l.features.len()
        ),
        Err(e) => e.to_string(),
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("karabakh-formats-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The feature whose `key` is `value`.
fn by<'a>(loaded: &'a Loaded, key: &str, value: &str) -> FeatureView<'a> {
    loaded
        .features
        .iter()
        .find(|f| f.text(key).as_deref() == Some(value))
        .unwrap_or_else(|| panic!("no feature with {key} = {value:?}"))
}

fn assert_point(feature: FeatureView<'_>, (lon, lat): (f64, f64), tolerance: f64) {
    let Geometry::Point(p) = feature.lonlat() else {
        panic!("not a point: {:?}", feature.lonlat())
    };
    assert!(
        (p.x() - lon).abs() < tolerance && (p.y() - lat).abs() < tolerance,
        "{p:?} is not within {tolerance} of ({lon}, {lat})"
    );
}

/// The polygons of a polygon or multipolygon.
fn polygons(feature: FeatureView<'_>) -> Vec<geo::Polygon<f64>> {
    match feature.lonlat() {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(m) => m.0,
        other => panic!("not areal: {other:?}"),
    }
}

/// Whether some vertex of the geometry lies within `tolerance` of the place.
fn has_vertex(geometry: &Geometry<f64>, (lon, lat): (f64, f64), tolerance: f64) -> bool {
    use geo::CoordsIter;
    geometry
        .coords_iter()
        .any(|c| (c.x - lon).abs() < tolerance && (c.y - lat).abs() < tolerance)
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded.warnings.iter().map(ToString::to_string).collect()
}

// ------------------------------------------------------------------------------------ CSV

#[test]
fn csv_with_latitude_and_longitude_columns() {
    let l = load("settlements.csv");
    assert_eq!(l.features.len(), 5, "{:?}", warnings(&l));
    assert!(l.warnings.is_empty(), "{:?}", warnings(&l));
    let shusha = by(&l, "name_az", "Şuşa");
    assert_eq!(shusha.text("population").as_deref(), Some("19400"));
    assert_eq!(shusha.id_str(), Some("settlement-147105"));
    assert_point(shusha, SHUSHA, 1e-9);
    assert_point(by(&l, "name_en", "Khankendi"), KHANKENDI, 1e-9);
}

#[test]
fn csv_with_semicolons_and_decimal_commas() {
    let l = load("settlements-semicolon.csv");
    assert_eq!(l.features.len(), 3, "{:?}", warnings(&l));
    let aghdam = by(&l, "ad", "Ağdam");
    assert_eq!(aghdam.text("rayon").as_deref(), Some("Aghdam"));
    assert_point(aghdam, AGHDAM, 1e-9);
}

#[test]
fn tsv_with_azerbaijani_headers() {
    let l = load("settlements.tsv");
    assert_eq!(l.features.len(), 2, "{:?}", warnings(&l));
    assert_point(by(&l, "Ad", "Laçın"), LACHIN, 1e-9);
}

#[test]
fn csv_with_unusual_columns_needs_them_named() {
    let path = data("survey-unusual-columns.csv");
    let err = refused(&path);
    assert!(err.contains("survey-unusual-columns.csv"), "{err}");
    assert!(err.contains("no latitude and longitude columns"), "{err}");
    assert!(
        err.contains("\"gps_n\", \"gps_e\""),
        "the headers are listed: {err}"
    );

    let options = CsvOptions {
        lat_column: Some("gps_n".to_owned()),
        lon_column: Some("GPS_E".to_owned()),
        ..CsvOptions::default()
    };
    let l = csv::load_path(&path, LIMIT, &options).unwrap();
    assert_eq!(l.features.len(), 4, "{:?}", warnings(&l));
    let fuzuli = by(&l, "site", "Füzuli");
    assert_eq!(fuzuli.text("surveyed").as_deref(), Some("2024-05-31"));
    assert_point(fuzuli, FUZULI, 1e-9);

    let wrong = CsvOptions {
        lat_column: Some("northing".to_owned()),
        ..options
    };
    let err = csv::load_path(&path, LIMIT, &wrong)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no column \"northing\" to read the latitude from"),
        "{err}"
    );
}

#[test]
fn csv_with_a_wkt_column() {
    let l = load("areas-wkt.csv");
    assert_eq!(l.features.len(), 3, "{:?}", warnings(&l));
    assert_point(by(&l, "name", "Şuşa"), SHUSHA, 1e-9);
    let area = by(&l, "name", "Ağdam area (sketch)");
    let [polygon] = &polygons(area)[..] else {
        panic!()
    };
    assert_eq!(polygon.interiors().len(), 1);
    let Geometry::LineString(road) = by(&l, "name", "Zəfər yolu (sketch)").lonlat() else {
        panic!()
    };
    assert_eq!(road.0.len(), 5);
}

#[test]
fn csv_rows_that_cannot_be_placed_are_skipped_naming_their_line() {
    let l = load_any(&bad("csv-bad-rows.csv"), LIMIT).unwrap();
    assert_eq!(l.features.len(), 3);
    let w = warnings(&l);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("csv-bad-rows.csv: feature 1: skipped: line 3:")
            && w[0].contains("\"thirty-nine\" is not a number"),
        "{w:?}"
    );
    assert!(
        w[1].contains("feature 3: skipped: line 5:") && w[1].contains("outside -90..90"),
        "{w:?}"
    );
}

#[test]
fn csv_in_metres_is_refused_as_metres() {
    let dir = temp_dir("metres");
    let path = dir.join("utm.csv");
    std::fs::write(&path, "name,x,y\nŞuşa,649895.87,4402591.02\n").unwrap();
    let err = refused(&path);
    assert!(err.contains("utm.csv"), "{err}");
    assert!(
        err.contains("coordinates look like metres")
            && err.contains("WGS84 longitude/latitude (RFC 7946)"),
        "{err}"
    );
}

// ------------------------------------------------------------------- GeoJSON sequences

#[test]
fn newline_delimited_and_rs_separated_geojson() {
    let l = load("settlements.geojsonl");
    assert_eq!(l.features.len(), 5, "{:?}", warnings(&l));
    assert_point(by(&l, "name_az", "Xankəndi"), KHANKENDI, 1e-9);
    let l = load("settlements.geojsons");
    assert_eq!(l.features.len(), 3, "{:?}", warnings(&l));
    assert_point(by(&l, "name_en", "Fuzuli"), FUZULI, 1e-9);
}

#[test]
fn a_bad_record_in_a_sequence_is_skipped_naming_its_line() {
    let dir = temp_dir("seq");
    let path = dir.join("mixed.geojsons");
    let good = r#"{"type":"Feature","properties":{"name":"Şuşa"},"geometry":{"type":"Point","coordinates":[46.74989,39.76006]}}"#;
    std::fs::write(&path, format!("\x1e{good}\n\x1e{{\"type\":\n\x1e{good}\n")).unwrap();
    let l = load_any(&path, LIMIT).unwrap();
    assert_eq!(l.features.len(), 2);
    let w = warnings(&l);
    assert!(
        w.len() == 1 && w[0].contains("mixed.geojsons: feature 1: skipped: line 2: not valid JSON"),
        "{w:?}"
    );
}

// ------------------------------------------------------------------------------ KML/KMZ

#[test]
fn kml_points_lines_polygons_with_holes_and_multigeometry() {
    let l = load("karabakh.kml");
    assert_eq!(l.name.as_deref(), Some("Karabakh test places"));
    assert_eq!(l.features.len(), 5, "{:?}", warnings(&l));
    let shusha = by(&l, "name", "Şuşa");
    assert_point(shusha, SHUSHA, 1e-9);
    assert_eq!(shusha.text("folder").as_deref(), Some("Towns"));
    assert_eq!(shusha.text("population").as_deref(), Some("19400"));
    assert_eq!(
        shusha.text("description").as_deref(),
        Some("District centre, Shusha")
    );
    let aghdam = by(&l, "name", "Ağdam");
    assert_eq!(aghdam.text("district").as_deref(), Some("Aghdam"));
    assert_eq!(aghdam.id_str(), Some("settlement-148619"));
    assert_point(aghdam, AGHDAM, 1e-9);
    let road = by(&l, "name", "Zəfər yolu (sketch)");
    assert_eq!(road.text("folder").as_deref(), Some("Roads"));
    let Geometry::LineString(line) = road.lonlat() else {
        panic!("{:?}", road.lonlat())
    };
    assert_eq!(line.0.len(), 5);
    let area = by(&l, "name", "Ağdam area (sketch)");
    let [polygon] = &polygons(area)[..] else {
        panic!()
    };
    assert_eq!(polygon.interiors().len(), 1, "the hole is kept");
    assert!(has_vertex(&area.lonlat(), (46.92, 39.98), 1e-9));
    let Geometry::MultiPoint(towns) = by(&l, "name", "Füzuli and Laçın").lonlat() else {
        panic!()
    };
    assert_eq!(towns.0.len(), 2);
    // The placemark without geometry is skipped, not lost silently.
    let w = warnings(&l);
    assert!(
        w.iter().any(|w| w.contains("feature 5: skipped")
            && w.contains("No geometry here")
            && w.contains("no geometry")),
        "{w:?}"
    );
}

#[test]
fn kmz_reads_its_doc_kml() {
    let l = load("karabakh.kmz");
    assert_eq!(l.name.as_deref(), Some("Karabakh towns (KMZ)"));
    assert_eq!(l.features.len(), 5, "{:?}", warnings(&l));
    assert_point(by(&l, "name", "Xankəndi"), KHANKENDI, 1e-9);
}

// ----------------------------------------------------------------------------- Shapefile

#[test]
fn shapefile_in_wgs84_with_attributes() {
    let l = load("towns-wgs84.shp");
    assert_eq!(l.features.len(), 5);
    assert!(l.warnings.is_empty(), "{:?}", warnings(&l));
    let shusha = by(&l, "NAME_AZ", "Şuşa");
    assert_eq!(shusha.number("POP"), Some(19400.0));
    assert_eq!(shusha.text("ID").as_deref(), Some("settlement-147105"));
    assert_point(shusha, SHUSHA, 1e-6);
}

#[test]
fn shapefile_holes_go_into_the_exterior_that_holds_them() {
    let l = load("areas-wgs84.shp");
    assert_eq!(l.features.len(), 2, "{:?}", warnings(&l));
    // Rings stored as [Ağdam exterior, Füzuli exterior, hole in Ağdam].
    let both = by(&l, "NAME", "Ağdam and Füzuli areas (sketch)");
    assert_eq!(both.number("HA"), Some(7900.0));
    let parts = polygons(both);
    assert_eq!(parts.len(), 2);
    let holes: Vec<usize> = parts.iter().map(|p| p.interiors().len()).collect();
    assert_eq!(holes, [1, 0], "the hole belongs to the Ağdam exterior");
    let aghdam_part = &parts[0];
    assert!(has_vertex(
        &Geometry::LineString(aghdam_part.interiors()[0].clone()),
        (46.92, 39.98),
        1e-6
    ));
    assert!(aghdam_part.exterior().is_ccw() && aghdam_part.interiors()[0].is_cw());
    let [single] = &polygons(by(&l, "NAME", "Füzuli area (sketch)"))[..] else {
        panic!()
    };
    assert!(single.interiors().is_empty());
}

#[test]
fn shapefile_in_utm_38n_is_reprojected() {
    let l = load("towns-utm38n.shp");
    assert_eq!(l.features.len(), 5);
    let w = warnings(&l);
    assert!(
        w.iter()
            .any(|w| w.contains("reprojected from EPSG:32638 (WGS_1984_UTM_Zone_38N)")),
        "{w:?}"
    );
    // Stored as 649895.87 E, 4402591.02 N; lands on Şuşa within 1 m.
    assert_point(by(&l, "NAME_AZ", "Şuşa"), SHUSHA, 1e-5);
    assert_point(by(&l, "NAME_EN", "Lachin"), LACHIN, 1e-5);
}

#[test]
fn shapefile_without_prj_is_read_as_wgs84_with_a_warning() {
    let l = load("towns-noprj.shp");
    assert_eq!(l.features.len(), 5);
    let w = warnings(&l);
    assert!(
        w.len() == 1 && w[0].contains("towns-noprj.shp: there is no .prj"),
        "{w:?}"
    );
    assert_point(by(&l, "NAME_EN", "Aghdam"), AGHDAM, 1e-6);
}

#[test]
fn zipped_shapefile_in_utm_38n() {
    let l = load("areas-utm38n-shapefile.zip");
    assert_eq!(l.features.len(), 2, "{:?}", warnings(&l));
    let both = by(&l, "NAME", "Ağdam and Füzuli areas (sketch)");
    let holes: Vec<usize> = polygons(both).iter().map(|p| p.interiors().len()).collect();
    assert_eq!(holes, [1, 0]);
    assert!(has_vertex(&both.lonlat(), (46.92, 39.98), 1e-5));
    assert!(has_vertex(&both.lonlat(), (47.18, 39.63), 1e-5));
}

#[test]
fn a_prj_naming_an_unknown_system_refuses_the_file_naming_it() {
    let dir = temp_dir("prj");
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(
            data(&format!("towns-wgs84.{ext}")),
            dir.join(format!("grid.{ext}")),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("grid.prj"),
        r#"PROJCS["Site_Grid_B",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Unheard_Of_Projection"],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
    let err = refused(&dir.join("grid.shp"));
    assert!(err.contains("grid.shp"), "{err}");
    assert!(err.contains("grid.prj"), "{err}");
    assert!(err.contains("Site_Grid_B"), "{err}");
    assert!(err.contains("cannot convert"), "{err}");

    let err = refused(&bad("unknown-crs-shapefile.zip"));
    assert!(
        err.contains("unknown-crs-shapefile.zip") && err.contains("Karabakh_Site_Grid"),
        "{err}"
    );
}

#[test]
fn a_truncated_shapefile_keeps_the_whole_records_and_names_the_cut_one() {
    let l = load_any(&bad("truncated.shp"), LIMIT).unwrap();
    assert_eq!(l.features.len(), 3);
    let w = warnings(&l);
    assert!(
        w.iter().any(
            |w| w.contains("truncated.shp: feature 3: skipped: record 3:")
                && w.contains("cut short")
        ),
        "{w:?}"
    );
    assert!(w.iter().any(|w| w.contains("no .dbf")), "{w:?}");
}

// ---------------------------------------------------------------------------- GeoPackage

#[test]
fn geopackage_with_points_and_polygons_in_two_tables() {
    let l = load("karabakh.gpkg");
    assert_eq!(l.features.len(), 7, "{:?}", warnings(&l));
    assert!(l.warnings.is_empty(), "{:?}", warnings(&l));
    let aghdam = by(&l, "name_az", "Ağdam");
    assert_eq!(aghdam.number("population"), Some(37700.0));
    assert_eq!(aghdam.text("table").as_deref(), Some("towns"));
    assert_point(aghdam, AGHDAM, 1e-9);
    let area = by(&l, "name", "Ağdam area (sketch)");
    assert_eq!(area.text("table").as_deref(), Some("areas"));
    assert_eq!(area.number("hectares"), Some(7900.5));
    let [polygon] = &polygons(area)[..] else {
        panic!()
    };
    assert_eq!(polygon.interiors().len(), 1, "the hole is kept");
}

#[test]
fn geopackage_in_web_mercator_is_reprojected() {
    let l = load("sites-3857.gpkg");
    assert_eq!(l.name.as_deref(), Some("sites"));
    assert_eq!(l.features.len(), 4, "{:?}", warnings(&l));
    let w = warnings(&l);
    assert!(
        w.iter().any(|w| w.contains("reprojected from EPSG:3857")),
        "{w:?}"
    );
    assert_point(by(&l, "name", "Şuşa"), SHUSHA, 1e-6);
    assert_point(by(&l, "name", "Ağdam"), AGHDAM, 1e-6);
    let area = by(&l, "name", "Ağdam area (sketch)");
    let [polygon] = &polygons(area)[..] else {
        panic!()
    };
    assert_eq!(polygon.interiors().len(), 1);
    assert!(has_vertex(&area.lonlat(), (46.94, 40.0), 1e-6));
    assert!(matches!(
        by(&l, "name", "Zəfər yolu (sketch)").lonlat(),
        Geometry::LineString(_)
    ));
}

// ----------------------------------------------------------------------------- choosing

#[test]
fn the_format_is_sniffed_when_the_extension_is_missing_or_wrong() {
    let dir = temp_dir("sniff");
    let cases = [
        ("karabakh.kml", "places", 5),
        ("karabakh.gpkg", "export.dat", 7),
        ("areas-utm38n-shapefile.zip", "download", 2),
        ("karabakh.kmz", "karabakh.zip", 5),
        ("towns-wgs84.shp", "towns.bin", 5),
        ("settlements.geojsons", "stream.txt", 3),
        ("settlements.csv", "settlements.txt", 5),
        ("karabakh.gpkg", "mislabelled.geojson", 7),
    ];
    for (source, target, count) in cases {
        let path = dir.join(target);
        std::fs::copy(data(source), &path).unwrap();
        let l = load_any(&path, LIMIT).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(l.features.len(), count, "{target}");
    }
}

#[test]
fn an_unknown_format_names_the_file_and_the_supported_formats() {
    let dir = temp_dir("unknown");
    let path = dir.join("photo.jpg");
    std::fs::write(&path, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00").unwrap();
    let err = refused(&path);
    assert!(err.contains("photo.jpg"), "{err}");
    assert!(err.contains(".jpg"), "{err}");
    for format in ["GeoJSON", "CSV", "KML", "KMZ", "Shapefile", "GeoPackage"] {
        assert!(err.contains(format), "{format} missing: {err}");
    }
    let path = dir.join("notes.zip");
    {
        use std::io::Write;
        let f = std::fs::File::create(&path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"no map here").unwrap();
        z.finish().unwrap();
    }
    let err = refused(&path);
    assert!(
        err.contains("notes.zip") && err.contains("readme.txt"),
        "{err}"
    );
}

#[test]
fn the_size_cap_and_the_file_checks_hold_for_every_format() {
    let dir = temp_dir("checks");
    for name in [
        "karabakh.gpkg",
        "karabakh.kmz",
        "towns-wgs84.shp",
        "karabakh.kml",
    ] {
        let err = load_any(&data(name), 100).unwrap_err();
        assert!(matches!(err, LoadError::TooLarge { .. }), "{name}: {err}");
        assert!(err.to_string().contains(name), "{err}");
    }
    for name in [
        "empty.kml",
        "empty.gpkg",
        "empty.shp",
        "empty.csv",
        "empty.kmz",
    ] {
        let path = dir.join(name);
        std::fs::write(&path, "").unwrap();
        let err = refused(&path);
        assert!(err.contains(&format!("{name}: the file is empty")), "{err}");
    }
    let folder = dir.join("folder.shp");
    std::fs::create_dir_all(&folder).unwrap();
    assert!(refused(&folder).contains("folder.shp: is a directory"));
    let missing = dir.join("missing.gpkg");
    assert!(refused(&missing).contains("missing.gpkg: cannot read the file"));
}

#[test]
fn bad_files_are_refused_naming_the_file_and_the_place() {
    let err = refused(&bad("not-xml.kml"));
    assert!(err.starts_with(&bad("not-xml.kml").display().to_string()));
    assert!(err.contains("line 6, column 3: not valid XML"), "{err}");
    let err = refused(&bad("text-named.gpkg"));
    assert!(
        err.contains("text-named.gpkg: not a GeoPackage file") && err.contains("This is a note"),
        "{err}"
    );
    let err = refused(&bad("no-coordinate-columns.csv"));
    assert!(
        err.contains("no-coordinate-columns.csv: no latitude and longitude columns")
            && err.contains("\"id\", \"name_az\", \"district\", \"population\""),
        "{err}"
    );
}
