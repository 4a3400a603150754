//! What the planner has picked on the map (the features under the last click, and the one
//! whose details show) and the measurement being drawn.

use crate::model::atlas::FeatureRef;
use crate::model::measure::{MeasureMode, Measurement};
use crate::model::projection::World;

/// Features stacked on one point, spread on a ring around it on the map so that each can be
/// seen and clicked (`scene::fan`).
#[derive(Clone, Debug, PartialEq)]
pub struct Fan {
    pub at: World,
    pub members: Vec<FeatureRef>,
}

#[derive(Default)]
pub struct Selection {
    /// Features under the last click, topmost first.
    pub picked: Vec<FeatureRef>,
    /// The feature whose details show: one of `picked`, or one found by search.
    pub selected: Option<FeatureRef>,
    pub measurement: Option<Measurement>,
    /// Clicks on the map add measurement vertices instead of picking.
    pub measuring: bool,
    /// The stacked features of the last click, spread out.
    pub fan: Option<Fan>,
}

impl Selection {
    /// Selects `picked[0]` and remembers the rest for the detail panel's list.
    pub fn select(&mut self, picked: Vec<FeatureRef>) {
        self.selected = picked.first().copied();
        self.picked = picked;
        self.fan = None;
    }

    /// Selects `picked` as [`Self::select`] does, and spreads `members`, the points among
    /// them stacked at `at`, around it.
    pub fn select_fanned(&mut self, picked: Vec<FeatureRef>, at: World, members: Vec<FeatureRef>) {
        self.select(picked);
        self.fan = Some(Fan { at, members });
    }

    /// Forgets features that are gone (removed from their layer); the rest stay selected.
    pub fn forget(&mut self, gone: &[FeatureRef]) {
        if gone.is_empty() {
            return;
        }
        if self.selected.is_some_and(|s| gone.contains(&s)) {
            self.selected = None;
        }
        self.picked.retain(|r| !gone.contains(r));
        if let Some(fan) = &mut self.fan {
            fan.members.retain(|r| !gone.contains(r));
        }
        if self.fan.as_ref().is_some_and(|f| f.members.len() < 2) {
            self.fan = None;
        }
    }

    pub fn clear(&mut self) {
        self.selected = None;
        self.picked.clear();
        self.fan = None;
    }

    /// Starts a new measurement of `mode`; clicks on the map add its vertices.
    pub fn start_measuring(&mut self, mode: MeasureMode) {
        self.measurement = Some(Measurement::new(mode));
        self.measuring = true;
    }

    /// Removes the measurement from the map.
    pub fn clear_measurement(&mut self) {
        self.measurement = None;
        self.measuring = false;
    }
}
