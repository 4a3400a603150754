//! Without the network: a deck whose slides show a database layer still presents when the
//! database cannot be reached, from the dated copy the last read left, and says so; a layer
//! read by view and a live layer whose connection is cut say so and connect again. The app
//! reaches the real server through a relay the test cuts or closes, as a network that drops
//! would (stopping the shared server would stop the other database tests too).

use crate::postgis::Db;
use crate::support::window::{Frames, embedded_state, load_pending, open_and_load, window};
use egui_kittest::kittest::Queryable;
use karabakh_atlas::app::{AppState, Command};
use karabakh_atlas::io::postgis::{Source, without_password};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A TCP relay from a local port to the database server, which can be closed for good.
struct Relay {
    port: u16,
    closed: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(upstream: (String, u16)) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let closed = Arc::new(AtomicBool::new(false));
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (c, s) = (closed.clone(), streams.clone());
        std::thread::spawn(move || {
            while !c.load(Ordering::Relaxed) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let server = TcpStream::connect((upstream.0.as_str(), upstream.1)).unwrap();
                s.lock().unwrap().push(client.try_clone().unwrap());
                s.lock().unwrap().push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16384];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
            // The listener is dropped here: the port refuses connections from now on.
        });
        Relay {
            port,
            closed,
            streams,
        }
    }

    /// A relay to the test database, and the URL of `table` in the test's schema through it
    /// (with `extra` parameters).
    fn to_table(db: &Db, table: &str, extra: &str) -> (Self, String) {
        let direct = Source::parse(&db.url(table, "")).unwrap();
        let relay = Relay::start((direct.host.clone(), direct.port));
        let url = format!(
            "postgresql://{}:{}@127.0.0.1:{}/{}?table={}.{table}&connect_timeout=2{extra}",
            direct.user,
            direct.password.clone().unwrap_or_default(),
            relay.port,
            direct.database,
            db.schema
        );
        (relay, url)
    }

    /// Breaks every connection through it, as a network that drops for a moment; new ones
    /// are still let through.
    fn cut(&self) {
        for s in self.streams.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    /// Closes the port and every connection through it.
    fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        for s in self.streams.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn offline_dir(name: &str) -> std::path::PathBuf {
    crate::support::fresh_dir("karabakh-offline", name)
}

/// The app opened afresh on the deck saved in `dir` (`deck.json`), its copies kept there.
fn reopen_deck(dir: &std::path::Path) -> AppState {
    let mut state = app(dir);
    state.open_project(&dir.join("deck.json"), true);
    load_pending(&mut state);
    state
}

fn app(copies: &std::path::Path) -> AppState {
    let mut state = embedded_state();
    state.files.offline_dir = Some(copies.to_path_buf());
    state
}

#[test]
fn slides_with_a_database_layer_present_from_its_dated_copy_when_the_database_is_unreachable() {
    let db = Db::with_points(
        "offline",
        "sites",
        &[
            (1, "Aghdam industrial park", 46.99, 39.99),
            (2, "Fuzuli airport", 47.19, 39.60),
        ],
    );
    let (relay, url) = Relay::to_table(&db, "sites", "");
    let url = without_password(std::path::Path::new(&url));
    let dir = offline_dir("deck");

    // While the database is reachable: the layer is read, a copy is kept, a slide is made.
    let mut state = app(&dir);
    open_and_load(&mut state, url.clone());
    let layer = state.doc.atlas.layers.last().unwrap();
    assert_eq!(layer.origin, url.display().to_string());
    assert_eq!(layer.len(), 2);
    let copies: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(copies.len(), 1, "one copy kept");
    let copy = copies[0].as_ref().unwrap().path();
    let text = std::fs::read_to_string(&copy).unwrap();
    let direct = Source::parse(&db.url("sites", "")).unwrap();
    let password = format!(":{}@", direct.password.as_deref().unwrap());
    assert!(!text.contains(&password), "no password in the copy");
    assert!(text.contains("\"read_at\""), "the copy is dated");
    state.doc.highlighted = vec![state.doc.atlas.find_by_id("2").unwrap()];
    state.add_slide();
    state.deck.project.slides[0].caption = "Fuzuli airport".to_owned();
    state.save_project_as(&dir.join("deck.json"));
    drop(state);

    // The network goes away; the deck is opened again and presented.
    relay.close();
    let state = reopen_deck(&dir);
    let layer = state
        .doc
        .atlas
        .layers
        .iter()
        .find(|l| l.origin == url.display().to_string())
        .unwrap_or_else(|| {
            panic!(
                "the layer is missing; messages: {:?}",
                state.doc.atlas.messages
            )
        });
    assert_eq!(layer.len(), 2, "the copy holds both sites");
    let status = &state.files.database_status[&layer.origin];
    assert!(
        status.error.as_deref().unwrap().contains("cannot reach"),
        "{status:?}"
    );
    let read_at = status.copy_read_at.clone().unwrap();
    assert!(
        read_at.starts_with(&karabakh_atlas::model::date::Date::today().to_string()),
        "{read_at}"
    );
    assert!(
        state
            .doc
            .atlas
            .messages
            .iter()
            .any(|m| m.contains("offline copy")),
        "{:?}",
        state.doc.atlas.messages
    );

    let mut harness = window(state, egui::vec2(1280.0, 720.0), Frames::Display);
    harness.state_mut().state.send(Command::Present);
    harness.run();
    assert!(harness.state().state.show.presentation.is_some());
    harness.get_by_label_contains("Offline copy of sites, read");
    // The slide shows the copy's feature: clicking it opens its card.
    let fuzuli = crate::ui::click_feature(&mut harness, "2");
    assert_eq!(harness.state().state.show.card, Some(fuzuli));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_big_table_read_by_view_connects_again_after_its_connection_is_cut() {
    use crate::postgis_views::{ROWS, big_table, count_in, layer, look_at, open, settle};
    let mut db = Db::new("offline_views");
    big_table(&mut db);
    let (relay, url) = Relay::to_table(&db, "points", "&view_above=10000");
    let (mut state, key) = open(&url);
    look_at(&mut state, 44.5, 38.0, 49.0, 41.3);
    settle(&mut state);
    let counted: usize = layer(&state, key).counted.iter().map(|c| c.1).sum();
    assert_eq!(counted as i64, ROWS);

    // The connection drops: the next view fails with a message naming the table, and the
    // layer keeps what it showed.
    relay.cut();
    look_at(&mut state, 46.70, 39.72, 46.80, 39.80);
    let start = std::time::Instant::now();
    let error = loop {
        state.ask_views();
        state.apply_views();
        if let Some(e) = state.files.view_following[0].error.clone() {
            break e;
        }
        assert!(start.elapsed().as_secs() < 30, "the cut was never noticed");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(error.contains(".points"), "{error}");
    let counted: usize = layer(&state, key).counted.iter().map(|c| c.1).sum();
    assert_eq!(counted as i64, ROWS, "what the layer showed is kept");

    // The network is back: the next view connects again and is read.
    look_at(&mut state, 46.701, 39.721, 46.801, 39.801);
    settle(&mut state);
    let request = state.view_request().unwrap();
    let l = layer(&state, key);
    assert!(l.counted.is_empty());
    assert_eq!(l.len() as i64, count_in(&mut db, &request));
    relay.close();
}

#[test]
fn a_live_layer_whose_connection_is_cut_says_so_connects_again_and_catches_up() {
    use karabakh_atlas::io::postgis::live::LiveState;
    let mut db = Db::with_points(
        "offline_live",
        "sites",
        &[(1, "Aghdam industrial park", 46.99, 39.99)],
    );
    let (relay, url) = Relay::to_table(&db, "sites", "");
    let mut state = embedded_state();
    open_and_load(&mut state, url.clone());
    let key = state.doc.atlas.layers.last().unwrap().key;
    // By its URL: reading the table again makes the layer anew.
    let origin = state.doc.atlas.layer(key).unwrap().origin.clone();
    let has = |state: &AppState, id: &str| {
        let mut layers = state.doc.atlas.layers.iter();
        layers.any(|l| l.origin == origin && l.store.by_key(id).is_some())
    };
    let live = |state: &AppState| {
        let mut following = state.files.following.iter();
        following.find(|f| f.url == origin).map(|f| f.state.clone())
    };
    let wait = |state: &mut AppState, what: &str, done: &dyn Fn(&AppState) -> bool| {
        let start = std::time::Instant::now();
        while !done(state) {
            state.apply_changes();
            state.open_pending_files(&|| {});
            state.poll_loading();
            assert!(
                start.elapsed().as_secs() < 20,
                "{what}: {:?}",
                state.files.following.first().map(|f| &f.state)
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    state.follow_changes(key, true, || {});
    wait(&mut state, "listening", &|s| {
        live(s) == Some(LiveState::Listening)
    });

    // The network drops: the layer says the connection was lost, and keeps its features.
    relay.cut();
    wait(&mut state, "lost", &|s| {
        matches!(live(s), Some(LiveState::Lost(_)))
    });
    assert!(has(&state, "1"));
    // Meanwhile another client adds a row, whose notice this layer cannot hear.
    db.exec(
        "INSERT INTO $S.sites VALUES (2, 'Fuzuli airport', ST_SetSRID(ST_MakePoint(47.19, 39.60), 4326))",
    );
    // The network is back: it connects again, reads the table again for what it missed, and
    // hears the next change as it is made.
    wait(&mut state, "caught up", &|s| {
        live(s) == Some(LiveState::Listening) && has(s, "2")
    });
    db.exec(
        "INSERT INTO $S.sites VALUES (3, 'Lachin airport', ST_SetSRID(ST_MakePoint(46.38, 39.48), 4326))",
    );
    wait(&mut state, "the next change", &|s| has(s, "3"));
    relay.close();
}

#[test]
fn slides_of_a_big_table_read_by_view_present_offline_from_what_each_slide_showed() {
    use crate::postgis_views::{ROWS, big_table, layer, look_at, settle};
    let mut db = Db::new("offline_big");
    big_table(&mut db);
    let (relay, url) = Relay::to_table(&db, "points", "&view_above=10000");
    let url = without_password(std::path::Path::new(&url));
    let origin = url.display().to_string();
    let dir = offline_dir("big");
    let viewport = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1200.0, 800.0));

    let mut state = app(&dir);
    open_and_load(&mut state, url.clone());
    let key = state.doc.atlas.layers.last().unwrap().key;
    state.map.viewport = Some(viewport);
    // Slide 1: the whole table, counted on the server. Slide 2: near Shusha, rows read.
    look_at(&mut state, 44.5, 38.0, 49.0, 41.3);
    settle(&mut state);
    state.add_slide();
    look_at(&mut state, 46.70, 39.72, 46.80, 39.80);
    settle(&mut state);
    let mut near_shusha: Vec<String> = layer(&state, key)
        .features()
        .map(|f| f.text("id").unwrap())
        .collect();
    near_shusha.sort();
    assert!(near_shusha.len() > 100, "{}", near_shusha.len());
    state.add_slide();
    while !state.files.copies_writing.is_empty() {
        state.poll_loading();
        std::thread::sleep(Duration::from_millis(10));
    }
    state.save_project_as(&dir.join("deck.json"));
    drop(state);

    // The network goes away; the deck is opened again, and each slide shows what it showed.
    relay.close();
    let mut state = reopen_deck(&dir);
    state.map.viewport = Some(viewport);
    let of_table = |state: &AppState| {
        let l = state.doc.atlas.layers.iter().find(|l| l.origin == origin);
        l.unwrap_or_else(|| panic!("no layer; {:?}", state.doc.atlas.messages))
            .key
    };
    assert!(state.files.database_status[&origin].copy_read_at.is_some());
    state.apply_slide(0, false);
    state.apply_offline_views();
    let l = layer(&state, of_table(&state));
    let counted: usize = l.counted.iter().map(|c| c.1).sum();
    assert_eq!(
        counted as i64, ROWS,
        "slide 1: every row counted, as the server counted it"
    );
    assert!(l.is_empty());
    state.apply_slide(1, false);
    state.apply_offline_views();
    let l = layer(&state, of_table(&state));
    assert!(l.counted.is_empty(), "slide 2: rows, not squares");
    let mut shown: Vec<String> = l.features().map(|f| f.text("id").unwrap()).collect();
    shown.sort();
    assert_eq!(shown, near_shusha, "slide 2: the rows it showed");
    assert!(
        l.features()
            .all(|f| f.text("karabakh_atlas_view").is_none())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
