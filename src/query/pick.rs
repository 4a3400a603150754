//! Picking: which features lie under a screen point, exactly, through each layer's R-tree.

use crate::model::atlas::FeatureRef;
use crate::model::filter::FeatureFilter;
use crate::model::layer::Layer;
use crate::model::projection::{World, lonlat_from_world, world_from_lonlat};
use crate::model::store::{FeatureId, FeatureView, PickHint};
use crate::model::view::WorldBounds;

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
    for layer in layers.iter().rev() {
        if !layer.visible {
            continue;
        }
        let test = filter.for_layer(layer);
        let store = &layer.store;
        let mut layer_hits: Vec<(FeatureId, PickHint)> = layer
            .index
            .entries_in(&probe)
            .filter(|e| {
                settles(&e.hint, &e.bounds, at, tolerance).unwrap_or_else(|| {
                    store
                        .get(e.id)
                        .is_some_and(|f| exactly_under(f, &e.bounds, at, tolerance))
                })
            })
            .filter(|e| test.as_ref().is_none_or(|t| t.shows(e.id)))
            .map(|e| (e.id, e.hint))
            .collect();
        order_topmost_first(layer, &mut layer_hits);
        hits.extend(layer_hits.into_iter().map(|(feature, _)| FeatureRef {
            layer: layer.key,
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
    for layer in layers.iter().rev() {
        if !layer.visible {
            continue;
        }
        let mut layer_hits: Vec<(FeatureId, PickHint)> = layer
            .features()
            .filter(|&f| filter.shows(layer, f.id))
            .filter(|&f| is_under(f, at, tolerance))
            .map(|f| (f.id, f.pick_hint()))
            .collect();
        order_topmost_first(layer, &mut layer_hits);
        hits.extend(layer_hits.into_iter().map(|(feature, _)| FeatureRef {
            layer: layer.key,
            feature,
        }));
    }
    hits
}

/// Within a layer: points over lines over areas, smaller areas over larger, later over earlier.
fn order_topmost_first(layer: &Layer, hits: &mut [(FeatureId, PickHint)]) {
    // Keyed once, not at every comparison. An area's rank and size come from the hint its
    // index entry carries (summing its vertices here made picking the 100,000 polygons twice
    // as slow: 23 hits a pick); only the rest are looked up, to tell points from lines.
    let mut keyed: Vec<(u8, f32, FeatureId, PickHint)> = hits
        .iter()
        .map(|&(id, hint)| {
            let rank = if hint.areal {
                2
            } else {
                layer.feature(id).map_or(2, rank)
            };
            (rank, hint.area, id, hint)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(b.2.cmp(&a.2)));
    for (hit, key) in hits.iter_mut().zip(keyed) {
        *hit = (key.2, key.3);
    }
}

fn rank(f: FeatureView<'_>) -> u8 {
    if f.is_point() {
        0
    } else if f.is_areal() {
        2
    } else {
        1
    }
}

/// The exact test: containment for areas, distance for points and lines. An area smaller
/// than a few tolerances across (drawn as a symbol when zoomed out) is also hit within the
/// tolerance, like a point.
pub fn is_under(f: FeatureView<'_>, at: World, tolerance: f64) -> bool {
    let bounds = f.bounds();
    settles(&f.pick_hint(), &bounds, at, tolerance)
        .unwrap_or_else(|| exactly_under(f, &bounds, at, tolerance))
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
        return (to_box > 0.0 || to_anchor > f64::from(hint.spread)).then_some(false);
    }
    if to_box > tolerance * tolerance || to_anchor > tolerance + f64::from(hint.spread) {
        Some(false)
    } else if (hint.anchor_on_feature && to_anchor <= tolerance)
        || farthest_squared(bounds, at) <= tolerance * tolerance
    {
        // The anchor is on the feature and within reach, or the whole box is.
        Some(true)
    } else {
        None
    }
}

/// The squared distance from `at` to the farthest corner of `bounds`.
fn farthest_squared(bounds: &WorldBounds, at: World) -> f64 {
    let dx = (at[0] - bounds.min[0])
        .abs()
        .max((bounds.max[0] - at[0]).abs());
    let dy = (at[1] - bounds.min[1])
        .abs()
        .max((bounds.max[1] - at[1]).abs());
    dx * dx + dy * dy
}

/// [`is_under`] from the geometry: containment for an area that is not tiny; for the rest,
/// whether any vertex or edge is within the tolerance. (A point inside a tiny area is within
/// the tolerance of its boundary: were the whole disc of that radius inside, the area would
/// be at least two tolerances across.) Inside a member area of a collection counts too, as geo
/// measures the distance to a collection.
fn exactly_under(f: FeatureView<'_>, bounds: &WorldBounds, at: World, tolerance: f64) -> bool {
    use crate::model::store::geometry::GeomKind;
    let kind = f.geom_kind();
    if kind.is_areal() && !is_tiny(bounds, tolerance) {
        return f.area_contains(at);
    }
    if kind == GeomKind::Collection && f.area_contains(at) {
        return true;
    }
    let reach = LonLatBox::around(at, tolerance);
    f.geometry()
        .parts()
        .any(|part| part.rings().any(|r| line_within(r, at, tolerance, &reach)))
}

/// A box in longitude/latitude: the one the box `tolerance` around a world point projects from,
/// widened by a hair against rounding.
struct LonLatBox {
    min: [f64; 2],
    max: [f64; 2],
}

impl LonLatBox {
    fn around(at: World, tolerance: f64) -> Self {
        const HAIR: f64 = 1e-9;
        let min = lonlat_from_world([at[0] - tolerance, at[1] - tolerance]);
        let max = lonlat_from_world([at[0] + tolerance, at[1] + tolerance]);
        Self {
            min: [min[0] - HAIR, min[1] - HAIR],
            max: [max[0] + HAIR, max[1] + HAIR],
        }
    }

    /// Whether the box of the segment from `a` to `b` meets this one.
    fn meets(&self, a: World, b: World) -> bool {
        a[0].max(b[0]) >= self.min[0]
            && a[0].min(b[0]) <= self.max[0]
            && a[1].max(b[1]) >= self.min[1]
            && a[1].min(b[1]) <= self.max[1]
    }
}

/// Whether any segment of `line` (in longitude/latitude, or its one vertex) passes within `tol`
/// world metres of `at`: squared distances, and the first segment near enough ends the walk.
/// Only segments whose box meets `probe` are projected: a segment projects inside the
/// projection of its box, which Web Mercator maps axis by axis. Each vertex is projected once,
/// however many segments near `at` it ends.
fn line_within(line: &[World], at: World, tol: f64, probe: &LonLatBox) -> bool {
    let reach = tol * tol;
    let [px, py] = at;
    let pairs = line.windows(2).map(|w| (w[0], w[1]));
    let single = line.first().filter(|_| line.len() == 1).map(|&p| (p, p));
    // The last vertex projected, in longitude/latitude and in world metres.
    let mut projected: Option<(World, World)> = None;
    let mut project = |p: World| match projected {
        Some((lonlat, world)) if lonlat == p => world,
        _ => {
            let world = world_from_lonlat(p);
            projected = Some((p, world));
            world
        }
    };
    for (a, b) in pairs.chain(single) {
        if !probe.meets(a, b) {
            continue;
        }
        let (a, b) = (project(a), project(b));
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let length_squared = dx * dx + dy * dy;
        let t = if length_squared > 0.0 {
            (((px - a[0]) * dx + (py - a[1]) * dy) / length_squared).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (nx, ny) = (a[0] + t * dx - px, a[1] + t * dy - py);
        if nx * nx + ny * ny <= reach {
            return true;
        }
    }
    false
}

/// The point features among `hits` that share one position (within a metre), with it, when
/// there are at least two: a stack that zooming cannot split.
pub fn stacked_points(
    atlas: &crate::model::atlas::Atlas,
    hits: &[FeatureRef],
) -> Option<(World, Vec<FeatureRef>)> {
    let points: Vec<(FeatureRef, World)> = hits
        .iter()
        .filter_map(|r| {
            let (_, f) = atlas.feature(*r)?;
            f.is_point().then(|| (*r, f.anchor()))
        })
        .collect();
    let (_, at) = *points.first()?;
    let same = |w: &World| (w[0] - at[0]).abs() < 1.0 && (w[1] - at[1]).abs() < 1.0;
    let members: Vec<FeatureRef> = points
        .iter()
        .filter(|(_, w)| same(w))
        .map(|(r, _)| *r)
        .collect();
    (members.len() >= 2).then_some((at, members))
}
