//! Picking: which features lie under a screen point, exactly, through each layer's R-tree.

use crate::model::atlas::FeatureRef;
use crate::model::filter::FeatureFilter;
use crate::model::layer::{Layer, PickHint, PreparedFeature};
use crate::model::projection::World;
use crate::model::view::WorldBounds;
use geo::{Distance, Euclidean, Intersects};

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
        let filtering = filter.may_hide(&layer.id);
        let mut layer_hits: Vec<usize> = layer
            .entries_in(&probe)
            .filter(|e| {
                let bounds = WorldBounds {
                    min: e.geom().lower(),
                    max: e.geom().upper(),
                };
                let (i, hint) = e.data;
                settles(&hint, &bounds, at, tolerance)
                    .unwrap_or_else(|| exactly_under(&layer.features[i], at, tolerance))
            })
            .map(|e| e.data.0)
            .filter(|&i| !filtering || filter.shows(&layer.id, &layer.features[i].feature))
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
    // Each feature read once, not at every comparison.
    let mut keyed: Vec<(u8, f64, usize)> = hits
        .iter()
        .map(|&i| {
            let f = &layer.features[i];
            (rank(f), f.area_ha.unwrap_or(0.0), i)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(b.2.cmp(&a.2)));
    for (hit, key) in hits.iter_mut().zip(keyed) {
        *hit = key.2;
    }
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
    settles(&feature.pick_hint, &feature.bounds, at, tolerance)
        .unwrap_or_else(|| exactly_under(feature, at, tolerance))
}

/// Whether an area is small enough at this tolerance to be hit near it, not only inside.
fn is_tiny(bounds: &WorldBounds, tolerance: f64) -> bool {
    bounds.width().max(bounds.height()) < 2.0 * tolerance
}

/// The answer of [`is_under`] when a feature's box and hint settle it, in constant time: a
/// box or a spread out of reach is a miss, and an anchor on the feature within reach a hit.
fn settles(hint: &PickHint, bounds: &WorldBounds, at: World, tolerance: f64) -> Option<bool> {
    let to_box = bounds.distance_squared_to(at);
    let (dx, dy) = (hint.anchor[0] - at[0], hint.anchor[1] - at[1]);
    let to_anchor = (dx * dx + dy * dy).sqrt();
    if hint.areal && !is_tiny(bounds, tolerance) {
        // Only inside counts, and the area lies within its spread of the anchor.
        return (to_box > 0.0 || to_anchor > hint.spread).then_some(false);
    }
    if to_box > tolerance * tolerance || to_anchor > tolerance + hint.spread {
        Some(false)
    } else if hint.anchor_on_feature && to_anchor <= tolerance {
        Some(true)
    } else {
        None
    }
}

/// [`is_under`] from the geometry: containment for an area that is not tiny; for the rest,
/// whether any vertex or edge is within the tolerance. (A point inside a tiny area is within
/// the tolerance of its boundary: were the whole disc of that radius inside, the area would
/// be at least two tolerances across.)
fn exactly_under(feature: &PreparedFeature, at: World, tolerance: f64) -> bool {
    let point = geo::Point::new(at[0], at[1]);
    if feature.pick_hint.areal && !is_tiny(&feature.bounds, tolerance) {
        return feature.world.intersects(&point);
    }
    geometry_is_under(&feature.world, &point, tolerance)
}

fn geometry_is_under(geometry: &geo::Geometry<f64>, point: &geo::Point<f64>, tol: f64) -> bool {
    use geo::Geometry as G;
    match geometry {
        G::Polygon(p) => boundary_within(p, point, tol),
        G::MultiPolygon(mp) => mp.0.iter().any(|p| boundary_within(p, point, tol)),
        G::Rect(r) => boundary_within(&r.to_polygon(), point, tol),
        G::Triangle(t) => boundary_within(&t.to_polygon(), point, tol),
        G::Point(p) => Euclidean.distance(p, point) <= tol,
        G::MultiPoint(mp) => mp.0.iter().any(|p| Euclidean.distance(p, point) <= tol),
        G::Line(l) => Euclidean.distance(l, point) <= tol,
        G::LineString(ls) => line_within(ls, point, tol),
        G::MultiLineString(mls) => mls.0.iter().any(|ls| line_within(ls, point, tol)),
        // Inside a member area counts too, as geo measures the distance to a collection.
        G::GeometryCollection(gc) => {
            gc.0.iter()
                .any(|g| g.intersects(point) || geometry_is_under(g, point, tol))
        }
    }
}

/// Whether any ring of `polygon` passes within `tol` of `point`.
fn boundary_within(polygon: &geo::Polygon<f64>, point: &geo::Point<f64>, tol: f64) -> bool {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .any(|ring| line_within(ring, point, tol))
}

/// Whether any segment of `line` passes within `tol` of `point`: squared distances, and the
/// first segment near enough ends the walk.
fn line_within(line: &geo::LineString<f64>, point: &geo::Point<f64>, tol: f64) -> bool {
    let reach = tol * tol;
    let (px, py) = (point.x(), point.y());
    match line.0.as_slice() {
        [] => false,
        [only] => (only.x - px).powi(2) + (only.y - py).powi(2) <= reach,
        coords => coords.windows(2).any(|w| {
            let (a, b) = (w[0], w[1]);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let length_squared = dx * dx + dy * dy;
            let t = if length_squared > 0.0 {
                (((px - a.x) * dx + (py - a.y) * dy) / length_squared).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (nx, ny) = (a.x + t * dx - px, a.y + t * dy - py);
            nx * nx + ny * ny <= reach
        }),
    }
}
