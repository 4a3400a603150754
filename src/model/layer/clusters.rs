//! Points, and areas too small to see, counted per square of the world at every zoom band,
//! worked out once per layer, so that drawing a crowded layer as clusters costs what the
//! screen holds, not what the file holds.
//!
//! Level `k` cuts the world into squares of `c · 2^k` metres, `c` chosen for the layer's density
//! (see [`finest_cell`]); each square
//! keeps how many points fall in it, the sum of their positions (for the mean) and the first.
//! Each level is built from the one below it, so building costs one pass over the points and
//! one over the squares.

use crate::model::layer::PreparedFeature;
use crate::model::projection::World;
use crate::model::view::WorldBounds;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A layer with more points than this in view draws them as clusters: one symbol per
/// [`CLUSTER_CELL_POINTS`] square of the screen, with the number of points it stands for.
pub const CLUSTER_ABOVE: usize = 2_000;
/// The side of a cluster's square on screen, in points.
pub const CLUSTER_CELL_POINTS: f32 = 40.0;
/// How wide, as a share of a cluster's square, an area an area pyramid counts may be. A view
/// uses a level whose squares are 40 to 80 points wide, so these are under 14 to 28 points
/// across: the areas `scene::is_tiny` counts at the level's widest view, and at its narrowest those
/// up to twice that, which a cluster's circle (18 to 34 points) covers. (Counting only what is
/// under 14 points at every view of the level drew a quarter of the areas one by one.)
pub const AREA_TINY_SHARE: f64 =
    2.0 * crate::model::view::PICK_TOLERANCE_POINTS / (CLUSTER_CELL_POINTS as f64);

/// The side of the finest level's squares, in world metres, for the densest layers.
pub const FINEST_CELL_METRES: f64 = 16.0;
/// Levels go up to squares as wide as the world (Web Mercator's 40,075 km).
const WORLD_METRES: f64 = 4.0e7;
/// The finest level holds about this many points a square on average: finer squares would
/// hold about one point each, which the scene bins faster from the points in view.
const POINTS_PER_FINEST_CELL: f64 = 4.0;

/// The finest level's square for `features`: `FINEST_CELL_METRES · 2^k`, the smallest that
/// holds [`POINTS_PER_FINEST_CELL`] points on average over the points' box.
fn finest_cell(features: &[PreparedFeature]) -> f64 {
    let Some(bounds) = features.iter().map(|f| f.bounds).reduce(|a, b| a.union(&b)) else {
        return FINEST_CELL_METRES;
    };
    let area_per_point = bounds.width() * bounds.height() / features.len() as f64;
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
    /// The index in the layer of the first point in it.
    pub first: usize,
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
    pub fn add(&mut self, index: usize, p: World) {
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
    pub fn build(features: &[PreparedFeature]) -> Option<Self> {
        if !features
            .iter()
            .all(|f| matches!(f.feature.geometry, geo::Geometry::Point(_)))
        {
            return None;
        }
        let mut finest = Level::new(finest_cell(features));
        for (i, f) in features.iter().enumerate() {
            finest.add(i, f.anchor);
        }
        let mut levels = vec![finest];
        while levels[levels.len() - 1].cell < WORLD_METRES {
            levels.push(levels[levels.len() - 1].coarser());
        }
        Some(Self { levels })
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

/// A feature's box, with its index in the layer.
type Boxed = GeomWithData<Rectangle<World>, usize>;

/// Every level of a crowded layer of areas. Level `k` has squares of `c · 2^k` metres, like a
/// [`PointPyramid`]'s, and counts (at their anchors) the areas narrower than `tiny_share`
/// times its square, those a view that uses the level shows as symbols; the wider ones are
/// kept in R-trees by the first level that counts them, so a view finds the ones it draws
/// without looking at the rest.
#[derive(Debug)]
pub struct AreaPyramid {
    levels: Vec<Level>,
    /// `wider[k]`: the areas first counted at level `k` (never, for `k` = the number of
    /// levels), which every finer level draws. `wider[0]` stays empty.
    wider: Vec<RTree<Boxed>>,
}

impl AreaPyramid {
    /// `None` unless every feature is an area. An area with no triangles (a degenerate ring)
    /// is never counted: it is drawn as the scene draws it.
    pub fn build(features: &[PreparedFeature], tiny_share: f64) -> Option<Self> {
        if !features.iter().all(|f| f.feature.is_areal()) {
            return None;
        }
        let finest = finest_cell(features);
        let mut cell = finest;
        let mut cells = vec![finest];
        while cell < WORLD_METRES {
            cell *= 2.0;
            cells.push(cell);
        }
        // The first level at which each area is narrow enough to count.
        let first_counted = |f: &PreparedFeature| {
            if f.mesh.vertices.is_empty() {
                return cells.len();
            }
            let width = f.bounds.width().max(f.bounds.height());
            cells.partition_point(|c| width >= tiny_share * c)
        };
        let mut by_level: Vec<Vec<usize>> = vec![Vec::new(); cells.len() + 1];
        for (i, f) in features.iter().enumerate() {
            by_level[first_counted(f)].push(i);
        }
        let mut levels: Vec<Level> = Vec::with_capacity(cells.len());
        for (k, &cell) in cells.iter().enumerate() {
            let mut level = match levels.last() {
                Some(below) => below.coarser(),
                None => Level::new(cell),
            };
            for &i in &by_level[k] {
                level.add(i, features[i].anchor);
            }
            levels.push(level);
        }
        let wider = by_level
            .iter()
            .map(|ids| {
                RTree::bulk_load(
                    ids.iter()
                        .map(|&i| {
                            let b = &features[i].bounds;
                            GeomWithData::new(Rectangle::from_corners(b.min, b.max), i)
                        })
                        .collect(),
                )
            })
            .collect();
        Some(Self { levels, wider })
    }

    /// For a view whose clusters are `metres` wide: the level to use, as the squares that meet
    /// `bounds`, and the areas too wide to count there whose boxes meet `bounds`, in the
    /// layer's order. `None` when the view is closer than the finest level.
    pub fn view(&self, metres: f64, bounds: &WorldBounds) -> Option<(Vec<Cell>, Vec<usize>)> {
        if metres < self.levels.first()?.cell {
            return None;
        }
        let k = self.levels.iter().position(|l| l.cell >= metres)?;
        let envelope = AABB::from_corners(bounds.min, bounds.max);
        let mut drawn: Vec<usize> = self.wider[k + 1..]
            .iter()
            .flat_map(|tree| tree.locate_in_envelope_intersecting(&envelope))
            .map(|e| e.data)
            .collect();
        drawn.sort_unstable();
        Some((self.levels[k].cells_in(bounds), drawn))
    }
}
