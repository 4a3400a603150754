//! Which features are shown: the global "as of" date (only what existed or had happened by
//! then) and each layer's attribute filter (kinds, confidence, text). The scene draws, and
//! picking finds, only what the filter shows.

use crate::model::date::Date;
use crate::model::layer::Layer;
use crate::model::store::{FeatureId, FeatureStore, FeatureView};

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureFilter {
    /// Show only features dated on or before this date; `None` shows all. A saved date that
    /// is not a date is read as none, as other values that make no sense are ignored.
    #[serde(default, deserialize_with = "date_or_none")]
    pub as_of: Option<Date>,
    /// Attribute filters by layer id.
    #[serde(default)]
    pub layers: std::collections::BTreeMap<String, LayerFilter>,
}

/// One layer's attribute filter; an empty filter passes everything.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayerFilter {
    /// Kinds hidden (unticked in the layer panel).
    #[serde(default)]
    pub hidden_kinds: std::collections::BTreeSet<String>,
    /// Confidence levels hidden.
    #[serde(default)]
    pub hidden_confidence: std::collections::BTreeSet<String>,
    /// Show only features with this text in a name or the description (any case).
    #[serde(default)]
    pub text: String,
    /// Show only features whose number lies in a range (features without it are hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<NumericRange>,
}

/// A numeric attribute's range, both ends included.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NumericRange {
    pub attribute: String,
    pub min: f64,
    pub max: f64,
}

impl NumericRange {
    pub fn contains(&self, f: FeatureView<'_>) -> bool {
        f.number(&self.attribute)
            .is_some_and(|v| v >= self.min && v <= self.max)
    }
}

/// What a filter offers to choose from, for a layer whose source is larger than what it
/// holds: its kinds, and its numeric attributes with their extents, in name order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterChoices {
    pub kinds: Vec<String>,
    pub numeric: Vec<(String, f64, f64)>,
}

/// The attributes of `store` that hold numbers, each with its smallest and largest value, in
/// name order.
pub fn numeric_attributes(store: &FeatureStore) -> Vec<(String, f64, f64)> {
    let attributes = store.attributes();
    let mut found: Vec<(String, f64, f64)> = (0..attributes.column_count())
        .filter_map(|c| {
            let mut range: Option<(f64, f64)> = None;
            for id in store.ids() {
                let value = attributes
                    .value(attributes.cell(id.index(), c))
                    .and_then(|v| v.as_f64())
                    .filter(|v| v.is_finite());
                if let Some(v) = value {
                    let r = range.get_or_insert((v, v));
                    r.0 = r.0.min(v);
                    r.1 = r.1.max(v);
                }
            }
            range.map(|(lo, hi)| (attributes.name(c).to_owned(), lo, hi))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

impl LayerFilter {
    pub fn is_active(&self) -> bool {
        !self.hidden_kinds.is_empty()
            || !self.hidden_confidence.is_empty()
            || !self.text.trim().is_empty()
            || self.range.is_some()
    }

    /// Whether `f` passes, given its search text (see `Layer::search_text`) and the filter's
    /// text already lower-cased.
    fn passes(&self, f: FeatureView<'_>, search_text: &str, text: &str) -> bool {
        if f.kind().is_some_and(|k| self.hidden_kinds.contains(k)) {
            return false;
        }
        if f.str("confidence")
            .is_some_and(|c| self.hidden_confidence.contains(c))
        {
            return false;
        }
        if self.range.as_ref().is_some_and(|r| !r.contains(f)) {
            return false;
        }
        text.is_empty() || search_text.contains(text)
    }

    /// The filter in words, for the legend.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.hidden_kinds.is_empty() {
            parts.push(format!(
                "hiding {}",
                self.hidden_kinds
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.hidden_confidence.is_empty() {
            parts.push(format!(
                "hiding {} confidence",
                self.hidden_confidence
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.text.trim().is_empty() {
            parts.push(format!("text contains “{}”", self.text.trim()));
        }
        if let Some(r) = &self.range {
            parts.push(format!("{} from {} to {}", r.attribute, r.min, r.max));
        }
        parts.join("; ")
    }
}

impl FeatureFilter {
    /// The filter prepared for a pass over `layer`'s features, or `None` when it can hide none
    /// of them (then drawing and picking need not ask about each feature).
    pub fn for_layer<'a>(&'a self, layer: &'a Layer) -> Option<LayerTest<'a>> {
        let filter = self.layers.get(&layer.id).filter(|l| l.is_active());
        (self.as_of.is_some() || filter.is_some()).then(|| LayerTest {
            layer,
            as_of: self.as_of,
            filter,
            text: filter.map_or_else(String::new, |l| l.text.trim().to_lowercase()),
        })
    }

    /// Whether feature `id` of `layer` passes; a pass over many features uses
    /// [`Self::for_layer`].
    pub fn shows(&self, layer: &Layer, id: FeatureId) -> bool {
        self.for_layer(layer).is_none_or(|test| test.shows(id))
    }

    /// Whether this filter could hide any feature of the layer `layer_id`: when not, drawing
    /// and picking need not ask [`Self::shows`] of each feature.
    pub fn may_hide(&self, layer_id: &str) -> bool {
        self.as_of.is_some()
            || self
                .layers
                .get(layer_id)
                .is_some_and(LayerFilter::is_active)
    }

    pub fn is_active(&self) -> bool {
        self.as_of.is_some() || self.layers.values().any(LayerFilter::is_active)
    }

    /// Lines for legends and exported images, so that a filtered picture never misleads.
    pub fn describe(&self, layer_title: impl Fn(&str) -> String) -> Vec<String> {
        let mut lines: Vec<String> = self
            .as_of
            .iter()
            .map(|d| format!("As of {d}: only what existed or had happened by then"))
            .collect();
        lines.extend(
            self.layers
                .iter()
                .filter(|(_, l)| l.is_active())
                .map(|(id, l)| format!("{}: {}", layer_title(id), l.describe())),
        );
        lines
    }
}

/// The filter of one layer, prepared for a pass over its features: the text lower-cased once,
/// and dates compared as parsed dates (see `Layer::date_of`).
pub struct LayerTest<'a> {
    layer: &'a Layer,
    as_of: Option<Date>,
    filter: Option<&'a LayerFilter>,
    text: String,
}

impl LayerTest<'_> {
    /// Whether feature `id` passes. Undated features (things that existed before the
    /// liberation) pass the date; a feature dated by month or year appears at that month's or
    /// year's start.
    pub fn shows(&self, id: FeatureId) -> bool {
        if let (Some(as_of), Some(date)) = (self.as_of, self.layer.date_of(id))
            && date > as_of
        {
            return false;
        }
        let Some(filter) = self.filter else {
            return true;
        };
        self.layer
            .feature(id)
            .is_some_and(|f| filter.passes(f, self.layer.search_text(id), &self.text))
    }
}

fn date_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(text.as_deref().and_then(Date::parse))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settlements(populations: &[Option<f64>]) -> FeatureStore {
        let features: Vec<crate::model::feature::Feature> = populations
            .iter()
            .enumerate()
            .map(|(index, population)| {
                let mut properties = serde_json::Map::new();
                properties.insert("kind".into(), "village".into());
                if let Some(p) = population {
                    properties.insert("population".into(), (*p).into());
                }
                crate::model::feature::Feature {
                    geometry: geo::Point::new(46.7, 39.7).into(),
                    properties,
                    index,
                }
            })
            .collect();
        FeatureStore::from_features(&features)
    }

    #[test]
    fn a_numeric_range_keeps_only_features_inside_it_and_says_so() {
        let mut layer = LayerFilter {
            range: Some(NumericRange {
                attribute: "population".into(),
                min: 100.0,
                max: 1_000.0,
            }),
            ..Default::default()
        };
        let store = settlements(&[Some(100.0), Some(1_000.0), Some(1_000.5), Some(99.0), None]);
        let f: Vec<FeatureView<'_>> = store.iter().collect();
        assert!(layer.passes(f[0], "", ""));
        assert!(layer.passes(f[1], "", ""));
        assert!(!layer.passes(f[2], "", ""));
        assert!(!layer.passes(f[3], "", ""));
        // No number, no match: as a GIS query on a range treats a missing value.
        assert!(!layer.passes(f[4], "", ""));
        assert!(layer.is_active());
        assert_eq!(layer.describe(), "population from 100 to 1000");
        layer.range = None;
        assert!(layer.passes(f[4], "", ""));
        assert!(!layer.is_active());
    }

    #[test]
    fn numeric_attributes_are_found_with_their_extent() {
        let store = settlements(&[Some(40.0), None, Some(7.5)]);
        assert_eq!(
            numeric_attributes(&store),
            vec![("population".to_owned(), 7.5, 40.0)]
        );
    }
}
