//! Dense layers in a scene: which layers have their lines and outlines drawn into one image
//! (see `crate::scene::dense`), and what each of their features adds to that image or to the scene.

use super::dense::{self, DenseLines};
use super::{Scene, add_area, area_stroke, is_tiny, line_stroke};
use crate::model::layer::{Layer, PreparedFeature};
use crate::model::view::MapView;
use egui::{Color32, Rect, Stroke};

use crate::scene::dense::DENSE_ABOVE_VERTICES;

/// An empty image for `layer` when its lines and outlines among `in_view` are too many to
/// stroke one by one at this view; `None` when they can be stroked.
pub(super) fn start(
    layer: &Layer,
    in_view: &[usize],
    view: &MapView,
    viewport: Rect,
) -> Option<DenseLines> {
    is_dense(layer, in_view, view).then(|| DenseLines {
        layer_id: layer.id.clone(),
        features: layer.features.clone(),
        drawn: Vec::new(),
        width: line_stroke(layer, None).width,
        view: *view,
        viewport,
    })
}

/// Adds feature `i` of a dense layer: a line goes into the image; an area's fill is drawn as
/// usual and its outline goes into the image; a point is drawn as usual.
pub(super) fn add_feature<'a>(
    scene: &mut Scene<'a>,
    dense: &mut DenseLines,
    layer: &'a Layer,
    i: usize,
    fill: Color32,
    view: &MapView,
    viewport: Rect,
) {
    let f = &layer.features[i];
    if is_line(f) {
        dense.drawn.push((i, line_stroke(layer, Some(f)).color));
    } else if f.mesh.vertices.is_empty() {
        super::add_feature(scene, layer, f, fill, view, viewport);
    } else if add_area(scene, layer, f, fill, Stroke::NONE, view, viewport) {
        dense.drawn.push((i, area_stroke(layer).color));
    }
}

/// The layer's image, if anything went into it. Outlines alone are drawn at the layer's
/// width, as egui would draw them; lines at least 1.5 points wide.
pub(super) fn finish(mut dense: DenseLines, layer: &Layer) -> Option<DenseLines> {
    if dense.drawn.is_empty() {
        return None;
    }
    if !dense
        .drawn
        .iter()
        .any(|&(i, _)| is_line(&layer.features[i]))
    {
        dense.width = layer.style.stroke_width;
    }
    Some(dense)
}

/// Whether a feature is drawn as a line: neither an area (which has a mesh) nor a point.
fn is_line(f: &PreparedFeature) -> bool {
    f.mesh.vertices.is_empty() && !f.feature.is_point()
}

/// Whether the lines and area outlines of `layer` among `in_view` hold more vertices than
/// egui can stroke in a frame at this view's zoom band (see `dense`).
fn is_dense(layer: &Layer, in_view: &[usize], view: &MapView) -> bool {
    let mut vertices = 0;
    for &i in in_view {
        let f = &layer.features[i];
        if is_line(f) {
            let left = DENSE_ABOVE_VERTICES - vertices;
            vertices += dense::line_vertices(f, view.metres_per_point, left);
        } else if !f.mesh.vertices.is_empty() && !is_tiny(f, view) {
            vertices += f.mesh_for(view.metres_per_point).vertices.len();
        }
        if vertices > DENSE_ABOVE_VERTICES {
            return true;
        }
    }
    false
}
