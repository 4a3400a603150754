//! The map's setup (view, language, district colours, the shipped layers' looks, opened files
//! and filters): one type, captured and applied in one place, saved both by the session
//! between runs and by a project to share.

use crate::app::AppState;
use crate::model::feature::Language;
use crate::model::filter::FeatureFilter;
use crate::model::layer::LayerRole;
use crate::model::projection::{lonlat_from_world, world_from_lonlat};
use crate::model::view::{Camera, MapView, clamp_zoom};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A planner's whole setup: what the map shows and how.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Setup {
    /// The view's centre, `[longitude, latitude]`.
    pub center: [f64; 2],
    /// Ground metres per screen point at the equator (Web Mercator metres per point).
    pub metres_per_point: f64,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub choropleth_year: Option<String>,
    /// The shipped layers.
    #[serde(default)]
    pub layers: Vec<LayerState>,
    /// Opened files, bottom first. In a project, a path relative to the project file's folder
    /// is read from there, so a folder holding a project and its data can be shared as it is.
    #[serde(default)]
    pub files: Vec<FileLayer>,
    /// The "as of" date and the layers' attribute filters (user layers by `file:` + path).
    #[serde(default)]
    pub filter: FeatureFilter,
    /// The attribute each shipped layer is coloured by, where one is chosen.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub colour_by: BTreeMap<String, String>,
}

/// A layer's look, by its id.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayerState {
    pub id: String,
    pub visible: bool,
    #[serde(default = "one")]
    pub opacity: f32,
}

fn one() -> f32 {
    1.0
}

/// An opened file in a setup, and how it looks.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileLayer {
    pub path: String,
    pub visible: bool,
    #[serde(default = "one")]
    pub opacity: f32,
    /// The attribute the layer is coloured by, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour_by: Option<String>,
}

/// `path` relative to `base` when it lies inside it, its parts joined with `/` so that the
/// project opens on Windows and on Linux alike; else the whole path as it is.
pub fn relative_to(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

/// The file a project names: a relative path, written with `/` or `\` (as Windows writes it),
/// read from `base`; an absolute path (`/srv/..`, `C:\..`, `\\server\..`) as it is.
pub fn resolve_in(base: &Path, stored: &str) -> PathBuf {
    let bytes = stored.as_bytes();
    // Absolute on either system, whichever this is: `/srv/a` saved on Linux is not absolute to
    // Windows (no drive), and `C:\maps` or `\\server\share` are not to Linux.
    let absolute_somewhere = stored.starts_with(['/', '\\'])
        || (bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':');
    if Path::new(stored).is_absolute() || absolute_somewhere {
        return PathBuf::from(stored);
    }
    let mut path = base.to_path_buf();
    for part in stored
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
    {
        path.push(part);
    }
    path
}

/// An opacity as the app uses it: within 0..=1.
///
/// serde_json reads a number beyond f32's range (`1e39`) as an infinite f32, which is written
/// back as `null`, which no longer reads: a project or session saved after opening such a file
/// could not be opened again. Clamping when reading keeps what is saved readable.
pub fn clamp_opacity(opacity: &mut f32) {
    *opacity = if opacity.is_nan() {
        1.0
    } else {
        opacity.clamp(0.0, 1.0)
    };
}

impl Setup {
    /// Every opacity the setup holds, clamped (see [`clamp_opacity`]).
    pub fn clamp_opacities(&mut self) {
        self.layers
            .iter_mut()
            .map(|l| &mut l.opacity)
            .chain(self.files.iter_mut().map(|f| &mut f.opacity))
            .for_each(clamp_opacity);
    }

    /// The view it shows, if its numbers make one.
    fn view(&self) -> Option<MapView> {
        let [lon, lat] = self.center;
        let view = MapView {
            center: world_from_lonlat([lon.clamp(-180.0, 180.0), lat]),
            metres_per_point: clamp_zoom(self.metres_per_point),
        };
        (view.center.iter().all(|c| c.is_finite()) && self.metres_per_point.is_finite())
            .then_some(view)
    }
}

impl AppState {
    /// The map's whole setup. With a `base` folder (a project's), paths of files inside it are
    /// kept relative to it; without (the session), every path is absolute.
    pub fn capture_setup(&self, base: Option<&Path>) -> Setup {
        let base = base.map(|b| std::path::absolute(b).unwrap_or_else(|_| b.to_path_buf()));
        let atlas = &self.doc.atlas;
        let view = &self.map.camera.view;
        let opened = atlas
            .layers
            .iter()
            .filter(|l| l.role == LayerRole::User)
            .map(|l| FileLayer {
                path: l.origin.clone(),
                visible: l.visible,
                opacity: l.opacity,
                colour_by: l.style.categories.as_ref().map(|c| c.attribute.clone()),
            });
        // Files still being read are part of the setup too, as they will look once open.
        let loading = self.files.loading.iter().map(|l| FileLayer {
            // An offline copy being read stands for its database.
            path: self
                .files
                .stand_ins
                .iter()
                .find(|s| s.copy == l.path)
                .map_or_else(|| l.path.display().to_string(), |s| s.url.clone()),
            visible: true,
            opacity: 1.0,
            colour_by: None,
        });
        Setup {
            center: lonlat_from_world(view.center),
            metres_per_point: view.metres_per_point,
            language: self.doc.language,
            choropleth_year: self.doc.choropleth_year.clone(),
            layers: atlas
                .layers
                .iter()
                .filter(|l| l.role != LayerRole::User)
                .map(|l| LayerState {
                    id: l.id.clone(),
                    visible: l.visible,
                    opacity: l.opacity,
                })
                .collect(),
            files: opened
                .chain(loading)
                .map(|mut f| {
                    let path = PathBuf::from(&f.path);
                    // A database is named by its URL, never with a password.
                    if crate::io::postgis::is_database_url(&path) {
                        f.path = crate::io::postgis::redact(&f.path);
                        return f;
                    }
                    let path = std::path::absolute(&path).unwrap_or(path);
                    f.path = match &base {
                        Some(base) => relative_to(&path, base),
                        None => path.display().to_string(),
                    };
                    f
                })
                .collect(),
            filter: self.doc.filter.clone(),
            colour_by: self.doc.shipped_colour_by(),
        }
    }

    /// Shows the map as `setup` says: its view, looks and filters, and its files in place of
    /// the files open now (relative paths read from `base`). Values that make no sense are
    /// ignored.
    pub fn apply_setup(&mut self, setup: &Setup, base: Option<&Path>) {
        self.apply_looks(setup);
        self.doc.close_user_layers();
        self.files.cancel_all();
        for file in &setup.files {
            let path = match base {
                _ if crate::io::postgis::is_database_url(Path::new(&file.path)) => {
                    PathBuf::from(&file.path)
                }
                Some(base) => resolve_in(base, &file.path),
                None => PathBuf::from(&file.path),
            };
            self.files.reopen(path, file.clone());
        }
    }

    /// Everything of `setup` but its files: the view, language, district colours, layer
    /// looks and filters.
    pub fn apply_looks(&mut self, setup: &Setup) {
        if let Some(view) = setup.view() {
            self.map.camera = Camera::new(view);
            self.map.pending_fit = None;
        }
        let doc = &mut self.doc;
        doc.language = setup.language;
        doc.set_choropleth_year(setup.choropleth_year.as_deref());
        doc.set_layer_looks(
            setup
                .layers
                .iter()
                .map(|l| (l.id.as_str(), l.visible, l.opacity)),
        );
        doc.filter = setup.filter.clone();
        doc.apply_colour_by(&setup.colour_by);
    }
}
