//! The "Export map" window: size, title and furniture of an export of the current view, saved
//! as PNG or SVG, or copied to the clipboard.

use crate::app::command::Purpose;
use crate::app::{AppState, Command};
use crate::draw::export::ExportOptions;
use std::path::Path;

/// Sizes offered, in pixels.
const PRESETS: [(u32, u32, &str); 4] = [
    (1280, 720, "1280 × 720 (slides)"),
    (1600, 1000, "1600 × 1000"),
    (1920, 1080, "1920 × 1080 (full HD)"),
    (3508, 2480, "3508 × 2480 (A4 at 300 dpi)"),
];

/// The export window: open or not, and what an export carries.
#[derive(Default)]
pub struct ExportWindow {
    pub open: bool,
    pub options: ExportOptions,
}

impl ExportWindow {
    /// The file name offered: the title's, or `map.png`.
    pub fn file_name(&self) -> String {
        match self.options.title.trim() {
            "" => "map.png".to_owned(),
            title => format!("{title}.png"),
        }
    }

    /// The scene of an export of the current view, as the options say.
    fn scene<'a>(&self, state: &'a AppState) -> crate::scene::Scene<'a> {
        let visible = match state.map.viewport {
            Some(rect) => state.map.camera.view.visible_bounds(rect),
            None => state.doc.atlas.home_bounds(),
        };
        let view = crate::draw::export::export_view(&visible, &self.options);
        let options = crate::scene::SceneOptions {
            flashing: &[],
            selected: None,
            ..state.scene_options()
        };
        crate::draw::export::export_scene(
            &state.doc.atlas,
            &state.faces,
            &view,
            &options,
            &self.options,
            &crate::model::date::Date::today().to_string(),
        )
    }

    /// Exports the current view to `path`, as PNG or SVG by its extension.
    pub fn export_to(&self, state: &mut AppState, path: &Path) {
        match crate::draw::export::write(path, &self.scene(state), &state.faces) {
            Ok(()) => state.notice = Some(format!("Exported {}", path.display())),
            Err(e) => {
                state.notice = Some(e.to_string());
                state.report(e.to_string());
            }
        }
    }

    /// The current view with its export furniture, as an image for the clipboard.
    pub fn image(
        &self,
        state: &AppState,
    ) -> Result<egui::ColorImage, crate::draw::raster::RasterError> {
        let pixmap = crate::draw::raster::rasterize(&self.scene(state), &state.faces)?;
        Ok(egui::ColorImage::from_rgba_premultiplied(
            [pixmap.width() as usize, pixmap.height() as usize],
            pixmap.data(),
        ))
    }

    /// Puts the current view, with its export furniture, on the clipboard.
    pub fn copy(&self, state: &mut AppState, ctx: &egui::Context) {
        match self.image(state) {
            Ok(image) => {
                ctx.copy_image(image);
                state.notice = Some("The map is on the clipboard.".to_owned());
            }
            Err(e) => state.notice = Some(e.to_string()),
        }
    }
}

pub fn export_window_ui(ctx: &egui::Context, state: &mut AppState, window: &mut ExportWindow) {
    crate::ui::windows::closable_window(
        ctx,
        ("Export map", 380.0),
        window,
        |window| &mut window.open,
        |ui, window| export_ui(ui, state, &mut window.options),
    );
}

fn export_ui(ui: &mut egui::Ui, state: &mut AppState, export: &mut ExportOptions) {
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
            state.send(Command::ChooseFile(Purpose::ExportMap));
        }
        if ui.button("Copy to clipboard").clicked() {
            state.send(Command::CopyMap);
        }
    });
    if let Some(notice) = &state.notice {
        ui.weak(notice);
    }
}
