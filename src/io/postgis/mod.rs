//! A PostGIS table or view read into a layer, as a file is: geometry as WKB turned to WGS84
//! on the server, the other columns as properties, the primary key as the feature's `id`.
//!
//! Names from the URL are only ever bound as values (the catalog lookups) or quoted as
//! identifiers (the read), so a table name with quotes or semicolons names nothing and is
//! refused, naming the database and table.

pub mod catalog;
pub mod connect;
pub mod copy;
pub mod districts;
pub mod filter_sql;
pub mod grid;
pub mod live;
pub mod publish;
pub mod source;
mod table;
pub use table::Row;
pub mod view;
pub mod view_follower;

pub use source::{Source, TlsMode, is_database_url, redact, without_password};

use super::{Collector, LoadError, Loaded};
use std::path::Path;
use table::Table;

/// Quotes an SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads `postgresql://…?table=…` (see [`Source::parse`]); the password is looked up as libpq
/// would. Errors name the database and table.
pub fn load_url(path: &Path) -> Result<Loaded, LoadError> {
    let text = path.to_string_lossy();
    let source = Source::parse(&text).map_err(|message| LoadError::Invalid {
        file: redact(&text),
        message,
    })?;
    let label = source.label();
    let refuse = |message: String| LoadError::Invalid {
        file: redact(&text),
        message,
    };
    let mut client = connect::connect(&source).map_err(refuse)?;
    read(&mut client, &source, &label).map_err(refuse)
}

fn read(client: &mut postgres::Client, source: &Source, label: &str) -> Result<Loaded, String> {
    let table = Table::describe(client, source)?;
    let rows = view::estimated_rows(client, source, &table)?;
    if rows > source.view_above {
        // Too big to read whole: the layer asks for each view (see `view`).
        return Ok(Loaded {
            name: Some(source.table.clone()),
            features: crate::model::store::StoreBuilder::default().finish(),
            warnings: Vec::new(),
            follows_view: Some(rows),
        });
    }
    let sql = table.select(&table.order_by_key());
    let fail = |e: postgres::Error| connect::describe(source, &e, true);
    let mut collector = Collector::new(label);
    collector.set_name(Some(source.table.clone()));
    if table.key_columns.is_empty() {
        collector.warn_file(
            "it has no primary key and no id column: features are numbered by row, so changes cannot be applied by key",
        );
    }
    let mut unknown_srid = 0usize;
    let mut rows = client
        .query_raw(sql.as_str(), std::iter::empty::<&str>())
        .map_err(fail)?;
    let mut index = 0usize;
    use postgres::fallible_iterator::FallibleIterator;
    while let Some(row) = rows.next().map_err(fail)? {
        let row = table.decode(&row, index);
        match row.geometry {
            Ok(g) => {
                unknown_srid += usize::from(row.unknown_srid);
                collector.push(index, &row.place, g, row.properties, None);
            }
            Err(reason) => collector.skip(index, &row.place, &reason),
        }
        index += 1;
    }
    if unknown_srid > 0 {
        collector.warn_file(format!(
            "{unknown_srid} rows have no coordinate system (SRID 0); they are read as WGS84 longitude/latitude"
        ));
    }
    collector.finish().map_err(|e| e.to_string())
}

/// A geometry from WKB, or why it cannot be read.
/// `geometry` as little-endian WKB, as the server reads it with `ST_GeomFromWKB`.
pub(crate) fn wkb_of(geometry: &geo::Geometry<f64>) -> Result<Vec<u8>, String> {
    let mut wkb = Vec::new();
    wkb::writer::write_geometry(
        &mut wkb,
        geometry,
        &wkb::writer::WriteOptions {
            endianness: wkb::Endianness::LittleEndian,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(wkb)
}

pub(crate) fn geometry_from_wkb(bytes: &[u8]) -> Result<geo::Geometry<f64>, String> {
    use geo_traits::to_geo::ToGeoGeometry;
    let parsed =
        wkb::reader::read_wkb(bytes).map_err(|e| format!("its geometry is not valid WKB: {e}"))?;
    crate::model::guard::catching(|| parsed.try_to_geometry())
        .map_err(|panic| format!("its geometry is not valid WKB: {panic}"))?
        .ok_or_else(|| "its geometry is empty".to_owned())
}
