//! Layers written to PostGIS tables, all in one transaction: each table with a primary key, a
//! GiST index and a column per property; publishing again replaces the tables.

use super::connect;
use super::quote;
use super::source::Source;
use crate::model::store::FeatureStore;
use serde_json::Value;

/// One layer to publish: the table's name and the features.
pub struct Table<'a> {
    pub name: String,
    pub features: &'a FeatureStore,
}

/// What one table holds after publishing.
#[derive(Debug, PartialEq, Eq)]
pub struct Published {
    pub table: String,
    pub rows: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    Bool,
    Integer,
    Float,
    Text,
    Json,
}

impl Kind {
    fn of(value: &Value) -> Kind {
        match value {
            Value::Null => Kind::Empty,
            Value::Bool(_) => Kind::Bool,
            Value::Number(n) if n.is_i64() => Kind::Integer,
            Value::Number(_) => Kind::Float,
            Value::String(_) => Kind::Text,
            _ => Kind::Json,
        }
    }

    /// The kind a column needs to hold values of both kinds.
    fn join(self, other: Kind) -> Kind {
        use Kind::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Empty, b) | (b, Empty) => b,
            (Integer, Float) | (Float, Integer) => Float,
            _ => Json,
        }
    }

    fn sql_type(self) -> &'static str {
        match self {
            Kind::Empty | Kind::Text => "text",
            Kind::Bool => "boolean",
            Kind::Integer => "bigint",
            Kind::Float => "double precision",
            Kind::Json => "jsonb",
        }
    }

    /// The value as the text the column's type reads (`$n::text::type`).
    fn text(self, value: &Value) -> Option<String> {
        match (self, value) {
            (_, Value::Null) => None,
            (Kind::Json, v) => Some(v.to_string()),
            (_, Value::String(s)) => Some(s.clone()),
            (_, v) => Some(v.to_string()),
        }
    }
}

/// A table's columns: the properties in the order first seen, each with its kind.
fn columns(features: &FeatureStore) -> Vec<(String, Kind)> {
    let mut columns: Vec<(String, Kind)> = Vec::new();
    for feature in features.iter() {
        for (key, value) in feature.properties_json() {
            let kind = Kind::of(&value);
            match columns.iter_mut().find(|(k, _)| *k == key) {
                Some(column) => column.1 = column.1.join(kind),
                None => columns.push((key, kind)),
            }
        }
    }
    columns
}

/// Whether every feature has an `id`, and no two the same: then it is the primary key.
fn ids_are_keys(features: &FeatureStore) -> bool {
    let mut seen = std::collections::HashSet::new();
    features
        .iter()
        .all(|f| f.text("id").is_some_and(|id| seen.insert(id)))
}

/// Writes `tables` into `schema` of the database `url` names, replacing tables of the same
/// names, in one transaction: all are published or none.
pub fn publish(url: &str, schema: &str, tables: &[Table<'_>]) -> Result<Vec<Published>, String> {
    let source = Source::parse_database(url)?;
    let mut client = connect::connect(&source)?;
    let label = source.label();
    let fail = |what: &str, e: postgres::Error| {
        format!(
            "{what}: {}",
            connect::describe(&source, &e, true)
                .trim_start_matches(&format!("{label}: "))
                .to_owned()
        )
    };
    let mut tx = client
        .transaction()
        .map_err(|e| fail(&format!("{label}: cannot begin"), e))?;
    tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", quote(schema)))
        .map_err(|e| fail(&format!("{label}, schema {schema}"), e))?;
    let mut done = Vec::new();
    for table in tables {
        let place = format!("{label}, table {schema}.{}", table.name);
        let columns = columns(table.features);
        let keyed = ids_are_keys(table.features);
        let geometry = if columns.iter().any(|(c, _)| c == "geom") {
            "geometry"
        } else {
            "geom"
        };
        let qualified = format!("{}.{}", quote(schema), quote(&table.name));
        let mut definition: Vec<String> = Vec::new();
        if !keyed {
            definition.push("fid bigint PRIMARY KEY".to_owned());
        }
        for (name, kind) in &columns {
            let key = if keyed && name == "id" {
                " PRIMARY KEY"
            } else {
                ""
            };
            definition.push(format!("{} {}{key}", quote(name), kind.sql_type()));
        }
        definition.push(format!(
            "{} geometry(Geometry, 4326) NOT NULL",
            quote(geometry)
        ));
        let index = quote(&format!("{}_{geometry}_gist", table.name));
        tx.batch_execute(&format!(
            "DROP TABLE IF EXISTS {qualified} CASCADE; CREATE TABLE {qualified} ({}); \
             CREATE INDEX {index} ON {qualified} USING gist ({})",
            definition.join(", "),
            quote(geometry)
        ))
        .map_err(|e| fail(&place, e))?;
        let mut names: Vec<String> = Vec::new();
        let mut values: Vec<String> = Vec::new();
        if !keyed {
            names.push("fid".to_owned());
            values.push("$1::text::bigint".to_owned());
        }
        for (name, kind) in &columns {
            names.push(quote(name));
            values.push(format!("${}::text::{}", values.len() + 1, kind.sql_type()));
        }
        names.push(quote(geometry));
        values.push(format!("ST_GeomFromWKB(${}, 4326)", values.len() + 1));
        let insert = tx
            .prepare(&format!(
                "INSERT INTO {qualified} ({}) VALUES ({})",
                names.join(", "),
                values.join(", ")
            ))
            .map_err(|e| fail(&place, e))?;
        let mut rows = 0usize;
        for (n, feature) in table.features.iter().enumerate() {
            let properties = feature.properties_json();
            let mut texts: Vec<Option<String>> = Vec::new();
            if !keyed {
                texts.push(Some((n + 1).to_string()));
            }
            for (name, kind) in &columns {
                texts.push(properties.get(name).and_then(|v| kind.text(v)));
            }
            let wkb = super::wkb_of(&feature.lonlat()).map_err(|e| {
                format!("{place}: feature {n}: its geometry cannot be written: {e}")
            })?;
            let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                texts.iter().map(|t| t as _).collect();
            params.push(&wkb);
            tx.execute(&insert, &params)
                .map_err(|e| fail(&format!("{place}, feature {n}"), e))?;
            rows += 1;
        }
        tx.batch_execute(&format!("ANALYZE {qualified}"))
            .map_err(|e| fail(&place, e))?;
        done.push(Published {
            table: format!("{schema}.{}", table.name),
            rows,
        });
    }
    tx.commit()
        .map_err(|e| fail(&format!("{label}: cannot commit"), e))?;
    Ok(done)
}
