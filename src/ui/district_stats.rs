//! District statistics in the window: a district's own figures in its details, and a table
//! comparing all districts, sortable by any column and exportable to CSV.

use crate::app::AppState;
use crate::model::atlas::FeatureRef;
use crate::query::stats::{
    Column, DistrictStats, all_district_stats, columns, district_stats, row, to_csv,
};
use egui_plot::{Bar, BarChart, Plot};

/// Where "Save CSV" writes, in the working directory.
pub const CSV_FILE_NAME: &str = "karabakh-atlas-districts.csv";

/// The statistics block of a district's details.
pub fn district_stats_ui(ui: &mut egui::Ui, state: &AppState, r: FeatureRef) {
    let Some(stats) = district_stats(&state.doc.atlas, r, state.doc.language) else {
        return;
    };
    ui.strong("In this district (from the geometry)");
    egui::Grid::new("district-counts")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (key, title, n) in &stats.counts {
                ui.label(title);
                let layer = state.doc.atlas.layer(*key);
                let read_by_view = layer
                    .is_some_and(|l| state.files.view_following.iter().any(|f| f.url == l.origin));
                match layer.map(|l| l.district_totals.is_some()) {
                    Some(true) => ui.label(format!("{n} (whole table, counted on the server)")),
                    _ if read_by_view => ui.weak("counting on the server…"),
                    _ => ui.label(n.to_string()),
                };
                ui.end_row();
            }
            for (key, ha) in &stats.hectares {
                if let Some(layer) = state.doc.atlas.layer(*key) {
                    ui.label(format!("{}, area", layer.title));
                    ui.label(format!("{ha:.1} ha"));
                    ui.end_row();
                }
            }
        });
    if !stats.demined_ha.is_empty() {
        ui.add_space(4.0);
        ui.strong("Demined, hectares by year");
        demining_chart_ui(ui, &stats);
    }
    if !stats.settlements.is_empty() {
        ui.add_space(4.0);
        ui.strong("Settlements");
        egui::Grid::new("district-settlements")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                ui.weak("name");
                ui.weak("population");
                ui.weak("returned families");
                ui.end_row();
                for s in &stats.settlements {
                    ui.label(&s.name);
                    ui.label(s.population.map_or("—".to_owned(), |p| format!("{p:.0}")));
                    ui.label(
                        s.returned_families
                            .map_or("—".to_owned(), |p| format!("{p:.0}")),
                    );
                    ui.end_row();
                }
            });
    }
    ui.weak("Counted by position inside Natural Earth's boundary, which is off by up to 3 km.");
    region_facts_ui(ui, state, &stats.economic_region);
}

/// Facts that concern the district's economic region or all the liberated territories.
fn region_facts_ui(ui: &mut egui::Ui, state: &AppState, economic_region: &str) {
    let facts: Vec<_> = state
        .doc
        .atlas
        .region_facts
        .iter()
        .filter(|f| f.region == economic_region || f.region == "Liberated territories")
        .collect();
    if facts.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!("Facts about the region ({})", facts.len()))
        .id_salt("region-facts")
        .show(ui, |ui| {
            for fact in facts {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("{}: {}", fact.region, fact.text));
                    let date = fact.source_date.as_deref().unwrap_or("");
                    ui.hyperlink_to(format!("source, {date}"), &fact.source_url);
                });
            }
        });
}

fn demining_chart_ui(ui: &mut egui::Ui, stats: &DistrictStats) {
    let bars: Vec<Bar> = stats
        .demined_ha
        .iter()
        .filter_map(|(year, ha)| Some(Bar::new(year.parse::<f64>().ok()?, *ha).name(year)))
        .collect();
    let years: Vec<f64> = stats
        .demined_ha
        .iter()
        .filter_map(|(y, _)| y.parse().ok())
        .collect();
    let first = years.iter().copied().fold(f64::INFINITY, f64::min);
    let last = years.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Plot::new(("demining", stats.district.layer, stats.district.feature))
        .height(120.0)
        .include_x(first - 1.0)
        .include_x(last + 1.0)
        .include_y(0.0)
        .x_axis_formatter(|mark, _range| {
            if mark.value.fract() == 0.0 {
                format!("{:.0}", mark.value)
            } else {
                String::new()
            }
        })
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("hectares", bars).width(0.6))
        });
}

/// The comparison window's state: which column sorts, which way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableSort {
    pub column: usize,
    pub descending: bool,
}

/// The comparison window: open or not, its sort, the last "Save CSV" result, and the rows,
/// worked out when the data, the language or the sort change, not every frame.
#[derive(Default)]
pub struct DistrictTable {
    pub open: bool,
    pub sort: TableSort,
    pub message: Option<String>,
    rows: Option<(RowsKey, Table)>,
}

/// The table's columns and its rows, sorted.
#[derive(Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<DistrictStats>,
}

/// What the rows depend on.
#[derive(Clone, Copy, PartialEq)]
struct RowsKey {
    data: u64,
    language: crate::model::feature::Language,
    sort: TableSort,
}

impl DistrictTable {
    /// The districts' statistics, sorted, for the atlas as it is now.
    pub fn table(&mut self, state: &AppState) -> &Table {
        let key = RowsKey {
            data: state.doc.atlas.data_key(),
            language: state.doc.language,
            sort: self.sort,
        };
        if self.rows.as_ref().is_none_or(|(k, _)| *k != key) {
            let columns = columns(&state.doc.atlas);
            let mut rows = all_district_stats(&state.doc.atlas, key.language);
            let sort = self.sort;
            if let Some(column) = columns.get(sort.column) {
                rows.sort_by(|a, b| {
                    let order = column.cell(a).compare(&column.cell(b));
                    if sort.descending {
                        order.reverse()
                    } else {
                        order
                    }
                });
            }
            self.rows = Some((key, Table { columns, rows }));
        }
        &self.rows.get_or_insert_with(|| (key, Table::default())).1
    }
}

pub fn compare_window_ui(ctx: &egui::Context, state: &AppState, table: &mut DistrictTable) {
    let mut open = table.open;
    if !open {
        return;
    }
    let sort = table.sort;
    let mut new_sort = None;
    let mut message = table.message.clone();
    let Table {
        columns,
        rows: stats,
    } = table.table(state);
    egui::Window::new("Compare districts")
        .open(&mut open)
        .default_pos([260.0, 60.0])
        .default_width(1080.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button("Copy CSV").clicked() {
                    ui.ctx().copy_text(to_csv(stats, columns));
                }
                if ui.button("Save CSV").clicked() {
                    message = Some(save_csv(stats, columns));
                }
                if let Some(m) = &message {
                    ui.weak(m);
                }
            });
            egui::ScrollArea::horizontal().show(ui, |ui| {
                egui::Grid::new("district-table").striped(true).show(ui, |ui| {
                    for (i, column) in columns.iter().enumerate() {
                        let title = column.title();
                        let arrow = match (sort.column == i, sort.descending) {
                            (true, false) => " ▲",
                            (true, true) => " ▼",
                            _ => "",
                        };
                        if ui.button(format!("{title}{arrow}")).on_hover_text("Sort by this column").clicked() {
                            new_sort = Some(TableSort {
                                column: i,
                                descending: sort.column == i && !sort.descending,
                            });
                        }
                    }
                    ui.end_row();
                    for s in stats {
                        for cell in row(s, columns) {
                            ui.label(cell.display());
                        }
                        ui.end_row();
                    }
                });
            });
            ui.weak("Counts come from positions inside each district's boundary; demining hectares from the Cabinet report (Trend, 2024-03-05).");
        });
    table.message = message;
    table.sort = new_sort.unwrap_or(sort);
    table.open = open;
}

fn save_csv(stats: &[DistrictStats], columns: &[Column]) -> String {
    let path = std::env::current_dir()
        .unwrap_or_default()
        .join(CSV_FILE_NAME);
    match std::fs::write(&path, to_csv(stats, columns)) {
        Ok(()) => format!("Saved {}", path.display()),
        Err(e) => format!("{}: cannot write: {e}", path.display()),
    }
}
