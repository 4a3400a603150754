//! Picking: which features lie under a screen point, exactly, through each layer's R-tree.

use crate::filter::FeatureFilter;
use crate::layer::{Layer, PreparedFeature};
use crate::projection::World;
use crate::view::WorldBounds;
use geo::{Distance, Euclidean, Intersects};

/// How near (in screen points) a click must be to a point or a line, or to an area too
/// small to see.
pub const PICK_TOLERANCE_POINTS: f64 = 7.0;

/// A feature of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FeatureRef {
    pub layer: usize,
    pub feature: usize,
}

/// Every feature of the visible layers under `at`, topmost first. `tolerance` (world metres)
/// is how near a point or a line must be; polygons must contain `at`.
pub fn pick(
    layers: &[Layer],
    filter: &FeatureFilter,
    at: World,
    tolerance: f64,
) -> Vec<FeatureRef> {
    let probe = WorldBounds {
        min: [at[0] - tolerance, at[1] - tolerance],
        max: [at[0] + tolerance, at[1] + tolerance],
    };
    let mut hits = Vec::new();
    for (layer_index, layer) in layers.iter().enumerate().rev() {
        if !layer.visible {
            continue;
        }
        let mut layer_hits: Vec<usize> = layer
            .features_in(&probe)
            .filter(|&i| filter.shows(&layer.id, &layer.features[i].feature))
            .filter(|&i| is_under(&layer.features[i], at, tolerance))
            .collect();
        order_topmost_first(layer, &mut layer_hits);
        hits.extend(layer_hits.into_iter().map(|feature| FeatureRef {
            layer: layer_index,
            feature,
        }));
    }
    hits
}

/// The same answer as [`pick`], by testing every feature: the reference the index must match.
pub fn pick_brute_force(
    layers: &[Layer],
    filter: &FeatureFilter,
    at: World,
    tolerance: f64,
) -> Vec<FeatureRef> {
    let mut hits = Vec::new();
    for (layer_index, layer) in layers.iter().enumerate().rev() {
        if !layer.visible {
            continue;
        }
        let mut layer_hits: Vec<usize> = (0..layer.features.len())
            .filter(|&i| filter.shows(&layer.id, &layer.features[i].feature))
            .filter(|&i| is_under(&layer.features[i], at, tolerance))
            .collect();
        order_topmost_first(layer, &mut layer_hits);
        hits.extend(layer_hits.into_iter().map(|feature| FeatureRef {
            layer: layer_index,
            feature,
        }));
    }
    hits
}

/// Within a layer: points over lines over areas, smaller areas over larger, later over earlier.
fn order_topmost_first(layer: &Layer, hits: &mut [usize]) {
    hits.sort_by(|&a, &b| {
        let (fa, fb) = (&layer.features[a], &layer.features[b]);
        rank(fa)
            .cmp(&rank(fb))
            .then(
                fa.area_ha
                    .unwrap_or(0.0)
                    .total_cmp(&fb.area_ha.unwrap_or(0.0)),
            )
            .then(b.cmp(&a))
    });
}

fn rank(f: &PreparedFeature) -> u8 {
    if f.feature.is_point() {
        0
    } else if f.feature.is_areal() {
        2
    } else {
        1
    }
}

/// The exact test: containment for areas, distance for points and lines. An area smaller
/// than a few tolerances across (drawn as a symbol when zoomed out) is also hit within the
/// tolerance, like a point.
pub fn is_under(feature: &PreparedFeature, at: World, tolerance: f64) -> bool {
    let point = geo::Point::new(at[0], at[1]);
    if geometry_is_under(&feature.world, &point, tolerance) {
        return true;
    }
    let tiny = feature.bounds.width().max(feature.bounds.height()) < 2.0 * tolerance;
    tiny && feature.feature.is_areal() && Euclidean.distance(&feature.world, &point) <= tolerance
}

fn geometry_is_under(geometry: &geo::Geometry<f64>, point: &geo::Point<f64>, tol: f64) -> bool {
    use geo::Geometry as G;
    match geometry {
        G::Polygon(p) => p.intersects(point),
        G::MultiPolygon(mp) => mp.intersects(point),
        G::Rect(r) => r.intersects(point),
        G::Triangle(t) => t.intersects(point),
        G::Point(p) => Euclidean.distance(p, point) <= tol,
        G::MultiPoint(mp) => mp.0.iter().any(|p| Euclidean.distance(p, point) <= tol),
        G::Line(l) => Euclidean.distance(l, point) <= tol,
        G::LineString(ls) => Euclidean.distance(ls, point) <= tol,
        G::MultiLineString(mls) => mls.0.iter().any(|ls| Euclidean.distance(ls, point) <= tol),
        G::GeometryCollection(gc) => gc.0.iter().any(|g| geometry_is_under(g, point, tol)),
    }
}
