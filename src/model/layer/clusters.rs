//! A crowded layer's summaries, worked out once, so that drawing it costs what the screen
//! holds, not what the file holds: its points counted per square of the world at every zoom
//! band (clusters), and its areas sorted by size (those too small to see are drawn as the
//! pixels they cover, the rest one by one).
//!
//! Level `k` of a point pyramid cuts the world into squares of `c · 2^k` metres, `c` chosen for
//! the layer's density (see [`finest_cell`]); each square keeps how many points fall in it, the
//! sum of their positions (so a cluster sits at its points' mean) and one of them. Each level is
//! built from the one below it, so building costs one pass over the points and one over the
//! squares.

use crate::model::projection::World;
use crate::model::store::{FeatureId, FeatureStore};
use crate::model::view::WorldBounds;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A layer with more points than this in view draws them as clusters: one symbol per
/// [`CLUSTER_CELL_POINTS`] square of the screen, with the number of points it stands for.
pub const CLUSTER_ABOVE: usize = 2_000;
/// The side of a cluster's square on screen, in points.
pub const CLUSTER_CELL_POINTS: f32 = 40.0;

/// The side of the finest level's squares, in world metres, for the densest layers.
pub const FINEST_CELL_METRES: f64 = 16.0;
/// Levels go up to squares as wide as the world (Web Mercator's 40,075 km).
const WORLD_METRES: f64 = 4.0e7;
/// The finest level holds about this many points a square on average: finer squares would
/// hold about one point each, which the scene bins faster from the points in view.
const POINTS_PER_FINEST_CELL: f64 = 4.0;

/// The finest level's square for `features`: `FINEST_CELL_METRES · 2^k`, the smallest that
/// holds [`POINTS_PER_FINEST_CELL`] points on average over the points' box.
fn finest_cell(store: &FeatureStore) -> f64 {
    let Some(bounds) = store
        .ids()
        .map(|id| store.bounds(id))
        .reduce(|a, b| a.union(&b))
    else {
        return FINEST_CELL_METRES;
    };
    let area_per_point = bounds.width() * bounds.height() / store.len() as f64;
    let wanted = (POINTS_PER_FINEST_CELL * area_per_point).sqrt();
    let mut cell = FINEST_CELL_METRES;
    while cell < wanted && cell < WORLD_METRES {
        cell *= 2.0;
    }
    cell
}

/// The points in one square.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub count: usize,
    /// The sum of the points' positions.
    pub sum: [f64; 2],
    /// One of its points (the first added).
    pub first: FeatureId,
}

impl Cell {
    /// The mean position of its points.
    pub fn center(&self) -> World {
        let n = self.count as f64;
        [self.sum[0] / n, self.sum[1] / n]
    }
}

/// One zoom band: squares of `cell` metres, keyed by their column and row.
#[derive(Debug)]
pub struct Level {
    pub cell: f64,
    cells: HashMap<(i64, i64), Cell, BuildHasherDefault<SquareHasher>>,
}

/// A hasher for squares' column and row: a multiply and a rotate per number (as in rustc's
/// FxHash), several times cheaper than the default SipHash. SipHash guards against keys made
/// to collide; a file made so could slow its own clusters down here, nothing worse.
#[derive(Default)]
pub struct SquareHasher(u64);

impl Hasher for SquareHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Level {
    /// No points yet, in squares of `cell` (world metres in the pyramid; the scene also bins
    /// points by their screen position, in squares of screen points).
    pub fn new(cell: f64) -> Self {
        Self {
            cell,
            cells: HashMap::default(),
        }
    }

    /// Counts point `index` at `p` in its square.
    pub fn add(&mut self, index: FeatureId, p: World) {
        let key = self.key(p);
        let cell = self.cells.entry(key).or_insert(Cell {
            count: 0,
            sum: [0.0; 2],
            first: index,
        });
        cell.count += 1;
        cell.sum[0] += p[0];
        cell.sum[1] += p[1];
    }

    /// Uncounts point `id` at `p`; `other` finds another point of the square when `id` was
    /// the one it kept.
    fn remove(
        &mut self,
        id: FeatureId,
        p: World,
        other: &mut dyn FnMut(&Cell) -> Option<FeatureId>,
    ) {
        let key = self.key(p);
        let Some(cell) = self.cells.get_mut(&key) else {
            return;
        };
        cell.count = cell.count.saturating_sub(1);
        cell.sum[0] -= p[0];
        cell.sum[1] -= p[1];
        if cell.count == 0 {
            self.cells.remove(&key);
        } else if cell.first == id
            && let Some(found) = other(cell)
        {
            cell.first = found;
        }
    }

    /// Every square holding points, in row and column order.
    pub fn into_cells(self) -> Vec<Cell> {
        let mut cells: Vec<((i64, i64), Cell)> = self.cells.into_iter().collect();
        cells.sort_unstable_by_key(|(k, _)| (k.1, k.0));
        cells.into_iter().map(|(_, c)| c).collect()
    }

    fn key(&self, p: World) -> (i64, i64) {
        (
            (p[0] / self.cell).floor() as i64,
            (p[1] / self.cell).floor() as i64,
        )
    }

    /// The next level up: squares twice as wide, each holding the four below it.
    fn coarser(&self) -> Level {
        let mut level = Level {
            cell: self.cell * 2.0,
            cells: HashMap::with_capacity_and_hasher(self.cells.len() / 2, Default::default()),
        };
        for (&(x, y), c) in &self.cells {
            let merged = level
                .cells
                .entry((x.div_euclid(2), y.div_euclid(2)))
                .or_insert(Cell {
                    count: 0,
                    sum: [0.0; 2],
                    first: c.first,
                });
            merged.count += c.count;
            merged.sum[0] += c.sum[0];
            merged.sum[1] += c.sum[1];
            merged.first = merged.first.min(c.first);
        }
        level
    }

    /// The squares that meet `bounds`. Looks up each square of the box when there are fewer
    /// of those than squares holding points, so the cost follows the view, not the data.
    pub fn cells_in(&self, bounds: &WorldBounds) -> Vec<Cell> {
        let (x0, y0) = self.key(bounds.min);
        let (x1, y1) = self.key(bounds.max);
        let span = (x1 - x0 + 1).saturating_mul(y1 - y0 + 1);
        if span <= 0 {
            return Vec::new();
        }
        if span as u64 <= self.cells.len() as u64 {
            (y0..=y1)
                .flat_map(|y| (x0..=x1).map(move |x| (x, y)))
                .filter_map(|k| self.cells.get(&k).copied())
                .collect()
        } else {
            self.cells
                .iter()
                .filter(|((x, y), _)| (x0..=x1).contains(x) && (y0..=y1).contains(y))
                .map(|(_, c)| *c)
                .collect()
        }
    }
}

/// Every level of a layer made of single points.
#[derive(Debug)]
pub struct PointPyramid {
    levels: Vec<Level>,
}

impl PointPyramid {
    /// `None` unless every feature is a single point (a layer with lines, areas or
    /// multipoints is drawn feature by feature).
    pub fn build(store: &FeatureStore) -> Option<Self> {
        if !store.all_single_points() {
            return None;
        }
        let mut finest = Level::new(finest_cell(store));
        for id in store.ids() {
            finest.add(id, store.anchor(id));
        }
        let mut levels = vec![finest];
        while levels[levels.len() - 1].cell < WORLD_METRES {
            levels.push(levels[levels.len() - 1].coarser());
        }
        Some(Self { levels })
    }

    /// Counts a point added to the layer.
    pub fn add(&mut self, id: FeatureId, p: World) {
        for level in &mut self.levels {
            level.add(id, p);
        }
    }

    /// Uncounts a point removed from the layer (or moved, before it is added again); `index`
    /// (without it) finds another point for a square that kept this one.
    pub fn remove(&mut self, id: FeatureId, p: World, index: &super::SpatialIndex) {
        // Another point of its square at the finest level lies in its square at every level.
        let mut other: Option<Option<FeatureId>> = None;
        let finest = self.finest_cell();
        let square = |p: World| {
            let min = [
                (p[0] / finest).floor() * finest,
                (p[1] / finest).floor() * finest,
            ];
            WorldBounds {
                min,
                max: [min[0] + finest, min[1] + finest],
            }
        };
        for level in &mut self.levels {
            level.remove(id, p, &mut |_| {
                *other
                    .get_or_insert_with(|| index.ids_in(&square(p)).into_iter().find(|&o| o != id))
            });
        }
    }

    /// The side of the finest level's squares, in world metres.
    pub fn finest_cell(&self) -> f64 {
        self.levels.first().map_or(FINEST_CELL_METRES, |l| l.cell)
    }

    /// The finest level whose squares are at least `metres` wide; `None` when even the finest
    /// is wider than that (the view is zoomed in closer than the pyramid goes).
    pub fn level_at_least(&self, metres: f64) -> Option<&Level> {
        if metres < self.levels.first()?.cell {
            return None;
        }
        self.levels.iter().find(|l| l.cell >= metres)
    }
}

/// A feature's box, with its id.
type Boxed = GeomWithData<Rectangle<World>, FeatureId>;

/// Size classes of areas: class `k` holds those whose wider side is under `2^k` metres (and at
/// least half that), so that a view finds the areas wide enough to draw one by one, and those
/// too small to see, without looking at the rest.
const SIZE_CLASSES: usize = 27;

/// The areas of a crowded layer by size class, each class an R-tree of boxes.
#[derive(Clone, Debug)]
pub struct AreaPyramid {
    classes: Vec<RTree<Boxed>>,
}

/// An area's size: the wider side of its box, in world metres.
fn size_of(bounds: &WorldBounds) -> f64 {
    bounds.width().max(bounds.height())
}

fn class_of(size: f64) -> usize {
    if size < 1.0 {
        0
    } else {
        ((size.log2().floor() as usize) + 1).min(SIZE_CLASSES - 1)
    }
}

impl AreaPyramid {
    /// `None` unless every feature is an area.
    pub fn build(store: &FeatureStore) -> Option<Self> {
        if store.is_empty() || !store.iter().all(|f| f.is_areal()) {
            return None;
        }
        let mut by_class: Vec<Vec<Boxed>> = vec![Vec::new(); SIZE_CLASSES];
        for id in store.ids() {
            let b = store.bounds(id);
            by_class[class_of(size_of(&b))]
                .push(GeomWithData::new(Rectangle::from_corners(b.min, b.max), id));
        }
        Some(Self {
            classes: by_class.into_iter().map(RTree::bulk_load).collect(),
        })
    }

    /// The areas whose boxes meet `bounds` and whose wider side is at least `size` (`wide`)
    /// or under it (not `wide`), in no particular order.
    pub fn in_view(&self, bounds: &WorldBounds, size: f64, wide: bool) -> Vec<FeatureId> {
        let mut found = Vec::new();
        self.visit(bounds, size, wide, &mut |id| {
            found.push(id);
            true
        });
        found
    }

    /// How many areas [`Self::in_view`] would give, counting no further than `stop_at`.
    pub fn count_in_view(
        &self,
        bounds: &WorldBounds,
        size: f64,
        wide: bool,
        stop_at: usize,
    ) -> usize {
        let mut count = 0;
        self.visit(bounds, size, wide, &mut |_| {
            count += 1;
            count < stop_at
        });
        count
    }

    /// Calls `visit` on each area [`Self::in_view`] gives until it returns false.
    fn visit(
        &self,
        bounds: &WorldBounds,
        size: f64,
        wide: bool,
        visit: &mut dyn FnMut(FeatureId) -> bool,
    ) {
        let envelope = AABB::from_corners(bounds.min, bounds.max);
        let split = class_of(size);
        let classes: Box<dyn Iterator<Item = (usize, &RTree<Boxed>)>> = if wide {
            Box::new(self.classes.iter().enumerate().skip(split))
        } else {
            Box::new(self.classes.iter().enumerate().take(split + 1))
        };
        for (k, tree) in classes {
            for e in tree.locate_in_envelope_intersecting(envelope) {
                let r = e.geom();
                let s = (r.upper()[0] - r.lower()[0]).max(r.upper()[1] - r.lower()[1]);
                if (k != split || (s >= size) == wide) && !visit(e.data) {
                    return;
                }
            }
        }
    }

    /// Adds an area of the layer.
    pub fn insert(&mut self, store: &FeatureStore, id: FeatureId) {
        let b = store.bounds(id);
        self.classes[class_of(size_of(&b))]
            .insert(GeomWithData::new(Rectangle::from_corners(b.min, b.max), id));
    }

    /// Removes an area whose box was `bounds`.
    pub fn remove(&mut self, id: FeatureId, bounds: &WorldBounds) {
        let entry = GeomWithData::new(Rectangle::from_corners(bounds.min, bounds.max), id);
        self.classes[class_of(size_of(bounds))].remove(&entry);
    }
}
