//! Crowded layers in a scene: clusters from the point and area pyramids, or counted per
//! frame, and the marks (hover, selection, highlights) of features drawn from a pyramid.

use super::{
    BadgeItem, ChoroplethLegend, FLASH, SLIDE_HIGHLIGHT, Scene, SceneOptions, SymbolItem,
    add_feature, add_highlight, feature_fill, filtered,
};
use crate::model::layer::Layer;
use crate::model::layer::clusters::{CLUSTER_ABOVE, CLUSTER_CELL_POINTS, Cell};
use crate::model::style::{HOVER, SELECTED, Symbol};
use crate::model::view::MapView;
use egui::{Color32, Pos2, Rect, Stroke, vec2};

/// The hovered, selected, highlighted and flashing features of a layer drawn from its
/// pyramid: their outlines, wherever they are in view.
pub(super) fn add_marks<'a>(
    scene: &mut Scene<'a>,
    layer: &'a Layer,
    layer_index: usize,
    options: &SceneOptions,
    view: &MapView,
    viewport: Rect,
) {
    let visible = view.visible_bounds(viewport);
    let marked = [(options.hovered, HOVER), (options.selected, SELECTED)]
        .into_iter()
        .filter_map(|(r, colour)| r.map(|r| (r, colour)))
        .chain(options.highlighted.iter().map(|r| (*r, SLIDE_HIGHLIGHT)))
        .chain(options.flashing.iter().map(|r| (*r, FLASH)));
    for (r, colour) in marked {
        if r.layer == layer_index
            && let Some(f) = layer.features.get(r.feature)
            && f.bounds.intersects(&visible)
        {
            add_highlight(scene, layer, f, colour, view, viewport);
        }
    }
}

/// For a crowded layer of areas with an area pyramid, no active filter and a view not closer
/// than the pyramid goes: the squares whose areas are too small to see, to draw as clusters,
/// and the areas to draw, in the layer's order. `None` when fewer than [`CLUSTER_ABOVE`] are
/// in view. Their cost follows the screen and the areas wide enough to see.
pub(super) fn area_pyramid_view(
    layer: &Layer,
    options: &SceneOptions,
    view: &MapView,
    visible: &crate::model::view::WorldBounds,
) -> Option<(Vec<Cell>, Vec<usize>)> {
    let pyramid = layer.area_pyramid.as_ref()?;
    if filtered(layer, options) {
        return None;
    }
    let (cells, drawn) = pyramid.view(
        f64::from(CLUSTER_CELL_POINTS) * view.metres_per_point,
        visible,
    )?;
    let in_view = drawn.len() + cells.iter().map(|c| c.count).sum::<usize>();
    (in_view > CLUSTER_ABOVE).then_some((cells, drawn))
}

/// The squares of `layer`'s point pyramid to draw as clusters in this view, when it has one,
/// no filter could hide any of its points, the view is not closer than the pyramid goes, and
/// more than [`CLUSTER_ABOVE`] points are in view. Their cost follows the screen, not the data.
pub(super) fn pyramid_cells(
    layer: &Layer,
    options: &SceneOptions,
    view: &MapView,
    visible: &crate::model::view::WorldBounds,
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
    view: &MapView,
    viewport: Rect,
) {
    let half = layer.style.symbol_size / 2.0 + 1.0;
    for (center, cell) in placed {
        if cell.count == 1 {
            let f = &layer.features[cell.first];
            let fill = feature_fill(layer, f, legend);
            add_feature(scene, layer, f, fill, view, viewport);
        } else {
            let badge = add_cluster(scene, layer, center, cell.count);
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
