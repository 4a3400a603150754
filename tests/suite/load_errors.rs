//! Bad input gets one clear message naming the file and the place; one bad feature is
//! skipped with a warning while the rest load.

use karabakh_atlas::io::LoadError;
use karabakh_atlas::io::geojson::{load_path, load_str};

#[test]
fn malformed_json_names_the_line_and_column() {
    let err = load_str(
        "bad.geojson",
        "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [,]\n}",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("bad.geojson: line 3, column 16"), "{text}");
}

#[test]
fn a_file_that_is_not_geojson_is_refused() {
    let err = load_str("list.json", "[1, 2, 3]").unwrap_err();
    assert!(matches!(err, LoadError::NotGeoJson { .. }), "{err}");
    assert!(err.to_string().contains("list.json"));
}

#[test]
fn one_bad_feature_is_skipped_with_its_index_and_the_rest_load() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"good"},"geometry":{"type":"Point","coordinates":[46.7,39.7]}},
        {"type":"Feature","properties":{"name":"open ring"},"geometry":{"type":"Polygon","coordinates":[[[46,39],[47,39],[47,40],[46,40]]]}},
        {"type":"Feature","properties":{"name":"null"},"geometry":null},
        {"type":"Feature","properties":{"name":"also good"},"geometry":{"type":"Point","coordinates":[46.8,39.8]}}
    ]}"#;
    let loaded = load_str("mixed.geojson", text).unwrap();
    assert_eq!(loaded.features.len(), 2);
    let messages: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("mixed.geojson: feature 1: skipped:"),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("mixed.geojson: feature 2: skipped:"),
        "{messages:?}"
    );
}

#[test]
fn coordinates_in_metres_are_refused_with_an_explanation() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5204186.2,4831127.2]}}]}"#;
    let err = load_str("utm.geojson", text).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("utm.geojson"), "{text}");
    assert!(text.contains("coordinates look like metres"), "{text}");
    assert!(
        text.contains("WGS84 longitude/latitude (RFC 7946)"),
        "{text}"
    );
}

#[test]
fn swapped_latitude_and_longitude_are_explained() {
    // (lat, lon) in the far north-east of the range: 39.7, 146.7 is fine, but 95 is no latitude.
    let text = r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[39.7,95.0]}}"#;
    let loaded = load_str("swapped.geojson", text);
    let message = match loaded {
        Ok(l) => l
            .warnings
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        Err(e) => e.to_string(),
    };
    assert!(message.contains("swapped"), "{message}");
}

#[test]
fn nan_strings_and_huge_numbers_are_not_read_as_coordinates() {
    for (name, coords) in [("string", r#"["46.7","39.7"]"#), ("huge", "[1e308, 39.7]")] {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":{coords}}}}}]}}"#
        );
        let loaded = load_str(name, &text);
        let features = loaded.as_ref().map(|l| l.features.len()).unwrap_or(0);
        assert_eq!(features, 0, "{name} was read as a coordinate");
    }
}

#[test]
fn an_empty_file_a_directory_and_a_missing_file_each_say_so() {
    let dir = crate::support::temp_folder("karabakh-load");
    let empty = dir.join("empty.geojson");
    std::fs::write(&empty, "").unwrap();
    assert!(
        load_path(&empty, 1 << 20)
            .unwrap_err()
            .to_string()
            .contains("the file is empty")
    );
    assert!(
        load_path(&dir, 1 << 20)
            .unwrap_err()
            .to_string()
            .contains("is a directory")
    );
    let missing = dir.join("missing.geojson");
    assert!(
        load_path(&missing, 1 << 20)
            .unwrap_err()
            .to_string()
            .contains("missing.geojson: cannot read")
    );
    let big = dir.join("big.geojson");
    std::fs::write(&big, vec![b' '; 2048]).unwrap();
    assert!(
        load_path(&big, 1024)
            .unwrap_err()
            .to_string()
            .contains("over the limit")
    );
}

#[test]
fn invalid_utf8_names_its_line() {
    let path = crate::support::write_temp(
        "karabakh-utf8",
        "latin1.geojson",
        b"{\"type\":\"FeatureCollection\",\n\"features\":[], \"name\":\"Xank\xe4ndi\"}",
    );
    let text = load_path(&path, 1 << 20).unwrap_err().to_string();
    assert!(text.contains("latin1.geojson: line 2"), "{text}");
    assert!(text.contains("UTF-8"), "{text}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let loaded = load_str(
        "bom.geojson",
        "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[]}",
    )
    .unwrap();
    assert!(loaded.features.is_empty());
}
