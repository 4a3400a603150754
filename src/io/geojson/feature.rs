//! One GeoJSON feature parsed straight into a store's columns, through serde visitors: no
//! document tree, each coordinate parsed once into a reused buffer, checked, projected and
//! written. A feature that cannot be used is skipped with the reason; a syntax error is the
//! caller's (it refuses the file).

use crate::io::{GeometryProblem as Problem, Reprojection, check_position};
use crate::model::store::StoreBuilder;
use crate::model::store::attributes::Cell;
use crate::model::store::geometry::{GeomKind, PartKind};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
enum Token {
    Open,
    Close,
    Number(f64),
}

/// What a feature's parse keeps between features of one batch, so that its buffers are reused.
pub struct FeatureReader<'r> {
    pub builder: StoreBuilder,
    reprojection: Option<&'r Reprojection>,
    tokens: Vec<Token>,
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
struct GeometryRead {
    kind: Kind,
    tokens: Vec<(Kind, std::ops::Range<usize>)>,
}

/// A GeoJSON geometry type.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
    Collection,
}

impl Kind {
    fn of(name: &str) -> Option<Kind> {
        Some(match name {
            "Point" => Kind::Point,
            "MultiPoint" => Kind::MultiPoint,
            "LineString" => Kind::LineString,
            "MultiLineString" => Kind::MultiLineString,
            "Polygon" => Kind::Polygon,
            "MultiPolygon" => Kind::MultiPolygon,
            "GeometryCollection" => Kind::Collection,
            _ => return None,
        })
    }

    fn store_kind(self) -> GeomKind {
        match self {
            Kind::Point => GeomKind::Point,
            Kind::MultiPoint => GeomKind::MultiPoint,
            Kind::LineString => GeomKind::LineString,
            Kind::MultiLineString => GeomKind::MultiLineString,
            Kind::Polygon => GeomKind::Polygon,
            Kind::MultiPolygon => GeomKind::MultiPolygon,
            Kind::Collection => GeomKind::Collection,
        }
    }

    /// How deep its coordinates nest: 1 for a position, 2 for a list of them, and so on.
    fn depth(self) -> usize {
        match self {
            Kind::Point => 1,
            Kind::MultiPoint | Kind::LineString => 2,
            Kind::MultiLineString | Kind::Polygon => 3,
            Kind::MultiPolygon => 4,
            Kind::Collection => 0,
        }
    }
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

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_, '_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Parsed, D::Error> {
        de.deserialize_any(self)
    }
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

    fn visit_bool<E>(self, _: bool) -> Result<Parsed, E> {
        Ok(not_object())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Parsed, E> {
        Ok(not_object())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Parsed, E> {
        Ok(not_object())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Parsed, E> {
        Ok(not_object())
    }
    fn visit_str<E>(self, _: &str) -> Result<Parsed, E> {
        Ok(not_object())
    }
    fn visit_unit<E>(self) -> Result<Parsed, E> {
        Ok(not_object())
    }
}

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

impl<'de> DeserializeSeed<'de> for PropertiesSeed<'_> {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
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
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some("a string"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// What a geometry member held.
enum GeometryValue {
    Null,
    Bad(String),
    Good(GeometryRead),
}

/// A geometry object: its type and coordinates (or, for a collection, its members), tokens
/// appended to a buffer shared by the whole feature.
struct GeometrySeed<'a> {
    tokens: &'a mut Vec<Token>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for GeometrySeed<'_> {
    type Value = GeometryValue;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<GeometryValue, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed<'_> {
    type Value = GeometryValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry")
    }

    fn visit_unit<E>(self) -> Result<GeometryValue, E> {
        Ok(GeometryValue::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GeometryValue, A::Error> {
        let mut type_name: Option<String> = None;
        let mut coordinates: Option<std::ops::Range<usize>> = None;
        let mut coordinates_bad: Option<String> = None;
        let mut members: Option<Vec<(Kind, std::ops::Range<usize>)>> = None;
        let mut members_bad: Option<String> = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => {
                    let value: serde_json::Value = map.next_value()?;
                    type_name = value.as_str().map(str::to_owned);
                }
                "coordinates" => {
                    let start = self.tokens.len();
                    let ok = map.next_value_seed(CoordinatesSeed {
                        tokens: self.tokens,
                    })?;
                    match ok {
                        Ok(()) => coordinates = Some(start..self.tokens.len()),
                        Err(e) => coordinates_bad = Some(e),
                    }
                }
                "geometries" if self.depth < 8 => {
                    let read = map.next_value_seed(MembersSeed {
                        tokens: self.tokens,
                        depth: self.depth + 1,
                    })?;
                    match read {
                        Ok(m) => members = Some(m),
                        Err(e) => members_bad = Some(e),
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(name) = type_name else {
            return Ok(GeometryValue::Bad(
                "the geometry has no \"type\" member".to_owned(),
            ));
        };
        let Some(kind) = Kind::of(&name) else {
            return Ok(GeometryValue::Bad(format!(
                "unknown geometry type \"{name}\""
            )));
        };
        if kind == Kind::Collection {
            return Ok(match (members, members_bad) {
                (_, Some(e)) => GeometryValue::Bad(e),
                (Some(m), None) => GeometryValue::Good(GeometryRead { kind, tokens: m }),
                (None, None) => GeometryValue::Bad(
                    "a GeometryCollection has no \"geometries\" array".to_owned(),
                ),
            });
        }
        Ok(match (coordinates, coordinates_bad) {
            (_, Some(e)) => GeometryValue::Bad(e),
            (Some(range), None) => GeometryValue::Good(GeometryRead {
                kind,
                tokens: vec![(kind, range)],
            }),
            (None, None) => GeometryValue::Bad(format!("a {name} has no \"coordinates\" member")),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GeometryValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(GeometryValue::Bad(
            "the geometry is not an object".to_owned(),
        ))
    }
    fn visit_bool<E>(self, _: bool) -> Result<GeometryValue, E> {
        Ok(GeometryValue::Bad(
            "the geometry is not an object".to_owned(),
        ))
    }
    fn visit_i64<E>(self, _: i64) -> Result<GeometryValue, E> {
        Ok(GeometryValue::Bad(
            "the geometry is not an object".to_owned(),
        ))
    }
    fn visit_u64<E>(self, _: u64) -> Result<GeometryValue, E> {
        Ok(GeometryValue::Bad(
            "the geometry is not an object".to_owned(),
        ))
    }
    fn visit_f64<E>(self, _: f64) -> Result<GeometryValue, E> {
        Ok(GeometryValue::Bad(
            "the geometry is not an object".to_owned(),
        ))
    }
    fn visit_str<E>(self, _: &str) -> Result<GeometryValue, E> {
        Ok(GeometryValue::Bad(
            "the geometry is not an object".to_owned(),
        ))
    }
}

/// A collection's `geometries`: each member's type and tokens (nested collections flattened).
struct MembersSeed<'a> {
    tokens: &'a mut Vec<Token>,
    depth: usize,
}

type Members = Result<Vec<(Kind, std::ops::Range<usize>)>, String>;

impl<'de> DeserializeSeed<'de> for MembersSeed<'_> {
    type Value = Members;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Members, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MembersSeed<'_> {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Members, A::Error> {
        let mut members = Vec::new();
        let mut bad = None;
        while let Some(read) = seq.next_element_seed(GeometrySeed {
            tokens: self.tokens,
            depth: self.depth,
        })? {
            match read {
                GeometryValue::Good(g) => members.extend(g.tokens),
                GeometryValue::Bad(e) => {
                    bad.get_or_insert(e);
                }
                GeometryValue::Null => {
                    bad.get_or_insert("a member of a GeometryCollection is null".to_owned());
                }
            }
        }
        Ok(match bad {
            Some(e) => Err(e),
            None => Ok(members),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Members, E> {
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
    fn visit_str<E>(self, _: &str) -> Result<Members, E> {
        Ok(Err("\"geometries\" is not an array".to_owned()))
    }
}

/// Coordinates: nested arrays of numbers, as tokens. Anything else in them makes the geometry
/// invalid (the value is still read to its end).
struct CoordinatesSeed<'a> {
    tokens: &'a mut Vec<Token>,
}

impl<'de> DeserializeSeed<'de> for CoordinatesSeed<'_> {
    type Value = Result<(), String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordinatesSeed<'_> {
    type Value = Result<(), String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.tokens.push(Token::Open);
        let mut result = Ok(());
        loop {
            let next = seq.next_element_seed(CoordinatesSeed {
                tokens: self.tokens,
            })?;
            match next {
                None => break,
                Some(Err(e)) => {
                    if result.is_ok() {
                        result = Err(e);
                    }
                }
                Some(Ok(())) => {}
            }
        }
        self.tokens.push(Token::Close);
        Ok(result)
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        self.tokens.push(Token::Number(v));
        Ok(Ok(()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        self.tokens.push(Token::Number(v as f64));
        Ok(Ok(()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        self.tokens.push(Token::Number(v as f64));
        Ok(Ok(()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Err(format!(
            "a coordinate is a string ({v:?}), not a number"
        )))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("a coordinate is a boolean, not a number".to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err("a coordinate is null, not a number".to_owned()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err("the coordinates hold an object".to_owned()))
    }
}

impl FeatureReader<'_> {
    /// Checks each part's coordinates (positions, lines, rings, ranges), reprojects and projects
    /// them, and writes the geometry to the builder; on a problem the caller abandons what was
    /// written.
    fn write_geometry(
        &mut self,
        kind: Kind,
        members: Vec<(Kind, std::ops::Range<usize>)>,
    ) -> Result<(), Problem> {
        let tokens = std::mem::take(&mut self.tokens);
        let result = (|| {
            for (member, range) in &members {
                let structure =
                    Structure::read(&tokens[range.clone()], member.depth()).map_err(|e| {
                        Problem::Other(format!("its geometry is not valid GeoJSON: {e}"))
                    })?;
                check_structure(*member, &structure)?;
                for (part_kind, rings) in structure.parts(*member) {
                    self.builder.geometries.begin_part(part_kind);
                    for ring in rings {
                        let mut coords = Vec::with_capacity(ring.len());
                        for position in ring {
                            let (x, y) = self.lonlat(position)?;
                            coords.push([x, y]);
                        }
                        self.builder.geometries.push_ring(coords);
                    }
                }
            }
            let coordinates: usize = members
                .iter()
                .map(|(_, r)| {
                    tokens[r.clone()]
                        .iter()
                        .filter(|t| matches!(t, Token::Number(_)))
                        .count()
                })
                .sum();
            if coordinates == 0 {
                return Err(Problem::Other("its geometry has no coordinates".to_owned()));
            }
            Ok(())
        })();
        self.tokens = tokens;
        result?;
        self.builder.geometries.end_geometry(kind.store_kind());
        Ok(())
    }

    /// A position's longitude and latitude, reprojected if the file says so, and checked.
    fn lonlat(&self, position: &[f64]) -> Result<(f64, f64), Problem> {
        let (x, y) = match self.reprojection {
            Some(r) => r.apply_coord(position[0], position[1]),
            None => (position[0], position[1]),
        };
        check_position(x, y)?;
        Ok((x, y))
    }
}

/// Positions grouped as a geometry type nests them: `groups[depth]` lists, for each list at
/// that depth, its children's ranges one level down; the positions are slices of numbers.
struct Structure {
    numbers: Vec<f64>,
    /// Each position's range in `numbers`.
    positions: Vec<std::ops::Range<usize>>,
    /// Lists of positions (lines, rings): ranges in `positions`.
    lists: Vec<std::ops::Range<usize>>,
    /// Lists of lists (polygons, multi-lines): ranges in `lists`.
    lists2: Vec<std::ops::Range<usize>>,
    /// Lists of lists of lists (multi-polygons): ranges in `lists2`.
    lists3: Vec<std::ops::Range<usize>>,
}

impl Structure {
    /// Reads tokens nested `depth` deep (1: a position, 2: a list of positions, ...).
    fn read(tokens: &[Token], depth: usize) -> Result<Structure, String> {
        let mut s = Structure {
            numbers: Vec::new(),
            positions: Vec::new(),
            lists: Vec::new(),
            lists2: Vec::new(),
            lists3: Vec::new(),
        };
        let mut at = 0;
        s.level(tokens, &mut at, depth)?;
        if at != tokens.len() {
            return Err("the coordinates are not nested as the type says".to_owned());
        }
        Ok(s)
    }

    /// Reads one array `depth` deep at `tokens[*at]`.
    fn level(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Result<(), String> {
        let nesting = || "the coordinates are not nested as the type says".to_owned();
        if tokens.get(*at) != Some(&Token::Open) {
            return Err(nesting());
        }
        *at += 1;
        if depth == 1 {
            let start = self.numbers.len();
            loop {
                match tokens.get(*at) {
                    Some(Token::Number(n)) => self.numbers.push(*n),
                    Some(Token::Close) => break,
                    _ => return Err(nesting()),
                }
                *at += 1;
            }
            *at += 1;
            self.positions.push(start..self.numbers.len());
            return Ok(());
        }
        let (before, list) = match depth {
            2 => (self.positions.len(), 0),
            3 => (self.lists.len(), 1),
            _ => (self.lists2.len(), 2),
        };
        while tokens.get(*at) != Some(&Token::Close) {
            if *at >= tokens.len() {
                return Err(nesting());
            }
            self.level(tokens, at, depth - 1)?;
        }
        *at += 1;
        let after = match list {
            0 => self.positions.len(),
            1 => self.lists.len(),
            _ => self.lists2.len(),
        };
        match list {
            0 => self.lists.push(before..after),
            1 => self.lists2.push(before..after),
            _ => self.lists3.push(before..after),
        }
        Ok(())
    }

    fn position(&self, p: usize) -> &[f64] {
        &self.numbers[self.positions[p].clone()]
    }

    fn list(&self, l: usize) -> Vec<&[f64]> {
        self.lists[l].clone().map(|p| self.position(p)).collect()
    }

    /// The parts a geometry of `kind` makes: each part's kind and its rings of positions.
    fn parts(&self, kind: Kind) -> Vec<(PartKind, Vec<Vec<&[f64]>>)> {
        match kind {
            Kind::Point => vec![(PartKind::Point, vec![vec![self.position(0)]])],
            Kind::MultiPoint => (0..self.positions.len())
                .map(|p| (PartKind::Point, vec![vec![self.position(p)]]))
                .collect(),
            Kind::LineString => vec![(PartKind::Line, vec![self.list(0)])],
            Kind::MultiLineString => self.lists2[0]
                .clone()
                .map(|l| (PartKind::Line, vec![self.list(l)]))
                .collect(),
            Kind::Polygon => vec![(
                PartKind::Polygon,
                self.lists2[0].clone().map(|l| self.list(l)).collect(),
            )],
            Kind::MultiPolygon => self.lists3[0]
                .clone()
                .map(|p| {
                    (
                        PartKind::Polygon,
                        self.lists2[p].clone().map(|l| self.list(l)).collect(),
                    )
                })
                .collect(),
            Kind::Collection => Vec::new(),
        }
    }
}

/// The checks on positions, lines and rings that GeoJSON asks for (RFC 7946 §3.1), with the
/// messages the app has always given.
fn check_structure(kind: Kind, s: &Structure) -> Result<(), Problem> {
    let other = |m: String| Problem::Other(m);
    for p in 0..s.positions.len() {
        let n = s.positions[p].len();
        if n < 2 {
            return Err(other(format!(
                "a position has {n} number(s); a position needs a longitude and a latitude"
            )));
        }
    }
    let line = |l: usize| -> Result<(), Problem> {
        let n = s.lists[l].len();
        if n < 2 {
            return Err(other(format!(
                "a line has {n} position(s); a line needs at least 2"
            )));
        }
        Ok(())
    };
    let ring = |l: usize| -> Result<(), Problem> {
        let r = s.list(l);
        if r.len() < 4 {
            return Err(other(format!(
                "a polygon ring has {} positions; a ring needs at least 4",
                r.len()
            )));
        }
        if r.first() != r.last() {
            return Err(other(
                "a polygon ring is not closed (its first and last positions differ)".to_owned(),
            ));
        }
        Ok(())
    };
    let polygon = |p: usize| -> Result<(), Problem> {
        if s.lists2[p].is_empty() {
            return Err(other(
                "a polygon has no rings; it needs at least its outer ring".to_owned(),
            ));
        }
        s.lists2[p].clone().try_for_each(ring)
    };
    match kind {
        Kind::LineString => line(0),
        Kind::MultiLineString => s.lists2[0].clone().try_for_each(line),
        Kind::Polygon => polygon(0),
        Kind::MultiPolygon => s.lists3[0].clone().try_for_each(polygon),
        _ => Ok(()),
    }
}
