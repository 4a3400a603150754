//! Every shipped name draws with real glyphs: egui_kittest panics on a missing glyph, and the
//! bundled font is asked directly too.

use egui_kittest::Harness;
use karabakh_atlas::model::atlas::Atlas;
use karabakh_atlas::scene::fonts::{self, Faces};

fn shipped_names(atlas: &Atlas) -> Vec<String> {
    let mut names: Vec<String> = atlas.layers.iter().map(|l| l.title.clone()).collect();
    for layer in &atlas.layers {
        for f in layer.features() {
            for key in ["name_az", "name_en", "kind", "district"] {
                if let Some(v) = f.str(key) {
                    names.push(v.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn the_bundled_font_has_every_character_of_every_shipped_name() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let faces = Faces::load().unwrap();
    let names = shipped_names(&atlas);
    assert!(
        names.iter().any(|n| n.contains('ə')),
        "no name with ə was checked"
    );
    for name in &names {
        assert!(
            faces.missing_glyphs(name).is_empty(),
            "{name}: {:?}",
            faces.missing_glyphs(name)
        );
    }
}

#[test]
fn every_shipped_name_lays_out_in_egui_without_a_missing_glyph() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let names = shipped_names(&atlas);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(600.0, 800.0))
        .with_context_setup(fonts::install)
        .build_ui(move |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                for n in &names {
                    ui.label(n);
                    ui.label(
                        egui::RichText::new(n)
                            .family(egui::FontFamily::Name(fonts::BOLD_FAMILY.into())),
                    );
                }
            });
        });
    harness.run();
}

#[test]
fn egui_default_fonts_alone_would_miss_the_schwa() {
    // The reason the font is bundled: without it this panics on "ə".
    let result = std::panic::catch_unwind(|| {
        let mut harness = Harness::new_ui(|ui| {
            ui.label("Xankəndi");
        });
        harness.run();
    });
    assert!(
        result.is_err(),
        "egui's default fonts now have ə; the bundled font may be unneeded"
    );
}
