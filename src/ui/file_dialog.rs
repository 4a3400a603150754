//! The open and save dialog, drawn in the app so it works on every desktop: a folder path, the
//! folders and the files that can be used here, a file name, and the recent files.

use crate::app::command::{Command, Purpose};
use std::path::{Path, PathBuf};

/// Data files the app opens, by extension.
pub const DATA_EXTENSIONS: &[&str] = &[
    "geojson", "json", "geojsonl", "geojsons", "csv", "tsv", "txt", "kml", "kmz", "shp", "zip",
    "gpkg",
];

impl Purpose {
    fn title(self) -> &'static str {
        match self {
            Purpose::OpenData => "Open a data file",
            Purpose::OpenProject => "Open a project",
            Purpose::SaveProject => "Save the project as",
            Purpose::ExportMap => "Export the map as",
            Purpose::ExportSlides => "Export the slides into the folder",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Purpose::OpenData | Purpose::OpenProject => "Open",
            Purpose::SaveProject | Purpose::ExportMap | Purpose::ExportSlides => "Save",
        }
    }

    fn saves(self) -> bool {
        matches!(
            self,
            Purpose::SaveProject | Purpose::ExportMap | Purpose::ExportSlides
        )
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            Purpose::OpenData => DATA_EXTENSIONS,
            Purpose::OpenProject | Purpose::SaveProject => &["json"],
            Purpose::ExportMap => &["png", "svg"],
            // Folders only.
            Purpose::ExportSlides => &[],
        }
    }
}

/// One line of the folder listing.
#[derive(Clone, Debug)]
struct Entry {
    name: String,
    is_dir: bool,
    size: u64,
}

/// The dialog's state while it shows.
#[derive(Clone, Debug)]
pub struct FileDialog {
    pub purpose: Purpose,
    /// The folder listed.
    pub dir: PathBuf,
    /// The name typed or clicked; a full path also works.
    pub file_name: String,
    dir_text: String,
    entries: Vec<Entry>,
    /// The home folder and the drives, found when the dialog opens.
    places: Vec<PathBuf>,
    pub error: Option<String>,
}

impl FileDialog {
    pub fn new(purpose: Purpose, dir: PathBuf, file_name: &str) -> Self {
        let mut dialog = Self {
            purpose,
            dir: PathBuf::new(),
            file_name: file_name.to_owned(),
            dir_text: String::new(),
            entries: Vec::new(),
            places: places(),
            error: None,
        };
        dialog.enter(dir);
        dialog
    }

    /// Lists `dir`; on failure keeps the current listing and says why.
    pub fn enter(&mut self, dir: PathBuf) {
        match list(&dir, self.purpose.extensions()) {
            Ok(entries) => {
                self.entries = entries;
                self.dir_text = dir.display().to_string();
                self.dir = dir;
                self.error = None;
            }
            Err(e) => {
                self.dir_text = self.dir.display().to_string();
                self.error = Some(format!("{}: {e}", dir.display()));
            }
        }
    }

    /// The path the dialog would use now, with the default extension added when saving.
    pub fn chosen_path(&self) -> Option<PathBuf> {
        let name = self.file_name.trim();
        if name.is_empty() {
            return None;
        }
        let mut path = self.dir.join(name);
        if let Some(ext) = self.purpose.extensions().first()
            && self.purpose.saves()
            && path.extension().is_none()
        {
            path.set_extension(ext);
        }
        Some(path)
    }

    /// Checks the chosen path for the purpose; `Err` says what is wrong.
    fn accept(&self) -> Result<PathBuf, String> {
        let path = self.chosen_path().ok_or("Type or choose a file name.")?;
        if self.purpose == Purpose::ExportSlides {
            if path.is_file() {
                return Err(format!("{}: is a file, not a folder", path.display()));
            }
        } else if self.purpose.saves() {
            let ext = extension_of(&path);
            if !self.purpose.extensions().contains(&ext.as_str()) {
                return Err(format!(
                    "{}: the name must end in .{}",
                    path.display(),
                    self.purpose.extensions().join(" or .")
                ));
            }
            if path.parent().is_some_and(|p| !p.is_dir()) {
                return Err(format!("{}: the folder does not exist", path.display()));
            }
        } else if !path.is_file() {
            return Err(format!("{}: no such file", path.display()));
        }
        Ok(path)
    }
}

fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// The folders (hidden ones left out) and the files with one of `extensions`, folders first,
/// each group by name without regard to case.
fn list(dir: &Path, extensions: &[&str]) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for item in std::fs::read_dir(dir)? {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // Follows links, so a link to a folder lists as a folder.
        let Ok(meta) = std::fs::metadata(item.path()) else {
            continue;
        };
        let is_dir = meta.is_dir();
        if is_dir || extensions.contains(&extension_of(&item.path()).as_str()) {
            entries.push(Entry {
                name,
                is_dir,
                size: meta.len(),
            });
        }
    }
    entries.sort_by_key(|e| (!e.is_dir, e.name.to_lowercase()));
    Ok(entries)
}

/// The places offered beside the folder path: the home folder, and the drives on Windows
/// (the root elsewhere), so that another disk or a USB stick is one click away.
pub fn places() -> Vec<PathBuf> {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
        .map(PathBuf::from)
        .filter(|p| p.is_dir());
    let roots: Vec<PathBuf> = if cfg!(windows) {
        // From C: on: asking for A: or B: can wait seconds on a floppy drive with no disk.
        (b'C'..=b'Z')
            .map(|letter| PathBuf::from(format!("{}:\\", char::from(letter))))
            .filter(|p| p.is_dir())
            .collect()
    } else {
        vec![PathBuf::from("/")]
    };
    home.into_iter().chain(roots).collect()
}

/// Where a dialog starts: the folder of the latest file, else the working folder.
pub fn start_dir(recent: &[PathBuf]) -> PathBuf {
    recent
        .first()
        .and_then(|p| p.parent())
        .filter(|p| p.is_dir())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Shows the dialog, if one is open; once a file is chosen, closes it and returns what to do
/// with the file.
pub fn file_dialog_ui(
    ctx: &egui::Context,
    open_dialog: &mut Option<FileDialog>,
    recent: &[PathBuf],
) -> Option<Command> {
    let mut dialog = open_dialog.take()?;
    let mut open = true;
    let mut chosen = None;
    egui::Window::new(dialog.purpose.title())
        .open(&mut open)
        .collapsible(false)
        .default_size([560.0, 420.0])
        .show(ctx, |ui| {
            chosen = dialog_ui(ui, &mut dialog, recent);
        });
    match chosen {
        Some(Choice::Cancel) => None,
        Some(Choice::Path(path)) => Some(command_for(dialog.purpose, path)),
        None => {
            if open {
                *open_dialog = Some(dialog);
            }
            None
        }
    }
}

enum Choice {
    Path(PathBuf),
    Cancel,
}

fn dialog_ui(ui: &mut egui::Ui, dialog: &mut FileDialog, recent: &[PathBuf]) -> Option<Choice> {
    let mut choice = None;
    ui.horizontal(|ui| {
        if ui.button("Up").on_hover_text("The parent folder").clicked()
            && let Some(parent) = dialog.dir.parent()
        {
            dialog.enter(parent.to_path_buf());
        }
        let edit = ui.add(
            egui::TextEdit::singleline(&mut dialog.dir_text)
                .desired_width(f32::INFINITY)
                .hint_text("Folder"),
        );
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            dialog.enter(PathBuf::from(dialog.dir_text.trim()));
        }
    });
    let mut place_chosen = None;
    ui.horizontal_wrapped(|ui| {
        for place in &dialog.places {
            let name = place.display().to_string();
            if ui
                .selectable_label(dialog.dir == *place, name)
                .on_hover_text("List this folder")
                .clicked()
            {
                place_chosen = Some(place.clone());
            }
        }
    });
    if let Some(place) = place_chosen {
        dialog.enter(place);
    }
    if dialog.purpose == Purpose::OpenData && !recent.is_empty() {
        egui::CollapsingHeader::new("Recent files")
            .default_open(false)
            .show(ui, |ui| {
                for path in recent {
                    if ui.button(path.display().to_string()).clicked() {
                        choice = Some(Choice::Path(path.clone()));
                    }
                }
            });
    }
    ui.separator();
    let mut enter = None;
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if dialog.entries.is_empty() {
                ui.weak(match dialog.purpose.extensions() {
                    [] => "No folders here.".to_owned(),
                    exts => format!("No folders and no .{} files here.", exts.join(" .")),
                });
            }
            for entry in &dialog.entries {
                if entry.is_dir {
                    if ui
                        .selectable_label(false, format!("{}/", entry.name))
                        .clicked()
                    {
                        enter = Some(dialog.dir.join(&entry.name));
                    }
                    continue;
                }
                ui.horizontal(|ui| {
                    let selected = dialog.file_name == entry.name;
                    let response = ui.selectable_label(selected, &entry.name);
                    if response.clicked() {
                        dialog.file_name = entry.name.clone();
                    }
                    if response.double_clicked() {
                        dialog.file_name = entry.name.clone();
                        choice = choice.take().or(Some(Choice::Path(PathBuf::new())));
                    }
                    ui.weak(crate::io::loader::human_bytes(entry.size));
                });
            }
        });
    if let Some(dir) = enter {
        dialog.enter(dir);
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.label("File name:");
        let edit = ui.add(
            egui::TextEdit::singleline(&mut dialog.file_name)
                .desired_width(300.0)
                .hint_text(
                    dialog
                        .purpose
                        .extensions()
                        .first()
                        .map_or_else(|| "folder".to_owned(), |e| format!(".{e}")),
                ),
        );
        let typed_enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(dialog.purpose.action()).clicked() || typed_enter {
            choice = Some(Choice::Path(PathBuf::new()));
        }
        if ui.button("Cancel").clicked() {
            choice = Some(Choice::Cancel);
        }
    });
    if let Some(error) = &dialog.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    // An empty path stands for "what the dialog says now"; check it before closing.
    match choice {
        Some(Choice::Path(p)) if p.as_os_str().is_empty() => match dialog.accept() {
            Ok(path) => Some(Choice::Path(path)),
            Err(e) => {
                dialog.error = Some(e);
                None
            }
        },
        other => other,
    }
}

/// What the dialog was opened for, done with `path`.
fn command_for(purpose: Purpose, path: PathBuf) -> Command {
    match purpose {
        Purpose::OpenData => Command::OpenFiles(vec![path]),
        Purpose::OpenProject => Command::OpenProject(path),
        Purpose::SaveProject => Command::SaveProjectAs(path),
        Purpose::ExportMap => Command::ExportMap(path),
        Purpose::ExportSlides => Command::ExportSlides(path),
    }
}
