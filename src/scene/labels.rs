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
    /// Radians clockwise on screen: a river's name follows its course; 0 for the rest.
    pub angle: f32,
}

/// A placed label: its box on screen (top-left is where text starts), turned by `angle`
/// about the box's centre.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedLabel {
    pub text: String,
    pub rect: Rect,
    pub size: f32,
    pub bold: bool,
    pub color: Color32,
    /// Radians clockwise on screen, about `rect`'s centre.
    pub angle: f32,
}

impl PlacedLabel {
    /// Where the text starts once turned: `rect`'s top-left corner rotated about its centre
    /// (egui, the raster and the SVG all turn text about this point).
    pub fn text_origin(&self) -> Pos2 {
        let c = self.rect.center();
        c + rotate(self.rect.left_top() - c, self.angle)
    }

    /// The upright box that holds the turned text: what other labels must not overlap.
    pub fn bounds(&self) -> Rect {
        turned_bounds(self.rect, self.angle)
    }
}

/// `v` turned by `angle` radians clockwise on screen (y grows downwards).
pub fn rotate(v: Vec2, angle: f32) -> Vec2 {
    let (sin, cos) = angle.sin_cos();
    vec2(v.x * cos - v.y * sin, v.x * sin + v.y * cos)
}

fn turned_bounds(rect: Rect, angle: f32) -> Rect {
    if angle == 0.0 {
        return rect;
    }
    let c = rect.center();
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.left_bottom(),
        rect.right_bottom(),
    ];
    Rect::from_points(&corners.map(|p| c + rotate(p - c, angle)))
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
            let r = turned_bounds(*r, c.angle);
            viewport.contains_rect(r)
                && !placed
                    .iter()
                    .any(|p| p.bounds().expand2(spacing).intersects(r))
                && !occupied.iter().any(|o| o.intersects(r))
        });
        if let Some(rect) = free {
            placed.push(PlacedLabel {
                text: c.text,
                rect,
                size: c.size,
                bold: c.bold,
                color: c.color,
                angle: c.angle,
            });
        }
    }
    placed
}
