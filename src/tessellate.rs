//! Triangulating polygons (concave, with holes) into index meshes, once, in world coordinates.
//!
//! egui fills only convex paths, so every areal feature is cut into triangles with the `earcut`
//! crate (a port of mapbox's earcut, the one geo uses).
//! The mesh's vertices are the rings' own vertices, so the same buffer also serves outlines.

use crate::projection::World;
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
    let mut add = |polygon: &geo::Polygon<f64>| add_polygon(&mut mesh, polygon);
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

fn add_polygon(mesh: &mut FillMesh, polygon: &geo::Polygon<f64>) {
    let base = mesh.vertices.len();
    let mut flat: Vec<f64> = Vec::new();
    let mut holes: Vec<usize> = Vec::new();
    let mut rings = Vec::new();
    for (n, ring) in std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .enumerate()
    {
        let mut coords: Vec<World> = ring.0.iter().map(|c| [c.x, c.y]).collect();
        if coords.len() > 1 && coords.first() == coords.last() {
            coords.pop();
        }
        if coords.len() < 3 {
            if n == 0 {
                return; // a degenerate exterior fills nothing
            }
            continue;
        }
        if n > 0 {
            holes.push(flat.len() / 2);
        }
        let start = base + flat.len() / 2;
        rings.push(start..start + coords.len());
        flat.extend(coords.iter().flat_map(|c| [c[0], c[1]]));
    }
    // Earcut is numerically happier near the origin: shift by the first vertex.
    let (ox, oy) = (flat[0], flat[1]);
    let local: Vec<f64> = flat
        .chunks_exact(2)
        .flat_map(|c| [c[0] - ox, c[1] - oy])
        .collect();
    let mut triangles: Vec<u32> = Vec::new();
    let holes: Vec<u32> = holes.into_iter().map(|h| h as u32).collect();
    earcut::Earcut::new().earcut(
        local.chunks_exact(2).map(|c| [c[0], c[1]]),
        &holes,
        &mut triangles,
    );
    mesh.vertices
        .extend(flat.chunks_exact(2).map(|c| [c[0], c[1]]));
    mesh.indices
        .extend(triangles.into_iter().map(|i| base as u32 + i));
    mesh.rings.extend(rings);
}
