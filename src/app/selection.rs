//! What the planner has picked on the map (the features under the last click, and the one
//! whose details show) and the measurement being drawn.

use crate::model::atlas::FeatureRef;
use crate::model::measure::{MeasureMode, Measurement};

#[derive(Default)]
pub struct Selection {
    /// Features under the last click, topmost first.
    pub picked: Vec<FeatureRef>,
    /// The feature whose details show: one of `picked`, or one found by search.
    pub selected: Option<FeatureRef>,
    pub measurement: Option<Measurement>,
    /// Clicks on the map add measurement vertices instead of picking.
    pub measuring: bool,
}

impl Selection {
    /// Selects `picked[0]` and remembers the rest for the detail panel's list.
    pub fn select(&mut self, picked: Vec<FeatureRef>) {
        self.selected = picked.first().copied();
        self.picked = picked;
    }

    pub fn clear(&mut self) {
        self.selected = None;
        self.picked.clear();
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
