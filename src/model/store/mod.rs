//! A layer's features in one compact store: geometry in flat columns (see [`geometry`]),
//! attributes by column with strings interned (see [`attributes`]), and what drawing and
//! picking need of each feature worked out once (its box, label anchor and pick hint). A
//! feature is a [`FeatureId`] into its store, stable while the store lives; features can be
//! inserted, replaced and removed by key without rebuilding the rest.

pub mod attributes;
pub mod geometry;

mod view;

pub use view::FeatureView;

use crate::model::projection::{World, world_from_lonlat};
use crate::model::view::WorldBounds;
use attributes::Attributes;
use geometry::{GeomKind, GeomRef, Geometries, PartKind};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A feature's place in its store.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FeatureId(pub u32);

impl FeatureId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What picking needs to know of a feature besides its box, so that most candidates are
/// settled from the R-tree's own entries (see `query::pick`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PickHint {
    /// The feature's anchor.
    pub anchor: World,
    /// Whether the anchor lies on the feature (inside an area, on a line): true but for
    /// broken shapes whose anchor falls back to the box's centre.
    pub anchor_on_feature: bool,
    /// The farthest any vertex lies from the anchor, rounded up: the feature lies within this
    /// radius of it. (Single precision: 8 bytes less in every feature's entry of the R-tree.)
    pub spread: f32,
    /// An area's size in square world metres (exterior less holes), to put smaller areas over
    /// larger ones when picking without reading their vertices; 0 for points and lines.
    pub area: f32,
    /// Whether the feature is an area (polygon or multipolygon).
    pub areal: bool,
}

/// What is worked out once for each feature.
#[derive(Clone, Copy, Debug)]
struct Derived {
    bounds: WorldBounds,
    hint: PickHint,
}

/// The features of one layer.
#[derive(Clone, Debug, Default)]
pub struct FeatureStore {
    geometries: Geometries,
    /// Each feature's geometry in `geometries` (a replaced feature's new one is appended).
    /// `None` while feature `i` is geometry `i` (nothing replaced).
    geometry_of: Option<Vec<u32>>,
    /// How many features (slots) there are, removed ones included.
    slots: usize,
    /// Each feature's position in the file it came from (the `n` of "feature n" in messages);
    /// `None` while feature `i` is the file's feature `i` (nothing skipped).
    file_index: Option<Vec<u32>>,
    /// Each feature's box and hint; empty while every feature is a single point, whose box
    /// and hint its one vertex gives (a million points save 72 MB).
    derived: Vec<Derived>,
    /// Empty until a feature is removed.
    removed: Vec<bool>,
    removed_count: usize,
    /// Which geometry kinds the store has held (a bit per `GeomKind`).
    kinds_held: u8,
    attributes: Attributes,
    /// Geodesic areas in hectares, worked out when first asked for.
    areas: Areas,
    /// Meshes and simplified levels, built when first drawn (see `model::layer::lod`).
    pub meshes: crate::model::layer::lod::MeshCache,
    /// Features by their key, made when first asked for.
    keys: OnceLock<HashMap<String, FeatureId>>,
}

/// Adds features to a store: readers write geometry (in longitude/latitude, projected as it
/// goes) and attributes here; [`StoreBuilder::finish`] works out the rest on all cores.
#[derive(Clone, Debug, Default)]
pub struct StoreBuilder {
    pub geometries: Geometries,
    pub attributes: Attributes,
    pub file_index: Vec<u32>,
}

impl StoreBuilder {
    pub fn len(&self) -> usize {
        self.file_index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.file_index.is_empty()
    }

    /// Adds a feature from a `geo` geometry in longitude/latitude and its properties; returns
    /// its row.
    pub fn push_geo(
        &mut self,
        file_index: usize,
        lonlat: &geo::Geometry<f64>,
        properties: &serde_json::Map<String, serde_json::Value>,
    ) -> usize {
        self.geometries.push_geo(lonlat);
        let cells: Vec<(usize, attributes::Cell)> = properties
            .iter()
            .map(|(key, value)| {
                let column = self.attributes.column_for(key);
                (column, self.attributes.cell_of(value))
            })
            .collect();
        self.end_feature_with(file_index, &cells)
    }

    /// Ends a feature whose geometry was just added to `geometries`, with these attribute
    /// cells (by column); returns its row.
    pub fn end_feature_with(
        &mut self,
        file_index: usize,
        cells: &[(usize, attributes::Cell)],
    ) -> usize {
        self.file_index.push(file_index as u32);
        self.attributes.push_row_with(cells)
    }

    /// Ends a feature whose geometry was just added to `geometries`: gives it its attribute
    /// row and file index; returns the row.
    pub fn end_feature(&mut self, file_index: usize) -> usize {
        self.file_index.push(file_index as u32);
        self.attributes.push_row()
    }

    /// Makes room for `features` more features of `vertices` vertices in all.
    pub fn reserve(&mut self, features: usize, vertices: usize) {
        self.geometries.reserve(features, vertices);
        self.file_index.reserve(features);
        self.attributes.reserve(features);
    }

    /// Appends `other`'s features after these.
    pub fn append(&mut self, other: StoreBuilder) {
        self.geometries.append(other.geometries);
        self.attributes.append(other.attributes);
        self.file_index.extend(other.file_index);
    }

    /// The store, with each feature's box, anchor and pick hint worked out on all cores.
    pub fn finish(mut self) -> FeatureStore {
        let n = self.len();
        self.geometries.shrink_to_fit();
        self.attributes.shrink_to_fit();
        let geometries = self.geometries;
        let points_only = (0..n).all(|g| geometries.get(g).kind() == GeomKind::Point);
        let derived: Vec<Derived> = if points_only {
            Vec::new()
        } else {
            (0..n)
                .into_par_iter()
                .with_min_len(256)
                .map(|g| derive(geometries.get(g)))
                .collect()
        };
        let kinds_held = (0..n).fold(0, |held, g| held | kind_bit(geometries.get(g).kind()));
        FeatureStore {
            kinds_held,
            geometry_of: None,
            slots: n,
            file_index: (!self
                .file_index
                .iter()
                .enumerate()
                .all(|(i, &f)| i == f as usize))
            .then_some(self.file_index),
            derived,
            removed: Vec::new(),
            removed_count: 0,
            attributes: self.attributes,
            areas: Areas::default(),
            meshes: crate::model::layer::lod::MeshCache::new(),
            keys: OnceLock::new(),
            geometries,
        }
    }
}

fn kind_bit(kind: GeomKind) -> u8 {
    1 << (kind as u8)
}

/// A feature's box and pick hint, in world metres.
fn derive(g: GeomRef<'_>) -> Derived {
    let coords = g.coords();
    if g.kind() == GeomKind::Point
        && let [p] = coords
    {
        let p = &world_from_lonlat(*p);
        return Derived {
            bounds: WorldBounds { min: *p, max: *p },
            hint: PickHint {
                anchor: *p,
                anchor_on_feature: true,
                spread: 0.0,
                area: 0.0,
                areal: false,
            },
        };
    }
    let mut bounds = WorldBounds {
        min: [f64::INFINITY; 2],
        max: [f64::NEG_INFINITY; 2],
    };
    for c in geometry::project(coords) {
        bounds.min = [bounds.min[0].min(c[0]), bounds.min[1].min(c[1])];
        bounds.max = [bounds.max[0].max(c[0]), bounds.max[1].max(c[1])];
    }
    if coords.is_empty() {
        bounds = WorldBounds {
            min: [0.0; 2],
            max: [0.0; 2],
        };
    }
    let world = g.to_world_geo();
    // geo's interior point can panic on some invalid polygons (an assertion in its sweep);
    // the box's centre then anchors the label.
    let anchor = crate::model::guard::catching(|| crate::model::layer::label_anchor(&world))
        .ok()
        .flatten()
        .unwrap_or_else(|| bounds.center());
    Derived {
        bounds,
        hint: crate::model::layer::pick_hint(&world, anchor),
    }
}

impl FeatureStore {
    /// A store of `features` (geometry in longitude/latitude), for tests and small layers.
    pub fn from_features(features: &[crate::model::feature::Feature]) -> Self {
        let mut builder = StoreBuilder::default();
        for f in features {
            builder.push_geo(f.index, &f.geometry, &f.properties);
        }
        builder.finish()
    }

    /// How many features it holds (removed ones included: ids are never reused).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// How many features it holds now.
    pub fn len(&self) -> usize {
        self.slots() - self.removed_count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every feature, in the order added.
    pub fn ids(&self) -> impl Iterator<Item = FeatureId> + '_ {
        (0..self.slots() as u32)
            .map(FeatureId)
            .filter(|id| !self.removed.get(id.index()).copied().unwrap_or(false))
    }

    pub fn contains(&self, id: FeatureId) -> bool {
        id.index() < self.slots && !self.removed.get(id.index()).copied().unwrap_or(false)
    }

    /// Feature `id`, if the store holds it.
    pub fn get(&self, id: FeatureId) -> Option<FeatureView<'_>> {
        self.contains(id).then_some(FeatureView { store: self, id })
    }

    /// Every feature, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = FeatureView<'_>> + '_ {
        self.ids().map(|id| FeatureView { store: self, id })
    }

    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    pub fn geometry(&self, id: FeatureId) -> GeomRef<'_> {
        let g = match &self.geometry_of {
            Some(of) => of.get(id.index()).copied().unwrap_or(0),
            None => id.0,
        };
        self.geometries.get(g as usize)
    }

    fn derived(&self, id: FeatureId) -> Derived {
        match self.derived.get(id.index()) {
            Some(d) => *d,
            None => derive(self.geometry(id)),
        }
    }

    pub fn bounds(&self, id: FeatureId) -> WorldBounds {
        self.derived(id).bounds
    }

    pub fn anchor(&self, id: FeatureId) -> World {
        self.derived(id).hint.anchor
    }

    pub fn pick_hint(&self, id: FeatureId) -> PickHint {
        self.derived(id).hint
    }

    /// Whether every feature is a single point (a layer drawn from a point pyramid).
    pub fn all_single_points(&self) -> bool {
        self.kinds_held & !kind_bit(GeomKind::Point) == 0
    }

    /// Whether every feature is a point or points.
    pub fn only_points(&self) -> bool {
        self.kinds_held & !(kind_bit(GeomKind::Point) | kind_bit(GeomKind::MultiPoint)) == 0
    }

    /// Every vertex held, in world metres (those of replaced geometries too).
    pub fn vertex_count(&self) -> usize {
        self.geometries.vertex_count()
    }

    /// Memory held by the store, roughly, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.geometries.heap_bytes()
            + self.attributes.heap_bytes()
            + self.derived.capacity() * std::mem::size_of::<Derived>()
            + self.slots() * 9
    }

    /// The feature whose `id` property is `key`.
    pub fn by_key(&self, key: &str) -> Option<FeatureId> {
        self.keys
            .get_or_init(|| {
                self.ids()
                    .filter_map(|id| Some((self.get(id)?.text("id")?, id)))
                    .collect()
            })
            .get(key)
            .copied()
    }

    /// Adds a feature (geometry in longitude/latitude), or replaces the one with the same `id`
    /// property; returns its id and, for a replacement, its box before.
    pub fn upsert(
        &mut self,
        lonlat: &geo::Geometry<f64>,
        properties: &serde_json::Map<String, serde_json::Value>,
    ) -> (FeatureId, Option<WorldBounds>) {
        let key = properties.get("id").and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        });
        let existing = key.as_deref().and_then(|k| self.by_key(k));
        self.geometries.push_geo(lonlat);
        let g = (self.geometries.len() - 1) as u32;
        let derived = derive(self.geometries.get(g as usize));
        self.kinds_held |= kind_bit(self.geometries.get(g as usize).kind());
        if self.derived.is_empty() && self.slots() > 0 && !matches!(lonlat, geo::Geometry::Point(_))
        {
            // The first feature that is not a single point: every feature gets its own.
            self.derived = (0..self.slots())
                .map(|i| derive(self.geometry(FeatureId(i as u32))))
                .collect();
        }
        let (id, before) = match existing {
            Some(id) => {
                let before = self.bounds(id);
                let slots = self.slots;
                self.geometry_of
                    .get_or_insert_with(|| (0..slots as u32).collect())[id.index()] = g;
                if let Some(d) = self.derived.get_mut(id.index()) {
                    *d = derived;
                }
                for c in 0..self.attributes.column_count() {
                    self.attributes
                        .set(id.index(), c, attributes::Cell::Missing);
                }
                (id, Some(before))
            }
            None => {
                let id = FeatureId(self.slots() as u32);
                let slots = self.slots;
                if g != id.0 || self.geometry_of.is_some() {
                    self.geometry_of
                        .get_or_insert_with(|| (0..slots as u32).collect())
                        .push(g);
                }
                if let Some(index) = &mut self.file_index {
                    index.push(id.0);
                }
                self.slots += 1;
                if !self.derived.is_empty() || !matches!(lonlat, geo::Geometry::Point(_)) {
                    self.derived.push(derived);
                }
                if !self.removed.is_empty() {
                    self.removed.push(false);
                }
                self.attributes.push_row();

                (id, None)
            }
        };
        for (k, v) in properties {
            self.attributes.set_json(id.index(), k, v);
        }
        self.areas.forget(id);
        self.meshes.forget(id);
        if let (Some(key), Some(keys)) = (key, self.keys.get_mut()) {
            keys.insert(key, id);
        }
        (id, before)
    }

    /// Removes the feature with `id` property `key`; returns its id and box.
    pub fn remove_key(&mut self, key: &str) -> Option<(FeatureId, WorldBounds)> {
        let id = self.by_key(key)?;
        if self.removed.is_empty() {
            self.removed = vec![false; self.slots];
        }
        self.removed[id.index()] = true;
        self.removed_count += 1;
        self.meshes.forget(id);
        if let Some(keys) = self.keys.get_mut() {
            keys.remove(key);
        }
        Some((id, self.bounds(id)))
    }
}

/// Areas worked out so far, by feature.
#[derive(Debug, Default)]
struct Areas(std::sync::Mutex<HashMap<u32, f64>>);

impl Clone for Areas {
    fn clone(&self) -> Self {
        Self(std::sync::Mutex::new(
            self.0.lock().map(|m| m.clone()).unwrap_or_default(),
        ))
    }
}

impl Areas {
    fn get_or_compute(&self, id: FeatureId, compute: impl FnOnce() -> f64) -> f64 {
        if let Some(&a) = self
            .0
            .lock()
            .ok()
            .and_then(|m| m.get(&id.0).copied())
            .as_ref()
        {
            return a;
        }
        let a = compute();
        if let Ok(mut m) = self.0.lock() {
            m.insert(id.0, a);
        }
        a
    }

    fn forget(&mut self, id: FeatureId) {
        if let Ok(m) = self.0.get_mut() {
            m.remove(&id.0);
        }
    }
}

/// The part kinds a geometry kind is made of, for readers that build geometry part by part.
pub fn part_kind_of(kind: GeomKind) -> Option<PartKind> {
    match kind {
        GeomKind::Point | GeomKind::MultiPoint => Some(PartKind::Point),
        GeomKind::LineString | GeomKind::MultiLineString => Some(PartKind::Line),
        GeomKind::Polygon | GeomKind::MultiPolygon => Some(PartKind::Polygon),
        GeomKind::Collection => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::feature::Feature;

    fn feature(geometry: geo::Geometry<f64>, id: &str) -> Feature {
        let mut properties = serde_json::Map::new();
        properties.insert("id".into(), id.into());
        Feature {
            geometry,
            properties,
            index: 0,
        }
    }

    #[test]
    fn a_feature_is_replaced_and_removed_by_its_key_and_the_others_keep_their_ids() {
        let mut store = FeatureStore::from_features(&[
            feature(geo::Point::new(46.0, 39.0).into(), "a"),
            feature(geo::Point::new(47.0, 40.0).into(), "b"),
        ]);
        let b = store.by_key("b");
        assert_eq!(b, Some(FeatureId(1)));
        let mut props = serde_json::Map::new();
        props.insert("id".into(), "a".into());
        props.insert("kind".into(), "moved".into());
        let (id, before) = store.upsert(&geo::Point::new(46.5, 39.5).into(), &props);
        assert_eq!(id, FeatureId(0));
        assert!(before.is_some());
        let a = store.get(id).unwrap();
        assert_eq!(a.kind(), Some("moved"));
        let [lon, lat] = crate::model::projection::lonlat_from_world(a.anchor());
        assert!((lon - 46.5).abs() < 1e-9 && (lat - 39.5).abs() < 1e-9);
        props.insert("id".into(), "c".into());
        let (c, before) = store.upsert(&geo::Point::new(45.0, 39.0).into(), &props);
        assert_eq!((c, before), (FeatureId(2), None));
        assert!(store.remove_key("b").is_some());
        assert_eq!(store.len(), 2);
        assert!(store.get(FeatureId(1)).is_none());
        assert_eq!(store.by_key("c"), Some(c));
        assert_eq!(
            store.ids().collect::<Vec<_>>(),
            [FeatureId(0), FeatureId(2)]
        );
    }

    #[test]
    fn containment_counts_holes_and_boundaries_as_geo_does() {
        use geo::Intersects;
        let polygon: geo::Geometry<f64> = geo::Polygon::new(
            vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)].into(),
            vec![vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0), (1.0, 1.0)].into()],
        )
        .into();
        let mut g = Geometries::default();
        g.push_geo(&polygon);
        let mut builder = StoreBuilder {
            geometries: g,
            ..Default::default()
        };
        builder.end_feature(0);
        let store = builder.finish();
        let f = store.get(FeatureId(0)).unwrap();
        for &(x, y) in &[
            (0.5, 0.5),
            (1.5, 1.5),
            (4.0, 2.0),
            (1.0, 1.5),
            (3.0, 3.9),
            (5.0, 1.0),
        ] {
            assert_eq!(
                f.area_contains(world_from_lonlat([x, y])),
                polygon.intersects(&geo::Point::new(x, y)),
                "({x}, {y})"
            );
        }
    }
}
