//! The project file: a human-readable, versioned JSON document holding the slides of a deck,
//! written atomically (temporary file, sync, rename) with the previous version kept as `.bak`.

use crate::app::setup::{LayerState, Setup, clamp_opacity};
use crate::model::atlas::Atlas;
use crate::model::projection::{lonlat_from_world, world_from_lonlat};
use crate::model::view::MapView;
use std::path::Path;

/// The `format` member every project file carries.
pub const FORMAT: &str = "karabakh-atlas-project";
/// The version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// A stretch of the restoration timeline a slide plays, from the month of one date to the
/// month of another.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimelineRange {
    pub from: crate::model::date::Date,
    pub to: crate::model::date::Date,
}

/// One slide: a view of the map with its state, a title and a caption.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Slide {
    pub title: String,
    #[serde(default)]
    pub caption: String,
    /// Speaker notes, shown in the presenter view.
    #[serde(default)]
    pub notes: String,
    /// The view's centre, `[longitude, latitude]`.
    pub center: [f64; 2],
    /// Ground metres per screen point at the equator (Web Mercator metres per point).
    pub metres_per_point: f64,
    /// Layers by id; layers not listed keep their state.
    #[serde(default)]
    pub layers: Vec<LayerState>,
    /// Show only what existed by this date.
    #[serde(default)]
    pub as_of: Option<crate::model::date::Date>,
    /// Attribute filters by layer id.
    #[serde(default)]
    pub filters: std::collections::BTreeMap<String, crate::model::filter::LayerFilter>,
    /// Ids of features to highlight.
    #[serde(default)]
    pub highlights: Vec<String>,
    /// Districts coloured by demined hectares of this year.
    #[serde(default)]
    pub choropleth_year: Option<String>,
    /// A stretch of the timeline to play when the slide is shown.
    #[serde(default)]
    pub timeline: Option<TimelineRange>,
}

impl Slide {
    /// The slide's view. A longitude beyond ±180° (a hand-edited file, say) is clamped, as
    /// `world_from_lonlat` clamps the latitude, so the view is always finite.
    pub fn view(&self) -> MapView {
        let [lon, lat] = self.center;
        MapView {
            center: world_from_lonlat([lon.clamp(-180.0, 180.0), lat]),
            metres_per_point: crate::model::view::clamp_zoom(self.metres_per_point),
        }
    }

    /// A slide of the current state of the map.
    pub fn capture(
        title: String,
        view: &MapView,
        atlas: &Atlas,
        filter: &crate::model::filter::FeatureFilter,
        highlights: Vec<String>,
        choropleth_year: Option<String>,
    ) -> Self {
        Slide {
            title,
            caption: String::new(),
            notes: String::new(),
            center: lonlat_from_world(view.center),
            metres_per_point: view.metres_per_point,
            layers: atlas
                .layers
                .iter()
                .filter(|l| l.role != crate::model::layer::LayerRole::User)
                .map(|l| LayerState {
                    id: l.id.clone(),
                    visible: l.visible,
                    opacity: l.opacity,
                })
                .collect(),
            as_of: filter.as_of,
            filters: filter.layers.clone(),
            highlights,
            choropleth_year,
            timeline: None,
        }
    }
}

/// A whole project.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Project {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub slides: Vec<Slide>,
    /// The whole map as it was saved: view, layers, opened files, filters. Absent in a deck
    /// that only holds slides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<Setup>,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            title: String::new(),
            slides: Vec::new(),
            setup: None,
        }
    }
}

/// Why a project could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{file}: cannot read the project: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: line {line}, column {column}: not a valid project file: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: not a Karabakh Atlas project (its \"format\" is {found:?})")]
    NotAProject { file: String, found: String },
    #[error(
        "{file}: written by a newer Karabakh Atlas (project version {found}; this one reads up to {VERSION}); update the app to open it"
    )]
    FutureVersion { file: String, found: u32 },
    #[error("{file}: cannot save the project: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
}

/// Parses project text; `file` names it in messages.
pub fn parse(file: &str, text: &str) -> Result<Project, ProjectError> {
    // Read the header first, so that a newer version is reported as such, not as a parse error.
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let parse_error = |e: serde_json::Error| ProjectError::Parse {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_owned(),
    };
    let header: Header = serde_json::from_str(text).map_err(parse_error)?;
    let format = header.format.unwrap_or_default();
    if format != FORMAT {
        return Err(ProjectError::NotAProject {
            file: file.to_owned(),
            found: format,
        });
    }
    let version = header.version.unwrap_or(0);
    if version > VERSION {
        return Err(ProjectError::FutureVersion {
            file: file.to_owned(),
            found: version,
        });
    }
    let mut project: Project = serde_json::from_str(text).map_err(parse_error)?;
    project.clamp_opacities();
    Ok(project)
}

impl Project {
    fn clamp_opacities(&mut self) {
        self.slides
            .iter_mut()
            .flat_map(|s| s.layers.iter_mut())
            .for_each(|l| clamp_opacity(&mut l.opacity));
        if let Some(setup) = &mut self.setup {
            setup.clamp_opacities();
        }
    }
}

/// Reads a project file; if it is unreadable or corrupt and a `.bak` exists, reads that and
/// says so in the second value.
pub fn load(path: &Path) -> Result<(Project, Option<String>), ProjectError> {
    let file = path.display().to_string();
    let primary = std::fs::read_to_string(path)
        .map_err(|source| ProjectError::Read {
            file: file.clone(),
            source,
        })
        .and_then(|text| parse(&file, &text));
    match primary {
        Ok(p) => Ok((p, None)),
        Err(e @ ProjectError::FutureVersion { .. }) => Err(e),
        Err(e) => {
            let backup = crate::io::save::backup_path(path);
            let text = std::fs::read_to_string(&backup).map_err(|_| e)?;
            let recovered = parse(&backup.display().to_string(), &text)?;
            Ok((
                recovered,
                Some(format!(
                    "{file} could not be opened, so its backup was: {}",
                    backup.display()
                )),
            ))
        }
    }
}

/// Writes `project` to `path` atomically: a temporary file beside it, synced, then renamed
/// over it; the previous file is kept as `.bak`.
pub fn save(path: &Path, project: &Project) -> Result<(), ProjectError> {
    let file = path.display().to_string();
    let write_error = |source| ProjectError::Write {
        file: file.clone(),
        source,
    };
    let text =
        serde_json::to_string_pretty(project).map_err(|e| write_error(std::io::Error::other(e)))?;
    crate::io::save::write_atomically(path, text.as_bytes()).map_err(write_error)
}

/// The deck shipped with the app.
pub const GREAT_RETURN_DECK: &str = include_str!("../../assets/great-return.json");
