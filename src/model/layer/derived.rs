//! Tables derived from a layer's features (parsed dates, lower-cased search text, numeric
//! extents), built on first use and dropped whenever the features change, so that drawing,
//! picking and filtering never parse or lower-case a feature's text per frame.

use crate::model::date::Date;
use crate::model::store::{FeatureId, FeatureStore};
use std::sync::OnceLock;

/// The attributes a text filter looks in.
pub const SEARCHED_ATTRIBUTES: [&str; 3] = ["name_az", "name_en", "description"];

#[derive(Clone, Default)]
pub struct Derived {
    numeric: OnceLock<Vec<(String, f64, f64)>>,
    /// Each slot's `date` attribute, parsed.
    dates: OnceLock<Vec<Option<Date>>>,
    /// Each slot's searched attributes, lower-cased and joined by newlines.
    search_text: OnceLock<Vec<Box<str>>>,
}

impl Derived {
    pub fn numeric_attributes(&self, store: &FeatureStore) -> &[(String, f64, f64)] {
        self.numeric
            .get_or_init(|| crate::model::filter::numeric_attributes(store))
    }

    /// The date the feature carries, if it carries a valid one.
    pub fn date(&self, store: &FeatureStore, id: FeatureId) -> Option<Date> {
        let dates = self.dates.get_or_init(|| {
            (0..store.slots())
                .map(|slot| {
                    let f = store.get(FeatureId(slot as u32))?;
                    Date::parse(f.str("date")?)
                })
                .collect()
        });
        dates.get(id.index()).copied().flatten()
    }

    /// The feature's names and description in lower case, one per line.
    pub fn search_text<'a>(&'a self, store: &FeatureStore, id: FeatureId) -> &'a str {
        let texts = self.search_text.get_or_init(|| {
            (0..store.slots())
                .map(|slot| {
                    let Some(f) = store.get(FeatureId(slot as u32)) else {
                        return Box::default();
                    };
                    SEARCHED_ATTRIBUTES
                        .iter()
                        .filter_map(|k| f.str(k))
                        .map(str::to_lowercase)
                        .collect::<Vec<_>>()
                        .join("\n")
                        .into_boxed_str()
                })
                .collect()
        });
        texts.get(id.index()).map_or("", |t| t)
    }
}
