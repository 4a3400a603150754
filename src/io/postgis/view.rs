//! A big table read one view at a time: each view asks the server for the rows in its box
//! (a bounding-box test on the GiST index), with their geometry simplified to the view's
//! resolution; a view holding more rows than it can draw one by one is counted on the server
//! in squares instead, every row in view counted (never cut off by a `LIMIT`), each square
//! placed at its rows' mean. Memory follows the view, not the table.

use super::Source;
use super::table::{Row, Table};
use crate::io::postgis::connect;

/// More rows than this in view are counted in squares rather than read.
pub const DETAIL_LIMIT: usize = 20_000;

/// A view, in longitude/latitude, and its resolution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewRequest {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    /// Ground metres per screen point: what geometry is simplified to.
    pub metres_per_point: f64,
    /// The side of a counting square, in degrees of longitude and latitude.
    pub cell_degrees: f64,
}

/// A square of rows counted on the server.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServerCell {
    /// The mean position of its rows (their boxes' centres), longitude/latitude.
    pub lon: f64,
    pub lat: f64,
    pub count: usize,
}

/// What the server gave for a view.
pub(crate) enum ViewAnswer {
    Rows(Vec<Row>),
    Cells(Vec<ServerCell>),
}

/// The table's estimated row count (from its statistics; no scan).
pub(crate) fn estimated_rows(
    client: &mut postgres::Client,
    source: &Source,
    table: &Table,
) -> Result<u64, String> {
    let row = client
        .query_one(
            "SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = $1",
            &[&table.oid],
        )
        .map_err(|e| connect::describe(source, &e, true))?;
    Ok(row.get::<_, f64>(0) as u64)
}

/// The SRID of the table's geometry (that of its first row with one; 4326 for geography).
pub(crate) fn srid(
    client: &mut postgres::Client,
    source: &Source,
    table: &Table,
) -> Result<i32, String> {
    let sql = format!(
        "SELECT ST_SRID(t.{g}) FROM {from} AS t WHERE t.{g} IS NOT NULL LIMIT 1",
        g = table.geometry_sql(),
        from = table.from
    );
    let row = client
        .query_opt(sql.as_str(), &[])
        .map_err(|e| connect::describe(source, &e, true))?;
    Ok(row.map_or(4326, |r| r.get(0)))
}

/// The view's box in the table's coordinates, for the index: `$1..$4` west, south, east, north.
fn envelope(srid: i32) -> String {
    match srid {
        0 => "ST_MakeEnvelope($1, $2, $3, $4)".to_owned(),
        4326 => "ST_MakeEnvelope($1, $2, $3, $4, 4326)".to_owned(),
        s => format!("ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4326), {s})"),
    }
}

/// The rows or the counted squares of one view. `on_query` is called with the query running
/// (so that a newer view can cancel it through the client's cancel token).
pub(crate) fn query_view(
    client: &mut postgres::Client,
    table: &Table,
    srid: i32,
    view: &ViewRequest,
) -> Result<ViewAnswer, postgres::Error> {
    let g = format!("t.{}", table.geometry_sql());
    let in_view = format!("{g} && {}", envelope(srid));
    let bounds = [view.west, view.south, view.east, view.north];
    let params: [&(dyn postgres::types::ToSql + Sync); 4] =
        [&bounds[0], &bounds[1], &bounds[2], &bounds[3]];
    // The planner's estimate of the rows in view, from the index's statistics: a view that
    // is surely too full is counted at once, without reading it first.
    let explain = format!("EXPLAIN SELECT 1 FROM {} AS t WHERE {in_view}", table.from);
    let plan = client.query(explain.as_str(), &params)?;
    let estimate = plan
        .first()
        .and_then(|top| planned_rows(top.get(0)))
        .unwrap_or(f64::INFINITY);
    if estimate <= DETAIL_LIMIT as f64 * 2.0 {
        // Simplified to half a point: what the view cannot show is not sent.
        let metres = view.metres_per_point / 2.0;
        let tolerance = match srid {
            0 | 4326 => metres / 111_320.0,
            _ => metres,
        };
        let simplified = format!("ST_SimplifyPreserveTopology({g}, {tolerance})");
        let sql = table.select_with_geometry(
            &simplified,
            &format!("WHERE {in_view} LIMIT {}", DETAIL_LIMIT + 1),
        );
        let rows = client.query(sql.as_str(), &params)?;
        if rows.len() <= DETAIL_LIMIT {
            return Ok(ViewAnswer::Rows(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| table.decode(r, i))
                    .collect(),
            ));
        }
    }
    // Every row in view counted, by the centre of its box, in squares of `cell_degrees`
    // (in the table's own units, so that no row is transformed).
    let cell = match srid {
        0 | 4326 => view.cell_degrees,
        _ => view.cell_degrees * 111_320.0,
    }
    .max(1e-9);
    let mean = match srid {
        0 | 4326 => "avg(x), avg(y)".to_owned(),
        s => format!(
            "ST_X(p), ST_Y(p) FROM (SELECT count(*) AS n, \
             ST_Transform(ST_SetSRID(ST_MakePoint(avg(x), avg(y)), {s}), 4326) AS p"
        ),
    };
    let inner = format!(
        "SELECT (ST_XMin({g}) + ST_XMax({g})) / 2 AS x, (ST_YMin({g}) + ST_YMax({g})) / 2 AS y \
         FROM {from} AS t WHERE {in_view}",
        from = table.from
    );
    let sql = match srid {
        0 | 4326 => format!(
            "SELECT count(*)::int8, {mean} FROM ({inner}) AS centres \
             GROUP BY floor(x / {cell}), floor(y / {cell})"
        ),
        _ => format!(
            "SELECT n::int8, {mean} FROM ({inner}) AS centres \
             GROUP BY floor(x / {cell}), floor(y / {cell})) AS cells"
        ),
    };
    let cells = client
        .query(sql.as_str(), &params)?
        .iter()
        .map(|r| ServerCell {
            count: r.get::<_, i64>(0) as usize,
            lon: r.get(1),
            lat: r.get(2),
        })
        .collect();
    Ok(ViewAnswer::Cells(cells))
}

/// The row estimate of a plan's top line: `… (cost=0.28..8.30 rows=1234 width=0)`.
fn planned_rows(line: &str) -> Option<f64> {
    let at = line.find(" rows=")? + " rows=".len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}
