//! What must work the same on Windows and Linux: a project's file paths written with `/` and
//! read whichever separator they have, and the file dialog's places (the drives on Windows).

use super::files::user_layers;
use crate::support::window::{embedded_state, load_pending, open_and_load};
use karabakh_atlas::app::setup::{relative_to, resolve_in};
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    crate::support::fresh_dir("karabakh-atlas-portable", name)
}

/// A project folder with the test settlements in `data/towns/`, saved from the app.
fn saved_project(dir: &Path) -> (PathBuf, usize) {
    let data = dir.join("data").join("towns");
    std::fs::create_dir_all(&data).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats/settlements.csv");
    std::fs::copy(&source, data.join("settlements.csv")).unwrap();
    let mut state = embedded_state();
    open_and_load(&mut state, data.join("settlements.csv"));
    let count = user_layers(&state)[0].1;
    assert!(count > 0);
    let project = dir.join("planning.json");
    state.save_project_as(&project);
    (project, count)
}

fn opened(project: &Path) -> Vec<(String, usize)> {
    let mut other = embedded_state();
    other.open_project(project, true);
    load_pending(&mut other);
    user_layers(&other)
}

#[test]
fn a_project_names_its_files_with_forward_slashes_on_every_system() {
    let dir = temp_dir("slashes");
    let (project, count) = saved_project(&dir);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    assert_eq!(
        json["setup"]["files"][0]["path"],
        "data/towns/settlements.csv"
    );
    assert_eq!(
        opened(&project),
        vec![("settlements.csv".to_owned(), count)]
    );
}

#[test]
fn a_project_written_with_backslashes_opens_on_either_system() {
    let dir = temp_dir("backslashes");
    let (project, count) = saved_project(&dir);
    // As a Windows program that writes its own separator would save it.
    let text = std::fs::read_to_string(&project).unwrap();
    let windows = text.replace(
        "data/towns/settlements.csv",
        r"data\\towns\\settlements.csv",
    );
    assert_ne!(text, windows);
    let moved = temp_dir("backslashes-moved");
    std::fs::create_dir_all(moved.join("data/towns")).unwrap();
    std::fs::copy(
        dir.join("data/towns/settlements.csv"),
        moved.join("data/towns/settlements.csv"),
    )
    .unwrap();
    std::fs::write(moved.join("planning.json"), windows).unwrap();
    assert_eq!(
        opened(&moved.join("planning.json")),
        vec![("settlements.csv".to_owned(), count)]
    );
}

#[test]
fn relative_paths_resolve_whatever_their_separator_and_absolute_ones_stay() {
    let base = Path::new("project");
    let expected = base.join("data").join("a.geojson");
    for stored in ["data/a.geojson", r"data\a.geojson", r".\data\a.geojson"] {
        assert_eq!(resolve_in(base, stored), expected, "{stored}");
    }
    for absolute in [
        r"C:\maps\a.geojson",
        r"\\server\share\a.geojson",
        "/srv/a.geojson",
    ] {
        assert_eq!(resolve_in(base, absolute), PathBuf::from(absolute));
    }
    let file = base.join("data").join("towns").join("a.geojson");
    assert_eq!(relative_to(&file, base), "data/towns/a.geojson");
}

#[test]
fn the_file_dialog_offers_the_drives_on_windows_and_the_root_elsewhere() {
    let places = karabakh_atlas::ui::file_dialog::places();
    assert!(places.iter().all(|p| p.is_dir()), "{places:?}");
    if cfg!(windows) {
        // Every Windows system, and Wine, has a C: drive.
        assert!(places.contains(&PathBuf::from(r"C:\")), "{places:?}");
    } else {
        assert!(places.contains(&PathBuf::from("/")), "{places:?}");
    }
}
