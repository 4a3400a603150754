//! The window: the eframe application that lays out its panels, one file each. Each panel
//! owns its own state (in [`Panels`]), reads the app state, and sends commands for what it
//! asks to be done; `commands` carries them out once the frame's panels are drawn.

pub mod commands;
pub mod database_window;
pub mod detail_panel;
pub mod district_stats;
pub mod export_window;
pub mod file_dialog;
pub mod layer_panel;
pub mod map_view;
pub mod menu;
pub mod presentation;
pub mod search_box;
pub mod shortcuts;
pub mod slides_panel;
pub mod status_bar;
pub mod windows;

use crate::app::{AppState, Command};

/// The panels' and windows' own state.
#[derive(Default)]
pub struct Panels {
    pub messages_open: bool,
    pub about: windows::About,
    pub slides_open: bool,
    pub district_table: district_stats::DistrictTable,
    pub export: export_window::ExportWindow,
    pub file_dialog: Option<file_dialog::FileDialog>,
    pub search: search_box::SearchBox,
    pub database: database_window::DatabaseWindow,
}

/// The eframe application.
pub struct AtlasApp {
    pub state: AppState,
    pub panels: Panels,
    /// When the window system was last asked for the screens (egui's clock, seconds).
    screens_asked_at: Option<f64>,
}

impl AtlasApp {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            panels: Panels::default(),
            screens_asked_at: None,
        }
    }

    /// Lays out every panel and carries out what they asked for; the window and the UI tests
    /// both call this.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.background_work(ui);
        shortcuts::shortcuts(ui, &mut self.state);
        let state = &mut self.state;
        let panels = &mut self.panels;
        if state.show.presentation.is_some() {
            presentation::presentation_ui(ui, state);
        } else {
            egui::Panel::top("menu").show(ui, |ui| menu::menu_ui(ui, state, panels));
            egui::Panel::bottom("status").show(ui, |ui| status_bar::status_bar_ui(ui, state));
            egui::Panel::left("layers")
                .default_size(250.0)
                .show(ui, |ui| layer_panel::layer_panel_ui(ui, state));
            if state.selection.selected.is_some() {
                egui::Panel::right("details")
                    .default_size(340.0)
                    .show(ui, |ui| detail_panel::detail_panel_ui(ui, state));
            }
            egui::CentralPanel::default()
                .frame(egui::Frame::NONE)
                .show(ui, |ui| map_view::map_ui(ui, state));
            windows::windows_ui(ui.ctx(), state, panels);
        }
        if self.state.doc.take_unread_messages() {
            self.panels.messages_open = true;
        }
        for command in std::mem::take(&mut self.state.commands) {
            commands::run(self, ui.ctx(), command);
        }
    }

    /// Files dropped or read in the background, meshes built in the background, the timeline,
    /// and the autosave.
    fn background_work(&mut self, ui: &egui::Ui) {
        let state = &mut self.state;
        let dropped: Vec<std::path::PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            state.send(Command::OpenFiles(dropped));
        }
        let ctx = ui.ctx().clone();
        state.open_pending_files(&move || ctx.request_repaint());
        if state.poll_loading() {
            // Keep the progress moving while files load.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        // Changes other clients made to followed database tables.
        state.apply_changes();
        // Big database layers: the view asked for, the answers put in place.
        if state.ask_views() {
            ui.ctx().request_repaint_after(crate::app::views::ASK_EVERY);
        }
        state.apply_views();
        state.apply_offline_views();
        if !state.files.following.is_empty() {
            // "last change 3 s ago" keeps counting.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
        if crate::model::layer::lod::building() {
            // Meshes the map or the show wants are being built: draw them once they are.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(16));
        }
        let (now, dt) = ui.input(|i| (i.time, i.stable_dt));
        if state.tick_timeline(now, dt) {
            ui.ctx().request_repaint();
        }
        if state.deck.autosave_due(now) {
            state.save_project();
        }
    }
}

impl eframe::App for AtlasApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        // The screens, for a show on two: asked of the window system while no show runs (a
        // show keeps the screens it started on), at most once a second.
        let now = ui.input(|i| i.time);
        if self.state.show.presentation.is_none()
            && now - self.screens_asked_at.unwrap_or(f64::NEG_INFINITY) >= 1.0
            && let Some(window) = frame.winit_window()
        {
            self.screens_asked_at = Some(now);
            let current = window.current_monitor();
            let list: Vec<_> = window.available_monitors().collect();
            let screens = &mut self.state.show.screens;
            screens.current = list.iter().position(|m| Some(m) == current.as_ref());
            screens.list = list
                .iter()
                .enumerate()
                .map(|(i, m)| crate::app::screens::Screen {
                    name: m.name().unwrap_or_else(|| format!("screen {}", i + 1)),
                    width: m.size().width,
                    height: m.size().height,
                })
                .collect();
        }
        AtlasApp::ui(self, ui);
    }

    /// Called by eframe on exit and every 30 seconds.
    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.state.save_session();
        if self.state.deck.is_dirty() {
            self.state.save_project();
        }
    }
}
