//! Presenting without the network: after each read of a database layer a dated copy of it is
//! written (in the background) to the app's data folder; when the database cannot be reached
//! the copy is read in its place, under the database's URL, so that slides naming the layer
//! still show it, and the layer panel and the show say that it is a copy and of when. A table
//! read view by view is copied as what each slide made of it showed (its rows, or its squares
//! counted on the server), and shown offline slide by slide.

use crate::app::AppState;
use crate::io::loader::Loading;
use crate::io::postgis::copy::{self, ViewSnapshot};
use crate::model::layer::Indexed;
use crate::model::projection::{lonlat_from_world, world_from_lonlat};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One snapshot's features and counted squares (mean, count), as a copy holds them.
type SnapshotParts = (Vec<crate::model::feature::Feature>, Vec<([f64; 2], usize)>);

/// A table read view by view, shown offline from its copy: what each slide showed of it, put
/// in place as the map's view comes to that slide's.
pub struct OfflineViews {
    pub url: String,
    snapshots: Vec<ViewSnapshot>,
    shown: Option<usize>,
}

impl OfflineViews {
    /// The snapshots of a view copy whose features were read as `store`, with their boxes.
    fn split(url: String, store: &crate::model::store::FeatureStore, boxes: &[[f64; 4]]) -> Self {
        let mut parts: Vec<SnapshotParts> = vec![Default::default(); boxes.len()];
        for f in store.iter() {
            let Some(part) = f
                .number(copy::VIEW_PROPERTY)
                .and_then(|i| parts.get_mut(i as usize))
            else {
                continue;
            };
            let mut properties = f.properties_json();
            properties.remove(copy::VIEW_PROPERTY);
            match properties
                .get(copy::COUNT_PROPERTY)
                .and_then(|n| n.as_u64())
            {
                Some(n) => {
                    let [lon, lat] = lonlat_from_world(f.anchor());
                    part.1.push(([lon, lat], n as usize));
                }
                None => part.0.push(crate::model::feature::Feature {
                    geometry: f.lonlat(),
                    properties,
                    index: part.0.len(),
                }),
            }
        }
        let snapshots = boxes
            .iter()
            .zip(parts)
            .map(|(bounds, (features, counted))| ViewSnapshot {
                bounds: *bounds,
                store: Arc::new(crate::model::store::FeatureStore::from_features(&features)),
                counted,
            })
            .collect();
        OfflineViews {
            url,
            snapshots,
            shown: None,
        }
    }

    /// The snapshot whose box is most like `view`'s (the largest share of the two boxes'
    /// union that they have in common).
    fn nearest(&self, view: [f64; 4]) -> Option<usize> {
        let area = |b: [f64; 4]| (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0);
        let likeness = |b: [f64; 4]| {
            let common = area([
                b[0].max(view[0]),
                b[1].max(view[1]),
                b[2].min(view[2]),
                b[3].min(view[3]),
            ]);
            common / (area(b) + area(view) - common).max(f64::MIN_POSITIVE)
        };
        (0..self.snapshots.len()).max_by(|&a, &b| {
            likeness(self.snapshots[a].bounds).total_cmp(&likeness(self.snapshots[b].bounds))
        })
    }
}

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
        self.write_copy(move || copy::write(&dir, &url, &name, &store, now));
    }

    /// Runs `write` (the writing of a copy) on a thread of its own; its outcome is picked up
    /// with the files being read.
    fn write_copy(&mut self, write: impl FnOnce() -> Result<PathBuf, String> + Send + 'static) {
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("offline copy".to_owned())
            .spawn(move || {
                let _ = tx.send(write());
            });
        if spawned.is_ok() {
            self.files.copies_writing.push(rx);
        }
    }

    /// Adds what the map shows now of each table read view by view to its offline copy (a
    /// slide was just made of it), off the UI thread: the copy holds what every slide made in
    /// this run showed.
    pub(crate) fn keep_view_snapshots(&mut self) {
        let (Some(dir), Some(request)) = (self.files.offline_dir.clone(), self.view_request())
        else {
            return;
        };
        let mut writes = Vec::new();
        for follower in &self.files.view_following {
            let Some(layer) = self.doc.atlas.layer_from(&follower.url) else {
                continue;
            };
            let snapshot = ViewSnapshot {
                bounds: [request.west, request.south, request.east, request.north],
                store: layer.store.clone(),
                counted: layer
                    .counted
                    .iter()
                    .map(|&(at, n)| (lonlat_from_world(at), n))
                    .collect(),
            };
            let snapshots = self
                .files
                .view_snapshots
                .entry(follower.url.clone())
                .or_default();
            snapshots.push(snapshot);
            let (snapshots, dir) = (snapshots.clone(), dir.clone());
            let (url, name) = (follower.url.clone(), layer.title.clone());
            let now = std::time::SystemTime::now();
            writes.push(move || copy::write_views(&dir, &url, &name, &snapshots, now));
        }
        for write in writes {
            self.write_copy(write);
        }
    }

    /// A view copy was read for the layer `index` in place of its database: its snapshots are
    /// kept, to be shown as the view comes to each.
    pub(crate) fn show_view_copy(&mut self, index: usize, boxes: &[[f64; 4]]) {
        let Some(layer) = self.doc.atlas.layers.get(index) else {
            return;
        };
        let views = OfflineViews::split(layer.origin.clone(), &layer.store, boxes);
        self.files.offline_views.retain(|v| v.url != views.url);
        self.files.offline_views.push(views);
        self.apply_offline_views();
    }

    /// Puts in place, in each layer shown from a view copy, the snapshot nearest the map's
    /// view; returns true when one changed.
    pub fn apply_offline_views(&mut self) -> bool {
        // Called every frame: nothing to work out while no layer is shown from a view copy.
        if self.files.offline_views.is_empty() {
            return false;
        }
        let Some(r) = self.view_request() else {
            return false;
        };
        let mut changed = false;
        for views in &mut self.files.offline_views {
            let Some(nearest) = views.nearest([r.west, r.south, r.east, r.north]) else {
                continue;
            };
            let Some(layer) = self.doc.atlas.layer_from_mut(&views.url) else {
                continue;
            };
            if views.shown == Some(nearest) {
                continue;
            }
            let snapshot = &views.snapshots[nearest];
            let counted = snapshot
                .counted
                .iter()
                .map(|&(at, n)| (world_from_lonlat(at), n))
                .collect();
            layer.replace_features(Indexed::new(snapshot.store.clone()), counted);
            views.shown = Some(nearest);
            changed = true;
        }
        changed
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
