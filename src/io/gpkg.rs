//! GeoPackage (`.gpkg`, an SQLite database), read with rusqlite (bundled SQLite).
//!
//! Every table that `gpkg_contents` lists as `features` is read, in the order it lists them,
//! and all are loaded as one layer: when there are several, each feature gets a `table`
//! property naming its table (and the layer is named after the file rather than a table).
//! Each row's geometry is the GeoPackage binary: the small "GP" header (version, flags,
//! srs_id, optional envelope) is read here, the WKB after it by the `wkb` crate. The table's
//! `srs_id` is looked up in `gpkg_spatial_ref_sys` and reprojected to WGS84 (by EPSG code, or
//! from the WKT definition); a system that cannot be converted refuses the file. The other
//! columns become properties.

use super::Collector;
use crate::io::{LoadError, Loaded, Reprojection};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};
use std::io::Read;
use std::path::Path;

/// A features table: its name, identifier, geometry column and coordinate system.
struct Table {
    name: String,
    identifier: Option<String>,
    geometry_column: String,
    srs_id: i64,
}

/// Reads a GeoPackage from disk.
pub fn load_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let size = crate::io::check_path(path, max_bytes)?;
    if size == 0 {
        return Err(LoadError::Empty { file });
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .map_err(|source| LoadError::Io {
            file: file.clone(),
            source,
        })?;
    if head != super::SQLITE_MAGIC {
        let start: String = String::from_utf8_lossy(&head)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return Err(LoadError::NotFormat {
            file,
            format: "GeoPackage",
            message: format!(
                "a GeoPackage is an SQLite database, which starts with \"SQLite format 3\", but this file starts with {:?}",
                start.trim_end()
            ),
        });
    }
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sql_error(&file, "the database cannot be opened", &e))?;
    read(&file, &db)
}

fn sql_error(file: &str, what: &str, e: &rusqlite::Error) -> LoadError {
    LoadError::Invalid {
        file: file.to_owned(),
        message: format!("{what}: {e}"),
    }
}

/// Quotes an SQL identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn feature_tables(file: &str, db: &Connection) -> Result<Vec<Table>, LoadError> {
    let not_gpkg = |e: &rusqlite::Error| LoadError::NotFormat {
        file: file.to_owned(),
        format: "GeoPackage",
        message: format!(
            "it is an SQLite database without the GeoPackage tables gpkg_contents and gpkg_geometry_columns ({e})"
        ),
    };
    let mut statement = db
        .prepare(
            "SELECT c.table_name, c.identifier, g.column_name, g.srs_id \
             FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
             WHERE lower(c.data_type) = 'features' ORDER BY c.rowid",
        )
        .map_err(|e| not_gpkg(&e))?;
    let rows = statement
        .query_map([], |row| {
            Ok(Table {
                name: row.get(0)?,
                identifier: row.get(1)?,
                geometry_column: row.get(2)?,
                srs_id: row.get(3)?,
            })
        })
        .map_err(|e| not_gpkg(&e))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql_error(file, "gpkg_contents cannot be read", &e))
}

/// The conversion for an `srs_id`: `Ok(None)` for WGS84 (and, with a warning, for the
/// undefined systems 0 and -1).
fn reprojection(
    file: &str,
    db: &Connection,
    table: &Table,
    collector: &mut Collector,
) -> Result<Option<Reprojection>, LoadError> {
    let srs = db
        .query_row(
            "SELECT srs_name, organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [table.srs_id],
            |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                ))
            },
        )
        .ok();
    let unknown = |crs: String, reason: String| LoadError::UnknownCrs {
        file: file.to_owned(),
        crs,
        reason,
    };
    let Some((name, organization, code, definition)) = srs else {
        if table.srs_id == 0 || table.srs_id == -1 {
            collector.warn_file(format!(
                "table {}: its coordinate system is undefined (srs_id {}); it is read as WGS84 longitude/latitude",
                table.name, table.srs_id
            ));
            return Ok(None);
        }
        return Err(unknown(
            format!("srs_id {}", table.srs_id),
            format!(
                "table {} names it, but gpkg_spatial_ref_sys does not define it",
                table.name
            ),
        ));
    };
    if organization.eq_ignore_ascii_case("NONE") || table.srs_id == 0 || table.srs_id == -1 {
        collector.warn_file(format!(
            "table {}: its coordinate system is undefined ({name}); it is read as WGS84 longitude/latitude",
            table.name
        ));
        return Ok(None);
    }
    let label = format!("{organization}:{} ({name})", code.unwrap_or(table.srs_id));
    let epsg = code
        .filter(|_| organization.eq_ignore_ascii_case("EPSG"))
        .and_then(|c| u16::try_from(c).ok());
    let by_code = epsg.map(Reprojection::from_epsg);
    let result = match by_code {
        Some(Ok(r)) => r,
        _ => {
            let by_code_reason = match by_code {
                Some(Err(reason)) => format!("{reason}; "),
                _ => String::new(),
            };
            if definition.trim().is_empty() || definition.trim() == "undefined" {
                return Err(unknown(
                    label,
                    format!("{by_code_reason}it has no WKT definition to convert"),
                ));
            }
            super::crs::from_wkt(file, &definition)
                .map_err(|e| unknown(label.clone(), format!("{by_code_reason}{e}")))?
        }
    };
    if let Some(r) = &result {
        collector.warn_file(format!(
            "table {}: reprojected from {} to WGS84 longitude/latitude",
            table.name, r.name
        ));
    }
    Ok(result)
}

fn read(file: &str, db: &Connection) -> Result<Loaded, LoadError> {
    let tables = feature_tables(file, db)?;
    if tables.is_empty() {
        return Err(LoadError::NotFormat {
            file: file.to_owned(),
            format: "GeoPackage",
            message: "gpkg_contents lists no features table (it may hold only tiles or attributes)"
                .to_owned(),
        });
    }
    let mut collector = Collector::new(file);
    let several = tables.len() > 1;
    if !several {
        collector.set_name(
            tables
                .first()
                .and_then(|t| t.identifier.clone().or_else(|| Some(t.name.clone()))),
        );
    }
    let mut index = 0usize;
    for table in &tables {
        let reprojection = reprojection(file, db, table, &mut collector)?;
        let what = format!("table {} cannot be read", table.name);
        let mut statement = db
            .prepare(&format!("SELECT * FROM {}", quote(&table.name)))
            .map_err(|e| sql_error(file, &what, &e))?;
        // rusqlite panics on a column name that is not UTF-8; such a table is refused.
        let columns = crate::model::guard::catching(|| {
            statement
                .column_names()
                .map(str::to_owned)
                .collect::<Vec<String>>()
        })
        .map_err(|_| LoadError::Invalid {
            file: file.to_owned(),
            message: format!("table {}: a column's name is not UTF-8 text", table.name),
        })?;
        let Some(geometry_at) = columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(&table.geometry_column))
        else {
            return Err(LoadError::Invalid {
                file: file.to_owned(),
                message: format!(
                    "table {}: its geometry column {:?} is not among its columns ({})",
                    table.name,
                    table.geometry_column,
                    super::list(&columns)
                ),
            });
        };
        let mut rows = statement
            .query([])
            .map_err(|e| sql_error(file, &what, &e))?;
        let mut row_number = 0usize;
        loop {
            let row = match rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => return Err(sql_error(file, &what, &e)),
            };
            row_number += 1;
            let place = format!("table {}, row {row_number}", table.name);
            let mut properties = Map::new();
            if several {
                properties.insert("table".to_owned(), Value::String(table.name.clone()));
            }
            let mut geometry = Err("its geometry is null".to_owned());
            for (i, column) in columns.iter().enumerate() {
                let Ok(value) = row.get_ref(i) else {
                    continue;
                };
                if i == geometry_at {
                    if let ValueRef::Blob(blob) = value {
                        geometry = gpkg_geometry(blob);
                    } else if !matches!(value, ValueRef::Null) {
                        geometry = Err("its geometry is not a GeoPackage binary blob".to_owned());
                    }
                    continue;
                }
                let value = match value {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => {
                        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
                    }
                    ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => {
                        Value::String(format!("({} bytes of binary data)", b.len()))
                    }
                };
                properties.insert(column.clone(), value);
            }
            match geometry {
                Ok(g) => {
                    collector.push(index, &place, g, properties, reprojection.as_ref());
                }
                Err(reason) => collector.skip(index, &place, &reason),
            }
            index += 1;
        }
    }
    collector.finish()
}

/// The geometry in a GeoPackage binary blob: the "GP" header, then WKB.
fn gpkg_geometry(blob: &[u8]) -> Result<geo::Geometry<f64>, String> {
    use geo_traits::to_geo::ToGeoGeometry;
    let wkb = gpkg_wkb(blob)?.ok_or_else(|| "its geometry is empty".to_owned())?;
    let parsed =
        wkb::reader::read_wkb(wkb).map_err(|e| format!("its geometry is not valid WKB: {e}"))?;
    // The wkb crate reads a multi-geometry's parts without checking their lengths, and panics
    // when one runs past the end; that is reported as bad WKB.
    crate::model::guard::catching(|| parsed.try_to_geometry())
        .map_err(|panic| format!("its geometry is not valid WKB: {panic}"))?
        .ok_or_else(|| "its geometry is empty".to_owned())
}

/// The WKB after the GeoPackage header (`None` when the header flags an empty geometry).
///
/// Header: "GP", version (0), flags, srs_id (4 bytes), envelope. Flags: bit 0 byte order of
/// the header, bits 1–3 envelope kind (0 none, 1 xy = 32 bytes, 2 xyz and 3 xym = 48, 4 xyzm =
/// 64), bit 4 empty geometry, bit 5 extended (non-standard) geometry.
pub(crate) fn gpkg_wkb(blob: &[u8]) -> Result<Option<&[u8]>, String> {
    if blob.len() < 8 || !blob.starts_with(b"GP") {
        return Err("its geometry does not start with the GeoPackage header \"GP\"".to_owned());
    }
    let version = blob[2];
    if version != 0 {
        return Err(format!(
            "its geometry has GeoPackage binary version {version}, which this viewer does not know"
        ));
    }
    let flags = blob[3];
    if flags & 0b0010_0000 != 0 {
        return Err(
            "its geometry is an extended GeoPackage geometry, which this viewer cannot read"
                .to_owned(),
        );
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err(format!(
                "its geometry header names envelope kind {other}, which does not exist"
            ));
        }
    };
    let start = 8 + envelope;
    if blob.len() <= start {
        return if flags & 0b0001_0000 != 0 {
            Ok(None)
        } else {
            Err("its geometry ends inside its header".to_owned())
        };
    }
    if flags & 0b0001_0000 != 0 {
        return Ok(None);
    }
    Ok(blob.get(start..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_skipped_by_its_flags() {
        let wkb = [
            1u8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let mut blob = b"GP\x00\x01".to_vec();
        blob.extend_from_slice(&4326i32.to_le_bytes());
        blob.extend_from_slice(&wkb);
        assert_eq!(gpkg_wkb(&blob), Ok(Some(&wkb[..])));
        let mut with_envelope = b"GP\x00\x03".to_vec();
        with_envelope.extend_from_slice(&4326i32.to_le_bytes());
        with_envelope.extend_from_slice(&[0u8; 32]);
        with_envelope.extend_from_slice(&wkb);
        assert_eq!(gpkg_wkb(&with_envelope), Ok(Some(&wkb[..])));
        let empty = b"GP\x00\x11\xe6\x10\x00\x00";
        assert_eq!(gpkg_wkb(empty), Ok(None));
        assert!(gpkg_wkb(b"XX\x00\x01\x00\x00\x00\x00\x01").is_err());
        assert!(gpkg_wkb(b"GP\x00\x0b\x00\x00\x00\x00\x01").is_err());
    }

    #[test]
    fn cut_geometries_are_refused_without_panicking() {
        // A polygon of one ring of four positions, little-endian, after an 8-byte header.
        let mut blob = b"GP\x00\x01\xe6\x10\x00\x00".to_vec();
        blob.extend_from_slice(&[1, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0]);
        for (x, y) in [(46.0f64, 39.0f64), (47.0, 39.0), (47.0, 40.0), (46.0, 39.0)] {
            blob.extend_from_slice(&x.to_le_bytes());
            blob.extend_from_slice(&y.to_le_bytes());
        }
        assert!(matches!(
            gpkg_geometry(&blob),
            Ok(geo::Geometry::Polygon(_))
        ));
        for end in 0..blob.len() {
            assert!(gpkg_geometry(&blob[..end]).is_err(), "cut at {end}");
        }
    }
}
