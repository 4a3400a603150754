//! The session: what is kept between runs (view, language, layers and their looks, opened
//! and recent files, filters), saved as JSON atomically with a `.bak`, and read back.

use crate::app::{AppState, RECENT_FILES};
use crate::model::view::{Camera, MapView};
use std::path::PathBuf;

/// How one layer looks, as saved: by id for the shipped layers, by path for opened files.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedLayer {
    pub id: String,
    /// The file a user layer was opened from; `None` for the shipped layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    pub visible: bool,
    pub opacity: f32,
    /// The attribute the layer is coloured by, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour_by: Option<String>,
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
    pub language: crate::model::feature::Language,
    pub choropleth_year: Option<String>,
    /// Layer id, visible, opacity, for the shipped layers.
    pub layers: Vec<(String, bool, f32)>,
    /// The files that were open, in layer order, and how they looked.
    #[serde(default)]
    pub files: Vec<SavedLayer>,
    /// "Open Recent", newest first.
    #[serde(default)]
    pub recent_files: Vec<PathBuf>,
    /// The "as of" date and the layers' attribute filters.
    #[serde(default)]
    pub filter: crate::model::filter::FeatureFilter,
    /// The attribute each shipped layer is coloured by, where one is chosen.
    #[serde(default)]
    pub colour_by: std::collections::BTreeMap<String, String>,
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
                .filter(|l| l.role != crate::model::layer::LayerRole::User)
                .map(|l| (l.id.clone(), l.visible, l.opacity))
                .collect(),
            files: self.opened_files(),
            recent_files: self.recent_files.clone(),
            filter: self.scene.filter.clone(),
            colour_by: self.shipped_colour_by(),
        }
    }

    /// The files open as layers, bottom first, and how they look; files still loading too.
    pub fn opened_files(&self) -> Vec<SavedLayer> {
        let open = self
            .atlas
            .layers
            .iter()
            .filter(|l| l.role == crate::model::layer::LayerRole::User)
            .map(|l| SavedLayer {
                id: l.id.clone(),
                path: Some(PathBuf::from(&l.origin)),
                visible: l.visible,
                opacity: l.opacity,
                colour_by: l.style.categories.as_ref().map(|c| c.attribute.clone()),
            });
        let loading = self.loading.iter().map(|l| SavedLayer {
            id: format!("file:{}", l.path.display()),
            path: Some(l.path.clone()),
            visible: true,
            opacity: 1.0,
            colour_by: None,
        });
        open.chain(loading).collect()
    }

    /// Opens `files` again, to look as they did once they have loaded.
    pub fn reopen_files(&mut self, files: &[SavedLayer]) {
        for file in files {
            if let Some(path) = &file.path {
                self.pending_files.push(path.clone());
                self.restore_file_layers.push(file.clone());
            }
        }
    }

    /// Restores a saved session; unknown layers and impossible values are ignored.
    pub fn restore(&mut self, session: &SavedSession) {
        let view = session.view;
        if view.center.iter().all(|c| c.is_finite()) && view.metres_per_point.is_finite() {
            self.camera = Camera::new(MapView {
                center: view.center,
                metres_per_point: crate::model::view::clamp_zoom(view.metres_per_point),
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
        self.set_layer_looks(
            session
                .layers
                .iter()
                .map(|(id, visible, opacity)| (id.as_str(), *visible, *opacity)),
        );
        self.set_filter(&session.filter);
        self.recent_files = session.recent_files.clone();
        self.recent_files.truncate(RECENT_FILES);
        self.apply_colour_by(&session.colour_by);
        self.reopen_files(&session.files);
    }
}

/// The `format` member of a session file.
pub const SESSION_FORMAT: &str = "karabakh-atlas-session";

/// Parses session text; `file` names it in messages. [`load_session`] reads files through
/// this, and the fuzz target `session` feeds it arbitrary text.
pub fn parse_session(file: &str, text: &str) -> Result<SavedSession, String> {
    let mut session: SavedSession =
        serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    if session.format != SESSION_FORMAT || session.version > 1 {
        return Err(format!("{file}: not a session file this version can read"));
    }
    // Out-of-range opacities would be saved as `null` and make the next start lose the session.
    session
        .layers
        .iter_mut()
        .map(|(_, _, opacity)| opacity)
        .chain(session.files.iter_mut().map(|f| &mut f.opacity))
        .for_each(crate::app::project::clamp_opacity);
    Ok(session)
}

/// Reads a session file, or its `.bak` when the file is missing or corrupt (saying so).
pub fn load_session(path: &std::path::Path) -> Result<(SavedSession, Option<String>), String> {
    let read = |p: &std::path::Path| -> Result<SavedSession, String> {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        parse_session(&p.display().to_string(), &text)
    };
    match read(path) {
        Ok(s) => Ok((s, None)),
        Err(first) => {
            let backup = crate::io::save::backup_path(path);
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
            .and_then(|bytes| crate::io::save::write_atomically(&path, &bytes));
        if let Err(e) = result {
            self.atlas
                .messages
                .push(format!("{}: cannot save the session: {e}", path.display()));
        }
    }
}
