//! The application's state, split by what it is: the document (layers, slides, what the map
//! shows), the map's view (camera and where it is on screen), the selection, the files being
//! opened and the show. Panels keep their own state (see `ui`); actions arrive as
//! [`command::Command`]s, handled in one place.

use crate::model::atlas::FeatureRef;
use crate::model::view::{Camera, MapView};
use crate::scene::SceneOptions;
use crate::scene::fonts::Faces;
use std::path::PathBuf;

pub mod command;
pub mod connections;
pub mod deck;
pub mod document;
pub mod files;
mod live;
pub mod offline;
pub mod present;
pub mod project;
pub mod screens;
pub mod selection;
pub mod session;
pub mod setup;
pub mod show;
pub mod views;

pub use command::Command;
pub use deck::Deck;
pub use document::Document;
pub use files::{CsvColumns, DatabaseStatus, Files};
pub use selection::Selection;
pub use show::Show;

/// How the map goes to the home view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// At once (the first frame).
    Jump,
    /// In a smooth flight (the Home key).
    Glide,
}

/// The map's view: the camera and where the map is on screen.
pub struct MapState {
    pub camera: Camera,
    /// A fit to the liberated districts the map should make on its next frame.
    pub pending_fit: Option<Fit>,
    /// Where the map was laid out, in screen points: what commands that fit a feature or fly
    /// to a slide fit into. `None` until the map has been laid out once.
    pub viewport: Option<egui::Rect>,
    /// Cursor position over the map, longitude/latitude.
    pub cursor_lonlat: Option<[f64; 2]>,
}

/// Everything the application holds but the panels' own state.
pub struct AppState {
    pub doc: Document,
    pub map: MapState,
    pub selection: Selection,
    pub deck: Deck,
    pub show: Show,
    pub files: Files,
    pub faces: Faces,
    /// The dense line layers' images, drawn off the UI thread.
    pub backdrop: crate::draw::backdrop::Backdrop,
    /// A passing message for the user (saved, exported, recovered from backup).
    pub notice: Option<String>,
    /// Where the session (setup and recent files) is saved, if anywhere.
    pub session_path: Option<PathBuf>,
    /// Actions asked for this frame, handled once the panels are drawn.
    pub commands: Vec<Command>,
}

impl AppState {
    pub fn new(atlas: crate::model::atlas::Atlas, faces: Faces) -> Self {
        let home = atlas.home_bounds();
        Self {
            map: MapState {
                camera: Camera::new(MapView::fitting(&home, egui::vec2(1200.0, 800.0), 20.0)),
                pending_fit: Some(Fit::Jump),
                viewport: None,
                cursor_lonlat: None,
            },
            doc: Document::new(atlas),
            selection: Selection::default(),
            deck: Deck::default(),
            show: Show::default(),
            files: Files::default(),
            faces,
            backdrop: crate::draw::backdrop::Backdrop::default(),
            notice: None,
            session_path: None,
            commands: Vec::new(),
        }
    }

    /// Asks for `command` to be carried out once this frame's panels are drawn.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// What the scene of the planner's map is built with this frame.
    pub fn scene_options(&self) -> SceneOptions<'_> {
        SceneOptions {
            language: self.doc.language,
            choropleth_year: self.doc.choropleth_year.as_deref(),
            filter: &self.doc.filter,
            selected: self.selection.selected,
            highlighted: &self.doc.highlighted,
            flashing: &self.show.flashing,
            measurement: self.selection.measurement.as_ref(),
            ..SceneOptions::default()
        }
    }

    /// Flies to a feature, shows its layer, and opens its details.
    pub fn show_feature(&mut self, r: FeatureRef) {
        let Some((_, f)) = self.doc.atlas.feature(r) else {
            return;
        };
        if let Some(rect) = self.map.viewport {
            let camera = &mut self.map.camera;
            let target = if f.is_point() {
                MapView {
                    center: f.anchor(),
                    metres_per_point: 40.0_f64.min(camera.view.metres_per_point),
                }
            } else {
                MapView::fitting(&f.bounds(), rect.size(), 80.0)
            };
            camera.glide_to(target);
        }
        if let Some(layer) = self.doc.atlas.layer_mut(r.layer) {
            layer.visible = true;
        }
        self.selection.select(vec![r]);
    }

    /// Reports a problem in the messages window, which opens.
    pub fn report(&mut self, message: String) {
        self.doc.report(message);
    }
}
