//! Map exports as a user makes them: PNG and SVG through the export window and the dialog, the
//! clipboard, the `render` command's SVG, and slides to a folder of PNGs.

use super::files::{harness_with, temp_dir};
use crate::support::window::{answer_file_dialog, click_each, embedded_state};
use egui_kittest::kittest::Queryable;
use karabakh_atlas::app::AppState;
use karabakh_atlas::draw::export::ExportOptions;
use karabakh_atlas::model::layer::LayerRole;
use karabakh_atlas::ui::export_window::ExportWindow;

fn export_state() -> (AppState, ExportWindow) {
    let mut state = embedded_state();
    let window = ExportWindow {
        open: true,
        options: ExportOptions {
            width: 900,
            height: 600,
            title: "Demining & returns <2023>".to_owned(),
            ..ExportOptions::default()
        },
    };
    state.doc.choropleth_year = Some("2023".to_owned());
    (state, window)
}

#[test]
fn an_svg_export_parses_as_svg_and_carries_title_legend_and_credits() {
    let dir = temp_dir("svg");
    let path = dir.join("map.svg");
    let (mut state, export) = export_state();
    export.export_to(&mut state, &path);
    let text = std::fs::read_to_string(&path).unwrap();

    let tree = usvg::Tree::from_str(&text, &usvg::Options::default()).expect("valid SVG");
    assert_eq!(tree.size().width(), 900.0);
    assert_eq!(tree.size().height(), 600.0);

    let doc = roxmltree::Document::parse(&text).unwrap();
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect();
    for expected in [
        "Demining & returns <2023>",
        "Legend",
        "N",
        "Demined hectares, 2023",
        "Şuşa",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "no text {expected:?} in {texts:?}"
        );
    }
    assert!(texts.iter().any(|t| t.contains("GeoNames (CC BY 4.0)")));
    // Every liberated district is a filled vector path in the areas group, coloured by the
    // 2023 choropleth (so more than one fill among them).
    let districts = state
        .doc
        .atlas
        .layers
        .iter()
        .find(|l| l.role == LayerRole::Districts)
        .map(|l| l.len())
        .unwrap();
    let areas = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("areas"))
        .expect("an areas group");
    let fills: Vec<&str> = areas
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|n| n.attribute("fill"))
        .filter(|f| *f != "none")
        .collect();
    assert!(
        fills.len() >= districts,
        "{} filled areas for {districts} districts",
        fills.len()
    );
    let distinct: std::collections::HashSet<&str> = fills.iter().copied().collect();
    assert!(distinct.len() >= 3, "choropleth fills: {distinct:?}");
}

#[test]
fn a_png_export_has_the_chosen_size_and_its_legend_can_be_left_out() {
    let dir = temp_dir("png");
    let (mut state, mut export) = export_state();
    let with = dir.join("with.png");
    export.export_to(&mut state, &with);
    export.options.legend = false;
    export.options.title.clear();
    let without = dir.join("without.png");
    export.export_to(&mut state, &without);
    let a = tiny_skia::Pixmap::load_png(&with).unwrap();
    let b = tiny_skia::Pixmap::load_png(&without).unwrap();
    assert_eq!((a.width(), a.height()), (900, 600));
    assert_eq!((b.width(), b.height()), (900, 600));
    // The legend sits at the bottom right: that corner differs, and only with the legend is
    // it mostly the legend's pale panel.
    let pale = |p: &tiny_skia::Pixmap| {
        (700..890)
            .flat_map(|x| (420..560).map(move |y| (x, y)))
            .filter(|&(x, y)| {
                let c = p.pixel(x, y).unwrap();
                c.red() > 235 && c.green() > 235 && c.blue() > 235
            })
            .count()
    };
    assert!(pale(&a) > pale(&b) + 5_000, "{} vs {}", pale(&a), pale(&b));
}

#[test]
fn an_export_with_a_wrong_name_is_refused_with_a_message() {
    let dir = temp_dir("wrong");
    let (mut state, export) = export_state();
    export.export_to(&mut state, &dir.join("map.jpg"));
    assert!(!dir.join("map.jpg").exists());
    let message = state.doc.atlas.messages.last().unwrap();
    assert!(
        message.contains("map.jpg") && message.contains(".png or .svg"),
        "{message}"
    );
}

#[test]
fn the_map_copies_to_the_clipboard_as_an_image_of_the_export_size() {
    let (state, export) = export_state();
    let image = export.image(&state).unwrap();
    assert_eq!(image.size, [900, 600]);
    let distinct: std::collections::BTreeSet<[u8; 4]> =
        image.pixels.iter().map(|c| c.to_array()).collect();
    assert!(distinct.len() > 50);
}

/// The notice the app shows last.
fn notice<'h>(harness: &'h egui_kittest::Harness<'_, karabakh_atlas::ui::AtlasApp>) -> &'h str {
    harness.state().state.notice.as_deref().unwrap()
}

#[test]
fn the_export_window_saves_through_the_dialog() {
    let dir = temp_dir("export-ui");
    let mut harness = harness_with(embedded_state());
    click_each(
        &mut harness,
        &["File", "Export map…", "Save as PNG or SVG…"],
    );
    answer_file_dialog(&mut harness, &dir, "district-map.svg", "Save");
    let svg = std::fs::read_to_string(dir.join("district-map.svg")).unwrap();
    assert!(svg.starts_with("<?xml"));
    assert!(notice(&harness).starts_with("Exported"));
}

#[test]
fn the_render_command_writes_svg_with_the_same_furniture() {
    let dir = temp_dir("render-svg");
    let out = dir.join("map.svg");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .args([
            "render",
            "--size",
            "800x500",
            "--furniture",
            "--title",
            "Airports",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    usvg::Tree::from_str(&text, &usvg::Options::default()).expect("valid SVG");
    assert!(text.contains(">Airports</text>"));
    assert!(text.contains(">Legend</text>"));
}

#[test]
fn slides_export_into_a_folder_chosen_in_the_dialog() {
    let dir = temp_dir("slides");
    let mut state = embedded_state();
    state.send(karabakh_atlas::app::Command::OpenShippedDeck);
    let mut harness = harness_with(state);
    harness.get_by_label("Export PNGs…").click();
    harness.run();
    answer_file_dialog(&mut harness, &dir, "deck", "Save");
    let slides = harness.state().state.deck.project.slides.len();
    let written = std::fs::read_dir(dir.join("deck")).unwrap().count();
    assert_eq!(written, slides);
    assert!(notice(&harness).starts_with(&format!("Wrote {slides} PNGs")));
}
