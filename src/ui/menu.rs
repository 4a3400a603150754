//! The menu bar: view commands, the label language, help.

use crate::app::{AppState, Fit};
use crate::feature::Language;

pub fn menu_ui(ui: &mut egui::Ui, state: &mut AppState) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("View", |ui| {
            if ui.button("Fit the liberated districts (Home)").clicked() {
                state.pending_fit = Some(Fit::Glide);
            }
            if ui.button("Messages").clicked() {
                state.show_messages = true;
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("About the data").clicked() {
                state.show_about = true;
            }
        });
        ui.separator();
        ui.label("Labels:");
        ui.selectable_value(
            &mut state.scene.language,
            Language::Azerbaijani,
            "Azərbaycanca",
        );
        ui.selectable_value(&mut state.scene.language, Language::English, "English");
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
