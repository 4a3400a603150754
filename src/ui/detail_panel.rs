//! The detail panel (Identify): the chosen feature's provenance, computed facts and every
//! attribute, and a list to choose from when several features lay under the click.

use crate::app::AppState;
use crate::model::atlas::FeatureRef;
use crate::model::feature::Language;
use crate::model::store::attributes::AttrValue;

/// Properties shown in the provenance block rather than the attribute table's top.
const PROVENANCE: [&str; 6] = [
    "source_url",
    "source_date",
    "source_2_url",
    "source_2_date",
    "confidence",
    "position",
];

pub fn detail_panel_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(selected) = state.selection.selected else {
        return;
    };
    let language = state.doc.language;
    ui.horizontal(|ui| {
        ui.heading("Details");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✖").on_hover_text("Close (Esc)").clicked() {
                state.selection.clear();
            }
        });
    });
    if state.selection.selected.is_none() {
        return;
    }
    if state.selection.picked.len() > 1 {
        ui.label(format!(
            "{} features here, topmost first:",
            state.selection.picked.len()
        ));
        let mut choice = None;
        for r in &state.selection.picked {
            let Some((layer, f)) = state.doc.atlas.feature(*r) else {
                continue;
            };
            let text = format!("{} · {}", f.display_name(language), layer.title);
            if ui.selectable_label(*r == selected, text).clicked() {
                choice = Some(*r);
            }
        }
        if let Some(c) = choice {
            state.selection.selected = Some(c);
        }
        ui.separator();
    }
    egui::ScrollArea::vertical().show(ui, |ui| feature_ui(ui, state, selected, language));
}

fn feature_ui(ui: &mut egui::Ui, state: &AppState, r: FeatureRef, language: Language) {
    let Some((layer, f)) = state.doc.atlas.feature(r) else {
        return;
    };
    ui.label(
        egui::RichText::new(f.display_name(language))
            .heading()
            .strong(),
    );
    let other = match language {
        Language::Azerbaijani => f.str("name_en"),
        Language::English => f.str("name_az"),
    };
    if let Some(other) = other.filter(|o| Some(*o) != f.name(language)) {
        ui.weak(other);
    }
    ui.label(format!(
        "{} · {}",
        f.kind().unwrap_or("feature"),
        layer.title
    ));
    ui.add_space(6.0);

    ui.strong("Source");
    egui::Grid::new("provenance").num_columns(2).show(ui, |ui| {
        ui.label("Source");
        match f.str("source_url") {
            Some(url) if url.starts_with("http") => {
                ui.hyperlink_to(short_url(url), url).on_hover_text(url);
            }
            Some(text) => {
                ui.label(text);
            }
            None => {
                ui.weak("none given");
            }
        }
        ui.end_row();
        ui.label("Date");
        ui.label(f.str("source_date").unwrap_or("not given"));
        ui.end_row();
        if let Some(url) = f.str("source_2_url") {
            ui.label("Also");
            ui.horizontal_wrapped(|ui| {
                ui.hyperlink_to(short_url(url), url).on_hover_text(url);
                if let Some(date) = f.str("source_2_date") {
                    ui.label(date);
                }
            });
            ui.end_row();
        }
        ui.label("Confidence");
        ui.label(f.str("confidence").unwrap_or("not given"));
        ui.end_row();
        ui.label("Position");
        ui.label(position_text(f.str("position")));
        ui.end_row();
    });
    ui.add_space(6.0);

    ui.strong("From the geometry");
    egui::Grid::new("computed").num_columns(2).show(ui, |ui| {
        ui.label("In district");
        let district = state
            .doc
            .atlas
            .district_at(f.anchor())
            .map(|d| d.display_name(language));
        ui.label(district.unwrap_or_else(|| "outside the liberated districts".to_owned()));
        ui.end_row();
        if let Some(ha) = f.area_ha() {
            ui.label("Area (geodesic)");
            ui.label(format!(
                "{} ha  ({:.2} km²)",
                group_thousands(ha),
                ha / 100.0
            ));
            ui.end_row();
        }
        if let geo::Geometry::Point(p) = f.lonlat() {
            ui.label("Coordinates");
            ui.label(format!("{:.5}° N, {:.5}° E", p.y(), p.x()));
            ui.end_row();
        }
    });
    ui.add_space(6.0);
    if layer.role == crate::model::layer::LayerRole::Districts {
        crate::ui::district_stats::district_stats_ui(ui, state, r);
        ui.add_space(6.0);
    }

    ui.strong("Attributes");
    egui::Grid::new("attributes")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (key, value) in f.properties() {
                if PROVENANCE.contains(&key) {
                    continue;
                }
                ui.label(key);
                match value {
                    AttrValue::Str(s) if s.starts_with("http") => {
                        ui.hyperlink_to(short_url(s), s);
                    }
                    AttrValue::Str(s) => {
                        ui.add(egui::Label::new(s).wrap());
                    }
                    AttrValue::Null => {
                        ui.weak("—");
                    }
                    other => {
                        ui.label(other.text().unwrap_or_default());
                    }
                }
                ui.end_row();
            }
        });
}

fn position_text(position: Option<&str>) -> &'static str {
    match position {
        Some("exact") => "exact (the feature's own position)",
        Some("settlement") => "settlement-level: placed at its settlement's point",
        Some("approximate") => "approximate: near the documented place",
        Some(_) => "as given in the file",
        None => "not stated",
    }
}

/// A URL shortened for display: no scheme, at most 48 characters.
pub fn short_url(url: &str) -> String {
    let rest = url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    if rest.chars().count() > 48 {
        format!("{}…", rest.chars().take(47).collect::<String>())
    } else {
        rest.to_owned()
    }
}

fn group_thousands(value: f64) -> String {
    let rounded = format!("{value:.1}");
    let (int, frac) = rounded.split_once('.').unwrap_or((&rounded, "0"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}
