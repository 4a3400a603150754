//! The show: presenting the deck slide by slide (each slide's layers, date, colours and
//! highlights, and a flight to its view), the timeline that plays within a slide, and the
//! planner's map given back as it was when the show ends.

use crate::app::AppState;
use crate::app::present::{Presentation, Timeline};
use crate::app::screens::Screens;
use crate::app::setup::Setup;
use crate::model::atlas::FeatureRef;
use crate::model::date::Month;
use crate::model::layer::{Layer, LayerRole};
use crate::model::view::{Camera, MapView};
use crate::scene::{PresentationLayout, choropleth_legend};
use egui::{Color32, Rect};

/// How long a slide transition flies, in seconds.
pub const TRANSITION_SECONDS: f32 = 1.0;

#[derive(Default)]
pub struct Show {
    pub presentation: Option<Presentation>,
    pub timeline: Timeline,
    /// The feature whose large card shows during a presentation.
    pub card: Option<FeatureRef>,
    /// Features that just appeared on the timeline, glowing.
    pub flashing: Vec<FeatureRef>,
    /// The presenter's own window with notes, the next slide and a clock.
    pub presenter_view: bool,
    /// The screens there are, for a show on two (given by the window each frame).
    pub screens: Screens,
    /// The planner's map as it was when the show started, given back when it ends.
    before: Option<Before>,
}

/// What a show changes on the planner's map.
struct Before {
    setup: Setup,
    view: MapView,
    highlighted: Vec<FeatureRef>,
    selected: Option<FeatureRef>,
    picked: Vec<FeatureRef>,
}

impl AppState {
    /// Shows slide `index`: its layers, date, colours and highlights, and flies (or jumps) to
    /// its view. A slide with a timeline range starts playing it.
    pub fn apply_slide(&mut self, index: usize, fly: bool) {
        let Some(slide) = self.deck.project.slides.get(index).cloned() else {
            return;
        };
        self.deck.current = index;
        let doc = &mut self.doc;
        doc.set_layer_looks(
            slide
                .layers
                .iter()
                .map(|l| (l.id.as_str(), l.visible, l.opacity)),
        );
        doc.filter.as_of = slide.as_of;
        doc.filter.layers = slide.filters.clone();
        doc.set_choropleth_year(slide.choropleth_year.as_deref());
        doc.highlighted = slide
            .highlights
            .iter()
            .filter_map(|id| doc.atlas.find_by_id(id))
            .collect();
        self.selection.clear();
        let show = &mut self.show;
        show.card = None;
        show.timeline.playing = false;
        show.timeline.flashes.clear();
        if let Some(range) = &slide.timeline {
            show.timeline
                .play(Month::of(range.from).index(), Month::of(range.to).index());
            self.doc.filter.as_of = Some(show.timeline.as_of());
        }
        let view = match self.map.viewport {
            Some(viewport) if self.show.presentation.is_some() => self.slide_view(index, viewport),
            _ => slide.view(),
        };
        match (fly, self.map.viewport) {
            (true, Some(rect)) => self.map.camera.tour_to(view, rect, TRANSITION_SECONDS),
            _ => {
                self.map.camera = Camera::new(view);
                self.map.pending_fit = None;
            }
        }
    }

    /// Starts presenting from the current slide; returns whether it started.
    pub fn start_presentation(&mut self) -> bool {
        if self.deck.project.slides.is_empty() {
            self.notice = Some("Add a slide first (Ctrl+B), or open the shipped deck.".to_owned());
            return false;
        }
        if self.show.presentation.is_none() {
            self.show.before = Some(Before {
                setup: self.capture_setup(None),
                view: self.map.camera.view,
                highlighted: self.doc.highlighted.clone(),
                selected: self.selection.selected,
                picked: self.selection.picked.clone(),
            });
        }
        let index = self.deck.current.min(self.deck.project.slides.len() - 1);
        self.show.presentation = Some(Presentation {
            index,
            ..Default::default()
        });
        self.selection.measuring = false;
        self.apply_slide(index, false);
        true
    }

    /// Ends the show and gives the planner's map back as it was before it.
    pub fn end_presentation(&mut self) {
        self.show.presentation = None;
        self.show.card = None;
        self.show.timeline.playing = false;
        self.show.timeline.flashes.clear();
        self.show.flashing.clear();
        if let Some(before) = self.show.before.take() {
            self.apply_looks(&before.setup);
            self.map.camera = Camera::new(before.view);
            self.doc.highlighted = before.highlighted;
            self.selection.selected = before.selected;
            self.selection.picked = before.picked;
        }
    }

    /// The layers the presentation's legend lists, top first.
    pub fn legend_layers(&self) -> Vec<&Layer> {
        self.doc
            .atlas
            .layers
            .iter()
            .rev()
            .filter(|l| l.visible && l.role != LayerRole::Context)
            .collect()
    }

    /// The district colour classes, when the districts are coloured by demining.
    pub fn choropleth_rows(&self) -> Vec<(Color32, String)> {
        self.doc
            .choropleth_year
            .as_deref()
            .and_then(|y| choropleth_legend(&self.doc.atlas, y))
            .map(|legend| {
                legend
                    .classes
                    .iter()
                    .map(|(c, lo, hi)| (*c, format!("{lo:.0}–{hi:.0} ha ({})", legend.year)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Where slide `index`'s furniture sits on `viewport` as the map now stands.
    pub fn presentation_layout(&self, index: usize, viewport: Rect) -> PresentationLayout {
        let slide = self.deck.project.slides.get(index);
        let rows: Vec<String> = (self.legend_layers().iter().map(|l| l.title.clone()))
            .chain(self.choropleth_rows().into_iter().map(|(_, text)| text))
            .collect();
        PresentationLayout::new(
            viewport,
            &rows.iter().map(String::as_str).collect::<Vec<_>>(),
            slide.map(|s| (s.title.as_str(), s.caption.as_str())),
            self.doc.filter.as_of.is_some(),
        )
    }

    /// Slide `index`'s view on `viewport`: the features it highlights fitted into the part of
    /// the screen the furniture leaves clear, never closer than the slide's own zoom; a slide
    /// that highlights nothing keeps the view it was made with.
    pub fn slide_view(&self, index: usize, viewport: Rect) -> MapView {
        let Some(slide) = self.deck.project.slides.get(index) else {
            return self.map.camera.view;
        };
        let own = slide.view();
        let Some(subject) = self.doc.atlas.bounds_of(&self.doc.highlighted) else {
            return own;
        };
        let clear = self.presentation_layout(index, viewport).clear(viewport);
        // Room for a symbol and its label around the subject.
        MapView::fitting_into(&subject, viewport, clear, 40.0, own.metres_per_point)
    }

    /// Moves the timeline on by `dt` seconds at UI time `now`: updates the "as of" date and
    /// lets what just appeared glow. Returns true while something moves.
    pub fn tick_timeline(&mut self, now: f64, dt: f32) -> bool {
        if let Some(as_of) = self.show.timeline.advance(dt) {
            let before = self.doc.filter.clone();
            self.doc.filter.as_of = Some(as_of);
            for layer in &self.doc.atlas.layers {
                let (Some(after), was) =
                    (self.doc.filter.for_layer(layer), before.for_layer(layer))
                else {
                    continue;
                };
                for id in layer.store.ids() {
                    if after.shows(id) && !was.as_ref().is_none_or(|w| w.shows(id)) {
                        let r = FeatureRef {
                            layer: layer.key,
                            feature: id,
                        };
                        self.show.timeline.flashes.push((r, now));
                    }
                }
            }
        }
        let show = &mut self.show;
        show.timeline.prune(now);
        show.flashing = show.timeline.flashes.iter().map(|(r, _)| *r).collect();
        show.timeline.playing || !show.timeline.flashes.is_empty()
    }
}
