//! The headless `render` command writes a real PNG of the map, and refuses bad arguments.

use std::process::Command;

fn atlas_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
}

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("karabakh-atlas-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn render_writes_a_png_of_the_requested_size_with_the_map_on_it() {
    let out = temp_path("map.png");
    let status = atlas_command()
        .args(["render", "--out"])
        .arg(&out)
        .args(["--size", "800x500"])
        .status()
        .unwrap();
    assert!(status.success());
    let png = tiny_skia::Pixmap::load_png(&out).unwrap();
    assert_eq!((png.width(), png.height()), (800, 500));
    // The map is not blank: many distinct colours (fills, outlines, labels).
    let mut colours: Vec<[u8; 4]> = png
        .pixels()
        .iter()
        .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 50, "only {} colours", colours.len());
    // The district fill colour covers a good part of the image.
    let district = (karabakh_atlas::io::embedded::shipped("districts")
        .unwrap()
        .style)()
    .fill;
    let [r, g, b, _] = district.to_array();
    let covered = png
        .pixels()
        .iter()
        .filter(|p| p.red() == r && p.green() == g && p.blue() == b)
        .count();
    assert!(
        covered > 800 * 500 / 10,
        "district fill covers only {covered} pixels"
    );
}

#[test]
fn render_refuses_a_bad_size_with_a_clear_message() {
    let out = temp_path("bad-size.png");
    let output = atlas_command()
        .args(["render", "--out"])
        .arg(&out)
        .args(["--size", "big"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--size big"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn render_refuses_a_bbox_with_west_east_of_east() {
    let out = temp_path("bad-bbox.png");
    let output = atlas_command()
        .args(["render", "--out"])
        .arg(&out)
        .args(["--bbox", "47,39,46,40"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--bbox 47,39,46,40"));
}

#[test]
fn a_bbox_wider_than_the_farthest_zoom_is_drawn_with_a_warning() {
    let out = temp_path("world-bbox.png");
    let output = atlas_command()
        .args(["render", "--size", "400x300", "--out"])
        .arg(&out)
        .args(["--bbox=-180,-60,180,80"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: --bbox -180,-60,180,80: wider than the farthest zoom"),
        "{stderr}"
    );
    assert!(out.exists());
    // The districts fit: no warning.
    let districts = [45.9, 38.8, 47.5, 40.5];
    assert_eq!(
        karabakh_atlas::cli::render::bbox_warning(districts, 400, 300),
        None
    );
}

#[test]
fn render_names_a_broken_extra_file_and_its_line() {
    let bad = temp_path("broken.geojson");
    std::fs::write(
        &bad,
        "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": ",
    )
    .unwrap();
    let out = temp_path("with-bad.png");
    let output = atlas_command()
        .args(["render", "--out"])
        .arg(&out)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.geojson"), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
}

#[test]
fn render_draws_an_extra_file_over_the_map() {
    let extra = temp_path("extra.geojson");
    std::fs::write(
        &extra,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Test square"},
        "geometry":{"type":"Polygon","coordinates":[[[46.5,39.5],[46.9,39.5],[46.9,39.8],[46.5,39.8],[46.5,39.5]]]}}]}"#,
    )
    .unwrap();
    let plain = temp_path("plain.png");
    let with_extra = temp_path("extra.png");
    for (out, files) in [(&plain, vec![]), (&with_extra, vec![extra.clone()])] {
        let status = atlas_command()
            .args(["render", "--size", "400x300", "--out"])
            .arg(out)
            .args(files)
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert_ne!(
        std::fs::read(&plain).unwrap(),
        std::fs::read(&with_extra).unwrap()
    );
}

#[test]
fn a_file_over_the_configured_cap_is_refused_up_front() {
    let big = temp_path("over-cap.geojson");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(3_000_000).unwrap();
    for command in [vec!["render", "--out", "/dev/null"], vec!["validate"]] {
        let output = atlas_command()
            .args(&command)
            .args(["--max-file-mb", "2"])
            .arg(&big)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{command:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("over-cap.geojson"), "{stderr}");
        assert!(
            stderr.contains("over the limit of 2000000 bytes"),
            "{stderr}"
        );
    }
}

#[test]
fn png_encoded_row_by_row_decodes_to_what_tiny_skias_encoder_gives() {
    use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Transform};
    let mut pixmap = Pixmap::new(61, 37).expect("a pixmap");
    pixmap.fill(Color::from_rgba8(250, 245, 230, 255));
    // Half-transparent, anti-aliased shapes: premultiplied pixels that demultiply with rounding.
    let mut paint = Paint::default();
    for (i, (r, g, b, a)) in [(200, 30, 40, 128), (20, 90, 220, 77), (0, 0, 0, 3)]
        .into_iter()
        .enumerate()
    {
        paint.set_color_rgba8(r, g, b, a);
        let path = PathBuilder::from_circle(15.0 + 14.0 * i as f32, 18.0, 13.3).expect("a circle");
        pixmap.fill_path(
            &path,
            &paint,
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
    let mut see_through = Pixmap::new(9, 5).expect("a pixmap");
    paint.set_color_rgba8(10, 200, 10, 40);
    let rect = tiny_skia::Rect::from_xywh(1.5, 0.5, 5.0, 3.2).expect("a rect");
    see_through.fill_rect(rect, &paint, Transform::identity(), None);
    for pixmap in [pixmap, see_through] {
        let ours = karabakh_atlas::draw::raster::encode_png(&pixmap).expect("encoded");
        let theirs = pixmap.encode_png().expect("encoded by tiny-skia");
        let decoded = Pixmap::decode_png(&ours).expect("ours decodes");
        assert_eq!(
            decoded.data(),
            Pixmap::decode_png(&theirs).expect("decodes").data()
        );
        assert_eq!(decoded.data(), pixmap.data(), "the picture round-trips");
    }
}
