//! Where every [`Command`] is carried out: one arm each, after the frame's panels are drawn.

use crate::app::command::{Command, Purpose, Window};
use crate::app::{AppState, Fit};
use crate::ui::AtlasApp;
use crate::ui::file_dialog::{FileDialog, start_dir};

pub fn run(app: &mut AtlasApp, ctx: &egui::Context, command: Command) {
    let AtlasApp { state, panels, .. } = app;
    match command {
        Command::OpenWindow(window) => match window {
            Window::Messages => panels.messages_open = true,
            Window::DistrictTable => panels.district_table.open = true,
            Window::Slides => panels.slides_open = true,
            Window::Export => panels.export.open = true,
            Window::About => panels.about.open = true,
            Window::Database => panels.database.open = true,
        },
        Command::ChooseFile(purpose) => {
            let name = match purpose {
                Purpose::SaveProject => state
                    .deck
                    .path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map_or_else(|| "project.json".to_owned(), |n| n.to_string_lossy().into()),
                Purpose::ExportMap => panels.export.file_name(),
                Purpose::ExportSlides => crate::ui::slides_panel::EXPORT_DIR.to_owned(),
                Purpose::OpenData | Purpose::OpenProject => String::new(),
            };
            let dir = start_dir(&state.files.recent);
            panels.file_dialog = Some(FileDialog::new(purpose, dir, &name));
        }
        Command::OpenFiles(paths) => state.files.pending.extend(paths),
        Command::OpenCsvWith(choice) => {
            let ctx = ctx.clone();
            state.open_csv_with(choice, move || ctx.request_repaint());
        }
        Command::CancelLoading(path) => state.files.cancel(&path),
        Command::CloseLayer(key) => state.doc.close_layer(key),
        Command::ReloadLayer(key) => state.reload_layer(key),
        Command::FollowChanges {
            layer,
            install_trigger,
        } => {
            let ctx = ctx.clone();
            state.follow_changes(layer, install_trigger, move || ctx.request_repaint());
        }
        Command::StopFollowing(key) => state.stop_following(key),
        Command::ClearRecentFiles => state.files.recent.clear(),
        Command::OpenProject(path) => state.open_project(&path, true),
        Command::SaveProject => {
            if state.save_project() {
                state.notice = Some("Saved.".to_owned());
            }
        }
        Command::SaveProjectAs(path) => state.save_project_as(&path),
        Command::OpenShippedDeck => {
            state.open_shipped_deck();
            panels.slides_open = true;
        }
        Command::ExportMap(path) => panels.export.export_to(state, &path),
        Command::CopyMap => panels.export.copy(state, ctx),
        Command::ExportSlides(path) => {
            let written = crate::app::present::render_slides(
                &state.deck.project,
                &path,
                1920,
                1080,
                state.doc.language,
            );
            state.notice = Some(match written {
                Ok(n) => format!("Wrote {n} PNGs to {}", path.display()),
                Err(e) => format!("Export failed: {e:#}"),
            });
        }
        Command::FitHome => state.map.pending_fit = Some(Fit::Glide),
        Command::Zoom(factor) => with_viewport(state, |camera, viewport| {
            camera.glide_zoom(viewport, viewport.center(), factor);
        }),
        Command::Pan(delta) => with_viewport(state, |camera, viewport| {
            camera.glide_pan(viewport, delta);
        }),
        Command::ShowFeature(r) => state.show_feature(r),
        Command::Escape => {
            if state.selection.measuring {
                // Ends the measurement; it stays on the map.
                state.selection.measuring = false;
            } else {
                state.selection.clear();
            }
        }
        Command::ClearSelection => state.selection.clear(),
        Command::StartMeasuring(mode) => state.selection.start_measuring(mode),
        Command::ClearMeasurement => state.selection.clear_measurement(),
        Command::AddSlide => {
            state.add_slide();
            panels.slides_open = true;
        }
        Command::ShowSlide(i) => state.apply_slide(i, true),
        Command::SwapSlides(a, b) => state.swap_slides(a, b),
        Command::DuplicateSlide(i) => state.duplicate_slide(i),
        Command::DeleteSlide(i) => state.delete_slide(i),
        Command::RecaptureSlide(i) => state.recapture_slide(i),
        Command::Present => {
            if state.start_presentation() {
                // With two screens the slides go full screen on the other one (the
                // projector), and the presenter view opens on this one.
                ctx.send_viewport_cmd(match state.show.screens.plan().show {
                    Some(screen) => egui::ViewportCommand::SetMonitor(screen),
                    None => egui::ViewportCommand::Fullscreen(true),
                });
            }
        }
        Command::EndPresentation => {
            state.end_presentation();
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        }
    }
}

/// Moves the camera within the map's place on screen, once the map has been laid out.
fn with_viewport(
    state: &mut AppState,
    f: impl FnOnce(&mut crate::model::view::Camera, egui::Rect),
) {
    if let Some(viewport) = state.map.viewport {
        f(&mut state.map.camera, viewport);
    }
}
