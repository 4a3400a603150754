//! GeoJSON read through a document tree: what the stream does not read (a bare geometry or
//! feature, a `crs` after the features), and a syntax error, which the tree's parser places.

use super::stream::Source;
use super::{Stopped, loaded, read_streamed};
use crate::io::loader::Progress;
use crate::io::{GeometryProblem, LoadError, LoadWarning, Loaded, Reprojection, check_coordinates};
use crate::model::store::StoreBuilder;
use serde_json::Value;
use std::sync::atomic::AtomicBool;

/// Reads GeoJSON text through a document tree: what the stream does not read (a bare
/// geometry or feature, a `crs` after the features, a syntax error, which the tree's parser
/// places). A text whose first line is a whole feature with more after it is read as a text
/// sequence.
pub(super) fn read_tree(
    file: &str,
    text: &str,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, Stopped> {
    let refuse = |e: LoadError| Stopped::Refused(e);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(refuse(LoadError::Empty {
            file: file.to_owned(),
        }));
    }
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e)
            if e.classify() == serde_json::error::Category::Syntax && is_feature_per_line(text) =>
        {
            return read_streamed(file, Source::Bytes(text.as_bytes()), true, progress, cancel);
        }
        Err(e) => {
            return Err(refuse(LoadError::Json {
                file: file.to_owned(),
                line: e.line(),
                column: e.column(),
                message: explain_json_error(&e, text),
            }));
        }
    };
    let not_geojson = |message: &str| {
        refuse(LoadError::NotGeoJson {
            file: file.to_owned(),
            message: message.to_owned(),
        })
    };
    let Value::Object(object) = &root else {
        return Err(not_geojson(
            "the top level is not a JSON object, so this is not GeoJSON",
        ));
    };
    let kind = object.get("type").and_then(Value::as_str).ok_or_else(|| {
        not_geojson("the top-level object has no \"type\" member, so this is not GeoJSON")
    })?;
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let features: Vec<&Value> = match kind {
        "FeatureCollection" => object
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| not_geojson("the FeatureCollection has no \"features\" array"))?
            .iter()
            .collect(),
        "Feature" => vec![&root],
        _ => vec![],
    };
    let reprojection = match object.get("crs") {
        Some(crs) => reprojection_from_crs_member(file, crs).map_err(refuse)?,
        None => None,
    };
    let mut builder = StoreBuilder::default();
    let mut warnings = Vec::new();
    if features.is_empty() && kind != "FeatureCollection" {
        // A bare geometry.
        match read_geometry(&root, reprojection.as_ref()) {
            Ok(geometry) => {
                builder.push_geo(0, &geometry, &serde_json::Map::new());
            }
            Err(GeometryProblem::Metres(example)) => {
                return Err(refuse(LoadError::Metres {
                    file: file.to_owned(),
                    example,
                }));
            }
            Err(GeometryProblem::Other(message)) => return Err(not_geojson(&message)),
        }
        return loaded(
            file,
            name,
            builder,
            warnings,
            reprojection.as_ref(),
            1,
            None,
        )
        .map_err(refuse);
    }
    let mut metres_example = None;
    for (index, value) in features.iter().enumerate() {
        let warn = |message: String| LoadWarning {
            file: file.to_owned(),
            feature_index: Some(index),
            message,
        };
        match read_feature(value, reprojection.as_ref()) {
            Ok((geometry, properties, doubts)) => {
                warnings.extend(doubts.into_iter().map(warn));
                builder.push_geo(index, &geometry, &properties);
            }
            Err(problem) => {
                let message = match problem {
                    GeometryProblem::Metres(example) => {
                        metres_example.get_or_insert(example.clone());
                        format!("coordinates look like metres ({example}), not longitude/latitude")
                    }
                    GeometryProblem::Other(message) => message,
                };
                warnings.push(warn(format!("skipped: {message}")));
            }
        }
    }
    if features.is_empty() {
        warnings.push(LoadWarning {
            file: file.to_owned(),
            feature_index: None,
            message: "the collection has no features".to_owned(),
        });
    }
    let count = features.len();
    loaded(
        file,
        name,
        builder,
        warnings,
        reprojection.as_ref(),
        count,
        metres_example,
    )
    .map_err(refuse)
}

/// Newline-delimited GeoJSON: the first non-empty line alone is a whole Feature, and more follows.
fn is_feature_per_line(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    lines.next().is_some()
        && serde_json::from_str::<Value>(first)
            .ok()
            .is_some_and(|v| v.get("type").and_then(Value::as_str) == Some("Feature"))
}

/// Why the tree reader skips the feature in `text`: the stream finds the same features to skip,
/// and this gives each the words the app has always used (some of them the geojson crate's).
pub(super) fn skip_reason(text: &[u8], reprojection: Option<&Reprojection>) -> Option<String> {
    let value: Value = serde_json::from_slice(text).ok()?;
    match read_feature(&value, reprojection) {
        Err(GeometryProblem::Other(message)) => Some(message),
        _ => None,
    }
}

/// A feature read from a tree: its geometry, its properties, and doubts about it that do not
/// stop it loading.
type TreeFeature = (
    geo::Geometry<f64>,
    serde_json::Map<String, Value>,
    Vec<String>,
);

/// A feature, and doubts about it that do not stop it loading.
fn read_feature(
    value: &Value,
    reprojection: Option<&Reprojection>,
) -> Result<TreeFeature, GeometryProblem> {
    let Value::Object(object) = value else {
        return Err(GeometryProblem::Other("not a JSON object".to_owned()));
    };
    if object.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(GeometryProblem::Other(
            "its \"type\" is not \"Feature\"".to_owned(),
        ));
    }
    let geometry_value = object.get("geometry").unwrap_or(&Value::Null);
    if geometry_value.is_null() {
        return Err(GeometryProblem::Other(
            "its geometry is null, so it cannot be drawn".to_owned(),
        ));
    }
    let geometry = read_geometry(geometry_value, reprojection)?;
    let mut doubts = Vec::new();
    let mut properties = match object.get("properties") {
        Some(Value::Object(p)) => p.clone(),
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(other) => {
            doubts.push(format!(
                "its \"properties\" is not an object but {}; it is ignored",
                json_kind(other)
            ));
            serde_json::Map::new()
        }
    };
    if let Some(id) = object.get("id")
        && !properties.contains_key("id")
    {
        properties.insert("id".to_owned(), id.clone());
    }
    Ok((geometry, properties, doubts))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn read_geometry(
    value: &Value,
    reprojection: Option<&Reprojection>,
) -> Result<geo::Geometry<f64>, GeometryProblem> {
    let geometry: geojson::Geometry = serde_json::from_value(value.clone())
        .map_err(|e| GeometryProblem::Other(format!("its geometry is not valid GeoJSON: {e}")))?;
    check_rings(&geometry.value)?;
    let geometry = geo::Geometry::<f64>::try_from(&geometry.value)
        .map_err(|e| GeometryProblem::Other(format!("its geometry cannot be used: {e}")))?;
    let geometry = match reprojection {
        Some(r) => r.apply(&geometry),
        None => geometry,
    };
    check_coordinates(&geometry)?;
    Ok(geometry)
}

/// Rings are checked on the GeoJSON itself: converting to `geo` would close them silently.
/// So are positions: the geojson crate reads `[46.5]` as a position, and converting one with
/// fewer than two numbers to `geo` panics.
fn check_rings(geometry: &geojson::GeometryValue) -> Result<(), GeometryProblem> {
    use geojson::GeometryValue as G;
    let position = |p: &geojson::Position| -> Result<(), GeometryProblem> {
        let n = p.as_slice().len();
        if n < 2 {
            return Err(GeometryProblem::Other(format!(
                "a position has {n} number(s); a position needs a longitude and a latitude"
            )));
        }
        Ok(())
    };
    let positions = |ps: &Vec<geojson::Position>| ps.iter().try_for_each(position);
    let rings = |rs: &Vec<Vec<geojson::Position>>| rs.iter().try_for_each(positions);
    match geometry {
        G::Point { coordinates } => position(coordinates)?,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => positions(coordinates)?,
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => rings(coordinates)?,
        G::MultiPolygon { coordinates } => coordinates.iter().try_for_each(rings)?,
        G::GeometryCollection { .. } => {}
    }
    let line = |positions: &Vec<geojson::Position>| -> Result<(), GeometryProblem> {
        if positions.len() < 2 {
            return Err(GeometryProblem::Other(format!(
                "a line has {} position(s); a line needs at least 2",
                positions.len()
            )));
        }
        Ok(())
    };
    let check = |ring: &Vec<geojson::Position>| -> Result<(), GeometryProblem> {
        if ring.len() < 4 {
            return Err(GeometryProblem::Other(format!(
                "a polygon ring has {} positions; a ring needs at least 4",
                ring.len()
            )));
        }
        if ring.first().map(geojson::Position::as_slice)
            != ring.last().map(geojson::Position::as_slice)
        {
            return Err(GeometryProblem::Other(
                "a polygon ring is not closed (its first and last positions differ)".to_owned(),
            ));
        }
        Ok(())
    };
    let polygon = |rings: &Vec<Vec<geojson::Position>>| -> Result<(), GeometryProblem> {
        if rings.is_empty() {
            return Err(GeometryProblem::Other(
                "a polygon has no rings; it needs at least its outer ring".to_owned(),
            ));
        }
        rings.iter().try_for_each(check)
    };
    match geometry {
        G::Polygon { coordinates } => polygon(coordinates),
        G::MultiPolygon { coordinates } => coordinates.iter().try_for_each(polygon),
        G::LineString { coordinates } => line(coordinates),
        G::MultiLineString { coordinates } => coordinates.iter().try_for_each(line),
        G::GeometryCollection { geometries } => {
            geometries.iter().try_for_each(|g| check_rings(&g.value))
        }
        _ => Ok(()),
    }
}

/// serde_json's message without its position (we say the place first), with a hint when the
/// text is plainly something else than JSON.
fn explain_json_error(e: &serde_json::Error, text: &str) -> String {
    let message = strip_position(&e.to_string());
    let first_line = text.lines().next().unwrap_or_default();
    let looks_like_csv = e.line() == 1
        && !first_line.trim_start().starts_with(['{', '['])
        && first_line.split(',').count() >= 2;
    if looks_like_csv {
        format!("{message} (the text looks like CSV, not GeoJSON)")
    } else if text.trim_start().starts_with('<') {
        format!("{message} (the text looks like XML or KML, not GeoJSON)")
    } else {
        message
    }
}

/// serde_json appends " at line L column C"; we say the place first, so drop it.
pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Reads a GeoJSON 2008 `crs` member: `None` when it names WGS84 already.
pub(super) fn reprojection_from_crs_member(
    file: &str,
    crs: &Value,
) -> Result<Option<Reprojection>, LoadError> {
    let name = crs
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let unknown = |reason: &str| LoadError::UnknownCrs {
        file: file.to_owned(),
        crs: name.clone(),
        reason: reason.to_owned(),
    };
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
        return Ok(None);
    }
    let code: u16 = upper
        .rsplit(':')
        .next()
        .and_then(|c| c.parse().ok())
        .filter(|_| upper.contains("EPSG"))
        .ok_or_else(|| unknown("only EPSG codes are understood"))?;
    if code == 4326 {
        return Ok(None);
    }
    if proj4rs::Proj::from_epsg_code(code).is_err() {
        return Err(unknown("the EPSG code is not in the bundled list"));
    }
    Reprojection::from_epsg(code).map_err(|reason| unknown(&reason))
}
