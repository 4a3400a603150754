//! What reading a file can give: the features, warnings about some of them, or one error that
//! refuses the whole file naming it and the place in it; and the checks made before a file is read.

use crate::model::store::FeatureStore;
use std::path::Path;

/// The largest file opened when the machine's memory cannot be told.
const FALLBACK_MAX_FILE_BYTES: u64 = 8 * 1000 * 1000 * 1000;

/// The largest file opened by default: half the machine's memory. A layer's store takes about
/// as much memory as the GeoJSON file it came from, or less (BENCHMARKS.md), and the rest of
/// the app and the other layers need room too; larger files are refused before they are read.
pub fn default_max_file_bytes() -> u64 {
    let mut system = sysinfo::System::new();
    system.refresh_memory();
    match system.total_memory() {
        0 => FALLBACK_MAX_FILE_BYTES,
        total => total / 2,
    }
}

/// Why a whole file was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: cannot read the file: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: is a directory, not a map data file")]
    Directory { file: String },
    #[error(
        "{file}: the file is {size} bytes, over the limit of {limit} bytes ({}): a layer is held in memory, and files up to half the machine's memory are opened (--max-file-mb changes the limit)",
        crate::io::loader::human_bytes(*.limit)
    )]
    TooLarge { file: String, size: u64, limit: u64 },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: names coordinate system {crs:?}, which this viewer cannot convert: {reason}")]
    UnknownCrs {
        file: String,
        crs: String,
        reason: String,
    },
    #[error("{file}: line {line}, column {column}: not valid JSON: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    NotGeoJson { file: String, message: String },
    #[error(
        "{file}: coordinates look like metres (for example {example}); this viewer reads WGS84 longitude/latitude (RFC 7946). Reproject the file to EPSG:4326 first"
    )]
    Metres { file: String, example: String },
    #[error("{file}: line {line}, column {column}: not valid {format}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        format: &'static str,
        message: String,
    },
    #[error("{file}: not a {format} file: {message}")]
    NotFormat {
        file: String,
        format: &'static str,
        message: String,
    },
    #[error("{file}: {message}; the columns are: {}", crate::io::list(.headers))]
    Columns {
        file: String,
        message: String,
        /// Every column of the file, so that the user can choose.
        headers: Vec<String>,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("{file}: {message}; supported formats: {supported}")]
    UnknownFormat {
        file: String,
        message: String,
        supported: &'static str,
    },
}

/// A feature that was skipped, or a doubt about one that was kept, or about the whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadWarning {
    pub file: String,
    /// Index of the feature in the file's `features` array; `None` for the whole file.
    pub feature_index: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.feature_index {
            Some(i) => write!(f, "{}: feature {i}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What a file gave: its features, the skipped ones' warnings, and its layer name if it has one.
#[derive(Debug, Default)]
pub struct Loaded {
    pub name: Option<String>,
    pub features: FeatureStore,
    pub warnings: Vec<LoadWarning>,
    /// For a database table too big to read whole: its estimated rows. The layer then reads
    /// each view from the server (`io::postgis::view`) and `features` starts empty.
    pub follows_view: Option<u64>,
}

/// Checks a file before it is read: it can be looked at, is no directory, and is within
/// `max_bytes`. Returns its size.
pub(crate) fn check_path(path: &Path, max_bytes: u64) -> Result<u64, LoadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    if meta.is_dir() {
        return Err(LoadError::Directory { file });
    }
    if meta.len() > max_bytes {
        return Err(LoadError::TooLarge {
            file,
            size: meta.len(),
            limit: max_bytes,
        });
    }
    Ok(meta.len())
}

/// Reads a whole file after [`check_path`].
pub(crate) fn read_capped(path: &Path, max_bytes: u64) -> Result<Vec<u8>, LoadError> {
    check_path(path, max_bytes)?;
    std::fs::read(path).map_err(|source| LoadError::Io {
        file: path.display().to_string(),
        source,
    })
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
