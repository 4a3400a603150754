//! The detail panel (Identify): the chosen feature's provenance, computed facts and every
//! attribute, and a list to choose from when several features lay under the click.

use crate::app::AppState;
use crate::model::atlas::{DistrictBasis, FeatureRef};
use crate::model::feature::Language;
use crate::model::store::FeatureView;
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

    figures_ui(ui, f);
    ui.strong("From the geometry");
    egui::Grid::new("computed").num_columns(2).show(ui, |ui| {
        ui.label("In district");
        ui.label(district_text(state, f, language));
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

/// The district line: the district the feature's source names, or the polygon it falls in.
fn district_text(state: &AppState, f: FeatureView<'_>, language: Language) -> String {
    match state.doc.atlas.district_of(f) {
        Some((d, DistrictBasis::Sourced)) => {
            format!("{} (as its source names it)", d.display_name(language))
        }
        Some((d, DistrictBasis::Position)) => {
            format!("{} (by position)", d.display_name(language))
        }
        None => "outside the liberated districts".to_owned(),
    }
}

/// Figures with the date they are true for: a population without a year says so, and a
/// current, dated count stands beside it where one was found.
fn figures_ui(ui: &mut egui::Ui, f: FeatureView<'_>) {
    let population = population_text(f);
    let residents = residents_text(f);
    let documented_area = match (f.area_ha(), f.number("area_ha")) {
        (None, Some(ha)) => Some(ha),
        _ => None,
    };
    if population.is_none() && residents.is_none() && documented_area.is_none() {
        return;
    }
    ui.strong("Figures");
    egui::Grid::new("figures").num_columns(2).show(ui, |ui| {
        if let Some(text) = population {
            ui.label("Population");
            ui.add(egui::Label::new(text).wrap());
            ui.end_row();
        }
        if let Some(text) = residents {
            ui.label("Now");
            ui.add(egui::Label::new(text).wrap());
            ui.end_row();
        }
        if let Some(ha) = documented_area {
            ui.label("Documented area");
            ui.add(
                egui::Label::new(format!(
                    "{} ha (no outline is published: drawn as a point)",
                    group_thousands(ha)
                ))
                .wrap(),
            );
            ui.end_row();
        }
    });
    ui.add_space(6.0);
}

/// "population 19,400 (GeoNames, year not given)", or with the year its source gives.
pub fn population_text(f: FeatureView<'_>) -> Option<String> {
    let population = f.number("population")?;
    let source = f
        .str("population_source")
        .map_or("source not given", |s| s.split(" via ").next().unwrap_or(s));
    let year = match f.text("population_year") {
        Some(y) if y != "not given" => y,
        _ => "year not given".to_owned(),
    };
    Some(format!(
        "population {} ({source}, {year})",
        group_int(population)
    ))
}

/// The dated, sourced current count, or that none was found.
pub fn residents_text(f: FeatureView<'_>) -> Option<String> {
    let note = f.str("residents_note");
    let Some(people) = f.number("residents") else {
        return note.map(|n| format!("uncertain: {n}"));
    };
    let families = f
        .number("residents_families")
        .map(|n| format!("{} families, ", group_int(n)))
        .unwrap_or_default();
    let date = f.str("residents_date").unwrap_or("date not given");
    let basis = f.str("residents_basis").unwrap_or("residents");
    let source = f
        .str("residents_source_url")
        .map_or(String::new(), |u| format!(", {}", short_url(u)));
    Some(format!(
        "{families}{} people by {date} ({basis}{source})",
        group_int(people)
    ))
}

fn group_int(value: f64) -> String {
    let text = group_thousands(value);
    text.strip_suffix(".0").unwrap_or(&text).to_owned()
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
