//! A big table read view by view is filtered on the server as the window filters a file: the
//! rows read zoomed in and the rows counted zoomed out are those the map's filter (the "as of"
//! date and the layer's kinds, confidence, text and range) passes, checked against the same
//! table read whole and filtered in the app (the brute-force twin).

use crate::postgis::Db;
use crate::postgis_views::{layer, look_at, open, settle};
use karabakh_atlas::app::AppState;
use karabakh_atlas::model::date::Date;
use karabakh_atlas::model::filter::{FeatureFilter, LayerFilter, NumericRange};
use karabakh_atlas::model::layer::LayerKey;
use karabakh_atlas::query::stats::all_district_stats;
use std::collections::BTreeSet;

/// 400 × 100 points, 40,000 rows, with every kind of value a filter reads, and some it must
/// leave alone (no date, a date that is not one, a name in Azerbaijani capitals).
fn table(db: &mut Db) {
    db.exec(
        "CREATE TABLE $S.sites (id integer PRIMARY KEY, name_en text, name_az text,
           kind text, confidence text, date text, population integer, extra jsonb, district text,
           geom geometry(Point, 4326));
         INSERT INTO $S.sites
           SELECT n, 'Site ' || n,
                  CASE WHEN n % 7 = 0 THEN 'ŞUŞA ' || n END,
                  (ARRAY['village', 'town', NULL, 'industrial_zone'])[n % 4 + 1],
                  (ARRAY['high', 'low', NULL])[n % 3 + 1],
                  (ARRAY['2020', '2021-05', '2021-06-01', '2021-06-02', '2022-02-29',
                         '2023-11-15', NULL, 'soon', '2021'])[n % 9 + 1],
                  CASE WHEN n % 5 <> 0 THEN (n * 37) % 10000 END,
                  jsonb_build_object('n', n),
                  (ARRAY['Aghdam', 'Shusha', 'Lachin', NULL, 'Baku', NULL, NULL])[n % 7 + 1],
                  ST_SetSRID(ST_MakePoint(46.2 + i * 0.003, 39.4 + j * 0.006), 4326)
           FROM generate_series(0, 399) AS i, generate_series(0, 99) AS j,
                LATERAL (SELECT i * 100 + j AS n) AS k;
         CREATE INDEX ON $S.sites USING gist (geom);
         ANALYZE $S.sites;",
    );
}

/// The keys of the twin's features (the whole table, filtered in the app) that its filter
/// shows within the box of `followed`'s view.
fn twin_keys_in_view(twin: &AppState, key: LayerKey, followed: &AppState) -> BTreeSet<String> {
    let r = followed.view_request().unwrap();
    twin_keys(twin, key, &ViewBox([r.west, r.south, r.east, r.north]))
}

/// The keys of the twin's features that its filter shows within `request`'s box.
fn twin_keys(twin: &AppState, key: LayerKey, request: &ViewBox) -> BTreeSet<String> {
    let l = layer(twin, key);
    l.features()
        .filter(|f| twin.doc.filter.shows(l, f.id))
        .filter(|f| {
            let geo::Geometry::Point(p) = f.lonlat() else {
                panic!("not a point")
            };
            p.x() >= request.0[0]
                && p.x() <= request.0[2]
                && p.y() >= request.0[1]
                && p.y() <= request.0[3]
        })
        .map(|f| f.text("id").unwrap())
        .collect()
}

struct ViewBox([f64; 4]);

fn filters() -> Vec<(&'static str, Option<Date>, LayerFilter)> {
    let hide = |values: &[&str]| values.iter().map(|v| v.to_string()).collect();
    vec![
        (
            "as of 2021-06-01",
            Date::parse("2021-06-01"),
            LayerFilter::default(),
        ),
        ("as of 2021", Date::parse("2021"), LayerFilter::default()),
        (
            "villages hidden",
            None,
            LayerFilter {
                hidden_kinds: hide(&["village", "industrial_zone"]),
                ..Default::default()
            },
        ),
        (
            "low confidence hidden",
            None,
            LayerFilter {
                hidden_confidence: hide(&["low"]),
                ..Default::default()
            },
        ),
        (
            "text",
            None,
            LayerFilter {
                text: " şuşa 1".into(),
                ..Default::default()
            },
        ),
        (
            "range",
            None,
            LayerFilter {
                range: Some(NumericRange {
                    attribute: "population".into(),
                    min: 1000.0,
                    max: 4000.0,
                }),
                ..Default::default()
            },
        ),
        (
            "all at once",
            Date::parse("2023-11"),
            LayerFilter {
                hidden_kinds: hide(&["town"]),
                hidden_confidence: hide(&["high"]),
                text: "site".into(),
                range: Some(NumericRange {
                    attribute: "population".into(),
                    min: 0.0,
                    max: 9000.0,
                }),
            },
        ),
    ]
}

fn set_filter(
    state: &mut AppState,
    key: LayerKey,
    as_of: Option<Date>,
    layer_filter: &LayerFilter,
) {
    let id = layer(state, key).id.clone();
    state.doc.filter = FeatureFilter::default();
    state.doc.filter.as_of = as_of;
    state.doc.filter.layers.insert(id, layer_filter.clone());
}

#[test]
fn a_table_read_by_view_is_filtered_and_counted_on_the_server_as_the_app_filters_it_whole() {
    let mut db = Db::new("view_filters");
    table(&mut db);
    let (mut followed, key) = open(&db.url("sites", "&view_above=1000"));
    assert_eq!(followed.files.view_following.len(), 1);
    let (mut twin, twin_key) = open(&db.url("sites", ""));
    assert_eq!(
        layer(&twin, twin_key).len(),
        40_000,
        "the twin is read whole"
    );

    // The filter offers the whole table's kinds and number ranges, not the view's (which
    // holds no rows zoomed out, and loses a kind once it is hidden).
    let start = std::time::Instant::now();
    while layer(&followed, key).choices.is_none() {
        assert!(start.elapsed().as_secs() < 30, "the choices never came");
        followed.apply_views();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (l, whole) = (layer(&followed, key), layer(&twin, twin_key));
    assert_eq!(l.kinds(), ["industrial_zone", "town", "village"]);
    assert_eq!(l.kinds(), whole.kinds());
    assert_eq!(l.numeric_attributes(), whole.numeric_attributes());
    assert_eq!(
        l.numeric_attributes()
            .iter()
            .map(|n| n.0.as_str())
            .collect::<Vec<_>>(),
        ["id", "population"]
    );

    // District statistics count the whole table as the server counts it, by the rule a
    // file's features follow (the district a row names, else where it lies).
    while layer(&followed, key).district_totals.is_none() {
        assert!(
            start.elapsed().as_secs() < 60,
            "the district counts never came"
        );
        followed.apply_views();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let language = followed.doc.language;
    let by_server = all_district_stats(&followed.doc.atlas, language);
    let in_app = all_district_stats(&twin.doc.atlas, language);
    assert_eq!(by_server.len(), in_app.len());
    let mut districts_with_rows = 0;
    for (server, app) in by_server.iter().zip(&in_app) {
        assert_eq!(server.name, app.name);
        assert_eq!(server.count(key), app.count(twin_key), "{}", server.name);
        districts_with_rows += usize::from(app.count(twin_key) > 0);
    }
    assert!(districts_with_rows >= 5, "{districts_with_rows}");

    let mut hidden_somewhere = 0;
    let (mut counted_views, mut read_views) = (0, 0);
    for (what, as_of, layer_filter) in filters() {
        set_filter(&mut followed, key, as_of, &layer_filter);
        set_filter(&mut twin, twin_key, as_of, &layer_filter);

        // Zoomed out: what the server counts is what the app shows of the whole table.
        look_at(&mut followed, 46.0, 39.2, 47.6, 40.2);
        settle(&mut followed);
        let want = twin_keys_in_view(&twin, twin_key, &followed);
        let l = layer(&followed, key);
        let counted: usize = l.counted.iter().map(|c| c.1).sum();
        if l.is_empty() {
            counted_views += 1;
            assert_eq!(counted, want.len(), "{what}: counted zoomed out");
        } else {
            // Few enough rows pass to be read one by one even zoomed out.
            read_views += 1;
            assert!(l.counted.is_empty(), "{what}");
            let read: BTreeSet<String> = l.features().map(|f| f.text("id").unwrap()).collect();
            assert_eq!(read, want, "{what}: read zoomed out");
        }
        assert!(
            want.len() < 40_000 && !want.is_empty(),
            "{what}: {}",
            want.len()
        );
        hidden_somewhere += 40_000 - want.len();

        // Zoomed in: the rows read are exactly those the twin shows in the box.
        look_at(&mut followed, 46.6013, 39.6017, 46.7519, 39.7023);
        settle(&mut followed);
        let want = twin_keys_in_view(&twin, twin_key, &followed);
        let l = layer(&followed, key);
        assert!(l.counted.is_empty(), "{what}: read, not counted");
        let read: BTreeSet<String> = l.features().map(|f| f.text("id").unwrap()).collect();
        assert_eq!(read, want, "{what}: read zoomed in");
    }
    assert!(hidden_somewhere > 0);
    // Both ways of answering a view were filtered.
    assert!(
        counted_views > 0 && read_views > 0,
        "{counted_views} counted, {read_views} read"
    );

    // The filter cleared: every row counts again.
    followed.doc.filter = FeatureFilter::default();
    look_at(&mut followed, 45.5, 38.8, 48.3, 40.8);
    settle(&mut followed);
    let counted: usize = layer(&followed, key).counted.iter().map(|c| c.1).sum();
    assert_eq!(counted, 40_000);
}
