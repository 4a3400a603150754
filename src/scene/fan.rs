//! Features stacked on one point (14 sit at Xankəndi's, their own positions unpublished)
//! spread on a ring around it, each joined to the point by a thin line, so that each can be
//! seen and clicked: zooming cannot split features that share one position.

use super::{LineItem, Scene, SymbolItem};
use crate::model::atlas::{Atlas, FeatureRef};
use crate::model::projection::World;
use crate::model::view::MapView;
use egui::{Color32, Pos2, Rect, Stroke};

/// The ring's smallest radius, in points: clear of the town's own symbol and label.
const MIN_RADIUS: f32 = 34.0;
/// The distance between neighbours on the ring, in points: more than a symbol (13 points).
const SPACING: f32 = 24.0;
/// How near a click must be to a spread symbol to hit it, in points.
pub const FAN_HIT_RADIUS: f32 = 10.0;

/// Where `n` stacked features are drawn around `center`: clockwise from the top.
pub fn fan_positions(center: Pos2, n: usize) -> Vec<Pos2> {
    let radius = MIN_RADIUS.max(SPACING * n as f32 / std::f32::consts::TAU);
    (0..n)
        .map(|i| {
            let angle = std::f32::consts::TAU * i as f32 / n.max(1) as f32;
            center + radius * egui::vec2(angle.sin(), -angle.cos())
        })
        .collect()
}

/// The member whose spread symbol is under `p`, if any.
pub fn fan_member_at(
    at: World,
    members: &[FeatureRef],
    view: &MapView,
    viewport: Rect,
    p: Pos2,
) -> Option<FeatureRef> {
    let center = view.screen_from_world(viewport, at);
    fan_positions(center, members.len())
        .into_iter()
        .zip(members)
        .find(|(q, _)| q.distance(p) <= FAN_HIT_RADIUS)
        .map(|(_, r)| *r)
}

/// Draws `members`, stacked at `at`, spread on their ring over everything else.
pub fn add_fan(
    scene: &mut Scene<'_>,
    atlas: &Atlas,
    at: World,
    members: &[FeatureRef],
    view: &MapView,
    viewport: Rect,
) {
    let center = view.screen_from_world(viewport, at);
    let leader = Stroke::new(1.0, Color32::from_rgb(60, 60, 60));
    for (q, r) in fan_positions(center, members.len())
        .into_iter()
        .zip(members)
    {
        let Some((layer, f)) = atlas.feature(*r) else {
            continue;
        };
        scene.lines.push(LineItem {
            points: vec![center, q],
            stroke: leader,
        });
        let (symbol, fill) = layer.style.symbol_for(f.kind());
        scene.highlight_symbols.push(SymbolItem {
            center: q,
            symbol,
            size: layer.style.symbol_size.max(11.0),
            fill,
            stroke: Stroke::new(1.2, Color32::WHITE),
        });
    }
}
