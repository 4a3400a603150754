//! Dense layers in a scene: which layers have their lines and outlines drawn into one image
//! (see `crate::scene::dense`), and what each of their features adds to that image or to the
//! scene.

use super::Scene;
use super::dense::{self, DENSE_ABOVE_VERTICES, DenseImage};
use super::features::{add_area, area_stroke, is_tiny, line_stroke};
use crate::model::layer::Layer;
use crate::model::layer::lod::{self, Detail};
use crate::model::store::{FeatureId, FeatureView};
use crate::model::view::MapView;
use egui::{Color32, Rect, Stroke};

/// An empty image for `layer` when its lines and outlines among `in_view` are too many to
/// stroke one by one at this view; `None` when they can be stroked.
pub(super) fn start(
    layer: &Layer,
    in_view: &[FeatureId],
    view: &MapView,
    viewport: Rect,
) -> Option<DenseImage> {
    is_dense(layer, in_view, view).then(|| {
        DenseImage::new(
            &layer.id,
            &layer.store,
            line_stroke(layer, None).width,
            *view,
            viewport,
        )
    })
}

/// Adds feature `f` of a dense layer: a line goes into the image; an area's fill is drawn as
/// usual and its outline goes into the image; a point is drawn as usual.
pub(super) fn add_feature<'a>(
    scene: &mut Scene<'a>,
    dense: &mut DenseImage,
    layer: &'a Layer,
    f: FeatureView<'a>,
    fill: Color32,
) {
    if f.is_line() {
        dense.drawn.push((f.id, line_stroke(layer, Some(f)).color));
    } else if f.is_point() {
        scene.add_feature(layer, f, fill);
    } else if add_area(scene, layer, f, fill, Stroke::NONE) {
        dense.drawn.push((f.id, area_stroke(layer).color));
    }
}

/// The layer's image, if anything went into it. Outlines alone are drawn at the layer's
/// width, as egui would draw them; lines at least 1.5 points wide.
pub(super) fn finish(mut dense: DenseImage, layer: &Layer) -> Option<DenseImage> {
    if dense.is_empty() {
        return None;
    }
    if !dense
        .drawn
        .iter()
        .any(|&(id, _)| layer.feature(id).is_some_and(|f| f.is_line()))
    {
        dense.width = layer.style.stroke_width;
    }
    Some(dense)
}

/// Whether the lines and area outlines of `layer` among `in_view` hold more vertices than
/// egui can stroke in a frame at this view's zoom band (see `dense`).
fn is_dense(layer: &Layer, in_view: &[FeatureId], view: &MapView) -> bool {
    let detail = lod::detail_for(&layer.store, view.metres_per_point);
    let mut vertices = 0;
    for &id in in_view {
        let Some(f) = layer.feature(id) else {
            continue;
        };
        if f.is_line() {
            let left = DENSE_ABOVE_VERTICES - vertices;
            vertices += dense::line_vertices(f, detail, left);
        } else if f.is_areal() && !is_tiny(f, view) {
            vertices += match detail {
                // At full detail an area draws its own vertices: no need to triangulate it to
                // count them.
                Detail::Full => f.geometry().coords().len(),
                Detail::Band(_) => lod::mesh(f, detail).map_or(0, |m| m.vertices.len()),
            };
        }
        if vertices > DENSE_ABOVE_VERTICES {
            return true;
        }
    }
    false
}
