//! Presenter mode: the map full screen with a title card, a compact legend, the scale bar and
//! the attribution; clicker keys, a black screen, a laser pointer, large-type feature cards,
//! the timeline's date banner, and a presenter view in a second window.

use crate::app::present::{PresentAction, PresentKey};
use crate::app::{AppState, Command};
use crate::draw::paint::paint_scene;
use crate::model::view::PICK_TOLERANCE_POINTS;
use crate::query::pick::pick;
use crate::scene;
use egui::{Align2, Color32, FontFamily, FontId, Key, Pos2, Rect, Sense, Stroke, vec2};

/// The attribution every presented map carries.
pub const ATTRIBUTION: &str = "Boundaries: Natural Earth · Places: © GeoNames (CC BY 4.0) · Facts: the source named on each feature";

pub fn presentation_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click());
    let viewport = response.rect;
    let resized = state.map.viewport != Some(viewport);
    state.map.viewport = Some(viewport);
    handle_keys(ui, state);
    let Some(presentation) = state.show.presentation.clone() else {
        return;
    };
    if resized {
        // The first frame of the show, or a new screen: the slide is fitted to this one.
        state.map.camera =
            crate::model::view::Camera::new(state.slide_view(presentation.index, viewport));
    }
    if state.map.camera.step(viewport, ui.input(|i| i.stable_dt)) {
        ui.ctx().request_repaint();
    }
    if presentation.black {
        painter.rect_filled(viewport, 0.0, Color32::BLACK);
        return;
    }
    let view = state.map.camera.view;
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let at = view.world_from_screen(viewport, p);
        let tolerance = PICK_TOLERANCE_POINTS * 2.0 * view.metres_per_point;
        state.show.card = pick(&state.doc.atlas.layers, &state.doc.filter, at, tolerance)
            .into_iter()
            .find(|r| {
                state
                    .doc
                    .atlas
                    .layer(r.layer)
                    .is_some_and(|l| l.role != crate::model::layer::LayerRole::Context)
            });
    }
    let layout = state.presentation_layout(presentation.index, viewport);
    let reserved = layout.reserved();
    let slide = state.deck.project.slides.get(presentation.index);
    let options = scene::SceneOptions {
        large_labels: true,
        reserved: &reserved,
        selected: state.show.card,
        title_card: slide.map(|s| (s.title.as_str(), s.caption.as_str())),
        background_meshes: true,
        ..state.scene_options()
    };
    let mut built = scene::build(&state.doc.atlas, &view, viewport, &options, &state.faces);
    built.line_images = state
        .backdrop
        .images(ui.ctx(), &built.dense, &view, viewport);
    paint_scene(&painter, &built);

    legend_ui(&painter, state, layout.legend);
    painter.rect_filled(
        layout.attribution,
        4.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 225),
    );
    painter.text(
        viewport.right_bottom() - vec2(16.0, 12.0),
        Align2::RIGHT_BOTTOM,
        format!(
            "{} / {}",
            presentation.index + 1,
            state.deck.project.slides.len()
        ),
        FontId::proportional(22.0),
        Color32::from_rgb(30, 30, 30),
    );
    painter.text(
        viewport.right_bottom() - vec2(16.0, 42.0),
        Align2::RIGHT_BOTTOM,
        ATTRIBUTION,
        FontId::proportional(13.0),
        Color32::from_rgb(60, 60, 60),
    );
    if let Some(note) = offline_note(state) {
        // In the attribution strip, left of the slide number: the audience is told.
        let at = Rect::from_min_max(
            layout.attribution.left_bottom() + vec2(12.0, -30.0),
            layout.attribution.right_bottom() - vec2(80.0, 6.0),
        );
        let text = egui::RichText::new(note)
            .size(15.0)
            .color(Color32::from_rgb(170, 20, 20));
        ui.put(at, egui::Label::new(text).truncate());
    }
    if let Some(as_of) = &state.doc.filter.as_of {
        date_banner_ui(&painter, viewport, &as_of.to_string());
    }
    if !presentation.typed.is_empty() {
        painter.text(
            viewport.center(),
            Align2::CENTER_CENTER,
            format!("Go to slide {}…", presentation.typed),
            FontId::proportional(40.0),
            Color32::from_rgb(20, 20, 20),
        );
    }
    if let Some(r) = state.show.card {
        card_ui(&painter, state, r, viewport);
    }
    if ui.input(|i| i.key_down(Key::L))
        && let Some(p) = response.hover_pos()
    {
        painter.circle_filled(p, 16.0, Color32::from_rgba_unmultiplied(255, 0, 0, 60));
        painter.circle_filled(p, 8.0, Color32::from_rgb(255, 20, 20));
        ui.ctx().request_repaint();
    }
    let on_screen = state.show.screens.plan().presenter;
    if state.show.presenter_view || on_screen.is_some() {
        presenter_view_ui(ui.ctx(), state, presentation.index, on_screen);
    }
}

fn handle_keys(ui: &mut egui::Ui, state: &mut AppState) {
    let keys: Vec<PresentKey> = ui.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Key {
                    key, pressed: true, ..
                } => match key {
                    Key::ArrowRight | Key::PageDown | Key::Space => Some(PresentKey::Next),
                    Key::ArrowLeft | Key::PageUp => Some(PresentKey::Previous),
                    Key::Enter => Some(PresentKey::Enter),
                    Key::B => Some(PresentKey::Black),
                    Key::Escape => Some(PresentKey::Leave),
                    Key::P => Some(PresentKey::PauseTimeline),
                    k => digit(*k).map(PresentKey::Digit),
                },
                _ => None,
            })
            .collect()
    });
    let len = state.deck.project.slides.len();
    for key in keys {
        let Some(p) = state.show.presentation.as_mut() else {
            return;
        };
        if key == PresentKey::Leave && state.show.card.is_some() {
            state.show.card = None; // Esc first closes a card
            continue;
        }
        match p.key(key, len) {
            PresentAction::None => {}
            PresentAction::Show(i) => state.apply_slide(i, true),
            PresentAction::End => state.send(Command::EndPresentation),
            PresentAction::ToggleTimeline => {
                let t = &mut state.show.timeline;
                t.playing = !t.playing && t.position < t.end as f32;
            }
        }
    }
}

fn digit(key: Key) -> Option<u32> {
    let keys = [
        Key::Num0,
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
    ];
    keys.iter().position(|k| *k == key).map(|i| i as u32)
}

fn legend_ui(painter: &egui::Painter, state: &AppState, rect: Rect) {
    let layers = state.legend_layers();
    let classes = state.choropleth_rows();
    painter.rect_filled(
        rect,
        6.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 225),
    );
    for (i, layer) in layers.iter().enumerate() {
        let y = rect.top() + 10.0 + 30.0 * i as f32;
        let swatch = Rect::from_min_size(Pos2::new(rect.left() + 12.0, y + 3.0), vec2(20.0, 20.0));
        painter.rect_filled(swatch, 3.0, layer.style.fill);
        painter.rect_stroke(
            swatch,
            3.0,
            Stroke::new(1.5, layer.style.stroke),
            egui::StrokeKind::Inside,
        );
        painter.text(
            Pos2::new(rect.left() + 42.0, y + 13.0),
            Align2::LEFT_CENTER,
            &layer.title,
            FontId::proportional(20.0),
            Color32::from_rgb(20, 20, 20),
        );
    }
    for (k, (colour, text)) in classes.iter().enumerate() {
        let y = rect.top() + 10.0 + 30.0 * (layers.len() + k) as f32;
        let swatch = Rect::from_min_size(Pos2::new(rect.left() + 12.0, y + 3.0), vec2(20.0, 20.0));
        painter.rect_filled(swatch, 3.0, *colour);
        painter.text(
            Pos2::new(rect.left() + 42.0, y + 13.0),
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(18.0),
            Color32::from_rgb(20, 20, 20),
        );
    }
}

fn date_banner_ui(painter: &egui::Painter, viewport: Rect, as_of: &str) {
    let at = viewport.center_top() + vec2(0.0, 24.0);
    let galley = painter.layout_no_wrap(
        format!("As of {as_of}"),
        FontId::new(
            40.0,
            FontFamily::Name(crate::scene::fonts::BOLD_FAMILY.into()),
        ),
        Color32::from_rgb(15, 15, 15),
    );
    let rect =
        Rect::from_center_size(at + vec2(0.0, galley.size().y / 2.0), galley.size()).expand(10.0);
    painter.rect_filled(
        rect,
        8.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 235),
    );
    painter.galley(rect.min + vec2(10.0, 10.0), galley, Color32::BLACK);
}

fn card_ui(
    painter: &egui::Painter,
    state: &AppState,
    r: crate::model::atlas::FeatureRef,
    viewport: Rect,
) {
    let Some((_, f)) = state.doc.atlas.feature(r) else {
        return;
    };
    let mut lines = vec![format!(
        "{} · {}",
        f.kind().unwrap_or("feature"),
        f.str("district").unwrap_or("")
    )];
    if let Some(d) = f.str("date") {
        lines.push(format!("Date: {d}"));
    }
    if let Some(text) = f.str("description") {
        lines.extend(scene::wrap(text, 56));
    }
    let source = format!(
        "Source: {} ({})",
        f.str("source_url")
            .map_or("not given".to_owned(), crate::ui::detail_panel::short_url),
        f.str("source_date").unwrap_or("undated")
    );
    let rect = Rect::from_min_size(
        viewport.right_top() + vec2(-760.0, 120.0),
        vec2(740.0, 110.0 + 28.0 * lines.len() as f32),
    );
    painter.rect_filled(
        rect,
        8.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 245),
    );
    painter.rect_stroke(
        rect,
        8.0,
        Stroke::new(2.0, Color32::from_rgb(0, 114, 178)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.left_top() + vec2(18.0, 14.0),
        Align2::LEFT_TOP,
        f.display_name(state.doc.language),
        FontId::new(
            30.0,
            FontFamily::Name(crate::scene::fonts::BOLD_FAMILY.into()),
        ),
        Color32::from_rgb(15, 15, 15),
    );
    for (i, line) in lines.iter().enumerate() {
        painter.text(
            rect.left_top() + vec2(18.0, 58.0 + 28.0 * i as f32),
            Align2::LEFT_TOP,
            line,
            FontId::proportional(22.0),
            Color32::from_rgb(25, 25, 25),
        );
    }
    painter.text(
        rect.left_bottom() + vec2(18.0, -16.0),
        Align2::LEFT_BOTTOM,
        source,
        FontId::proportional(16.0),
        Color32::from_rgb(0, 90, 160),
    );
}

/// The presenter's own window: this slide and the next, the notes, and a clock; full screen
/// on `screen` when the show has two.
fn presenter_view_ui(ctx: &egui::Context, state: &AppState, index: usize, screen: Option<usize>) {
    let slides = &state.deck.project.slides;
    let current = slides.get(index).cloned();
    let next = slides.get(index + 1).cloned();
    let total = slides.len();
    let mut builder = egui::ViewportBuilder::default()
        .with_title("Karabakh Atlas – presenter view")
        .with_inner_size([640.0, 480.0]);
    if let Some(screen) = screen {
        builder = builder.with_monitor(screen);
    }
    ctx.show_viewport_immediate(
        egui::ViewportId::from_hash_of("presenter-view"),
        builder,
        |ui, _class| {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.heading(format!("Slide {} of {total}", index + 1));
                if let Some(s) = &current {
                    ui.label(egui::RichText::new(&s.title).size(24.0).strong());
                    ui.label(&s.caption);
                    ui.separator();
                    ui.strong("Notes");
                    ui.label(if s.notes.is_empty() { "—" } else { &s.notes });
                }
                ui.separator();
                ui.strong("Next");
                ui.label(next.as_ref().map_or("(the end)", |s| s.title.as_str()));
                ui.separator();
                ui.label(egui::RichText::new(clock_utc()).size(28.0).monospace());
            });
        },
    );
}

/// What the show says when a layer on screen is an offline copy of a database table.
fn offline_note(state: &AppState) -> Option<String> {
    let copies = state.offline_copies_shown();
    let (title, read_at) = copies.iter().min_by(|a, b| a.1.cmp(&b.1))?;
    let read_at = read_at.replacen('T', " ", 1).replace('Z', " UTC");
    Some(match copies.len() {
        1 => format!("Offline copy of {title}, read {read_at}"),
        n => format!("Offline copies of {n} database layers, the oldest read {read_at}"),
    })
}

/// The time of day, UTC, as HH:MM:SS.
fn clock_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02} UTC",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}
