//! The layer panel: legend swatch, visibility, opacity, feature count, colouring by an
//! attribute and the attribute filter per layer; files loading; the "as of" date; and the
//! district choropleth selector with its legend.

use crate::app::{AppState, Command};
use crate::io::postgis::live::{Follower, LiveState};
use crate::model::layer::{Layer, LayerRole};
use crate::model::style::NO_DATA;
use crate::scene::{choropleth_legend, symbol_outline};
use egui::{Color32, Sense, Stroke, vec2};

pub fn layer_panel_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.heading("Layers");
    egui::ScrollArea::vertical().show(ui, |ui| {
        loading_ui(ui, state);
        let mut close = None;
        let mut database = None;
        // Top layer first, as in QGIS.
        for layer in state.doc.atlas.layers.iter_mut().rev() {
            if layer_row_ui(ui, layer) {
                close = Some(layer.key);
            }
            if crate::io::postgis::is_database_url(std::path::Path::new(&layer.origin)) {
                let follower = state.files.following.iter().find(|f| f.url == layer.origin);
                let status = state.files.database_status.get(&layer.origin);
                if let Some(v) = state
                    .files
                    .view_following
                    .iter()
                    .find(|f| f.url == layer.origin)
                {
                    view_status_ui(ui, layer, v);
                }
                if let Some(command) = database_status_ui(ui, layer.key, status, follower) {
                    database = Some(command);
                }
            }
            if layer.role != LayerRole::Context {
                layer_filter_ui(ui, layer, &mut state.doc.filter);
            }
        }
        if let Some(key) = close {
            state.send(Command::CloseLayer(key));
        }
        if let Some(command) = database {
            state.send(command);
        }
        ui.separator();
        as_of_ui(ui, state);
        ui.separator();
        choropleth_ui(ui, state);
    });
}

/// Files being read, each with its progress and a Cancel button.
fn loading_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let mut cancel = None;
    for loading in &state.files.loading {
        let name = loading.path.file_name().map_or_else(
            || loading.path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("Opening {name}"));
            if ui.small_button("Cancel").clicked() {
                cancel = Some(loading.path.clone());
            }
        });
        let bar = match loading.fraction() {
            Some(f) => egui::ProgressBar::new(f),
            None => egui::ProgressBar::new(0.0).animate(true),
        };
        ui.add(bar.text(loading.describe()));
    }
    if let Some(path) = cancel {
        state.send(Command::CancelLoading(path));
    }
}

/// A database layer's connection state, last update and live state, with Reload and Live;
/// returns the command the user asks for.
fn database_status_ui(
    ui: &mut egui::Ui,
    key: crate::model::layer::LayerKey,
    status: Option<&crate::app::DatabaseStatus>,
    follower: Option<&Follower>,
) -> Option<Command> {
    let mut command = None;
    ui.horizontal(|ui| {
        ui.add_space(24.0);
        match status {
            Some(s) => {
                let when = ago(s.at);
                match (&s.error, &s.copy_read_at) {
                    (None, _) => ui.weak(format!("● database, read {when}")),
                    (Some(e), None) => ui
                        .colored_label(RED, format!("● unreachable ({when})"))
                        .on_hover_text(e),
                    (Some(e), Some(read_at)) => ui
                        .colored_label(RED, format!("● unreachable: offline copy of {read_at}"))
                        .on_hover_text(e),
                };
            }
            None => {
                ui.weak("● database");
            }
        }
        if ui
            .small_button("⟳ Reload")
            .on_hover_text("Read the table again from the database")
            .clicked()
        {
            command = Some(Command::ReloadLayer(key));
        }
        let mut live = follower.is_some();
        if ui
            .checkbox(&mut live, "Live")
            .on_hover_text("Show other users' changes to the table as they make them")
            .changed()
        {
            command = Some(if live {
                Command::FollowChanges {
                    layer: key,
                    install_trigger: false,
                }
            } else {
                Command::StopFollowing(key)
            });
        }
    });
    let Some(follower) = follower else {
        return command;
    };
    ui.indent("live", |ui| match &follower.state {
        LiveState::Connecting => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("connecting…");
            });
        }
        LiveState::Listening => {
            let last = follower.last_change.map_or_else(
                || "no change yet".to_owned(),
                |t| format!("last change {}", ago(t)),
            );
            ui.colored_label(Color32::from_rgb(30, 130, 60), format!("● live, {last}"));
        }
        LiveState::NeedsTrigger => {
            ui.label("The table sends no change notices.");
            if ui
                .small_button("Install change trigger")
                .on_hover_text(format!(
                    "Creates the trigger {} on the table: each insert, update and delete then \
                         notifies every open map. Needs the table's owner; it can be dropped \
                         with DROP TRIGGER.",
                    crate::io::postgis::live::TRIGGER
                ))
                .clicked()
            {
                command = Some(Command::FollowChanges {
                    layer: key,
                    install_trigger: true,
                });
            }
        }
        LiveState::Lost(why) => {
            ui.colored_label(RED, "● connection lost, trying again")
                .on_hover_text(why);
        }
        LiveState::Refused(why) => {
            ui.colored_label(RED, "● cannot follow changes")
                .on_hover_text(why);
        }
    });
    command
}

/// A table read view by view: its size, and what this view holds.
fn view_status_ui(
    ui: &mut egui::Ui,
    layer: &Layer,
    follower: &crate::io::postgis::view_follower::ViewFollower,
) {
    ui.horizontal_wrapped(|ui| {
        ui.add_space(24.0);
        let counted: usize = layer.counted.iter().map(|c| c.1).sum();
        let (took, kept) = follower
            .last
            .map_or((String::new(), false), |(took, kept)| {
                (format!(" in {:.2} s", took.as_secs_f64()), kept)
            });
        let this_view = if let Some(e) = &follower.error {
            ui.colored_label(RED, "● this view could not be read")
                .on_hover_text(e);
            return;
        } else if counted > 0 && kept {
            format!("{counted} counted, from the counts the database keeps")
        } else if counted > 0 {
            format!("{counted} counted on the server")
        } else {
            format!("{} read", layer.len())
        };
        ui.weak(format!(
            "about {} rows, read view by view; this view: {this_view}{took}",
            follower.rows
        ))
        .on_hover_text(if kept || counted == 0 {
            "The table is too big to read whole: each view asks the server for what it shows"
        } else {
            "The table is too big to read whole: each view asks the server for what it shows. \
             Zoomed out, the server counts every row in view, which takes seconds on millions \
             of rows; the table's owner can make it quick with `karabakh-atlas prepare`."
        });
        if follower.waiting {
            ui.spinner();
        }
    });
}

const RED: Color32 = Color32::from_rgb(190, 40, 40);

/// How long ago `at` was, in seconds or minutes.
fn ago(at: std::time::SystemTime) -> String {
    let seconds = at.elapsed().map_or(0, |d| d.as_secs());
    if seconds < 60 {
        format!("{seconds} s ago")
    } else {
        format!("{} min ago", seconds / 60)
    }
}

/// One layer's row; returns true when the user asks to close it.
fn layer_row_ui(ui: &mut egui::Ui, layer: &mut Layer) -> bool {
    let mut close = false;
    ui.horizontal(|ui| {
        swatch_ui(ui, layer);
        ui.checkbox(&mut layer.visible, &layer.title)
            .on_hover_text(format!("Source: {}", layer.origin));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if layer.role == LayerRole::User {
                close = ui
                    .small_button("Close")
                    .on_hover_text(format!("Close {}", layer.title))
                    .clicked();
            }
            ui.weak(format!("{}", layer.len()))
                .on_hover_text("features in the layer");
        });
    });
    ui.horizontal(|ui| {
        ui.add_space(24.0);
        ui.spacing_mut().slider_width = 110.0;
        ui.add_enabled(
            layer.visible,
            egui::Slider::new(&mut layer.opacity, 0.0..=1.0)
                .text("opacity")
                .show_value(false),
        )
        .on_hover_text(format!("Opacity of {}", layer.title));
    });
    if !matches!(layer.role, LayerRole::Context | LayerRole::Districts) {
        colour_by_ui(ui, layer);
    }
    ui.add_space(2.0);
    close
}

/// "Colour by": one colour, or a colour per value of a chosen attribute, with its legend.
fn colour_by_ui(ui: &mut egui::Ui, layer: &mut Layer) {
    use crate::model::style::{Categories, OTHER_CATEGORY};
    let current = layer.style.categories.as_ref().map(|c| c.attribute.clone());
    let mut chosen = current.clone();
    ui.horizontal(|ui| {
        ui.add_space(24.0);
        egui::ComboBox::new(("colour-by", &layer.id), "colour by")
            .selected_text(chosen.clone().unwrap_or_else(|| "one colour".to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "one colour");
                // Worked out only while the list is open.
                for attribute in Categories::candidates(&layer.store) {
                    ui.selectable_value(&mut chosen, Some(attribute.clone()), attribute);
                }
            });
    });
    if chosen != current {
        layer.style.categories = chosen.map(|a| Categories::of(&a, layer.features()));
    }
    if let Some(categories) = &layer.style.categories {
        ui.indent(("categories", &layer.id), |ui| {
            for (value, colour) in &categories.classes {
                legend_row_ui(ui, *colour, value);
            }
            legend_row_ui(ui, OTHER_CATEGORY, "other values, or none");
        });
    }
}

fn swatch_ui(ui: &mut egui::Ui, layer: &Layer) {
    let (rect, _) = ui.allocate_exact_size(vec2(16.0, 16.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let points_only = !layer.is_empty() && layer.store.only_points();
    if points_only {
        let outline = symbol_outline(layer.style.symbol, rect.center(), 12.0);
        painter.add(egui::Shape::convex_polygon(
            outline,
            layer.style.fill,
            Stroke::new(1.0, layer.style.stroke),
        ));
    } else {
        painter.rect_filled(rect.shrink(1.0), 2.0, layer.style.fill);
        painter.rect_stroke(
            rect.shrink(1.0),
            2.0,
            Stroke::new(layer.style.stroke_width.min(2.0), layer.style.stroke),
            egui::StrokeKind::Inside,
        );
    }
}

fn choropleth_ui(ui: &mut egui::Ui, state: &mut AppState) {
    if !state
        .doc
        .atlas
        .layers
        .iter()
        .any(|l| l.role == LayerRole::Districts)
    {
        return;
    }
    let years = state.doc.atlas.demining_years();
    let choropleth_year = &mut state.doc.choropleth_year;
    let current = choropleth_year
        .as_ref()
        .map_or_else(|| "None".to_owned(), |y| format!("Demined hectares, {y}"));
    egui::ComboBox::new("choropleth", "District colours")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(choropleth_year, None, "None");
            for year in years {
                let text = format!("Demined hectares, {year}");
                ui.selectable_value(choropleth_year, Some(year), text);
            }
        });
    let Some(legend) = state
        .doc
        .choropleth_year
        .as_deref()
        .and_then(|y| choropleth_legend(&state.doc.atlas, y))
    else {
        return;
    };
    for (colour, lo, hi) in &legend.classes {
        legend_row_ui(ui, *colour, &format!("{lo:.0} – {hi:.0} ha"));
    }
    legend_row_ui(ui, NO_DATA, "no figure");
    ui.weak("Cleared in the year, by district (Cabinet report via Trend, 2024-03-05).");
}

fn legend_row_ui(ui: &mut egui::Ui, colour: Color32, text: &str) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(16.0, 12.0), Sense::hover());
        ui.painter().rect_filled(rect, 1.0, colour);
        ui.label(text);
    });
}

/// The global "as of" date: a month slider from November 2020 to this month.
fn as_of_ui(ui: &mut egui::Ui, state: &mut AppState) {
    use crate::model::date::Month;
    let this_month = Month::current();
    let last = this_month.index();
    let mut on = state.doc.filter.as_of.is_some();
    if ui
        .checkbox(&mut on, "Show only what existed by a date")
        .changed()
    {
        state.doc.filter.as_of = on.then(|| this_month.end());
    }
    let Some(as_of) = state.doc.filter.as_of else {
        return;
    };
    let mut index = Month::of(as_of).index().min(last);
    let slider = egui::Slider::new(&mut index, 0..=last)
        .show_value(false)
        .text("As of");
    if ui.add(slider).changed() {
        state.doc.filter.as_of = Some(Month::at(index).end());
    }
    let filter = &state.doc.filter;
    let hidden: usize = state
        .doc
        .atlas
        .layers
        .iter()
        .filter_map(|l| Some((l, filter.for_layer(l)?)))
        .map(|(l, test)| {
            l.store
                .ids()
                .filter(|&id| l.date_of(id).is_some() && !test.shows(id))
                .count()
        })
        .sum();
    ui.label(format!("As of {}", Month::of(as_of).end()));
    ui.weak(format!("{hidden} dated features hidden"));
    timeline_controls_ui(ui, state, last);
}

/// Play, pause and speed of the restoration timeline.
fn timeline_controls_ui(ui: &mut egui::Ui, state: &mut AppState, last: u32) {
    ui.horizontal(|ui| {
        let timeline = &mut state.show.timeline;
        if timeline.playing {
            if ui.button("❚❚ Pause").clicked() {
                timeline.playing = false;
            }
        } else if ui
            .button("▶ Play the restoration")
            .on_hover_text("From November 2020 to this month")
            .clicked()
        {
            timeline.play(0, last);
            state.doc.filter.as_of = Some(timeline.as_of());
        }
    });
    ui.add(
        egui::Slider::new(&mut state.show.timeline.months_per_second, 0.5..=12.0)
            .logarithmic(true)
            .text("months/s"),
    );
}

/// A layer's attribute filter: kinds and confidence levels to show, and a text to match.
fn layer_filter_ui(
    ui: &mut egui::Ui,
    layer: &Layer,
    filter: &mut crate::model::filter::FeatureFilter,
) {
    let active = filter.layers.get(&layer.id).is_some_and(|f| f.is_active());
    let title = if active { "Filter (on)" } else { "Filter" };
    ui.indent(("filter-indent", &layer.id), |ui| {
        egui::CollapsingHeader::new(title)
            .id_salt(("filter", &layer.id))
            .show(ui, |ui| {
                let f = filter.layers.entry(layer.id.clone()).or_default();
                let kinds = layer.kinds();
                if kinds.len() > 1 {
                    ui.weak("Kinds");
                    for kind in kinds {
                        let mut shown = !f.hidden_kinds.contains(kind);
                        if ui.checkbox(&mut shown, kind).changed() {
                            if shown {
                                f.hidden_kinds.remove(kind);
                            } else {
                                f.hidden_kinds.insert(kind.to_owned());
                            }
                        }
                    }
                }
                ui.weak("Confidence");
                ui.horizontal(|ui| {
                    for level in ["high", "medium", "low"] {
                        let mut shown = !f.hidden_confidence.contains(level);
                        if ui.checkbox(&mut shown, level).changed() {
                            if shown {
                                f.hidden_confidence.remove(level);
                            } else {
                                f.hidden_confidence.insert(level.to_owned());
                            }
                        }
                    }
                });
                let label = ui.label("Text");
                ui.add(
                    egui::TextEdit::singleline(&mut f.text).hint_text("in names or description"),
                )
                .labelled_by(label.id);
                range_ui(ui, layer, f);
            });
    });
}

/// A numeric attribute chosen from the layer's, and the range of it to show.
fn range_ui(ui: &mut egui::Ui, layer: &Layer, f: &mut crate::model::filter::LayerFilter) {
    use crate::model::filter::NumericRange;
    // Cached on the layer: this runs every frame while the filter is open.
    let numeric = layer.numeric_attributes();
    if numeric.is_empty() {
        return;
    }
    let current = f.range.as_ref().map(|r| r.attribute.clone());
    let mut chosen = current.clone();
    ui.horizontal(|ui| {
        egui::ComboBox::new(("range", &layer.id), "range shown")
            .selected_text(chosen.clone().unwrap_or_else(|| "no number".to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "no number");
                for (attribute, _, _) in numeric {
                    ui.selectable_value(&mut chosen, Some(attribute.clone()), attribute);
                }
            });
    });
    if chosen != current {
        f.range = chosen.and_then(|a| {
            let (_, min, max) = numeric.iter().find(|(name, _, _)| *name == a)?.clone();
            Some(NumericRange {
                attribute: a,
                min,
                max,
            })
        });
    }
    if let Some(range) = &mut f.range
        && let Some((_, lo, hi)) = numeric.iter().find(|(a, _, _)| *a == range.attribute)
    {
        let speed = ((hi - lo) / 200.0).max(0.01);
        ui.horizontal(|ui| {
            ui.add(
                egui::DragValue::new(&mut range.min)
                    .speed(speed)
                    .prefix("from "),
            );
            ui.add(
                egui::DragValue::new(&mut range.max)
                    .speed(speed)
                    .prefix("to "),
            );
        });
        ui.weak(format!("in the layer: {lo} to {hi}"));
    }
}
