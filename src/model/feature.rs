//! One map feature: its geometry in longitude/latitude and its attributes, with typed accessors
//! for the properties every shipped layer carries.

use serde_json::{Map, Value};

/// Which language labels and names are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Language {
    #[default]
    Azerbaijani,
    English,
}

/// A feature as read from GeoJSON.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Geometry in WGS84 longitude/latitude degrees.
    pub geometry: geo::Geometry<f64>,
    /// Attributes in file order.
    pub properties: Map<String, Value>,
    /// Position of the feature in its file's `features` array.
    pub index: usize,
}

impl Feature {
    /// A property as text, whatever its JSON type; `None` when absent or null.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// A property as a string slice, when it is a JSON string.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.properties
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// A property as a number, when it is a JSON number.
    pub fn number(&self, key: &str) -> Option<f64> {
        self.properties.get(key).and_then(Value::as_f64)
    }

    pub fn id(&self) -> Option<&str> {
        self.str("id")
    }

    /// The name in the chosen language, falling back to the other one, then to `name`.
    pub fn name(&self, language: Language) -> Option<&str> {
        let (first, second) = match language {
            Language::Azerbaijani => ("name_az", "name_en"),
            Language::English => ("name_en", "name_az"),
        };
        self.str(first)
            .or_else(|| self.str(second))
            .or_else(|| self.str("name"))
            .or_else(|| self.str("NAME"))
    }

    /// A name for lists and headings: the name, else the id, else a placeholder.
    pub fn display_name(&self, language: Language) -> String {
        self.name(language)
            .or_else(|| self.id())
            .map_or_else(|| "(unnamed feature)".to_owned(), str::to_owned)
    }

    pub fn kind(&self) -> Option<&str> {
        self.str("kind")
    }

    pub fn is_point(&self) -> bool {
        matches!(
            self.geometry,
            geo::Geometry::Point(_) | geo::Geometry::MultiPoint(_)
        )
    }

    pub fn is_areal(&self) -> bool {
        matches!(
            self.geometry,
            geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_) | geo::Geometry::Rect(_)
        )
    }
}
