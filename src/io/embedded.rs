//! The dataset compiled into the binary (`geodata/`), read into an atlas: the layers in drawing
//! order and the region facts.

use crate::model::atlas::{Atlas, embedded_style};
use crate::model::layer::{Layer, LayerRole};

/// A GeoJSON file compiled into the binary.
pub struct EmbeddedFile {
    pub file_name: &'static str,
    pub text: &'static str,
}

macro_rules! embedded {
    ($name:literal) => {
        EmbeddedFile {
            file_name: $name,
            text: include_str!(concat!("../../geodata/", $name)),
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
pub const REGION_FACTS: &str = include_str!("../../geodata/region_facts.json");

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

/// The embedded dataset, read into an atlas. Problems in it are reported in `messages`, never fatal.
pub fn atlas() -> Atlas {
    let mut atlas = Atlas::empty();
    for (id, title, role, file) in embedded_files() {
        match super::geojson::load_str(file.file_name, file.text) {
            Ok(loaded) => {
                atlas
                    .messages
                    .extend(loaded.warnings.iter().map(ToString::to_string));
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
