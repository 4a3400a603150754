//! A feature as a reader hands it over before it goes into a store (see `model::store`): its
//! geometry in longitude/latitude and its properties. Also the language names are shown in.

use serde_json::{Map, Value};

/// Which language labels and names are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Language {
    #[default]
    Azerbaijani,
    English,
}

/// A feature read from a file, not yet in a store.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Geometry in WGS84 longitude/latitude degrees.
    pub geometry: geo::Geometry<f64>,
    /// Attributes in file order.
    pub properties: Map<String, Value>,
    /// Position of the feature in its file (the `n` of "feature n" in messages).
    pub index: usize,
}
