//! Nothing lost: a project (and the session, which is written the same way) survives being
//! killed (SIGKILL, or TerminateProcess on Windows) at random moments while it is being saved.

use crate::support;

use karabakh_atlas::app::project::{self, Project, Slide};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::Rng;
use support::window::embedded_state;

const CHILD_ENV: &str = "KARABAKH_ATLAS_KILL_TEST_FILE";

/// Save number `n`: its title says `n`, and it has `n % 7` slides, so a torn or mixed file
/// cannot pass for a complete one.
fn state(n: u64) -> Project {
    let slide = Slide {
        title: "x".repeat(200),
        caption: "Ağalı, Şuşa, Xankəndi ".repeat(20),
        notes: String::new(),
        center: [46.7, 39.7],
        metres_per_point: 100.0,
        layers: Vec::new(),
        as_of: None,
        filters: Default::default(),
        highlights: Vec::new(),
        choropleth_year: None,
        timeline: None,
    };
    Project {
        title: format!("save {n}"),
        slides: vec![slide; (n % 7) as usize],
        ..Project::default()
    }
}

/// Not a test on its own: the child process the kill test starts. It saves forever.
#[test]
fn kill_test_child_saves_until_killed() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    for n in 1.. {
        project::save(&path, &state(n)).unwrap();
        if n == 1 {
            // Tells the test that saving has begun: the kill falls among the saves that follow.
            std::fs::write(started_marker(&path), b"").unwrap();
        }
    }
}

/// The file the child writes once its first save is done.
fn started_marker(path: &std::path::Path) -> std::path::PathBuf {
    path.with_extension("started")
}

#[test]
fn a_project_opens_after_being_killed_at_random_moments_while_saving() {
    let dir = std::env::temp_dir().join(format!("karabakh-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deck.json");
    project::save(&path, &state(0)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng::new(2026);
    // A process takes about 0.3 s to start under Wine, a few milliseconds on Linux: 1,000
    // kills on Unix, 200 elsewhere, to keep the Windows run's time in bounds.
    let rounds = if cfg!(unix) { 1000 } else { 200 };
    let marker = started_marker(&path);
    for round in 0..rounds {
        let _ = std::fs::remove_file(&marker);
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_safety::kill_test_child_saves_until_killed",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed at a random moment once saving has begun, however long the start took.
        let started = std::time::Instant::now();
        while !marker.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "round {round}: the child never saved"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(Duration::from_micros(rng.range(0.0, 25_000.0) as u64));
        child.kill().unwrap(); // SIGKILL on Unix, TerminateProcess on Windows
        child.wait().unwrap();
        let (opened, _note) = project::load(&path)
            .unwrap_or_else(|e| panic!("round {round}: the project does not open: {e}"));
        let n: u64 = opened.title.strip_prefix("save ").unwrap().parse().unwrap();
        assert!(n > 0, "round {round}: the first save is lost");
        assert_eq!(
            opened.slides.len() as u64,
            n % 7,
            "round {round}: a torn save"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_session_is_restored_from_its_backup_and_says_so() {
    use karabakh_atlas::app::session::load_session;
    let dir = support::temp_folder("karabakh-session");
    let path = dir.join("session.json");
    let mut state = embedded_state();
    state.session_path = Some(path.clone());
    state.doc.language = karabakh_atlas::model::feature::Language::English;
    state.save_session();
    let saved = state.session();
    state.save_session(); // the first save becomes the .bak
    std::fs::write(&path, b"{\"format\": \"karabakh-atlas-sess").unwrap();
    let (restored, note) = load_session(&path).unwrap();
    assert_eq!(restored, saved);
    assert!(note.unwrap().contains("restored from"), "the user is told");
    std::fs::remove_dir_all(&dir).unwrap();
}
