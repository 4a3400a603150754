//! What is visible for one view: culled, styled, screen-space geometry and placed labels.
//! The window and the headless renderer both paint from a `Scene`, so they show the same map.

use crate::model::atlas::{Atlas, FeatureRef};
use crate::model::feature::Language;
use crate::model::layer::clusters::{CLUSTER_ABOVE, CLUSTER_CELL_POINTS, Level};
use crate::model::layer::{Layer, lod};
use crate::model::store::FeatureId;
use crate::model::style::{HOVER, MAP_BACKGROUND, SELECTED, Symbol};
use crate::model::view::{MapView, WorldBounds};
use crate::scene::fonts::Faces;
use crate::scene::labels::{PlacedLabel, place_labels};
use dense::DenseImage;
use egui::{Color32, Pos2, Rect, Stroke, pos2, vec2};
use features::{feature_fill, label_candidate};
use std::ops::Range;

mod crowded;
pub mod dense;
mod dense_layer;
mod fan;
mod features;
pub mod fonts;
mod furniture;
pub mod labels;

pub use fan::{FAN_HIT_RADIUS, add_fan, fan_member_at, fan_positions};
pub use features::{DASH_OFF, DASH_ON, dashes, is_tiny, tiny_below};
pub use furniture::{
    CARD_LINE_STEP, CARD_TEXT_SIZE, CARD_TITLE_SIZE, ChoroplethLegend, PresentationLayout,
    ScaleBar, TitleCard, choropleth_legend, scale_bar, wrap,
};

/// A layer with more features than this in view gets no labels (they could not fit anyway).
pub const MAX_LABELLED_PER_LAYER: usize = 400;

/// What the user chose that changes the picture, borrowed from whoever holds it for the
/// frame (the window's state, a slide, the command line), so that nothing is copied per frame.
#[derive(Clone, Copy, Debug)]
pub struct SceneOptions<'a> {
    pub language: Language,
    /// Colour the districts by `demined_ha_<year>`.
    pub choropleth_year: Option<&'a str>,
    pub selected: Option<FeatureRef>,
    /// Features a slide highlights.
    pub highlighted: &'a [FeatureRef],
    /// Features that just appeared on the timeline, drawn glowing.
    pub flashing: &'a [FeatureRef],
    /// Presentation theme: labels large enough to read from the back of a room.
    pub large_labels: bool,
    /// A slide's title and caption, drawn as a card.
    pub title_card: Option<(&'a str, &'a str)>,
    /// Screen areas labels must keep clear of (a presentation's legend, say).
    pub reserved: &'a [Rect],
    /// Which features are shown.
    pub filter: &'a crate::model::filter::FeatureFilter,
    /// A distance or area being measured, drawn over the map.
    pub measurement: Option<&'a crate::model::measure::Measurement>,
    /// The window's frames: a zoom band with many meshes still to build is built in the
    /// background and drawn at the last band meanwhile (see `lod`). Images and exports wait.
    pub background_meshes: bool,
}

/// Shows everything: no filter.
static NO_FILTER: crate::model::filter::FeatureFilter = crate::model::filter::FeatureFilter {
    as_of: None,
    layers: std::collections::BTreeMap::new(),
};

impl Default for SceneOptions<'_> {
    fn default() -> Self {
        Self {
            language: Language::default(),
            choropleth_year: None,
            selected: None,
            highlighted: &[],
            flashing: &[],
            large_labels: false,
            title_card: None,
            reserved: &[],
            filter: &NO_FILTER,
            measurement: None,
            background_meshes: false,
        }
    }
}

/// Outlines feature `r` over everything in the hover colour. The window adds it once the
/// scene is built, when it knows the pointer is on a feature and not on a cluster.
pub fn add_hover<'a>(scene: &mut Scene<'a>, atlas: &'a Atlas, r: FeatureRef) {
    if let Some((layer, f)) = atlas.feature(r) {
        scene.add_highlight(layer, f, HOVER);
    }
}

/// A filled area with its outline; `indices` triangulate `vertices`, `rings` outline them.
pub struct AreaItem<'a> {
    pub vertices: Vec<Pos2>,
    pub indices: &'a [u32],
    pub rings: &'a [Range<usize>],
    pub fill: Color32,
    pub stroke: Stroke,
}

/// An open polyline.
pub struct LineItem {
    pub points: Vec<Pos2>,
    pub stroke: Stroke,
}

/// A point symbol.
pub struct SymbolItem {
    pub center: Pos2,
    pub symbol: Symbol,
    pub size: f32,
    pub fill: Color32,
    pub stroke: Stroke,
}

/// A count of symbols drawn at the same spot (features placed at one settlement's point), or
/// of the points a cluster stands for.
pub struct BadgeItem {
    pub center: Pos2,
    pub count: usize,
    /// Written on a cluster's own circle, without a disc of its own.
    pub on_cluster: bool,
}

impl BadgeItem {
    /// Whether the count sits on a dark disc of its own (a stack of symbols) rather than on a
    /// cluster's circle.
    pub fn has_disc(&self) -> bool {
        !self.on_cluster
    }

    /// The colour of the count: white on the dark disc, near-black on a cluster's light circle.
    pub fn text_colour(&self) -> Color32 {
        if self.on_cluster {
            Color32::from_rgb(25, 25, 25)
        } else {
            Color32::WHITE
        }
    }

    /// The count as drawn: short enough for the badge (`950`, `1.2k`, `34k`, `1.0M`).
    pub fn text(&self) -> String {
        let n = self.count as f64;
        match self.count {
            0..1_000 => self.count.to_string(),
            1_000..10_000 => format!("{:.1}k", n / 1e3),
            10_000..1_000_000 => format!("{:.0}k", n / 1e3),
            _ => format!("{:.1}M", n / 1e6),
        }
    }
}

/// A label, placed.
pub struct LabelItem {
    pub label: PlacedLabel,
    pub halo: Color32,
}

/// Everything to paint, bottom first.
pub struct Scene<'a> {
    /// The view shown, in `viewport`.
    pub view: MapView,
    pub viewport: Rect,
    pub background: Color32,
    pub areas: Vec<AreaItem<'a>>,
    pub lines: Vec<LineItem>,
    /// Layers whose lines and area outlines are too dense to stroke one by one, or whose areas
    /// are too small to see, drawn as one image each, over the areas' fills and under the other
    /// lines (see `dense`).
    pub dense: Vec<DenseImage>,
    /// The images of `dense` as the window holds them, with where they go on screen: set by
    /// the window before painting (see `backdrop`); `raster` draws `dense` itself.
    pub line_images: Vec<(egui::TextureId, Rect)>,
    pub symbols: Vec<SymbolItem>,
    /// Outlines drawn over everything for the hovered and selected features.
    pub highlights: Vec<AreaItem<'a>>,
    pub highlight_symbols: Vec<SymbolItem>,
    pub badges: Vec<BadgeItem>,
    pub labels: Vec<LabelItem>,
    pub scale_bar: ScaleBar,
    /// Lines shown in the map's top-left corner: active filters.
    pub notes: Vec<String>,
    /// A slide's title card, at the bottom left.
    pub card: Option<TitleCard>,
    /// Whether the scale bar is drawn (an export can leave it out).
    pub show_scale_bar: bool,
    /// Marks drawn over everything: an export's title, legend, north arrow and credits.
    pub overlay: Vec<Mark>,
}

/// A simple mark in screen points, drawn over the map.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    Box {
        rect: Rect,
        fill: Color32,
        stroke: Stroke,
    },
    Polygon {
        points: Vec<Pos2>,
        fill: Color32,
        stroke: Stroke,
    },
    Text {
        top_left: Pos2,
        text: String,
        size: f32,
        bold: bool,
        color: Color32,
    },
}

/// Builds the scene of `atlas` seen through `view` in `viewport`.
pub fn build<'a>(
    atlas: &'a Atlas,
    view: &MapView,
    viewport: Rect,
    options: &SceneOptions<'_>,
    faces: &Faces,
) -> Scene<'a> {
    let visible = view.visible_bounds(viewport);
    let mut scene = Scene {
        view: *view,
        viewport,
        background: MAP_BACKGROUND,
        areas: Vec::new(),
        lines: Vec::new(),
        dense: Vec::new(),
        line_images: Vec::new(),
        symbols: Vec::new(),
        highlights: Vec::new(),
        highlight_symbols: Vec::new(),
        badges: Vec::new(),
        labels: Vec::new(),
        scale_bar: scale_bar(view, viewport),
        notes: options.filter.describe(|id| {
            atlas
                .layer_by_id(id)
                .map_or_else(|| id.to_owned(), |i| atlas.layers[i].title.clone())
        }),
        card: options
            .title_card
            .as_ref()
            .map(|(title, caption)| furniture::title_card(title, caption, viewport)),
        show_scale_bar: true,
        overlay: Vec::new(),
    };
    let legend = options
        .choropleth_year
        .and_then(|y| choropleth_legend(atlas, y));
    let mut candidates = Vec::new();
    let mut occupied = Vec::new();
    for layer in &atlas.layers {
        if !layer.visible || layer.opacity <= 0.0 {
            continue;
        }
        // A layer counted on the database server: its squares in view as clusters.
        if !layer.counted.is_empty() {
            crowded::add_counted(&mut scene, &mut occupied, layer, view, viewport, &visible);
            continue;
        }
        // A crowded layer of points with a pyramid: its squares in view as clusters.
        if let Some(cells) = crowded::pyramid_cells(layer, options, view, &visible) {
            let placed = cells
                .into_iter()
                .map(|c| (view.screen_from_world(viewport, c.center()), c));
            crowded::add_clusters(&mut scene, &mut occupied, layer, placed, legend.as_ref());
            crowded::add_marks(&mut scene, layer, options);
            continue;
        }
        // A crowded layer of areas: those wide enough drawn one by one, the rest as pixels.
        if let Some((wide, image)) =
            crowded::area_pyramid_view(layer, options, view, viewport, &visible)
        {
            prepare_meshes(layer, &wide, view, options);
            for id in wide {
                if let Some(f) = layer.feature(id) {
                    let fill = feature_fill(layer, f, legend.as_ref());
                    scene.add_feature(layer, f, fill);
                }
            }
            if !image.is_empty() {
                scene.dense.push(image);
            }
            crowded::add_marks(&mut scene, layer, options);
            continue;
        }
        let mut in_view = layer.features_in_order(&visible);
        if let Some(test) = options.filter.for_layer(layer) {
            in_view.retain(|&id| test.shows(id));
        }
        // Label placement must not grow with the data: a layer crowded on screen is drawn
        // without labels until the user zooms in.
        let label_this_layer = layer.style.labels && in_view.len() <= MAX_LABELLED_PER_LAYER;
        let crowded_here = in_view.len() > CLUSTER_ABOVE;
        let mut clusters = crowded_here.then(|| Level::new(f64::from(CLUSTER_CELL_POINTS)));
        prepare_meshes(layer, &in_view, view, options);
        if options.background_meshes {
            // The meshes half a view beyond each edge, built in the background, so that a pan
            // finds them ready rather than building them in its frame.
            let (w, h) = (visible.width() / 2.0, visible.height() / 2.0);
            let around = WorldBounds {
                min: [visible.min[0] - w, visible.min[1] - h],
                max: [visible.max[0] + w, visible.max[1] + h],
            };
            lod::prefetch(
                &layer.store,
                &layer.features_in(&around),
                view.metres_per_point,
            );
        }
        // Lines too many to stroke one by one go into one image, and so do areas too small to
        // see when the layer is crowded.
        let mut dense = dense_layer::start(layer, &in_view, view, viewport).or_else(|| {
            crowded_here.then(|| {
                dense::DenseImage::new(
                    &layer.id,
                    &layer.store,
                    layer.style.stroke_width,
                    *view,
                    viewport,
                )
            })
        });
        for id in in_view {
            let Some(f) = layer.feature(id) else {
                continue;
            };
            let tiny_area = f.is_areal() && is_tiny(f, view);
            if let Some(clusters) = &mut clusters
                && f.is_point()
            {
                // In a crowded layer, points are counted, not drawn.
                let at = view.screen_from_world(viewport, f.anchor());
                clusters.add(id, [f64::from(at.x), f64::from(at.y)]);
            } else if crowded_here
                && tiny_area
                && let Some(dense) = &mut dense
            {
                // ... and areas too small to see are drawn as the pixels they cover.
                let colour = match &layer.style.categories {
                    Some(categories) => categories.colour(f).gamma_multiply(layer.opacity),
                    None => crowded::footprint_colour(layer),
                };
                dense.footprints.push((id, colour));
            } else if let Some(dense) = &mut dense {
                let fill = feature_fill(layer, f, legend.as_ref());
                dense_layer::add_feature(&mut scene, dense, layer, f, fill);
            } else {
                let fill = feature_fill(layer, f, legend.as_ref());
                scene.add_feature(layer, f, fill);
            }
            if clusters.is_none() && f.is_point() {
                let c = view.screen_from_world(viewport, f.anchor());
                let half = layer.style.symbol_size / 2.0 + 1.0;
                occupied.push(Rect::from_center_size(c, vec2(half * 2.0, half * 2.0)));
            }
            if label_this_layer
                && let Some(mut c) =
                    label_candidate(layer, f, view, viewport, options.language, faces)
            {
                if options.large_labels {
                    // The presentation theme: at least 24 px, to be read from the back.
                    let scale = 24.0 / c.size.min(24.0);
                    c.size *= scale;
                    c.width *= scale;
                    c.height *= scale;
                    c.beside_point = c.beside_point.map(|g| g + 4.0);
                }
                candidates.push(c);
            }
            let r = FeatureRef {
                layer: layer.key,
                feature: id,
            };
            if options.selected == Some(r) {
                scene.add_highlight(layer, f, SELECTED);
            }
            if options.highlighted.contains(&r) {
                scene.add_highlight(layer, f, SLIDE_HIGHLIGHT);
            }
            if options.flashing.contains(&r) {
                scene.add_highlight(layer, f, FLASH);
            }
        }
        if let Some(dense) = dense.and_then(|d| dense_layer::finish(d, layer)) {
            scene.dense.push(dense);
        }
        if let Some(clusters) = clusters {
            let placed = clusters.into_cells().into_iter().map(|c| {
                let [x, y] = c.center();
                (pos2(x as f32, y as f32), c)
            });
            crowded::add_clusters(&mut scene, &mut occupied, layer, placed, legend.as_ref());
        }
    }
    // Clusters' counts are in already; stacks of symbols at one spot get theirs now.
    let cluster_badges = std::mem::take(&mut scene.badges);
    scene.badges = stack_badges(&scene.symbols);
    scene.badges.extend(cluster_badges);
    if let Some(m) = options.measurement {
        add_measurement(&mut scene, m, view, viewport);
    }
    occupied.extend(options.reserved.iter().copied());
    occupied.extend(scene.card.as_ref().map(|c| c.rect));
    let inner = viewport.shrink(4.0);
    scene.labels = place_labels(candidates, inner, &occupied)
        .into_iter()
        .map(|label| LabelItem {
            halo: Color32::from_rgba_unmultiplied(255, 255, 255, 210),
            label,
        })
        .collect();
    scene
}

/// Whether a filter could hide any of `layer`'s features.
fn filtered(layer: &Layer, options: &SceneOptions) -> bool {
    options.filter.may_hide(&layer.id)
}

/// Builds the meshes the view draws of `ids` that are not built yet: each area's and line's at
/// the view's level of detail (see `lod`), now, or in the background for the window.
fn prepare_meshes(layer: &Layer, ids: &[FeatureId], view: &MapView, options: &SceneOptions) {
    lod::prepare_for_view(
        &layer.store,
        ids,
        view.metres_per_point,
        options.background_meshes,
    );
}

const MEASURE_COLOUR: Color32 = Color32::from_rgb(200, 0, 120);
/// Outline of features a slide highlights (Okabe–Ito blue, safe for colour-blind viewers).
const SLIDE_HIGHLIGHT: Color32 = Color32::from_rgb(0, 114, 178);
/// Glow of a feature that just appeared on the timeline (Okabe–Ito orange).
const FLASH: Color32 = Color32::from_rgb(230, 159, 0);

fn add_measurement(
    scene: &mut Scene<'_>,
    m: &crate::model::measure::Measurement,
    view: &MapView,
    viewport: Rect,
) {
    let mut points: Vec<Pos2> = m
        .vertices
        .iter()
        .map(|ll| {
            view.screen_from_world(viewport, crate::model::projection::world_from_lonlat(*ll))
        })
        .collect();
    if m.mode == crate::model::measure::MeasureMode::Area && points.len() > 2 {
        points.push(points[0]);
    }
    scene.lines.push(LineItem {
        points: points.clone(),
        stroke: Stroke::new(2.5, MEASURE_COLOUR),
    });
    for p in points {
        scene.highlight_symbols.push(SymbolItem {
            center: p,
            symbol: Symbol::Circle,
            size: 7.0,
            fill: Color32::WHITE,
            stroke: Stroke::new(2.0, MEASURE_COLOUR),
        });
    }
}

/// One badge for each spot where several symbols coincide, at the top right of the stack.
fn stack_badges(symbols: &[SymbolItem]) -> Vec<BadgeItem> {
    let mut stacks: std::collections::BTreeMap<(i32, i32), (usize, Pos2, f32)> =
        std::collections::BTreeMap::new();
    for s in symbols {
        let key = (s.center.x.round() as i32, s.center.y.round() as i32);
        let entry = stacks.entry(key).or_insert((0, s.center, 0.0));
        entry.0 += 1;
        entry.2 = entry.2.max(s.size);
    }
    stacks
        .into_values()
        .filter(|(count, _, _)| *count > 1)
        .map(|(count, center, size)| BadgeItem {
            center: center + vec2(size / 2.0 + 3.0, -size / 2.0 - 3.0),
            count,
            on_cluster: false,
        })
        .collect()
}

/// Outline points of a symbol around `center`, a star-shaped polygon (fan-fillable).
pub fn symbol_outline(symbol: Symbol, center: Pos2, size: f32) -> Vec<Pos2> {
    let r = size / 2.0;
    let around = |n: usize, radius: &dyn Fn(usize) -> f32, phase: f32| -> Vec<Pos2> {
        (0..n)
            .map(|i| {
                let a = phase + i as f32 * std::f32::consts::TAU / n as f32;
                center + vec2(a.cos(), a.sin()) * radius(i)
            })
            .collect()
    };
    let up = -std::f32::consts::FRAC_PI_2;
    match symbol {
        Symbol::Circle => around(24, &|_| r, 0.0),
        Symbol::Square => around(
            4,
            &|_| r * std::f32::consts::SQRT_2 * 0.85,
            std::f32::consts::FRAC_PI_4,
        ),
        Symbol::Triangle => around(3, &|_| r * 1.15, up),
        Symbol::Diamond => around(4, &|_| r * 1.05, up),
        Symbol::Star => around(10, &|i| if i % 2 == 0 { r * 1.2 } else { r * 0.5 }, up),
    }
}
