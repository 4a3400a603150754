//! Crowded layers in a scene: points as clusters (from the point pyramid, or counted per
//! frame), each at its points' mean; areas too small to see as the pixels they cover (found by
//! the image's drawing from the area pyramid); and the marks (hover, selection, highlights) of
//! features drawn that way.

use super::dense::{DenseImage, TinyAreas};
use super::features::{feature_fill, tiny_below};
use super::{
    BadgeItem, ChoroplethLegend, FLASH, SLIDE_HIGHLIGHT, Scene, SceneOptions, SymbolItem, filtered,
};
use crate::model::layer::Layer;
use crate::model::layer::clusters::{CLUSTER_ABOVE, CLUSTER_CELL_POINTS, Cell};
use crate::model::store::FeatureId;
use crate::model::style::{SELECTED, Symbol};
use crate::model::view::{MapView, WorldBounds};
use egui::{Color32, Pos2, Rect, Stroke, vec2};

/// The hovered, selected, highlighted and flashing features of a layer drawn from its
/// pyramid: their outlines, wherever they are in view.
pub(super) fn add_marks<'a>(scene: &mut Scene<'a>, layer: &'a Layer, options: &SceneOptions) {
    let visible = scene.view.visible_bounds(scene.viewport);
    let marked = [(options.selected, SELECTED)]
        .into_iter()
        .filter_map(|(r, colour)| r.map(|r| (r, colour)))
        .chain(options.highlighted.iter().map(|r| (*r, SLIDE_HIGHLIGHT)))
        .chain(options.flashing.iter().map(|r| (*r, FLASH)));
    for (r, colour) in marked {
        if r.layer == layer.key
            && let Some(f) = layer.feature(r.feature)
            && f.bounds().intersects(&visible)
        {
            scene.add_highlight(layer, f, colour);
        }
    }
}

/// For a crowded layer of areas with an area pyramid, no active filter and more than
/// [`CLUSTER_ABOVE`] areas in view: the areas wide enough to draw one by one, in the layer's
/// order, and the image of the rest, found when it is drawn. The frame's cost follows the
/// areas wide enough to see, not the layer.
pub(super) fn area_pyramid_view(
    layer: &Layer,
    options: &SceneOptions,
    view: &MapView,
    viewport: Rect,
    visible: &WorldBounds,
) -> Option<(Vec<FeatureId>, DenseImage)> {
    let pyramid = layer.area_pyramid.as_ref()?;
    if filtered(layer, options) {
        return None;
    }
    let below = tiny_below(view);
    let mut wide = pyramid.in_view(visible, below, true);
    let tiny = pyramid.count_in_view(visible, below, false, CLUSTER_ABOVE + 1);
    if wide.len() + tiny <= CLUSTER_ABOVE {
        return None;
    }
    wide.sort_unstable();
    let mut image = DenseImage::new(
        &layer.id,
        &layer.store,
        layer.style.stroke_width,
        *view,
        viewport,
    );
    match &layer.style.categories {
        // Coloured by category: each area's own colour, so each is listed.
        Some(categories) => {
            for id in pyramid.in_view(visible, below, false) {
                if let Some(f) = layer.feature(id) {
                    let colour = categories.colour(f).gamma_multiply(layer.opacity);
                    image.footprints.push((id, colour));
                }
            }
        }
        None if tiny > 0 => {
            image.tiny = Some(TinyAreas {
                pyramid: std::sync::Arc::clone(pyramid),
                below,
                colour: footprint_colour(layer),
            });
        }
        None => {}
    }
    Some((wide, image))
}

/// The colour an area too small to see is painted in: the layer's outline colour, which is
/// most of what such an area shows, at the layer's opacity.
pub(super) fn footprint_colour(layer: &Layer) -> Color32 {
    layer.style.stroke.gamma_multiply(layer.opacity)
}

/// The squares of `layer`'s point pyramid to draw as clusters in this view, when it has one,
/// no filter could hide any of its points, the view is not closer than the pyramid goes, and
/// more than [`CLUSTER_ABOVE`] points are in view. Their cost follows the screen, not the data.
pub(super) fn pyramid_cells(
    layer: &Layer,
    options: &SceneOptions,
    view: &MapView,
    visible: &WorldBounds,
) -> Option<Vec<Cell>> {
    let pyramid = layer.point_pyramid.as_ref()?;
    if filtered(layer, options) {
        return None;
    }
    let level = pyramid.level_at_least(f64::from(CLUSTER_CELL_POINTS) * view.metres_per_point)?;
    let cells = level.cells_in(visible);
    let in_view: usize = cells.iter().map(|c| c.count).sum();
    (in_view > CLUSTER_ABOVE).then_some(cells)
}

/// Draws `layer`'s clusters, each at its place on screen: a square of one point as that point,
/// any other as a circle with its count (a badge in `scene.badges`). Each keeps its spot clear
/// of labels.
pub(super) fn add_clusters<'a>(
    scene: &mut Scene<'a>,
    occupied: &mut Vec<Rect>,
    layer: &'a Layer,
    placed: impl Iterator<Item = (Pos2, Cell)>,
    legend: Option<&ChoroplethLegend>,
) {
    let half = layer.style.symbol_size / 2.0 + 1.0;
    for (center, cell) in placed {
        if cell.count == 1 {
            if let Some(f) = layer.feature(cell.first) {
                let fill = feature_fill(layer, f, legend);
                scene.add_feature(layer, f, fill);
            }
        } else {
            let badge = add_cluster(scene, layer, center, cell.count);
            scene.badges.push(badge);
        }
        occupied.push(Rect::from_center_size(center, vec2(half * 2.0, half * 2.0)));
    }
}

/// Draws the squares a layer's rows were counted in elsewhere (the database server), each at
/// its rows' mean: a square of one row as a plain symbol, any other as a counted circle.
pub(super) fn add_counted(
    scene: &mut Scene<'_>,
    occupied: &mut Vec<Rect>,
    layer: &Layer,
    view: &MapView,
    viewport: Rect,
    visible: &WorldBounds,
) {
    let half = layer.style.symbol_size / 2.0 + 1.0;
    for &(at, count) in &layer.counted {
        if visible.distance_squared_to(at) > 0.0 {
            continue;
        }
        let center = view.screen_from_world(viewport, at);
        if count == 1 {
            let (symbol, fill) = layer.style.symbol_for(None);
            scene.symbols.push(SymbolItem {
                center,
                symbol,
                size: layer.style.symbol_size,
                fill: fill.gamma_multiply(layer.opacity),
                stroke: Stroke::new(1.0, Color32::WHITE.gamma_multiply(layer.opacity)),
            });
        } else {
            let badge = add_cluster(scene, layer, center, count);
            scene.badges.push(badge);
        }
        occupied.push(Rect::from_center_size(center, vec2(half * 2.0, half * 2.0)));
    }
}

/// A cluster's symbol: a circle in the layer's colour that grows with the count; returns its
/// count badge, drawn on top.
fn add_cluster(scene: &mut Scene<'_>, layer: &Layer, center: Pos2, count: usize) -> BadgeItem {
    let (_, colour) = layer.style.symbol_for(None);
    // Light inside, for the count to be read, ringed in the layer's colour; larger for more.
    let size = (18.0 + 3.0 * (count as f32).log10()).min(34.0);
    scene.symbols.push(SymbolItem {
        center,
        symbol: Symbol::Circle,
        size,
        fill: Color32::from_rgba_unmultiplied(255, 255, 255, 225).gamma_multiply(layer.opacity),
        stroke: Stroke::new(3.0, colour.gamma_multiply(layer.opacity)),
    });
    BadgeItem {
        center,
        count,
        on_cluster: true,
    }
}
