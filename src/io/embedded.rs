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

/// One row of `SHIPPED`: the layer `id` is read from `geodata/{id}.geojson`; without `traits`,
/// the default ones.
macro_rules! shipped {
    (id: $id:literal, title: $title:literal, role: $role:ident, style: $style:expr $(,)?) => {
        shipped! {
            id: $id, title: $title, role: $role,
            style: $style,
            traits: LayerTraits::default,
        }
    };
    (
        id: $id:literal, title: $title:literal, role: $role:ident,
        style: $style:expr,
        traits: $traits:expr $(,)?
    ) => {
        ShippedLayer {
            id: $id,
            title: $title,
            role: LayerRole::$role,
            file: EmbeddedFile {
                file_name: concat!($id, ".geojson"),
                text: include_str!(concat!("../../geodata/", $id, ".geojson")),
            },
            style: $style,
            traits: $traits,
        }
    };
}

/// An opaque colour of these red, green and blue.
const fn rgb(r: u8, g: u8, b: u8) -> Color32 {
    Color32::from_rgb(r, g, b)
}

/// Every shipped layer, in drawing order, bottom first. Adding a layer is adding a row.
pub const SHIPPED: [ShippedLayer; 10] = [
    shipped! {
        id: "context", title: "Context", role: Context,
        style: || LayerStyle::area(rgb(236, 236, 232), rgb(185, 185, 180), 0.6).with_labels(),
    },
    shipped! {
        id: "districts", title: "Liberated districts", role: Districts,
        style: || LayerStyle::area(rgb(253, 236, 200), rgb(150, 90, 40), 1.3).with_labels(),
        traits: || LayerTraits { search_bonus: 5, ..LayerTraits::default() },
    },
    // Natural Earth 10m rivers and lakes: landmarks beneath every thematic layer. Above the
    // grey land, whose fills would hide them; in the Context role, so that they are not
    // counted per district nor listed as a thematic layer.
    shipped! {
        id: "water", title: "Rivers and lakes", role: Context,
        style: || LayerStyle::area(rgb(190, 220, 240), rgb(70, 140, 200), 1.4).with_labels(),
    },
    shipped! {
        id: "demined_areas", title: "Demined areas", role: Overlay,
        style: || {
            let fill = Color32::from_rgba_unmultiplied(0, 158, 115, 110);
            LayerStyle::area(fill, rgb(0, 120, 85), 1.2).with_symbol(Symbol::Circle)
        },
    },
    shipped! {
        id: "industrial_zones", title: "Industrial zones", role: Overlay,
        style: || {
            let fill = Color32::from_rgba_unmultiplied(204, 121, 167, 150);
            LayerStyle::area(fill, rgb(140, 50, 110), 1.2)
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
    // Straight segments between the towns of sourced stations: the track is not published.
    shipped! {
        id: "railway", title: "Railway (under construction)", role: Overlay,
        style: || LayerStyle::area(Color32::TRANSPARENT, rgb(90, 40, 40), 2.2).with_labels(),
    },
    shipped! {
        id: "events", title: "Events", role: Overlay,
        style: || LayerStyle::points(Symbol::Star, rgb(240, 228, 66), 11.0),
    },
    shipped! {
        id: "facilities", title: "Services and facilities", role: Overlay,
        style: || LayerStyle::points(Symbol::Diamond, rgb(86, 180, 233), 9.0),
        traits: || LayerTraits { count_column: Some("Facilities"), ..LayerTraits::default() },
    },
    shipped! {
        id: "settlements", title: "Settlements", role: Overlay,
        style: || LayerStyle::points(Symbol::Circle, rgb(60, 60, 60), 8.0).with_labels(),
        traits: || LayerTraits {
            places: true,
            count_column: Some("Settlements"),
            search_bonus: 3,
            ..LayerTraits::default()
        },
    },
    shipped! {
        id: "airports", title: "Airports", role: Overlay,
        style: || LayerStyle::points(Symbol::Triangle, rgb(0, 90, 181), 13.0).with_labels(),
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
