//! Level-of-detail geometry: a layer's areas and lines snapped to coarser grids, one per zoom
//! band, so that what a frame draws follows the pixels on screen rather than the vertices in
//! the file. Each feature's mesh for a band is built the first time a view draws it there
//! (several at once on all cores), and kept.
//!
//! Band `j` snaps every vertex to a grid of `4^j` metres and drops the vertices that land where
//! the one before did. A view uses the coarsest band whose cell is at most half a screen point,
//! so no vertex moves by more than a third of a point. Neighbours that share a border share its
//! vertices, which snap to the same grid points: the snapped borders stay shared, without
//! cracks, as long as both use the same band. Every feature of a layer therefore uses the same
//! band at a view, from the layer's first one up (the first at which snapping saves a quarter of
//! the layer's vertices); where a feature collapses below a cell, an area is too small to see
//! and is drawn as a symbol (see `scene::is_tiny`), and a line is kept as a stub one cell long,
//! a dot. Lines, which share no borders, are also simplified within a cell after snapping.
//!
//! In the window a band with many meshes still to build is built in the background: until it
//! is ready, the layer is drawn whole at the last band it was drawn at, so a zoom does not wait
//! for a band's triangulation (see `model::background`).

use crate::model::layer::tessellate::{FillMesh, add_polygon};
use crate::model::projection::World;
use crate::model::store::geometry::{project, project_for_drawing};
use crate::model::store::{FeatureId, FeatureStore, FeatureView};
use elsa::sync::FrozenMap;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Meshes fewer than this are built in the frame that needs them: less than a few milliseconds.
const BUILD_NOW_BELOW: usize = 256;

/// Background builds running, in every layer: the window repaints until none is left.
static BUILDING: AtomicUsize = AtomicUsize::new(0);

/// Whether meshes are being built in the background; the window repaints until they are done.
pub fn building() -> bool {
    BUILDING.load(Ordering::Acquire) > 0
}

/// Whether `store`'s meshes are being built in the background.
pub fn building_for(store: &FeatureStore) -> bool {
    store.meshes.busy.load(Ordering::Acquire)
}

/// Grids of 1 m to 4^12 m (16,800 km): beyond that one cell covers the world.
pub const BANDS: usize = 13;

/// A band's cell side in metres.
pub fn cell(band: usize) -> f64 {
    4f64.powi(band as i32)
}

/// The band a view `metres_per_point` across should draw: the coarsest with a cell of at most
/// half a point.
pub fn band_for(metres_per_point: f64) -> Option<usize> {
    let wanted = metres_per_point / 2.0;
    (0..BANDS).rev().find(|&b| cell(b) <= wanted)
}

/// How much of its detail a feature is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    /// Every vertex of the file.
    Full,
    /// Snapped to the grid of this band.
    Band(usize),
}

/// Snapping stops paying when it keeps more than this share of the vertices.
const WORTH_IT: f64 = 0.75;

/// Features sampled to choose a layer's first band.
const SAMPLE: usize = 2_000;

/// Meshes built so far: for each band (and full detail), those of the features drawn there,
/// kept by feature id (memory for what was drawn, not a cell for every feature).
#[derive(Debug, Default)]
pub struct MeshCache {
    /// `by_detail[b]` for band `b`; `by_detail[BANDS]` for full detail.
    by_detail: Vec<FrozenMap<u32, Arc<FillMesh>>>,
    first_band: OnceLock<Option<usize>>,
    /// The detail the layer is drawn at while the wanted one is built in the background:
    /// (wanted, drawn instead).
    stand_in: Mutex<Option<(Detail, Detail)>>,
    /// The last detail whose meshes were all there for the view that asked.
    complete: Mutex<Option<Detail>>,
    /// A background build is running for this layer.
    busy: AtomicBool,
}

impl Clone for MeshCache {
    /// The meshes built so far; no build in progress.
    fn clone(&self) -> Self {
        Self {
            by_detail: self.by_detail.clone(),
            first_band: self.first_band.clone(),
            ..Self::default()
        }
    }
}

impl MeshCache {
    pub fn new() -> Self {
        Self {
            by_detail: (0..=BANDS).map(|_| FrozenMap::new()).collect(),
            first_band: OnceLock::new(),
            stand_in: Mutex::default(),
            complete: Mutex::default(),
            busy: AtomicBool::default(),
        }
    }

    fn map(&self, detail: Detail) -> Option<&FrozenMap<u32, Arc<FillMesh>>> {
        let k = match detail {
            Detail::Full => BANDS,
            Detail::Band(b) => b.min(BANDS - 1),
        };
        self.by_detail.get(k)
    }

    /// Forgets what was built for feature `id` (replaced or removed).
    pub fn forget(&mut self, id: FeatureId) {
        for map in &mut self.by_detail {
            map.as_mut().remove(&id.0);
        }
    }

    /// How many meshes are built, and their bytes (for the bench's report).
    pub fn built(&mut self) -> (usize, usize) {
        let mut count = 0;
        let mut bytes = 0;
        for map in &mut self.by_detail {
            for mesh in map.as_mut().values() {
                count += 1;
                bytes += mesh.vertices.len() * 16 + mesh.indices.len() * 4 + mesh.rings.len() * 16;
            }
        }
        (count, bytes)
    }
}

/// The detail a view `metres_per_point` across draws `store`'s areas and lines with: the
/// wanted one (see [`wanted_detail`]), or while that is built in the background, the one the
/// layer was last drawn at whole.
pub fn detail_for(store: &FeatureStore, metres_per_point: f64) -> Detail {
    let wanted = wanted_detail(store, metres_per_point);
    match *lock(&store.meshes.stand_in) {
        Some((w, instead)) if w == wanted => instead,
        _ => wanted,
    }
}

/// The detail that follows the pixels of a view `metres_per_point` across.
pub fn wanted_detail(store: &FeatureStore, metres_per_point: f64) -> Detail {
    match (band_for(metres_per_point), first_band(store)) {
        (Some(band), Some(first)) if band >= first => Detail::Band(band),
        _ => Detail::Full,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The layer's first band: the finest at which snapping keeps at most three quarters of its
/// areas' and lines' vertices (on a sample of them); `None` when it has none.
pub fn first_band(store: &FeatureStore) -> Option<usize> {
    *store.meshes.first_band.get_or_init(|| {
        let shaped: Vec<FeatureView<'_>> = store.iter().filter(|f| !f.is_point()).collect();
        if shaped.is_empty() {
            return None;
        }
        let step = shaped.len().div_ceil(SAMPLE);
        let sample: Vec<FeatureView<'_>> = shaped.into_iter().step_by(step).collect();
        let total: usize = sample.iter().map(|f| f.geometry().coords().len()).sum();
        (0..BANDS).find(|&band| {
            let kept: usize = sample.iter().map(|f| snapped_vertices(f, cell(band))).sum();
            (kept as f64) <= WORTH_IT * total as f64
        })
    })
}

/// The mesh of feature `f` at `detail`: an area's rings triangulated, or a line's parts (in
/// `rings`, with no triangles). `None` for a line at full detail (draw its own vertices) and
/// for points. Built the first time, then kept.
pub fn mesh<'a>(f: FeatureView<'a>, detail: Detail) -> Option<&'a FillMesh> {
    if f.is_point() || (detail == Detail::Full && !f.is_areal()) {
        return None;
    }
    let map = f.store.meshes.map(detail)?;
    Some(match map.get(&f.id.0) {
        Some(mesh) => mesh,
        None => map.insert(f.id.0, Arc::new(build(f, detail))),
    })
}

/// The mesh of feature `f` as a view `metres_per_point` across draws it (see [`mesh`]).
pub fn mesh_for<'a>(f: FeatureView<'a>, metres_per_point: f64) -> Option<&'a FillMesh> {
    mesh(f, detail_for(f.store, metres_per_point))
}

/// Makes the meshes of `ids` ready for a view `metres_per_point` across. Without
/// `background`, and for a few, they are built now, on all cores. Otherwise, when the layer has
/// been drawn whole at another detail before, they are built on a background thread and the
/// layer is drawn at that detail until they are ready ([`detail_for`] says which).
pub fn prepare_for_view(
    store: &Arc<FeatureStore>,
    ids: &[FeatureId],
    metres_per_point: f64,
    background: bool,
) {
    let meshes = &store.meshes;
    let wanted = wanted_detail(store, metres_per_point);
    let missing = missing(store, ids, wanted);
    // The stand-in must be (nearly) ready for this view itself: zoomed out from a finer band,
    // most of what now shows was never built at it.
    let stand_in = (*lock(&meshes.complete)).filter(|&last| {
        background
            && missing.len() >= BUILD_NOW_BELOW
            && last != wanted
            && self::missing(store, ids, last).len() < BUILD_NOW_BELOW
    });
    let Some(stand_in) = stand_in else {
        build_now(store, missing, wanted);
        *lock(&meshes.complete) = Some(wanted);
        *lock(&meshes.stand_in) = None;
        return;
    };
    *lock(&meshes.stand_in) = Some((wanted, stand_in));
    build_in_background(store, missing, wanted);
}

/// Layers with fewer vertices than this get every band's meshes built in the background once
/// they are loaded (a few megabytes at most), so that no zoom of a small layer waits for a
/// band: on the embedded data, the frames that built a band's meshes set the frame p95.
const ALL_BANDS_BELOW_VERTICES: usize = 200_000;

/// Builds every band's meshes of a small layer in the background (see
/// [`ALL_BANDS_BELOW_VERTICES`]); nothing for a larger one, whose bands are built as drawn.
pub fn build_all_bands_in_background(store: &Arc<FeatureStore>) {
    if store.vertex_count() >= ALL_BANDS_BELOW_VERTICES {
        return;
    }
    let store = Arc::clone(store);
    crate::model::background::spawn(move || {
        let Some(first) = first_band(&store) else {
            return;
        };
        let shaped: Vec<FeatureView<'_>> = store.iter().filter(|f| !f.is_point()).collect();
        for band in first..BANDS {
            for &f in &shaped {
                mesh(f, Detail::Band(band));
            }
        }
    });
}

/// Builds in the background the meshes of `ids` (those just beyond the view) at the detail a
/// view `metres_per_point` across wants, so that a pan finds them ready instead of building
/// them in its frame. Nothing when a build is running for the layer already.
pub fn prefetch(store: &Arc<FeatureStore>, ids: &[FeatureId], metres_per_point: f64) {
    if building_for(store) {
        return;
    }
    let wanted = wanted_detail(store, metres_per_point);
    let missing = missing(store, ids, wanted);
    if !missing.is_empty() {
        build_in_background(store, missing, wanted);
    }
}

/// Whether feature `id`'s mesh at `detail` is built.
pub fn is_built(store: &FeatureStore, id: FeatureId, detail: Detail) -> bool {
    store
        .meshes
        .map(detail)
        .is_some_and(|map| map.get(&id.0).is_some())
}

/// One build at a time per layer, on the background threads; the next frame asks again.
fn build_in_background(store: &Arc<FeatureStore>, missing: Vec<FeatureId>, detail: Detail) {
    if store.meshes.busy.swap(true, Ordering::AcqRel) {
        return;
    }
    BUILDING.fetch_add(1, Ordering::AcqRel);
    let store = Arc::clone(store);
    crate::model::background::spawn(move || {
        build_now(&store, missing, detail);
        store.meshes.busy.store(false, Ordering::Release);
        BUILDING.fetch_sub(1, Ordering::AcqRel);
    });
}

/// Those of `ids` whose mesh at `detail` is not built yet.
fn missing(store: &FeatureStore, ids: &[FeatureId], detail: Detail) -> Vec<FeatureId> {
    let Some(map) = store.meshes.map(detail) else {
        return Vec::new();
    };
    ids.iter()
        .copied()
        .filter(|id| map.get(&id.0).is_none())
        .filter_map(|id| store.get(id))
        .filter(|f| !f.is_point() && (detail != Detail::Full || f.is_areal()))
        .map(|f| f.id)
        .collect()
}

/// Builds, on all cores, the meshes at `detail` of `missing`, so that the features a view
/// draws first are ready together.
fn build_now(store: &FeatureStore, missing: Vec<FeatureId>, detail: Detail) {
    if missing.len() < 64 {
        for id in missing {
            if let Some(f) = store.get(id) {
                mesh(f, detail);
            }
        }
        return;
    }
    missing.par_iter().with_min_len(32).for_each(|&id| {
        if let Some(f) = store.get(id) {
            mesh(f, detail);
        }
    });
}

fn build(f: FeatureView<'_>, detail: Detail) -> FillMesh {
    let g = f.geometry();
    let mut mesh = FillMesh::default();
    match detail {
        Detail::Full => {
            for polygon in g.polygons() {
                let rings: Vec<Vec<World>> =
                    polygon.rings().map(|r| project(r).collect()).collect();
                let rings: Vec<&[World]> = rings.iter().map(Vec::as_slice).collect();
                add_polygon(&mut mesh, &rings);
            }
        }
        Detail::Band(band) => {
            let cell = cell(band);
            if f.is_areal() {
                for polygon in g.polygons() {
                    let mut rings = polygon.rings();
                    let Some(outer) = rings.next().and_then(|r| snap_ring(r, cell, 3)) else {
                        continue;
                    };
                    let holes: Vec<Vec<World>> =
                        rings.filter_map(|r| snap_ring(r, cell, 3)).collect();
                    let all: Vec<&[World]> = std::iter::once(outer.as_slice())
                        .chain(holes.iter().map(Vec::as_slice))
                        .collect();
                    add_polygon(&mut mesh, &all);
                }
            } else {
                for line in g.lines() {
                    let Some(snapped) = snap_line(line, cell) else {
                        continue;
                    };
                    let start = mesh.vertices.len();
                    mesh.vertices.extend(simplify(&snapped, cell));
                    mesh.rings.push(start..mesh.vertices.len());
                }
            }
        }
    }
    mesh
}

/// How many vertices `f`'s areas and lines keep snapped to a grid of `cell` metres.
fn snapped_vertices(f: &FeatureView<'_>, cell: f64) -> usize {
    let g = f.geometry();
    if f.is_areal() {
        g.polygons()
            .flat_map(|p| p.rings())
            .filter_map(|r| snap_ring(r, cell, 3))
            .map(|r| r.len() + 1)
            .sum()
    } else {
        g.lines()
            .filter_map(|l| snap_line(l, cell))
            .map(|l| l.len())
            .sum()
    }
}

/// `ring` (in longitude/latitude) projected, with every vertex snapped to a grid of `cell`
/// metres and repeats dropped; for a polygon's ring (`least` 3) without its closing repeat.
/// `None` when fewer than `least` vertices are left. Areas are projected exactly, so that
/// neighbours' shared vertices snap alike.
fn snap_ring(ring: &[World], cell: f64, least: usize) -> Option<Vec<World>> {
    snap(project(ring), ring.len(), cell, least)
}

fn snap(
    ring: impl Iterator<Item = World>,
    size: usize,
    cell: f64,
    least: usize,
) -> Option<Vec<World>> {
    let mut out: Vec<World> = Vec::with_capacity(size);
    for c in ring {
        let s = [(c[0] / cell).round() * cell, (c[1] / cell).round() * cell];
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    if least == 3 {
        while out.len() > 1 && out.first() == out.last() {
            out.pop();
        }
    }
    (out.len() >= least).then_some(out)
}

/// A line snapped to a grid of `cell` metres; one shorter than a cell stays as a stub one cell
/// long, so that it still shows as a dot.
fn snap_line(line: &[World], cell: f64) -> Option<Vec<World>> {
    let snapped = |least| snap(project_for_drawing(line), line.len(), cell, least);
    snapped(2).or_else(|| {
        let c = snapped(1)?[0];
        Some(vec![c, [c[0] + cell, c[1]]])
    })
}

/// Lines have no neighbours to keep a shared border with, so after snapping they are also
/// simplified (Ramer–Douglas–Peucker within a cell), which drops the zigzags snapping leaves.
fn simplify(line: &[World], cell: f64) -> Vec<World> {
    use geo::Simplify;
    let ls: geo::LineString<f64> = line
        .iter()
        .map(|&[x, y]| geo::coord! { x: x, y: y })
        .collect();
    ls.simplify(cell)
        .0
        .into_iter()
        .map(|c| [c.x, c.y])
        .collect()
}
