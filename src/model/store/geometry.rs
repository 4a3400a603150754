//! A layer's geometries as flat columns, the layout GeoArrow uses: every vertex (longitude and
//! latitude, as the file gives them) in one array, and offsets that cut it into rings, rings
//! into parts (a point, a line or a polygon) and parts into geometries. A geometry is a few
//! offsets, not a tree of vectors. What is drawn and picked works in Web Mercator metres: the
//! `world_*` methods project as they go (a few nanoseconds a vertex), so the file's own
//! coordinates are what the store keeps, exactly.

use crate::model::projection::{World, world_from_lonlat};
use std::ops::Range;

/// What a geometry is, as GeoJSON names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeomKind {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
    Collection,
}

impl GeomKind {
    pub fn is_point(self) -> bool {
        matches!(self, GeomKind::Point | GeomKind::MultiPoint)
    }

    pub fn is_areal(self) -> bool {
        matches!(self, GeomKind::Polygon | GeomKind::MultiPolygon)
    }

    /// The GeoJSON type name.
    pub fn name(self) -> &'static str {
        match self {
            GeomKind::Point => "Point",
            GeomKind::MultiPoint => "MultiPoint",
            GeomKind::LineString => "LineString",
            GeomKind::MultiLineString => "MultiLineString",
            GeomKind::Polygon => "Polygon",
            GeomKind::MultiPolygon => "MultiPolygon",
            GeomKind::Collection => "GeometryCollection",
        }
    }
}

/// What one part of a geometry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartKind {
    /// One ring of one vertex.
    Point,
    /// One ring: the line's vertices.
    Line,
    /// The exterior ring, then the holes, each closed (its first vertex repeated last).
    Polygon,
}

/// Every geometry of a layer, in columns.
#[derive(Clone, Debug)]
pub struct Geometries {
    /// Every vertex: `[longitude, latitude]` in degrees.
    pub coords: Vec<[f64; 2]>,
    /// Ring `r` is `coords[ring_offsets[r]..ring_offsets[r + 1]]`.
    ring_offsets: Vec<u32>,
    /// Part `p` is rings `part_offsets[p]..part_offsets[p + 1]`.
    part_offsets: Vec<u32>,
    part_kinds: Vec<PartKind>,
    /// Geometry `g` is parts `geom_offsets[g]..geom_offsets[g + 1]`.
    geom_offsets: Vec<u32>,
    kinds: Vec<GeomKind>,
}

impl Default for Geometries {
    fn default() -> Self {
        Self {
            coords: Vec::new(),
            ring_offsets: vec![0],
            part_offsets: vec![0],
            part_kinds: Vec::new(),
            geom_offsets: vec![0],
            kinds: Vec::new(),
        }
    }
}

/// The most vertices one layer can hold (offsets are 32-bit).
pub const MAX_VERTICES: usize = u32::MAX as usize;

impl Geometries {
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn vertex_count(&self) -> usize {
        self.coords.len()
    }

    /// Starts a part of `kind`; its rings follow with [`Self::push_ring`].
    pub fn begin_part(&mut self, kind: PartKind) {
        self.part_kinds.push(kind);
        self.part_offsets.push(self.ring_count() as u32);
    }

    /// Adds a ring to the part begun last.
    pub fn push_ring(&mut self, ring: impl IntoIterator<Item = World>) {
        self.coords.extend(ring);
        self.ring_offsets.push(self.coords.len() as u32);
        if let Some(last) = self.part_offsets.last_mut() {
            *last = (self.ring_offsets.len() - 1) as u32;
        }
    }

    /// Ends a geometry made of the parts begun since the last one ended.
    pub fn end_geometry(&mut self, kind: GeomKind) {
        self.kinds.push(kind);
        self.geom_offsets.push(self.part_kinds.len() as u32);
    }

    /// Drops what was begun since the last geometry ended (a geometry found bad midway).
    pub fn abandon_geometry(&mut self) {
        let parts = *self.geom_offsets.last().unwrap_or(&0) as usize;
        self.part_kinds.truncate(parts);
        self.part_offsets.truncate(parts + 1);
        let rings = self.part_offsets.last().copied().unwrap_or(0) as usize;
        self.ring_offsets.truncate(rings + 1);
        let coords = self.ring_offsets.last().copied().unwrap_or(0) as usize;
        self.coords.truncate(coords);
    }

    fn ring_count(&self) -> usize {
        self.ring_offsets.len() - 1
    }

    /// Adds a `geo` geometry in longitude/latitude.
    pub fn push_geo(&mut self, g: &geo::Geometry<f64>) {
        use geo::Geometry as G;
        let kind = match g {
            G::Point(_) => GeomKind::Point,
            G::MultiPoint(_) => GeomKind::MultiPoint,
            G::Line(_) | G::LineString(_) => GeomKind::LineString,
            G::MultiLineString(_) => GeomKind::MultiLineString,
            G::Polygon(_) | G::Rect(_) | G::Triangle(_) => GeomKind::Polygon,
            G::MultiPolygon(_) => GeomKind::MultiPolygon,
            G::GeometryCollection(_) => GeomKind::Collection,
        };
        self.push_geo_parts(g);
        self.end_geometry(kind);
    }

    fn push_geo_parts(&mut self, g: &geo::Geometry<f64>) {
        use geo::Geometry as G;
        let world = |c: &geo::Coord<f64>| [c.x, c.y];
        let mut polygon = |p: &geo::Polygon<f64>| {
            self.begin_part(PartKind::Polygon);
            self.push_ring(p.exterior().0.iter().map(world));
            for hole in p.interiors() {
                self.push_ring(hole.0.iter().map(world));
            }
        };
        match g {
            G::Point(p) => {
                self.begin_part(PartKind::Point);
                self.push_ring([world(&p.0)]);
            }
            G::MultiPoint(mp) => {
                for p in &mp.0 {
                    self.begin_part(PartKind::Point);
                    self.push_ring([world(&p.0)]);
                }
            }
            G::Line(l) => {
                self.begin_part(PartKind::Line);
                self.push_ring([world(&l.start), world(&l.end)]);
            }
            G::LineString(ls) => {
                self.begin_part(PartKind::Line);
                self.push_ring(ls.0.iter().map(world));
            }
            G::MultiLineString(mls) => {
                for ls in &mls.0 {
                    self.begin_part(PartKind::Line);
                    self.push_ring(ls.0.iter().map(world));
                }
            }
            G::Polygon(p) => polygon(p),
            G::Rect(r) => polygon(&r.to_polygon()),
            G::Triangle(t) => polygon(&t.to_polygon()),
            G::MultiPolygon(mp) => mp.0.iter().for_each(polygon),
            G::GeometryCollection(gc) => {
                for member in &gc.0 {
                    self.push_geo_parts(member);
                }
            }
        }
    }

    /// Geometry `g`.
    pub fn get(&self, g: usize) -> GeomRef<'_> {
        let start = self.geom_offsets.get(g).copied().unwrap_or(0) as usize;
        let end = self.geom_offsets.get(g + 1).copied().unwrap_or(0) as usize;
        GeomRef {
            geometries: self,
            parts: start..end.max(start),
            kind: self.kinds.get(g).copied().unwrap_or(GeomKind::Collection),
        }
    }

    /// Appends `other`'s geometries after these.
    pub fn append(&mut self, other: Geometries) {
        let coords = self.coords.len() as u32;
        let rings = self.ring_count() as u32;
        let parts = self.part_kinds.len() as u32;
        self.coords.extend(other.coords);
        self.ring_offsets
            .extend(other.ring_offsets[1..].iter().map(|o| o + coords));
        self.part_offsets
            .extend(other.part_offsets[1..].iter().map(|o| o + rings));
        self.part_kinds.extend(other.part_kinds);
        self.geom_offsets
            .extend(other.geom_offsets[1..].iter().map(|o| o + parts));
        self.kinds.extend(other.kinds);
    }

    /// Memory held, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.coords.capacity() * 16
            + (self.ring_offsets.capacity()
                + self.part_offsets.capacity()
                + self.geom_offsets.capacity())
                * 4
            + self.part_kinds.capacity()
            + self.kinds.capacity()
    }

    fn ring(&self, r: usize) -> &[World] {
        let start = self.ring_offsets[r] as usize;
        let end = self.ring_offsets[r + 1] as usize;
        &self.coords[start..end]
    }
}

/// One geometry of a layer, borrowed.
#[derive(Clone)]
pub struct GeomRef<'a> {
    geometries: &'a Geometries,
    parts: Range<usize>,
    kind: GeomKind,
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
            kind: g.part_kinds[p],
            rings: g.part_offsets[p] as usize..g.part_offsets[p + 1] as usize,
        })
    }

    /// Every vertex of the geometry, part after part, ring after ring, in longitude/latitude.
    pub fn coords(&self) -> &'a [World] {
        let g = self.geometries;
        if self.parts.is_empty() {
            return &[];
        }
        let first_ring = g.part_offsets[self.parts.start] as usize;
        let end_ring = g.part_offsets[self.parts.end] as usize;
        let start = g.ring_offsets[first_ring] as usize;
        let end = g.ring_offsets[end_ring] as usize;
        &g.coords[start..end]
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

/// Vertices in longitude/latitude, projected to world metres one by one.
pub fn project(vertices: &[World]) -> impl Iterator<Item = World> + '_ {
    vertices.iter().map(|&p| world_from_lonlat(p))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geo_geometries_come_back_as_they_went_in() {
        let polygon: geo::Geometry<f64> = geo::Polygon::new(
            vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 0.0)].into(),
            vec![vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0)].into()],
        )
        .into();
        let multipoint: geo::Geometry<f64> =
            geo::MultiPoint::from(vec![(1.0, 2.0), (3.0, 4.0)]).into();
        let collection =
            geo::Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![
                geo::Point::new(1.0, 1.0).into(),
                geo::LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]).into(),
            ]));
        let mut g = Geometries::default();
        for geometry in [&polygon, &multipoint, &collection] {
            g.push_geo(geometry);
        }
        assert_eq!(g.len(), 3);
        assert_eq!(g.get(0).to_geo(), polygon);
        assert_eq!(g.get(1).to_geo(), multipoint);
        assert_eq!(g.get(2).to_geo(), collection);
        assert_eq!(g.get(1).world_points().count(), 2);
        assert_eq!(g.get(2).lines().count(), 1);
        assert_eq!(g.get(0).coords().len(), 8);
        let mut other = Geometries::default();
        other.push_geo(&multipoint);
        g.append(other);
        assert_eq!(g.get(3).to_geo(), multipoint);
    }

    #[test]
    fn an_abandoned_geometry_leaves_nothing_behind() {
        let mut g = Geometries::default();
        g.push_geo(&geo::Point::new(1.0, 1.0).into());
        g.begin_part(PartKind::Line);
        g.push_ring([[0.0, 0.0], [1.0, 1.0]]);
        g.abandon_geometry();
        g.push_geo(&geo::Point::new(2.0, 2.0).into());
        assert_eq!(g.len(), 2);
        assert_eq!(g.coords.len(), 2);
        assert_eq!(g.get(1).to_geo(), geo::Point::new(2.0, 2.0).into());
    }
}
