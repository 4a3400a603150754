//! A PostGIS table or view read into a layer, as a file is: geometry as WKB turned to WGS84
//! on the server, the other columns as properties, the primary key as the feature's `id`.
//!
//! Names from the URL are only ever bound as values (the catalog lookups) or quoted as
//! identifiers (the read), so a table name with quotes or semicolons names nothing and is
//! refused, naming the database and table.

pub mod catalog;
pub mod connect;
pub mod publish;
pub mod source;

pub use source::{Source, TlsMode, is_database_url, redact, without_password};

use super::{Collector, LoadError, Loaded};
use serde_json::{Map, Value};
use std::path::Path;

/// Quotes an SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A column of the table, and how its values are read.
struct Column {
    name: String,
    kind: ColumnKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Integer,
    Float,
    Bool,
    Json,
    Text,
    Geometry,
    Geography,
}

fn column_kind(type_name: &str) -> ColumnKind {
    match type_name {
        "int2" | "int4" | "int8" | "oid" => ColumnKind::Integer,
        "float4" | "float8" | "numeric" => ColumnKind::Float,
        "bool" => ColumnKind::Bool,
        "json" | "jsonb" => ColumnKind::Json,
        "geometry" => ColumnKind::Geometry,
        "geography" => ColumnKind::Geography,
        _ => ColumnKind::Text,
    }
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

/// The table's oid, found by binding its schema and name as values.
fn relation(client: &mut postgres::Client, source: &Source) -> Result<u32, String> {
    let fail = |e: postgres::Error| connect::describe(source, &e, true);
    let row = match &source.schema {
        Some(schema) => client.query_opt(
            "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','v','m','p','f')",
            &[schema, &source.table],
        ),
        None => client.query_opt(
            "SELECT c.oid FROM pg_class c WHERE c.relname = $1 \
             AND c.relkind IN ('r','v','m','p','f') AND pg_table_is_visible(c.oid)",
            &[&source.table],
        ),
    }
    .map_err(fail)?;
    match row {
        Some(row) => Ok(row.get(0)),
        None => Err(format!(
            "{}: there is no such table or view (or user {:?} may not see it)",
            source.label(),
            source.user
        )),
    }
}

fn columns(
    client: &mut postgres::Client,
    source: &Source,
    oid: u32,
) -> Result<Vec<Column>, String> {
    let rows = client
        .query(
            "SELECT a.attname::text, t.typname::text FROM pg_attribute a \
             JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&oid],
        )
        .map_err(|e| connect::describe(source, &e, true))?;
    Ok(rows
        .iter()
        .map(|r| Column {
            name: r.get(0),
            kind: column_kind(r.get::<_, &str>(1)),
        })
        .collect())
}

fn primary_key(
    client: &mut postgres::Client,
    source: &Source,
    oid: u32,
) -> Result<Vec<String>, String> {
    let rows = client
        .query(
            "SELECT a.attname::text FROM pg_index i \
             JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
             WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.n",
            &[&oid],
        )
        .map_err(|e| connect::describe(source, &e, true))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The geometry column: the one named, or the table's only geometry or geography column.
fn geometry_column<'a>(source: &Source, columns: &'a [Column]) -> Result<&'a Column, String> {
    let spatial: Vec<&Column> = columns
        .iter()
        .filter(|c| matches!(c.kind, ColumnKind::Geometry | ColumnKind::Geography))
        .collect();
    let names: Vec<String> = spatial.iter().map(|c| c.name.clone()).collect();
    match &source.geometry_column {
        Some(wanted) => spatial
            .iter()
            .find(|c| &c.name == wanted)
            .copied()
            .ok_or_else(|| {
                format!(
                    "{}: has no geometry or geography column {wanted:?} (it has: {})",
                    source.label(),
                    super::list(&names)
                )
            }),
        None => match spatial.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "{}: has no geometry or geography column",
                source.label()
            )),
            _ => Err(format!(
                "{}: has several geometry columns ({}); choose one with geometry_column=",
                source.label(),
                super::list(&names)
            )),
        },
    }
}

/// The SELECT list entry reading a property column by its kind.
fn select_property(column: &Column) -> String {
    let q = quote(&column.name);
    match column.kind {
        ColumnKind::Integer => format!("{q}::int8"),
        ColumnKind::Float => format!("{q}::float8"),
        ColumnKind::Bool => q,
        ColumnKind::Json => format!("{q}::text"),
        _ => format!("{q}::text"),
    }
}

fn read(client: &mut postgres::Client, source: &Source, label: &str) -> Result<Loaded, String> {
    let oid = relation(client, source)?;
    let columns = columns(client, source, oid)?;
    let geometry = geometry_column(source, &columns)?;
    let key = primary_key(client, source, oid)?;
    let key_columns: Vec<String> = if key.is_empty() {
        columns
            .iter()
            .filter(|c| c.name == "id")
            .map(|c| c.name.clone())
            .collect()
    } else {
        key
    };
    let g = match geometry.kind {
        ColumnKind::Geography => format!("{}::geometry", quote(&geometry.name)),
        _ => quote(&geometry.name),
    };
    // SRID 0 is unknown: it is read as longitude/latitude (with a warning), since ST_Transform
    // refuses it. Z and M are dropped: the map is flat.
    let wkb = format!(
        "CASE WHEN {g} IS NULL OR ST_IsEmpty({g}) THEN NULL \
         WHEN ST_SRID({g}) = 0 THEN ST_AsBinary(ST_Force2D({g})) \
         ELSE ST_AsBinary(ST_Force2D(ST_Transform({g}, 4326))) END"
    );
    let key_sql = if key_columns.is_empty() {
        "NULL::text".to_owned()
    } else {
        key_columns
            .iter()
            .map(|k| format!("{}::text", quote(k)))
            .collect::<Vec<_>>()
            .join(" || ',' || ")
    };
    let properties: Vec<&Column> = columns
        .iter()
        .filter(|c| !matches!(c.kind, ColumnKind::Geometry | ColumnKind::Geography))
        .collect();
    let mut select = vec![
        key_sql,
        wkb,
        format!("ST_SRID({g})"),
        format!("{g} IS NOT NULL AND ST_IsEmpty({g})"),
    ];
    select.extend(properties.iter().map(|c| select_property(c)));
    let table = match &source.schema {
        Some(s) => format!("{}.{}", quote(s), quote(&source.table)),
        None => quote(&source.table),
    };
    let order = if key_columns.is_empty() {
        String::new()
    } else {
        format!(
            " ORDER BY {}",
            key_columns
                .iter()
                .map(|k| format!("t.{}", quote(k)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    // `t.` keeps ORDER BY on the table's column: the key also names an output column.
    let sql = format!("SELECT {} FROM {table} AS t{order}", select.join(", "));
    let fail = |e: postgres::Error| connect::describe(source, &e, true);
    let mut collector = Collector::new(label);
    collector.set_name(Some(source.table.clone()));
    if key_columns.is_empty() {
        collector.warn_file(
            "it has no primary key and no id column: features are numbered by row, so changes cannot be applied by key",
        );
    }
    let has_id_column = columns.iter().any(|c| c.name == "id");
    let mut unknown_srid = 0usize;
    let mut rows = client
        .query_raw(sql.as_str(), std::iter::empty::<&str>())
        .map_err(fail)?;
    let mut index = 0usize;
    use postgres::fallible_iterator::FallibleIterator;
    while let Some(row) = rows.next().map_err(fail)? {
        let key: Option<String> = row.get(0);
        let key = key.unwrap_or_else(|| (index + 1).to_string());
        let place = format!("row {} = {key}", key_columns.join(","));
        let place = if key_columns.is_empty() {
            format!("row {key}")
        } else {
            place
        };
        let wkb: Option<&[u8]> = row.get(1);
        let srid: Option<i32> = row.get(2);
        let empty: Option<bool> = row.get(3);
        let mut props = Map::new();
        for (i, column) in properties.iter().enumerate() {
            let at = i + 4;
            let value = match column.kind {
                ColumnKind::Integer => row.get::<_, Option<i64>>(at).map(Value::from),
                ColumnKind::Float => row
                    .get::<_, Option<f64>>(at)
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
                ColumnKind::Bool => row.get::<_, Option<bool>>(at).map(Value::Bool),
                ColumnKind::Json => row
                    .get::<_, Option<String>>(at)
                    .map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t))),
                _ => row.get::<_, Option<String>>(at).map(Value::String),
            };
            props.insert(column.name.clone(), value.unwrap_or(Value::Null));
        }
        if !has_id_column {
            props.insert("id".to_owned(), Value::String(key.clone()));
        }
        match wkb {
            None if empty == Some(true) => collector.skip(index, &place, "its geometry is empty"),
            None => collector.skip(index, &place, "its geometry is NULL"),
            Some(bytes) => match geometry_from_wkb(bytes) {
                Ok(g) => {
                    if srid == Some(0) {
                        unknown_srid += 1;
                    }
                    collector.push(index, &place, g, props, None);
                }
                Err(reason) => collector.skip(index, &place, &reason),
            },
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
pub(crate) fn geometry_from_wkb(bytes: &[u8]) -> Result<geo::Geometry<f64>, String> {
    use geo_traits::to_geo::ToGeoGeometry;
    let parsed =
        wkb::reader::read_wkb(bytes).map_err(|e| format!("its geometry is not valid WKB: {e}"))?;
    crate::model::guard::catching(|| parsed.try_to_geometry())
        .map_err(|panic| format!("its geometry is not valid WKB: {panic}"))?
        .ok_or_else(|| "its geometry is empty".to_owned())
}
