//! Big tables follow the view, on a real PostGIS: a table above the row threshold is not read
//! whole; each view asks the server for what it shows, counted in squares on the server when
//! zoomed out (every row counted), read row by row when zoomed in, and the newest view wins.

use crate::postgis::Db;
use crate::support::window::{embedded_state, open_and_load};
use karabakh_atlas::app::AppState;
use karabakh_atlas::model::atlas::FeatureRef;
use karabakh_atlas::model::layer::{Layer, LayerKey};
use karabakh_atlas::model::projection::world_from_lonlat;
use karabakh_atlas::model::view::{Camera, MapView, WorldBounds};
use std::time::{Duration, Instant};

/// 300 × 200 points on a grid over the districts, 60,000 rows.
pub const ROWS: i64 = 60_000;

pub fn big_table(db: &mut Db) {
    db.exec(
        "CREATE TABLE $S.points (id integer PRIMARY KEY, name text, geom geometry(Point, 4326));
         INSERT INTO $S.points
           SELECT i * 200 + j, 'point ' || (i * 200 + j),
                  ST_SetSRID(ST_MakePoint(46.0 + i * 0.005, 39.0 + j * 0.0065), 4326)
           FROM generate_series(0, 299) AS i, generate_series(0, 199) AS j;
         CREATE INDEX ON $S.points USING gist (geom);
         ANALYZE $S.points;",
    );
}

pub fn open(url: &str) -> (AppState, LayerKey) {
    let mut state = embedded_state();
    open_and_load(&mut state, url);
    let key = state.doc.atlas.layers.last().unwrap().key;
    state.map.viewport = Some(egui::Rect::from_min_size(
        egui::Pos2::ZERO,
        egui::vec2(1200.0, 800.0),
    ));
    (state, key)
}

pub fn look_at(state: &mut AppState, west: f64, south: f64, east: f64, north: f64) {
    let bounds = WorldBounds {
        min: world_from_lonlat([west, south]),
        max: world_from_lonlat([east, north]),
    };
    state.map.camera = Camera::new(MapView::fitting(&bounds, egui::vec2(1200.0, 800.0), 0.0));
}

/// Asks for the map's view and waits until it is answered.
pub fn settle(state: &mut AppState) {
    let start = Instant::now();
    loop {
        let busy = state.ask_views();
        let changed = state.apply_views();
        if !busy && !changed {
            let f = &state.files.view_following[0];
            assert!(f.error.is_none(), "{:?}", f.error);
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the view never came"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn layer(state: &AppState, key: LayerKey) -> &Layer {
    state.doc.atlas.layer(key).unwrap()
}

/// Every square `l` counted sits within the longitudes `lon` and the latitudes `lat`.
fn assert_squares_within(
    l: &Layer,
    lon: std::ops::RangeInclusive<f64>,
    lat: std::ops::RangeInclusive<f64>,
) {
    for (at, _) in &l.counted {
        let [x, y] = karabakh_atlas::model::projection::lonlat_from_world(*at);
        assert!(lon.contains(&x) && lat.contains(&y), "{x}, {y}");
    }
}

/// The rows in `request`'s box, counted by the server the slow, sure way.
pub fn count_in(db: &mut Db, request: &karabakh_atlas::io::postgis::view::ViewRequest) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM {}.points WHERE geom && ST_MakeEnvelope({}, {}, {}, {}, 4326)",
        db.schema, request.west, request.south, request.east, request.north
    );
    db.client.query_one(&sql, &[]).unwrap().get(0)
}

#[test]
fn a_big_table_is_counted_on_the_server_zoomed_out_and_read_row_by_row_zoomed_in() {
    let mut db = Db::new("views");
    big_table(&mut db);
    let (mut state, key) = open(&db.url("points", "&view_above=10000"));
    assert_eq!(layer(&state, key).len(), 0, "not read whole");
    assert_eq!(state.files.view_following.len(), 1);

    // The whole table in view: every row counted on the server, none read.
    look_at(&mut state, 45.9, 38.9, 47.6, 40.4);
    settle(&mut state);
    let l = layer(&state, key);
    let counted: usize = l.counted.iter().map(|c| c.1).sum();
    assert_eq!(counted as i64, ROWS, "every row in view is counted");
    // Counted by a scan: the table was not prepared.
    assert_eq!(state.files.view_following[0].last.map(|l| l.1), Some(false));
    assert!(l.counted.len() > 20, "{} squares", l.counted.len());
    assert_eq!(l.len(), 0);
    // Each square sits at its rows' mean: inside the grid the rows are on.
    assert_squares_within(l, 46.0..=47.5, 39.0..=40.3);

    // Zoomed further out, the whole table read in one scan (no box test): the same count.
    look_at(&mut state, 44.5, 38.0, 49.0, 41.3);
    settle(&mut state);
    let counted: usize = layer(&state, key).counted.iter().map(|c| c.1).sum();
    assert_eq!(counted as i64, ROWS);

    // Zoomed in near Shusha: the rows in view, read whole, and nothing else.
    look_at(&mut state, 46.70, 39.72, 46.80, 39.80);
    settle(&mut state);
    let request = state.view_request().unwrap();
    let want = count_in(&mut db, &request);
    let l = layer(&state, key);
    assert!(want > 100 && want < 20_000, "{want}");
    assert_eq!(l.len() as i64, want);
    assert!(l.counted.is_empty());
    for f in l.features() {
        let geo::Geometry::Point(p) = f.lonlat() else {
            panic!("not a point")
        };
        assert!(p.x() >= request.west && p.x() <= request.east);
        assert!(p.y() >= request.south && p.y() <= request.north);
        assert!(f.text("name").unwrap().starts_with("point "));
    }

    // A feature selected stays selected (by its key) when the view moves a little.
    let some = l.features().next().unwrap();
    let id = some.text("id").unwrap();
    let picked = FeatureRef {
        layer: key,
        feature: l.store.by_key(&id).unwrap(),
    };
    state.selection.select(vec![picked]);
    look_at(&mut state, 46.701, 39.721, 46.801, 39.801);
    settle(&mut state);
    let selected = state.selection.selected.expect("still selected");
    let (_, f) = state.doc.atlas.feature(selected).unwrap();
    assert_eq!(f.text("id"), Some(id));
}

#[test]
fn the_newest_view_wins_and_a_stale_one_is_cancelled() {
    let mut db = Db::new("views_stale");
    big_table(&mut db);
    let (mut state, key) = open(&db.url("points", "&view_above=10000"));
    // The full view asked for, then at once a close one.
    look_at(&mut state, 45.9, 38.9, 47.6, 40.4);
    let request = state.view_request().unwrap();
    state.files.view_following[0].ask(request, Duration::ZERO);
    look_at(&mut state, 47.00, 39.50, 47.05, 39.55);
    let request = state.view_request().unwrap();
    state.files.view_following[0].ask(request, Duration::ZERO);
    settle(&mut state);
    let request = state.view_request().unwrap();
    let want = count_in(&mut db, &request);
    let l = layer(&state, key);
    assert!(
        l.counted.is_empty(),
        "the stale full view was not put in place last"
    );
    assert_eq!(l.len() as i64, want);
}

#[test]
fn a_projected_table_of_areas_is_counted_and_read_in_its_own_coordinates() {
    let mut db = Db::new("views_3857");
    // 200 × 120 small squares in Web Mercator metres (more than a view reads one by one): counted by their boxes' centres.
    db.exec(
        "CREATE TABLE $S.plots (id integer PRIMARY KEY, geom geometry(Polygon, 3857));
         INSERT INTO $S.plots
           SELECT i * 120 + j, ST_Transform(ST_MakeEnvelope(
               46.0 + i * 0.0075, 39.0 + j * 0.011, 46.0 + i * 0.0075 + 0.004, 39.0 + j * 0.011 + 0.003, 4326), 3857)
           FROM generate_series(0, 199) AS i, generate_series(0, 119) AS j;
         CREATE INDEX ON $S.plots USING gist (geom);
         ANALYZE $S.plots;",
    );
    let (mut state, key) = open(&db.url("plots", "&view_above=1000"));
    look_at(&mut state, 45.9, 38.9, 47.6, 40.4);
    settle(&mut state);
    let l = layer(&state, key);
    let counted: usize = l.counted.iter().map(|c| c.1).sum();
    assert_eq!(counted, 24_000, "every area counted");
    assert_squares_within(l, 46.0..=47.5, 39.0..=40.32);

    look_at(&mut state, 46.70, 39.72, 46.80, 39.80);
    settle(&mut state);
    let r = state.view_request().unwrap();
    let sql = format!(
        "SELECT count(*) FROM {}.plots WHERE geom && ST_Transform(ST_MakeEnvelope({}, {}, {}, {}, 4326), 3857)",
        db.schema, r.west, r.south, r.east, r.north
    );
    let want: i64 = db.client.query_one(&sql, &[]).unwrap().get(0);
    let l = layer(&state, key);
    assert!(want > 10, "{want}");
    assert_eq!(l.len() as i64, want);
    assert!(l.features().all(|f| f.is_areal()));
}

#[test]
fn bench_on_a_big_table_reports_its_viewport_queries() {
    let mut db = Db::new("views_bench");
    big_table(&mut db);
    let url = db.url("points", "&view_above=10000");
    let report =
        karabakh_atlas::cli::bench::run(&[std::path::Path::new(&url)], u64::MAX, 800, 600, 0, 6)
            .unwrap();
    // Six views of the scripted session, then three at 1:100,000.
    assert_eq!(report.viewport_queries, 9);
    assert!(report.full_view_query_ms > 0.0);
    assert!(report.viewport_query_p50_ms > 0.0);
    assert!(report.viewport_query_p95_ms >= report.viewport_query_p50_ms);
    assert!(report.viewport_query_close_p95_ms > 0.0);
    assert!(report.first_frame_ms >= report.full_view_query_ms);
    assert!(
        !report.files[0].contains(":atlas@"),
        "no password in the report"
    );
}

#[test]
fn a_selected_feature_is_read_whole_while_the_view_holds_it_simplified() {
    let mut db = Db::new("views_whole");
    // 2,000 round areas of 257 vertices each, a few hundred metres across.
    db.exec(
        "CREATE TABLE $S.areas (id integer PRIMARY KEY, name text, geom geometry(Polygon, 4326));
         INSERT INTO $S.areas
           SELECT i * 40 + j, 'area ' || (i * 40 + j),
                  ST_Buffer(ST_SetSRID(ST_MakePoint(46.2 + i * 0.02, 39.3 + j * 0.02), 4326), 0.004, 64)
           FROM generate_series(0, 49) AS i, generate_series(0, 39) AS j;
         CREATE INDEX ON $S.areas USING gist (geom);
         ANALYZE $S.areas;",
    );
    let vertices_of = |l: &Layer, key: &str| {
        use geo::CoordsIter;
        l.feature(l.store.by_key(key).unwrap())
            .unwrap()
            .lonlat()
            .coords_count()
    };
    let (mut state, key) = open(&db.url("areas", "&view_above=100"));
    look_at(&mut state, 46.1, 39.2, 47.3, 40.2);
    settle(&mut state);
    let l = layer(&state, key);
    assert_eq!(l.len(), 2_000, "read, not counted");
    let simplified = vertices_of(l, "417");
    assert!(simplified < 100, "{simplified} vertices in the view");

    let feature = l.store.by_key("417").unwrap();
    state.selection.select(vec![FeatureRef {
        layer: key,
        feature,
    }]);
    settle(&mut state);
    let whole: i32 = db
        .client
        .query_one(
            &format!(
                "SELECT ST_NPoints(geom) FROM {}.areas WHERE id = 417",
                db.schema
            ),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(whole, 257);
    let l = layer(&state, key);
    assert_eq!(vertices_of(l, "417"), 257, "the selected area, whole");
    assert_eq!(state.selection.selected.map(|r| r.feature), Some(feature));
    // Its neighbours stay as the view has them.
    assert_eq!(vertices_of(l, "418"), simplified);

    // A view moved a little brings the simplified copy again; the whole one is put back over it.
    look_at(&mut state, 46.11, 39.21, 47.31, 40.21);
    settle(&mut state);
    let l = layer(&state, key);
    assert_eq!(l.len(), 2_000);
    assert_eq!(vertices_of(l, "417"), 257);
}
