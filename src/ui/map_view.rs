//! The map in the window: mouse and keyboard navigation, hover, click to identify, and
//! painting the scene.

use crate::app::{AppState, Fit};
use crate::draw::paint::paint_scene;
use crate::model::projection::lonlat_from_world;
use crate::model::view::MapView;
use crate::model::view::PICK_TOLERANCE_POINTS;
use crate::query::pick::pick;
use crate::scene;
use egui::{Key, Pos2, Sense, vec2};

/// How far from a cluster's centre, in screen points, the pointer is on it.
const CLUSTER_HIT_RADIUS: f32 = 12.0;

pub fn map_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let viewport = response.rect;
    state.map_rect = Some(viewport);
    if let Some(fit) = state.pending_fit.take() {
        let home = MapView::fitting(&state.atlas.home_bounds(), viewport.size(), 24.0);
        match fit {
            Fit::Jump => state.camera.view = home,
            Fit::Glide => state.camera.glide_to(home),
        }
    }
    navigate(ui, state, &response);
    let dt = ui.input(|i| i.stable_dt);
    if state.camera.step(viewport, dt) {
        ui.ctx().request_repaint();
    }

    let view = state.camera.view;
    let tolerance = PICK_TOLERANCE_POINTS * view.metres_per_point;
    let pointer = response.hover_pos();
    state.cursor_lonlat = pointer.map(|p| lonlat_from_world(view.world_from_screen(viewport, p)));
    // A cluster stands for many points: hovering it names the count, clicking it zooms in.
    let cluster_at = |p: Pos2| {
        state
            .clusters_on_screen
            .iter()
            .find(|(c, _)| c.distance(p) <= CLUSTER_HIT_RADIUS)
            .copied()
    };
    let hovered_cluster = pointer.and_then(cluster_at);
    state.scene.hovered = pointer
        .filter(|_| !response.dragged() && hovered_cluster.is_none())
        .and_then(|p| {
            pick(
                &state.atlas.layers,
                &state.scene.filter,
                view.world_from_screen(viewport, p),
                tolerance,
            )
            .first()
            .copied()
        });

    if state.measuring {
        if response.clicked()
            && let Some(p) = response.interact_pointer_pos()
            && let Some(m) = state.scene.measurement.as_mut()
        {
            m.vertices
                .push(lonlat_from_world(view.world_from_screen(viewport, p)));
        }
    } else if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
        && let Some((centre, _)) = cluster_at(p)
    {
        state.camera.glide_zoom(viewport, centre, 4.0);
    } else if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let hits = pick(
            &state.atlas.layers,
            &state.scene.filter,
            view.world_from_screen(viewport, p),
            tolerance,
        );
        if hits.is_empty() {
            state.clear_selection();
        } else {
            state.select(hits);
        }
    }

    let mut built = scene::build(&state.atlas, &view, viewport, &state.scene, &state.faces);
    built.line_images = state
        .backdrop
        .images(ui.ctx(), &built.dense, &view, viewport);
    paint_scene(&painter, &built);
    state.clusters_on_screen = built
        .badges
        .iter()
        .filter(|b| b.on_cluster)
        .map(|b| (b.center, b.count))
        .collect();

    if let Some((_, count)) = hovered_cluster {
        response.on_hover_text_at_pointer(format!("{count} features here: click to zoom in"));
    } else if let Some(h) = state.scene.hovered
        && let Some((_, f)) = state.atlas.feature(h)
    {
        let name = f.display_name(state.scene.language);
        response.on_hover_text_at_pointer(name);
    }
}

fn navigate(ui: &egui::Ui, state: &mut AppState, response: &egui::Response) {
    let viewport = response.rect;
    if response.dragged() {
        state.camera.stop();
        state.camera.view.pan_by_screen(response.drag_delta());
    }
    if response.double_clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        state.camera.glide_zoom(viewport, p, 2.0);
    }
    if response.hovered() {
        let (scroll, pinch, pointer) = ui.input(|i| {
            (
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
                i.pointer.hover_pos(),
            )
        });
        let factor = f64::from(pinch) * (f64::from(scroll) / 200.0).exp();
        if (factor - 1.0).abs() > 1e-4
            && let Some(p) = pointer
        {
            state.camera.stop();
            state.camera.view.zoom_at(viewport, p, factor);
        }
    }
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let step = 120.0;
    let keys = ui.input(|i| {
        [
            i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
            i.key_pressed(Key::Minus),
            i.key_pressed(Key::ArrowLeft),
            i.key_pressed(Key::ArrowRight),
            i.key_pressed(Key::ArrowUp),
            i.key_pressed(Key::ArrowDown),
            i.key_pressed(Key::Home),
            i.key_pressed(Key::Escape),
        ]
    });
    let [zoom_in, zoom_out, left, right, up, down, home, escape] = keys;
    let center = viewport.center();
    if zoom_in {
        state.camera.glide_zoom(viewport, center, 2.0);
    }
    if zoom_out {
        state.camera.glide_zoom(viewport, center, 0.5);
    }
    // Arrows move the view the way the arrow points, as in QGIS.
    for (pressed, delta) in [
        (left, vec2(step, 0.0)),
        (right, vec2(-step, 0.0)),
        (up, vec2(0.0, step)),
        (down, vec2(0.0, -step)),
    ] {
        if pressed {
            state.camera.glide_pan(viewport, delta);
        }
    }
    if home {
        state.pending_fit = Some(Fit::Glide);
    }
    if escape {
        if state.measuring {
            state.measuring = false; // ends the measurement; it stays on the map
        } else {
            state.clear_selection();
        }
    }
}
