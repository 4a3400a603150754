//! Map furniture in a scene: the slide's title card, the scale bar and the choropleth legend.

use crate::model::atlas::Atlas;
use crate::model::layer::LayerRole;
use crate::model::projection::{ground_per_world_metre, lonlat_from_world};
use crate::model::style::{CHOROPLETH_RAMP, choropleth_class};
use crate::model::view::MapView;
use egui::{Color32, Pos2, Rect, pos2, vec2};

/// The scale bar: a length on the ground and how long it is on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleBar {
    pub origin: Pos2,
    pub length_points: f32,
    pub text: String,
}

/// The legend of the choropleth: class colours and their value ranges.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoroplethLegend {
    pub year: String,
    pub classes: Vec<(Color32, f64, f64)>,
}

/// A slide's title and caption, laid out.
pub struct TitleCard {
    pub rect: Rect,
    pub title: String,
    pub lines: Vec<String>,
}

/// Title size and caption size and line step of a title card.
pub const CARD_TITLE_SIZE: f32 = 32.0;
pub const CARD_TEXT_SIZE: f32 = 22.0;
pub const CARD_LINE_STEP: f32 = 28.0;

pub(super) fn title_card(title: &str, caption: &str, viewport: Rect) -> TitleCard {
    let lines = wrap(caption, 70);
    let height = 66.0 + CARD_LINE_STEP * lines.len() as f32;
    let rect = Rect::from_min_size(
        viewport.left_bottom() + vec2(24.0, -height - 48.0),
        vec2(820.0_f32.min(viewport.width() - 48.0), height),
    );
    TitleCard {
        rect,
        title: title.to_owned(),
        lines,
    }
}

/// Breaks `text` into lines of at most `max_chars` characters, at spaces.
pub fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max_chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The legend for `demined_ha_<year>` over the districts, or `None` if no district has it.
pub fn choropleth_legend(atlas: &Atlas, year: &str) -> Option<ChoroplethLegend> {
    let key = format!("demined_ha_{year}");
    let values: Vec<f64> = atlas
        .layers
        .iter()
        .filter(|l| l.role == LayerRole::Districts)
        .flat_map(|l| l.features())
        .filter_map(|f| f.number(&key))
        .collect();
    let min = values.iter().copied().reduce(f64::min)?;
    let max = values.iter().copied().reduce(f64::max)?;
    let n = CHOROPLETH_RAMP.len();
    let step = (max - min) / n as f64;
    let classes = CHOROPLETH_RAMP
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, min + step * i as f64, min + step * (i + 1) as f64))
        .collect();
    debug_assert_eq!(choropleth_class(max, min, max), n - 1);
    Some(ChoroplethLegend {
        year: year.to_owned(),
        classes,
    })
}

/// A scale bar of a round length (1, 2 or 5 × 10ⁿ m) at most 120 points long.
pub fn scale_bar(view: &MapView, viewport: Rect) -> ScaleBar {
    let center = lonlat_from_world(view.center);
    let ground_per_point = view.metres_per_point * ground_per_world_metre(center[1]);
    let max_ground = ground_per_point * 120.0;
    let magnitude = 10f64.powf(max_ground.log10().floor());
    let nice = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|l| *l <= max_ground)
        .unwrap_or(magnitude);
    let text = if nice >= 1000.0 {
        format!("{} km", nice / 1000.0)
    } else {
        format!("{nice} m")
    };
    ScaleBar {
        origin: pos2(viewport.left() + 14.0, viewport.bottom() - 14.0),
        length_points: (nice / ground_per_point) as f32,
        text,
    }
}

/// Where a presented slide's furniture sits on one screen: the legend at the top right, the
/// attribution strip at the bottom right, the title card at the bottom left and, while a date
/// applies, the date banner at the top centre. The slide's view is fitted to what they leave
/// clear, so nothing the slide is about hides under them on a 16:9 screen or a 4:3 projector.
#[derive(Clone, Debug, PartialEq)]
pub struct PresentationLayout {
    pub legend: Rect,
    pub attribution: Rect,
    pub card: Option<Rect>,
    pub banner: Option<Rect>,
}

impl PresentationLayout {
    /// `legend_rows`: the legend's rows (layer titles and colour classes); `card`: the slide's
    /// title and caption.
    pub fn new(
        viewport: Rect,
        legend_rows: &[&str],
        card: Option<(&str, &str)>,
        banner: bool,
    ) -> Self {
        PresentationLayout {
            legend: {
                // The swatch and its gap, then the text at 20 points (about 11 points a
                // character in DejaVu Sans), and a margin.
                let longest = legend_rows
                    .iter()
                    .map(|t| t.chars().count())
                    .max()
                    .unwrap_or(0);
                let width = (54.0 + 11.0 * longest as f32).max(284.0);
                Rect::from_min_size(
                    viewport.right_top() + vec2(-width - 16.0, 16.0),
                    vec2(width, 16.0 + 30.0 * legend_rows.len() as f32),
                )
            },
            attribution: Rect::from_min_max(
                viewport.right_bottom() - vec2(700.0_f32.min(viewport.width() - 16.0), 64.0),
                viewport.right_bottom() - vec2(8.0, 4.0),
            ),
            card: card.map(|(title, caption)| title_card(title, caption, viewport).rect),
            banner: banner.then(|| {
                Rect::from_center_size(viewport.center_top() + vec2(0.0, 50.0), vec2(520.0, 72.0))
            }),
        }
    }

    /// What labels must keep clear of.
    pub fn reserved(&self) -> Vec<Rect> {
        let mut rects = vec![self.legend, self.attribution];
        rects.extend(self.card);
        rects.extend(self.banner);
        rects
    }

    /// The largest part of `viewport` that no furniture covers: below the top pieces, or
    /// beside the legend, whichever is larger; always above the bottom pieces.
    pub fn clear(&self, viewport: Rect) -> Rect {
        // The highest top of the bottom pieces, and the lowest bottom of the top pieces.
        let bottom = [Some(self.attribution), self.card]
            .into_iter()
            .flatten()
            .fold(viewport.bottom(), |y, r| y.min(r.top()));
        let below_top = [Some(self.legend), self.banner]
            .into_iter()
            .flatten()
            .fold(viewport.top(), |y, r| y.max(r.bottom()));
        let below = Rect::from_min_max(
            pos2(viewport.left(), below_top),
            pos2(viewport.right(), bottom),
        );
        let beside = Rect::from_min_max(
            pos2(
                viewport.left(),
                self.banner.map_or(viewport.top(), |b| b.bottom()),
            ),
            pos2(self.legend.left(), bottom),
        );
        let area = |r: &Rect| if r.is_positive() { r.area() } else { 0.0 };
        if area(&beside) > area(&below) {
            beside
        } else {
            below
        }
    }
}
