//! CSV, TSV and semicolon-separated text with one point per row (latitude and longitude
//! columns) or one geometry per row (a WKT column), in WGS84 degrees.
//!
//! The columns are found by their header, ignoring case and anything in brackets:
//! `latitude`/`lat`/`y`/`enlem`/`enlik`/`широта` and `longitude`/`lon`/`lng`/`long`/`x`/`boylam`/
//! `uzunluq`/`долгота` (English, Azerbaijani, Turkish, Russian), or chosen by name with
//! [`CsvOptions`]. Without them, a `wkt`/`geometry`/`geom` column is read as WKT. The delimiter
//! (comma, semicolon, tab or bar) is the one the header line has most of, unless given.
//! With a delimiter other than the comma, a decimal comma (`39,76`) is accepted.
//!
//! The text is UTF-8 (with or without a byte-order mark), UTF-16 with a mark, or a Windows
//! code page chosen in the CSV window or guessed ([`super::text`]).
//!
//! Every column becomes a text property (empty cells become null). A row whose coordinates are
//! not numbers or out of range is skipped with a warning naming its line.

use super::Collector;
use crate::io::{LoadError, Loaded};
use serde_json::{Map, Value};
use std::path::Path;

/// How to read a CSV file; the defaults detect everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The latitude column's header (exact, or ignoring case); detected when `None`.
    pub lat_column: Option<String>,
    /// The longitude column's header (exact, or ignoring case); detected when `None`.
    pub lon_column: Option<String>,
    /// The field delimiter, e.g. `b';'`; detected from the header line when `None`.
    pub delimiter: Option<u8>,
    /// The text's encoding; detected when `None` (see [`super::text::decode`]). A byte-order
    /// mark wins over it.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// Latitude headers, most specific first (compared after [`normalize`]).
const LAT_NAMES: &[&str] = &[
    "latitude",
    "lat",
    "enlem",
    "enlik",
    "coğrafi_enlik",
    "широта",
    "decimal_latitude",
    "decimallatitude",
    "lat_dd",
    "latitude_dd",
    "point_y",
    "y_coord",
    "ycoord",
    "y",
];
/// Longitude headers, most specific first.
const LON_NAMES: &[&str] = &[
    "longitude",
    "lon",
    "lng",
    "long",
    "boylam",
    "uzunluq",
    "coğrafi_uzunluq",
    "долгота",
    "decimal_longitude",
    "decimallongitude",
    "lon_dd",
    "longitude_dd",
    "point_x",
    "x_coord",
    "xcoord",
    "x",
];
/// WKT geometry headers.
const WKT_NAMES: &[&str] = &["wkt", "wkt_geom", "geometry", "geom", "the_geom", "shape"];

/// A header compared for detection: lower case, no bracketed unit, words joined by `_`.
fn normalize(header: &str) -> String {
    let h = header.trim().trim_start_matches('\u{feff}');
    let h = h.split(['(', '[']).next().unwrap_or(h).trim();
    h.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '.')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The first header, in the order of `names`, that matches one of them.
fn detect(headers: &[String], names: &[&str]) -> Option<usize> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    names
        .iter()
        .find_map(|name| normalized.iter().position(|h| h == name))
}

/// The column named `wanted`: exact first, then ignoring case and surrounding space.
fn find_named(headers: &[String], wanted: &str) -> Option<usize> {
    headers.iter().position(|h| h == wanted).or_else(|| {
        let wanted = wanted.trim().to_lowercase();
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase() == wanted)
    })
}

/// The delimiter the header line has most of; a comma when it has none.
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let mut best = (0usize, b',');
    for d in [b',', b';', b'\t', b'|'] {
        let n = header.bytes().filter(|&b| b == d).count();
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

/// Reads a CSV file from disk.
pub fn load_path(path: &Path, max_bytes: u64, options: &CsvOptions) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let bytes = crate::io::read_capped(path, max_bytes)?;
    let decoded = super::text::decode(&bytes, options.encoding);
    let mut loaded = load_str(&file, &decoded.text, options)?;
    if let Some(note) = decoded.note {
        loaded.warnings.insert(
            0,
            crate::io::LoadWarning {
                file,
                feature_index: None,
                message: note,
            },
        );
    }
    Ok(loaded)
}

/// Where the geometry of a row comes from.
enum Source {
    LatLon { lat: usize, lon: usize },
    Wkt(usize),
}

/// Reads CSV text; `file` names it in messages.
pub fn load_str(file: &str, text: &str, options: &CsvOptions) -> Result<Loaded, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(text));
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let syntax = |e: &::csv::Error| {
        let (line, column) = e.position().map_or((1, 1), |p| (p.line() as usize, 1));
        LoadError::Syntax {
            file: file.to_owned(),
            line,
            column,
            format: "CSV",
            message: e.to_string(),
        }
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| syntax(&e))?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = h.trim();
            if h.is_empty() {
                format!("column_{}", i + 1)
            } else {
                h.to_owned()
            }
        })
        .collect();
    let source = choose_columns(file, &headers, options)?;
    let mut collector = Collector::new(file);
    let comma_decimals = delimiter != b',';
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                collector.skip(index, &format!("line {line}"), &e.to_string());
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let place = format!("line {line}");
        let cell = |i: usize| record.get(i).unwrap_or_default().trim();
        let geometry = match &source {
            Source::LatLon { lat, lon } => {
                let y = number(cell(*lat), &headers[*lat], "latitude", comma_decimals);
                let x = number(cell(*lon), &headers[*lon], "longitude", comma_decimals);
                match (y, x) {
                    (Ok(y), Ok(x)) => degrees(y, x, &headers[*lat], &headers[*lon]),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
            Source::Wkt(i) => wkt_geometry(cell(*i), &headers[*i]),
        };
        let geometry = match geometry {
            Ok(g) => g,
            Err(reason) => {
                collector.skip(index, &place, &reason);
                continue;
            }
        };
        let mut properties = Map::new();
        for (i, header) in headers.iter().enumerate() {
            let value = match record.get(i).map(str::trim) {
                None | Some("") => Value::Null,
                Some(v) => Value::String(v.to_owned()),
            };
            let mut key = header.clone();
            let mut n = 2;
            while properties.contains_key(&key) {
                key = format!("{header}_{n}");
                n += 1;
            }
            properties.insert(key, value);
        }
        if record.len() > headers.len() {
            collector.warn(
                index,
                format!(
                    "{place}: the row has {} fields but the header {}; the extra ones are ignored",
                    record.len(),
                    headers.len()
                ),
            );
        }
        collector.push(index, &place, geometry, properties, None);
    }
    collector.finish()
}

fn choose_columns(
    file: &str,
    headers: &[String],
    options: &CsvOptions,
) -> Result<Source, LoadError> {
    let columns = |message: String| LoadError::Columns {
        file: file.to_owned(),
        message,
        headers: headers.to_vec(),
    };
    let named = |wanted: &Option<String>, what: &str| -> Result<Option<usize>, LoadError> {
        match wanted {
            Some(w) => find_named(headers, w).map(Some).ok_or_else(|| {
                columns(format!("there is no column {w:?} to read the {what} from"))
            }),
            None => Ok(None),
        }
    };
    let lat = named(&options.lat_column, "latitude")?.or_else(|| detect(headers, LAT_NAMES));
    let lon = named(&options.lon_column, "longitude")?.or_else(|| detect(headers, LON_NAMES));
    match (lat, lon) {
        (Some(lat), Some(lon)) if lat == lon => Err(columns(format!(
            "the column {:?} cannot be both latitude and longitude",
            headers[lat]
        ))),
        (Some(lat), Some(lon)) => Ok(Source::LatLon { lat, lon }),
        (lat, lon) => {
            if options.lat_column.is_none()
                && options.lon_column.is_none()
                && let Some(wkt) = detect(headers, WKT_NAMES)
            {
                return Ok(Source::Wkt(wkt));
            }
            let missing = match (lat, lon) {
                (Some(_), None) => "no longitude column",
                (None, Some(_)) => "no latitude column",
                _ => "no latitude and longitude columns (nor a WKT column)",
            };
            Err(columns(format!(
                "{missing} found by name; name them (latitude, longitude) or choose them explicitly"
            )))
        }
    }
}

/// A coordinate from a cell; a decimal comma is read when the delimiter is not a comma.
fn number(cell: &str, header: &str, what: &str, comma_decimals: bool) -> Result<f64, String> {
    if cell.is_empty() {
        return Err(format!("the {what} ({header}) is empty"));
    }
    let parsed = cell.parse::<f64>().ok().or_else(|| {
        (comma_decimals && cell.matches(',').count() == 1 && !cell.contains('.'))
            .then(|| cell.replace(',', "."))
            .and_then(|c| c.parse().ok())
    });
    match parsed {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(format!("the {what} ({header}) {cell:?} is not a number")),
    }
}

/// A point from latitude and longitude in range. Values too large for degrees are passed on
/// as they are, for the metres check to recognise.
fn degrees(
    lat: f64,
    lon: f64,
    lat_header: &str,
    lon_header: &str,
) -> Result<geo::Geometry<f64>, String> {
    let plausible_degrees = lat.abs() <= 1000.0 && lon.abs() <= 1000.0;
    if plausible_degrees && lat.abs() > 90.0 {
        let hint = if lon.abs() <= 90.0 {
            "; are the latitude and longitude columns swapped?"
        } else {
            ""
        };
        return Err(format!(
            "the latitude ({lat_header}) {lat} is outside -90..90{hint}"
        ));
    }
    if plausible_degrees && lon.abs() > 180.0 {
        return Err(format!(
            "the longitude ({lon_header}) {lon} is outside -180..180"
        ));
    }
    Ok(geo::Geometry::Point(geo::Point::new(lon, lat)))
}

fn wkt_geometry(cell: &str, header: &str) -> Result<geo::Geometry<f64>, String> {
    use wkt::TryFromWkt;
    if cell.is_empty() {
        return Err(format!("the geometry ({header}) is empty"));
    }
    geo::Geometry::<f64>::try_from_wkt_str(cell)
        .map_err(|e| format!("the geometry ({header}) is not valid WKT: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_loosely() {
        let h = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            detect(&h(&["Name", "Latitude (WGS84)"]), LAT_NAMES),
            Some(1)
        );
        assert_eq!(detect(&h(&["ENLEM", "BOYLAM"]), LON_NAMES), Some(1));
        assert_eq!(detect(&h(&["x", "lon"]), LON_NAMES), Some(1));
        assert_eq!(detect(&h(&["name_en", "lat_long"]), LAT_NAMES), None);
    }

    #[test]
    fn decimal_commas_only_off_comma_delimiters() {
        assert_eq!(number("39,76", "lat", "latitude", true), Ok(39.76));
        assert!(number("39,76", "lat", "latitude", false).is_err());
        assert!(number("NaN", "lat", "latitude", true).is_err());
        assert!(number("1,000,5", "lat", "latitude", true).is_err());
    }

    #[test]
    fn the_delimiter_is_the_one_the_header_has_most_of() {
        assert_eq!(detect_delimiter("a;b;c\n1,2;3;4"), b';');
        assert_eq!(detect_delimiter("a\tb\n"), b'\t');
        assert_eq!(detect_delimiter("name\n"), b',');
    }
}
