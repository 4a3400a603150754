//! Opening files off the UI thread: a worker reads and indexes each file as a layer, reports
//! its progress, and gives up when cancelled; the checks a GeoJSON read leaves for later run
//! after the layer is shown, their warnings sent on when done. The map stays usable meanwhile.

use crate::io::csv::CsvOptions;
use crate::io::geojson::Stopped;
use crate::io::{LoadError, LoadWarning};
use crate::model::atlas::Atlas;
use crate::model::layer::Indexed;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

/// How far a load has got; the worker writes it and the UI reads it.
#[derive(Debug, Default)]
pub struct Progress {
    /// Size of the file on disk, once known.
    pub bytes_total: AtomicU64,
    /// Bytes read and parsed so far.
    pub bytes_done: AtomicU64,
    /// Set once the file is read, while its index is built.
    pub indexing: AtomicBool,
}

/// A file read and indexed, not yet a layer.
pub struct PreparedFile {
    pub path: PathBuf,
    /// The layer name the file gives itself, if any.
    pub name: Option<String>,
    pub features: Indexed,
    pub warnings: Vec<LoadWarning>,
    /// The warnings of the checks left for later, when they are done (see [`Loading`]).
    pub later: Option<mpsc::Receiver<Vec<LoadWarning>>>,
    /// A database table read one view at a time: its estimated rows.
    pub follows_view: Option<u64>,
}

impl std::fmt::Debug for PreparedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} features)",
            self.path.display(),
            self.features.store.len()
        )
    }
}

/// How a load ended.
#[derive(Debug)]
pub enum Outcome {
    Loaded(PreparedFile),
    /// The file was refused; the error names the file and the place.
    Failed(LoadError),
    Cancelled,
}

/// Reads and indexes `path`, reporting into `progress` and stopping between blocks once
/// `cancel` is set; returns, with the outcome, whether checks were left for later (and
/// whether they look for repeated ids). Runs on any thread.
pub fn read_and_index(
    path: &Path,
    max_bytes: u64,
    csv: Option<&CsvOptions>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> (Outcome, Option<bool>) {
    if let Ok(meta) = std::fs::metadata(path) {
        progress.bytes_total.store(meta.len(), Ordering::Relaxed);
    }
    let opened = match crate::io::read_any(path, max_bytes, csv, progress, cancel) {
        Ok(opened) => opened,
        Err(Stopped::Refused(e)) => return (Outcome::Failed(e), None),
        Err(Stopped::Cancelled) => return (Outcome::Cancelled, None),
    };
    if cancel.load(Ordering::Relaxed) {
        return (Outcome::Cancelled, None);
    }
    progress.indexing.store(true, Ordering::Relaxed);
    let loaded = opened.loaded;
    let file = PreparedFile {
        path: path.to_path_buf(),
        name: loaded.name,
        features: Indexed::new(Arc::new(loaded.features)),
        warnings: loaded.warnings,
        later: None,
        follows_view: loaded.follows_view,
    };
    (Outcome::Loaded(file), opened.deferred.then_some(opened.ids))
}

/// Reads a file and adds it as a new top layer, on this thread, every check made. On error
/// nothing changes.
pub fn add_file(atlas: &mut Atlas, path: &Path, max_bytes: u64) -> Result<usize, LoadError> {
    let progress = Progress::default();
    let never = AtomicBool::new(false);
    match read_and_index(path, max_bytes, None, &progress, &never) {
        (Outcome::Loaded(mut file), deferred) => {
            if let Some(ids) = deferred {
                let name = path.display().to_string();
                let later = crate::io::geojson::deferred_checks(&name, &file.features.store, ids);
                file.warnings.extend(later);
                file.warnings.sort_by_key(|w| w.feature_index);
            }
            Ok(add_to(atlas, file))
        }
        (Outcome::Failed(e), _) => Err(e),
        // Nothing sets `never`.
        (Outcome::Cancelled, _) => Err(LoadError::Io {
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
                let (mut result, deferred) =
                    read_and_index(&path, max_bytes, csv.as_ref(), &progress, &cancel);
                // The layer goes first; the checks that can wait follow on its own channel.
                let checks = match (&mut result, deferred) {
                    (Outcome::Loaded(file), Some(ids)) => {
                        let (send_later, later) = mpsc::channel();
                        file.later = Some(later);
                        Some((Arc::clone(&file.features.store), ids, send_later))
                    }
                    _ => None,
                };
                // The receiver is gone only when the load was dropped; nobody waits then.
                let _ = send.send(result);
                wake();
                if let Some((store, ids, send_later)) = checks {
                    let file = path.display().to_string();
                    let warnings = crate::io::geojson::deferred_checks(&file, &store, ids);
                    let _ = send_later.send(warnings);
                    wake();
                }
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

    /// Asks the worker to stop; it does at the next block of the file.
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
        let total = self.progress.bytes_total.load(Ordering::Relaxed);
        let done = self.progress.bytes_done.load(Ordering::Relaxed);
        (total > 0 && done > 0).then(|| (done as f32 / total as f32).min(1.0))
    }

    /// What the worker is doing, for a progress line.
    pub fn describe(&self) -> String {
        let total = self.progress.bytes_total.load(Ordering::Relaxed);
        let done = self.progress.bytes_done.load(Ordering::Relaxed);
        if self.progress.indexing.load(Ordering::Relaxed) {
            format!("indexing {}", human_bytes(total))
        } else if done == 0 {
            format!("reading {}", human_bytes(total))
        } else {
            format!("{} of {} read", human_bytes(done), human_bytes(total))
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
