//! Dated copies of database layers, for presenting where the database cannot be reached: a
//! layer's features written as GeoJSON with the table's URL (never a password) and the time
//! they were read, under a name that stays the same from run to run for the same URL.

use crate::model::store::FeatureStore;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the copy of the table `url` names is kept in `dir`.
pub fn path_for(dir: &Path, url: &str) -> PathBuf {
    let url = super::redact(url);
    let table = super::Source::parse(&url).map_or_else(|_| "table".to_owned(), |s| s.table);
    let readable: String = table
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .take(40)
        .collect();
    dir.join(format!("{readable}-{:016x}.geojson", fnv1a(url.as_bytes())))
}

/// FNV-1a: a hash that is the same in every build, so a copy is found by later versions too.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `2026-12-03T08:57:12Z` for a time.
pub fn timestamp(at: std::time::SystemTime) -> String {
    let secs = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = crate::model::date::Date::from_unix_days((secs / 86_400) as i64);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// Writes the features of the table `url` names, read at `read_at`, as the copy in `dir`
/// (atomically: a crash leaves the previous copy). Returns the copy's path.
pub fn write(
    dir: &Path,
    url: &str,
    name: &str,
    store: &FeatureStore,
    read_at: std::time::SystemTime,
) -> Result<PathBuf, String> {
    let features = store.iter().map(|f| (f.lonlat(), f.properties_json()));
    write_collection(dir, url, name, read_at, None, features)
}

/// What one slide showed of a table read view by view: the view's box (west, south, east,
/// north) and the features read for it, or its squares counted on the server.
#[derive(Clone)]
pub struct ViewSnapshot {
    pub bounds: [f64; 4],
    pub store: std::sync::Arc<FeatureStore>,
    /// Each square's mean (longitude, latitude) and count.
    pub counted: Vec<([f64; 2], usize)>,
}

/// The property naming the snapshot a feature of a view copy belongs to.
pub const VIEW_PROPERTY: &str = "karabakh_atlas_view";
/// The property of a counted square in a view copy: its count.
pub const COUNT_PROPERTY: &str = "karabakh_atlas_count";

/// Writes what the slides showed of a table read view by view as its copy in `dir`: each
/// snapshot's features and counted squares (as points with their count), tagged with the
/// snapshot's number, and the snapshots' boxes in the header.
pub fn write_views(
    dir: &Path,
    url: &str,
    name: &str,
    snapshots: &[ViewSnapshot],
    read_at: std::time::SystemTime,
) -> Result<PathBuf, String> {
    let boxes: Vec<[f64; 4]> = snapshots.iter().map(|s| s.bounds).collect();
    let tagged = |i: usize, mut properties: serde_json::Map<String, serde_json::Value>| {
        properties.insert(VIEW_PROPERTY.to_owned(), i.into());
        properties
    };
    let features = snapshots.iter().enumerate().flat_map(|(i, s)| {
        let read = s
            .store
            .iter()
            .map(move |f| (f.lonlat(), tagged(i, f.properties_json())));
        let counted = s.counted.iter().map(move |&([lon, lat], n)| {
            let mut properties = serde_json::Map::new();
            properties.insert(COUNT_PROPERTY.to_owned(), n.into());
            (geo::Point::new(lon, lat).into(), tagged(i, properties))
        });
        read.chain(counted)
    });
    write_collection(dir, url, name, read_at, Some(&boxes), features)
}

fn write_collection(
    dir: &Path,
    url: &str,
    name: &str,
    read_at: std::time::SystemTime,
    views: Option<&[[f64; 4]]>,
    features: impl Iterator<
        Item = (
            geo::Geometry<f64>,
            serde_json::Map<String, serde_json::Value>,
        ),
    >,
) -> Result<PathBuf, String> {
    let url = super::redact(url);
    let path = path_for(dir, &url);
    let mut out = Vec::new();
    let mut header = serde_json::json!({
        "url": url,
        "read_at": timestamp(read_at),
    });
    if let Some(views) = views {
        header["views"] = serde_json::json!(views);
    }
    let fail = |e: std::io::Error| {
        format!(
            "{}: the offline copy cannot be written: {e}",
            path.display()
        )
    };
    let json = |e: serde_json::Error| {
        format!(
            "{}: the offline copy cannot be written: {e}",
            path.display()
        )
    };
    write!(
        out,
        "{{\"type\":\"FeatureCollection\",\"name\":{},\"karabakh_atlas_copy\":{header},\"features\":[",
        serde_json::Value::from(name)
    )
    .map_err(fail)?;
    for (i, (geometry, properties)) in features.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let feature = geojson::Feature {
            geometry: Some(geojson::Geometry::from(&geometry)),
            properties: Some(properties),
            ..geojson::Feature::default()
        };
        serde_json::to_writer(&mut out, &feature).map_err(json)?;
    }
    out.extend_from_slice(b"]}\n");
    crate::io::save::write_atomically(&path, &out).map_err(fail)?;
    Ok(path)
}

/// The boxes of the snapshots a view copy at `path` holds, in order; `None` for a copy of a
/// table read whole.
pub fn views(path: &Path) -> Option<Vec<[f64; 4]>> {
    use std::io::Read;
    // The header comes first, before the features.
    let mut head = vec![0; 1 << 20];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = String::from_utf8_lossy(&head[..n]);
    let start = head.find("\"views\":")? + "\"views\":".len();
    let end = start + head[start..].find("]]")? + 2;
    serde_json::from_str(&head[start..end]).ok()
}

/// When the copy at `path` was read from its database (`read_at`, as written), if it says.
pub fn read_at(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = vec![0; 4096];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = String::from_utf8_lossy(&head[..n]);
    let start = head.find("\"read_at\":\"")? + "\"read_at\":\"".len();
    let end = start + head[start..].find('"')?;
    Some(head[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_named_by_its_url_without_the_password_and_dated() {
        let dir = Path::new("/copies");
        let a = path_for(dir, "postgresql://ann:secret@h:5432/db?table=s.sites");
        let b = path_for(dir, "postgresql://ann@h:5432/db?table=s.sites");
        let c = path_for(dir, "postgresql://ann@h:5432/db?table=s.camps");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(
            a.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("sites-")
        );
        assert_eq!(
            timestamp(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_291_832)),
            "2026-12-03T09:57:12Z"
        );
    }
}
