//! A big table read one view at a time: each view asks the server for the rows in its box
//! (a bounding-box test on the GiST index), with their geometry simplified to the view's
//! resolution; a view holding more rows than it can draw one by one is counted on the server
//! in squares instead, every row in view counted (never cut off by a `LIMIT`), each square
//! placed at its rows' mean. Memory follows the view, not the table.

use super::Source;
use super::filter_sql::{Condition, ViewFilter};
use super::grid::Grid;
use super::table::{Row, Table};
use crate::io::postgis::connect;

/// More rows than this in view are counted in squares rather than read.
pub const DETAIL_LIMIT: usize = 20_000;

/// A view, in longitude/latitude, its resolution, and the filter its rows pass.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewRequest {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    /// Ground metres per screen point: what geometry is simplified to.
    pub metres_per_point: f64,
    /// The side of a counting square, in degrees of longitude and latitude.
    pub cell_degrees: f64,
    /// Rows this filter hides are neither read nor counted.
    pub filter: ViewFilter,
}

impl ViewRequest {
    /// What `view` of `viewport` shows: its box, and counting squares as wide as a cluster's
    /// cell on screen (in degrees of longitude).
    pub fn of(view: &crate::model::view::MapView, viewport: egui::Rect) -> Self {
        use crate::model::projection::{lonlat_from_world, world_from_lonlat};
        let bounds = view.visible_bounds(viewport);
        let [west, south] = lonlat_from_world(bounds.min);
        let [east, north] = lonlat_from_world(bounds.max);
        let cell_m =
            f64::from(crate::model::layer::clusters::CLUSTER_CELL_POINTS) * view.metres_per_point;
        let degree = world_from_lonlat([1.0, 0.0])[0] - world_from_lonlat([0.0, 0.0])[0];
        ViewRequest {
            west,
            south,
            east,
            north,
            metres_per_point: view.metres_per_point,
            cell_degrees: cell_m / degree,
            filter: ViewFilter::default(),
        }
    }
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
pub enum ViewAnswer {
    Rows(Vec<Row>),
    /// Counted by a scan of the rows in view.
    Cells(Vec<ServerCell>),
    /// Read from the counts the database keeps (see `grid`).
    Kept(Vec<ServerCell>),
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
pub(crate) fn envelope(srid: i32) -> String {
    match srid {
        0 => "ST_MakeEnvelope($1, $2, $3, $4)".to_owned(),
        4326 => "ST_MakeEnvelope($1, $2, $3, $4, 4326)".to_owned(),
        s => format!("ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4326), {s})"),
    }
}

/// The rows or the counted squares of one view.
pub(crate) fn query_view(
    client: &mut postgres::Client,
    table: &Table,
    shape: &Shape,
    view: &ViewRequest,
) -> Result<ViewAnswer, postgres::Error> {
    let srid = shape.srid;
    let g = format!("t.{}", table.geometry_sql());
    // A view holding the whole table needs no box test: all of it is read in one scan,
    // which is quicker than the index (3.5 s against 2.7 s on 10 million points).
    // The extent is estimated: only a view with a tenth to spare on each side counts as whole.
    let whole = shape.extent.is_some_and(|[w, s, e, n]| {
        let (dx, dy) = ((e - w) / 10.0, (n - s) / 10.0);
        view.west <= w - dx && view.south <= s - dy && view.east >= e + dx && view.north >= n + dy
    });
    let bounds = [view.west, view.south, view.east, view.north];
    let (in_box, first) = if whole {
        (String::new(), 1)
    } else {
        (format!("{g} && {} AND ", envelope(srid)), 5)
    };
    let condition = Condition::of(table, &view.filter, first);
    let in_view = format!("{in_box}{}", condition.sql);
    let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = Vec::new();
    if !whole {
        params.extend(
            bounds
                .iter()
                .map(|b| b as &(dyn postgres::types::ToSql + Sync)),
        );
    }
    params.extend(condition.values.iter().map(|v| &**v));
    let params = params.as_slice();
    // The planner's estimate of the rows in view, from the index's statistics: a view that
    // is surely too full is counted at once, without reading it first.
    let explain = format!("EXPLAIN SELECT 1 FROM {} AS t WHERE {in_view}", table.from);
    let plan = client.query(explain.as_str(), params)?;
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
        let rows = client.query(sql.as_str(), params)?;
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
    let cell = (view.cell_degrees * super::grid::unit(srid)).max(1e-9);
    // Counts the database keeps answer at once, when they hold what this view needs.
    if let Some(grid) = &shape.grid
        && condition.sql == "true"
        && let Some(level) = grid.level_for(cell)
    {
        let cells = grid.cells(client, srid, level, (!whole).then_some(bounds))?;
        return Ok(ViewAnswer::Kept(cells));
    }
    let (x, y) = centre(&g, shape.points);
    let inner = format!(
        "SELECT {x} AS x, {y} AS y FROM {from} AS t WHERE {in_view}",
        from = table.from
    );
    let squares = format!(
        "SELECT count(*)::int8 AS n, avg(x) AS x, avg(y) AS y FROM ({inner}) AS centres \
         WHERE x IS NOT NULL GROUP BY floor(x / {cell}), floor(y / {cell})"
    );
    let sql = means_in_lonlat(&squares, srid);
    Ok(ViewAnswer::Cells(cells_of(
        &client.query(sql.as_str(), params)?,
    )))
}

/// The squares of a query whose rows are `n, longitude, latitude`.
pub(crate) fn cells_of(rows: &[postgres::Row]) -> Vec<ServerCell> {
    rows.iter()
        .map(|r| ServerCell {
            count: r.get::<_, i64>(0) as usize,
            lon: r.get(1),
            lat: r.get(2),
        })
        .collect()
}

/// Where a row is counted: a point's own coordinates (read 1.7 times as fast as a box's
/// centre), else its box's centre, in the table's units.
pub(crate) fn centre(g: &str, points: bool) -> (String, String) {
    if points {
        (format!("ST_X({g})"), format!("ST_Y({g})"))
    } else {
        (
            format!("(ST_XMin({g}) + ST_XMax({g})) / 2"),
            format!("(ST_YMin({g}) + ST_YMax({g})) / 2"),
        )
    }
}

/// `squares` (rows of `n, x, y` in the table's units) with their means in longitude/latitude:
/// only the squares' means are transformed, never the rows.
pub(crate) fn means_in_lonlat(squares: &str, srid: i32) -> String {
    match srid {
        0 | 4326 => squares.to_owned(),
        s => format!(
            "SELECT n, ST_X(p), ST_Y(p) FROM (SELECT n, \
             ST_Transform(ST_SetSRID(ST_MakePoint(x, y), {s}), 4326) AS p FROM ({squares}) AS q) AS m"
        ),
    }
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

/// What the counting query needs to know of a table's geometry.
pub(crate) struct Shape {
    pub srid: i32,
    /// The column is declared as points (`geometry(Point, …)`).
    pub points: bool,
    /// The table's extent in longitude/latitude, from its statistics, when it has them.
    pub extent: Option<[f64; 4]>,
    /// The counts the database keeps for the table, if it has been prepared for them.
    pub grid: Option<Grid>,
}

/// Whether the geometry column is declared as points, and the table's schema and name as the
/// catalog has them.
pub(crate) fn declared_points(
    client: &mut postgres::Client,
    source: &Source,
    table: &Table,
) -> Result<(bool, String, String), String> {
    let row = client
        .query_one(
            "SELECT postgis_typmod_type(a.atttypmod), n.nspname::text, c.relname::text \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE a.attrelid = $1 AND a.attname = $2",
            &[&table.oid, &table.geometry_name],
        )
        .map_err(|e| connect::describe(source, &e, true))?;
    let declared: Option<String> = row.get(0);
    let points = declared
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("point"));
    Ok((points, row.get(1), row.get(2)))
}

fn shape(client: &mut postgres::Client, source: &Source, table: &Table) -> Result<Shape, String> {
    let srid = srid(client, source, table)?;
    let (points, schema, name) = declared_points(client, source, table)?;
    // From the statistics ANALYZE keeps; NULL (with a notice) when there are none.
    let extent = client
        .query_opt(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) \
             FROM (SELECT ST_EstimatedExtent($1, $2, $3)::geometry AS b) AS e WHERE b IS NOT NULL",
            &[&schema, &name, &table.geometry_name],
        )
        .ok()
        .flatten()
        .map(|r| [r.get::<_, f64>(0), r.get(1), r.get(2), r.get(3)])
        .filter(|_| srid == 4326 || srid == 0);
    let grid = Grid::find(client, &schema, &name, srid)
        .map_err(|e| connect::describe(source, &e, true))?;
    Ok(Shape {
        srid,
        points,
        extent,
        grid,
    })
}

/// A connection to one table, ready to answer views.
pub struct ViewSession {
    client: postgres::Client,
    table: Table,
    shape: Shape,
    source: Source,
}

impl ViewSession {
    /// Connects, and looks the table up.
    pub fn open(source: &Source) -> Result<Self, String> {
        let mut client = connect::connect(source)?;
        let table = Table::describe(&mut client, source)?;
        let shape = shape(&mut client, source, &table)?;
        Ok(ViewSession {
            client,
            table,
            shape,
            source: source.clone(),
        })
    }

    /// Whether the table has counts the database keeps (see `grid`).
    pub fn has_grid(&self) -> bool {
        self.shape.grid.is_some()
    }

    /// Counts every view by scanning the table, as if it had no grid (to compare the two).
    pub fn without_grid(&mut self) {
        self.shape.grid = None;
    }

    /// Whether the connection has been lost.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// What cancels the query running on this connection.
    pub fn cancel_token(&self) -> postgres::CancelToken {
        self.client.cancel_token()
    }

    /// The rows or the counted squares of `view`.
    pub fn query(&mut self, view: &ViewRequest) -> Result<ViewAnswer, postgres::Error> {
        query_view(&mut self.client, &self.table, &self.shape, view)
    }

    /// The table's extent in longitude/latitude (`[west, south, east, north]`), from its
    /// statistics when it has them, else by reading every row's box.
    pub fn extent(&mut self) -> Result<Option<[f64; 4]>, String> {
        let g = format!("t.{}", self.table.geometry_sql());
        if let Some(extent) = self.shape.extent {
            return Ok(Some(extent));
        }
        let boxed = match self.shape.srid {
            0 | 4326 => format!("ST_Extent({g})::geometry"),
            s => format!("ST_Transform(ST_SetSRID(ST_Extent({g})::geometry, {s}), 4326)"),
        };
        let sql = format!(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT {boxed} AS b FROM {} AS t) AS e",
            self.table.from
        );
        let row = self
            .client
            .query_one(sql.as_str(), &[])
            .map_err(|e| connect::describe(&self.source, &e, true))?;
        Ok(match (row.get(0), row.get(1), row.get(2), row.get(3)) {
            (Some(w), Some(s), Some(e), Some(n)) => Some([w, s, e, n]),
            _ => None,
        })
    }

    /// The row stored under `key` (see `Table::store_key`) as it is in the table, its
    /// geometry not simplified; `None` when there is no such row, or it has no key.
    pub fn full_row(&mut self, key: &str) -> Result<Option<Row>, String> {
        let Some(key_sql) = self.table.store_key_sql() else {
            return Ok(None);
        };
        let sql = self
            .table
            .select(&format!("WHERE ({key_sql}) = $1 LIMIT 1"));
        let row = self
            .client
            .query_opt(sql.as_str(), &[&key])
            .map_err(|e| connect::describe(&self.source, &e, true))?;
        Ok(row.map(|r| self.table.decode(&r, 0)))
    }

    /// The kinds and numeric extents of the whole table, for the filter's choices.
    pub fn choices(&mut self) -> Result<crate::model::filter::FilterChoices, String> {
        super::filter_sql::choices(&mut self.client, &self.table)
            .map_err(|e| connect::describe(&self.source, &e, true))
    }

    /// Each district's id and the rows of the whole table it holds.
    pub fn district_counts(
        &mut self,
        districts: &[super::districts::District],
    ) -> Result<Vec<(String, usize)>, String> {
        super::districts::count(
            &mut self.client,
            &self.table,
            self.shape.srid,
            self.shape.points,
            districts,
        )
        .map_err(|e| connect::describe(&self.source, &e, true))
    }

    pub fn label(&self) -> String {
        self.source.label()
    }
}
