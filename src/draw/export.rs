//! Maps out: the current view as a PNG of a chosen size or as SVG vectors, carrying a title,
//! legend, scale bar, north arrow, date and data attribution, as each export asks.

use crate::model::atlas::Atlas;
use crate::model::layer::LayerRole;
use crate::model::view::{MapView, WorldBounds};
use crate::scene::fonts::Faces;
use crate::scene::{self, Mark, SceneOptions, choropleth_legend, symbol_outline};
use egui::{Color32, Pos2, Rect, Stroke, pos2, vec2};
use std::path::Path;

/// The credits every exported map can carry, as the licences ask.
pub const ATTRIBUTION: &str = "Boundaries: Natural Earth (public domain) · Places: GeoNames (CC BY 4.0) · Facts: the source on each feature · Karabakh Atlas";

/// What an export shows besides the map.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExportOptions {
    pub width: u32,
    pub height: u32,
    /// Drawn at the top when not empty.
    pub title: String,
    pub legend: bool,
    pub scale_bar: bool,
    pub north_arrow: bool,
    /// The "as of" date, or the day of the export.
    pub date: bool,
    pub attribution: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1000,
            title: String::new(),
            legend: true,
            scale_bar: true,
            north_arrow: true,
            date: true,
            attribution: true,
        }
    }
}

/// The file formats a map exports to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Png,
    Svg,
}

impl ExportFormat {
    /// By the file's extension.
    pub fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        match ext.as_str() {
            "png" => Some(Self::Png),
            "svg" => Some(Self::Svg),
            _ => None,
        }
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}: the name must end in .png or .svg")]
    Format(String),
    #[error("{file}: cannot write: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Raster {
        file: String,
        source: crate::draw::raster::RasterError,
    },
}

/// The view an export of `export`'s size shows: the same ground as `visible`, fitted.
pub fn export_view(visible: &WorldBounds, export: &ExportOptions) -> MapView {
    MapView::fitting(
        visible,
        vec2(export.width as f32, export.height as f32),
        0.0,
    )
}

/// Builds the scene of an export: the map as `options` show it, with the furniture
/// `export` asks for. Labels keep clear of the furniture.
pub fn export_scene<'a>(
    atlas: &'a Atlas,
    faces: &Faces,
    view: &MapView,
    options: &SceneOptions<'_>,
    export: &ExportOptions,
    today: &str,
) -> scene::Scene<'a> {
    let viewport = Rect::from_min_size(
        pos2(0.0, 0.0),
        vec2(export.width as f32, export.height as f32),
    );
    let furniture = furniture(atlas, faces, options, export, viewport, today);
    let reserved: Vec<Rect> = options
        .reserved
        .iter()
        .copied()
        .chain(furniture.iter().filter_map(|m| match m {
            Mark::Box { rect, .. } => Some(*rect),
            _ => None,
        }))
        .collect();
    let options = SceneOptions {
        reserved: &reserved,
        ..*options
    };
    let mut built = scene::build(atlas, view, viewport, &options, faces);
    built.show_scale_bar = export.scale_bar;
    built.overlay = furniture;
    built
}

/// Writes the export to `path`, as PNG or SVG by its extension.
pub fn write(path: &Path, scene: &scene::Scene<'_>, faces: &Faces) -> Result<(), ExportError> {
    let file = path.display().to_string();
    let bytes = match ExportFormat::of(path) {
        Some(ExportFormat::Png) => {
            crate::draw::raster::render_png(scene, faces).map_err(|source| ExportError::Raster {
                file: file.clone(),
                source,
            })?
        }
        Some(ExportFormat::Svg) => crate::draw::svg::to_svg(scene, faces).into_bytes(),
        None => return Err(ExportError::Format(file)),
    };
    crate::io::save::write_atomically(path, &bytes)
        .map_err(|source| ExportError::Write { file, source })
}

const PANEL: Color32 = Color32::from_rgba_premultiplied(242, 242, 242, 235);
const INK: Color32 = Color32::from_rgb(25, 25, 25);
const LEGEND_TEXT: f32 = 13.0;
const LEGEND_ROW: f32 = 20.0;

/// The title, north arrow, legend and credits, laid out for `viewport`.
fn furniture(
    atlas: &Atlas,
    faces: &Faces,
    options: &SceneOptions,
    export: &ExportOptions,
    viewport: Rect,
    today: &str,
) -> Vec<Mark> {
    let mut marks = Vec::new();
    let title = export.title.trim();
    if !title.is_empty() {
        let size = 26.0;
        let width = faces.text_width(title, size, true);
        let top_left = pos2(viewport.center().x - width / 2.0, viewport.top() + 14.0);
        marks.push(Mark::Box {
            rect: Rect::from_min_size(top_left, vec2(width, faces.row_height(size))).expand(8.0),
            fill: PANEL,
            stroke: Stroke::new(1.0, Color32::from_gray(170)),
        });
        marks.push(text(top_left, title, size, true));
    }
    if export.north_arrow {
        marks.extend(north_arrow(faces, viewport.right_top() + vec2(-40.0, 16.0)));
    }
    let mut credits = Vec::new();
    if export.date {
        credits.push(match &options.filter.as_of {
            Some(date) => format!("Shows what existed by {date}"),
            None => format!("Data as shipped; map made {today}"),
        });
    }
    if export.attribution {
        credits.push(ATTRIBUTION.to_owned());
    }
    let mut bottom = viewport.bottom() - 8.0;
    if !credits.is_empty() {
        let line = credits.join(" · ");
        let size = 11.0;
        let width = faces.text_width(&line, size, false);
        let top_left = pos2(
            viewport.right() - width - 10.0,
            viewport.bottom() - faces.row_height(size) - 6.0,
        );
        marks.push(Mark::Box {
            rect: Rect::from_min_size(top_left, vec2(width, faces.row_height(size))).expand(3.0),
            fill: PANEL,
            stroke: Stroke::NONE,
        });
        marks.push(text(top_left, &line, size, false));
        bottom = top_left.y - 10.0;
    }
    if export.legend {
        marks.extend(legend(
            atlas,
            faces,
            options,
            viewport.right() - 10.0,
            bottom,
        ));
    }
    marks
}

fn text(top_left: Pos2, text: &str, size: f32, bold: bool) -> Mark {
    Mark::Text {
        top_left,
        text: text.to_owned(),
        size,
        bold,
        color: INK,
    }
}

/// An arrow pointing up (Web Mercator keeps north up) with an N under its tip.
fn north_arrow(faces: &Faces, tip: Pos2) -> Vec<Mark> {
    let n_size = 16.0;
    let half = 11.0;
    let height = 34.0;
    let panel = Rect::from_min_max(
        tip + vec2(-half - 8.0, -6.0),
        tip + vec2(half + 8.0, height + faces.row_height(n_size) + 8.0),
    );
    vec![
        Mark::Box {
            rect: panel,
            fill: PANEL,
            stroke: Stroke::new(1.0, Color32::from_gray(170)),
        },
        Mark::Polygon {
            points: vec![
                tip,
                tip + vec2(half, height),
                tip + vec2(0.0, height * 0.72),
            ],
            fill: INK,
            stroke: Stroke::new(1.0, INK),
        },
        Mark::Polygon {
            points: vec![
                tip,
                tip + vec2(0.0, height * 0.72),
                tip + vec2(-half, height),
            ],
            fill: Color32::WHITE,
            stroke: Stroke::new(1.0, INK),
        },
        text(
            tip + vec2(-faces.text_width("N", n_size, true) / 2.0, height + 2.0),
            "N",
            n_size,
            true,
        ),
    ]
}

/// One legend row: a swatch and its text.
enum Swatch {
    Symbol(crate::model::style::Symbol, Color32, Stroke),
    Area(Color32, Stroke),
}

/// The legend: each visible layer with what it shows, the district colours' classes, and a
/// note of every active filter; anchored at its bottom-right corner.
fn legend(
    atlas: &Atlas,
    faces: &Faces,
    options: &SceneOptions,
    right: f32,
    bottom: f32,
) -> Vec<Mark> {
    let mut rows: Vec<(Option<Swatch>, String)> = Vec::new();
    for layer in atlas.layers.iter().rev() {
        if !layer.visible || layer.opacity <= 0.0 || layer.role == LayerRole::Context {
            continue;
        }
        let shown = match options.filter.for_layer(layer) {
            Some(test) => layer.store.ids().filter(|&id| test.shows(id)).count(),
            None => layer.len(),
        };
        if shown == 0 {
            continue;
        }
        let points_only = layer.features().all(|f| f.is_point());
        let swatch = if points_only {
            Swatch::Symbol(layer.style.symbol, layer.style.fill, Stroke::new(1.0, INK))
        } else {
            Swatch::Area(
                layer.style.fill,
                Stroke::new(layer.style.stroke_width.min(2.0), layer.style.stroke),
            )
        };
        let mut label = format!("{} ({shown})", layer.title);
        if let Some(f) = options
            .filter
            .layers
            .get(&layer.id)
            .filter(|f| f.is_active())
        {
            label.push_str(&format!(", filtered: {}", f.describe()));
        }
        rows.push((Some(swatch), label));
        if let Some(categories) = &layer.style.categories {
            for (value, colour) in &categories.classes {
                rows.push((
                    Some(Swatch::Area(*colour, Stroke::new(1.0, INK))),
                    format!("{}: {value}", categories.attribute),
                ));
            }
            rows.push((
                Some(Swatch::Area(
                    crate::model::style::OTHER_CATEGORY,
                    Stroke::new(1.0, INK),
                )),
                format!("{}: other values, or none", categories.attribute),
            ));
        }
    }
    if let Some(year) = &options.choropleth_year
        && let Some(choropleth) = choropleth_legend(atlas, year)
    {
        rows.push((None, format!("Demined hectares, {year}")));
        for (colour, lo, hi) in &choropleth.classes {
            rows.push((
                Some(Swatch::Area(
                    *colour,
                    Stroke::new(1.0, Color32::from_gray(90)),
                )),
                format!("{lo:.0} – {hi:.0} ha"),
            ));
        }
        rows.push((
            Some(Swatch::Area(
                crate::model::style::NO_DATA,
                Stroke::new(1.0, Color32::from_gray(90)),
            )),
            "no figure".to_owned(),
        ));
    }
    if let Some(date) = &options.filter.as_of {
        rows.push((None, format!("Only what existed by {date}")));
    }
    if rows.is_empty() {
        return Vec::new();
    }
    let heading = "Legend";
    let text_width = rows
        .iter()
        .map(|(_, t)| faces.text_width(t, LEGEND_TEXT, false))
        .fold(faces.text_width(heading, 14.0, true), f32::max);
    let width = text_width + 44.0;
    let height = 30.0 + LEGEND_ROW * rows.len() as f32;
    let panel = Rect::from_min_max(pos2(right - width, bottom - height), pos2(right, bottom));
    let mut marks = vec![
        Mark::Box {
            rect: panel,
            fill: PANEL,
            stroke: Stroke::new(1.0, Color32::from_gray(170)),
        },
        text(panel.left_top() + vec2(10.0, 6.0), heading, 14.0, true),
    ];
    for (i, (swatch, label)) in rows.into_iter().enumerate() {
        let row_top = panel.top() + 28.0 + LEGEND_ROW * i as f32;
        let swatch_rect =
            Rect::from_min_size(pos2(panel.left() + 10.0, row_top + 2.0), vec2(16.0, 14.0));
        let x = panel.left() + if swatch.is_some() { 34.0 } else { 10.0 };
        match swatch {
            Some(Swatch::Symbol(symbol, fill, stroke)) => marks.push(Mark::Polygon {
                points: symbol_outline(symbol, swatch_rect.center(), 12.0),
                fill,
                stroke,
            }),
            Some(Swatch::Area(fill, stroke)) => marks.push(Mark::Box {
                rect: swatch_rect,
                fill,
                stroke,
            }),
            None => {}
        }
        marks.push(text(pos2(x, row_top), &label, LEGEND_TEXT, false));
    }
    marks
}
