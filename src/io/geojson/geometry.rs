//! A GeoJSON geometry member read by serde visitors into coordinate tokens, without a document
//! tree.

use super::feature::{GeometryRead, Kind, Token};
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// What a geometry member held.
pub(super) enum GeometryValue {
    Null,
    Bad(String),
    Good(GeometryRead),
}

/// A geometry object: its type and coordinates (or, for a collection, its members), tokens
/// appended to a buffer shared by the whole feature.
pub(super) struct GeometrySeed<'a> {
    pub(super) tokens: &'a mut Vec<Token>,
    pub(super) depth: usize,
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
        let Some(kind) = Kind::from_name(&name) else {
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
    scalars_answer!(GeometryValue::Bad(
        "the geometry is not an object".to_owned()
    ));
}

seed_visits_any!(GeometrySeed<'_>);

/// A collection's `geometries`: each member's type and tokens (nested collections flattened).
struct MembersSeed<'a> {
    tokens: &'a mut Vec<Token>,
    depth: usize,
}

type Members = Result<Vec<(Kind, std::ops::Range<usize>)>, String>;

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
    scalars_answer!(Err("\"geometries\" is not an array".to_owned()));
}

seed_visits_any!(MembersSeed<'_>);

/// Coordinates: nested arrays of numbers, as tokens. Anything else in them makes the geometry
/// invalid (the value is still read to its end).
struct CoordinatesSeed<'a> {
    tokens: &'a mut Vec<Token>,
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

seed_visits_any!(CoordinatesSeed<'_>);
