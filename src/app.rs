//! The application: its state, and the thin `eframe::App` that lays the panels out.

use crate::atlas::Atlas;
use crate::fonts::Faces;
use crate::pick::FeatureRef;
use crate::scene::SceneOptions;
use crate::ui;
use crate::view::{Camera, MapView};
use std::path::PathBuf;

/// How long a slide transition flies, in seconds.
pub const TRANSITION_SECONDS: f32 = 1.0;

/// How the map goes to the home view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// At once (the first frame).
    Jump,
    /// In a smooth flight (the Home key).
    Glide,
}

/// Everything the panels read and change.
pub struct AppState {
    pub atlas: Atlas,
    pub faces: Faces,
    pub camera: Camera,
    pub scene: SceneOptions,
    /// Features under the last click, topmost first.
    pub picked: Vec<FeatureRef>,
    /// Where the map was drawn last frame, in screen points.
    pub map_rect: Option<egui::Rect>,
    /// Cursor position over the map, longitude/latitude.
    pub cursor_lonlat: Option<[f64; 2]>,
    /// A fit to the liberated districts the map should make on its next frame.
    pub pending_fit: Option<Fit>,
    /// The largest file the app opens; larger ones are refused up front.
    pub max_file_bytes: u64,
    /// Where the session (view, layers, language) is saved, if anywhere.
    pub session_path: Option<PathBuf>,
    /// The deck of slides, and where it is saved (autosaved when set).
    pub project: crate::project::Project,
    pub project_path: Option<PathBuf>,
    /// Slides changed since the last save.
    pub project_dirty: bool,
    /// When the project was last autosaved, in the UI clock's seconds.
    pub last_autosave: f64,
    pub current_slide: usize,
    pub presentation: Option<crate::present::Presentation>,
    pub timeline: crate::present::Timeline,
    pub show_slides: bool,
    pub show_presenter_view: bool,
    /// The feature whose large card shows during a presentation.
    pub card: Option<FeatureRef>,
    /// A passing message for the user (saved, exported, recovered from backup).
    pub notice: Option<String>,
    /// What is typed in the search box.
    pub search_query: String,
    /// Clicks on the map add measurement vertices instead of picking.
    pub measuring: bool,
    pub show_messages: bool,
    pub show_district_table: bool,
    pub district_sort: crate::ui::district_stats::TableSort,
    /// The last "Save CSV" result, shown beside the button.
    pub table_message: Option<String>,
    pub show_about: bool,
    /// Files to open on the next frame (command line, drag and drop).
    pub pending_files: Vec<PathBuf>,
}

impl AppState {
    pub fn new(atlas: Atlas, faces: Faces) -> Self {
        let home = atlas.home_bounds();
        Self {
            camera: Camera::new(MapView::fitting(&home, egui::vec2(1200.0, 800.0), 20.0)),
            atlas,
            faces,
            scene: SceneOptions::default(),
            picked: Vec::new(),
            map_rect: None,
            cursor_lonlat: None,
            pending_fit: Some(Fit::Jump),
            max_file_bytes: crate::load::DEFAULT_MAX_FILE_BYTES,
            session_path: None,
            project: crate::project::Project::default(),
            project_path: None,
            project_dirty: false,
            last_autosave: f64::NEG_INFINITY,
            current_slide: 0,
            presentation: None,
            timeline: crate::present::Timeline::default(),
            show_slides: false,
            show_presenter_view: false,
            card: None,
            notice: None,
            search_query: String::new(),
            measuring: false,
            show_messages: false,
            show_district_table: false,
            district_sort: crate::ui::district_stats::TableSort::default(),
            table_message: None,
            show_about: false,
            pending_files: Vec::new(),
        }
    }

    /// Selects `picked[0]` and remembers the rest for the detail panel's list.
    pub fn select(&mut self, picked: Vec<FeatureRef>) {
        self.scene.selected = picked.first().copied();
        self.picked = picked;
    }

    /// Flies to a feature, shows its layer, and opens its details.
    pub fn show_feature(&mut self, r: FeatureRef) {
        let Some(f) = self.atlas.feature(r) else {
            return;
        };
        if let Some(rect) = self.map_rect {
            let target = if f.feature.is_point() {
                MapView {
                    center: f.anchor,
                    metres_per_point: 40.0_f64.min(self.camera.view.metres_per_point),
                }
            } else {
                MapView::fitting(&f.bounds, rect.size(), 80.0)
            };
            self.camera.glide_to(target);
        }
        self.atlas.layers[r.layer].visible = true;
        self.select(vec![r]);
    }

    /// A slide of the map as it is now.
    pub fn capture_slide(&self, title: String) -> crate::project::Slide {
        let highlights = self
            .scene
            .highlighted
            .iter()
            .chain(self.scene.selected.iter())
            .filter_map(|r| self.atlas.feature(*r)?.feature.id().map(str::to_owned))
            .collect();
        crate::project::Slide::capture(
            title,
            &self.camera.view,
            &self.atlas,
            &self.scene.filter,
            highlights,
            self.scene.choropleth_year.clone(),
        )
    }

    /// Adds a slide of the map as it is now, after the current one.
    pub fn add_slide(&mut self) {
        let slide = self.capture_slide(format!("Slide {}", self.project.slides.len() + 1));
        let at = if self.project.slides.is_empty() {
            0
        } else {
            (self.current_slide + 1).min(self.project.slides.len())
        };
        self.project.slides.insert(at, slide);
        self.current_slide = at;
        self.project_dirty = true;
    }

    /// Shows slide `index`: its layers, date, colours and highlights, and flies (or jumps) to
    /// its view. A slide with a timeline range starts playing it.
    pub fn apply_slide(&mut self, index: usize, fly: bool) {
        let Some(slide) = self.project.slides.get(index).cloned() else {
            return;
        };
        self.current_slide = index;
        for state in &slide.layers {
            if let Some(i) = self.atlas.layer_by_id(&state.id) {
                self.atlas.layers[i].visible = state.visible;
                self.atlas.layers[i].opacity = state.opacity.clamp(0.0, 1.0);
            }
        }
        self.scene.filter.as_of = slide.as_of.clone();
        self.scene.filter.layers = slide.filters.clone();
        self.scene.choropleth_year = slide
            .choropleth_year
            .clone()
            .filter(|y| self.atlas.demining_years().contains(y));
        self.scene.highlighted = slide
            .highlights
            .iter()
            .filter_map(|id| self.atlas.find_by_id(id))
            .collect();
        self.clear_selection();
        self.card = None;
        self.timeline.playing = false;
        self.timeline.flashes.clear();
        if let Some(range) = &slide.timeline
            && let (Some(from), Some(to)) = (
                crate::present::month_of(&range.from),
                crate::present::month_of(&range.to),
            )
        {
            self.timeline.play(from, to);
            self.scene.filter.as_of = Some(self.timeline.as_of());
        }
        let view = slide.view();
        match (fly, self.map_rect) {
            (true, Some(rect)) => self.camera.tour_to(view, rect, TRANSITION_SECONDS),
            _ => {
                self.camera = Camera::new(view);
                self.pending_fit = None;
            }
        }
    }

    /// Starts presenting from the current slide.
    pub fn start_presentation(&mut self) {
        if self.project.slides.is_empty() {
            self.notice = Some("Add a slide first (Ctrl+B), or open the shipped deck.".to_owned());
            return;
        }
        let index = self.current_slide.min(self.project.slides.len() - 1);
        self.presentation = Some(crate::present::Presentation {
            index,
            ..Default::default()
        });
        self.measuring = false;
        self.apply_slide(index, false);
    }

    pub fn end_presentation(&mut self) {
        self.presentation = None;
        self.card = None;
        self.timeline.playing = false;
    }

    /// Moves the timeline on by `dt` seconds at UI time `now`: updates the "as of" date and
    /// lets what just appeared glow. Returns true while something moves.
    pub fn tick_timeline(&mut self, now: f64, dt: f32) -> bool {
        let before = self.scene.filter.clone();
        if let Some(as_of) = self.timeline.advance(dt) {
            self.scene.filter.as_of = Some(as_of);
            for (li, layer) in self.atlas.layers.iter().enumerate() {
                for (fi, f) in layer.features.iter().enumerate() {
                    if self.scene.filter.shows(&layer.id, &f.feature)
                        && !before.shows(&layer.id, &f.feature)
                    {
                        self.timeline.flashes.push((
                            FeatureRef {
                                layer: li,
                                feature: fi,
                            },
                            now,
                        ));
                    }
                }
            }
        }
        self.timeline.prune(now);
        self.scene.flashing = self.timeline.flashes.iter().map(|(r, _)| *r).collect();
        self.timeline.playing || !self.timeline.flashes.is_empty()
    }

    /// Replaces the deck with a project read from `path` (or its backup).
    pub fn open_project(&mut self, path: &std::path::Path) {
        match crate::project::load(path) {
            Ok((project, recovered)) => {
                self.project = project;
                self.project_path = Some(path.to_path_buf());
                self.current_slide = 0;
                self.notice = recovered;
                if self.notice.is_some() {
                    self.show_messages = true;
                    self.atlas.messages.extend(self.notice.clone());
                }
            }
            Err(e) => {
                self.atlas.messages.push(e.to_string());
                self.show_messages = true;
            }
        }
    }

    /// Replaces the deck with "The Great Return, 2020–2026", shipped with the app.
    pub fn open_shipped_deck(&mut self) {
        match crate::project::parse("great-return.json", crate::project::GREAT_RETURN_DECK) {
            Ok(project) => {
                self.project = project;
                self.current_slide = 0;
                self.project_dirty = true;
                self.show_slides = true;
            }
            Err(e) => self.atlas.messages.push(e.to_string()),
        }
    }

    /// Writes the deck to its file, if it has one.
    pub fn save_project(&mut self) {
        let Some(path) = self.project_path.clone() else {
            return;
        };
        // Dirty no longer either way: a failing disk is reported once, not every frame.
        self.project_dirty = false;
        match crate::project::save(&path, &self.project) {
            Ok(()) => {}
            Err(e) => {
                self.atlas.messages.push(e.to_string());
                self.show_messages = true;
            }
        }
    }

    /// Starts a new measurement of `mode`; clicks on the map add its vertices.
    pub fn start_measuring(&mut self, mode: crate::measure::MeasureMode) {
        self.scene.measurement = Some(crate::measure::Measurement::new(mode));
        self.measuring = true;
    }

    /// Removes the measurement from the map.
    pub fn clear_measurement(&mut self) {
        self.scene.measurement = None;
        self.measuring = false;
    }

    pub fn clear_selection(&mut self) {
        self.scene.selected = None;
        self.picked.clear();
    }

    /// Opens queued files as new layers; failures become messages, nothing else changes.
    pub fn open_pending_files(&mut self) {
        for path in std::mem::take(&mut self.pending_files) {
            match self.atlas.add_file(&path, self.max_file_bytes) {
                Ok(_) => {}
                Err(e) => {
                    self.atlas.messages.push(e.to_string());
                    self.show_messages = true;
                }
            }
        }
    }
}

/// What is kept between runs: the view, the language, the district colours and each
/// embedded layer's visibility and opacity. Written as JSON, atomically, with a `.bak`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedSession {
    /// Always "karabakh-atlas-session".
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub version: u32,
    pub view: MapView,
    pub language: crate::feature::Language,
    pub choropleth_year: Option<String>,
    /// Layer id, visible, opacity.
    pub layers: Vec<(String, bool, f32)>,
}

impl AppState {
    /// The part of the state worth restoring at the next start.
    pub fn session(&self) -> SavedSession {
        SavedSession {
            format: SESSION_FORMAT.to_owned(),
            version: 1,
            view: self.camera.view,
            language: self.scene.language,
            choropleth_year: self.scene.choropleth_year.clone(),
            layers: self
                .atlas
                .layers
                .iter()
                .filter(|l| l.role != crate::layer::LayerRole::User)
                .map(|l| (l.id.clone(), l.visible, l.opacity))
                .collect(),
        }
    }

    /// Restores a saved session; unknown layers and impossible values are ignored.
    pub fn restore(&mut self, session: &SavedSession) {
        let view = session.view;
        if view.center.iter().all(|c| c.is_finite()) && view.metres_per_point.is_finite() {
            self.camera = Camera::new(MapView {
                center: view.center,
                metres_per_point: crate::view::clamp_zoom(view.metres_per_point),
            });
            self.pending_fit = None;
        }
        self.scene.language = session.language;
        if session
            .choropleth_year
            .as_ref()
            .is_none_or(|y| self.atlas.demining_years().contains(y))
        {
            self.scene.choropleth_year = session.choropleth_year.clone();
        }
        for (id, visible, opacity) in &session.layers {
            if let Some(i) = self.atlas.layer_by_id(id) {
                self.atlas.layers[i].visible = *visible;
                self.atlas.layers[i].opacity = opacity.clamp(0.0, 1.0);
            }
        }
    }
}

/// The `format` member of a session file.
pub const SESSION_FORMAT: &str = "karabakh-atlas-session";

/// Reads a session file, or its `.bak` when the file is missing or corrupt (saying so).
pub fn load_session(path: &std::path::Path) -> Result<(SavedSession, Option<String>), String> {
    let read = |p: &std::path::Path| -> Result<SavedSession, String> {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let session: SavedSession =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        if session.format != SESSION_FORMAT || session.version > 1 {
            return Err(format!(
                "{}: not a session file this version can read",
                p.display()
            ));
        }
        Ok(session)
    };
    match read(path) {
        Ok(s) => Ok((s, None)),
        Err(first) => {
            let backup = crate::project::backup_path(path);
            let s = read(&backup).map_err(|_| first.clone())?;
            Ok((
                s,
                Some(format!(
                    "{first}; the previous session was restored from {}",
                    backup.display()
                )),
            ))
        }
    }
}

impl AppState {
    /// Writes the session file atomically, if there is one.
    pub fn save_session(&mut self) {
        let Some(path) = self.session_path.clone() else {
            return;
        };
        let result = serde_json::to_vec_pretty(&self.session())
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::project::write_atomically(&path, &bytes));
        if let Err(e) = result {
            self.atlas
                .messages
                .push(format!("{}: cannot save the session: {e}", path.display()));
        }
    }
}

/// The eframe application.
pub struct AtlasApp {
    pub state: AppState,
}

impl AtlasApp {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Lays out every panel; the window and the UI tests both call this.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let state = &mut self.state;
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        state.pending_files.extend(dropped);
        state.open_pending_files();
        let now = ui.input(|i| i.time);
        let dt = ui.input(|i| i.stable_dt);
        if state.tick_timeline(now, dt) {
            ui.ctx().request_repaint();
        }
        // Autosave, at most once a second while slides are being edited.
        if state.project_dirty && state.project_path.is_some() && now - state.last_autosave > 1.0 {
            state.last_autosave = now;
            state.save_project();
        }
        if state.presentation.is_some() {
            ui::presentation::presentation_ui(ui, state);
            return;
        }
        ui::presentation::shortcuts(ui, state);
        egui::Panel::top("menu").show(ui, |ui| ui::menu::menu_ui(ui, state));
        egui::Panel::bottom("status").show(ui, |ui| ui::status_bar::status_bar_ui(ui, state));
        egui::Panel::left("layers")
            .default_size(250.0)
            .show(ui, |ui| ui::layer_panel::layer_panel_ui(ui, state));
        if state.scene.selected.is_some() {
            egui::Panel::right("details")
                .default_size(340.0)
                .show(ui, |ui| ui::detail_panel::detail_panel_ui(ui, state));
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| ui::map_view::map_ui(ui, state));
        ui::windows::windows_ui(ui.ctx(), state);
    }
}

impl eframe::App for AtlasApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        AtlasApp::ui(self, ui);
    }

    /// Called by eframe on exit and every 30 seconds.
    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.state.save_session();
        if self.state.project_dirty {
            self.state.save_project();
        }
    }
}
