//! Presenter mode: slides made in the window play full screen with clicker keys, fly between
//! views, play the timeline, survive a save, and export to PNGs.

use crate::support::window::{Frames, embedded_state, window};
use egui_kittest::Harness;
use karabakh_atlas::app::present::{PresentAction, PresentKey, Presentation};
use karabakh_atlas::app::project::{self, Project, ProjectError};
use karabakh_atlas::model::view::{MapView, Tour};
use karabakh_atlas::query::pick::pick;
use karabakh_atlas::ui::AtlasApp;

/// A window stepped at 60 frames a second, like a display.
fn harness() -> Harness<'static, AtlasApp> {
    window(embedded_state(), egui::vec2(1400.0, 900.0), Frames::Display)
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("karabakh-present-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn three_slides_play_forward_and_back_with_their_views_and_captions() {
    let mut harness = harness();
    let mut views = Vec::new();
    for (i, key) in [egui::Key::Home, egui::Key::Plus, egui::Key::ArrowRight]
        .into_iter()
        .enumerate()
    {
        harness.key_press(key);
        harness.run();
        views.push(harness.state().state.map.camera.view);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
        harness.run();
        harness.state_mut().state.deck.project.slides[i].caption = format!("Caption {}", i + 1);
    }
    assert_eq!(harness.state().state.deck.project.slides.len(), 3);

    harness.state_mut().state.deck.current = 0;
    harness.key_press(egui::Key::F5);
    harness.run();
    let check = |h: &Harness<'_, AtlasApp>, i: usize| {
        let s = &h.state().state;
        assert_eq!(s.show.presentation.as_ref().unwrap().index, i);
        let v = s.map.camera.view;
        let want: MapView = views[i];
        assert!(
            (v.metres_per_point / want.metres_per_point - 1.0).abs() < 1e-6,
            "slide {i}: {v:?} vs {want:?}"
        );
        assert!(
            (v.center[0] - want.center[0]).abs() < 1.0
                && (v.center[1] - want.center[1]).abs() < 1.0,
            "slide {i}"
        );
        assert_eq!(
            s.deck.project.slides[i].caption,
            format!("Caption {}", i + 1)
        );
    };
    check(&harness, 0);
    for (key, expected) in [
        (egui::Key::ArrowRight, 1),
        (egui::Key::Space, 2),
        (egui::Key::ArrowRight, 2), // the last slide stays
        (egui::Key::PageUp, 1),
        (egui::Key::ArrowLeft, 0),
    ] {
        harness.key_press(key);
        harness.run();
        check(&harness, expected);
    }
    // The caption shows on the map's title card, and Esc leaves.
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().state.show.presentation.is_none());
}

#[test]
fn a_transition_passes_through_intermediate_views_rather_than_jumping() {
    let mut harness = harness();
    // From Khankendi to the Araz Valley, both close up: the flight must zoom out between.
    harness.state_mut().state.map.camera.view = MapView {
        center: karabakh_atlas::model::projection::world_from_lonlat([46.75, 39.82]),
        metres_per_point: 10.0,
    };
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
    harness.run();
    harness.state_mut().state.map.camera.view = MapView {
        center: karabakh_atlas::model::projection::world_from_lonlat([47.04, 39.29]),
        metres_per_point: 10.0,
    };
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
    harness.run();
    harness.state_mut().state.deck.current = 0;
    harness.key_press(egui::Key::F5);
    harness.run();
    let start = harness.state().state.map.camera.view;
    harness.key_press(egui::Key::ArrowRight);
    let mut frames = Vec::new();
    for _ in 0..90 {
        harness.step();
        frames.push(harness.state().state.map.camera.view);
    }
    let end = *frames.last().unwrap();
    assert!((end.metres_per_point - 10.0).abs() < 1e-6, "{end:?}");
    let between = frames.iter().filter(|v| **v != start && **v != end).count();
    assert!(between > 20, "only {between} intermediate frames");
    // It zooms out on the way (van Wijk and Nuij), above both ends.
    let widest = frames
        .iter()
        .map(|v| v.metres_per_point)
        .fold(0.0, f64::max);
    assert!(widest > start.metres_per_point.max(end.metres_per_point));
}

#[test]
fn the_timeline_at_a_date_shows_exactly_what_is_dated_on_or_before_it() {
    let mut state = embedded_state();
    let may_2024 = karabakh_atlas::model::date::Month::new(2024, 5)
        .unwrap()
        .index();
    state.show.timeline.play(0, may_2024);
    let mut now = 0.0;
    while state.show.timeline.playing {
        now += 0.1;
        state.tick_timeline(now, 0.1);
    }
    assert_eq!(
        state.doc.filter.as_of.map(|d| d.to_string()).as_deref(),
        Some("2024-05-31")
    );
    let mut dated = 0;
    for layer in &state.doc.atlas.layers {
        for f in layer.features() {
            let expected = f.str("date").is_none_or(|d| d <= "2024-05-31");
            let r = karabakh_atlas::model::atlas::FeatureRef {
                layer: layer.key,
                feature: f.id,
            };
            let shown =
                pick(&state.doc.atlas.layers, &state.doc.filter, f.anchor(), 1.0).contains(&r);
            assert_eq!(
                shown,
                expected,
                "{:?} dated {:?}",
                f.id_str(),
                f.str("date")
            );
            dated += usize::from(f.str("date").is_some());
        }
    }
    assert!(dated > 30);
}

#[test]
fn what_appears_on_the_timeline_glows_for_a_moment() {
    let mut state = embedded_state();
    let from = karabakh_atlas::model::date::Month::new(2021, 9)
        .unwrap()
        .index();
    let to = karabakh_atlas::model::date::Month::new(2021, 10)
        .unwrap()
        .index();
    state.show.timeline.play(from, to);
    state.doc.filter.as_of = Some(state.show.timeline.as_of());
    state.tick_timeline(0.0, 1.0);
    let fuzuli = state.doc.atlas.find_by_id("airport-fuzuli").unwrap();
    assert!(
        state.show.flashing.contains(&fuzuli),
        "Fuzuli airport opened in October 2021"
    );
    state.tick_timeline(5.0, 0.0);
    assert!(state.show.flashing.is_empty(), "the glow fades");
}

#[test]
fn slides_survive_a_save_and_reopen() {
    let mut state = embedded_state();
    state.open_shipped_deck();
    state.deck.project.slides[1].notes = "Ünvan: Füzuli — ə, ğ, ş".to_owned();
    let path = temp_dir("save").join("deck.json");
    project::save(&path, &state.deck.project).unwrap();
    project::save(&path, &state.deck.project).unwrap();
    assert!(
        karabakh_atlas::io::save::backup_path(&path).exists(),
        "the previous version is kept as .bak"
    );
    let (reopened, recovered) = project::load(&path).unwrap();
    assert_eq!(reopened, state.deck.project);
    assert!(recovered.is_none());

    // A corrupt file opens from its backup, and says so.
    std::fs::write(
        &path,
        "{\"format\": \"karabakh-atlas-project\", \"slides\": [",
    )
    .unwrap();
    let (from_backup, note) = project::load(&path).unwrap();
    assert_eq!(from_backup, state.deck.project);
    assert!(note.unwrap().contains("backup"));
}

#[test]
fn a_new_slide_is_on_disk_within_a_second_with_no_save_so_a_crash_loses_nothing() {
    let mut h = harness();
    let path = temp_dir("autosave").join("deck.json");
    let _ = std::fs::remove_file(&path);
    h.state_mut().state.deck.path = Some(path.clone());
    h.state_mut().state.add_slide();
    let title = h.state().state.deck.project.slides[0].title.clone();
    // One second of frames at 60 a second, and no save asked for.
    for _ in 0..60 {
        h.step();
    }
    assert!(!h.state().state.deck.is_dirty(), "the edit was saved");
    drop(h); // as a crash would: no save on exit
    let (on_disk, recovered) = project::load(&path).unwrap();
    assert!(recovered.is_none());
    assert_eq!(on_disk.slides.len(), 1);
    assert_eq!(on_disk.slides[0].title, title);
}

#[test]
fn a_project_from_a_future_version_is_refused_with_a_clear_message() {
    let err = project::parse(
        "new.json",
        r#"{"format":"karabakh-atlas-project","version":99,"slides":[]}"#,
    )
    .unwrap_err();
    assert!(matches!(err, ProjectError::FutureVersion { found: 99, .. }));
    assert!(err.to_string().contains("newer Karabakh Atlas"), "{err}");
    let err = project::parse("other.json", r#"{"type":"FeatureCollection"}"#).unwrap_err();
    assert!(
        err.to_string().contains("not a Karabakh Atlas project"),
        "{err}"
    );
}

#[test]
fn the_shipped_deck_has_at_least_eight_slides_built_from_shipped_data() {
    let deck: Project = project::parse("great-return.json", project::GREAT_RETURN_DECK).unwrap();
    assert_eq!(deck.title, "The Great Return, 2020–2026");
    assert!(deck.slides.len() >= 8);
    let atlas = karabakh_atlas::io::embedded::atlas();
    for s in &deck.slides {
        for id in &s.highlights {
            assert!(
                atlas.find_by_id(id).is_some(),
                "{}: {id} is not in the data",
                s.title
            );
        }
    }
    let titles: Vec<&str> = deck.slides.iter().map(|s| s.title.as_str()).collect();
    for wanted in [
        "airports",
        "Araz Valley",
        "Khankendi's 2024",
        "Ağalı",
        "Talış",
        "Khojaly",
        "Demining",
    ] {
        assert!(
            titles.iter().any(|t| t.contains(wanted)),
            "no slide about {wanted}: {titles:?}"
        );
    }
    assert!(
        deck.slides.iter().any(|s| s.timeline.is_some()),
        "a slide plays the timeline"
    );
}

#[test]
fn render_writes_one_png_per_slide_headless() {
    let out = temp_dir("render");
    let deck = temp_dir("deck").join("great-return.json");
    std::fs::write(&deck, project::GREAT_RETURN_DECK).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .args(["render", "--size", "480x270", "--slides"])
        .arg(&deck)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let n = project::parse("d", project::GREAT_RETURN_DECK)
        .unwrap()
        .slides
        .len();
    for i in 1..=n {
        let png = tiny_skia::Pixmap::load_png(out.join(format!("slide-{i:02}.png"))).unwrap();
        assert_eq!((png.width(), png.height()), (480, 270));
    }
}

#[test]
fn clicker_keys_move_through_the_deck_and_numbers_jump() {
    let mut p = Presentation::default();
    assert_eq!(p.key(PresentKey::Previous, 5), PresentAction::None);
    assert_eq!(p.key(PresentKey::Next, 5), PresentAction::Show(1));
    assert_eq!(p.key(PresentKey::Digit(4), 5), PresentAction::None);
    assert_eq!(p.key(PresentKey::Enter, 5), PresentAction::Show(3));
    assert_eq!(p.key(PresentKey::Digit(9), 5), PresentAction::None);
    assert_eq!(
        p.key(PresentKey::Enter, 5),
        PresentAction::None,
        "no slide 9"
    );
    assert_eq!(p.key(PresentKey::Black, 5), PresentAction::None);
    assert!(p.black);
    assert_eq!(p.key(PresentKey::Digit(2), 5), PresentAction::None);
    assert_eq!(
        p.key(PresentKey::Leave, 5),
        PresentAction::None,
        "Esc first clears the number"
    );
    assert_eq!(p.key(PresentKey::Leave, 5), PresentAction::End);
}

#[test]
fn a_tour_starts_and_ends_on_its_views() {
    let a = MapView {
        center: [0.0, 0.0],
        metres_per_point: 10.0,
    };
    let b = MapView {
        center: [100_000.0, 50_000.0],
        metres_per_point: 20.0,
    };
    let tour = Tour::new(a, b, 1000.0, 1.0);
    let start = tour.at(0.0);
    let end = tour.at(1.0);
    assert!(
        (start.center[0] - a.center[0]).abs() < 1e-6
            && (start.metres_per_point - 10.0).abs() < 1e-9
    );
    assert!(
        (end.center[0] - b.center[0]).abs() < 1e-3 && (end.metres_per_point - 20.0).abs() < 1e-6
    );
    assert!(
        tour.at(0.5).metres_per_point > 20.0,
        "zooms out in the middle"
    );
}

#[test]
fn with_two_screens_the_slides_go_to_the_other_and_the_presenter_view_stays_here() {
    use egui_kittest::kittest::Queryable;
    use karabakh_atlas::app::screens::{Screen, Screens};
    let screen = |name: &str| Screen {
        name: name.to_owned(),
        width: 1920,
        height: 1080,
    };
    // What the window asked of the root viewport in the frame the show started in.
    let present = |screens: Screens| {
        let mut harness = harness();
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
        harness.run();
        harness.state_mut().state.show.screens = screens;
        // One frame, so that its output holds what F5 asks of the window.
        harness
            .state_mut()
            .state
            .send(karabakh_atlas::app::Command::Present);
        harness.step();
        let commands = harness.output().viewport_output[&egui::ViewportId::ROOT]
            .commands
            .clone();
        assert!(harness.state().state.show.presentation.is_some());
        harness.run();
        let presenter_view = harness.query_by_label("Notes").is_some();
        (commands, presenter_view)
    };
    let two = |swapped| Screens {
        list: vec![screen("Laptop"), screen("Projector")],
        current: Some(0),
        swapped,
    };

    let (commands, presenter_view) = present(two(false));
    assert!(
        commands.contains(&egui::ViewportCommand::SetMonitor(1)),
        "{commands:?}"
    );
    assert!(presenter_view, "no presenter view with two screens");

    let (commands, presenter_view) = present(two(true));
    assert!(
        commands.contains(&egui::ViewportCommand::SetMonitor(0)),
        "{commands:?}"
    );
    assert!(presenter_view);

    // One screen: full screen where the window is, and no presenter view unless asked for.
    let one = Screens {
        list: vec![screen("Laptop")],
        current: Some(0),
        swapped: false,
    };
    let (commands, presenter_view) = present(one);
    assert!(
        commands.contains(&egui::ViewportCommand::Fullscreen(true)),
        "{commands:?}"
    );
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, egui::ViewportCommand::SetMonitor(_)))
    );
    assert!(!presenter_view);
}
