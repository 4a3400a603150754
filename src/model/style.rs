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
    /// Colours by the values of one attribute, when chosen.
    pub categories: Option<Categories>,
}

/// Colours for categories (Okabe and Ito's palette, readable with colour-blindness).
pub const CATEGORY_COLOURS: [Color32; 8] = [
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(240, 228, 66),
    Color32::from_rgb(90, 90, 90),
];
/// The colour of values beyond the palette, and of features without the attribute.
pub const OTHER_CATEGORY: Color32 = Color32::from_rgb(190, 190, 190);
/// An attribute with more distinct values than this is not offered for colouring.
pub const MAX_CATEGORIES: usize = 40;

/// Colours by an attribute's values: the most frequent values get the palette's colours.
#[derive(Clone, Debug, PartialEq)]
pub struct Categories {
    pub attribute: String,
    /// Value and colour, most frequent first.
    pub classes: Vec<(String, Color32)>,
}

impl Categories {
    /// Classes of `attribute` over `features`: the most frequent values first (ties by value),
    /// one colour each while the palette lasts.
    pub fn of<'a>(
        attribute: &str,
        features: impl Iterator<Item = crate::model::store::FeatureView<'a>>,
    ) -> Self {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for f in features {
            if let Some(value) = f.text(attribute) {
                *counts.entry(value).or_default() += 1;
            }
        }
        let mut values: Vec<(String, usize)> = counts.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Self {
            attribute: attribute.to_owned(),
            classes: values
                .into_iter()
                .zip(CATEGORY_COLOURS)
                .map(|((value, _), colour)| (value, colour))
                .collect(),
        }
    }

    /// The colour of `f`'s value.
    pub fn colour(&self, f: crate::model::store::FeatureView<'_>) -> Color32 {
        f.text(&self.attribute)
            .and_then(|v| self.classes.iter().find(|(c, _)| *c == v))
            .map_or(OTHER_CATEGORY, |(_, colour)| *colour)
    }

    /// The attributes worth colouring by: two to [`MAX_CATEGORIES`] distinct values.
    pub fn candidates(store: &crate::model::store::FeatureStore) -> Vec<String> {
        let mut values: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
            Default::default();
        for f in store.iter() {
            for (key, value) in f.properties() {
                let set = values.entry(key).or_default();
                if set.len() <= MAX_CATEGORIES
                    && let Some(v) = value.text()
                {
                    set.insert(v);
                }
            }
        }
        values
            .into_iter()
            .filter(|(_, set)| (2..=MAX_CATEGORIES).contains(&set.len()))
            .map(|(key, _)| key.to_owned())
            .collect()
    }
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
            categories: None,
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
            categories: None,
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
