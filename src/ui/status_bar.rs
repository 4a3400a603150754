//! The status bar: cursor coordinates, zoom, and the count of load messages.

use crate::app::command::Window;
use crate::app::{AppState, Command};

pub fn status_bar_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.horizontal(|ui| {
        match state.map.cursor_lonlat {
            Some([lon, lat]) => ui.monospace(format!("{lat:.5}° N  {lon:.5}° E")),
            None => ui.monospace("—"),
        };
        ui.separator();
        let view = state.map.camera.view;
        let scale = view.scale_denominator();
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
