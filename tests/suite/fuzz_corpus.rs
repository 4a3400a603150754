//! Replays the minimized fuzzing corpus in `tests/data/fuzz/<target>/` through the same checks
//! the cargo-fuzz targets run (`tests/suite/fuzz_checks/mod.rs`): no input may panic or break an
//! invariant. This runs under plain `cargo test`; the fuzzing itself is described in
//! RELIABILITY.md.

use crate::fuzz_checks;

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "{}: only {} files; the corpus is missing",
        dir.display(),
        files.len()
    );
    files
}

/// Runs `check` on every file of `target`'s corpus, naming the file that fails.
fn replay(target: &str, check: fn(&[u8])) {
    for path in corpus(target) {
        let bytes = std::fs::read(&path).unwrap();
        if let Err(panic) = std::panic::catch_unwind(|| check(&bytes)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("{}: {message}", path.display());
        }
    }
}

#[test]
fn geojson_corpus() {
    replay("geojson", fuzz_checks::geojson);
}

#[test]
fn project_corpus() {
    replay("project", fuzz_checks::project);
}

#[test]
fn session_corpus() {
    replay("session", fuzz_checks::session);
}

#[test]
fn csv_corpus() {
    replay("csv", fuzz_checks::csv);
}

#[test]
fn kml_corpus() {
    replay("kml", fuzz_checks::kml);
}

#[test]
fn shapefile_corpus() {
    replay("shapefile", fuzz_checks::shapefile);
}

#[test]
fn gpkg_corpus() {
    replay("gpkg", fuzz_checks::gpkg);
}

/// The regression inputs in `tests/data/bad/` pass the fuzz checks too.
#[test]
fn bad_inputs_pass_the_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let check: fn(&[u8]) = if name.ends_with(".project.json") {
            fuzz_checks::project
        } else if name.ends_with(".session.json") {
            fuzz_checks::session
        } else if name.ends_with(".csv") {
            fuzz_checks::csv
        } else if name.ends_with(".kml") {
            fuzz_checks::kml
        } else if name.ends_with(".gpkg") {
            fuzz_checks::gpkg
        } else {
            fuzz_checks::geojson
        };
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!("{}: broke a fuzz check", path.display());
        }
    }
}
