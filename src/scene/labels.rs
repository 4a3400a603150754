//! Label placement: candidates in priority order, each tried at a few positions, kept only
//! where it overlaps no label already placed and fits the viewport.

use egui::{Color32, Pos2, Rect, Vec2, pos2, vec2};

/// A label that wants a place.
#[derive(Clone, Debug)]
pub struct LabelCandidate {
    pub text: String,
    /// The point it labels, on screen.
    pub anchor: Pos2,
    pub size: f32,
    pub bold: bool,
    pub color: Color32,
    /// Width and height of the text in points.
    pub width: f32,
    pub height: f32,
    /// Higher goes first.
    pub priority: f64,
    /// Centred on the anchor (areas) or beside it (points, with this gap).
    pub beside_point: Option<f32>,
}

/// A placed label: its box on screen (top-left is where text starts).
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedLabel {
    pub text: String,
    pub rect: Rect,
    pub size: f32,
    pub bold: bool,
    pub color: Color32,
}

/// Places as many candidates as fit without overlap, highest priority first.
/// `occupied` holds boxes labels must avoid (for example point symbols).
pub fn place_labels(
    mut candidates: Vec<LabelCandidate>,
    viewport: Rect,
    occupied: &[Rect],
) -> Vec<PlacedLabel> {
    candidates.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    let mut placed: Vec<PlacedLabel> = Vec::new();
    for c in candidates {
        let size = vec2(c.width, c.height);
        let options: Vec<Rect> = match c.beside_point {
            // An area's label may move up or down a line to clear a symbol.
            None => [0.0, -1.0, 1.0]
                .into_iter()
                .map(|k| Rect::from_center_size(c.anchor + vec2(0.0, k * size.y), size))
                .collect(),
            Some(gap) => vec![
                Rect::from_min_size(pos2(c.anchor.x + gap, c.anchor.y - size.y / 2.0), size),
                Rect::from_min_size(
                    pos2(c.anchor.x - gap - size.x, c.anchor.y - size.y / 2.0),
                    size,
                ),
                Rect::from_min_size(
                    pos2(c.anchor.x - size.x / 2.0, c.anchor.y - gap - size.y),
                    size,
                ),
                Rect::from_min_size(pos2(c.anchor.x - size.x / 2.0, c.anchor.y + gap), size),
            ],
        };
        let spacing = Vec2::splat(2.0);
        let free = options.into_iter().find(|r| {
            viewport.contains_rect(*r)
                && !placed
                    .iter()
                    .any(|p| p.rect.expand2(spacing).intersects(*r))
                && !occupied.iter().any(|o| o.intersects(*r))
        });
        if let Some(rect) = free {
            placed.push(PlacedLabel {
                text: c.text,
                rect,
                size: c.size,
                bold: c.bold,
                color: c.color,
            });
        }
    }
    placed
}
