//! Which features are shown: the global "as of" date (only what existed or had happened by
//! then) and each layer's attribute filter (kinds, confidence, text). The scene draws, and
//! picking finds, only what the filter shows.

use crate::model::store::{FeatureStore, FeatureView};

/// The first month the timeline offers: the liberation began in November 2020.
pub const FIRST_MONTH: (i32, u32) = (2020, 11);

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureFilter {
    /// Show only features dated on or before this ISO date; `None` shows all.
    pub as_of: Option<String>,
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

    pub fn shows(&self, f: FeatureView<'_>) -> bool {
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
        let text = self.text.trim().to_lowercase();
        text.is_empty()
            || ["name_az", "name_en", "description"]
                .iter()
                .filter_map(|k| f.str(k))
                .any(|v| v.to_lowercase().contains(&text))
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
    /// Whether `f`, of layer `layer_id`, passes. Undated features (things that existed before
    /// the liberation) pass the date. A feature dated by month or year appears at that
    /// month's or year's start.
    pub fn shows(&self, layer_id: &str, f: FeatureView<'_>) -> bool {
        let dated_ok = match (&self.as_of, f.str("date")) {
            (Some(as_of), Some(date)) => date <= as_of.as_str(),
            _ => true,
        };
        dated_ok && self.layers.get(layer_id).is_none_or(|l| l.shows(f))
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

/// The last day of a month, as `YYYY-MM-DD`.
pub fn month_end(year: i32, month: u32) -> String {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    };
    format!("{year:04}-{month:02}-{days:02}")
}

/// The month `index` months after [`FIRST_MONTH`].
pub fn month_at(index: u32) -> (i32, u32) {
    let months = FIRST_MONTH.0 * 12 + FIRST_MONTH.1 as i32 - 1 + index as i32;
    (months.div_euclid(12), months.rem_euclid(12) as u32 + 1)
}

/// How many months from [`FIRST_MONTH`] to `(year, month)`.
pub fn month_index(year: i32, month: u32) -> u32 {
    let from = FIRST_MONTH.0 * 12 + FIRST_MONTH.1 as i32;
    (year * 12 + month as i32 - from).max(0) as u32
}

/// This month, from the system clock (UTC).
pub fn current_month() -> (i32, u32) {
    let (year, month, _) = today();
    (year, month)
}

/// Today's year, month and day, from the system clock (UTC).
pub fn today() -> (i32, u32, u32) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    civil_from_days(days)
}

/// Today as an ISO date.
pub fn today_iso() -> String {
    let (y, m, d) = today();
    format!("{y:04}-{m:02}-{d:02}")
}

/// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_become_the_right_month() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_781), (2026, 11, 24));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
    }

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
        assert!(layer.shows(f[0]));
        assert!(layer.shows(f[1]));
        assert!(!layer.shows(f[2]));
        assert!(!layer.shows(f[3]));
        // No number, no match: as a GIS query on a range treats a missing value.
        assert!(!layer.shows(f[4]));
        assert!(layer.is_active());
        assert_eq!(layer.describe(), "population from 100 to 1000");
        layer.range = None;
        assert!(layer.shows(f[4]));
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

    #[test]
    fn month_indices_count_from_november_2020() {
        assert_eq!(month_at(0), (2020, 11));
        assert_eq!(month_at(2), (2021, 1));
        assert_eq!(month_index(2024, 5), 42);
        assert_eq!(month_at(month_index(2025, 12)), (2025, 12));
        assert_eq!(month_end(2024, 2), "2024-02-29");
        assert_eq!(month_end(2023, 2), "2023-02-28");
    }
}
