//! The slide list: add (Ctrl+B), show, reorder, edit, duplicate and delete slides; present
//! (F5); open the shipped deck; save; export PNGs.

use crate::app::command::Purpose;
use crate::app::{AppState, Command};

/// The folder "Export PNGs" offers to create.
pub const EXPORT_DIR: &str = "karabakh-atlas-slides";

pub fn slides_window_ui(ctx: &egui::Context, state: &mut AppState, open: &mut bool) {
    if !*open {
        return;
    }
    egui::Window::new("Slides")
        .open(open)
        .default_pos([270.0, 80.0])
        .default_width(420.0)
        .show(ctx, |ui| slides_ui(ui, state));
}

fn slides_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("Add slide (Ctrl+B)").clicked() {
            state.send(Command::AddSlide);
        }
        if ui.button("▶ Present (F5)").clicked() {
            state.send(Command::Present);
        }
        if ui.button("Export PNGs…").clicked() {
            state.send(Command::ChooseFile(Purpose::ExportSlides));
        }
        if state.deck.path.is_some() && ui.button("Save").clicked() {
            state.send(Command::SaveProject);
        }
    });
    match state.show.screens.describe() {
        Some(plan) => {
            ui.label(plan);
            ui.checkbox(
                &mut state.show.screens.swapped,
                "Swap screens (the slides on this one)",
            );
        }
        None => {
            ui.checkbox(
                &mut state.show.presenter_view,
                "Presenter view in a second window",
            );
        }
    }
    if let Some(n) = &state.notice {
        ui.weak(n);
    }
    ui.separator();
    if state.deck.project.slides.is_empty() {
        ui.label("No slides yet. Set up the map and press Ctrl+B, or open the shipped deck.");
    }
    let mut action: Option<Command> = None;
    egui::ScrollArea::vertical()
        .max_height(480.0)
        .show(ui, |ui| {
            let n = state.deck.project.slides.len();
            for i in 0..n {
                let current = i == state.deck.current;
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let number = ui
                            .selectable_label(current, format!("{}", i + 1))
                            .on_hover_text("Show this slide");
                        if number.clicked() {
                            action = Some(Command::ShowSlide(i));
                        }
                        let slide = &mut state.deck.project.slides[i];
                        let title = ui
                            .add(egui::TextEdit::singleline(&mut slide.title).desired_width(230.0))
                            .on_hover_text("Slide title")
                            .labelled_by(number.id);

                        if title.changed() {
                            state.deck.changed();
                        }
                        if ui.small_button("↑").on_hover_text("Move up").clicked() && i > 0 {
                            action = Some(Command::SwapSlides(i, i - 1));
                        }
                        if ui.small_button("↓").on_hover_text("Move down").clicked() && i + 1 < n
                        {
                            action = Some(Command::SwapSlides(i, i + 1));
                        }
                        if ui.small_button("⊕").on_hover_text("Duplicate").clicked() {
                            action = Some(Command::DuplicateSlide(i));
                        }
                        if ui.small_button("✖").on_hover_text("Delete").clicked() {
                            action = Some(Command::DeleteSlide(i));
                        }
                    });
                    if current {
                        let slide = &mut state.deck.project.slides[i];
                        let caption_label = ui.label("Caption");
                        let c = ui
                            .add(egui::TextEdit::multiline(&mut slide.caption).desired_rows(2))
                            .labelled_by(caption_label.id);
                        let notes_label = ui.label("Notes");
                        let n = ui
                            .add(egui::TextEdit::multiline(&mut slide.notes).desired_rows(2))
                            .labelled_by(notes_label.id);
                        if c.changed() || n.changed() {
                            state.deck.changed();
                        }
                        if ui.button("Replace with the current map").clicked() {
                            action = Some(Command::RecaptureSlide(i));
                        }
                    }
                });
            }
        });
    if let Some(command) = action {
        state.send(command);
    }
}
