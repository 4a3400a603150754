//! Level-of-detail geometry: a layer's areas and lines snapped to coarser grids, one per zoom
//! band, triangulated once when the layer is made, so that what a frame draws follows the
//! pixels on screen rather than the vertices in the file.
//!
//! Band `j` snaps every vertex to a grid of `4^j` metres and drops the vertices that land where
//! the one before did. A view uses the coarsest band whose cell is at most half a screen point,
//! so no vertex moves by more than a third of a point. Neighbours that share a border share its
//! vertices, which snap to the same grid points: the snapped borders stay shared, without
//! cracks, as long as both use the same band. Every feature of a layer therefore has every band
//! from the layer's first one up (the first at which snapping saves a quarter of the layer's
//! vertices) until it collapses below a cell: then an area is too small to see and is drawn as
//! a symbol (see `scene::is_tiny`), and a line is kept as a stub one cell long, a dot. Lines,
//! which share no borders, are also simplified within a cell after snapping.

use crate::model::layer::PreparedFeature;
use crate::model::layer::tessellate::{FillMesh, tessellate};
use crate::model::projection::World;
use geo::Geometry;

/// Grids of 1 m to 4^12 m (16,800 km): beyond that one cell covers the world.
pub const BANDS: usize = 13;

/// A band's cell side in metres.
pub fn cell(band: usize) -> f64 {
    4f64.powi(band as i32)
}

/// One band of a feature: an area's rings triangulated, or a line's parts (in `rings`, with no
/// triangles).
#[derive(Clone, Debug)]
pub struct Level {
    pub band: usize,
    pub mesh: FillMesh,
}

/// The band a view `metres_per_point` across should draw: the coarsest with a cell of at most
/// half a point.
pub fn band_for(metres_per_point: f64) -> Option<usize> {
    let wanted = metres_per_point / 2.0;
    (0..BANDS).rev().find(|&b| cell(b) <= wanted)
}

/// Which of `levels` (ascending bands, the first one the layer's first band) a view
/// `metres_per_point` across draws; `None` means the full geometry. An empty mesh means the
/// feature collapsed at this band.
pub fn level_for(levels: &[Level], metres_per_point: f64) -> Option<&Level> {
    let band = band_for(metres_per_point)?;
    let first = levels.first()?;
    if band < first.band {
        return None;
    }
    // No levels are stored past the one where an area collapsed (an empty mesh) or a line got
    // down to two points a part: coarser bands use that one.
    levels.get(band - first.band).or_else(|| levels.last())
}

/// Snapping stops paying when it keeps more than this share of the vertices.
const WORTH_IT: f64 = 0.75;

/// Features sampled to choose a layer's first band.
const SAMPLE: usize = 2_000;

/// The layer's first band: the finest at which snapping keeps at most three quarters of its
/// areas' and lines' vertices (on a sample of them); `None` when it has none.
pub fn first_band(features: &[PreparedFeature]) -> Option<usize> {
    let shaped: Vec<&PreparedFeature> = features.iter().filter(|f| has_shape(f)).collect();
    if shaped.is_empty() {
        return None;
    }
    let step = shaped.len().div_ceil(SAMPLE);
    let sample: Vec<&PreparedFeature> = shaped.into_iter().step_by(step).collect();
    let total: usize = sample.iter().map(|f| vertex_count(&f.world)).sum();
    (0..BANDS).find(|&band| {
        let kept: usize = sample
            .iter()
            .map(|f| snapped(&f.world, cell(band)).map_or(0, |g| vertex_count(&g)))
            .sum();
        (kept as f64) <= WORTH_IT * total as f64
    })
}

/// The feature's levels from `first` up to the band where it collapses (that one included, with
/// an empty mesh), or to the last band.
pub fn levels(feature: &PreparedFeature, first: usize) -> Vec<Level> {
    if !has_shape(feature) {
        return Vec::new();
    }
    let areal = !feature.mesh.vertices.is_empty();
    let mut levels = Vec::new();
    for band in first..BANDS {
        let Some(g) = snapped(&feature.world, cell(band)) else {
            levels.push(Level {
                band,
                mesh: FillMesh::default(),
            });
            break;
        };
        let mesh = if areal {
            tessellate(&g)
        } else {
            line_parts(&simplified_lines(&g, cell(band)))
        };
        // A line down to two points a part is as simple as it gets: coarser views reuse it.
        let simplest = !areal && mesh.vertices.len() <= 2 * mesh.rings.len();
        levels.push(Level { band, mesh });
        if simplest {
            break;
        }
    }
    levels
}

/// Gives every area and line of a layer its levels, from the layer's first band up.
pub fn add_levels(features: &mut [PreparedFeature]) {
    let Some(first) = first_band(features) else {
        return;
    };
    for f in features.iter_mut() {
        f.levels = levels(f, first);
    }
}

/// Areas (with a mesh) and lines; points have nothing to simplify.
fn has_shape(f: &PreparedFeature) -> bool {
    !f.mesh.vertices.is_empty() || !f.feature.is_point()
}

fn vertex_count(g: &Geometry<f64>) -> usize {
    use geo::CoordsIter;
    g.coords_count()
}

/// `g`'s polygons and lines with every vertex snapped to a grid of `cell` metres and repeats
/// dropped; rings under three vertices and lines under two are left out; `None` when nothing is
/// left.
fn snapped(g: &Geometry<f64>, cell: f64) -> Option<Geometry<f64>> {
    use geo::{LineString, MultiLineString, MultiPolygon, Polygon};
    let ring = |ls: &LineString<f64>, least: usize| -> Option<LineString<f64>> {
        let mut out: Vec<geo::Coord<f64>> = Vec::with_capacity(ls.0.len());
        for c in &ls.0 {
            let s = geo::coord! { x: (c.x / cell).round() * cell, y: (c.y / cell).round() * cell };
            if out.last() != Some(&s) {
                out.push(s);
            }
        }
        if least == 3 {
            while out.len() > 1 && out.first() == out.last() {
                out.pop();
            }
        }
        (out.len() >= least).then(|| LineString::new(out))
    };
    let polygon = |p: &Polygon<f64>| {
        let outer = ring(p.exterior(), 3)?;
        let holes = p.interiors().iter().filter_map(|h| ring(h, 3)).collect();
        Some(Polygon::new(outer, holes))
    };
    // A line shorter than a cell stays as a stub one cell long, so that it still shows as a dot.
    let lines = |parts: &[LineString<f64>]| -> Option<Geometry<f64>> {
        let kept: Vec<_> = parts
            .iter()
            .filter_map(|l| {
                ring(l, 2).or_else(|| {
                    let c = ring(l, 1)?.0[0];
                    Some(LineString::new(vec![
                        c,
                        geo::coord! { x: c.x + cell, y: c.y },
                    ]))
                })
            })
            .collect();
        (!kept.is_empty()).then(|| Geometry::MultiLineString(MultiLineString::new(kept)))
    };
    match g {
        Geometry::Polygon(p) => polygon(p).map(Geometry::Polygon),
        Geometry::MultiPolygon(mp) => {
            let kept: Vec<_> = mp.0.iter().filter_map(polygon).collect();
            (!kept.is_empty()).then(|| Geometry::MultiPolygon(MultiPolygon::new(kept)))
        }
        Geometry::Rect(r) => polygon(&r.to_polygon()).map(Geometry::Polygon),
        Geometry::Triangle(t) => polygon(&t.to_polygon()).map(Geometry::Polygon),
        Geometry::LineString(l) => lines(std::slice::from_ref(l)),
        Geometry::MultiLineString(ml) => lines(&ml.0),
        Geometry::Line(l) => lines(&[LineString::from(vec![l.start, l.end])]),
        Geometry::GeometryCollection(gc) => {
            let kept: Vec<_> = gc.0.iter().filter_map(|g| snapped(g, cell)).collect();
            (!kept.is_empty())
                .then(|| Geometry::GeometryCollection(geo::GeometryCollection::new_from(kept)))
        }
        Geometry::Point(_) | Geometry::MultiPoint(_) => None,
    }
}

/// Lines have no neighbours to keep a shared border with, so after snapping they are also
/// simplified (Ramer–Douglas–Peucker within a cell), which drops the zigzags snapping leaves.
fn simplified_lines(g: &Geometry<f64>, cell: f64) -> Geometry<f64> {
    use geo::Simplify;
    match g {
        Geometry::MultiLineString(ml) => Geometry::MultiLineString(ml.simplify(cell)),
        Geometry::GeometryCollection(gc) => {
            Geometry::GeometryCollection(gc.0.iter().map(|g| simplified_lines(g, cell)).collect())
        }
        other => other.clone(),
    }
}

/// A line's parts as a mesh without triangles: each part's vertices, and where it lies.
fn line_parts(g: &Geometry<f64>) -> FillMesh {
    let mut mesh = FillMesh::default();
    add_line_parts(&mut mesh, g);
    mesh
}

fn add_line_parts(mesh: &mut FillMesh, g: &Geometry<f64>) {
    match g {
        Geometry::MultiLineString(ml) => {
            for part in &ml.0 {
                let start = mesh.vertices.len();
                mesh.vertices
                    .extend(part.0.iter().map(|c| -> World { [c.x, c.y] }));
                mesh.rings.push(start..mesh.vertices.len());
            }
        }
        Geometry::GeometryCollection(gc) => gc.0.iter().for_each(|g| add_line_parts(mesh, g)),
        _ => {}
    }
}
