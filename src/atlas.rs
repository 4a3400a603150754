//! The map's data: the embedded layers in drawing order, files the user adds, and the
//! questions asked of them (which district holds a point, where home is).

use crate::feature::Feature;
use crate::layer::{Layer, LayerRole};
use crate::load::{self, LoadError, LoadWarning};
use crate::pick::FeatureRef;
use crate::projection::World;
use crate::style::{LayerStyle, Symbol};
use crate::view::WorldBounds;
use egui::Color32;
use geo::Intersects;
use std::path::Path;

/// A GeoJSON file compiled into the binary.
pub struct EmbeddedFile {
    pub file_name: &'static str,
    pub text: &'static str,
}

macro_rules! embedded {
    ($name:literal) => {
        EmbeddedFile {
            file_name: $name,
            text: include_str!(concat!("../geodata/", $name)),
        }
    };
}

pub const CONTEXT: EmbeddedFile = embedded!("context.geojson");
pub const DISTRICTS: EmbeddedFile = embedded!("districts.geojson");
pub const DEMINED: EmbeddedFile = embedded!("demined_areas.geojson");
pub const INDUSTRIAL: EmbeddedFile = embedded!("industrial_zones.geojson");
pub const EVENTS: EmbeddedFile = embedded!("events.geojson");
pub const FACILITIES: EmbeddedFile = embedded!("facilities.geojson");
pub const SETTLEMENTS: EmbeddedFile = embedded!("settlements.geojson");
pub const AIRPORTS: EmbeddedFile = embedded!("airports.geojson");
/// Facts that concern a whole region rather than a place.
pub const REGION_FACTS: &str = include_str!("../geodata/region_facts.json");

/// Every embedded feature file, in drawing order, bottom first.
pub fn embedded_files() -> [(&'static str, &'static str, LayerRole, EmbeddedFile); 8] {
    [
        ("context", "Context", LayerRole::Context, CONTEXT),
        (
            "districts",
            "Liberated districts",
            LayerRole::Districts,
            DISTRICTS,
        ),
        (
            "demined_areas",
            "Demined areas",
            LayerRole::Overlay,
            DEMINED,
        ),
        (
            "industrial_zones",
            "Industrial zones",
            LayerRole::Overlay,
            INDUSTRIAL,
        ),
        ("events", "Events", LayerRole::Overlay, EVENTS),
        (
            "facilities",
            "Services and facilities",
            LayerRole::Overlay,
            FACILITIES,
        ),
        (
            "settlements",
            "Settlements",
            LayerRole::Overlay,
            SETTLEMENTS,
        ),
        ("airports", "Airports", LayerRole::Overlay, AIRPORTS),
    ]
}

/// The look of each embedded layer.
pub fn embedded_style(layer_id: &str) -> LayerStyle {
    match layer_id {
        "context" => LayerStyle::area(
            Color32::from_rgb(236, 236, 232),
            Color32::from_rgb(185, 185, 180),
            0.6,
        )
        .with_labels(),
        "districts" => LayerStyle::area(
            Color32::from_rgb(253, 236, 200),
            Color32::from_rgb(150, 90, 40),
            1.3,
        )
        .with_labels(),
        "demined_areas" => LayerStyle::area(
            Color32::from_rgba_unmultiplied(0, 158, 115, 110),
            Color32::from_rgb(0, 120, 85),
            1.2,
        )
        .with_symbol(Symbol::Circle),
        "industrial_zones" => LayerStyle::area(
            Color32::from_rgba_unmultiplied(204, 121, 167, 150),
            Color32::from_rgb(140, 50, 110),
            1.2,
        )
        .with_symbol(Symbol::Square)
        .with_labels(),
        "events" => LayerStyle::points(Symbol::Star, Color32::from_rgb(240, 228, 66), 11.0),
        "facilities" => LayerStyle::points(Symbol::Diamond, Color32::from_rgb(86, 180, 233), 9.0),
        "settlements" => {
            LayerStyle::points(Symbol::Circle, Color32::from_rgb(60, 60, 60), 8.0).with_labels()
        }
        "airports" => {
            LayerStyle::points(Symbol::Triangle, Color32::from_rgb(0, 90, 181), 13.0).with_labels()
        }
        _ => LayerStyle::area(
            Color32::from_rgba_unmultiplied(120, 120, 220, 120),
            Color32::from_rgb(60, 60, 160),
            1.2,
        ),
    }
}

/// The look of the `n`th opened file: a distinct colour each, taken in turn.
pub fn user_style(n: usize) -> LayerStyle {
    // The palette's first six, blue and vermilion first, as opened files always had.
    const ORDER: [usize; 6] = [0, 5, 2, 3, 4, 1];
    let c = crate::style::CATEGORY_COLOURS[ORDER[n % ORDER.len()]];
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

    /// The embedded dataset. Problems in it are reported in `messages`, never fatal.
    pub fn embedded() -> Self {
        let mut atlas = Atlas::empty();
        for (id, title, role, file) in embedded_files() {
            match load::load_str(file.file_name, file.text) {
                Ok(loaded) => {
                    atlas.note_warnings(&loaded.warnings);
                    atlas.layers.push(Layer::new(
                        id,
                        title,
                        role,
                        embedded_style(id),
                        file.file_name,
                        loaded.features,
                    ));
                }
                Err(e) => atlas.messages.push(e.to_string()),
            }
        }
        match serde_json::from_str(REGION_FACTS) {
            Ok(facts) => atlas.region_facts = facts,
            Err(e) => atlas
                .messages
                .push(format!("region_facts.json: cannot be read: {e}")),
        }
        atlas
    }

    fn note_warnings(&mut self, warnings: &[LoadWarning]) {
        self.messages
            .extend(warnings.iter().map(ToString::to_string));
    }

    /// Reads a file and adds it as a new top layer, on this thread. On error nothing changes.
    /// Files over `max_bytes` are refused before they are read, so that a 2 GB dump cannot
    /// drive the machine out of memory.
    pub fn add_file(&mut self, path: &Path, max_bytes: u64) -> Result<usize, LoadError> {
        let progress = crate::loader::Progress::default();
        let never = std::sync::atomic::AtomicBool::new(false);
        match crate::loader::read_and_prepare(path, max_bytes, None, &progress, &never) {
            crate::loader::Outcome::Loaded(file) => Ok(self.add_prepared(file)),
            crate::loader::Outcome::Failed(e) => Err(e),
            // Nothing sets `never`.
            crate::loader::Outcome::Cancelled => Err(LoadError::Io {
                file: path.display().to_string(),
                source: std::io::ErrorKind::Interrupted.into(),
            }),
        }
    }

    /// Adds a file read by the loader as a new top layer; returns its index.
    pub fn add_prepared(&mut self, file: crate::loader::PreparedFile) -> usize {
        self.note_warnings(&file.warnings);
        let path = &file.path;
        let title = file.name.clone().unwrap_or_else(|| {
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
        style.labels = file.features.iter().any(|f| f.feature.is_point());
        // Named by its path, so that sessions and projects find it again.
        let mut id = format!("file:{}", path.display());
        let mut copy = 1;
        while self.layer_by_id(&id).is_some() {
            copy += 1;
            id = format!("file:{}#{copy}", path.display());
        }
        self.layers.push(Layer::from_prepared(
            &id,
            &title,
            LayerRole::User,
            style,
            &path.display().to_string(),
            file.features,
        ));
        self.layers.len() - 1
    }

    pub fn layer_by_id(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.id == id)
    }

    pub fn feature(&self, r: FeatureRef) -> Option<&crate::layer::PreparedFeature> {
        self.layers.get(r.layer)?.features.get(r.feature)
    }

    /// Finds a feature by its `id` property, in any layer.
    pub fn find_by_id(&self, id: &str) -> Option<FeatureRef> {
        self.layers.iter().enumerate().find_map(|(layer, l)| {
            l.features
                .iter()
                .position(|f| f.feature.id() == Some(id))
                .map(|feature| FeatureRef { layer, feature })
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
                min: crate::projection::world_from_lonlat([45.9, 38.8]),
                max: crate::projection::world_from_lonlat([47.5, 40.5]),
            })
    }

    /// The liberated district whose polygon holds `at`; smaller units (cities) win.
    pub fn district_at(&self, at: World) -> Option<&Feature> {
        let layer = self
            .layers
            .iter()
            .find(|l| l.role == LayerRole::Districts)?;
        let point = geo::Point::new(at[0], at[1]);
        let probe = WorldBounds { min: at, max: at };
        layer
            .features_in(&probe)
            .map(|i| &layer.features[i])
            .filter(|f| f.world.intersects(&point))
            .min_by(|a, b| {
                a.area_ha
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.area_ha.unwrap_or(f64::MAX))
            })
            .map(|f| &f.feature)
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
        for f in self.layers.iter().flat_map(|l| l.features.iter()) {
            let f = &f.feature;
            cite(f.text("source_url"), f.text("source_date"));
            cite(f.text("source_2_url"), f.text("source_2_date"));
        }
        for fact in &self.region_facts {
            cite(Some(fact.source_url.clone()), fact.source_date.clone());
        }
        sources
    }

    /// Every distinct year for which the districts carry demined hectares.
    pub fn demining_years(&self) -> Vec<String> {
        let mut years: Vec<String> = self
            .layers
            .iter()
            .filter(|l| l.role == LayerRole::Districts)
            .flat_map(|l| l.features.iter())
            .flat_map(|f| f.feature.properties.keys())
            .filter_map(|k| k.strip_prefix("demined_ha_"))
            .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_owned)
            .collect();
        years.sort();
        years.dedup();
        years
    }
}
