//! The status bar: cursor coordinates, zoom, and the count of load messages.

use crate::app::command::Window;
use crate::app::{AppState, Command};
use crate::model::projection::{ground_per_world_metre, lonlat_from_world};

pub fn status_bar_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.horizontal(|ui| {
        match state.map.cursor_lonlat {
            Some([lon, lat]) => ui.monospace(format!("{lat:.5}° N  {lon:.5}° E")),
            None => ui.monospace("—"),
        };
        ui.separator();
        let view = state.map.camera.view;
        let lat = lonlat_from_world(view.center)[1];
        // 1 point ≈ 0.28 mm on a typical display (the OGC standard pixel).
        let scale = view.metres_per_point * ground_per_world_metre(lat) / 0.000_28;
        ui.monospace(format!("1:{}", round_scale(scale)));
        ui.separator();
        let n = state.doc.atlas.messages.len();
        if n > 0 && ui.link(format!("⚠ {n} messages")).clicked() {
            state.send(Command::OpenWindow(Window::Messages));
        }
    });
}

fn round_scale(scale: f64) -> String {
    let magnitude = 10f64.powf(scale.log10().floor() - 1.0).max(1.0);
    let rounded = (scale / magnitude).round() * magnitude;
    let digits = format!("{rounded:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
