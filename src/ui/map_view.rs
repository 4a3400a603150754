//! The map in the window: mouse navigation, hover, click to identify or to zoom into a
//! cluster, and painting the scene. Keys are in `shortcuts`.

use crate::app::{AppState, Fit};
use crate::draw::paint::paint_scene;
use crate::model::projection::lonlat_from_world;
use crate::model::view::MapView;
use crate::model::view::PICK_TOLERANCE_POINTS;
use crate::query::pick::{pick, stacked_points};
use crate::scene::{self, BadgeItem};
use egui::{Pos2, Sense};

/// How far from a cluster's centre, in screen points, the pointer is on it.
const CLUSTER_HIT_RADIUS: f32 = 12.0;

pub fn map_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let viewport = response.rect;
    state.map.viewport = Some(viewport);
    if let Some(fit) = state.map.pending_fit.take() {
        let home = MapView::fitting(&state.doc.atlas.home_bounds(), viewport.size(), 24.0);
        match fit {
            Fit::Jump => state.map.camera.view = home,
            Fit::Glide => state.map.camera.glide_to(home),
        }
    }
    navigate(ui, state, &response);
    let dt = ui.input(|i| i.stable_dt);
    if state.map.camera.step(viewport, dt) {
        ui.ctx().request_repaint();
    }

    let view = state.map.camera.view;
    let pointer = response.hover_pos();
    state.map.cursor_lonlat =
        pointer.map(|p| lonlat_from_world(view.world_from_screen(viewport, p)));
    let click = response
        .clicked()
        .then(|| response.interact_pointer_pos())
        .flatten();
    let measuring = state.selection.measuring;
    if measuring
        && let Some(p) = click
        && let Some(m) = state.selection.measurement.as_mut()
    {
        m.vertices
            .push(lonlat_from_world(view.world_from_screen(viewport, p)));
    }
    // The scene of this frame first: a click on a cluster drawn now zooms into it.
    let options = scene::SceneOptions {
        background_meshes: true,
        ..state.scene_options()
    };
    let mut built = scene::build(&state.doc.atlas, &view, viewport, &options, &state.faces);
    let pick_at = |p: Pos2| {
        let tolerance = PICK_TOLERANCE_POINTS * view.metres_per_point;
        pick(
            &state.doc.atlas.layers,
            &state.doc.filter,
            view.world_from_screen(viewport, p),
            tolerance,
        )
    };
    let hovered_cluster = pointer.and_then(|p| cluster_under(&built.badges, p));
    let hovered = pointer
        .filter(|_| !measuring && !response.dragged() && hovered_cluster.is_none())
        .and_then(|p| pick_at(p).first().copied());
    let clicked = click
        .filter(|_| !measuring)
        .map(|p| (p, cluster_under(&built.badges, p)));
    if let Some(r) = hovered {
        scene::add_hover(&mut built, &state.doc.atlas, r);
    }
    // A click on a spread symbol of the fanned-out stack chooses that feature.
    let fanned = clicked.and_then(|(p, _)| {
        let fan = state.selection.fan.as_ref()?;
        scene::fan_member_at(fan.at, &fan.members, &view, viewport, p)
    });
    let hits = match clicked {
        _ if fanned.is_some() => None,
        Some((p, None)) => Some(pick_at(p)),
        _ => None,
    };
    // A cluster whose members all share one position cannot split by zooming: it fans out.
    let stack = match (fanned, clicked, &hits) {
        (None, Some((_, Some((centre, _)))), _) => {
            let under = pick_at(centre);
            stacked_points(&state.doc.atlas, &under).map(|(at, members)| (at, members, under))
        }
        (None, _, Some(hits)) => {
            stacked_points(&state.doc.atlas, hits).map(|(at, members)| (at, members, hits.clone()))
        }
        _ => None,
    };
    if let Some(fan) = stack
        .as_ref()
        .map(|(at, members, _)| (*at, members.as_slice()))
        .or_else(|| {
            let fan = state
                .selection
                .fan
                .as_ref()
                .filter(|_| clicked.is_none() || fanned.is_some())?;
            Some((fan.at, fan.members.as_slice()))
        })
    {
        scene::add_fan(&mut built, &state.doc.atlas, fan.0, fan.1, &view, viewport);
    }
    built.line_images = state
        .backdrop
        .images(ui.ctx(), &built.dense, &view, viewport);
    paint_scene(&painter, &built);

    match (fanned, stack, clicked, hits) {
        (Some(r), ..) => state.selection.selected = Some(r),
        (None, Some((at, members, under)), ..) => {
            state.selection.select_fanned(under, at, members);
        }
        (None, None, Some((_, Some((centre, _)))), _) => {
            state.map.camera.glide_zoom(viewport, centre, 4.0);
        }
        (None, None, _, Some(hits)) if hits.is_empty() => state.selection.clear(),
        (None, None, _, Some(hits)) => state.selection.select(hits),
        _ => {}
    }
    if let Some((_, count)) = hovered_cluster {
        response.on_hover_text_at_pointer(format!("{count} features here: click to zoom in"));
    } else if let Some(h) = hovered
        && let Some((_, f)) = state.doc.atlas.feature(h)
    {
        response.on_hover_text_at_pointer(f.display_name(state.doc.language));
    }
}

/// The centre and count of the cluster badge under `p`, if any.
fn cluster_under(badges: &[BadgeItem], p: Pos2) -> Option<(Pos2, usize)> {
    badges
        .iter()
        .find(|b| b.on_cluster && b.center.distance(p) <= CLUSTER_HIT_RADIUS)
        .map(|b| (b.center, b.count))
}

/// Drag pans, the wheel and pinch zoom at the pointer, a double click zooms in.
fn navigate(ui: &egui::Ui, state: &mut AppState, response: &egui::Response) {
    let viewport = response.rect;
    let camera = &mut state.map.camera;
    if response.dragged() {
        camera.stop();
        camera.view.pan_by_screen(response.drag_delta());
    }
    if response.double_clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        camera.glide_zoom(viewport, p, 2.0);
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
            camera.stop();
            camera.view.zoom_at(viewport, p, factor);
        }
    }
}
