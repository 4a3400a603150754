//! `validate` passes the shipped data and fails broken files with clear messages.

use karabakh_atlas::cli::validate::{Severity, is_url, validate_embedded, validate_paths};
use karabakh_atlas::model::date::is_iso_date;
use std::path::PathBuf;
use std::process::Command;

fn write(name: &str, text: &str) -> PathBuf {
    crate::support::write_temp("karabakh-validate", name, text)
}

const GOOD_PROPS: &str = r#""id":"t-1","name_az":"Sınaq","name_en":"Test","kind":"test","district":"Fuzuli",
 "source_url":"https://example.org/a","source_date":"2024-05-28","confidence":"high","position":"exact""#;

#[test]
fn the_shipped_data_validates_without_errors() {
    let report = validate_embedded();
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(report.features > 50, "{}", report.summary());
}

#[test]
fn the_known_limits_are_reported_as_warnings_not_hidden() {
    let report = validate_embedded();
    let warnings: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(ToString::to_string)
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("Aghdara polygon")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("off by up to about 3 km")),
        "{warnings:?}"
    );
}

#[test]
fn a_broken_feature_is_reported_by_file_index_and_id() {
    let path = write(
        "broken.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[
  {{"type":"Feature","properties":{{{GOOD_PROPS}}},"geometry":{{"type":"Point","coordinates":[47.145,39.6]}}}},
  {{"type":"Feature","properties":{{"id":"t-1","name_az":"x","name_en":"x","kind":"x","district":"Fuzuli",
     "source_url":"not a url","source_date":"2024-13-01","confidence":"sure","position":"exact"}},
     "geometry":{{"type":"Point","coordinates":[47.145,39.6]}}}},
  {{"type":"Feature","properties":{{"id":"t-3"}},"geometry":{{"type":"Polygon","coordinates":[[[47,39],[47.1,39.1],[47,39.1],[47.1,39],[47,39]]]}}}},
  {{"type":"Feature","properties":{{{}}},"geometry":{{"type":"Point","coordinates":[49.8,40.4]}}}}
]}}"#,
            GOOD_PROPS.replace("t-1", "t-4")
        ),
    );
    let report = validate_paths(&[path.as_path()], 1 << 30);
    let text: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(
        has("broken.geojson: feature 1 (t-1): id t-1 is used twice"),
        "{text:#?}"
    );
    assert!(
        has("feature 1 (t-1): source_url \"not a url\" is not a well-formed"),
        "{text:#?}"
    );
    assert!(
        has("feature 1 (t-1): source_date \"2024-13-01\" is not an ISO 8601 date"),
        "{text:#?}"
    );
    assert!(has("feature 1 (t-1): confidence \"sure\""), "{text:#?}");
    assert!(
        has("feature 2 (t-3): missing property source_url"),
        "{text:#?}"
    );
    assert!(has("feature 2 (t-3): invalid geometry"), "{text:#?}");
    assert!(
        has("feature 3 (t-4): lies"),
        "Baku is far from Fuzuli: {text:#?}"
    );
    assert!(
        !text.iter().any(|t| t.contains("feature 0 ")),
        "feature 0 is good: {text:#?}"
    );
}

#[test]
fn clockwise_exteriors_break_rfc_7946() {
    let path = write(
        "clockwise.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{{GOOD_PROPS}}},
  "geometry":{{"type":"Polygon","coordinates":[[[47.1,39.6],[47.1,39.61],[47.11,39.61],[47.11,39.6],[47.1,39.6]]]}}}}]}}"#
        ),
    );
    let report = validate_paths(&[path.as_path()], 1 << 30);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.message.contains("clockwise")),
        "{:?}",
        report.findings
    );
}

#[test]
fn the_validate_command_exits_non_zero_on_errors_and_names_the_file() {
    let path = write(
        "not-json.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not-json.geojson: line 1"), "{stderr}");

    let ok = Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .arg("validate")
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn dates_and_urls_are_checked_strictly() {
    for good in ["2024", "2024-02", "2024-02-29", "2021-10-26"] {
        assert!(is_iso_date(good), "{good}");
    }
    for bad in [
        "2023-02-29",
        "24-01-01",
        "2024-1-5",
        "2024/01/05",
        "October 2021",
        "",
    ] {
        assert!(!is_iso_date(bad), "{bad}");
    }
    assert!(is_url(
        "https://en.trend.az/azerbaijan/society/4026473.html"
    ));
    for bad in [
        "en.trend.az/x",
        "https://",
        "https://localhost",
        "https://a b.com",
        "ftp://x.org",
    ] {
        assert!(!is_url(bad), "{bad}");
    }
}
