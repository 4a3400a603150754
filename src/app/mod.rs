//! The application: its state, and the thin `eframe::App` that lays the panels out.

use crate::app::session::SavedLayer;
use crate::model::atlas::Atlas;
use crate::model::atlas::FeatureRef;
use crate::model::view::{Camera, MapView};
use crate::scene::SceneOptions;
use crate::scene::fonts::Faces;
use std::path::PathBuf;

pub mod present;
pub mod project;
pub mod session;

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
    /// The point clusters drawn last frame: centre on screen and how many points each holds.
    pub clusters_on_screen: Vec<(egui::Pos2, usize)>,
    /// The dense line layers' images, drawn off the UI thread.
    pub backdrop: crate::draw::backdrop::Backdrop,
    /// Cursor position over the map, longitude/latitude.
    pub cursor_lonlat: Option<[f64; 2]>,
    /// A fit to the liberated districts the map should make on its next frame.
    pub pending_fit: Option<Fit>,
    /// The largest file the app opens; larger ones are refused up front.
    pub max_file_bytes: u64,
    /// Where the session (view, layers, language) is saved, if anywhere.
    pub session_path: Option<PathBuf>,
    /// The deck of slides, and where it is saved (autosaved when set).
    pub project: crate::app::project::Project,
    pub project_path: Option<PathBuf>,
    /// Slides changed since the last save.
    pub project_dirty: bool,
    /// When the project was last autosaved, in the UI clock's seconds.
    pub last_autosave: f64,
    pub current_slide: usize,
    pub presentation: Option<crate::app::present::Presentation>,
    pub timeline: crate::app::present::Timeline,
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
    /// Files to open on the next frame (command line, drag and drop, File → Open).
    pub pending_files: Vec<PathBuf>,
    /// Files being read in the background.
    pub loading: Vec<crate::io::loader::Loading>,
    /// Checks of files already shown, still running: their warnings come here.
    pub checking: Vec<std::sync::mpsc::Receiver<Vec<crate::io::LoadWarning>>>,
    /// Files opened lately, newest first.
    pub recent_files: Vec<PathBuf>,
    /// How restored files should look once they have loaded (from the session or a project).
    pub restore_file_layers: Vec<SavedLayer>,
    /// The open or save dialog, when one is showing.
    pub file_dialog: Option<crate::ui::file_dialog::FileDialog>,
    /// A CSV file whose coordinate columns the user is asked to choose.
    pub csv_columns: Option<CsvColumns>,
    /// What a map export carries, and whether its window shows.
    pub export: crate::draw::export::ExportOptions,
    pub show_export: bool,
}

/// How many files "Open Recent" remembers.
pub const RECENT_FILES: usize = 10;

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
            clusters_on_screen: Vec::new(),
            backdrop: crate::draw::backdrop::Backdrop::default(),
            cursor_lonlat: None,
            pending_fit: Some(Fit::Jump),
            max_file_bytes: crate::io::default_max_file_bytes(),
            session_path: None,
            project: crate::app::project::Project::default(),
            project_path: None,
            project_dirty: false,
            last_autosave: f64::NEG_INFINITY,
            current_slide: 0,
            presentation: None,
            timeline: crate::app::present::Timeline::default(),
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
            loading: Vec::new(),
            checking: Vec::new(),
            recent_files: Vec::new(),
            restore_file_layers: Vec::new(),
            file_dialog: None,
            csv_columns: None,
            export: crate::draw::export::ExportOptions::default(),
            show_export: false,
        }
    }

    /// Selects `picked[0]` and remembers the rest for the detail panel's list.
    pub fn select(&mut self, picked: Vec<FeatureRef>) {
        self.scene.selected = picked.first().copied();
        self.picked = picked;
    }

    /// Flies to a feature, shows its layer, and opens its details.
    pub fn show_feature(&mut self, r: FeatureRef) {
        let Some((_, f)) = self.atlas.feature(r) else {
            return;
        };
        if let Some(rect) = self.map_rect {
            let target = if f.is_point() {
                MapView {
                    center: f.anchor(),
                    metres_per_point: 40.0_f64.min(self.camera.view.metres_per_point),
                }
            } else {
                MapView::fitting(&f.bounds(), rect.size(), 80.0)
            };
            self.camera.glide_to(target);
        }
        if let Some(layer) = self.atlas.layer_mut(r.layer) {
            layer.visible = true;
        }
        self.select(vec![r]);
    }

    /// A slide of the map as it is now.
    pub fn capture_slide(&self, title: String) -> crate::app::project::Slide {
        let highlights = self
            .scene
            .highlighted
            .iter()
            .chain(self.scene.selected.iter())
            .filter_map(|r| self.atlas.feature(*r)?.1.id_str().map(str::to_owned))
            .collect();
        crate::app::project::Slide::capture(
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
        self.set_layer_looks(
            slide
                .layers
                .iter()
                .map(|l| (l.id.as_str(), l.visible, l.opacity)),
        );
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
                crate::app::present::month_of(&range.from),
                crate::app::present::month_of(&range.to),
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
        self.presentation = Some(crate::app::present::Presentation {
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
            for layer in &self.atlas.layers {
                for f in layer.features() {
                    if self.scene.filter.shows(&layer.id, f) && !before.shows(&layer.id, f) {
                        self.timeline.flashes.push((
                            FeatureRef {
                                layer: layer.key,
                                feature: f.id,
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

    /// Replaces the deck with a project read from `path` (or its backup); with `apply_setup`,
    /// the map also takes the project's setup (view, layers, files, filters).
    pub fn open_project(&mut self, path: &std::path::Path, apply_setup: bool) {
        match crate::app::project::load(path) {
            Ok((project, recovered)) => {
                if apply_setup && let Some(setup) = &project.setup {
                    let base = path.parent().unwrap_or(std::path::Path::new(""));
                    self.apply_setup(setup, base);
                }
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

    /// The map's whole setup, with file paths relative to `base` where they lie inside it.
    pub fn capture_setup(&self, base: &std::path::Path) -> crate::app::project::Setup {
        use crate::model::layer::LayerRole;
        let base = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
        let view = &self.camera.view;
        crate::app::project::Setup {
            center: crate::model::projection::lonlat_from_world(view.center),
            metres_per_point: view.metres_per_point,
            language: self.scene.language,
            choropleth_year: self.scene.choropleth_year.clone(),
            layers: self
                .atlas
                .layers
                .iter()
                .filter(|l| l.role != LayerRole::User)
                .map(|l| crate::app::project::LayerState {
                    id: l.id.clone(),
                    visible: l.visible,
                    opacity: l.opacity,
                })
                .collect(),
            files: self
                .opened_files()
                .into_iter()
                .filter_map(|f| {
                    let path = f.path?;
                    let path = std::path::absolute(&path).unwrap_or(path);
                    Some(crate::app::project::FileLayer {
                        path: crate::app::project::relative_to(&path, &base),
                        visible: f.visible,
                        opacity: f.opacity,
                        colour_by: f.colour_by,
                    })
                })
                .collect(),
            filter: self.scene.filter.clone(),
            colour_by: self.shipped_colour_by(),
        }
    }

    /// The attribute each shipped layer is coloured by, where one is chosen.
    pub fn shipped_colour_by(&self) -> std::collections::BTreeMap<String, String> {
        self.atlas
            .layers
            .iter()
            .filter(|l| l.role != crate::model::layer::LayerRole::User)
            .filter_map(|l| Some((l.id.clone(), l.style.categories.as_ref()?.attribute.clone())))
            .collect()
    }

    /// Colours the shipped layers as `colour_by` says, and the rest in one colour.
    pub fn apply_colour_by(&mut self, colour_by: &std::collections::BTreeMap<String, String>) {
        for layer in &mut self.atlas.layers {
            if layer.role != crate::model::layer::LayerRole::User {
                layer.style.categories = colour_by
                    .get(&layer.id)
                    .map(|a| crate::model::style::Categories::of(a, layer.features()));
            }
        }
    }

    /// Shows the map as `setup` says: closes opened files and opens the setup's (relative
    /// paths from `base`). Values that make no sense are ignored.
    pub fn apply_setup(&mut self, setup: &crate::app::project::Setup, base: &std::path::Path) {
        let view = MapView {
            center: crate::model::projection::world_from_lonlat(setup.center),
            metres_per_point: crate::model::view::clamp_zoom(setup.metres_per_point),
        };
        if view.center.iter().all(|c| c.is_finite()) {
            self.camera = Camera::new(view);
            self.pending_fit = None;
        }
        self.scene.language = setup.language;
        self.scene.choropleth_year = setup
            .choropleth_year
            .clone()
            .filter(|y| self.atlas.demining_years().contains(y));
        self.set_layer_looks(
            setup
                .layers
                .iter()
                .map(|l| (l.id.as_str(), l.visible, l.opacity)),
        );
        self.set_filter(&setup.filter);
        while let Some(i) = self
            .atlas
            .layers
            .iter()
            .rposition(|l| l.role == crate::model::layer::LayerRole::User)
        {
            self.close_layer(i);
        }
        for loading in std::mem::take(&mut self.loading) {
            loading.cancel();
        }
        let files: Vec<SavedLayer> = setup
            .files
            .iter()
            .map(|f| {
                let path = base.join(&f.path);
                SavedLayer {
                    id: format!("file:{}", path.display()),
                    path: Some(path),
                    visible: f.visible,
                    opacity: f.opacity,
                    colour_by: f.colour_by.clone(),
                }
            })
            .collect();
        self.apply_colour_by(&setup.colour_by);
        self.reopen_files(&files);
    }

    /// Saves the project (setup and slides) to `path`, which it is from then on.
    pub fn save_project_as(&mut self, path: &std::path::Path) {
        self.project_path = Some(path.to_path_buf());
        self.save_project();
        if self.project_path.is_some() {
            self.notice = Some(format!("Saved {}", path.display()));
        }
    }

    /// Replaces the deck with "The Great Return, 2020–2026", shipped with the app.
    pub fn open_shipped_deck(&mut self) {
        match crate::app::project::parse(
            "great-return.json",
            crate::app::project::GREAT_RETURN_DECK,
        ) {
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
        let base = path.parent().unwrap_or(std::path::Path::new(""));
        self.project.setup = Some(self.capture_setup(base));
        match crate::app::project::save(&path, &self.project) {
            Ok(()) => {}
            Err(e) => {
                self.atlas.messages.push(e.to_string());
                self.show_messages = true;
            }
        }
    }

    /// Starts a new measurement of `mode`; clicks on the map add its vertices.
    pub fn start_measuring(&mut self, mode: crate::model::measure::MeasureMode) {
        self.scene.measurement = Some(crate::model::measure::Measurement::new(mode));
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

    /// Starts reading queued files in the background; `wake` repaints when one finishes.
    pub fn open_pending_files(&mut self, wake: &(impl Fn() + Clone + Send + 'static)) {
        for path in std::mem::take(&mut self.pending_files) {
            let loading =
                crate::io::loader::Loading::start(path, self.max_file_bytes, None, wake.clone());
            self.loading.push(loading);
        }
        if let Some(choice) = self.csv_columns.as_mut()
            && choice.confirmed
        {
            let options = crate::io::csv::CsvOptions {
                lat_column: Some(choice.lat.clone()),
                lon_column: Some(choice.lon.clone()),
                delimiter: None,
            };
            let path = choice.path.clone();
            self.csv_columns = None;
            let loading = crate::io::loader::Loading::start(
                path,
                self.max_file_bytes,
                Some(options),
                wake.clone(),
            );
            self.loading.push(loading);
        }
    }

    /// Adds the files that have finished loading as layers; failures become messages and
    /// change nothing else. Returns true while files are still loading.
    pub fn poll_loading(&mut self) -> bool {
        let mut still = Vec::new();
        for loading in std::mem::take(&mut self.loading) {
            match loading.poll() {
                Some(outcome) => self.finish_loading(&loading.path, outcome),
                None => still.push(loading),
            }
        }
        self.loading = still;
        // The checks a file's read left for later: their warnings as they come.
        let mut checking = Vec::new();
        for later in std::mem::take(&mut self.checking) {
            match later.try_recv() {
                Ok(warnings) => {
                    if !warnings.is_empty() {
                        self.show_messages = true;
                    }
                    self.atlas
                        .messages
                        .extend(warnings.iter().map(ToString::to_string));
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => checking.push(later),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
            }
        }
        self.checking = checking;
        !self.loading.is_empty() || !self.checking.is_empty()
    }

    /// Waits for every file being loaded and adds it (for the command line and tests).
    pub fn wait_for_loading(&mut self) {
        for loading in std::mem::take(&mut self.loading) {
            let outcome = loading.wait();
            self.finish_loading(&loading.path, outcome);
        }
        for later in std::mem::take(&mut self.checking) {
            if let Ok(warnings) = later.recv() {
                self.atlas
                    .messages
                    .extend(warnings.iter().map(ToString::to_string));
            }
        }
    }

    /// Stops loading `path`; nothing of it is added.
    pub fn cancel_loading(&mut self, path: &std::path::Path) {
        self.loading.retain(|l| {
            if l.path == path {
                l.cancel();
            }
            l.path != path
        });
    }

    fn finish_loading(&mut self, path: &std::path::Path, outcome: crate::io::loader::Outcome) {
        use crate::io::loader::Outcome;
        match outcome {
            Outcome::Loaded(mut file) => {
                let warnings = file.warnings.len();
                self.checking.extend(file.later.take());
                let index = crate::io::loader::add_to(&mut self.atlas, file);
                self.remember_recent(path);
                let layer = &mut self.atlas.layers[index];
                if let Some(saved) = self
                    .restore_file_layers
                    .iter()
                    .position(|s| s.path.as_deref() == Some(path))
                    .map(|i| self.restore_file_layers.swap_remove(i))
                {
                    layer.visible = saved.visible;
                    layer.opacity = saved.opacity.clamp(0.0, 1.0);
                    layer.style.categories = saved
                        .colour_by
                        .as_deref()
                        .map(|a| crate::model::style::Categories::of(a, layer.features()));
                }
                if warnings > 0 {
                    self.show_messages = true;
                }
            }
            Outcome::Failed(e) => {
                self.atlas.messages.push(e.to_string());
                self.show_messages = true;
                // A CSV whose coordinates were not found: let the user name the columns.
                if let crate::io::LoadError::Columns { headers, .. } = e
                    && headers.len() >= 2
                {
                    self.csv_columns = Some(CsvColumns {
                        path: path.to_path_buf(),
                        lat: headers[0].clone(),
                        lon: headers[1].clone(),
                        headers,
                        confirmed: false,
                    });
                }
            }
            Outcome::Cancelled => {}
        }
    }

    fn remember_recent(&mut self, path: &std::path::Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent_files.retain(|p| *p != path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(RECENT_FILES);
    }

    /// The scene of a map export of the current view, as the export options say.
    pub fn export_scene(&self) -> crate::scene::Scene<'_> {
        let visible = match self.map_rect {
            Some(rect) => self.camera.view.visible_bounds(rect),
            None => self.atlas.home_bounds(),
        };
        let view = crate::draw::export::export_view(&visible, &self.export);
        let options = crate::scene::SceneOptions {
            hovered: None,
            selected: None,
            flashing: Vec::new(),
            reserved: Vec::new(),
            ..self.scene.clone()
        };
        crate::draw::export::export_scene(
            &self.atlas,
            &self.faces,
            &view,
            &options,
            &self.export,
            &crate::model::filter::today_iso(),
        )
    }

    /// Exports the current view to `path`, as PNG or SVG by its extension.
    pub fn export_map(&mut self, path: &std::path::Path) {
        let result = crate::draw::export::write(path, &self.export_scene(), &self.faces);
        match result {
            Ok(()) => self.notice = Some(format!("Exported {}", path.display())),
            Err(e) => {
                self.notice = Some(e.to_string());
                self.atlas.messages.push(e.to_string());
                self.show_messages = true;
            }
        }
    }

    /// The current view with its export furniture, as an image for the clipboard.
    pub fn map_image(&self) -> Result<egui::ColorImage, crate::draw::raster::RasterError> {
        let pixmap = crate::draw::raster::rasterize(&self.export_scene(), &self.faces)?;
        Ok(egui::ColorImage::from_rgba_premultiplied(
            [pixmap.width() as usize, pixmap.height() as usize],
            pixmap.data(),
        ))
    }

    /// Shows and fades layers by id; unknown ids are ignored, opacities kept within 0..1.
    pub fn set_layer_looks<'a>(&mut self, looks: impl Iterator<Item = (&'a str, bool, f32)>) {
        for (id, visible, opacity) in looks {
            if let Some(i) = self.atlas.layer_by_id(id) {
                self.atlas.layers[i].visible = visible;
                self.atlas.layers[i].opacity = opacity.clamp(0.0, 1.0);
            }
        }
    }

    /// Takes a saved filter, unless its "as of" date is not an ISO date.
    pub fn set_filter(&mut self, filter: &crate::model::filter::FeatureFilter) {
        if filter
            .as_of
            .as_deref()
            .is_none_or(crate::model::date::is_iso_date)
        {
            self.scene.filter = filter.clone();
        }
    }

    /// Removes a layer the user opened.
    pub fn close_layer(&mut self, index: usize) {
        if self
            .atlas
            .layers
            .get(index)
            .is_some_and(|l| l.role == crate::model::layer::LayerRole::User)
        {
            // References into it find nothing from now on: the selection and highlights
            // of its features simply no longer show.
            self.atlas.layers.remove(index);
        }
    }
}

/// The coordinate columns chosen for a CSV file the app could not place by itself.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvColumns {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub lat: String,
    pub lon: String,
    /// The user pressed Open: read the file with these columns on the next frame.
    pub confirmed: bool,
}
