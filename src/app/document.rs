//! The document: the layers and what the map shows of them (label language, district colours,
//! filters, a slide's highlights), and the messages the user has not read yet.

use crate::model::atlas::{Atlas, FeatureRef};
use crate::model::feature::Language;
use crate::model::filter::FeatureFilter;
use crate::model::layer::{LayerKey, LayerRole};
use std::collections::BTreeMap;

pub struct Document {
    pub atlas: Atlas,
    pub language: Language,
    /// Colour the districts by demined hectares of this year.
    pub choropleth_year: Option<String>,
    pub filter: FeatureFilter,
    /// Features a slide highlights.
    pub highlighted: Vec<FeatureRef>,
    /// Messages arrived that the user should see: the messages window opens for them.
    unread_messages: bool,
}

impl Document {
    pub fn new(atlas: Atlas) -> Self {
        Self {
            atlas,
            language: Language::default(),
            choropleth_year: None,
            filter: FeatureFilter::default(),
            highlighted: Vec::new(),
            unread_messages: false,
        }
    }

    /// Adds a message for the user and asks for it to be shown.
    pub fn report(&mut self, message: String) {
        self.atlas.messages.push(message);
        self.unread_messages = true;
    }

    /// Asks for the messages to be shown: ones already in the atlas's list (a loaded file's
    /// warnings, say).
    pub fn show_messages(&mut self) {
        self.unread_messages = true;
    }

    /// Whether messages arrived since last asked; asking marks them read.
    pub fn take_unread_messages(&mut self) -> bool {
        std::mem::take(&mut self.unread_messages)
    }

    /// Shows and fades layers by id; unknown ids are ignored, opacities kept within 0..1.
    pub fn set_layer_looks<'a>(&mut self, looks: impl Iterator<Item = (&'a str, bool, f32)>) {
        for (id, visible, opacity) in looks {
            if let Some(i) = self.atlas.layer_by_id(id) {
                self.atlas.layers[i].visible = visible;
                self.atlas.layers[i].opacity = opacity.clamp(0.0, 1.0);
            }
        }
    }

    /// The district colours of `year`, if the districts have figures for it; else none.
    pub fn set_choropleth_year(&mut self, year: Option<&str>) {
        self.choropleth_year = year
            .filter(|y| self.atlas.demining_years().iter().any(|d| d == y))
            .map(str::to_owned);
    }

    /// The attribute each shipped layer is coloured by, where one is chosen.
    pub fn shipped_colour_by(&self) -> BTreeMap<String, String> {
        self.atlas
            .layers
            .iter()
            .filter(|l| l.role != LayerRole::User)
            .filter_map(|l| Some((l.id.clone(), l.style.categories.as_ref()?.attribute.clone())))
            .collect()
    }

    /// Colours the shipped layers as `colour_by` says, and the rest in one colour.
    pub fn apply_colour_by(&mut self, colour_by: &BTreeMap<String, String>) {
        for layer in &mut self.atlas.layers {
            if layer.role != LayerRole::User {
                layer.style.categories = colour_by
                    .get(&layer.id)
                    .map(|a| crate::model::style::Categories::of(a, layer.features()));
            }
        }
    }

    /// Removes a layer the user opened. References into it find nothing from then on: the
    /// selection and highlights of its features simply no longer show.
    pub fn close_layer(&mut self, key: LayerKey) {
        self.atlas
            .layers
            .retain(|l| l.key != key || l.role != LayerRole::User);
    }

    /// Closes every layer the user opened.
    pub fn close_user_layers(&mut self) {
        self.atlas.layers.retain(|l| l.role != LayerRole::User);
    }
}
