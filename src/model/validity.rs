//! Geometry validity by geo's rules and with geo's messages, in n log n instead of n².
//!
//! geo's `Validation` compares every segment of a ring with every other, and every pair of a
//! multipolygon's parts with its full relate, even when their boxes are far apart. On real
//! boundaries (Natural Earth's admin-1: rings of thousands of points, countries of hundreds of
//! islands) that is most of the load. Here the segments that can meet are found through an
//! R-tree of their boxes and only parts whose boxes meet are related; each test that remains is
//! geo's own, so the problems found, their order and their wording are geo's (tests/suite/validity.rs
//! compares the two on every file the tests hold).

use geo::algorithm::validation::{
    GeometryIndex, InvalidGeometry, InvalidMultiPolygon, InvalidPolygon, RingRole,
};
use geo::{
    BoundingRect, Coord, CoordsIter, Geometry, HasDimensions, Intersects, Line, LineString,
    MultiPolygon, Polygon, PreparedGeometry, Relate, RemoveRepeatedPoints, Validation,
    coordinate_position::CoordPos, dimensions::Dimensions,
};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

/// Rings with fewer segments than this are checked pair by pair; an R-tree costs more.
const SMALL_RING: usize = 32;

/// Every problem geo's `Validation` finds in `geometry`, in its order and words (empty when the
/// geometry is valid).
pub fn problems(geometry: &Geometry<f64>) -> Vec<String> {
    // geo reports a coordinate that is not finite; the boxes below cannot hold one.
    if geometry
        .coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return strings(geometry.validation_errors());
    }
    match geometry {
        Geometry::Polygon(p) => strings(
            polygon_problems(p)
                .into_iter()
                .map(InvalidGeometry::InvalidPolygon),
        ),
        Geometry::MultiPolygon(mp) => strings(
            multi_polygon_problems(mp)
                .into_iter()
                .map(InvalidGeometry::InvalidMultiPolygon),
        ),
        Geometry::GeometryCollection(gc) => gc
            .iter()
            .enumerate()
            .flat_map(|(i, g)| {
                problems(g)
                    .into_iter()
                    .map(move |p| format!("geometry at index {i} is invalid: {p}"))
            })
            .collect(),
        // Points, lines and rectangles are checked in linear time by geo itself.
        other => strings(other.validation_errors()),
    }
}

fn strings<E: ToString>(errors: impl IntoIterator<Item = E>) -> Vec<String> {
    errors.into_iter().map(|e| e.to_string()).collect()
}

/// geo's checks of a polygon (`validation/polygon.rs`), with the ring self-intersection test
/// through an R-tree and the hole-against-hole relates only for holes whose boxes meet.
fn polygon_problems(polygon: &Polygon<f64>) -> Vec<InvalidPolygon> {
    let mut found = Vec::new();
    if polygon.is_empty() {
        return found;
    }
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (i, ring) in rings.enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        let role = if i == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(i - 1)
        };
        if ring.remove_repeated_points().0.len() < 4 {
            found.push(InvalidPolygon::TooFewPointsInRing(role));
        }
        if ring_crosses_itself(ring) {
            found.push(InvalidPolygon::SelfIntersection(role));
        }
    }
    let holes = polygon.interiors();
    if holes.iter().all(|h| h.0.is_empty()) {
        return found;
    }
    let outline = Polygon::new(polygon.exterior().clone(), vec![]);
    let outline = PreparedGeometry::from(&outline);
    let boxes: Vec<_> = holes.iter().map(LineString::bounding_rect).collect();
    for (i, hole) in holes.iter().enumerate() {
        if hole.0.is_empty() {
            continue;
        }
        let role = RingRole::Interior(i);
        let hole_area = Polygon::new(hole.clone(), vec![]);
        let hole_area = PreparedGeometry::from(&hole_area);
        let against_outline = outline.relate(&hole_area);
        if !against_outline.is_contains() {
            found.push(InvalidPolygon::InteriorRingNotContainedInExteriorRing(role));
        }
        if against_outline.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
            == Dimensions::OneDimensional
        {
            found.push(InvalidPolygon::IntersectingRingsOnALine(
                RingRole::Exterior,
                role,
            ));
        }
        for (j, other) in holes.iter().enumerate().skip(i + 1) {
            if other.0.is_empty() || !boxes_meet(boxes[i], boxes[j]) {
                continue;
            }
            let matrix = hole_area.relate(&Polygon::new(other.clone(), vec![]));
            if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                found.push(InvalidPolygon::IntersectingRingsOnAnArea(
                    role,
                    RingRole::Interior(j),
                ));
            }
            if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
            {
                found.push(InvalidPolygon::IntersectingRingsOnALine(
                    role,
                    RingRole::Interior(j),
                ));
            }
        }
    }
    found
}

/// geo's checks of a multipolygon (`validation/multi_polygon.rs`), relating only parts whose
/// boxes meet: parts with boxes apart can neither overlap nor touch.
fn multi_polygon_problems(parts: &MultiPolygon<f64>) -> Vec<InvalidMultiPolygon> {
    let mut found = Vec::new();
    let boxes: Vec<_> = parts.iter().map(Polygon::bounding_rect).collect();
    for (i, part) in parts.iter().enumerate() {
        found.extend(
            polygon_problems(part)
                .into_iter()
                .map(|p| InvalidMultiPolygon::InvalidPolygon(GeometryIndex(i), p)),
        );
        for (j, other) in parts.iter().enumerate().skip(i + 1) {
            if !boxes_meet(boxes[i], boxes[j]) {
                continue;
            }
            let matrix = part.relate(other);
            if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                found.push(InvalidMultiPolygon::ElementsOverlaps(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ));
            }
            if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
            {
                found.push(InvalidMultiPolygon::ElementsTouchOnALine(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ));
            }
        }
    }
    found
}

/// Whether two boxes meet (share at least a point); an empty geometry's box meets nothing.
fn boxes_meet(a: Option<geo::Rect<f64>>, b: Option<geo::Rect<f64>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.intersects(&b),
        _ => false,
    }
}

/// geo's self-intersection rule for a ring: two of its segments meet, other than where one
/// ends and the other starts. Only segments whose boxes meet can meet.
pub fn ring_crosses_itself(ring: &LineString<f64>) -> bool {
    let segments: Vec<Line<f64>> = ring.lines().collect();
    let cross =
        |a: &Line<f64>, b: &Line<f64>| a.intersects(b) && a.start != b.end && a.end != b.start;
    if segments.len() < SMALL_RING {
        return segments
            .iter()
            .enumerate()
            .any(|(i, a)| segments[i + 1..].iter().any(|b| cross(a, b)));
    }
    let corners = |l: &Line<f64>| -> ([f64; 2], [f64; 2]) {
        let Coord { x: x0, y: y0 } = l.start;
        let Coord { x: x1, y: y1 } = l.end;
        ([x0.min(x1), y0.min(y1)], [x0.max(x1), y0.max(y1)])
    };
    let tree = RTree::bulk_load(
        segments
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (min, max) = corners(l);
                GeomWithData::new(Rectangle::from_corners(min, max), i)
            })
            .collect(),
    );
    segments.iter().enumerate().any(|(i, a)| {
        let (min, max) = corners(a);
        tree.locate_in_envelope_intersecting(AABB::from_corners(min, max))
            .any(|near| near.data > i && cross(a, &segments[near.data]))
    })
}
