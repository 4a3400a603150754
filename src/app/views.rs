//! Database layers too big to read whole, read one view at a time: each change of the map's
//! view asks the server for what it shows (at most every [`ASK_EVERY`]), and the answer
//! takes the place of the layer's features, the selection kept by key.

use crate::app::AppState;
use crate::io::postgis::districts::District;
use crate::io::postgis::filter_sql::ViewFilter;
use crate::io::postgis::view::ViewRequest;
use crate::io::postgis::view_follower::ViewFollower;
use crate::model::atlas::FeatureRef;
use crate::model::projection::world_from_lonlat;
use std::time::Duration;

/// How often a moving map asks for its view: the last view is always asked for once the map
/// stops.
pub const ASK_EVERY: Duration = Duration::from_millis(100);

impl AppState {
    /// Starts reading layer `index` (a database table of about `rows` rows) one view at a time.
    pub(crate) fn follow_view(
        &mut self,
        index: usize,
        rows: u64,
        wake: impl Fn() + Send + 'static,
    ) {
        let Some(layer) = self.doc.atlas.layers.get(index) else {
            return;
        };
        let url = layer.origin.clone();
        self.files.view_following.retain(|f| f.url != url);
        self.files.view_following.push(ViewFollower::start(
            &url,
            rows,
            District::of_atlas(&self.doc.atlas),
            wake,
        ));
    }

    /// The request for the map's view as it is now, once the map has been laid out.
    pub fn view_request(&self) -> Option<ViewRequest> {
        Some(ViewRequest::of(&self.map.camera.view, self.map.viewport?))
    }

    /// Asks every layer read by view for the map's view; returns true while a view is still
    /// to be asked for or answered (the window then keeps drawing).
    pub fn ask_views(&mut self) -> bool {
        let Some(request) = self.view_request() else {
            return false;
        };
        let mut busy = false;
        for follower in &mut self.files.view_following {
            // Each layer's rows are read through its own filter.
            let Some(layer) = self.doc.atlas.layer_from(&follower.url) else {
                continue;
            };
            let request = ViewRequest {
                filter: ViewFilter::of(&self.doc.filter, &layer.id),
                ..request.clone()
            };
            follower.ask(request.clone(), ASK_EVERY);
            // The selected feature, read whole: a view holds it simplified to the screen, and
            // its details (its area, say) are worked out from the table's own geometry.
            if let Some(key) = selected_key(&self.selection, layer) {
                follower.ask_full(&key, || {});
            }
            busy |= follower.waiting
                || follower.full_waiting
                || follower.asked.as_ref() != Some(&request);
        }
        busy
    }

    /// Puts the views answered since the last call in place of their layers' features; a
    /// selected feature still in view stays selected. Returns true when a layer changed.
    pub fn apply_views(&mut self) -> bool {
        let mut changed = false;
        let atlas = &mut self.doc.atlas;
        self.files
            .view_following
            .retain(|f| atlas.layer_from(&f.url).is_some());
        for follower in &mut self.files.view_following {
            let Some(layer) = atlas.layer_from_mut(&follower.url) else {
                continue;
            };
            if let Some(choices) = follower.poll_choices() {
                layer.choices = Some(std::sync::Arc::new(choices));
                changed = true;
            }
            if let Some(counts) = follower.poll_district_counts() {
                layer.district_totals = Some(std::sync::Arc::new(counts));
                changed = true;
            }
            let replaced = follower.poll().map(|content| {
                replace_view(
                    layer,
                    content,
                    &mut self.selection,
                    &mut self.doc.highlighted,
                );
            });
            changed |= replaced.is_some();
            let Some(key) = selected_key(&self.selection, layer) else {
                continue;
            };
            let arrived = follower.poll_full().is_some();
            // Put in place when read, and again over each view's simplified copy.
            if (arrived || replaced.is_some())
                && let Some(full) = follower.full.as_ref().filter(|f| f.key == key)
            {
                layer.upsert(&full.geometry, &full.properties);
                changed = true;
            }
        }
        changed
    }
}

/// The key of the selected feature, when it is one of `layer`'s.
fn selected_key(
    selection: &crate::app::selection::Selection,
    layer: &crate::model::layer::Layer,
) -> Option<String> {
    let r = selection.selected.filter(|r| r.layer == layer.key)?;
    layer.feature(r.feature)?.text("id")
}

/// Puts a view's answer in place of `layer`'s features; a selected feature still in view
/// stays selected (by its key), and anything else of this layer is forgotten.
fn replace_view(
    layer: &mut crate::model::layer::Layer,
    content: crate::io::postgis::view_follower::ViewContent,
    selection: &mut crate::app::selection::Selection,
    highlighted: &mut Vec<FeatureRef>,
) {
    let key_of = |r: &FeatureRef| {
        (r.layer == layer.key)
            .then(|| layer.feature(r.feature)?.text("id"))
            .flatten()
    };
    let selected = selection.selected.as_ref().and_then(key_of);
    let counted = content
        .cells
        .iter()
        .map(|c| (world_from_lonlat([c.lon, c.lat]), c.count))
        .collect();
    layer.replace_features(content.features, counted);
    let key = layer.key;
    let again = selected.and_then(|k| layer.store.by_key(&k));
    selection.picked.retain(|r| r.layer != key);
    if selection.selected.is_some_and(|r| r.layer == key) {
        selection.selected = again.map(|feature| FeatureRef {
            layer: key,
            feature,
        });
        selection.picked.extend(selection.selected);
    }
    if selection
        .fan
        .as_ref()
        .is_some_and(|f| f.members.iter().any(|r| r.layer == key))
    {
        selection.fan = None;
    }
    highlighted.retain(|r| r.layer != key);
}
