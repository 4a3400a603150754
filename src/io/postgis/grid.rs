//! A count the database keeps for a big table: its rows counted in squares at every zoom band
//! (a grid table beside it, kept current by statement triggers on the table), so that a
//! zoomed-out view reads a few hundred squares instead of counting millions of rows. Made by
//! the table's owner with `karabakh-atlas prepare`; a viewer only reads it.
//!
//! Squares are those a scan counts (`floor(x / side)`, by a point's own coordinates or a
//! box's centre, in the table's units), so the grid and a scan agree square by square. A
//! view answered from the grid shows whole squares: one on the view's edge counts its rows
//! beyond the edge too.

use super::table::Table;
use super::view::{ServerCell, cells_of, centre, envelope};
use super::{Source, connect, quote};
use std::time::{Duration, Instant};

/// Zoom bands kept: squares of `unit / 2^level` for level 0 to `LEVELS - 1` (1° down to
/// 1/512°, about 200 m, for longitude/latitude). Finer views count by scan: they hold few
/// enough rows for it.
pub const LEVELS: i32 = 10;

/// The grid table of a table, when it has one: its name and unit.
#[derive(Clone, Debug)]
pub(crate) struct Grid {
    /// `"schema"."name_atlas_grid"`.
    pub from: String,
    /// The side of a level-0 square, in the table's units.
    pub unit: f64,
}

/// The grid table's name for the table `name`.
fn grid_name(name: &str) -> String {
    format!("{name}_atlas_grid")
}

/// The side of a level-0 square: one degree, or its length in metres for projected tables.
pub(crate) fn unit(srid: i32) -> f64 {
    match srid {
        0 | 4326 => 1.0,
        _ => 111_320.0,
    }
}

impl Grid {
    /// The grid of the table `schema`.`name`, if it has been made.
    pub fn find(
        client: &mut postgres::Client,
        schema: &str,
        name: &str,
        srid: i32,
    ) -> Result<Option<Grid>, postgres::Error> {
        let from = format!("{}.{}", quote(schema), quote(&grid_name(name)));
        let found: Option<String> = client
            .query_one("SELECT to_regclass($1)::text", &[&from])?
            .get(0);
        Ok(found.map(|_| Grid {
            from,
            unit: unit(srid),
        }))
    }

    /// The level whose squares are the narrowest no narrower than `side` (table units), if the
    /// grid keeps one that fine. Not narrower: a view then holds at most as many squares as a
    /// scan would count (at 1:100,000 the next finer level gave 2,835 badges, and frames of
    /// 22 ms at p95, painting their counts).
    pub fn level_for(&self, side: f64) -> Option<i32> {
        let level = (self.unit / side).log2().floor().max(0.0);
        (level.is_finite() && level < f64::from(LEVELS)).then_some(level as i32)
    }

    /// The squares of `level` meeting the view's box (`$1..$4` west, south, east, north in
    /// longitude/latitude; no box reads them all), each with its count and its rows' mean.
    pub fn cells(
        &self,
        client: &mut postgres::Client,
        srid: i32,
        level: i32,
        bounds: Option<[f64; 4]>,
    ) -> Result<Vec<ServerCell>, postgres::Error> {
        let side = self.unit / f64::from(1u32 << level);
        let squares = match bounds {
            Some(_) => format!(
                "SELECT n, sx / n AS x, sy / n AS y FROM {grid}, \
                 (SELECT {e} AS e) AS b \
                 WHERE level = {level} AND n > 0 \
                 AND ix BETWEEN floor(ST_XMin(e) / {side}) AND floor(ST_XMax(e) / {side}) \
                 AND iy BETWEEN floor(ST_YMin(e) / {side}) AND floor(ST_YMax(e) / {side})",
                grid = self.from,
                e = envelope(srid)
            ),
            None => format!(
                "SELECT n, sx / n AS x, sy / n AS y FROM {} WHERE level = {level} AND n > 0",
                self.from
            ),
        };
        let sql = super::view::means_in_lonlat(&squares, srid);
        let b = bounds.unwrap_or_default();
        let params: [&(dyn postgres::types::ToSql + Sync); 4] = [&b[0], &b[1], &b[2], &b[3]];
        let params = if bounds.is_some() { &params[..] } else { &[] };
        Ok(cells_of(&client.query(sql.as_str(), params)?))
    }
}

/// What `prepare` made.
#[derive(Debug)]
pub struct Prepared {
    /// `schema.name_atlas_grid`.
    pub grid: String,
    /// Rows counted, and squares kept over all levels.
    pub rows: i64,
    pub squares: i64,
    pub took: Duration,
}

/// Makes (or makes again) the grid of the table `source` names, and the triggers that keep it
/// current, in one transaction; the roles that may read the table may read the grid. Needs
/// the table's owner.
pub fn prepare(source: &Source) -> Result<Prepared, String> {
    let start = Instant::now();
    let mut client = connect::connect(source)?;
    let fail = |e: postgres::Error| connect::describe(source, &e, true);
    let table = Table::describe(&mut client, source)?;
    let row = client
        .query_one(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1",
            &[&table.oid],
        )
        .map_err(fail)?;
    let (schema, name, relkind): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    if !matches!(relkind.as_str(), "r" | "p") {
        return Err(format!(
            "{}: is a view, not a table: the grid is kept by triggers on a table",
            source.label()
        ));
    }
    let grid_table = grid_name(&name);
    if grid_table.len() > 63 {
        return Err(format!(
            "{}: the table's name is too long for a grid table beside it ({grid_table:?} is \
             over PostgreSQL's 63 bytes)",
            source.label()
        ));
    }
    let srid = super::view::srid(&mut client, source, &table)?;
    let (points, _, _) = super::view::declared_points(&mut client, source, &table)?;
    let grid = format!("{}.{}", quote(&schema), quote(&grid_table));
    let function = format!(
        "{}.{}",
        quote(&schema),
        quote(&format!("{name}_atlas_grid_sync"))
    );
    let unit = unit(srid);
    let (x, y) = centre(&format!("t.{}", table.geometry_sql()), points);
    let finest = LEVELS - 1;
    let add = |relation: &str, sign: i32| {
        format!(
            "INSERT INTO {grid} AS g (level, ix, iy, n, sx, sy) \
             SELECT l, floor(x / ({unit} / power(2.0::float8, l)))::int4, \
                    floor(y / ({unit} / power(2.0::float8, l)))::int4, \
                    {sign} * count(*), {sign} * sum(x), {sign} * sum(y) \
             FROM (SELECT {x} AS x, {y} AS y FROM {relation} AS t) AS p, \
                  generate_series(0, {finest}) AS l \
             WHERE x IS NOT NULL AND y IS NOT NULL GROUP BY 1, 2, 3 \
             ON CONFLICT (level, ix, iy) DO UPDATE SET n = g.n + excluded.n, \
               sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;"
        )
    };
    let finest_side = unit / f64::from(1u32 << finest);
    let mut sql = format!(
        "SET LOCAL statement_timeout = 0;
         DROP TABLE IF EXISTS {grid};
         CREATE TABLE {grid} (level int4, ix int4, iy int4, n int8, sx float8, sy float8,
           PRIMARY KEY (level, ix, iy));
         INSERT INTO {grid} SELECT {finest}, floor(x / {finest_side})::int4,
             floor(y / {finest_side})::int4, count(*), sum(x), sum(y)
           FROM (SELECT {x} AS x, {y} AS y FROM {from} AS t) AS p
           WHERE x IS NOT NULL AND y IS NOT NULL GROUP BY 2, 3;",
        from = table.from
    );
    // Each coarser level from the one below: floor(floor(x / s) / 2) = floor(x / 2s).
    for level in (0..finest).rev() {
        sql.push_str(&format!(
            "INSERT INTO {grid} SELECT {level}, floor(ix / 2.0)::int4, floor(iy / 2.0)::int4,
               sum(n), sum(sx), sum(sy) FROM {grid} WHERE level = {below} GROUP BY 2, 3;",
            below = level + 1
        ));
    }
    // Squares left at zero rows are kept (and skipped when read): removing them would scan
    // the grid at every change.
    sql.push_str(&format!(
        "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
         BEGIN
           IF TG_OP = 'TRUNCATE' THEN
             DELETE FROM {grid};
             RETURN NULL;
           END IF;
           IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove} END IF;
           IF TG_OP IN ('INSERT', 'UPDATE') THEN {insert} END IF;
           RETURN NULL;
         END $body$;",
        remove = add("old_rows", -1),
        insert = add("new_rows", 1),
    ));
    let on = &table.from;
    let trigger = |what: &str| quote(&format!("{name}_atlas_grid_{what}"));
    for (what, referencing) in [
        ("insert", "REFERENCING NEW TABLE AS new_rows"),
        (
            "update",
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
        ("delete", "REFERENCING OLD TABLE AS old_rows"),
        ("truncate", ""),
    ] {
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS {t} ON {on};
             CREATE TRIGGER {t} AFTER {event} ON {on} {referencing}
               FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
            t = trigger(what),
            event = what.to_uppercase()
        ));
    }
    // Whoever may read the table may read its counts.
    let readers: Vec<String> = client
        .query(
            "SELECT DISTINCT grantee::text FROM information_schema.role_table_grants \
             WHERE table_schema = $1 AND table_name = $2 AND privilege_type = 'SELECT'",
            &[&schema, &name],
        )
        .map_err(fail)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for reader in readers {
        let role = if reader == "PUBLIC" {
            reader
        } else {
            quote(&reader)
        };
        sql.push_str(&format!("GRANT SELECT ON {grid} TO {role};"));
    }
    sql.push_str(&format!("ANALYZE {grid};"));
    let mut tx = client.transaction().map_err(fail)?;
    tx.batch_execute(&sql).map_err(fail)?;
    let counted = tx
        .query_one(
            &format!("SELECT coalesce(sum(n), 0)::int8, count(*) FROM {grid} WHERE level = 0"),
            &[],
        )
        .map_err(fail)?;
    let squares: i64 = tx
        .query_one(&format!("SELECT count(*) FROM {grid}"), &[])
        .map_err(fail)?
        .get(0);
    tx.commit().map_err(fail)?;
    Ok(Prepared {
        grid: format!("{schema}.{grid_table}"),
        rows: counted.get(0),
        squares,
        took: start.elapsed(),
    })
}
