//! Triangulating polygons (concave, with holes) into index meshes, once, in world coordinates.
//!
//! egui fills only convex paths, so every areal feature is cut into triangles with the `earcut`
//! crate (a port of mapbox's earcut, the one geo uses).
//! The mesh's vertices are the rings' own vertices, so the same buffer also serves outlines.

use crate::model::projection::World;
use std::ops::Range;

/// A triangulated polygon or multipolygon in world metres.
#[derive(Clone, Debug, Default)]
pub struct FillMesh {
    /// Every ring's vertices, without the closing repeat, ring after ring.
    pub vertices: Vec<World>,
    /// Triangles as triples of indices into `vertices`.
    pub indices: Vec<u32>,
    /// Where each ring lies in `vertices`; exteriors and holes alike.
    pub rings: Vec<Range<usize>>,
}

impl FillMesh {
    /// Sum of the triangles' areas, in square world units.
    pub fn triangle_area(&self) -> f64 {
        self.indices
            .chunks_exact(3)
            .map(|t| {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| self.vertices[i as usize]);
                ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs() / 2.0
            })
            .sum()
    }
}

/// Triangulates every polygon in `geometry` (already in world metres). Non-areal geometry
/// gives an empty mesh.
pub fn tessellate(geometry: &geo::Geometry<f64>) -> FillMesh {
    let mut mesh = FillMesh::default();
    let mut add = |polygon: &geo::Polygon<f64>| {
        let rings: Vec<Vec<World>> = std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect())
            .collect();
        let rings: Vec<&[World]> = rings.iter().map(Vec::as_slice).collect();
        add_polygon(&mut mesh, &rings);
    };
    match geometry {
        geo::Geometry::Polygon(p) => add(p),
        geo::Geometry::MultiPolygon(mp) => mp.0.iter().for_each(add),
        geo::Geometry::Rect(r) => add(&r.to_polygon()),
        geo::Geometry::GeometryCollection(gc) => {
            for g in &gc.0 {
                let part = tessellate(g);
                append(&mut mesh, part);
            }
        }
        _ => {}
    }
    mesh
}

fn append(mesh: &mut FillMesh, part: FillMesh) {
    let offset = mesh.vertices.len();
    mesh.vertices.extend(part.vertices);
    mesh.indices
        .extend(part.indices.into_iter().map(|i| i + offset as u32));
    mesh.rings.extend(
        part.rings
            .into_iter()
            .map(|r| r.start + offset..r.end + offset),
    );
}

/// Adds one polygon, its exterior ring first and then its holes (each closed or not), to
/// `mesh`, triangulated.
pub fn add_polygon(mesh: &mut FillMesh, rings: &[&[World]]) {
    let base = mesh.vertices.len();
    let mut flat: Vec<f64> = Vec::new();
    let mut kept_rings = Vec::new();
    for (n, ring) in rings.iter().enumerate() {
        let mut coords: &[World] = ring;
        if coords.len() > 1 && coords.first() == coords.last() {
            coords = &coords[..coords.len() - 1];
        }
        if coords.len() < 3 {
            if n == 0 {
                return; // a degenerate exterior fills nothing
            }
            continue;
        }
        let start = base + flat.len() / 2;
        kept_rings.push(start..start + coords.len());
        flat.extend(coords.iter().flat_map(|c| [c[0], c[1]]));
    }
    let triangles = triangulate(&flat, &kept_rings, base);
    mesh.vertices
        .extend(flat.chunks_exact(2).map(|c| [c[0], c[1]]));
    mesh.indices
        .extend(triangles.into_iter().map(|i| base as u32 + i));
    mesh.rings.extend(kept_rings);
}

/// The grid the triangulator sees, in world metres: positions are snapped to it.
const SNAP_METRES: f64 = 1e-3;

/// Triangles over the rings (`rings` index `flat`'s vertices from `base`; the first is the
/// exterior), as indices into `flat`'s vertices.
///
/// earcut can loop for ever or panic on rings with vertices a denormal distance apart or
/// repeated one after another, which the files it is given may have, and loops for ever on some
/// holes that touch their exterior at vertices they share (a ring snapped to a coarse grid
/// often does). It therefore sees the rings shifted to start at the origin (it is numerically
/// happier there), snapped to a millimetre, with a vertex that repeats the one before dropped,
/// rings of fewer than three vertices left out and no two vertices at one spot (see
/// [`separate_repeats`]); its triangles are mapped back to the original vertices. A panic
/// leaves the polygon without fill, drawn by its outline alone.
fn triangulate(flat: &[f64], rings: &[Range<usize>], base: usize) -> Vec<u32> {
    let (ox, oy) = (flat[0], flat[1]);
    let snap = |v: f64| (v / SNAP_METRES).round() * SNAP_METRES;
    let mut kept: Vec<u32> = Vec::new(); // original vertex of each vertex earcut sees
    let mut points: Vec<[f64; 2]> = Vec::new();
    let mut holes: Vec<u32> = Vec::new();
    for (n, ring) in rings.iter().enumerate() {
        let start = points.len();
        for v in ring.start - base..ring.end - base {
            let p = [snap(flat[2 * v] - ox), snap(flat[2 * v + 1] - oy)];
            if points.len() > start && points.last() == Some(&p) {
                continue;
            }
            points.push(p);
            kept.push(v as u32);
        }
        while points.len() > start + 1 && points.last() == points.get(start) {
            points.pop();
            kept.pop();
        }
        if points.len() - start < 3 {
            if n == 0 {
                return Vec::new(); // a degenerate exterior fills nothing
            }
            points.truncate(start);
            kept.truncate(start);
            continue;
        }
        if n > 0 {
            holes.push(start as u32);
        }
    }
    separate_repeats(&mut points);
    let triangles = crate::model::guard::catching(|| {
        let mut triangles: Vec<u32> = Vec::new();
        earcut::Earcut::new().earcut(points.iter().copied(), &holes, &mut triangles);
        triangles
    })
    .unwrap_or_default();
    triangles.into_iter().map(|i| kept[i as usize]).collect()
}

/// Moves each vertex that repeats an earlier one (anywhere in any ring) off that spot by a
/// fraction of a millimetre per repeat, off the millimetre grid so that it lands on no other
/// vertex. earcut's hole bridging can loop for ever when a hole and its exterior share a
/// vertex; the triangles still index the original vertices, so nothing drawn moves.
fn separate_repeats(points: &mut [[f64; 2]]) {
    let mut seen: foldhash::HashMap<[u64; 2], u32> =
        foldhash::HashMap::with_capacity_and_hasher(points.len(), Default::default());
    for p in points.iter_mut() {
        // Positions are on the millimetre grid, so equal positions have equal bits (0.0 and
        // -0.0 aside, which `+ 0.0` makes one).
        let key = [(p[0] + 0.0).to_bits(), (p[1] + 0.0).to_bits()];
        let repeats = seen.entry(key).or_insert(0);
        if *repeats > 0 {
            let shift = f64::from(*repeats) * SNAP_METRES;
            p[0] += shift * 0.309;
            p[1] += shift * 0.207;
        }
        *repeats += 1;
    }
}
