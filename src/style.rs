//! How layers look: fill, outline and point symbols per layer and kind, and the district
//! choropleth's classes.

use egui::Color32;

/// The shape a point is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    Circle,
    Square,
    Triangle,
    Diamond,
    Star,
}

/// The look of one layer.
#[derive(Clone, Debug)]
pub struct LayerStyle {
    pub fill: Color32,
    pub stroke: Color32,
    pub stroke_width: f32,
    pub symbol: Symbol,
    /// Diameter of point symbols, in points.
    pub symbol_size: f32,
    /// Whether features of this layer get a label on the map.
    pub labels: bool,
}

impl LayerStyle {
    pub fn area(fill: Color32, stroke: Color32, stroke_width: f32) -> Self {
        Self {
            fill,
            stroke,
            stroke_width,
            symbol: Symbol::Circle,
            symbol_size: 8.0,
            labels: false,
        }
    }

    pub fn points(symbol: Symbol, fill: Color32, size: f32) -> Self {
        Self {
            fill,
            stroke: Color32::from_rgb(30, 30, 30),
            stroke_width: 1.0,
            symbol,
            symbol_size: size,
            labels: false,
        }
    }

    /// The symbol an area is drawn with when it is too small to see on screen.
    pub fn with_symbol(mut self, symbol: Symbol) -> Self {
        self.symbol = symbol;
        self
    }

    pub fn with_labels(mut self) -> Self {
        self.labels = true;
        self
    }

    /// The symbol and fill for a point of `kind` in this layer.
    pub fn symbol_for(&self, kind: Option<&str>) -> (Symbol, Color32) {
        let kind = kind.unwrap_or_default();
        let planned = kind.contains("planned");
        let base = match kind {
            k if k.starts_with("district centre") => (Symbol::Square, self.fill),
            k if k.contains("resettled") => (Symbol::Circle, Color32::from_rgb(230, 97, 1)),
            k if k.contains("airfield") => (Symbol::Triangle, Color32::from_rgb(120, 120, 160)),
            k if k.contains("post") => (Symbol::Diamond, Color32::from_rgb(0, 114, 178)),
            k if k.contains("ATM") || k.contains("bank") || k.contains("payment") => {
                (Symbol::Diamond, Color32::from_rgb(0, 158, 115))
            }
            k if k.contains("factory") || k.contains("service centre") => {
                (Symbol::Square, Color32::from_rgb(204, 121, 167))
            }
            k if k.contains("hotel") || k.contains("venue") => {
                (Symbol::Diamond, Color32::from_rgb(213, 94, 0))
            }
            _ => (self.symbol, self.fill),
        };
        if planned {
            (base.0, base.1.gamma_multiply(0.45))
        } else {
            base
        }
    }
}

/// A sequential ramp (ColorBrewer YlGn, 5 classes), light to dark.
pub const CHOROPLETH_RAMP: [Color32; 5] = [
    Color32::from_rgb(255, 255, 204),
    Color32::from_rgb(194, 230, 153),
    Color32::from_rgb(120, 198, 121),
    Color32::from_rgb(49, 163, 84),
    Color32::from_rgb(0, 104, 55),
];

/// The fill for districts with no figure for the chosen year.
pub const NO_DATA: Color32 = Color32::from_rgb(215, 215, 215);

/// Equal-interval classes over `[min, max]`; returns the class of `value`.
pub fn choropleth_class(value: f64, min: f64, max: f64) -> usize {
    let n = CHOROPLETH_RAMP.len();
    if max <= min {
        return n - 1;
    }
    let t = ((value - min) / (max - min)).clamp(0.0, 1.0);
    ((t * n as f64) as usize).min(n - 1)
}

/// Background of the map (water and the world beyond the context).
pub const MAP_BACKGROUND: Color32 = Color32::from_rgb(222, 233, 240);
/// Hover outline.
pub const HOVER: Color32 = Color32::from_rgb(255, 200, 0);
/// Selection outline.
pub const SELECTED: Color32 = Color32::from_rgb(220, 20, 60);
