//! The counts the database keeps for a big table (`karabakh-atlas prepare`), on a real PostGIS:
//! square by square they agree with a scan of the table, they follow another client's
//! inserts, updates, deletes and a truncate, and the window's zoomed-out views read them.

use crate::postgis::Db;
use crate::postgis_views::{ROWS, big_table, layer, look_at, open, settle};
use karabakh_atlas::io::postgis::Source;
use karabakh_atlas::io::postgis::grid::prepare;
use karabakh_atlas::io::postgis::view::{ServerCell, ViewAnswer, ViewRequest, ViewSession};

/// The cells of `request`, sorted, from the grid and from a scan of the table.
fn both_ways(url: &str, request: &ViewRequest) -> (Vec<ServerCell>, Vec<ServerCell>) {
    let source = Source::parse(url).unwrap();
    let cells = |session: &mut ViewSession| match session.query(request).unwrap() {
        ViewAnswer::Cells(mut cells) | ViewAnswer::Kept(mut cells) => {
            // By the mean rounded: the two ways' sums differ in their last bits.
            let at = |c: &ServerCell| ((c.lon * 1e6).round() as i64, (c.lat * 1e6).round() as i64);
            cells.sort_by_key(at);
            cells
        }
        ViewAnswer::Rows(rows) => panic!("{} rows read, not counted", rows.len()),
    };
    let mut kept = ViewSession::open(&source).unwrap();
    assert!(kept.has_grid());
    let mut scanned = ViewSession::open(&source).unwrap();
    scanned.without_grid();
    assert!(matches!(kept.query(request).unwrap(), ViewAnswer::Kept(_)));
    assert!(matches!(
        scanned.query(request).unwrap(),
        ViewAnswer::Cells(_)
    ));
    (cells(&mut kept), cells(&mut scanned))
}

fn assert_same(grid: &[ServerCell], scan: &[ServerCell], what: &str) {
    assert_eq!(grid.len(), scan.len(), "{what}: squares");
    for (g, s) in grid.iter().zip(scan) {
        assert_eq!(g.count, s.count, "{what}: {g:?} against {s:?}");
        assert!(
            (g.lon - s.lon).abs() < 1e-9 && (g.lat - s.lat).abs() < 1e-9,
            "{what}: {g:?} against {s:?}"
        );
    }
}

/// The whole table in view, its squares as wide as grid level `level`'s.
fn whole_view(level: i32) -> ViewRequest {
    ViewRequest {
        west: 40.0,
        south: 35.0,
        east: 53.0,
        north: 45.0,
        metres_per_point: 1000.0,
        cell_degrees: 1.0 / f64::from(1u32 << level),
        filter: Default::default(),
    }
}

fn count_of(cells: &[ServerCell]) -> i64 {
    cells.iter().map(|c| c.count as i64).sum()
}

#[test]
fn kept_counts_agree_with_a_scan_square_by_square_and_follow_every_change() {
    let mut db = Db::new("grid");
    big_table(&mut db);
    let url = db.url("points", "&view_above=10000");
    let made = prepare(&Source::parse(&url).unwrap()).unwrap();
    assert_eq!(made.rows, ROWS);
    assert!(made.squares > 1000, "{made:?}");

    // Every zoom band the grid keeps, against a scan of the same squares.
    for level in [2, 5, 7, 9] {
        let (grid, scan) = both_ways(&url, &whole_view(level));
        assert_eq!(count_of(&grid), ROWS, "level {level}");
        assert_same(&grid, &scan, &format!("level {level}"));
    }

    // Another client's changes, each statement on its own: the grid follows.
    db.exec(
        "INSERT INTO $S.points SELECT 100000 + n, 'new ' || n,
           ST_SetSRID(ST_MakePoint(46.3 + n * 0.0007, 39.5 + n * 0.0003), 4326)
         FROM generate_series(1, 500) AS n;
         UPDATE $S.points SET geom = ST_Translate(geom, 0.31, -0.17) WHERE id % 97 = 0;
         UPDATE $S.points SET name = 'renamed' WHERE id % 89 = 0;
         DELETE FROM $S.points WHERE id % 53 = 0;
         INSERT INTO $S.points VALUES (200000, 'no place', NULL);",
    );
    let rows: i64 = db
        .client
        .query_one(
            &format!(
                "SELECT count(*) FROM {}.points WHERE geom IS NOT NULL",
                db.schema
            ),
            &[],
        )
        .unwrap()
        .get(0);
    assert_ne!(rows, ROWS);
    for level in [3, 9] {
        let (grid, scan) = both_ways(&url, &whole_view(level));
        assert_eq!(count_of(&grid), rows, "level {level} after changes");
        assert_same(&grid, &scan, &format!("level {level} after changes"));
    }

    // In the window: zoomed out, the grid's squares, every row counted.
    let (mut state, key) = open(&url);
    look_at(&mut state, 44.5, 38.0, 49.0, 41.3);
    settle(&mut state);
    let counted: usize = layer(&state, key).counted.iter().map(|c| c.1).sum();
    assert_eq!(counted as i64, rows);
    let last = state.files.view_following[0].last;
    assert_eq!(last.map(|(_, kept)| kept), Some(true), "{last:?}");

    db.exec("TRUNCATE $S.points");
    let kept: i64 = db
        .client
        .query_one(
            &format!(
                "SELECT count(*) FROM {}.points_atlas_grid WHERE n <> 0",
                db.schema
            ),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(kept, 0, "a truncated table keeps no counts");
}

#[test]
fn prepare_refuses_a_view_and_names_it() {
    let mut db = Db::new("grid_view");
    db.exec(
        "CREATE TABLE $S.t (id integer PRIMARY KEY, geom geometry(Point, 4326));
         CREATE VIEW $S.v AS SELECT * FROM $S.t;",
    );
    let e = prepare(&Source::parse(&db.url("v", "")).unwrap()).unwrap_err();
    assert!(e.contains(".v") && e.contains("is a view"), "{e}");
}
