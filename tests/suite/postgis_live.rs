//! Live database layers, with two clients on a real PostGIS: the test's own connection
//! inserts, updates and deletes rows; the app's layer shows each change within a second and
//! keeps its selection.

use crate::postgis::Db;
use crate::support::window::{embedded_state, open_and_load};
use egui_kittest::kittest::Queryable;
use karabakh_atlas::app::AppState;
use karabakh_atlas::io::postgis::live::{LiveState, TRIGGER};
use karabakh_atlas::model::atlas::FeatureRef;
use karabakh_atlas::model::layer::{Layer, LayerKey};
use std::time::{Duration, Instant};

/// The app with the table `url` names open as a layer.
fn app_with(url: &str) -> (AppState, LayerKey) {
    let mut state = embedded_state();
    open_and_load(&mut state, url);
    let key = state
        .doc
        .atlas
        .layers
        .iter()
        .find(|l| karabakh_atlas::io::postgis::is_database_url(std::path::Path::new(&l.origin)))
        .unwrap_or_else(|| {
            panic!(
                "no database layer; messages: {:?}",
                state.doc.atlas.messages
            )
        })
        .key;
    (state, key)
}

fn layer(state: &AppState, key: LayerKey) -> &Layer {
    state.doc.atlas.layer(key).unwrap()
}

/// Applies arriving changes until `done` holds; panics after `limit`. Returns the time taken.
fn wait_for(
    state: &mut AppState,
    limit: Duration,
    what: &str,
    done: impl Fn(&AppState) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        state.apply_changes();
        if done(state) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{what}: not seen within {limit:?}; follower: {:?}",
            state.files.following.first().map(|f| &f.state)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn live_state(state: &AppState, key: LayerKey) -> Option<LiveState> {
    state.follower(key).map(|f| f.state.clone())
}

fn name_of(state: &AppState, key: LayerKey, id: &str) -> Option<String> {
    let l = layer(state, key);
    l.feature(l.store.by_key(id)?)?.text("name")
}

fn lonlat_of(state: &AppState, key: LayerKey, id: &str) -> Option<(f64, f64)> {
    let l = layer(state, key);
    match l.feature(l.store.by_key(id)?)?.lonlat() {
        geo::Geometry::Point(p) => Some((p.x(), p.y())),
        _ => None,
    }
}

fn trigger_count(db: &mut Db, table: &str) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM pg_trigger WHERE tgname = '{TRIGGER}' AND tgrelid = '{}.{table}'::regclass",
        db.schema
    );
    db.client.query_one(&sql, &[]).unwrap().get(0)
}

#[test]
fn another_clients_inserts_updates_and_deletes_show_within_a_second_and_the_selection_stays() {
    let mut db = Db::with_points(
        "live",
        "sites",
        &[
            (1, "Aghdam industrial park", 46.99, 39.99),
            (2, "Shusha", 46.75, 39.76),
            (3, "Fuzuli airport", 47.19, 39.60),
        ],
    );
    let (mut state, key) = app_with(&db.url("sites", ""));
    assert_eq!(layer(&state, key).len(), 3);

    // Without the user's leave, no trigger is installed: the layer says one is needed.
    state.follow_changes(key, false, || {});
    wait_for(
        &mut state,
        Duration::from_secs(10),
        "the trigger check",
        |s| live_state(s, key) == Some(LiveState::NeedsTrigger),
    );
    assert_eq!(trigger_count(&mut db, "sites"), 0);

    // With it, the trigger is installed and the layer listens.
    state.follow_changes(key, true, || {});
    wait_for(&mut state, Duration::from_secs(10), "listening", |s| {
        live_state(s, key) == Some(LiveState::Listening)
    });
    assert_eq!(trigger_count(&mut db, "sites"), 1);

    // The planner has Shusha selected.
    let shusha = FeatureRef {
        layer: key,
        feature: layer(&state, key).store.by_key("2").unwrap(),
    };
    state.selection.select(vec![shusha]);
    // A slide made now keeps it highlighted by its integer key.
    assert_eq!(state.capture_slide("Shusha".to_owned()).highlights, ["2"]);
    let second = Duration::from_secs(1);

    db.exec("INSERT INTO $S.sites VALUES (4, 'Lachin airport', ST_SetSRID(ST_MakePoint(46.38, 39.48), 4326))");
    let took = wait_for(&mut state, second, "the insert", |s| {
        name_of(s, key, "4").as_deref() == Some("Lachin airport")
    });
    eprintln!("insert shown after {took:?}");
    assert_eq!(lonlat_of(&state, key, "4"), Some((46.38, 39.48)));
    assert_eq!(layer(&state, key).len(), 4);

    db.exec("UPDATE $S.sites SET name = 'Shusha city', geom = ST_SetSRID(ST_MakePoint(46.7514, 39.7589), 4326) WHERE id = 2");
    wait_for(&mut state, second, "the update", |s| {
        name_of(s, key, "2").as_deref() == Some("Shusha city")
    });
    assert_eq!(lonlat_of(&state, key, "2"), Some((46.7514, 39.7589)));
    // The selection is the same feature, now with its new name.
    assert_eq!(state.selection.selected, Some(shusha));
    let (_, selected) = state.doc.atlas.feature(shusha).unwrap();
    assert_eq!(selected.text("name").as_deref(), Some("Shusha city"));

    db.exec("DELETE FROM $S.sites WHERE id = 3");
    wait_for(&mut state, second, "the delete", |s| {
        layer(s, key).store.by_key("3").is_none()
    });
    assert_eq!(layer(&state, key).len(), 3);
    assert_eq!(state.selection.selected, Some(shusha));

    // Several changes in one transaction, a key among them changed: all arrive together.
    db.exec(
        "BEGIN;
         UPDATE $S.sites SET id = 10 WHERE id = 1;
         INSERT INTO $S.sites VALUES (5, 'Zangilan airport', ST_SetSRID(ST_MakePoint(46.65, 39.10), 4326));
         COMMIT;",
    );
    wait_for(&mut state, second, "the transaction", |s| {
        let l = layer(s, key);
        l.store.by_key("1").is_none()
            && l.store.by_key("10").is_some()
            && l.store.by_key("5").is_some()
    });
    assert_eq!(layer(&state, key).len(), 4);
    assert_eq!(state.selection.selected, Some(shusha));

    // The selected feature deleted: the selection goes, and nothing else.
    db.exec("DELETE FROM $S.sites WHERE id = 2");
    wait_for(&mut state, second, "the selected row's delete", |s| {
        layer(s, key).store.by_key("2").is_none()
    });
    assert_eq!(state.selection.selected, None);
    let mut names: Vec<String> = layer(&state, key)
        .features()
        .filter_map(|f| f.text("name"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Aghdam industrial park",
            "Lachin airport",
            "Zangilan airport"
        ]
    );

    // Stopped, the layer no longer changes.
    state.stop_following(key);
    db.exec("DELETE FROM $S.sites WHERE id = 5");
    std::thread::sleep(Duration::from_millis(500));
    state.apply_changes();
    assert!(layer(&state, key).store.by_key("5").is_some());
}

#[test]
fn a_table_without_a_key_cannot_be_followed_and_says_why() {
    let mut db = Db::new("live_nokey");
    db.exec(
        "CREATE TABLE $S.plain (name text, geom geometry(Point, 4326));
         INSERT INTO $S.plain VALUES ('Khankendi', ST_SetSRID(ST_MakePoint(46.75, 39.82), 4326));",
    );
    let (mut state, key) = app_with(&db.url("plain", ""));
    state.follow_changes(key, true, || {});
    wait_for(&mut state, Duration::from_secs(10), "the refusal", |s| {
        matches!(live_state(s, key), Some(LiveState::Refused(_)))
    });
    let Some(LiveState::Refused(why)) = live_state(&state, key) else {
        unreachable!()
    };
    assert!(
        why.contains("plain") && why.contains("no primary key"),
        "{why}"
    );
    assert_eq!(trigger_count(&mut db, "plain"), 0);
}

/// Steps the window until `label` shows; panics after ten seconds.
fn step_until(
    harness: &mut egui_kittest::Harness<'static, karabakh_atlas::ui::AtlasApp>,
    label: &str,
) {
    let start = Instant::now();
    while harness.query_by_label_contains(label).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{label:?} never showed"
        );
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
}

#[test]
fn in_the_window_live_asks_before_installing_the_trigger_then_shows_changes() {
    use crate::support::window::{Frames, window};

    let mut db = Db::with_points("live_window", "camps", &[(1, "Jabrayil", 47.03, 39.40)]);
    let (state, key) = app_with(&db.url("camps", ""));
    let mut harness = window(state, egui::vec2(1400.0, 900.0), Frames::Settle);
    harness.get_by_label("Live").click();
    harness.run();
    step_until(&mut harness, "sends no change notices");
    assert_eq!(
        trigger_count(&mut db, "camps"),
        0,
        "installed without asking"
    );
    harness.get_by_label("Install change trigger").click();
    harness.run();
    step_until(&mut harness, "no change yet");
    assert_eq!(trigger_count(&mut db, "camps"), 1);
    db.exec(
        "INSERT INTO $S.camps VALUES (2, 'Gubadli', ST_SetSRID(ST_MakePoint(46.58, 39.34), 4326))",
    );
    step_until(&mut harness, "last change");
    assert_eq!(layer(&harness.state().state, key).len(), 2);
}
