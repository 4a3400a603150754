//! The spatial tables and views a user may read in a database: `geometry_columns` and
//! `geography_columns`, with the planner's estimate of their rows.

use super::connect;
use super::source::Source;

/// One spatial column of a table or view.
#[derive(Clone, Debug, PartialEq)]
pub struct SpatialTable {
    pub schema: String,
    pub table: String,
    pub column: String,
    /// `POINT`, `MULTIPOLYGON`, `GEOMETRY`…, with `(geography)` for a geography column.
    pub kind: String,
    pub srid: i32,
    /// `pg_class.reltuples`: -1 (or 0) when the table was never analysed.
    pub estimated_rows: i64,
}

impl SpatialTable {
    /// The URL of this table in the database `source` names (no password).
    pub fn url(&self, source: &Source) -> String {
        let part = |s: &str| {
            if s.contains(['.', '"', '&', '%', '#', '+', ' ']) {
                format!("\"{}\"", s.replace('"', "\"\""))
                    .replace('%', "%25")
                    .replace('&', "%26")
                    .replace('#', "%23")
                    .replace('+', "%2B")
                    .replace(' ', "%20")
            } else {
                s.to_owned()
            }
        };
        format!(
            "postgresql://{}@{}:{}/{}?table={}.{}&geometry_column={}&sslmode={}",
            source.user,
            source.host,
            source.port,
            source.database,
            part(&self.schema),
            part(&self.table),
            self.column.replace('%', "%25").replace('&', "%26"),
            source.tls.as_str()
        )
    }
}

/// The spatial tables and views of the database `source` names that its user may read,
/// by schema and name.
pub fn spatial_tables(source: &Source) -> Result<Vec<SpatialTable>, String> {
    let mut client = connect::connect(source)?;
    let rows = client
        .query(
            "SELECT s.schema, s.tab, s.col, s.kind, s.srid, \
                    coalesce(c.reltuples, -1)::int8 \
             FROM ( \
               SELECT f_table_schema::text AS schema, f_table_name::text AS tab, \
                      f_geometry_column::text AS col, type::text AS kind, srid \
               FROM geometry_columns \
               UNION ALL \
               SELECT f_table_schema::text, f_table_name::text, f_geography_column::text, \
                      type::text || ' (geography)', srid \
               FROM geography_columns) s \
             JOIN pg_namespace n ON n.nspname = s.schema \
             JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tab \
             WHERE has_table_privilege(c.oid, 'SELECT') \
             ORDER BY 1, 2, 3",
            &[],
        )
        .map_err(|e| connect::describe(source, &e, true))?;
    Ok(rows
        .iter()
        .map(|r| SpatialTable {
            schema: r.get(0),
            table: r.get(1),
            column: r.get(2),
            kind: r.get(3),
            srid: r.get(4),
            estimated_rows: r.get(5),
        })
        .collect())
}
