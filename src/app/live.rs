//! Database layers that follow their table as other clients change it: each followed layer
//! has a [`Follower`], and the changes it brings are applied to the layer by key, so the
//! selection (a feature id, stable across replacements) stays where it was.

use crate::app::AppState;
use crate::io::postgis::live::{Change, Follower};
use crate::model::atlas::FeatureRef;
use crate::model::layer::LayerKey;

impl AppState {
    /// Starts following the database layer `key`'s table; `install` allows creating its change
    /// trigger when it has none. `wake` repaints when a change arrives.
    pub fn follow_changes(
        &mut self,
        key: LayerKey,
        install: bool,
        wake: impl Fn() + Send + 'static,
    ) {
        let Some(layer) = self.doc.atlas.layer(key) else {
            return;
        };
        if !crate::io::postgis::is_database_url(std::path::Path::new(&layer.origin)) {
            return;
        }
        let url = layer.origin.clone();
        self.files.following.retain(|f| f.url != url);
        self.files
            .following
            .push(Follower::start(&url, install, wake));
    }

    /// Stops following the database layer `key`'s table.
    pub fn stop_following(&mut self, key: LayerKey) {
        if let Some(layer) = self.doc.atlas.layer(key) {
            let url = layer.origin.clone();
            self.files.following.retain(|f| f.url != url);
        }
    }

    /// The follower of the database layer `key`, if it is followed.
    pub fn follower(&self, key: LayerKey) -> Option<&Follower> {
        let layer = self.doc.atlas.layer(key)?;
        self.files.following.iter().find(|f| f.url == layer.origin)
    }

    /// Applies the changes followed tables have sent; returns true when a layer changed.
    /// A removed feature leaves the selection; every other selected feature stays selected.
    pub fn apply_changes(&mut self) -> bool {
        let mut changed = false;
        let mut removed = Vec::new();
        let mut reload = Vec::new();
        let mut warnings = Vec::new();
        let atlas = &mut self.doc.atlas;
        // A layer being read again (after changes were missed, or Reload) keeps following.
        let gone: Vec<String> = self
            .files
            .following
            .iter()
            .filter(|f| atlas.layer_from(&f.url).is_none() && !self.files.is_opening(&f.url))
            .map(|f| f.url.clone())
            .collect();
        self.files.following.retain(|f| !gone.contains(&f.url));
        for follower in &mut self.files.following {
            let changes = follower.poll();
            if changes.is_empty() {
                continue;
            }
            let Some(layer) = atlas.layer_from_mut(&follower.url) else {
                continue;
            };
            for change in changes {
                match change {
                    Change::Upsert {
                        geometry,
                        properties,
                    } => {
                        layer.upsert(&geometry, &properties);
                    }
                    Change::Remove { key, reason } => {
                        if let Some(feature) = layer.remove(&key) {
                            removed.push(FeatureRef {
                                layer: layer.key,
                                feature,
                            });
                        }
                        warnings.extend(reason.map(|r| format!("{}: {r}", follower.url)));
                    }
                    Change::Missed => reload.push(layer.key),
                }
            }
            changed = true;
            if let Some(status) = self.files.database_status.get_mut(&follower.url) {
                status.at = std::time::SystemTime::now();
                status.error = None;
            }
        }
        self.selection.forget(&removed);
        for w in warnings {
            self.report(w);
        }
        for key in reload {
            self.reload_layer(key);
        }
        changed
    }
}
