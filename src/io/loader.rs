//! Opening files off the UI thread: a worker reads, parses and prepares each file as a layer,
//! reports its progress, and gives up when cancelled. The map stays usable meanwhile.

use crate::io::csv::CsvOptions;
use crate::io::{LoadError, LoadWarning};
use crate::model::atlas::Atlas;
use crate::model::layer::{PreparedFeature, prepare};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;

/// How far a load has got; the worker writes it and the UI reads it.
#[derive(Debug, Default)]
pub struct Progress {
    /// Size of the file on disk, once known.
    pub bytes_total: AtomicU64,
    /// Features parsed; zero while the file is still being read and parsed.
    pub features_total: AtomicUsize,
    /// Features made ready to draw and pick (projected, triangulated).
    pub features_done: AtomicUsize,
}

/// A file read and made ready to draw, not yet a layer.
#[derive(Debug)]
pub struct PreparedFile {
    pub path: PathBuf,
    /// The layer name the file gives itself, if any.
    pub name: Option<String>,
    pub features: Vec<PreparedFeature>,
    pub warnings: Vec<LoadWarning>,
}

/// How a load ended.
#[derive(Debug)]
pub enum Outcome {
    Loaded(PreparedFile),
    /// The file was refused; the error names the file and the place.
    Failed(LoadError),
    Cancelled,
}

/// Reads, parses and prepares `path`, reporting into `progress` and stopping between features
/// once `cancel` is set. Runs on any thread.
pub fn read_and_prepare(
    path: &Path,
    max_bytes: u64,
    csv: Option<&CsvOptions>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Outcome {
    if let Ok(meta) = std::fs::metadata(path) {
        progress.bytes_total.store(meta.len(), Ordering::Relaxed);
    }
    let read = match csv {
        Some(options) => crate::io::csv::load_path(path, max_bytes, options),
        None => crate::io::load_any(path, max_bytes),
    };
    let loaded = match read {
        Ok(loaded) => loaded,
        Err(e) => return Outcome::Failed(e),
    };
    progress
        .features_total
        .store(loaded.features.len(), Ordering::Relaxed);
    let mut features = Vec::with_capacity(loaded.features.len());
    for (n, feature) in loaded.features.into_iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Outcome::Cancelled;
        }
        features.extend(prepare(feature));
        progress.features_done.store(n + 1, Ordering::Relaxed);
    }
    Outcome::Loaded(PreparedFile {
        path: path.to_path_buf(),
        name: loaded.name,
        features,
        warnings: loaded.warnings,
    })
}

/// Reads a file and adds it as a new top layer, on this thread. On error nothing changes.
/// Files over `max_bytes` are refused before they are read, so that a 2 GB dump cannot
/// drive the machine out of memory.
pub fn add_file(atlas: &mut Atlas, path: &Path, max_bytes: u64) -> Result<usize, LoadError> {
    let progress = Progress::default();
    let never = std::sync::atomic::AtomicBool::new(false);
    match read_and_prepare(path, max_bytes, None, &progress, &never) {
        Outcome::Loaded(file) => Ok(add_to(atlas, file)),
        Outcome::Failed(e) => Err(e),
        // Nothing sets `never`.
        Outcome::Cancelled => Err(LoadError::Io {
            file: path.display().to_string(),
            source: std::io::ErrorKind::Interrupted.into(),
        }),
    }
}

/// Adds a file read by the loader to `atlas` as a new top layer, and its warnings to the
/// atlas's messages; returns the layer's index.
pub fn add_to(atlas: &mut Atlas, file: PreparedFile) -> usize {
    atlas
        .messages
        .extend(file.warnings.iter().map(ToString::to_string));
    atlas.add_user_layer(&file.path, file.name, file.features)
}

/// A file being opened in the background.
pub struct Loading {
    pub path: PathBuf,
    pub progress: Arc<Progress>,
    cancel: Arc<AtomicBool>,
    outcome: mpsc::Receiver<Outcome>,
}

impl Loading {
    /// Starts a worker thread for `path`; `wake` is called when it has finished. `csv` names
    /// the columns of a CSV file; `None` detects the format and the columns.
    pub fn start(
        path: PathBuf,
        max_bytes: u64,
        csv: Option<CsvOptions>,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let progress = Arc::new(Progress::default());
        let cancel = Arc::new(AtomicBool::new(false));
        let (send, outcome) = mpsc::channel();
        let worker = {
            let path = path.clone();
            let progress = Arc::clone(&progress);
            let cancel = Arc::clone(&cancel);
            move || {
                let result = read_and_prepare(&path, max_bytes, csv.as_ref(), &progress, &cancel);
                // The receiver is gone only when the load was dropped; nobody waits then.
                let _ = send.send(result);
                wake();
            }
        };
        let spawned = std::thread::Builder::new()
            .name("file-loader".to_owned())
            .spawn(worker);
        if let Err(e) = spawned {
            let (send, failed) = mpsc::channel();
            let _ = send.send(Outcome::Failed(LoadError::Io {
                file: path.display().to_string(),
                source: e,
            }));
            return Self {
                path,
                progress,
                cancel,
                outcome: failed,
            };
        }
        Self {
            path,
            progress,
            cancel,
            outcome,
        }
    }

    /// Asks the worker to stop; it does at the next feature.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The outcome, once the worker has finished.
    pub fn poll(&self) -> Option<Outcome> {
        match self.outcome.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(self.worker_died()),
        }
    }

    /// Waits for the outcome.
    pub fn wait(&self) -> Outcome {
        self.outcome.recv().unwrap_or_else(|_| self.worker_died())
    }

    fn worker_died(&self) -> Outcome {
        Outcome::Failed(LoadError::Io {
            file: self.path.display().to_string(),
            source: std::io::Error::other("reading the file stopped unexpectedly"),
        })
    }

    /// Share of the work done, once the features are known; `None` while reading and parsing.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.progress.features_total.load(Ordering::Relaxed);
        (total > 0)
            .then(|| self.progress.features_done.load(Ordering::Relaxed) as f32 / total as f32)
    }

    /// What the worker is doing, for a progress line.
    pub fn describe(&self) -> String {
        let bytes = self.progress.bytes_total.load(Ordering::Relaxed);
        let total = self.progress.features_total.load(Ordering::Relaxed);
        let done = self.progress.features_done.load(Ordering::Relaxed);
        if total == 0 {
            format!("reading {}", human_bytes(bytes))
        } else {
            format!("{done} of {total} features ready ({})", human_bytes(bytes))
        }
    }
}

/// A byte count for people: "812 B", "3.4 MB".
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
