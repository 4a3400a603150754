//! The `publish` command: the shipped layers, or the files named, written to PostGIS tables.

use crate::io::postgis::publish::{Published, Table, publish};
use std::path::Path;

/// A table name from a file's name: lower case letters, digits and underscores.
pub fn table_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "layer".to_owned());
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("layer_{name}")
    } else {
        name
    }
}

/// Publishes `files` (or, when there are none, the shipped layers, each under its id) into
/// `schema` of the database `to` names.
pub fn run(
    to: &str,
    schema: &str,
    files: &[&Path],
    max_bytes: u64,
) -> anyhow::Result<Vec<Published>> {
    let mut loaded = Vec::new();
    if files.is_empty() {
        for shipped in &crate::io::embedded::SHIPPED {
            let file = &shipped.file;
            let layer = crate::io::geojson::load_str(file.file_name, file.text)?;
            loaded.push((shipped.id.to_owned(), layer.features));
        }
    } else {
        for path in files {
            let layer = crate::io::load_any(path, max_bytes)?;
            for warning in &layer.warnings {
                eprintln!("warning: {warning}");
            }
            loaded.push((table_name(path), layer.features));
        }
    }
    let tables: Vec<Table<'_>> = loaded
        .iter()
        .map(|(name, features)| Table {
            name: name.clone(),
            features,
        })
        .collect();
    publish(to, schema, &tables).map_err(anyhow::Error::msg)
}
