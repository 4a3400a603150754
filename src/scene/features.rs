//! What one feature adds to a scene: its area (fill and outline at the view's level of
//! detail), its line, its symbol, its highlight, and its label candidate.

use super::{AreaItem, ChoroplethLegend, LineItem, Scene, SymbolItem};
use crate::model::feature::Language;
use crate::model::layer::lod::{self, Detail};
use crate::model::layer::{Layer, LayerRole};
use crate::model::projection::World;
use crate::model::store::FeatureView;
use crate::model::store::geometry::project_for_drawing;
use crate::model::style::{NO_DATA, Symbol};
use crate::model::view::{MapView, PICK_TOLERANCE_POINTS};
use crate::scene::fonts::Faces;
use crate::scene::labels::LabelCandidate;
use egui::{Color32, Pos2, Rect, Stroke};

/// The colour a feature is filled with: its district's class on a choropleth, its category's
/// colour, its kind's symbol colour, or the layer's fill; at the layer's opacity.
pub(super) fn feature_fill(
    layer: &Layer,
    f: FeatureView<'_>,
    legend: Option<&ChoroplethLegend>,
) -> Color32 {
    let base = match (layer.role, legend) {
        (LayerRole::Districts, Some(legend)) => {
            match f.number(&format!("demined_ha_{}", legend.year)) {
                Some(v) => legend
                    .classes
                    .iter()
                    .find(|(_, lo, hi)| v >= *lo && v <= *hi)
                    .map_or(NO_DATA, |(c, _, _)| *c),
                None => NO_DATA,
            }
        }
        _ => match &layer.style.categories {
            Some(categories) => categories.colour(f),
            None if f.is_point() => layer.style.symbol_for(f.kind()).1,
            None => layer.style.fill,
        },
    };
    base.gamma_multiply(layer.opacity)
}

impl<'a> Scene<'a> {
    /// World positions in this scene's screen points.
    fn on_screen(&self, world: &[World]) -> Vec<Pos2> {
        world
            .iter()
            .map(|w| self.view.screen_from_world(self.viewport, *w))
            .collect()
    }

    /// Adds a feature as the layer draws it: an area, its points' symbols, or its lines.
    pub(super) fn add_feature(&mut self, layer: &'a Layer, f: FeatureView<'a>, fill: Color32) {
        let (view, viewport) = (self.view, self.viewport);
        if f.is_areal() {
            add_area(self, layer, f, fill, area_stroke(layer));
            return;
        }
        if f.is_point() {
            let (symbol, _) = layer.style.symbol_for(f.kind());
            let size = symbol_size(layer, f);
            for p in f.geometry().world_points() {
                self.symbols.push(SymbolItem {
                    center: view.screen_from_world(viewport, p),
                    symbol,
                    size,
                    fill,
                    stroke: Stroke::new(
                        1.0,
                        Color32::from_rgb(30, 30, 30).gamma_multiply(layer.opacity),
                    ),
                });
            }
            return;
        }
        let stroke = line_stroke(layer, Some(f));
        let detail = lod::detail_for(&layer.store, view.metres_per_point);
        let before = self.lines.len();
        match lod::mesh(f, detail) {
            Some(level) => {
                for part in &level.rings {
                    self.lines.push(LineItem {
                        points: level.vertices[part.clone()]
                            .iter()
                            .map(|w| view.screen_from_world(viewport, *w))
                            .collect(),
                        stroke,
                    });
                }
            }
            None => add_lines(self, f, stroke),
        }
        // A line whose course is not published (a railway drawn between its stations' towns)
        // is dashed, so that it does not read as a surveyed track.
        if f.str("position") == Some("approximate") {
            let drawn: Vec<LineItem> = self.lines.drain(before..).collect();
            for line in drawn {
                for points in dashes(&line.points, DASH_ON, DASH_OFF) {
                    self.lines.push(LineItem {
                        points,
                        stroke: line.stroke,
                    });
                }
            }
        }
    }

    /// Outlines `f` in `colour` over everything: an area's rings, a point's circle, a line.
    pub(super) fn add_highlight(&mut self, layer: &'a Layer, f: FeatureView<'a>, colour: Color32) {
        let (view, viewport) = (self.view, self.viewport);
        if f.is_areal() {
            if let Some(mesh) = lod::mesh(f, Detail::Full) {
                self.highlights.push(AreaItem {
                    vertices: self.on_screen(&mesh.vertices),
                    indices: &[],
                    rings: &mesh.rings,
                    fill: Color32::TRANSPARENT,
                    stroke: Stroke::new(3.0, colour),
                });
            }
        } else if f.is_point() {
            let size = symbol_size(layer, f) + 8.0;
            for p in f.geometry().world_points() {
                self.highlight_symbols.push(SymbolItem {
                    center: view.screen_from_world(viewport, p),
                    symbol: Symbol::Circle,
                    size,
                    fill: Color32::TRANSPARENT,
                    stroke: Stroke::new(3.0, colour),
                });
            }
        } else {
            add_lines(self, f, Stroke::new(4.0, colour));
        }
    }
}

/// Dash and gap lengths of an approximate line, in points.
pub const DASH_ON: f32 = 9.0;
pub const DASH_OFF: f32 = 6.0;

/// A polyline cut into dashes `on` points long with gaps of `off` between them.
pub fn dashes(points: &[Pos2], on: f32, off: f32) -> Vec<Vec<Pos2>> {
    let mut out = Vec::new();
    let mut current: Vec<Pos2> = Vec::new();
    // Distance left in the current dash (drawing) or gap (not drawing).
    let (mut drawing, mut left) = (true, on);
    for pair in points.windows(2) {
        let (mut a, b) = (pair[0], pair[1]);
        if drawing && current.is_empty() {
            current.push(a);
        }
        let mut length = a.distance(b);
        while length > left {
            let split = a + (b - a) * (left / length);
            if drawing {
                current.push(split);
                out.push(std::mem::take(&mut current));
            } else {
                current.push(split);
            }
            length -= left;
            a = split;
            drawing = !drawing;
            left = if drawing { on } else { off };
        }
        left -= length;
        if drawing {
            current.push(b);
        } else {
            current.clear();
        }
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

/// Adds an area's fill and outline at this zoom's level of detail, and its symbol when it is
/// too small to see. Returns whether the area itself was added (at a far zoom it may be
/// smaller than a grid cell, and then only its symbol shows it).
pub(super) fn add_area<'a>(
    scene: &mut Scene<'a>,
    layer: &'a Layer,
    f: FeatureView<'a>,
    fill: Color32,
    stroke: Stroke,
) -> bool {
    let (view, viewport) = (scene.view, scene.viewport);
    if is_tiny(f, &view) {
        // Too small to see: mark it with the layer's symbol as well.
        scene.symbols.push(SymbolItem {
            center: view.screen_from_world(viewport, f.anchor()),
            symbol: layer.style.symbol,
            size: layer.style.symbol_size + 2.0,
            fill: layer.style.stroke.gamma_multiply(layer.opacity),
            stroke: Stroke::new(1.0, Color32::WHITE.gamma_multiply(layer.opacity)),
        });
    }
    let detail = lod::detail_for(&layer.store, view.metres_per_point);
    let Some(mesh) = lod::mesh(f, detail).filter(|m| !m.vertices.is_empty()) else {
        return false;
    };
    scene.areas.push(AreaItem {
        vertices: scene.on_screen(&mesh.vertices),
        indices: &mesh.indices,
        rings: &mesh.rings,
        fill,
        stroke,
    });
    true
}

/// Adds each line of a feature's full geometry as a line of `stroke`.
fn add_lines(scene: &mut Scene, f: FeatureView<'_>, stroke: Stroke) {
    let (view, viewport) = (scene.view, scene.viewport);
    for line in f.geometry().lines() {
        scene.lines.push(LineItem {
            points: project_for_drawing(line)
                .map(|w| view.screen_from_world(viewport, w))
                .collect(),
            stroke,
        });
    }
}

/// How an area is outlined: the layer's stroke at the layer's opacity.
pub(super) fn area_stroke(layer: &Layer) -> Stroke {
    Stroke::new(
        layer.style.stroke_width,
        layer.style.stroke.gamma_multiply(layer.opacity),
    )
}

/// How a line feature is stroked: its category's colour or the layer's, at the layer's
/// opacity, at least 1.5 points wide (the layer's colour when no feature is given).
pub(super) fn line_stroke(layer: &Layer, f: Option<FeatureView<'_>>) -> Stroke {
    let colour = match (&layer.style.categories, f) {
        (Some(categories), Some(f)) => categories.colour(f),
        _ => layer.style.stroke,
    };
    Stroke::new(
        layer.style.stroke_width.max(1.5),
        colour.gamma_multiply(layer.opacity),
    )
}

/// Whether an area is too small to see: under two pick tolerances across on screen. Such an
/// area is also drawn and labelled as a symbol, and picked like one.
pub fn is_tiny(f: FeatureView<'_>, view: &MapView) -> bool {
    let b = f.bounds();
    b.width().max(b.height()) < tiny_below(view)
}

/// The size in world metres under which an area is too small to see at `view`.
pub fn tiny_below(view: &MapView) -> f64 {
    2.0 * PICK_TOLERANCE_POINTS * view.metres_per_point
}

/// Settlements grow with population; the rest use the layer's size.
pub(super) fn symbol_size(layer: &Layer, f: FeatureView<'_>) -> f32 {
    match f.number("population") {
        Some(p) if layer.traits.places => {
            (5.0 + (p.max(1.0).log10() as f32 - 2.5) * 2.5).clamp(5.0, 13.0)
        }
        _ => layer.style.symbol_size,
    }
}

/// Where `f`'s name would go, how large and how important, if it has one and its anchor is
/// on screen.
pub(super) fn label_candidate(
    layer: &Layer,
    f: FeatureView<'_>,
    view: &MapView,
    viewport: Rect,
    language: Language,
    faces: &Faces,
) -> Option<LabelCandidate> {
    let text = f.name(language)?.to_owned();
    let is_line = !f.is_areal() && !f.is_point();
    let (anchor, angle) = if is_line {
        // A river or railway is named along its course on screen, on a stretch straight and
        // long enough for the name, nearest the middle of what is shown; where none is, the
        // line goes unnamed at this zoom.
        let size = layer.traits.label_size;
        let width = faces.text_width(&text, size, false);
        line_label_place(f, view, viewport, width, faces.row_height(size))?
    } else {
        (view.screen_from_world(viewport, f.anchor()), 0.0)
    };
    if !viewport.contains(anchor) {
        return None;
    }
    let (size, bold, priority, beside) = if f.is_areal() && !is_tiny(f, view) {
        // Bigger areas first; an area too small on screen gets no label.
        let b = f.bounds();
        let screen_area = b.width() * b.height() / (view.metres_per_point * view.metres_per_point);
        if screen_area < 900.0 {
            return None;
        }
        let area = f.area_ha().unwrap_or(0.0);
        match layer.role {
            LayerRole::Districts => (14.0, true, 1e12 + area, None),
            // Grey context names come last and only where there is room.
            LayerRole::Context => (11.0, false, area / 1e6, None),
            _ => (12.0, false, 1e9 + area, None),
        }
    } else if is_line {
        // Centred on its stretch of the line (see `line_label_place`).
        (
            layer.traits.label_size,
            false,
            layer.traits.label_weight,
            None,
        )
    } else {
        let importance = f.number("population").unwrap_or(0.0) + layer.traits.label_weight;
        let size = layer.traits.label_size;
        (
            size,
            false,
            importance,
            Some(symbol_size(layer, f) / 2.0 + 3.0),
        )
    };
    let color = match layer.role {
        _ if is_line => layer.style.stroke,
        LayerRole::Districts => Color32::from_rgb(90, 45, 10),
        LayerRole::Context => Color32::from_rgb(125, 125, 120),
        _ => Color32::from_rgb(25, 25, 25),
    };
    Some(LabelCandidate {
        color,
        width: faces.text_width(&text, size, bold),
        height: faces.row_height(size),
        text,
        anchor,
        size,
        bold,
        priority,
        beside_point: beside,
        angle,
    })
}

/// Where a line's name goes along it: the centre of the text box and its angle (radians
/// clockwise, turned so the text reads left to right). The stretch lies within the longest run
/// of the line's consecutive vertices on screen, inset from the edges: a chord at least the
/// text's width, from which no vertex strays more than a third of the text's height, the one
/// nearest the middle of the run. The text sits just above the line.
fn line_label_place(
    f: FeatureView<'_>,
    view: &MapView,
    viewport: Rect,
    width: f32,
    height: f32,
) -> Option<(Pos2, f32)> {
    let inner = viewport.shrink(40.0);
    // Runs of consecutive vertices inside: a stretch never jumps a part off screen.
    let mut runs: Vec<Vec<Pos2>> = Vec::new();
    for line in f.geometry().lines() {
        let mut run = Vec::new();
        for p in project_for_drawing(line).map(|w| view.screen_from_world(viewport, w)) {
            if inner.contains(p) {
                run.push(p);
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        runs.push(run);
    }
    let run = runs.into_iter().max_by_key(Vec::len)?;
    let middle = run.len() as f32 / 2.0;
    let mut best: Option<(f32, Pos2, f32)> = None;
    for start in 0..run.len() {
        // The first vertex a text's width away; a stretch that winds for half as long again
        // is not straight enough, which also bounds the walk on a crumpled line.
        let mut walked = 0.0;
        let mut end = None;
        for j in start + 1..run.len() {
            walked += run[j].distance(run[j - 1]);
            if walked > 1.5 * width + height {
                break;
            }
            if run[j].distance(run[start]) >= width {
                end = Some(j);
                break;
            }
        }
        let Some(end) = end else {
            continue;
        };
        let (a, b) = (run[start], run[end]);
        let straight = run[start + 1..end]
            .iter()
            .all(|p| distance_to_chord(*p, a, b) <= height / 3.0);
        let off_middle = ((start + end) as f32 / 2.0 - middle).abs();
        if straight && best.is_none_or(|(d, _, _)| off_middle < d) {
            let (a, b) = if b.x < a.x { (b, a) } else { (a, b) };
            let along = (b - a).normalized();
            // Above the line: the text's "up" is the chord turned a quarter anticlockwise.
            let up = egui::vec2(along.y, -along.x);
            let centre = a + (b - a) / 2.0 + up * (height / 2.0 + 1.0);
            best = Some((off_middle, centre, along.y.atan2(along.x)));
        }
    }
    best.map(|(_, centre, angle)| (centre, angle))
}

/// How far `p` lies from the segment `a`–`b`.
fn distance_to_chord(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(f32::EPSILON)).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}
