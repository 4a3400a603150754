//! The "Export map" window: size, title and furniture of an export of the current view, saved
//! as PNG or SVG, or copied to the clipboard.

use crate::app::AppState;
use crate::ui::file_dialog::{FileDialog, Purpose, start_dir};

/// Sizes offered, in pixels.
const PRESETS: [(u32, u32, &str); 4] = [
    (1280, 720, "1280 × 720 (slides)"),
    (1600, 1000, "1600 × 1000"),
    (1920, 1080, "1920 × 1080 (full HD)"),
    (3508, 2480, "3508 × 2480 (A4 at 300 dpi)"),
];

pub fn export_window_ui(ctx: &egui::Context, state: &mut AppState) {
    let mut open = state.show_export;
    egui::Window::new("Export map")
        .open(&mut open)
        .default_width(380.0)
        .show(ctx, |ui| export_ui(ui, state));
    state.show_export = open && state.show_export;
}

fn export_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let export = &mut state.export;
    ui.label("The map as it shows now, with:");
    ui.horizontal(|ui| {
        ui.label("Title:");
        ui.add(
            egui::TextEdit::singleline(&mut export.title)
                .hint_text("none")
                .desired_width(260.0),
        );
    });
    ui.checkbox(
        &mut export.legend,
        "Legend (layers, district colours, filters)",
    );
    ui.checkbox(&mut export.scale_bar, "Scale bar");
    ui.checkbox(&mut export.north_arrow, "North arrow");
    ui.checkbox(&mut export.date, "Date");
    ui.checkbox(&mut export.attribution, "Data attribution");
    ui.horizontal(|ui| {
        ui.label("Size:");
        ui.add(
            egui::DragValue::new(&mut export.width)
                .range(16..=16384)
                .suffix(" px"),
        );
        ui.label("×");
        ui.add(
            egui::DragValue::new(&mut export.height)
                .range(16..=16384)
                .suffix(" px"),
        );
    });
    ui.horizontal_wrapped(|ui| {
        for (w, h, text) in PRESETS {
            if ui
                .selectable_label(export.width == w && export.height == h, text)
                .clicked()
            {
                export.width = w;
                export.height = h;
            }
        }
    });
    ui.weak("PNG keeps the size in pixels; SVG keeps vectors and text, at the same size.");
    ui.separator();
    ui.horizontal(|ui| {
        if ui.button("Save as PNG or SVG…").clicked() {
            let name = if state.export.title.trim().is_empty() {
                "map.png".to_owned()
            } else {
                format!("{}.png", state.export.title.trim())
            };
            state.file_dialog = Some(FileDialog::new(Purpose::ExportMap, start_dir(state), &name));
        }
        if ui.button("Copy to clipboard").clicked() {
            match state.map_image() {
                Ok(image) => {
                    ui.ctx().copy_image(image);
                    state.notice = Some("The map is on the clipboard.".to_owned());
                }
                Err(e) => state.notice = Some(e.to_string()),
            }
        }
    });
    if let Some(notice) = &state.notice {
        ui.weak(notice);
    }
}
