//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod window;

/// A small deterministic random number generator (SplitMix64), so failures reproduce.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A user layer `id` of these geometries (lon/lat), styled as the first file opened.
pub fn layer_of(
    id: &str,
    geometries: Vec<geo::Geometry<f64>>,
) -> karabakh_atlas::model::layer::Layer {
    let features: Vec<karabakh_atlas::model::feature::Feature> = geometries
        .into_iter()
        .enumerate()
        .map(
            |(index, geometry)| karabakh_atlas::model::feature::Feature {
                geometry,
                properties: serde_json::Map::new(),
                index,
            },
        )
        .collect();
    karabakh_atlas::model::layer::Layer::from_features(
        id,
        id,
        karabakh_atlas::model::layer::LayerRole::User,
        karabakh_atlas::model::atlas::user_style(0),
        "test.geojson",
        &features,
    )
}

/// Every `.rs` file below `dir`, into `out`.
pub fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Writes a GeoJSON FeatureCollection of `features` (each one feature's JSON) to `path`.
pub fn write_collection(path: &std::path::Path, features: &[String]) {
    std::fs::write(
        path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
}

/// An empty folder `{prefix}-{process id}-{name}` in the system's temp folder, emptied first
/// if a former run left it.
pub fn fresh_dir(prefix: &str, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The folder `{name}-{process id}` in the system's temp folder, made if missing.
pub fn temp_folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `contents` to `file` in the [`temp_folder`] `folder`; the file's path.
pub fn write_temp(folder: &str, file: &str, contents: impl AsRef<[u8]>) -> std::path::PathBuf {
    let path = temp_folder(folder).join(file);
    std::fs::write(&path, contents).unwrap();
    path
}
