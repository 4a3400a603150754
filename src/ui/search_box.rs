//! The search box (Ctrl+F): type any spelling or former name, pick a result, and the map flies
//! there and opens the details.

use crate::app::{AppState, Command};
use crate::query::search::search;

/// How many results the list shows.
const MAX_RESULTS: usize = 12;

/// What is typed in the search box.
#[derive(Default)]
pub struct SearchBox {
    pub query: String,
}

pub fn search_box_ui(ui: &mut egui::Ui, state: &mut AppState, search_box: &mut SearchBox) {
    let id = egui::Id::unique("search-box");
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
        ui.memory_mut(|m| m.request_focus(id));
    }
    let label = ui.label("Search");
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut search_box.query)
                .id(id)
                .hint_text("Search (Ctrl+F)")
                .desired_width(220.0),
        )
        .on_hover_text("Any spelling or former name: Susa, Shusha, Şuşa, Stepanakert…");
    let response = response.labelled_by(label.id);
    let query = search_box.query.trim().to_owned();
    if query.is_empty() {
        return;
    }
    let hits = search(&state.doc.atlas, &query, MAX_RESULTS);
    let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if enter && let Some(first) = hits.first() {
        state.send(Command::ShowFeature(first.feature));
        search_box.query.clear();
        return;
    }
    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        search_box.query.clear();
        return;
    }
    let language = state.doc.language;
    let mut chosen = None;
    egui::Area::new(egui::Id::unique("search-results"))
        .fixed_pos(response.rect.left_bottom() + egui::vec2(0.0, 4.0))
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_min_width(320.0);
                if hits.is_empty() {
                    ui.weak(format!("Nothing is called “{query}”."));
                }
                for hit in &hits {
                    let Some((_, f)) = state.doc.atlas.feature(hit.feature) else {
                        continue;
                    };
                    let mut text = f.display_name(language);
                    if let Some(former) = &hit.formerly {
                        text.push_str(&format!(" (formerly {former})"));
                    }
                    let detail = format!(
                        "{} · {}",
                        f.kind().unwrap_or("feature"),
                        f.str("district").unwrap_or("")
                    );
                    if ui
                        .add(egui::Button::new(text).frame(false))
                        .on_hover_text(&detail)
                        .clicked()
                    {
                        chosen = Some(hit.feature);
                    }
                    ui.weak(detail);
                }
            });
        });
    if let Some(r) = chosen {
        state.send(Command::ShowFeature(r));
        search_box.query.clear();
    }
}
