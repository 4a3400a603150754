//! The window as the tests drive it: one way to build the app in an egui_kittest harness,
//! and a click as a user makes it.

use egui_kittest::Harness;
use karabakh_atlas::app::AppState;
use karabakh_atlas::scene::fonts::{self, Faces};
use karabakh_atlas::ui::AtlasApp;

/// How frames are stepped.
#[derive(Clone, Copy)]
pub enum Frames {
    /// Up to 240 steps with egui's default time step: for clicks and panels.
    Settle,
    /// Up to 400 steps of 1/60 s, like a display: for animations and the show.
    Display,
}

/// The app on the embedded atlas, as it opens with no arguments.
pub fn embedded_state() -> AppState {
    AppState::new(
        karabakh_atlas::io::embedded::atlas(),
        Faces::load().unwrap(),
    )
}

/// The app around `state` in a window of `size` points, drawn once.
pub fn window(state: AppState, size: egui::Vec2, frames: Frames) -> Harness<'static, AtlasApp> {
    let builder = Harness::builder()
        .with_size(size)
        .with_context_setup(fonts::install);
    let builder = match frames {
        Frames::Settle => builder.with_max_steps(240),
        Frames::Display => builder.with_max_steps(400).with_step_dt(1.0 / 60.0),
    };
    let mut harness =
        builder.build_ui_state(|ui, app: &mut AtlasApp| app.ui(ui), AtlasApp::new(state));
    harness.run();
    harness
}

/// A primary click at `pos`, after hovering there for a frame, as a mouse gives it.
pub fn click_at(harness: &mut Harness<'_, AtlasApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
}
