//! The slide list: add (Ctrl+B), show, reorder, edit, duplicate and delete slides; present
//! (F5); open the shipped deck; save; export PNGs.

use crate::app::AppState;

/// The folder "Export PNGs" offers to create.
pub const EXPORT_DIR: &str = "karabakh-atlas-slides";

pub fn slides_window_ui(ctx: &egui::Context, state: &mut AppState) {
    let mut open = state.show_slides;
    if !open {
        return;
    }
    egui::Window::new("Slides")
        .open(&mut open)
        .default_pos([270.0, 80.0])
        .default_width(420.0)
        .show(ctx, |ui| slides_ui(ui, state));
    state.show_slides = open;
}

fn slides_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("Add slide (Ctrl+B)").clicked() {
            state.add_slide();
        }
        if ui.button("▶ Present (F5)").clicked() {
            crate::ui::presentation::start(ui.ctx(), state);
        }
        if ui.button("Export PNGs…").clicked() {
            state.file_dialog = Some(crate::ui::file_dialog::FileDialog::new(
                crate::ui::file_dialog::Purpose::ExportSlides,
                crate::ui::file_dialog::start_dir(state),
                EXPORT_DIR,
            ));
        }
        if state.project_path.is_some() && ui.button("Save").clicked() {
            state.save_project();
            state.notice = Some("Saved.".to_owned());
        }
    });
    ui.checkbox(
        &mut state.show_presenter_view,
        "Presenter view in a second window",
    );
    if let Some(n) = &state.notice {
        ui.weak(n);
    }
    ui.separator();
    if state.project.slides.is_empty() {
        ui.label("No slides yet. Set up the map and press Ctrl+B, or open the shipped deck.");
    }
    let mut action = None;
    egui::ScrollArea::vertical()
        .max_height(480.0)
        .show(ui, |ui| {
            let n = state.project.slides.len();
            for i in 0..n {
                let current = i == state.current_slide;
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let number = ui
                            .selectable_label(current, format!("{}", i + 1))
                            .on_hover_text("Show this slide");
                        if number.clicked() {
                            action = Some(SlideAction::Show(i));
                        }
                        let slide = &mut state.project.slides[i];
                        let title = ui
                            .add(egui::TextEdit::singleline(&mut slide.title).desired_width(230.0))
                            .on_hover_text("Slide title")
                            .labelled_by(number.id);

                        if title.changed() {
                            state.project_dirty = true;
                        }
                        if ui.small_button("↑").on_hover_text("Move up").clicked() && i > 0 {
                            action = Some(SlideAction::Swap(i, i - 1));
                        }
                        if ui.small_button("↓").on_hover_text("Move down").clicked() && i + 1 < n
                        {
                            action = Some(SlideAction::Swap(i, i + 1));
                        }
                        if ui.small_button("⊕").on_hover_text("Duplicate").clicked() {
                            action = Some(SlideAction::Duplicate(i));
                        }
                        if ui.small_button("✖").on_hover_text("Delete").clicked() {
                            action = Some(SlideAction::Delete(i));
                        }
                    });
                    if current {
                        let slide = &mut state.project.slides[i];
                        let caption_label = ui.label("Caption");
                        let c = ui
                            .add(egui::TextEdit::multiline(&mut slide.caption).desired_rows(2))
                            .labelled_by(caption_label.id);
                        let notes_label = ui.label("Notes");
                        let n = ui
                            .add(egui::TextEdit::multiline(&mut slide.notes).desired_rows(2))
                            .labelled_by(notes_label.id);
                        if c.changed() || n.changed() {
                            state.project_dirty = true;
                        }
                        if ui.button("Replace with the current map").clicked() {
                            action = Some(SlideAction::Recapture(i));
                        }
                    }
                });
            }
        });
    if let Some(a) = action {
        apply(state, a);
    }
}

enum SlideAction {
    Show(usize),
    Swap(usize, usize),
    Duplicate(usize),
    Delete(usize),
    Recapture(usize),
}

fn apply(state: &mut AppState, action: SlideAction) {
    let slides = &mut state.project.slides;
    match action {
        SlideAction::Show(i) => {
            state.apply_slide(i, true);
            return;
        }
        SlideAction::Swap(a, b) => {
            slides.swap(a, b);
            state.current_slide = b;
        }
        SlideAction::Duplicate(i) => {
            let copy = slides[i].clone();
            slides.insert(i + 1, copy);
            state.current_slide = i + 1;
        }
        SlideAction::Delete(i) => {
            slides.remove(i);
            state.current_slide = state.current_slide.min(slides.len().saturating_sub(1));
        }
        SlideAction::Recapture(i) => {
            let old = slides[i].clone();
            let mut fresh = state.capture_slide(old.title);
            fresh.caption = old.caption;
            fresh.notes = old.notes;
            fresh.timeline = old.timeline;
            state.project.slides[i] = fresh;
            state.current_slide = i;
        }
    }
    state.project_dirty = true;
}
