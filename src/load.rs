//! Reading GeoJSON into features, with errors that name the file and the place in it.
//!
//! A problem with the whole file (unreadable, not JSON, not GeoJSON, metres instead of degrees)
//! refuses the file. A problem in one feature skips that feature with a warning.

use crate::feature::Feature;
use serde_json::Value;
use std::path::Path;

/// Files larger than this are refused before they are read.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a whole file was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: cannot read the file: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: is a directory, not a GeoJSON file")]
    Directory { file: String },
    #[error("{file}: the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { file: String, size: u64, limit: u64 },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: line {line}, column {column}: not valid JSON: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    NotGeoJson { file: String, message: String },
    #[error(
        "{file}: coordinates look like metres (for example {example}); this viewer reads WGS84 longitude/latitude (RFC 7946). Reproject the file to EPSG:4326 first"
    )]
    Metres { file: String, example: String },
}

/// A feature that was skipped, or a doubt about one that was kept.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadWarning {
    pub file: String,
    /// Index of the feature in the file's `features` array.
    pub feature_index: usize,
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: feature {}: {}",
            self.file, self.feature_index, self.message
        )
    }
}

/// What a file gave: its features, the skipped ones' warnings, and its layer name if it has one.
#[derive(Debug, Default)]
pub struct Loaded {
    pub name: Option<String>,
    pub features: Vec<Feature>,
    pub warnings: Vec<LoadWarning>,
}

/// Reads a GeoJSON file from disk.
pub fn load_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    if meta.is_dir() {
        return Err(LoadError::Directory { file });
    }
    if meta.len() > max_bytes {
        return Err(LoadError::TooLarge {
            file,
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = line_column(&bytes, e.valid_up_to());
            return Err(LoadError::Json {
                file,
                line,
                column,
                message: "the text is not valid UTF-8".to_owned(),
            });
        }
    };
    load_str(&file, text)
}

/// Reads GeoJSON text; `file` names it in messages.
pub fn load_str(file: &str, text: &str) -> Result<Loaded, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    let root: Value = serde_json::from_str(text).map_err(|e| LoadError::Json {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let not_geojson = |message: &str| LoadError::NotGeoJson {
        file: file.to_owned(),
        message: message.to_owned(),
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
    let mut loaded = Loaded {
        name,
        ..Loaded::default()
    };
    let mut metres_example = None;
    if features.is_empty() && kind != "FeatureCollection" {
        // A bare geometry.
        match read_geometry(&root) {
            Ok(geometry) => loaded.features.push(Feature {
                geometry,
                properties: serde_json::Map::new(),
                index: 0,
            }),
            Err(GeometryProblem::Metres(example)) => {
                return Err(LoadError::Metres {
                    file: file.to_owned(),
                    example,
                });
            }
            Err(GeometryProblem::Other(message)) => return Err(not_geojson(&message)),
        }
        return Ok(loaded);
    }
    for (index, value) in features.into_iter().enumerate() {
        match read_feature(value, index) {
            Ok(feature) => loaded.features.push(feature),
            Err(problem) => {
                let message = match problem {
                    GeometryProblem::Metres(example) => {
                        metres_example.get_or_insert(example.clone());
                        format!("coordinates look like metres ({example}), not longitude/latitude")
                    }
                    GeometryProblem::Other(message) => message,
                };
                loaded.warnings.push(LoadWarning {
                    file: file.to_owned(),
                    feature_index: index,
                    message: format!("skipped: {message}"),
                });
            }
        }
    }
    if loaded.features.is_empty()
        && let Some(example) = metres_example
    {
        return Err(LoadError::Metres {
            file: file.to_owned(),
            example,
        });
    }
    Ok(loaded)
}

enum GeometryProblem {
    Metres(String),
    Other(String),
}

fn read_feature(value: &Value, index: usize) -> Result<Feature, GeometryProblem> {
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
    let geometry = read_geometry(geometry_value)?;
    let properties = match object.get("properties") {
        Some(Value::Object(p)) => p.clone(),
        _ => serde_json::Map::new(),
    };
    let mut properties = properties;
    if let Some(id) = object.get("id")
        && !properties.contains_key("id")
    {
        properties.insert("id".to_owned(), id.clone());
    }
    Ok(Feature {
        geometry,
        properties,
        index,
    })
}

fn read_geometry(value: &Value) -> Result<geo::Geometry<f64>, GeometryProblem> {
    let geometry: geojson::Geometry = serde_json::from_value(value.clone())
        .map_err(|e| GeometryProblem::Other(format!("its geometry is not valid GeoJSON: {e}")))?;
    check_rings(&geometry.value)?;
    let geometry = geo::Geometry::<f64>::try_from(&geometry.value)
        .map_err(|e| GeometryProblem::Other(format!("its geometry cannot be used: {e}")))?;
    check_coordinates(&geometry)?;
    Ok(geometry)
}

fn check_coordinates(geometry: &geo::Geometry<f64>) -> Result<(), GeometryProblem> {
    use geo::CoordsIter;
    let mut count = 0usize;
    for c in geometry.coords_iter() {
        count += 1;
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(GeometryProblem::Other(format!(
                "a coordinate is not a finite number ({}, {})",
                c.x, c.y
            )));
        }
        if c.x.abs() > 180.0 || c.y.abs() > 90.0 {
            if c.x.abs() > 1000.0 || c.y.abs() > 1000.0 {
                return Err(GeometryProblem::Metres(format!("{}, {}", c.x, c.y)));
            }
            if c.x.abs() <= 90.0 && c.y.abs() <= 180.0 {
                return Err(GeometryProblem::Other(format!(
                    "coordinate ({}, {}) is outside longitude/latitude range; latitude and longitude may be swapped (GeoJSON puts longitude first)",
                    c.x, c.y
                )));
            }
            return Err(GeometryProblem::Other(format!(
                "coordinate ({}, {}) is outside the longitude -180..180 / latitude -90..90 range",
                c.x, c.y
            )));
        }
    }
    if count == 0 {
        return Err(GeometryProblem::Other(
            "its geometry has no coordinates".to_owned(),
        ));
    }
    Ok(())
}

/// Rings are checked on the GeoJSON itself: converting to `geo` would close them silently.
fn check_rings(geometry: &geojson::GeometryValue) -> Result<(), GeometryProblem> {
    use geojson::GeometryValue as G;
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
    match geometry {
        G::Polygon { coordinates } => coordinates.iter().try_for_each(check),
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().try_for_each(check),
        G::GeometryCollection { geometries } => {
            geometries.iter().try_for_each(|g| check_rings(&g.value))
        }
        _ => Ok(()),
    }
}

/// serde_json appends " at line L column C"; we say the place first, so drop it.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
