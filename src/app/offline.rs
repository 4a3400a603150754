//! Presenting without the network: after each read of a database layer a dated copy of it is
//! written (in the background) to the app's data folder; when the database cannot be reached
//! the copy is read in its place, under the database's URL, so that slides naming the layer
//! still show it, and the layer panel and the show say that it is a copy and of when.

use crate::app::AppState;
use crate::io::loader::Loading;
use crate::io::postgis::copy;
use std::path::{Path, PathBuf};

/// A copy being read in place of a database that cannot be reached.
#[derive(Clone, Debug)]
pub struct StandIn {
    pub copy: PathBuf,
    pub url: String,
    /// Why the database cannot be reached.
    pub why: String,
    /// When the copy was read from the database.
    pub read_at: String,
}

impl AppState {
    /// Writes a dated copy of layer `index` (read from a database just now), off the UI thread.
    pub(crate) fn keep_offline_copy(&mut self, index: usize) {
        let Some(dir) = self.files.offline_dir.clone() else {
            return;
        };
        let Some(layer) = self.doc.atlas.layers.get(index) else {
            return;
        };
        let store = layer.store.clone();
        let url = layer.origin.clone();
        let name = layer.title.clone();
        let now = std::time::SystemTime::now();
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("offline copy".to_owned())
            .spawn(move || {
                let _ = tx.send(copy::write(&dir, &url, &name, &store, now));
            });
        if spawned.is_ok() {
            self.files.copies_writing.push(rx);
        }
    }

    /// A copy finished writing: a failure is reported, since the next show without the
    /// network would lack it.
    pub(crate) fn copy_written(&mut self, done: Result<PathBuf, String>) {
        if let Err(e) = done {
            self.report(e);
        }
    }

    /// The database `url` could not be read (`why`): reads its offline copy in its place if
    /// there is one, and says so. Returns false when there is none.
    pub(crate) fn stand_in_for(&mut self, url: &Path, why: &str) -> bool {
        let Some(dir) = &self.files.offline_dir else {
            return false;
        };
        let url = url.display().to_string();
        let path = copy::path_for(dir, &url);
        if !path.is_file() {
            return false;
        }
        let read_at = copy::read_at(&path).unwrap_or_else(|| "an unknown time".to_owned());
        self.report(format!(
            "{why}; showing its offline copy, read from the database at {read_at}"
        ));
        self.files.stand_ins.push(StandIn {
            copy: path.clone(),
            url,
            why: why.to_owned(),
            read_at,
        });
        // The copy was written by this app; it is read with the same limits as any file.
        let loading = Loading::start(path, self.files.max_file_bytes, None, || {});
        self.files.loading.push(loading);
        true
    }

    /// The stand-in whose copy is at `path`, taken off the list.
    pub(crate) fn take_stand_in(&mut self, path: &Path) -> Option<StandIn> {
        let i = self.files.stand_ins.iter().position(|s| s.copy == path)?;
        Some(self.files.stand_ins.swap_remove(i))
    }

    /// The offline copies the visible layers show, as `(layer title, read at)`.
    pub fn offline_copies_shown(&self) -> Vec<(String, String)> {
        self.doc
            .atlas
            .layers
            .iter()
            .filter(|l| l.visible)
            .filter_map(|l| {
                let status = self.files.database_status.get(&l.origin)?;
                Some((l.title.clone(), status.copy_read_at.clone()?))
            })
            .collect()
    }
}
