//! The session: the setup (see `setup`) and "Open Recent", kept between runs, saved as JSON
//! atomically with a `.bak`, and read back, from this version's files or the first version's.

use crate::app::AppState;
use crate::app::files::RECENT_FILES;
use crate::app::setup::{FileLayer, LayerState, Setup};
use std::path::{Path, PathBuf};

/// The `format` member of a session file.
pub const SESSION_FORMAT: &str = "karabakh-atlas-session";
/// The version this build writes; version 1 files are read too.
pub const SESSION_VERSION: u32 = 2;

/// What is kept between runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedSession {
    /// Always "karabakh-atlas-session".
    pub format: String,
    pub version: u32,
    #[serde(flatten)]
    pub setup: Setup,
    /// "Open Recent", newest first.
    #[serde(default)]
    pub recent_files: Vec<PathBuf>,
}

/// A session as the first version wrote it: the view in world metres, the shipped layers as
/// tuples, and the files with their paths.
#[derive(serde::Deserialize)]
struct SessionV1 {
    view: crate::model::view::MapView,
    language: crate::model::feature::Language,
    choropleth_year: Option<String>,
    layers: Vec<(String, bool, f32)>,
    #[serde(default)]
    files: Vec<FileV1>,
    #[serde(default)]
    recent_files: Vec<PathBuf>,
    #[serde(default)]
    filter: crate::model::filter::FeatureFilter,
    #[serde(default)]
    colour_by: std::collections::BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct FileV1 {
    path: Option<PathBuf>,
    visible: bool,
    opacity: f32,
    #[serde(default)]
    colour_by: Option<String>,
}

impl SessionV1 {
    fn upgrade(self) -> SavedSession {
        SavedSession {
            format: SESSION_FORMAT.to_owned(),
            version: SESSION_VERSION,
            setup: Setup {
                center: crate::model::projection::lonlat_from_world(self.view.center),
                metres_per_point: self.view.metres_per_point,
                language: self.language,
                choropleth_year: self.choropleth_year,
                layers: self
                    .layers
                    .into_iter()
                    .map(|(id, visible, opacity)| LayerState {
                        id,
                        visible,
                        opacity,
                    })
                    .collect(),
                files: self
                    .files
                    .into_iter()
                    .filter_map(|f| {
                        Some(FileLayer {
                            path: f.path?.display().to_string(),
                            visible: f.visible,
                            opacity: f.opacity,
                            colour_by: f.colour_by,
                        })
                    })
                    .collect(),
                filter: self.filter,
                colour_by: self.colour_by,
            },
            recent_files: self.recent_files,
        }
    }
}

impl AppState {
    /// The part of the state worth restoring at the next start.
    pub fn session(&self) -> SavedSession {
        SavedSession {
            format: SESSION_FORMAT.to_owned(),
            version: SESSION_VERSION,
            setup: self.capture_setup(None),
            recent_files: self.files.recent.clone(),
        }
    }

    /// Restores a saved session; unknown layers and impossible values are ignored.
    pub fn restore(&mut self, session: &SavedSession) {
        self.apply_setup(&session.setup, None);
        self.files.recent = session.recent_files.clone();
        self.files.recent.truncate(RECENT_FILES);
    }

    /// Writes the session file atomically, if there is one.
    pub fn save_session(&mut self) {
        let Some(path) = self.session_path.clone() else {
            return;
        };
        let result = serde_json::to_vec_pretty(&self.session())
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::io::save::write_atomically(&path, &bytes));
        if let Err(e) = result {
            self.doc
                .atlas
                .messages
                .push(format!("{}: cannot save the session: {e}", path.display()));
        }
    }
}

/// Parses session text; `file` names it in messages. [`load_session`] reads files through
/// this, and the fuzz target `session` feeds it arbitrary text.
pub fn parse_session(file: &str, text: &str) -> Result<SavedSession, String> {
    #[derive(serde::Deserialize)]
    struct Header {
        #[serde(default)]
        format: String,
        #[serde(default)]
        version: u32,
    }
    let header: Header = serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    if header.format != SESSION_FORMAT || header.version > SESSION_VERSION {
        return Err(format!("{file}: not a session file this version can read"));
    }
    let mut session = if header.version < 2 {
        serde_json::from_str::<SessionV1>(text)
            .map_err(|e| format!("{file}: {e}"))?
            .upgrade()
    } else {
        serde_json::from_str::<SavedSession>(text).map_err(|e| format!("{file}: {e}"))?
    };
    session.setup.clamp_opacities();
    Ok(session)
}

/// Reads a session file, or its `.bak` when the file is missing or corrupt (saying so).
pub fn load_session(path: &Path) -> Result<(SavedSession, Option<String>), String> {
    let read = |p: &Path| -> Result<SavedSession, String> {
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
