//! The map's data: the embedded layers in drawing order, files the user adds, and the
//! questions asked of them (which district holds a point, where home is).

use crate::model::layer::{Indexed, Layer, LayerKey, LayerRole};
use crate::model::projection::World;
use crate::model::store::{FeatureId, FeatureView};
use crate::model::style::LayerStyle;
use crate::model::view::WorldBounds;
use std::path::Path;

/// The look of the `n`th opened file: a distinct colour each, taken in turn.
pub fn user_style(n: usize) -> LayerStyle {
    // The palette's first six, blue and vermilion first, as opened files always had.
    const ORDER: [usize; 6] = [0, 5, 2, 3, 4, 1];
    let c = crate::model::style::CATEGORY_COLOURS[ORDER[n % ORDER.len()]];
    let mut style = LayerStyle::area(c.gamma_multiply(0.5), c, 1.5);
    style.symbol_size = 9.0;
    style
}

/// A fact about a region as a whole.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct RegionFact {
    pub id: String,
    pub region: String,
    pub text: String,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub confidence: Option<String>,
    pub source_url: String,
    #[serde(default)]
    pub source_date: Option<String>,
}

/// A feature of a layer: the layer's key and the feature's id in its store. Both stay valid
/// while the layer is open; once it is closed the reference finds nothing, so whatever held it
/// (a selection, a highlight) simply shows nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeatureRef {
    pub layer: LayerKey,
    pub feature: FeatureId,
}

/// All the map's data.
pub struct Atlas {
    pub layers: Vec<Layer>,
    pub region_facts: Vec<RegionFact>,
    /// Warnings and errors from loading, for the user to read.
    pub messages: Vec<String>,
}

impl Atlas {
    /// An atlas without layers, for files on their own (the `bench` command).
    pub fn empty() -> Self {
        Atlas {
            layers: Vec::new(),
            region_facts: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// Adds a file's features as a new top layer, named after the file; returns its index.
    pub fn add_user_layer(&mut self, path: &Path, name: Option<String>, indexed: Indexed) -> usize {
        let title = name.unwrap_or_else(|| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            )
        });
        let user_layers = self
            .layers
            .iter()
            .filter(|l| l.role == LayerRole::User)
            .count();
        let mut style = user_style(user_layers);
        style.labels = indexed.store.iter().any(|f| f.is_point());
        // Named by its path, so that sessions and projects find it again.
        let mut id = format!("file:{}", path.display());
        let mut copy = 1;
        while self.layer_by_id(&id).is_some() {
            copy += 1;
            id = format!("file:{}#{copy}", path.display());
        }
        self.layers.push(Layer::from_indexed(
            &id,
            &title,
            LayerRole::User,
            style,
            &path.display().to_string(),
            indexed,
        ));
        self.layers.len() - 1
    }

    pub fn layer_by_id(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.id == id)
    }

    /// The layer with key `key`, if it is open.
    pub fn layer(&self, key: LayerKey) -> Option<&Layer> {
        self.layers.iter().find(|l| l.key == key)
    }

    pub fn layer_mut(&mut self, key: LayerKey) -> Option<&mut Layer> {
        self.layers.iter_mut().find(|l| l.key == key)
    }

    /// The layer read from `origin` (a path or database URL).
    pub fn layer_from(&self, origin: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.origin == origin)
    }

    pub fn layer_from_mut(&mut self, origin: &str) -> Option<&mut Layer> {
        self.layers.iter_mut().find(|l| l.origin == origin)
    }

    /// The box around the features `refs` refers to (those still there), if any.
    pub fn bounds_of(&self, refs: &[FeatureRef]) -> Option<WorldBounds> {
        refs.iter()
            .filter_map(|&r| self.feature(r).map(|(_, f)| f.bounds()))
            .reduce(|a, b| a.union(&b))
    }

    /// The feature `r` refers to, with its layer, if both are still there.
    pub fn feature(&self, r: FeatureRef) -> Option<(&Layer, FeatureView<'_>)> {
        let layer = self.layer(r.layer)?;
        Some((layer, layer.feature(r.feature)?))
    }

    /// Finds a feature by its `id` property, in any layer.
    pub fn find_by_id(&self, id: &str) -> Option<FeatureRef> {
        self.layers.iter().find_map(|l| {
            l.store.by_key(id).map(|feature| FeatureRef {
                layer: l.key,
                feature,
            })
        })
    }

    /// The box that "Home" shows: the liberated districts.
    pub fn home_bounds(&self) -> WorldBounds {
        self.layers
            .iter()
            .find(|l| l.role == LayerRole::Districts)
            .and_then(Layer::bounds)
            .or_else(|| {
                self.layers
                    .iter()
                    .filter_map(Layer::bounds)
                    .reduce(|a, b| a.union(&b))
            })
            .unwrap_or(WorldBounds {
                min: crate::model::projection::world_from_lonlat([45.9, 38.8]),
                max: crate::model::projection::world_from_lonlat([47.5, 40.5]),
            })
    }

    /// The liberated district whose polygon holds `at`; smaller units (cities) win.
    pub fn district_at(&self, at: World) -> Option<FeatureView<'_>> {
        let layer = self
            .layers
            .iter()
            .find(|l| l.role == LayerRole::Districts)?;
        let probe = WorldBounds { min: at, max: at };
        layer
            .features_in(&probe)
            .into_iter()
            .filter_map(|id| layer.feature(id))
            .filter(|f| f.area_contains(at))
            .min_by(|a, b| {
                a.area_ha()
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.area_ha().unwrap_or(f64::MAX))
            })
    }

    /// The liberated district a feature belongs to, and how that is known: the district its
    /// own `district` property names (as its source gives it), or, for a feature that names
    /// none of them, the polygon its anchor falls in. Natural Earth's polygons put some towns
    /// in a neighbour (Laçın town in Şuşa), so the source's word comes first; `validate`
    /// reports where the two disagree.
    pub fn district_of(&self, f: FeatureView<'_>) -> Option<(FeatureView<'_>, DistrictBasis)> {
        if let Some(d) = f
            .str("district")
            .and_then(|name| self.district_named(name, f))
        {
            return Some((d, DistrictBasis::Sourced));
        }
        self.district_at(f.anchor())
            .map(|d| (d, DistrictBasis::Position))
    }

    /// The district row named `name` (its `district` value), or, for a name several rows
    /// share a prefix with ("Shusha": Shusha District and Shusha City), the one that holds
    /// `f`'s anchor, else the district rather than the city.
    fn district_named(&self, name: &str, f: FeatureView<'_>) -> Option<FeatureView<'_>> {
        let layer = self
            .layers
            .iter()
            .find(|l| l.role == LayerRole::Districts)?;
        let prefix = format!("{name} ");
        let candidates: Vec<FeatureView<'_>> = layer
            .features()
            .filter(|d| {
                d.str("district")
                    .is_some_and(|n| n == name || n.starts_with(&prefix))
            })
            .collect();
        if let [only] = candidates.as_slice() {
            return Some(*only);
        }
        let at = f.anchor();
        candidates
            .iter()
            .find(|d| d.area_contains(at))
            .or_else(|| {
                candidates
                    .iter()
                    .find(|d| d.str("kind") == Some("district"))
            })
            .copied()
    }

    /// Every source cited by a feature or a region fact: URL → (dates cited, features citing it).
    pub fn sources(&self) -> std::collections::BTreeMap<String, (Vec<String>, usize)> {
        let mut sources: std::collections::BTreeMap<String, (Vec<String>, usize)> =
            std::collections::BTreeMap::new();
        let mut cite = |url: Option<String>, date: Option<String>| {
            if let Some(url) = url {
                let entry = sources.entry(url).or_default();
                entry.1 += 1;
                if let Some(d) = date
                    && !entry.0.contains(&d)
                {
                    entry.0.push(d);
                    entry.0.sort();
                }
            }
        };
        for f in self.layers.iter().flat_map(|l| l.features()) {
            cite(f.text("source_url"), f.text("source_date"));
            cite(f.text("source_2_url"), f.text("source_2_date"));
        }
        for fact in &self.region_facts {
            cite(Some(fact.source_url.clone()), fact.source_date.clone());
        }
        sources
    }

    /// A number that changes whenever a layer is added, removed or changed: what tables
    /// derived from the data (statistics, the sources list) are keyed by.
    pub fn data_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        for layer in &self.layers {
            (layer.key, layer.generation()).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Every distinct year for which the districts carry demined hectares.
    pub fn demining_years(&self) -> Vec<String> {
        let mut years: Vec<String> = self
            .layers
            .iter()
            .filter(|l| l.role == LayerRole::Districts)
            .flat_map(|l| l.store.attributes().names())
            .filter_map(|k| k.strip_prefix("demined_ha_"))
            .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_owned)
            .collect();
        years.sort();
        years.dedup();
        years
    }
}

/// How a feature's district is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DistrictBasis {
    /// The feature's own `district` property, from its source.
    Sourced,
    /// The district polygon its position falls in.
    Position,
}
