//! Image snapshots of the window, rendered by wgpu (Mesa's lavapipe where there is no GPU) and
//! compared with the PNGs in tests/snapshots/ within egui_kittest's per-pixel tolerance and
//! no failed pixel: the home map, a detail card and a presented slide. The last two tests
//! show the comparison is strict enough: a panel a colour channel off by 10, or a panel moved
//! by 4 pixels, fails it.
//!
//! After an intended change of the picture: `UPDATE_SNAPSHOTS=1 cargo test snapshot_of`, then
//! look at every changed PNG before committing it.

use super::ui::click_feature;
use egui_kittest::{Harness, SnapshotOptions, try_image_snapshot_options};
use karabakh_atlas::scene::fonts::{self};
use karabakh_atlas::ui::AtlasApp;

fn harness(width: f32, height: f32, deck: bool) -> Harness<'static, AtlasApp> {
    let mut state = crate::support::window::embedded_state();
    if deck {
        state.open_shipped_deck();
    }
    let mut harness = Harness::builder()
        .with_size(egui::vec2(width, height))
        .with_pixels_per_point(1.0)
        .with_max_steps(400)
        .with_step_dt(1.0 / 60.0)
        .with_context_setup(fonts::install)
        .wgpu()
        .build_ui_state(|ui, app: &mut AtlasApp| app.ui(ui), AtlasApp::new(state));
    harness.run();
    harness
}

/// egui_kittest's default per-pixel tolerance (a weighted YIQ distance of 0.6, about what
/// anti-aliasing differs by), and not one pixel allowed over it.
fn strict() -> SnapshotOptions {
    SnapshotOptions::new().threshold(0.6).max_failed_pixels(0)
}

fn home_map() -> Harness<'static, AtlasApp> {
    harness(1200.0, 800.0, false)
}

#[test]
fn snapshot_of_the_home_map() {
    home_map().snapshot_options("home_map", &strict());
}

#[test]
fn snapshot_of_a_detail_card() {
    let mut harness = home_map();
    let airport = click_feature(&mut harness, "airport-fuzuli");
    assert_eq!(harness.state().state.selection.selected, Some(airport));
    harness.snapshot_options("detail_card", &strict());
}

#[test]
fn snapshot_of_a_presented_slide_on_a_4_3_projector() {
    let mut harness = harness(1024.0, 768.0, true);
    harness.key_press(egui::Key::F5);
    harness.run();
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    let state = &harness.state().state;
    assert_eq!(state.show.presentation.as_ref().unwrap().index, 1);
    harness.snapshot_options("slide_three_airports", &strict());
}

/// The home map's snapshot compared from a scratch folder, so that a failing comparison
/// leaves no diff images beside the real ones.
fn compare_with_home_map(image: &image::RgbaImage, scratch: &str) -> bool {
    assert!(
        std::env::var("UPDATE_SNAPSHOTS").is_err(),
        "these tests check that comparisons fail; run them without UPDATE_SNAPSHOTS"
    );
    let dir = std::env::temp_dir().join(format!(
        "karabakh-snapshots-{}-{scratch}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let stored =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/home_map.png");
    std::fs::copy(stored, dir.join("home_map.png")).unwrap();
    try_image_snapshot_options(image, "home_map", &strict().output_path(&dir)).is_ok()
}

#[test]
fn the_comparison_fails_when_a_panel_is_a_colour_channel_off_by_10() {
    let mut harness = home_map();
    let unchanged = harness.render().unwrap();
    assert!(
        compare_with_home_map(&unchanged, "same"),
        "the unchanged window matches"
    );
    harness.ctx.all_styles_mut(|style| {
        let [r, g, b, a] = style.visuals.panel_fill.to_srgba_unmultiplied();
        style.visuals.panel_fill =
            egui::Color32::from_rgba_unmultiplied(r.saturating_sub(10), g, b, a);
    });
    harness.run();
    let recoloured = harness.render().unwrap();
    assert!(!compare_with_home_map(&recoloured, "colour"));
}

#[test]
fn the_comparison_fails_when_a_panel_moves_by_4_pixels() {
    let mut harness = home_map();
    let mut image = harness.render().unwrap();
    // The top bar and the left panel's first rows, drawn 4 pixels further right.
    let original = image.clone();
    for y in 0..120 {
        for x in 4..360 {
            image.put_pixel(x, y, *original.get_pixel(x - 4, y));
        }
    }
    assert!(!compare_with_home_map(&image, "moved"));
}
