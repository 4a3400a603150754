//! One GeoJSON feature parsed straight into a store's columns, through serde visitors: no
//! document tree, each coordinate parsed once into a reused buffer, checked, projected and
//! written. A feature that cannot be used is skipped with the reason; a syntax error is the
//! caller's (it refuses the file).

use super::geometry::{GeometrySeed, GeometryValue};
use crate::io::{GeometryProblem as Problem, Reprojection};
use crate::model::store::StoreBuilder;
use crate::model::store::attributes::Cell;
/// A GeoJSON geometry type is the store's.
pub(super) use crate::model::store::geometry::GeomKind as Kind;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// What parsing one feature gave.
#[derive(Debug)]
pub enum Outcome {
    /// Kept, with doubts that did not stop it.
    Kept(Vec<String>),
    Skipped(Problem),
}

/// A coordinate array as read, before its geometry's type says what it is: numbers and the
/// brackets around them, in order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Token {
    Open,
    Close,
    Number(f64),
}

/// What a feature's parse keeps between features of one batch, so that its buffers are reused.
pub struct FeatureReader<'r> {
    pub builder: StoreBuilder,
    pub(super) reprojection: Option<&'r Reprojection>,
    pub(super) tokens: Vec<Token>,
    /// Property values of the feature being read: (column, cell).
    cells: Vec<(usize, Cell)>,
}

impl<'r> FeatureReader<'r> {
    pub fn new(reprojection: Option<&'r Reprojection>) -> Self {
        Self {
            builder: StoreBuilder::default(),
            reprojection,
            tokens: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Parses one feature's JSON text, keeping it as feature `file_index` of the file when it
    /// can be used.
    pub fn read(&mut self, json: &[u8], file_index: usize) -> Result<Outcome, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(json);
        let parsed = FeatureSeed { reader: self }.deserialize(&mut de)?;
        de.end()?;
        Ok(self.keep(parsed, file_index))
    }

    fn keep(&mut self, parsed: Parsed, file_index: usize) -> Outcome {
        let geometry = match parsed.check() {
            Ok(geometry) => geometry,
            Err(problem) => {
                self.cells.clear();
                return Outcome::Skipped(problem);
            }
        };
        let GeometryRead { kind, tokens } = geometry;
        if let Err(problem) = self.write_geometry(kind, tokens) {
            self.builder.geometries.abandon_geometry();
            self.cells.clear();
            return Outcome::Skipped(problem);
        }
        let attributes = &mut self.builder.attributes;
        let has_id = self.cells.iter().any(|&(c, _)| attributes.name(c) == "id");
        if !has_id && let Some(id) = &parsed.id {
            let column = attributes.column_for("id");
            let cell = attributes.cell_of(id);
            self.cells.push((column, cell));
        }
        let cells = std::mem::take(&mut self.cells);
        self.builder.end_feature_with(file_index, &cells);
        self.cells = cells;
        self.cells.clear();
        Outcome::Kept(parsed.doubts)
    }
}

/// A feature's members as read.
struct Parsed {
    is_object: bool,
    type_name: Option<String>,
    geometry: Option<Result<GeometryRead, String>>,
    geometry_null: bool,
    id: Option<serde_json::Value>,
    doubts: Vec<String>,
}

/// A geometry's type and its coordinates as tokens (for a collection, each member's type
/// and tokens one after another).
pub(super) struct GeometryRead {
    pub(super) kind: Kind,
    pub(super) tokens: Vec<(Kind, std::ops::Range<usize>)>,
}

impl Parsed {
    fn check(&self) -> Result<GeometryRead, Problem> {
        let other = |m: &str| Problem::Other(m.to_owned());
        if !self.is_object {
            return Err(other("not a JSON object"));
        }
        if self.type_name.as_deref() != Some("Feature") {
            return Err(other("its \"type\" is not \"Feature\""));
        }
        match &self.geometry {
            None => Err(other("its geometry is null, so it cannot be drawn")),
            Some(_) if self.geometry_null => {
                Err(other("its geometry is null, so it cannot be drawn"))
            }
            Some(Err(e)) => Err(Problem::Other(format!(
                "its geometry is not valid GeoJSON: {e}"
            ))),
            Some(Ok(g)) => Ok(GeometryRead {
                kind: g.kind,
                tokens: g.tokens.clone(),
            }),
        }
    }
}

struct FeatureSeed<'a, 'r> {
    reader: &'a mut FeatureReader<'r>,
}

impl<'de> Visitor<'de> for FeatureSeed<'_, '_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let reader = self.reader;
        reader.tokens.clear();
        reader.cells.clear();
        let mut parsed = Parsed {
            is_object: true,
            type_name: None,
            geometry: None,
            geometry_null: false,
            id: None,
            doubts: Vec::new(),
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => {
                    let value: serde_json::Value = map.next_value()?;
                    parsed.type_name = value.as_str().map(str::to_owned);
                }
                "id" => parsed.id = Some(map.next_value()?),
                "geometry" => {
                    reader.tokens.clear();
                    let read = map.next_value_seed(GeometrySeed {
                        tokens: &mut reader.tokens,
                        depth: 0,
                    })?;
                    parsed.geometry_null = matches!(read, GeometryValue::Null);
                    parsed.geometry = Some(match read {
                        GeometryValue::Null => Err("null".to_owned()),
                        GeometryValue::Bad(e) => Err(e),
                        GeometryValue::Good(g) => Ok(g),
                    });
                }
                "properties" => {
                    reader.cells.clear();
                    let kept = map.next_value_seed(PropertiesSeed {
                        builder: &mut reader.builder,
                        cells: &mut reader.cells,
                    })?;
                    if let Some(kind) = kept {
                        parsed.doubts.push(format!(
                            "its \"properties\" is not an object but {kind}; it is ignored"
                        ));
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(parsed)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(not_object())
    }

    scalars_answer!(not_object());
    fn visit_unit<E>(self) -> Result<Parsed, E> {
        Ok(not_object())
    }
}

seed_visits_any!(FeatureSeed<'_, '_>);

fn not_object() -> Parsed {
    Parsed {
        is_object: false,
        type_name: None,
        geometry: None,
        geometry_null: false,
        id: None,
        doubts: Vec::new(),
    }
}

/// A feature's properties, written as cells; gives the JSON kind of a value that is not an
/// object (which is ignored, with a doubt).
struct PropertiesSeed<'a> {
    builder: &'a mut StoreBuilder,
    cells: &'a mut Vec<(usize, Cell)>,
}

impl<'de> Visitor<'de> for PropertiesSeed<'_> {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let value: serde_json::Value = map.next_value()?;
            let attributes = &mut self.builder.attributes;
            let column = attributes.column_for(&key);
            let cell = attributes.cell_of(&value);
            // A key given twice keeps its last value, as a JSON object does.
            self.cells.retain(|(c, _)| *c != column);
            self.cells.push((column, cell));
        }
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some("an array"))
    }
    scalars_answer!(
        boolean: Some("a boolean"),
        number: Some("a number"),
        string: Some("a string")
    );
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

seed_visits_any!(PropertiesSeed<'_>);
