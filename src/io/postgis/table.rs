//! A table as the viewer reads it: its oid, columns, key and geometry column found in the
//! catalog (names bound as values), the one SELECT that reads its rows (identifiers quoted,
//! geometry as 2D WKB in WGS84 from the server), and a row decoded into a feature.

use super::{Source, connect, geometry_from_wkb, quote};
use serde_json::{Map, Value};

/// A column of the table, and how its values are read.
pub(crate) struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
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

/// The table's columns in order, with their type names.
const COLUMNS: &str = "SELECT a.attname::text, t.typname::text FROM pg_attribute a \
     JOIN pg_type t ON t.oid = a.atttypid \
     WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

/// The table's primary key columns, in the key's order.
const PRIMARY_KEY: &str = "SELECT a.attname::text FROM pg_index i \
     JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true \
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
     WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.n";

/// The rows of the catalog query `sql` about the table `oid` (bound as `$1`).
fn catalog(
    client: &mut postgres::Client,
    source: &Source,
    oid: u32,
    sql: &str,
) -> Result<Vec<postgres::Row>, String> {
    client
        .query(sql, &[&oid])
        .map_err(|e| connect::describe(source, &e, true))
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
                    crate::io::list(&names)
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
                crate::io::list(&names)
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

/// What is known of a table before its rows are read.
pub(crate) struct Table {
    pub oid: u32,
    /// `"schema"."name"`, or `"name"` when the URL names no schema.
    pub from: String,
    /// The columns naming a feature: the primary key, else an `id` column, else none.
    pub key_columns: Vec<String>,
    /// Whether the table has a column named `id` (else the key is stored as `id`).
    pub has_id_column: bool,
    geometry: String,
    /// The geometry column's name, as the catalog has it.
    pub geometry_name: String,
    properties: Vec<Column>,
}

/// One row read as a feature.
pub struct Row {
    /// The key columns' values as text, joined by commas; the row number without a key.
    pub key: String,
    /// Where messages say the row is: `row id = 7`.
    pub place: String,
    pub geometry: Result<geo::Geometry<f64>, String>,
    pub properties: Map<String, Value>,
    /// The row's geometry has no coordinate system (SRID 0).
    pub unknown_srid: bool,
}

impl Table {
    /// Looks the table up in the catalog.
    pub fn describe(client: &mut postgres::Client, source: &Source) -> Result<Self, String> {
        let oid = relation(client, source)?;
        let columns: Vec<Column> = catalog(client, source, oid, COLUMNS)?
            .iter()
            .map(|r| Column {
                name: r.get(0),
                kind: column_kind(r.get::<_, &str>(1)),
            })
            .collect();
        let geometry = geometry_column(source, &columns)?;
        let key: Vec<String> = catalog(client, source, oid, PRIMARY_KEY)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let has_id_column = columns.iter().any(|c| c.name == "id");
        let key_columns = if key.is_empty() && has_id_column {
            vec!["id".to_owned()]
        } else {
            key
        };
        let geometry_name = geometry.name.clone();
        let geometry = match geometry.kind {
            ColumnKind::Geography => format!("{}::geometry", quote(&geometry.name)),
            _ => quote(&geometry.name),
        };
        let from = match &source.schema {
            Some(s) => format!("{}.{}", quote(s), quote(&source.table)),
            None => quote(&source.table),
        };
        let properties = columns
            .into_iter()
            .filter(|c| !matches!(c.kind, ColumnKind::Geometry | ColumnKind::Geography))
            .collect();
        Ok(Table {
            oid,
            from,
            key_columns,
            has_id_column,
            geometry,
            geometry_name,
            properties,
        })
    }

    /// The property column `name`, if the table has one.
    pub fn property(&self, name: &str) -> Option<&Column> {
        self.properties.iter().find(|c| c.name == name)
    }

    /// The names of the property columns.
    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.properties.iter().map(|c| c.name.as_str())
    }

    /// The key as one text expression over `t`, the same text [`Row::key`] holds.
    pub fn key_sql(&self) -> Option<String> {
        if self.key_columns.is_empty() {
            return None;
        }
        let texts: Vec<String> = self.key_refs().map(|k| format!("{k}::text")).collect();
        Some(texts.join(" || ',' || "))
    }

    /// The key columns as `t."name"`.
    fn key_refs(&self) -> impl Iterator<Item = String> + '_ {
        self.key_columns.iter().map(|k| format!("t.{}", quote(k)))
    }

    /// The columns whose values make the key the features are stored under (their `id`
    /// property): the `id` column when there is one, else the table's key.
    pub fn store_key_columns(&self) -> Vec<String> {
        if self.has_id_column {
            vec!["id".to_owned()]
        } else {
            self.key_columns.clone()
        }
    }

    /// [`Table::store_key_columns`] as one text expression over `t`.
    pub fn store_key_sql(&self) -> Option<String> {
        if self.has_id_column {
            Some(format!("t.{}::text", quote("id")))
        } else {
            self.key_sql()
        }
    }

    /// The key a decoded row is stored under.
    pub fn store_key(&self, row: &Row) -> String {
        match row.properties.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => row.key.clone(),
            Some(other) => other.to_string(),
        }
    }

    /// `SELECT … FROM table AS t` reading every column a row needs, then `rest` (a WHERE or
    /// ORDER BY clause over `t`).
    pub fn select(&self, rest: &str) -> String {
        self.select_with_geometry(&format!("t.{}", self.geometry), rest)
    }

    /// The geometry column as an expression of type geometry (geography cast), without `t.`.
    pub fn geometry_sql(&self) -> &str {
        &self.geometry
    }

    /// [`Table::select`] with `g` (an expression over `t`) read as the geometry.
    pub fn select_with_geometry(&self, g: &str, rest: &str) -> String {
        // SRID 0 is unknown: it is read as longitude/latitude (with a warning), since
        // ST_Transform refuses it. Z and M are dropped: the map is flat.
        let wkb = format!(
            "CASE WHEN {g} IS NULL OR ST_IsEmpty({g}) THEN NULL \
             WHEN ST_SRID({g}) = 0 THEN ST_AsBinary(ST_Force2D({g})) \
             ELSE ST_AsBinary(ST_Force2D(ST_Transform({g}, 4326))) END"
        );
        let mut select = vec![
            self.key_sql().unwrap_or_else(|| "NULL::text".to_owned()),
            wkb,
            format!("ST_SRID({g})"),
            format!("{g} IS NOT NULL AND ST_IsEmpty({g})"),
        ];
        select.extend(self.properties.iter().map(select_property));
        format!(
            "SELECT {} FROM {} AS t {rest}",
            select.join(", "),
            self.from
        )
    }

    /// `ORDER BY` the key, so that rows come in a stable order.
    pub fn order_by_key(&self) -> String {
        if self.key_columns.is_empty() {
            return String::new();
        }
        format!(
            "ORDER BY {}",
            self.key_refs().collect::<Vec<_>>().join(", ")
        )
    }

    /// Row `index` (counting from 0) of what [`Table::select`] returned, as a feature.
    pub fn decode(&self, row: &postgres::Row, index: usize) -> Row {
        let key: Option<String> = row.get(0);
        let key = key.unwrap_or_else(|| (index + 1).to_string());
        let place = if self.key_columns.is_empty() {
            format!("row {key}")
        } else {
            format!("row {} = {key}", self.key_columns.join(","))
        };
        let wkb: Option<&[u8]> = row.get(1);
        let srid: Option<i32> = row.get(2);
        let empty: Option<bool> = row.get(3);
        let mut properties = Map::new();
        for (i, column) in self.properties.iter().enumerate() {
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
            properties.insert(column.name.clone(), value.unwrap_or(Value::Null));
        }
        if !self.has_id_column {
            properties.insert("id".to_owned(), Value::String(key.clone()));
        }
        let geometry = match wkb {
            None if empty == Some(true) => Err("its geometry is empty".to_owned()),
            None => Err("its geometry is NULL".to_owned()),
            Some(bytes) => geometry_from_wkb(bytes),
        };
        Row {
            key,
            place,
            geometry,
            properties,
            unknown_srid: srid == Some(0),
        }
    }
}
