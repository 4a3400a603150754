//! The window: the eframe application that lays out its panels, and the panels, one file
//! each; every panel function takes the `Ui` and the app state.

pub mod detail_panel;
pub mod district_stats;
pub mod export_window;
pub mod file_dialog;
pub mod layer_panel;
pub mod map_view;
pub mod menu;
pub mod presentation;
pub mod search_box;
pub mod slides_panel;
pub mod status_bar;
pub mod windows;

use crate::app::AppState;
use std::path::PathBuf;

/// The eframe application.
pub struct AtlasApp {
    pub state: AppState,
}

impl AtlasApp {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Lays out every panel; the window and the UI tests both call this.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let state = &mut self.state;
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        state.pending_files.extend(dropped);
        let ctx = ui.ctx().clone();
        state.open_pending_files(&move || ctx.request_repaint());
        if state.poll_loading() {
            // Keep the progress moving while files load.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        let now = ui.input(|i| i.time);
        let dt = ui.input(|i| i.stable_dt);
        if state.tick_timeline(now, dt) {
            ui.ctx().request_repaint();
        }
        // Autosave, at most once a second while slides are being edited.
        if state.project_dirty && state.project_path.is_some() && now - state.last_autosave > 1.0 {
            state.last_autosave = now;
            state.save_project();
        }
        if state.presentation.is_some() {
            presentation::presentation_ui(ui, state);
            return;
        }
        presentation::shortcuts(ui, state);
        egui::Panel::top("menu").show(ui, |ui| menu::menu_ui(ui, state));
        egui::Panel::bottom("status").show(ui, |ui| status_bar::status_bar_ui(ui, state));
        egui::Panel::left("layers")
            .default_size(250.0)
            .show(ui, |ui| layer_panel::layer_panel_ui(ui, state));
        if state.scene.selected.is_some() {
            egui::Panel::right("details")
                .default_size(340.0)
                .show(ui, |ui| detail_panel::detail_panel_ui(ui, state));
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| map_view::map_ui(ui, state));
        windows::windows_ui(ui.ctx(), state);
    }
}

impl eframe::App for AtlasApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        AtlasApp::ui(self, ui);
    }

    /// Called by eframe on exit and every 30 seconds.
    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.state.save_session();
        if self.state.project_dirty {
            self.state.save_project();
        }
    }
}
