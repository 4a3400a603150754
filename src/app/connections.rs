//! Saved database connections: host, port, database, user and TLS mode, kept between runs in
//! `connections.json` beside the session. Never a password: that comes from PGPASSWORD,
//! ~/.pgpass or what the user types, and stays in memory.

use std::path::{Path, PathBuf};

/// One saved connection.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Connection {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    /// libpq's `sslmode`.
    pub sslmode: String,
}

impl Connection {
    /// The connection's URL, without a password and without a table.
    pub fn url(&self) -> String {
        format!(
            "postgresql://{}@{}:{}/{}?sslmode={}",
            self.user, self.host, self.port, self.database, self.sslmode
        )
    }
}

/// Where saved connections are kept, if the system has a place for the app's data.
pub fn file() -> Option<PathBuf> {
    eframe::storage_dir("karabakh-atlas").map(|d| d.join("connections.json"))
}

/// The saved connections; none when the file is missing or unreadable.
pub fn load(path: &Path) -> Vec<Connection> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Writes the saved connections atomically.
pub fn save(path: &Path, connections: &[Connection]) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(connections).map_err(std::io::Error::other)?;
    crate::io::save::write_atomically(path, text.as_bytes())
}
