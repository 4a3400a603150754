//! The menu bar: files and projects, view commands, slides, the label language, measuring,
//! help. Every entry sends a command.

use crate::app::command::{Purpose, Window};
use crate::app::{AppState, Command};
use crate::model::feature::Language;
use crate::model::measure::MeasureMode;
use crate::ui::Panels;

pub fn menu_ui(ui: &mut egui::Ui, state: &mut AppState, panels: &mut Panels) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, state));
        ui.menu_button("View", |ui| {
            entry(
                ui,
                state,
                "Fit the liberated districts (Home)",
                Command::FitHome,
            );
            let compare = Command::OpenWindow(Window::DistrictTable);
            entry(ui, state, "Compare districts", compare);
            entry(ui, state, "Messages", Command::OpenWindow(Window::Messages));
        });
        ui.menu_button("Slides", |ui| {
            entry(ui, state, "Slide list", Command::OpenWindow(Window::Slides));
            entry(ui, state, "Add slide (Ctrl+B)", Command::AddSlide);
            entry(ui, state, "Present (F5)", Command::Present);
            let deck = "Open “The Great Return, 2020–2026”";
            entry(ui, state, deck, Command::OpenShippedDeck);
        });
        ui.menu_button("Help", |ui| {
            entry(
                ui,
                state,
                "About the data",
                Command::OpenWindow(Window::About),
            );
        });
        ui.separator();
        crate::ui::search_box::search_box_ui(ui, state, &mut panels.search);
        ui.separator();
        ui.label("Labels:");
        let language = &mut state.doc.language;
        ui.selectable_value(language, Language::Azerbaijani, "Azərbaycanca");
        ui.selectable_value(language, Language::English, "English");
        ui.separator();
        let mode = state.selection.measurement.as_ref().map(|m| m.mode);
        for (m, text, hint) in [
            (
                MeasureMode::Distance,
                "↔ Distance",
                "Measure a geodesic distance: click points on the map",
            ),
            (
                MeasureMode::Area,
                "◇ Area",
                "Measure a geodesic area: click its corners on the map",
            ),
        ] {
            let active = state.selection.measuring && mode == Some(m);
            if ui
                .selectable_label(active, text)
                .on_hover_text(hint)
                .clicked()
            {
                state.send(Command::StartMeasuring(m));
            }
        }
        ui.separator();
        if ui
            .button("⌂ Home")
            .on_hover_text("Fit the liberated districts (Home)")
            .clicked()
        {
            state.send(Command::FitHome);
        }
    });
}

/// A menu entry that sends `command`.
fn entry(ui: &mut egui::Ui, state: &mut AppState, text: &str, command: Command) {
    if ui.button(text).clicked() {
        state.send(command);
    }
}

fn file_menu_ui(ui: &mut egui::Ui, state: &mut AppState) {
    entry(
        ui,
        state,
        "Open… (Ctrl+O)",
        Command::ChooseFile(Purpose::OpenData),
    );
    ui.add_enabled_ui(!state.files.recent.is_empty(), |ui| {
        ui.menu_button("Open Recent", |ui| {
            for path in state.files.recent.clone() {
                let text = path.display().to_string();
                entry(ui, state, &text, Command::OpenFiles(vec![path]));
            }
            ui.separator();
            entry(ui, state, "Clear the list", Command::ClearRecentFiles);
        });
    });
    entry(
        ui,
        state,
        "Connect to database…",
        Command::OpenWindow(Window::Database),
    );
    ui.separator();
    let open_project = Command::ChooseFile(Purpose::OpenProject);
    entry(ui, state, "Open project…", open_project);
    let save_project = Command::ChooseFile(Purpose::SaveProject);
    entry(ui, state, "Save project as…", save_project);
    ui.separator();
    entry(
        ui,
        state,
        "Export map…",
        Command::OpenWindow(Window::Export),
    );
}
