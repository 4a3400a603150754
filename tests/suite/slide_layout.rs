//! Presenting as a new user tries it: each slide's features clear of the caption card, the
//! legend and the attribution on a 16:9 screen and a 4:3 projector; the planner's map given
//! back when the show ends; F5 starting the show while a text field has the focus.

use crate::support::window::{Frames, embedded_state, window};
use egui_kittest::Harness;
use karabakh_atlas::app::AppState;
use karabakh_atlas::model::layer::LayerRole;
use karabakh_atlas::ui::AtlasApp;

fn harness(width: f32, height: f32) -> Harness<'static, AtlasApp> {
    let mut state = embedded_state();
    state.open_shipped_deck();
    window(state, egui::vec2(width, height), Frames::Display)
}

#[test]
fn every_slide_shows_its_features_clear_of_the_furniture_at_16_9_and_4_3() {
    for (width, height) in [(1920.0, 1080.0), (1024.0, 768.0)] {
        let mut harness = harness(width, height);
        harness.key_press(egui::Key::F5);
        harness.run();
        let slides = harness.state().state.deck.project.slides.len();
        let mut checked = 0;
        for i in 0..slides {
            {
                let state = &mut harness.state_mut().state;
                state.show.presentation.as_mut().unwrap().index = i;
                state.apply_slide(i, false);
            }
            // A slide with a timeline keeps repainting while it plays: a few frames suffice.
            harness.run_steps(5);
            let state = &harness.state().state;
            let viewport = state.map.viewport.unwrap();
            assert!(
                (viewport.width() - width).abs() <= 16.0
                    && (viewport.height() - height).abs() <= 16.0,
                "the show fills the screen: {viewport:?}"
            );
            let layout = state.presentation_layout(i, viewport);
            let furniture: Vec<egui::Rect> = [Some(layout.legend), Some(layout.attribution)]
                .into_iter()
                .chain([layout.card, layout.banner])
                .flatten()
                .collect();
            assert!(
                layout.card.is_some(),
                "every shipped slide has a caption card"
            );
            let view = state.map.camera.view;
            let title = &state.deck.project.slides[i].title;
            for &r in &state.doc.highlighted {
                let (_, feature) = state.doc.atlas.feature(r).unwrap();
                let b = feature.bounds();
                for corner in [b.min, b.max, [b.min[0], b.max[1]], [b.max[0], b.min[1]]] {
                    let p = view.screen_from_world(viewport, corner);
                    assert!(
                        viewport.shrink(8.0).contains(p),
                        "{title} at {width}×{height}: {} off screen at {p:?}",
                        feature.id_str().unwrap_or("?")
                    );
                    for rect in &furniture {
                        assert!(
                            !rect.expand(8.0).contains(p),
                            "{title} at {width}×{height}: {} at {p:?} under {rect:?}",
                            feature.id_str().unwrap_or("?")
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} highlighted features checked");
    }
}

#[test]
fn the_fitted_view_moves_a_feature_out_from_under_the_caption_card() {
    // The layout's clear part of the screen excludes each piece of furniture, on both screens.
    for (width, height) in [(1920.0, 1080.0), (1024.0, 768.0)] {
        let viewport = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height));
        let layout = karabakh_atlas::scene::PresentationLayout::new(
            viewport,
            &[
                "Airports",
                "Settlements",
                "Railway (under construction)",
                "Liberated districts",
            ],
            Some((
                "Three new airports",
                "A caption long enough to wrap onto a second line of the card, as the shipped ones do.",
            )),
            true,
        );
        let clear = layout.clear(viewport);
        assert!(clear.area() > viewport.area() * 0.3, "{clear:?}");
        for rect in [
            layout.legend,
            layout.attribution,
            layout.card.unwrap(),
            layout.banner.unwrap(),
        ] {
            assert!(
                !clear.intersects(rect.shrink(0.5)),
                "clear {clear:?} overlaps {rect:?} at {width}×{height}"
            );
        }
    }
}

/// What the planner's map looks like, as far as a show may change it.
fn planner_map(state: &AppState) -> String {
    let layers: Vec<String> = state
        .doc
        .atlas
        .layers
        .iter()
        .map(|l| format!("{}:{}:{:.2}", l.id, l.visible, l.opacity))
        .collect();
    let v = state.map.camera.view;
    format!(
        "{layers:?} filter={:?} as_of={:?} choropleth={:?} view=({:.0},{:.0},{:.3}) highlighted={}",
        state.doc.filter.layers,
        state.doc.filter.as_of,
        state.doc.choropleth_year,
        v.center[0],
        v.center[1],
        v.metres_per_point,
        state.doc.highlighted.len()
    )
}

#[test]
fn leaving_the_show_gives_the_planner_the_map_they_had_before_f5() {
    let mut harness = harness(1400.0, 900.0);
    {
        let state = &mut harness.state_mut().state;
        for layer in state.doc.atlas.layers.iter_mut() {
            if layer.id == "settlements" || layer.id == "airports" {
                layer.visible = false;
            }
            if layer.role == LayerRole::Districts {
                layer.opacity = 0.4;
            }
        }
        state
            .doc
            .filter
            .layers
            .entry("facilities".to_owned())
            .or_default()
            .hidden_kinds
            .insert("hotel".to_owned());
        state.doc.set_choropleth_year(None);
    }
    harness.key_press(egui::Key::ArrowLeft);
    harness.run();
    let before = planner_map(&harness.state().state);

    harness.key_press(egui::Key::F5);
    harness.run();
    // Through slides that turn layers on, highlight features and colour the districts.
    let mut changed = false;
    for _ in 0..9 {
        harness.key_press(egui::Key::ArrowRight);
        harness.run();
        changed |= planner_map(&harness.state().state) != before;
    }
    assert!(
        changed,
        "the slides changed nothing, so the test shows nothing"
    );
    harness.key_press(egui::Key::Escape);
    harness.run();
    let state = &harness.state().state;
    assert!(state.show.presentation.is_none());
    assert_eq!(planner_map(state), before);
}

#[test]
fn f5_starts_the_show_while_a_text_field_has_the_focus() {
    let mut harness = harness(1400.0, 900.0);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    assert!(
        harness.ctx.memory(|m| m.focused().is_some()),
        "the search field has the focus"
    );
    harness.key_press(egui::Key::F5);
    harness.run();
    assert!(harness.state().state.show.presentation.is_some());
}
