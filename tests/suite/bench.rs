//! The `bench` command loads files as the window does and reports every phase it times.

use std::process::Command;

#[test]
fn bench_reports_each_phase_as_one_json_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .args([
            "bench",
            "geodata/districts.geojson",
            "geodata/settlements.geojson",
            "--size",
            "320x200",
            "--picks",
            "200",
            "--frames",
            "12",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let settlements = karabakh_atlas::io::geojson::load_path(
        std::path::Path::new("geodata/settlements.geojson"),
        u64::MAX,
    )
    .unwrap()
    .features
    .len();
    // The 13 Natural Earth districts and Aghdara's point.
    assert_eq!(report["features"], 14 + settlements);
    assert_eq!(report["picks"], 200);
    assert_eq!(report["frames"], 12);
    for key in [
        "first_frame_ms",
        "load_ms",
        "index_ms",
        "first_render_ms",
        "checks_ms",
        "render_full_ms",
        "render_zoom_cold_ms",
        "render_zoom_ms",
        "pick_median_us",
        "pick_p99_us",
        "frame_p50_ms",
        "frame_p95_ms",
        "peak_rss_mb",
        "peak_rss_load_mb",
    ] {
        let value = report[key].as_f64().unwrap_or_else(|| panic!("no {key}"));
        assert!(value.is_finite() && value >= 0.0, "{key} = {value}");
    }
    assert!(report["vertices"].as_u64().unwrap() > 800);
    // The parse's peak is part of the whole run's.
    let (load, all) = (
        report["peak_rss_load_mb"].as_f64(),
        report["peak_rss_mb"].as_f64(),
    );
    assert!(load > Some(0.0) && load <= all, "{load:?} against {all:?}");
    // The first frame holds the read, the index and the first drawing, and not the checks
    // left until after it.
    let ms = |key: &str| report[key].as_f64().unwrap();
    assert!(
        ms("first_frame_ms") >= ms("load_ms") + ms("index_ms") + ms("first_render_ms"),
        "{report}"
    );
}

#[test]
fn bench_refuses_a_bad_file_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .args(["bench", "tests/data/bad/truncated.geojson"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("truncated.geojson"), "{stderr}");
}
