//! The window as the tests drive it: one way to build the app in an egui_kittest harness,
//! and a click as a user makes it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
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

/// In the open file dialog: goes to `dir`, types `file_name` and presses `button` ("Save",
/// "Open"), a frame run after each step.
pub fn answer_file_dialog(
    harness: &mut Harness<'_, AtlasApp>,
    dir: &std::path::Path,
    file_name: &str,
    button: &str,
) {
    {
        let dialog = harness.state_mut().panels.file_dialog.as_mut().unwrap();
        dialog.enter(dir.to_path_buf());
        dialog.file_name = file_name.to_owned();
    }
    harness.run();
    harness.get_by_label(button).click();
    harness.run();
}

/// Clicks the widgets labelled `labels` in turn, a frame run after each.
pub fn click_each(harness: &mut Harness<'_, AtlasApp>, labels: &[&str]) {
    for label in labels {
        harness.get_by_label(label).click();
        harness.run();
    }
}

/// Opens the files (and database URLs) `state` has pending, and waits until they are loaded.
pub fn load_pending(state: &mut AppState) {
    state.open_pending_files(&|| {});
    state.wait_for_loading();
}

/// Opens `path` (a file, or a database URL) in `state`, and waits until it is loaded.
pub fn open_and_load(state: &mut AppState, path: impl Into<std::path::PathBuf>) {
    state.files.pending.push(path.into());
    load_pending(state);
}

/// The atlas the app in `harness` shows.
pub fn atlas_of<'h>(harness: &'h Harness<'_, AtlasApp>) -> &'h karabakh_atlas::model::atlas::Atlas {
    &harness.state().state.doc.atlas
}

/// Clicks the `nth` widget labelled `label` (0 the first), then runs a frame.
pub fn click_nth(harness: &mut Harness<'_, AtlasApp>, label: &str, nth: usize) {
    harness.get_all_by_label(label).nth(nth).unwrap().click();
    harness.run();
}
