//! A layer: its features in a store, an R-tree over them, the pyramids that count a crowded
//! layer's points and small areas, and how the layer is shown (style, visibility, opacity).

use crate::model::projection::World;
use crate::model::store::{FeatureId, FeatureStore, FeatureView, PickHint};
use crate::model::style::LayerStyle;
use crate::model::view::WorldBounds;
use geo::{BoundingRect, InteriorPoint};
use std::sync::Arc;

pub mod clusters;
pub mod derived;
pub mod index;
pub mod lod;
pub mod tessellate;

pub use index::SpatialIndex;

/// What a layer is for, which decides where it sits and how it is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerRole {
    /// Grey surroundings: other districts and neighbouring countries.
    Context,
    /// The liberated districts, which the choropleth colours.
    Districts,
    /// A thematic overlay shipped with the app.
    Overlay,
    /// A file the user opened.
    User,
}

/// What drawing, labels, search and statistics treat differently from layer to layer, typed:
/// set from the shipped layers' table (`io::embedded::SHIPPED`), and left at the default for
/// files the user opens.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTraits {
    /// Settlements: symbols sized by population, the rows of a district's settlements.
    pub places: bool,
    /// Counted per district in the comparison table, under this column title.
    pub count_column: Option<&'static str>,
    /// Areas whose hectares the comparison table sums per district, under this title.
    pub hectares_column: Option<&'static str>,
    /// Added to a point label's priority: an airport's name wins over a village's.
    pub label_weight: f64,
    /// The size of point labels, in points.
    pub label_size: f32,
    /// Puts the layer's features before others of the same name in search results.
    pub search_bonus: u32,
}

impl Default for LayerTraits {
    fn default() -> Self {
        Self {
            places: false,
            count_column: None,
            hectares_column: None,
            label_weight: 0.0,
            label_size: 12.5,
            search_bonus: 0,
        }
    }
}

/// A layer's handle, unique among every layer made while the app runs: what references to
/// features hold, so that closing a layer never leaves them pointing at another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LayerKey(pub u32);

impl LayerKey {
    fn next() -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        LayerKey(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// One layer of the map.
pub struct Layer {
    pub key: LayerKey,
    /// The layer's name in sessions and projects: the shipped layer's name, or `file:` and path.
    pub id: String,
    pub title: String,
    pub role: LayerRole,
    pub traits: LayerTraits,
    pub style: LayerStyle,
    pub visible: bool,
    pub opacity: f32,
    /// Shared, so that a background job (see `scene::dense`) can read it while the window runs.
    pub store: Arc<FeatureStore>,
    pub index: SpatialIndex,
    /// Where the layer came from: an embedded file name or a path.
    pub origin: String,
    /// Dates, search text and numeric extents, worked out once when first asked for.
    derived: derived::Derived,
    /// How many times features were inserted, replaced or removed: tables derived from the
    /// layer elsewhere (statistics, say) are worked out again when it changes.
    generation: u64,
    /// For a layer of more single points than `clusters::CLUSTER_ABOVE`, its points counted per
    /// square at every zoom band, so that clusters cost what the screen holds.
    pub point_pyramid: Option<clusters::PointPyramid>,
    /// For a layer of more areas than `clusters::CLUSTER_ABOVE`, its areas by size (see
    /// `clusters::AreaPyramid`), so that a view finds those wide enough to draw one by one
    /// without looking at the rest.
    pub area_pyramid: Option<Arc<clusters::AreaPyramid>>,
    /// For a layer read one view at a time whose view holds too many rows to read: the rows
    /// counted in squares by where it came from (the database server), each at its rows'
    /// mean position, drawn as clusters.
    pub counted: Vec<(World, usize)>,
    /// For a layer that holds only part of its source (a table read by view): the kinds and
    /// numbers of the whole source, which the filter offers to choose from.
    pub choices: Option<Arc<crate::model::filter::FilterChoices>>,
    /// For a layer that holds only part of its source: how many of the source's features
    /// each district holds (by district id), counted where the source is.
    pub district_totals: Option<Arc<Vec<(String, usize)>>>,
}

/// A layer's features with their index and pyramids, built (off the UI thread, by the
/// loader) before they become a layer.
pub struct Indexed {
    pub store: Arc<FeatureStore>,
    pub index: SpatialIndex,
    pub point_pyramid: Option<clusters::PointPyramid>,
    pub area_pyramid: Option<Arc<clusters::AreaPyramid>>,
}

impl Indexed {
    /// Indexes `store`, and counts it when crowded: the R-tree and the pyramids on two cores.
    pub fn new(store: Arc<FeatureStore>) -> Self {
        let crowded = store.len() > clusters::CLUSTER_ABOVE;
        let (index, (point_pyramid, area_pyramid)) = rayon::join(
            || SpatialIndex::build(&store),
            || {
                if !crowded {
                    return (None, None);
                }
                (
                    clusters::PointPyramid::build(&store),
                    clusters::AreaPyramid::build(&store).map(Arc::new),
                )
            },
        );
        Self {
            store,
            index,
            point_pyramid,
            area_pyramid,
        }
    }
}

impl Layer {
    /// A layer of the features in `store`: indexed, and counted when crowded.
    pub fn new(
        id: &str,
        title: &str,
        role: LayerRole,
        style: LayerStyle,
        origin: &str,
        store: FeatureStore,
    ) -> Self {
        Self::from_indexed(
            id,
            title,
            role,
            style,
            origin,
            Indexed::new(Arc::new(store)),
        )
    }

    /// A layer of features already indexed.
    pub fn from_indexed(
        id: &str,
        title: &str,
        role: LayerRole,
        style: LayerStyle,
        origin: &str,
        indexed: Indexed,
    ) -> Self {
        let Indexed {
            store,
            index,
            point_pyramid,
            area_pyramid,
        } = indexed;
        lod::build_all_bands_in_background(&store);
        Self {
            key: LayerKey::next(),
            id: id.to_owned(),
            title: title.to_owned(),
            role,
            traits: LayerTraits::default(),
            style,
            visible: true,
            opacity: 1.0,
            store,
            index,
            origin: origin.to_owned(),
            derived: derived::Derived::default(),
            generation: 0,
            point_pyramid,
            area_pyramid,
            counted: Vec::new(),
            choices: None,
            district_totals: None,
        }
    }

    /// Puts `indexed` and `counted` in place of the layer's features (a view read from a
    /// database); the layer keeps its key, look and place. Feature ids start afresh.
    pub fn replace_features(&mut self, indexed: Indexed, counted: Vec<(World, usize)>) {
        self.store = indexed.store;
        self.index = indexed.index;
        self.point_pyramid = indexed.point_pyramid;
        self.area_pyramid = indexed.area_pyramid;
        self.counted = counted;
        self.derived = derived::Derived::default();
        self.generation += 1;
    }

    /// A layer of `features` (geometry in longitude/latitude), for tests and small layers.
    pub fn from_features(
        id: &str,
        title: &str,
        role: LayerRole,
        style: LayerStyle,
        origin: &str,
        features: &[crate::model::feature::Feature],
    ) -> Self {
        Self::new(
            id,
            title,
            role,
            style,
            origin,
            FeatureStore::from_features(features),
        )
    }

    /// Feature `id`, if the layer holds it.
    pub fn feature(&self, id: FeatureId) -> Option<FeatureView<'_>> {
        self.store.get(id)
    }

    /// Every feature, in the layer's order.
    pub fn features(&self) -> impl Iterator<Item = FeatureView<'_>> + '_ {
        self.store.iter()
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// The box holding every feature, if there are any (the R-tree's root box).
    pub fn bounds(&self) -> Option<WorldBounds> {
        self.index.bounds()
    }

    /// The features whose boxes meet `bounds`, in the layer's order.
    pub fn features_in_order(&self, bounds: &WorldBounds) -> Vec<FeatureId> {
        if self.bounds().is_some_and(|all| bounds.contains(&all)) {
            // All of them: no need to ask the R-tree, nor to sort.
            return self.store.ids().collect();
        }
        let mut found = self.index.ids_in(bounds);
        found.sort_unstable();
        found
    }

    /// The features whose boxes meet `bounds`, in no particular order.
    pub fn features_in(&self, bounds: &WorldBounds) -> Vec<FeatureId> {
        self.index.ids_in(bounds)
    }

    /// The attributes holding numbers, each with its smallest and largest value.
    pub fn numeric_attributes(&self) -> &[(String, f64, f64)] {
        if let Some(choices) = &self.choices {
            return &choices.numeric;
        }
        self.derived.numeric_attributes(&self.store)
    }

    /// The kinds the layer's features have, sorted: those of its whole source when it holds
    /// only part of it.
    pub fn kinds(&self) -> Vec<&str> {
        if let Some(choices) = &self.choices {
            return choices.kinds.iter().map(String::as_str).collect();
        }
        let mut kinds: Vec<&str> = self.features().filter_map(|f| f.kind()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }

    /// Changes with every insert, replace or remove of a feature.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The date feature `id` carries, parsed.
    pub fn date_of(&self, id: FeatureId) -> Option<crate::model::date::Date> {
        self.derived.date(&self.store, id)
    }

    /// Feature `id`'s names and description, lower-cased, one per line.
    pub fn search_text(&self, id: FeatureId) -> &str {
        self.derived.search_text(&self.store, id)
    }

    /// Adds a feature (geometry in longitude/latitude), or replaces the one whose `id` property
    /// is the same, keeping the index and pyramids in step; returns its id.
    pub fn upsert(
        &mut self,
        lonlat: &geo::Geometry<f64>,
        properties: &serde_json::Map<String, serde_json::Value>,
    ) -> FeatureId {
        let store = Arc::make_mut(&mut self.store);
        let (id, before) = store.upsert(lonlat, properties);
        if let Some(before) = before {
            self.index.remove(id, &before);
            self.uncount(id, &before);
        }
        self.index.insert(&self.store, id);
        self.count(id);
        self.derived = derived::Derived::default();
        self.generation += 1;
        id
    }

    /// Removes the feature whose `id` property is `key`; returns its id.
    pub fn remove(&mut self, key: &str) -> Option<FeatureId> {
        let (id, before) = Arc::make_mut(&mut self.store).remove_key(key)?;
        self.index.remove(id, &before);
        self.uncount(id, &before);
        self.derived = derived::Derived::default();
        self.generation += 1;
        Some(id)
    }

    fn count(&mut self, id: FeatureId) {
        let anchor = self.store.anchor(id);
        if let Some(p) = &mut self.point_pyramid {
            p.add(id, anchor);
        }
        if let Some(a) = &mut self.area_pyramid {
            Arc::make_mut(a).insert(&self.store, id);
        }
    }

    fn uncount(&mut self, id: FeatureId, before: &WorldBounds) {
        if let Some(p) = &mut self.point_pyramid {
            p.remove(id, before.center(), &self.index);
        }
        if let Some(a) = &mut self.area_pyramid {
            Arc::make_mut(a).remove(id, before);
        }
    }
}

/// `x` as the nearest `f32` at least as large.
fn round_up(x: f64) -> f32 {
    let f = x as f32;
    if f64::from(f) < x { f.next_up() } else { f }
}

/// What picking needs of a feature (in world metres) anchored at `anchor`.
pub(crate) fn pick_hint(world: &geo::Geometry<f64>, anchor: World) -> PickHint {
    use geo::{Area, CoordsIter, Intersects};
    let spread_squared = world
        .coords_iter()
        .map(|c| (c.x - anchor[0]).powi(2) + (c.y - anchor[1]).powi(2))
        .fold(0.0, f64::max);
    let areal = matches!(
        world,
        geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_) | geo::Geometry::Rect(_)
    );
    PickHint {
        anchor,
        anchor_on_feature: world.intersects(&geo::Point::new(anchor[0], anchor[1])),
        spread: round_up(spread_squared.sqrt()),
        area: if areal {
            world.unsigned_area() as f32
        } else {
            0.0
        },
        areal,
    }
}

/// A point inside the geometry (for a multipolygon: inside its largest part).
pub(crate) fn label_anchor(world: &geo::Geometry<f64>) -> Option<World> {
    use geo::Area;
    let point = match world {
        geo::Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
                .and_then(polygon_anchor)
        }
        geo::Geometry::Polygon(p) => polygon_anchor(p),
        other => other.interior_point(),
    }?;
    Some([point.x(), point.y()])
}

/// The polygon's centroid when it lies inside (the usual case, in linear time), else the
/// middle of the widest stretch inside along the line across its middle. (geo's interior
/// point does the same through its relate machinery, which took seconds on some broken rings.)
fn polygon_anchor(polygon: &geo::Polygon<f64>) -> Option<geo::Point<f64>> {
    use geo::{Centroid, Contains};
    polygon
        .centroid()
        .filter(|c| polygon.contains(c))
        .or_else(|| widest_inside_across_middle(polygon))
}

/// Where the horizontal line through the middle of the polygon's box crosses its rings, the
/// middle of the widest stretch between a crossing in and the next one out.
fn widest_inside_across_middle(polygon: &geo::Polygon<f64>) -> Option<geo::Point<f64>> {
    let rect = polygon.bounding_rect()?;
    let y = (rect.min().y + rect.max().y) / 2.0;
    let mut crossings: Vec<f64> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .flat_map(|ring| ring.lines())
        // Half-open, so that a vertex on the line counts once.
        .filter(|l| (l.start.y > y) != (l.end.y > y))
        .map(|l| l.start.x + (y - l.start.y) * (l.end.x - l.start.x) / (l.end.y - l.start.y))
        .collect();
    crossings.sort_by(f64::total_cmp);
    crossings
        .chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map(|pair| geo::Point::new((pair[0] + pair[1]) / 2.0, y))
}
