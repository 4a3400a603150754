//! Presenting: the deck's state machine (which slide, black screen, typed slide number),
//! the restoration timeline that plays month by month, and every slide rendered to a PNG.

use crate::model::atlas::FeatureRef;
use crate::model::date::{Date, Month};
use crate::model::view::MapView;
use crate::scene::fonts::Faces;
use crate::scene::{self, SceneOptions};
use egui::{Rect, pos2, vec2};

/// What a key press means during a presentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresentKey {
    Next,
    Previous,
    Digit(u32),
    Enter,
    Black,
    Leave,
    /// Pauses or resumes the slide's timeline.
    PauseTimeline,
}

/// What the presentation should do after a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresentAction {
    None,
    Show(usize),
    ToggleTimeline,
    End,
}

/// A running presentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presentation {
    pub index: usize,
    pub black: bool,
    /// Digits typed so far for "number, then Enter".
    pub typed: String,
}

impl Presentation {
    /// Applies a key to a deck of `len` slides.
    pub fn key(&mut self, key: PresentKey, len: usize) -> PresentAction {
        let last = len.saturating_sub(1);
        match key {
            PresentKey::Next if self.index < last => {
                self.typed.clear();
                self.index += 1;
                PresentAction::Show(self.index)
            }
            PresentKey::Previous if self.index > 0 => {
                self.typed.clear();
                self.index -= 1;
                PresentAction::Show(self.index)
            }
            PresentKey::Digit(d) => {
                if self.typed.len() < 4 {
                    self.typed.push(char::from_digit(d, 10).unwrap_or('0'));
                }
                PresentAction::None
            }
            PresentKey::Enter => {
                let wanted = self.typed.parse::<usize>().ok();
                self.typed.clear();
                match wanted {
                    Some(n) if (1..=len).contains(&n) => {
                        self.index = n - 1;
                        PresentAction::Show(self.index)
                    }
                    _ => PresentAction::None,
                }
            }
            PresentKey::Black => {
                self.black = !self.black;
                PresentAction::None
            }
            PresentKey::Leave if !self.typed.is_empty() => {
                self.typed.clear();
                PresentAction::None
            }
            PresentKey::Leave => PresentAction::End,
            PresentKey::PauseTimeline => PresentAction::ToggleTimeline,
            _ => PresentAction::None,
        }
    }
}

/// How long a feature glows after it appears on the timeline, in seconds.
pub const FLASH_SECONDS: f64 = 1.5;

/// The restoration timeline: a month cursor that can play forward.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub playing: bool,
    pub months_per_second: f32,
    /// Months since November 2020, fractional while playing.
    pub position: f32,
    /// Where playing stops, in months since November 2020.
    pub end: u32,
    /// Features that appeared recently and when (in the UI clock's seconds).
    pub flashes: Vec<(FeatureRef, f64)>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self {
            playing: false,
            months_per_second: 4.0,
            position: 0.0,
            end: 0,
            flashes: Vec::new(),
        }
    }
}

impl Timeline {
    /// Starts playing from `from` to `to` (months since November 2020).
    pub fn play(&mut self, from: u32, to: u32) {
        self.position = from as f32;
        self.end = to.max(from);
        self.playing = true;
        self.flashes.clear();
    }

    /// The "as of" date the cursor stands for.
    pub fn as_of(&self) -> Date {
        Month::at(self.position.max(0.0) as u32).end()
    }

    /// Moves the cursor by `dt` seconds; returns the new "as of" date if the month changed.
    pub fn advance(&mut self, dt: f32) -> Option<Date> {
        if !self.playing {
            return None;
        }
        let before = self.position as u32;
        self.position = (self.position + dt * self.months_per_second).min(self.end as f32);
        if self.position >= self.end as f32 {
            self.playing = false;
        }
        (self.position as u32 != before).then(|| self.as_of())
    }

    /// Forgets flashes older than [`FLASH_SECONDS`].
    pub fn prune(&mut self, now: f64) {
        self.flashes.retain(|(_, t)| now - t < FLASH_SECONDS);
    }
}

/// Renders every slide of `project` to `dir/slide-NN.png` at `width`×`height`; returns how
/// many were written.
pub fn render_slides(
    project: &crate::app::project::Project,
    dir: &std::path::Path,
    width: u32,
    height: u32,
    language: crate::model::feature::Language,
) -> anyhow::Result<usize> {
    use anyhow::Context as _;
    let faces = Faces::load().context("the bundled font cannot be read")?;
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let mut atlas = crate::io::embedded::atlas();
    for (n, slide) in project.slides.iter().enumerate() {
        for state in &slide.layers {
            if let Some(i) = atlas.layer_by_id(&state.id) {
                atlas.layers[i].visible = state.visible;
                atlas.layers[i].opacity = state.opacity.clamp(0.0, 1.0);
            }
        }
        let as_of = match &slide.timeline {
            // A timeline slide is shown at the end of its range.
            Some(range) => Some(Month::of(range.to).end()),
            None => slide.as_of,
        };
        let highlighted: Vec<_> = slide
            .highlights
            .iter()
            .filter_map(|id| atlas.find_by_id(id))
            .collect();
        let filter = crate::model::filter::FeatureFilter {
            as_of,
            layers: slide.filters.clone(),
        };
        let options = SceneOptions {
            language,
            choropleth_year: slide.choropleth_year.as_deref(),
            highlighted: &highlighted,
            large_labels: true,
            filter: &filter,
            title_card: Some((&slide.title, &slide.caption)),
            ..SceneOptions::default()
        };
        let size = vec2(width as f32, height as f32);
        let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
        // Fitted as the show fits it, clear of the title card (the PNG has no legend).
        let layout = scene::PresentationLayout::new(
            viewport,
            &[],
            Some((&slide.title, &slide.caption)),
            as_of.is_some(),
        );
        let own = slide.view();
        let view = atlas.bounds_of(&highlighted).map_or(own, |subject| {
            MapView::fitting_into(
                &subject,
                viewport,
                layout.clear(viewport),
                40.0,
                own.metres_per_point,
            )
        });
        let built = scene::build(&atlas, &view, viewport, &options, &faces);
        let png = crate::draw::raster::render_png(&built, &faces)?;
        let path = dir.join(format!("slide-{:02}.png", n + 1));
        std::fs::write(&path, png).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    Ok(project.slides.len())
}
