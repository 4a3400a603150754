//! What menus, buttons and keys ask for: one enum, sent through `AppState::send` and carried
//! out in one place (`ui::commands`) once the frame's panels are drawn.

use crate::app::files::CsvColumns;
use crate::model::atlas::FeatureRef;
use crate::model::layer::LayerKey;
use crate::model::measure::MeasureMode;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Shows a window (it stays open until closed).
    OpenWindow(Window),
    /// Opens the file dialog to choose a file for `Purpose`.
    ChooseFile(Purpose),
    /// Reads files as new layers.
    OpenFiles(Vec<PathBuf>),
    /// Reads a CSV file with the coordinate columns the user chose.
    OpenCsvWith(CsvColumns),
    CancelLoading(PathBuf),
    CloseLayer(LayerKey),
    /// Reads a database layer again, keeping its look.
    ReloadLayer(LayerKey),
    /// Shows a database layer's changes as other clients make them; `install_trigger` allows
    /// creating the table's change trigger when it has none.
    FollowChanges {
        layer: LayerKey,
        install_trigger: bool,
    },
    StopFollowing(LayerKey),
    ClearRecentFiles,
    /// Opens a project: its slides and its setup.
    OpenProject(PathBuf),
    SaveProject,
    SaveProjectAs(PathBuf),
    OpenShippedDeck,
    /// Writes the current view as the export window says, PNG or SVG by the extension.
    ExportMap(PathBuf),
    /// Puts the current view, as the export window says, on the clipboard.
    CopyMap,
    /// Writes every slide as a PNG into a folder.
    ExportSlides(PathBuf),
    /// Flies to the liberated districts.
    FitHome,
    /// Zooms the map about its centre by a factor (2 is in).
    Zoom(f64),
    /// Moves the map by screen points.
    Pan(egui::Vec2),
    /// Flies to a feature, shows its layer and its details.
    ShowFeature(FeatureRef),
    /// Escape: ends measuring if measuring, else clears the selection.
    Escape,
    ClearSelection,
    StartMeasuring(MeasureMode),
    ClearMeasurement,
    AddSlide,
    ShowSlide(usize),
    SwapSlides(usize, usize),
    DuplicateSlide(usize),
    DeleteSlide(usize),
    /// Replaces a slide's map with the map as it is now.
    RecaptureSlide(usize),
    /// Starts the show from the current slide, full screen.
    Present,
    /// Ends the show and gives the map back as it was.
    EndPresentation,
}

/// The windows a command can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Messages,
    DistrictTable,
    Slides,
    Export,
    About,
    /// File → Connect to database…
    Database,
}

/// What a file chosen in the file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    OpenData,
    OpenProject,
    SaveProject,
    ExportMap,
    ExportSlides,
}
