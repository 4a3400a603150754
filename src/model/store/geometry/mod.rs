//! A layer's geometries as flat columns, the layout GeoArrow uses: every vertex (longitude and
//! latitude, as the file gives them) in one array, and offsets that cut it into rings, rings
//! into parts (a point, a line or a polygon) and parts into geometries. A geometry is a few
//! offsets, not a tree of vectors. What is drawn and picked works in Web Mercator metres: the
//! `world_*` methods project as they go (a few nanoseconds a vertex), so the file's own
//! coordinates are what the store keeps, exactly.

mod parts;

pub use parts::{GeomRef, PartRef};

use crate::model::projection::{LocalMercator, World, world_from_lonlat};
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

    /// The kind a GeoJSON type name names.
    pub fn from_name(name: &str) -> Option<GeomKind> {
        [
            GeomKind::Point,
            GeomKind::MultiPoint,
            GeomKind::LineString,
            GeomKind::MultiLineString,
            GeomKind::Polygon,
            GeomKind::MultiPolygon,
            GeomKind::Collection,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// How deep its GeoJSON coordinates nest: 1 for a position, 2 for a list of them, and so
    /// on (0 for a collection, which has none of its own).
    pub fn coordinate_depth(self) -> usize {
        match self {
            GeomKind::Point => 1,
            GeomKind::MultiPoint | GeomKind::LineString => 2,
            GeomKind::MultiLineString | GeomKind::Polygon => 3,
            GeomKind::MultiPolygon => 4,
            GeomKind::Collection => 0,
        }
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

/// Every geometry of a layer, in columns. While every geometry is a single point (a layer of a
/// million points), the offsets are implicit: geometry `g` is part `g`, ring `g` and vertex
/// `g`, and only the vertices are kept (13 bytes a point fewer); the first other geometry writes
/// them out.
#[derive(Clone, Debug, Default)]
pub struct Geometries {
    /// Every vertex: `[longitude, latitude]` in degrees.
    pub coords: Vec<[f64; 2]>,
    /// `None` while every geometry is a single point.
    offsets: Option<Offsets>,
    /// Geometries while the offsets are implicit.
    points: usize,
    /// A point begun and not yet ended, while the offsets are implicit: its part, its ring.
    pending: (bool, bool),
}

/// The offsets that cut the vertices into rings, parts and geometries.
#[derive(Clone, Debug)]
struct Offsets {
    /// Ring `r` is `coords[ring_offsets[r]..ring_offsets[r + 1]]`.
    ring_offsets: Vec<u32>,
    /// Part `p` is rings `part_offsets[p]..part_offsets[p + 1]`.
    part_offsets: Vec<u32>,
    part_kinds: Vec<PartKind>,
    /// Geometry `g` is parts `geom_offsets[g]..geom_offsets[g + 1]`.
    geom_offsets: Vec<u32>,
    kinds: Vec<GeomKind>,
}

impl Offsets {
    /// The offsets of `n` single points.
    fn of_points(n: usize) -> Self {
        let identity: Vec<u32> = (0..=n as u32).collect();
        Self {
            ring_offsets: identity.clone(),
            part_offsets: identity.clone(),
            part_kinds: vec![PartKind::Point; n],
            geom_offsets: identity,
            kinds: vec![GeomKind::Point; n],
        }
    }

    fn ring_count(&self) -> usize {
        self.ring_offsets.len() - 1
    }
}

/// The most vertices one layer can hold (offsets are 32-bit).
pub const MAX_VERTICES: usize = u32::MAX as usize;

impl Geometries {
    pub fn len(&self) -> usize {
        match &self.offsets {
            Some(o) => o.kinds.len(),
            None => self.points,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn vertex_count(&self) -> usize {
        self.coords.len()
    }

    /// Writes the implicit offsets out, with the point begun, if any.
    fn explicit(&mut self) -> &mut Offsets {
        if self.offsets.is_none() {
            let mut o = Offsets::of_points(self.points);
            let (part, ring) = std::mem::take(&mut self.pending);
            if part {
                o.part_kinds.push(PartKind::Point);
                o.part_offsets.push(o.ring_count() as u32);
            }
            if ring {
                o.ring_offsets.push(self.coords.len() as u32);
                if let Some(last) = o.part_offsets.last_mut() {
                    *last = (o.ring_offsets.len() - 1) as u32;
                }
            }
            self.offsets = Some(o);
        }
        self.offsets.get_or_insert_with(|| Offsets::of_points(0))
    }

    /// Starts a part of `kind`; its rings follow with [`Self::push_ring`].
    pub fn begin_part(&mut self, kind: PartKind) {
        if self.offsets.is_none() && kind == PartKind::Point && self.pending == (false, false) {
            self.pending = (true, false);
            return;
        }
        let o = self.explicit();
        o.part_kinds.push(kind);
        o.part_offsets.push(o.ring_count() as u32);
    }

    /// Adds a ring to the part begun last.
    pub fn push_ring(&mut self, ring: impl IntoIterator<Item = World>) {
        let before = self.coords.len();
        self.coords.extend(ring);
        if self.offsets.is_none()
            && self.pending == (true, false)
            && self.coords.len() == before + 1
        {
            self.pending = (true, true);
            return;
        }
        if self.offsets.is_none() {
            // Not a single point: write the offsets out as they were before this ring.
            let added: Vec<World> = self.coords.drain(before..).collect();
            self.explicit();
            self.coords.extend(added);
        }
        let end = self.coords.len() as u32;
        let o = self.explicit();
        o.ring_offsets.push(end);
        if let Some(last) = o.part_offsets.last_mut() {
            *last = (o.ring_offsets.len() - 1) as u32;
        }
    }

    /// Ends a geometry made of the parts begun since the last one ended.
    pub fn end_geometry(&mut self, kind: GeomKind) {
        if self.offsets.is_none() && kind == GeomKind::Point && self.pending == (true, true) {
            self.pending = (false, false);
            self.points += 1;
            return;
        }
        let o = self.explicit();
        o.kinds.push(kind);
        o.geom_offsets.push(o.part_kinds.len() as u32);
    }

    /// Drops what was begun since the last geometry ended (a geometry found bad midway).
    pub fn abandon_geometry(&mut self) {
        match &mut self.offsets {
            None => {
                self.pending = (false, false);
                self.coords.truncate(self.points);
            }
            Some(o) => {
                let parts = *o.geom_offsets.last().unwrap_or(&0) as usize;
                o.part_kinds.truncate(parts);
                o.part_offsets.truncate(parts + 1);
                let rings = o.part_offsets.last().copied().unwrap_or(0) as usize;
                o.ring_offsets.truncate(rings + 1);
                let coords = o.ring_offsets.last().copied().unwrap_or(0) as usize;
                self.coords.truncate(coords);
            }
        }
    }

    /// Makes room for `n` more geometries of `vertices` vertices in all.
    pub fn reserve(&mut self, n: usize, vertices: usize) {
        self.coords.reserve(vertices);
        if let Some(o) = &mut self.offsets {
            o.kinds.reserve(n);
            o.geom_offsets.reserve(n);
        }
    }

    /// Gives back memory reserved and not used.
    pub fn shrink_to_fit(&mut self) {
        self.coords.shrink_to_fit();
        if let Some(o) = &mut self.offsets {
            o.ring_offsets.shrink_to_fit();
            o.part_offsets.shrink_to_fit();
            o.part_kinds.shrink_to_fit();
            o.geom_offsets.shrink_to_fit();
            o.kinds.shrink_to_fit();
        }
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
        GeomRef {
            geometries: self,
            parts: self.geom_parts(g),
            kind: self.kind(g),
        }
    }

    fn kind(&self, g: usize) -> GeomKind {
        match &self.offsets {
            Some(o) => o.kinds.get(g).copied().unwrap_or(GeomKind::Collection),
            None => GeomKind::Point,
        }
    }

    fn geom_parts(&self, g: usize) -> Range<usize> {
        match &self.offsets {
            Some(o) => {
                let start = o.geom_offsets.get(g).copied().unwrap_or(0) as usize;
                let end = o.geom_offsets.get(g + 1).copied().unwrap_or(0) as usize;
                start..end.max(start)
            }
            None if g < self.points => g..g + 1,
            None => 0..0,
        }
    }

    fn part_kind(&self, p: usize) -> PartKind {
        match &self.offsets {
            Some(o) => o.part_kinds[p],
            None => PartKind::Point,
        }
    }

    fn part_rings(&self, p: usize) -> Range<usize> {
        match &self.offsets {
            Some(o) => o.part_offsets[p] as usize..o.part_offsets[p + 1] as usize,
            None => p..p + 1,
        }
    }

    /// Where ring `r` starts in `coords` (for `r` one past the last ring, where it would).
    fn ring_start(&self, r: usize) -> usize {
        match &self.offsets {
            Some(o) => o.ring_offsets[r] as usize,
            None => r,
        }
    }

    fn ring(&self, r: usize) -> &[World] {
        &self.coords[self.ring_start(r)..self.ring_start(r + 1)]
    }

    /// Appends `other`'s geometries after these.
    pub fn append(&mut self, mut other: Geometries) {
        if self.offsets.is_none() && other.offsets.is_none() {
            self.coords.extend(other.coords);
            self.points += other.points;
            return;
        }
        let coords = self.coords.len() as u32;
        self.explicit();
        other.explicit();
        let (Some(mine), Some(theirs)) = (&mut self.offsets, other.offsets) else {
            return;
        };
        let rings = mine.ring_count() as u32;
        let parts = mine.part_kinds.len() as u32;
        self.coords.extend(other.coords);
        mine.ring_offsets
            .extend(theirs.ring_offsets[1..].iter().map(|o| o + coords));
        mine.part_offsets
            .extend(theirs.part_offsets[1..].iter().map(|o| o + rings));
        mine.part_kinds.extend(theirs.part_kinds);
        mine.geom_offsets
            .extend(theirs.geom_offsets[1..].iter().map(|o| o + parts));
        mine.kinds.extend(theirs.kinds);
    }

    /// Memory held, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.coords.capacity() * 16
            + self.offsets.as_ref().map_or(0, |o| {
                (o.ring_offsets.capacity() + o.part_offsets.capacity() + o.geom_offsets.capacity())
                    * 4
                    + o.part_kinds.capacity()
                    + o.kinds.capacity()
            })
    }
}

/// Vertices in longitude/latitude, projected to world metres one by one.
pub fn project(vertices: &[World]) -> impl Iterator<Item = World> + '_ {
    vertices.iter().map(|&p| world_from_lonlat(p))
}

/// The vertices of a line to draw, projected: near their own latitudes by a polynomial (a
/// centimetre off at most, see `LocalMercator`) when they span at most a degree below 65°,
/// else exactly.
/// Drawing a line projects every vertex, and the tangent and logarithm of the exact projection
/// took a sixth of drawing ten thousand lines of 500 vertices.
pub fn project_for_drawing(vertices: &[World]) -> impl Iterator<Item = World> + '_ {
    let (lo, hi) = vertices
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[1]), hi.max(p[1]))
        });
    let limit = crate::model::projection::LOCAL_MERCATOR_LATITUDE;
    let near = (hi - lo <= 1.0 && lo >= -limit && hi <= limit)
        .then(|| LocalMercator::around((lo + hi) / 2.0));
    vertices.iter().map(move |&p| match &near {
        Some(m) => m.world(p),
        None => world_from_lonlat(p),
    })
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
    fn points_keep_no_offsets_until_another_geometry_comes() {
        let point = |x: f64| -> geo::Geometry<f64> { geo::Point::new(x, 39.0).into() };
        let line: geo::Geometry<f64> = geo::LineString::from(vec![(1.0, 1.0), (2.0, 2.0)]).into();
        let mut g = Geometries::default();
        g.push_geo(&point(1.0));
        g.push_geo(&point(2.0));
        assert!(g.offsets.is_none());
        assert_eq!(g.heap_bytes(), g.coords.capacity() * 16);
        // A point begun, then found bad.
        g.begin_part(PartKind::Point);
        g.push_ring([[9.0, 9.0]]);
        g.abandon_geometry();
        let mut more = Geometries::default();
        more.push_geo(&point(3.0));
        g.append(more);
        assert!(g.offsets.is_none());
        // A line midway through a point: the offsets are written out, the point kept.
        g.begin_part(PartKind::Point);
        g.push_ring([[4.0, 39.0]]);
        g.end_geometry(GeomKind::Point);
        g.push_geo(&line);
        assert!(g.offsets.is_some());
        let got: Vec<geo::Geometry<f64>> = (0..g.len()).map(|i| g.get(i).to_geo()).collect();
        assert_eq!(
            got,
            [point(1.0), point(2.0), point(3.0), point(4.0), line.clone()]
        );
        // Points appended after explicit geometries, and explicit after points.
        let mut points = Geometries::default();
        points.push_geo(&point(5.0));
        g.append(points);
        let mut lines = Geometries::default();
        lines.push_geo(&line);
        let mut start = Geometries::default();
        start.push_geo(&point(0.0));
        start.append(lines);
        assert_eq!(g.get(5).to_geo(), point(5.0));
        assert_eq!(start.get(0).to_geo(), point(0.0));
        assert_eq!(start.get(1).to_geo(), line);
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
