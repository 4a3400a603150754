//! Files the planner opens: queued, read in the background with progress and Cancel, added
//! as layers when read (looking as a restored setup says), checked after the first frame, and
//! remembered in "Open Recent".

use crate::app::AppState;
use crate::app::setup::FileLayer;
use crate::io::LoadWarning;
use crate::io::loader::{Loading, Outcome};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};

/// How many files "Open Recent" remembers.
pub const RECENT_FILES: usize = 10;

pub struct Files {
    /// Files to open on the next frame (command line, drag and drop, File → Open).
    pub pending: Vec<PathBuf>,
    /// Files being read in the background.
    pub loading: Vec<Loading>,
    /// Checks of files already shown, still running: their warnings come here.
    pub checking: Vec<Receiver<Vec<LoadWarning>>>,
    /// Files opened lately, newest first.
    pub recent: Vec<PathBuf>,
    /// How files being reopened (from a session or a project) should look once read.
    pub restore: Vec<(PathBuf, FileLayer)>,
    /// The largest file the app opens; larger ones are refused up front.
    pub max_file_bytes: u64,
    /// A CSV file whose coordinate columns the user is asked to choose.
    pub csv_columns: Option<CsvColumns>,
    /// Each database layer's last read, by its URL (no password).
    pub database_status: std::collections::HashMap<String, DatabaseStatus>,
    /// Database layers following their table's changes.
    pub following: Vec<crate::io::postgis::live::Follower>,
    /// Where dated copies of database layers are kept for presenting offline; `None` keeps
    /// none.
    pub offline_dir: Option<PathBuf>,
    /// Copies being read in place of databases that cannot be reached.
    pub stand_ins: Vec<crate::app::offline::StandIn>,
    /// Database layers too big to read whole, read one view at a time.
    pub view_following: Vec<crate::io::postgis::view_follower::ViewFollower>,
    /// What each slide made in this run showed of a table read view by view, by URL: its
    /// offline copy.
    pub view_snapshots:
        std::collections::HashMap<String, Vec<crate::io::postgis::copy::ViewSnapshot>>,
    /// Tables read view by view, shown from their copies.
    pub offline_views: Vec<crate::app::offline::OfflineViews>,
    /// Copies being written; each says where, or why it could not be.
    pub copies_writing: Vec<Receiver<Result<PathBuf, String>>>,
}

/// How a database layer's last read went, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct DatabaseStatus {
    pub at: std::time::SystemTime,
    /// `None` when the read succeeded; else the one-sentence reason.
    pub error: Option<String>,
    /// When the database could not be reached and its offline copy is shown instead: when
    /// that copy was read from the database (`2026-12-03T08:57:12Z`).
    pub copy_read_at: Option<String>,
}

impl Default for Files {
    fn default() -> Self {
        Self {
            pending: Vec::new(),
            loading: Vec::new(),
            checking: Vec::new(),
            recent: Vec::new(),
            restore: Vec::new(),
            max_file_bytes: crate::io::default_max_file_bytes(),
            csv_columns: None,
            database_status: std::collections::HashMap::new(),
            following: Vec::new(),
            offline_dir: None,
            stand_ins: Vec::new(),
            copies_writing: Vec::new(),
            view_following: Vec::new(),
            view_snapshots: Default::default(),
            offline_views: Vec::new(),
        }
    }
}

/// The coordinate columns chosen for a CSV file the app could not place by itself.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvColumns {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub lat: String,
    pub lon: String,
    /// The text's encoding; `None` detects it.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl Files {
    /// Queues `path` to open again, to look as `look` says once read.
    pub fn reopen(&mut self, path: PathBuf, look: FileLayer) {
        self.pending.push(path.clone());
        self.restore.push((path, look));
    }

    /// Whether `origin` (a path or URL) is waiting to be read or being read.
    pub fn is_opening(&self, origin: &str) -> bool {
        let path = Path::new(origin);
        self.pending.iter().any(|p| p == path) || self.loading.iter().any(|l| l.path == path)
    }

    /// Stops reading every file; nothing of them is added.
    pub fn cancel_all(&mut self) {
        for loading in self.loading.drain(..) {
            loading.cancel();
        }
        self.pending.clear();
    }

    /// Stops reading `path`; nothing of it is added.
    pub fn cancel(&mut self, path: &Path) {
        self.loading.retain(|l| {
            if l.path == path {
                l.cancel();
            }
            l.path != path
        });
    }

    /// Puts `path` first in "Open Recent".
    pub fn remember_recent(&mut self, path: &Path) {
        let path = if crate::io::postgis::is_database_url(path) {
            crate::io::postgis::without_password(path)
        } else {
            std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
        };
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_FILES);
    }
}

impl AppState {
    /// Starts reading queued files in the background; `wake` repaints when one finishes.
    pub fn open_pending_files(&mut self, wake: &(impl Fn() + Clone + Send + 'static)) {
        for path in std::mem::take(&mut self.files.pending) {
            let loading = Loading::start(path, self.files.max_file_bytes, None, wake.clone());
            self.files.loading.push(loading);
        }
    }

    /// Reads a CSV file with the coordinate columns the user chose.
    pub fn open_csv_with(&mut self, choice: CsvColumns, wake: impl Fn() + Send + 'static) {
        let options = crate::io::csv::CsvOptions {
            lat_column: Some(choice.lat),
            lon_column: Some(choice.lon),
            delimiter: None,
            encoding: choice.encoding,
        };
        let loading = Loading::start(choice.path, self.files.max_file_bytes, Some(options), wake);
        self.files.loading.push(loading);
    }

    /// Adds the files that have finished loading as layers; failures become messages and
    /// change nothing else. Returns true while files are still loading or being checked.
    pub fn poll_loading(&mut self) -> bool {
        for loading in std::mem::take(&mut self.files.loading) {
            match loading.poll() {
                Some(outcome) => self.finish_loading(&loading.path, outcome),
                None => self.files.loading.push(loading),
            }
        }
        // The checks a file's read left for later: their warnings as they come.
        for later in std::mem::take(&mut self.files.checking) {
            match later.try_recv() {
                Ok(warnings) => self.report_warnings(&warnings),
                Err(TryRecvError::Empty) => self.files.checking.push(later),
                Err(TryRecvError::Disconnected) => {}
            }
        }
        for writing in std::mem::take(&mut self.files.copies_writing) {
            match writing.try_recv() {
                Ok(done) => self.copy_written(done),
                Err(TryRecvError::Empty) => self.files.copies_writing.push(writing),
                Err(TryRecvError::Disconnected) => {}
            }
        }
        !self.files.loading.is_empty()
            || !self.files.checking.is_empty()
            || !self.files.copies_writing.is_empty()
    }

    /// Waits for every file being loaded and checked, and adds it (for the command line and
    /// tests).
    pub fn wait_for_loading(&mut self) {
        // A database that cannot be reached queues its offline copy: wait for that too.
        while !self.files.loading.is_empty() {
            for loading in std::mem::take(&mut self.files.loading) {
                let outcome = loading.wait();
                self.finish_loading(&loading.path, outcome);
            }
        }
        for later in std::mem::take(&mut self.files.checking) {
            if let Ok(warnings) = later.recv() {
                self.report_warnings(&warnings);
            }
        }
        for writing in std::mem::take(&mut self.files.copies_writing) {
            if let Ok(done) = writing.recv() {
                self.copy_written(done);
            }
        }
    }

    fn report_warnings(&mut self, warnings: &[LoadWarning]) {
        for w in warnings {
            self.report(w.to_string());
        }
    }

    fn finish_loading(&mut self, path: &Path, outcome: Outcome) {
        // A copy read in place of a database that cannot be reached stands for its URL.
        let stand_in = self.take_stand_in(path);
        let path = stand_in
            .as_ref()
            .map_or_else(|| path.to_path_buf(), |s| PathBuf::from(&s.url));
        let path = path.as_path();
        let database = crate::io::postgis::is_database_url(path);
        if database {
            if let (Outcome::Failed(e), None) = (&outcome, &stand_in)
                && self.stand_in_for(path, &e.to_string())
            {
                return;
            }
            let (error, copy_read_at) = match (&outcome, &stand_in) {
                (_, Some(s)) => (Some(s.why.clone()), Some(s.read_at.clone())),
                (Outcome::Failed(e), None) => (Some(e.to_string()), None),
                _ => (None, None),
            };
            let status = DatabaseStatus {
                at: std::time::SystemTime::now(),
                error,
                copy_read_at,
            };
            self.files
                .database_status
                .insert(path.display().to_string(), status);
        }
        match outcome {
            Outcome::Loaded(mut file) => {
                self.files.checking.extend(file.later.take());
                let warnings: Vec<String> = file.warnings.iter().map(ToString::to_string).collect();
                file.path = path.to_path_buf();
                let follows_view = file.follows_view;
                let index = crate::io::loader::add_to(&mut self.doc.atlas, file);
                let view_copy = stand_in
                    .as_ref()
                    .and_then(|s| crate::io::postgis::copy::views(&s.copy));
                match follows_view {
                    Some(rows) => self.follow_view(index, rows, || {}),
                    None if database && stand_in.is_none() => self.keep_offline_copy(index),
                    None => {
                        if let Some(boxes) = view_copy {
                            self.show_view_copy(index, &boxes);
                        }
                    }
                }
                self.files.remember_recent(path);
                let restored = self
                    .files
                    .restore
                    .iter()
                    .position(|(p, _)| p == path)
                    .map(|i| self.files.restore.swap_remove(i).1);
                let layer = &mut self.doc.atlas.layers[index];
                if let Some(look) = restored {
                    layer.visible = look.visible;
                    layer.opacity = look.opacity.clamp(0.0, 1.0);
                    layer.style.categories = look
                        .colour_by
                        .as_deref()
                        .map(|a| crate::model::style::Categories::of(a, layer.features()));
                }
                // `add_to` put the warnings in the messages already; they only need showing.
                if !warnings.is_empty() {
                    self.doc.show_messages();
                }
            }
            Outcome::Failed(e) => {
                self.report(e.to_string());
                // A CSV whose coordinates were not found: let the user name the columns.
                if let crate::io::LoadError::Columns { headers, .. } = e
                    && headers.len() >= 2
                {
                    self.files.csv_columns = Some(CsvColumns {
                        path: path.to_path_buf(),
                        lat: headers[0].clone(),
                        lon: headers[1].clone(),
                        headers,
                        encoding: None,
                    });
                }
            }
            Outcome::Cancelled => {}
        }
    }

    /// Reads a database layer again, in the background, to look as it does now.
    pub fn reload_layer(&mut self, key: crate::model::layer::LayerKey) {
        let Some(layer) = self.doc.atlas.layers.iter().find(|l| l.key == key) else {
            return;
        };
        let look = crate::app::setup::FileLayer {
            path: layer.origin.clone(),
            visible: layer.visible,
            opacity: layer.opacity,
            colour_by: layer.style.categories.as_ref().map(|c| c.attribute.clone()),
        };
        let path = PathBuf::from(&layer.origin);
        self.doc.close_layer(key);
        self.files.reopen(path, look);
    }
}
