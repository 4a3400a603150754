//! The dataset compiled into the binary (`geodata/`): one table of the shipped layers, each
//! row holding everything the code asks of a layer, read into an atlas with the region facts.

use crate::model::atlas::Atlas;
use crate::model::layer::{Layer, LayerRole, LayerTraits};
use crate::model::style::{LayerStyle, Symbol};
use egui::Color32;

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

/// One layer shipped with the app.
pub struct ShippedLayer {
    /// Its name in sessions, projects, slides and filters.
    pub id: &'static str,
    pub title: &'static str,
    pub role: LayerRole,
    pub file: EmbeddedFile,
    pub style: fn() -> LayerStyle,
    pub traits: fn() -> LayerTraits,
}

fn plain() -> LayerTraits {
    LayerTraits::default()
}

/// Every shipped layer, in drawing order, bottom first. Adding a layer is adding a row.
pub const SHIPPED: [ShippedLayer; 10] = [
    ShippedLayer {
        id: "context",
        title: "Context",
        role: LayerRole::Context,
        file: embedded!("context.geojson"),
        style: || {
            LayerStyle::area(
                Color32::from_rgb(236, 236, 232),
                Color32::from_rgb(185, 185, 180),
                0.6,
            )
            .with_labels()
        },
        traits: plain,
    },
    ShippedLayer {
        id: "districts",
        title: "Liberated districts",
        role: LayerRole::Districts,
        file: embedded!("districts.geojson"),
        style: || {
            LayerStyle::area(
                Color32::from_rgb(253, 236, 200),
                Color32::from_rgb(150, 90, 40),
                1.3,
            )
            .with_labels()
        },
        traits: || LayerTraits {
            search_bonus: 5,
            ..LayerTraits::default()
        },
    },
    ShippedLayer {
        // Natural Earth 10m rivers and lakes: landmarks beneath every thematic layer. Above
        // the grey land, whose fills would hide them; in the Context role, so that they are
        // not counted per district nor listed as a thematic layer.
        id: "water",
        title: "Rivers and lakes",
        role: LayerRole::Context,
        file: embedded!("water.geojson"),
        style: || {
            LayerStyle::area(
                Color32::from_rgb(190, 220, 240),
                Color32::from_rgb(70, 140, 200),
                1.4,
            )
            .with_labels()
        },
        traits: plain,
    },
    ShippedLayer {
        id: "demined_areas",
        title: "Demined areas",
        role: LayerRole::Overlay,
        file: embedded!("demined_areas.geojson"),
        style: || {
            LayerStyle::area(
                Color32::from_rgba_unmultiplied(0, 158, 115, 110),
                Color32::from_rgb(0, 120, 85),
                1.2,
            )
            .with_symbol(Symbol::Circle)
        },
        traits: plain,
    },
    ShippedLayer {
        id: "industrial_zones",
        title: "Industrial zones",
        role: LayerRole::Overlay,
        file: embedded!("industrial_zones.geojson"),
        style: || {
            LayerStyle::area(
                Color32::from_rgba_unmultiplied(204, 121, 167, 150),
                Color32::from_rgb(140, 50, 110),
                1.2,
            )
            .with_symbol(Symbol::Square)
            .with_labels()
        },
        traits: || LayerTraits {
            count_column: Some("Industrial zones"),
            hectares_column: Some("Industrial zone ha"),
            label_weight: 4e5,
            search_bonus: 2,
            ..LayerTraits::default()
        },
    },
    ShippedLayer {
        // Straight segments between the towns of sourced stations: the track is not published.
        id: "railway",
        title: "Railway (under construction)",
        role: LayerRole::Overlay,
        file: embedded!("railway.geojson"),
        style: || {
            LayerStyle::area(Color32::TRANSPARENT, Color32::from_rgb(90, 40, 40), 2.2).with_labels()
        },
        traits: plain,
    },
    ShippedLayer {
        id: "events",
        title: "Events",
        role: LayerRole::Overlay,
        file: embedded!("events.geojson"),
        style: || LayerStyle::points(Symbol::Star, Color32::from_rgb(240, 228, 66), 11.0),
        traits: plain,
    },
    ShippedLayer {
        id: "facilities",
        title: "Services and facilities",
        role: LayerRole::Overlay,
        file: embedded!("facilities.geojson"),
        style: || LayerStyle::points(Symbol::Diamond, Color32::from_rgb(86, 180, 233), 9.0),
        traits: || LayerTraits {
            count_column: Some("Facilities"),
            ..LayerTraits::default()
        },
    },
    ShippedLayer {
        id: "settlements",
        title: "Settlements",
        role: LayerRole::Overlay,
        file: embedded!("settlements.geojson"),
        style: || {
            LayerStyle::points(Symbol::Circle, Color32::from_rgb(60, 60, 60), 8.0).with_labels()
        },
        traits: || LayerTraits {
            places: true,
            count_column: Some("Settlements"),
            search_bonus: 3,
            ..LayerTraits::default()
        },
    },
    ShippedLayer {
        id: "airports",
        title: "Airports",
        role: LayerRole::Overlay,
        file: embedded!("airports.geojson"),
        style: || {
            LayerStyle::points(Symbol::Triangle, Color32::from_rgb(0, 90, 181), 13.0).with_labels()
        },
        traits: || LayerTraits {
            count_column: Some("Airports"),
            label_weight: 5e5,
            label_size: 12.0,
            search_bonus: 2,
            ..LayerTraits::default()
        },
    },
];

/// Facts that concern a whole region rather than a place.
pub const REGION_FACTS: &str = include_str!("../../geodata/region_facts.json");

/// The shipped layer `id`, if there is one.
pub fn shipped(id: &str) -> Option<&'static ShippedLayer> {
    SHIPPED.iter().find(|l| l.id == id)
}

/// The embedded dataset, read into an atlas. Problems in it are reported in `messages`, never fatal.
pub fn atlas() -> Atlas {
    let mut atlas = Atlas::empty();
    for shipped in &SHIPPED {
        let file = &shipped.file;
        match super::geojson::load_str(file.file_name, file.text) {
            Ok(loaded) => {
                atlas
                    .messages
                    .extend(loaded.warnings.iter().map(ToString::to_string));
                let mut layer = Layer::new(
                    shipped.id,
                    shipped.title,
                    shipped.role,
                    (shipped.style)(),
                    file.file_name,
                    loaded.features,
                );
                layer.traits = (shipped.traits)();
                atlas.layers.push(layer);
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
