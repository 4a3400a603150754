//! The deck of slides and its project file: adding, editing and reordering slides, opening,
//! saving and autosaving the project.

use crate::app::AppState;
use crate::app::project::{self, Project, Slide};
use std::path::{Path, PathBuf};

/// The slides, and where they are saved (autosaved when set).
#[derive(Default)]
pub struct Deck {
    pub project: Project,
    pub path: Option<PathBuf>,
    /// The slide the list shows as current, and the show starts from.
    pub current: usize,
    unsaved: Unsaved,
}

/// Whether the slides changed since the last save, and when they were last autosaved (in the
/// UI clock's seconds).
#[derive(Default)]
struct Unsaved {
    changed: bool,
    last_autosave: Option<f64>,
}

impl Deck {
    /// Marks the slides as changed since the last save.
    pub fn changed(&mut self) {
        self.unsaved.changed = true;
    }

    /// Whether the slides changed since the last save.
    pub fn is_dirty(&self) -> bool {
        self.unsaved.changed
    }

    /// Whether an autosave is due at UI time `now`: at most once a second while slides change.
    pub fn autosave_due(&mut self, now: f64) -> bool {
        let Unsaved {
            changed,
            last_autosave,
        } = &mut self.unsaved;
        let due =
            *changed && self.path.is_some() && last_autosave.is_none_or(|last| now - last > 1.0);
        if due {
            *last_autosave = Some(now);
        }
        due
    }
}

impl AppState {
    /// A slide of the map as it is now.
    pub fn capture_slide(&self, title: String) -> Slide {
        let highlights = self
            .doc
            .highlighted
            .iter()
            .chain(self.selection.selected.iter())
            // `text`, not `id_str`: a database table's integer key is an id too.
            .filter_map(|r| self.doc.atlas.feature(*r)?.1.text("id"))
            .collect();
        Slide::capture(
            title,
            &self.map.camera.view,
            &self.doc.atlas,
            &self.doc.filter,
            highlights,
            self.doc.choropleth_year.clone(),
        )
    }

    /// Adds a slide of the map as it is now, after the current one.
    pub fn add_slide(&mut self) {
        // Tables read view by view keep what this slide shows, for presenting offline.
        self.keep_view_snapshots();
        let deck = &self.deck;
        let slide = self.capture_slide(format!("Slide {}", deck.project.slides.len() + 1));
        let at = if deck.project.slides.is_empty() {
            0
        } else {
            (deck.current + 1).min(deck.project.slides.len())
        };
        self.deck.project.slides.insert(at, slide);
        self.deck.current = at;
        self.deck.changed();
    }

    /// Replaces slide `i`'s map with the map as it is now, keeping its words and timeline.
    pub fn recapture_slide(&mut self, i: usize) {
        let Some(old) = self.deck.project.slides.get(i).cloned() else {
            return;
        };
        let mut fresh = self.capture_slide(old.title);
        fresh.caption = old.caption;
        fresh.notes = old.notes;
        fresh.timeline = old.timeline;
        self.deck.project.slides[i] = fresh;
        self.deck.current = i;
        self.deck.changed();
    }

    /// Swaps slides `a` and `b`; the moved slide stays current.
    pub fn swap_slides(&mut self, a: usize, b: usize) {
        let slides = &mut self.deck.project.slides;
        if a < slides.len() && b < slides.len() {
            slides.swap(a, b);
            self.deck.current = b;
            self.deck.changed();
        }
    }

    pub fn duplicate_slide(&mut self, i: usize) {
        let slides = &mut self.deck.project.slides;
        if let Some(copy) = slides.get(i).cloned() {
            slides.insert(i + 1, copy);
            self.deck.current = i + 1;
            self.deck.changed();
        }
    }

    pub fn delete_slide(&mut self, i: usize) {
        let slides = &mut self.deck.project.slides;
        if i < slides.len() {
            slides.remove(i);
            self.deck.current = self.deck.current.min(slides.len().saturating_sub(1));
            self.deck.changed();
        }
    }

    /// Replaces the deck with a project read from `path` (or its backup); with `apply_setup`,
    /// the map also takes the project's setup (view, layers, files, filters).
    pub fn open_project(&mut self, path: &Path, apply_setup: bool) {
        match project::load(path) {
            Ok((project, recovered)) => {
                if apply_setup && let Some(setup) = &project.setup {
                    let base = path.parent().unwrap_or(Path::new(""));
                    self.apply_setup(setup, Some(base));
                }
                self.deck.project = project;
                self.deck.path = Some(path.to_path_buf());
                self.deck.current = 0;
                if let Some(note) = recovered {
                    self.notice = Some(note.clone());
                    self.report(note);
                }
            }
            Err(e) => self.report(e.to_string()),
        }
    }

    /// Saves the project (setup and slides) to `path`, which it is from then on.
    pub fn save_project_as(&mut self, path: &Path) {
        self.deck.path = Some(path.to_path_buf());
        if self.save_project() {
            self.notice = Some(format!("Saved {}", path.display()));
        }
    }

    /// Writes the deck and the map's setup to the project's file, if it has one; returns
    /// whether it was written.
    pub fn save_project(&mut self) -> bool {
        let Some(path) = self.deck.path.clone() else {
            return false;
        };
        // Clean either way: a failing disk is reported once, not at every autosave.
        self.deck.unsaved.changed = false;
        let base = path.parent().unwrap_or(Path::new(""));
        self.deck.project.setup = Some(self.capture_setup(Some(base)));
        match project::save(&path, &self.deck.project) {
            Ok(()) => true,
            Err(e) => {
                self.report(e.to_string());
                false
            }
        }
    }

    /// Replaces the deck with "The Great Return, 2020–2026", shipped with the app.
    pub fn open_shipped_deck(&mut self) {
        match project::parse("great-return.json", project::GREAT_RETURN_DECK) {
            Ok(project) => {
                self.deck.project = project;
                self.deck.current = 0;
                self.deck.changed();
            }
            Err(e) => self.report(e.to_string()),
        }
    }
}
