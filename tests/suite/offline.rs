//! The viewer makes no network connection of its own: no network client in its dependencies
//! but the database client, which only `io::postgis` uses (and only for a database the user
//! names), no socket API in its code, and a source link opens only through egui's hyperlink.
//! (`.ci/window-smoke` checks the running window for internet sockets too.)

use super::support::rust_files;
use std::path::Path;

/// Crates that speak HTTP or TLS, or open connections for it.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "ureq",
    "hyper",
    "h2",
    "curl",
    "isahc",
    "ehttp",
    "attohttpc",
    "surf",
    "native-tls",
    "openssl",
];

/// The database client, the one network client allowed (TLS by rustls, no system OpenSSL).
const DATABASE_CLIENT: &[&str] = &["postgres", "tokio-postgres", "tokio-postgres-rustls"];

/// The packages that `cargo tree` lists for `target` (this machine's when `None`), normal
/// dependencies only. `cargo tree --target` needs no installed target, so a Linux run checks
/// the Windows build's tree too.
fn dependencies(target: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "tree", "-e", "normal", "--prefix", "none", "--format", "{p}",
    ];
    if let Some(target) = target {
        args.extend(["--target", target]);
    }
    let out = std::process::Command::new(env!("CARGO"))
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn no_network_client_is_linked() {
    for target in [None, Some("x86_64-pc-windows-gnu")] {
        let deps = dependencies(target);
        assert!(
            deps.iter().any(|d| d == "eframe"),
            "the dependency list for {target:?} looks wrong: {deps:?}"
        );
        let network: Vec<&String> = deps
            .iter()
            .filter(|d| NETWORK_CRATES.contains(&d.as_str()))
            .collect();
        assert!(
            network.is_empty(),
            "network crates linked for {target:?}: {network:?}"
        );
        for client in DATABASE_CLIENT {
            assert!(
                deps.iter().any(|d| d == client),
                "{client} is gone for {target:?}: {deps:?}"
            );
        }
    }
}

/// Every `.rs` file of the app's source (`src/`).
fn source_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files
}

#[test]
fn only_the_postgis_reader_uses_the_database_client() {
    let files = source_files();
    let postgis = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/io/postgis");
    let mut users = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let uses = ["postgres::", "tokio_postgres", "rustls::"]
            .iter()
            .any(|n| text.contains(n));
        if file.starts_with(&postgis) {
            users += usize::from(uses);
        } else {
            assert!(!uses, "{} uses the database client", file.display());
        }
    }
    assert!(
        users > 0,
        "the PostGIS reader no longer uses the database client"
    );
}

#[test]
fn the_code_opens_no_socket_and_links_open_only_on_click() {
    let files = source_files();
    assert!(files.len() > 20, "too few source files found: {files:?}");
    let mut hyperlinks = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for needle in [
            "std::net",
            "TcpStream",
            "UdpSocket",
            "OpenUrl",
            "open_url",
            "Command::new(\"xdg-open",
        ] {
            assert!(
                !text.contains(needle),
                "{} uses {needle}: the viewer opens no connection, and a link only on a click",
                file.display()
            );
        }
        hyperlinks += text.matches("hyperlink_to(").count();
    }
    // Source links are egui hyperlinks, which open the system browser when clicked.
    assert!(hyperlinks > 0, "the detail panel's source links are gone");
}
