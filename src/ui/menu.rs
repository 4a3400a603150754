//! The menu bar: files and projects, view commands, slides, the label language, measuring,
//! help.

use crate::app::{AppState, Fit};
use crate::model::feature::Language;
use crate::model::measure::MeasureMode;
use crate::ui::file_dialog::{FileDialog, Purpose, start_dir};

pub fn menu_ui(ui: &mut egui::Ui, state: &mut AppState) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, state));
        ui.menu_button("View", |ui| {
            if ui.button("Fit the liberated districts (Home)").clicked() {
                state.pending_fit = Some(Fit::Glide);
            }
            if ui.button("Compare districts").clicked() {
                state.show_district_table = true;
            }
            if ui.button("Messages").clicked() {
                state.show_messages = true;
            }
        });
        ui.menu_button("Slides", |ui| {
            if ui.button("Slide list").clicked() {
                state.show_slides = true;
            }
            if ui.button("Add slide (Ctrl+B)").clicked() {
                state.add_slide();
                state.show_slides = true;
            }
            if ui.button("Present (F5)").clicked() {
                crate::ui::presentation::start(ui.ctx(), state);
            }
            if ui.button("Open “The Great Return, 2020–2026”").clicked() {
                state.open_shipped_deck();
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("About the data").clicked() {
                state.show_about = true;
            }
        });
        ui.separator();
        crate::ui::search_box::search_box_ui(ui, state);
        ui.separator();
        ui.label("Labels:");
        ui.selectable_value(
            &mut state.scene.language,
            Language::Azerbaijani,
            "Azərbaycanca",
        );
        ui.selectable_value(&mut state.scene.language, Language::English, "English");
        ui.separator();
        let mode = state.scene.measurement.as_ref().map(|m| m.mode);
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
            let active = state.measuring && mode == Some(m);
            if ui
                .selectable_label(active, text)
                .on_hover_text(hint)
                .clicked()
            {
                state.start_measuring(m);
            }
        }
        ui.separator();
        if ui
            .button("⌂ Home")
            .on_hover_text("Fit the liberated districts (Home)")
            .clicked()
        {
            state.pending_fit = Some(Fit::Glide);
        }
    });
}

fn file_menu_ui(ui: &mut egui::Ui, state: &mut AppState) {
    if ui.button("Open… (Ctrl+O)").clicked() {
        open_dialog(state, Purpose::OpenData);
    }
    ui.add_enabled_ui(!state.recent_files.is_empty(), |ui| {
        ui.menu_button("Open Recent", |ui| {
            for path in state.recent_files.clone() {
                if ui.button(path.display().to_string()).clicked() {
                    state.pending_files.push(path);
                }
            }
            ui.separator();
            if ui.button("Clear the list").clicked() {
                state.recent_files.clear();
            }
        });
    });
    ui.separator();
    if ui.button("Open project…").clicked() {
        open_dialog(state, Purpose::OpenProject);
    }
    if ui.button("Save project as…").clicked() {
        let name = state
            .project_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(|| "project.json".to_owned(), |n| n.to_string_lossy().into());
        state.file_dialog = Some(FileDialog::new(
            Purpose::SaveProject,
            start_dir(state),
            &name,
        ));
    }
    ui.separator();
    if ui.button("Export map…").clicked() {
        state.show_export = true;
    }
}

/// Opens the file dialog for `purpose`, in the folder of the latest file.
pub fn open_dialog(state: &mut AppState, purpose: Purpose) {
    state.file_dialog = Some(FileDialog::new(purpose, start_dir(state), ""));
}
