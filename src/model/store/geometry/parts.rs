//! One geometry of a store, and one part of it, borrowed: rings in longitude/latitude, projected
//! or turned into `geo` types on request.

use super::{GeomKind, Geometries, PartKind, World, world_from_lonlat};
use std::ops::Range;

/// One geometry of a layer, borrowed.
#[derive(Clone)]
pub struct GeomRef<'a> {
    pub(super) geometries: &'a Geometries,
    pub(super) parts: Range<usize>,
    pub(super) kind: GeomKind,
}

impl std::fmt::Debug for GeomRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({} vertices)", self.kind.name(), self.coords().len())
    }
}

/// One part of a geometry, borrowed: a point, a line or a polygon.
#[derive(Clone)]
pub struct PartRef<'a> {
    geometries: &'a Geometries,
    pub kind: PartKind,
    rings: Range<usize>,
}

impl<'a> GeomRef<'a> {
    pub fn kind(&self) -> GeomKind {
        self.kind
    }

    pub fn parts(&self) -> impl Iterator<Item = PartRef<'a>> + use<'a> {
        let g = self.geometries;
        self.parts.clone().map(move |p| PartRef {
            geometries: g,
            kind: g.part_kind(p),
            rings: g.part_rings(p),
        })
    }

    /// Every vertex of the geometry, part after part, ring after ring, in longitude/latitude.
    pub fn coords(&self) -> &'a [World] {
        let g = self.geometries;
        if self.parts.is_empty() {
            return &[];
        }
        let first_ring = g.part_rings(self.parts.start).start;
        let end_ring = g.part_rings(self.parts.end - 1).end;
        &g.coords[g.ring_start(first_ring)..g.ring_start(end_ring)]
    }

    /// The points of its point parts, in world metres.
    pub fn world_points(&self) -> impl Iterator<Item = World> + use<'a> {
        self.parts()
            .filter(|p| p.kind == PartKind::Point)
            .filter_map(|p| p.rings().next().and_then(|r| r.first().copied()))
            .map(world_from_lonlat)
    }

    /// The vertices of each of its line parts, in longitude/latitude (see [`project`]).
    pub fn lines(&self) -> impl Iterator<Item = &'a [World]> + use<'a> {
        self.parts()
            .filter(|p| p.kind == PartKind::Line)
            .filter_map(|p| p.rings().next())
    }

    /// Its polygon parts.
    pub fn polygons(&self) -> impl Iterator<Item = PartRef<'a>> + use<'a> {
        self.parts().filter(|p| p.kind == PartKind::Polygon)
    }

    /// The geometry as a `geo` geometry, each vertex mapped by `map`.
    fn to_geo_with(&self, map: &dyn Fn(World) -> World) -> geo::Geometry<f64> {
        use geo::Geometry as G;
        let mut parts = self.parts().map(|p| p.into_geo(map));
        let single = |parts: &mut dyn Iterator<Item = G<f64>>| {
            parts
                .next()
                .unwrap_or(G::GeometryCollection(geo::GeometryCollection::default()))
        };
        match self.kind {
            GeomKind::Point | GeomKind::LineString | GeomKind::Polygon => single(&mut parts),
            GeomKind::MultiPoint => G::MultiPoint(
                parts
                    .filter_map(|g| geo::Point::try_from(g).ok())
                    .collect::<Vec<_>>()
                    .into(),
            ),
            GeomKind::MultiLineString => G::MultiLineString(geo::MultiLineString::new(
                parts
                    .filter_map(|g| geo::LineString::try_from(g).ok())
                    .collect(),
            )),
            GeomKind::MultiPolygon => G::MultiPolygon(geo::MultiPolygon::new(
                parts
                    .filter_map(|g| geo::Polygon::try_from(g).ok())
                    .collect(),
            )),
            GeomKind::Collection => {
                G::GeometryCollection(geo::GeometryCollection::new_from(parts.collect()))
            }
        }
    }

    /// The geometry as a `geo` geometry in longitude/latitude, as the file gave it.
    pub fn to_geo(&self) -> geo::Geometry<f64> {
        self.to_geo_with(&|w| w)
    }

    /// The geometry as a `geo` geometry in world metres.
    pub fn to_world_geo(&self) -> geo::Geometry<f64> {
        self.to_geo_with(&world_from_lonlat)
    }
}
impl<'a> PartRef<'a> {
    /// Its rings (in longitude/latitude): a point's one vertex, a line's vertices, a polygon's
    /// exterior then holes.
    pub fn rings(&self) -> impl Iterator<Item = &'a [World]> + use<'a> {
        let g = self.geometries;
        self.rings.clone().map(move |r| g.ring(r))
    }

    pub fn ring_count(&self) -> usize {
        self.rings.len()
    }

    fn into_geo(self, map: &dyn Fn(World) -> World) -> geo::Geometry<f64> {
        let line = |ring: &[World]| -> geo::LineString<f64> {
            ring.iter()
                .map(|&w| {
                    let [x, y] = map(w);
                    geo::coord! { x: x, y: y }
                })
                .collect()
        };
        let mut rings = self.rings();
        match self.kind {
            PartKind::Point => {
                let [x, y] = rings
                    .next()
                    .and_then(|r| r.first().copied())
                    .map_or([f64::NAN; 2], map);
                geo::Geometry::Point(geo::Point::new(x, y))
            }
            PartKind::Line => geo::Geometry::LineString(
                rings
                    .next()
                    .map_or_else(|| geo::LineString::new(Vec::new()), line),
            ),
            PartKind::Polygon => {
                let exterior = rings
                    .next()
                    .map_or_else(|| geo::LineString::new(Vec::new()), line);
                geo::Geometry::Polygon(geo::Polygon::new(exterior, rings.map(line).collect()))
            }
        }
    }
}
