//! Painting a scene on the CPU into a PNG, for the headless `render` command.

use crate::scene::fonts::Faces;
use crate::scene::{
    AreaItem, CARD_LINE_STEP, CARD_TEXT_SIZE, CARD_TITLE_SIZE, Mark, Scene, SymbolItem,
    symbol_outline,
};
use ab_glyph::{Font, OutlineCurve, ScaleFont};
use egui::{Color32, Pos2};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("an image of {0}×{1} pixels cannot be made")]
    Size(u32, u32),
    #[error("cannot encode the PNG: {0}")]
    Encode(String),
}

/// Paints `scene` into a new pixmap of the viewport's size.
pub fn rasterize(scene: &Scene<'_>, faces: &Faces) -> Result<Pixmap, RasterError> {
    let w = scene.viewport.width().round() as u32;
    let h = scene.viewport.height().round() as u32;
    let mut pixmap = Pixmap::new(w, h).ok_or(RasterError::Size(w, h))?;
    pixmap.fill(skia_colour(scene.background));
    let origin = scene.viewport.min.to_vec2();
    let at = |p: Pos2| p - origin;
    for area in &scene.areas {
        area_fill(&mut pixmap, area, at);
    }
    for area in &scene.areas {
        area_outline(&mut pixmap, area, at);
    }
    for dense in &scene.dense {
        let offset = dense.viewport.min - scene.viewport.min;
        let (width, height) = (pixmap.width() as usize, pixmap.height() as usize);
        dense.draw_onto(
            pixmap.data_mut(),
            width,
            height,
            [offset.x.round() as i64, offset.y.round() as i64],
            crate::scene::dense::all_cores(),
        );
    }
    for line in &scene.lines {
        let points: Vec<Pos2> = line.points.iter().map(|p| at(*p)).collect();
        if let Some(path) = polyline(&points, false) {
            stroke(&mut pixmap, &path, line.stroke.color, line.stroke.width);
        }
    }
    for symbol in &scene.symbols {
        paint_symbol(&mut pixmap, symbol, at);
    }
    for area in &scene.highlights {
        area_outline(&mut pixmap, area, at);
    }
    for symbol in &scene.highlight_symbols {
        paint_symbol(&mut pixmap, symbol, at);
    }
    for badge in &scene.badges {
        let c = at(badge.center);
        let circle = symbol_outline(crate::model::style::Symbol::Circle, c, 14.0);
        if badge.has_disc()
            && let Some(path) = polyline(&circle, true)
        {
            fill(
                &mut pixmap,
                &path,
                Color32::from_rgb(40, 40, 40),
                FillRule::Winding,
            );
        }
        let text = badge.text();
        let width = faces.text_width(&text, 10.0, false);
        let top_left = Pos2::new(c.x - width / 2.0, c.y - faces.row_height(10.0) / 2.0);
        if let Some(path) = text_path(faces, &text, 10.0, false, top_left) {
            fill(&mut pixmap, &path, badge.text_colour(), FillRule::Winding);
        }
    }
    for item in &scene.labels {
        let top_left = at(item.label.rect.left_top());
        let centre = at(item.label.rect.center());
        let turn = Transform::from_rotate_at(item.label.angle.to_degrees(), centre.x, centre.y);
        if let Some(path) = text_path(
            faces,
            &item.label.text,
            item.label.size,
            item.label.bold,
            top_left,
        )
        .and_then(|path| path.transform(turn))
        {
            stroke(&mut pixmap, &path, item.halo, 2.5);
            fill(&mut pixmap, &path, item.label.color, FillRule::Winding);
        }
    }
    if scene.show_scale_bar {
        paint_scale_bar(&mut pixmap, scene, faces, at);
    }
    paint_card(&mut pixmap, scene, faces, origin);
    paint_notes(&mut pixmap, scene, faces);
    for mark in &scene.overlay {
        paint_mark(&mut pixmap, mark, faces, at);
    }
    Ok(pixmap)
}

fn paint_scale_bar(
    pixmap: &mut Pixmap,
    scene: &Scene<'_>,
    faces: &Faces,
    at: impl Fn(Pos2) -> Pos2,
) {
    let bar = &scene.scale_bar;
    let o = at(bar.origin);
    let end = Pos2::new(o.x + bar.length_points, o.y);
    let dark = Color32::from_rgb(30, 30, 30);
    if let Some(p) = polyline(&[o, end], false) {
        stroke(pixmap, &p, Color32::WHITE, 5.0);
        stroke(pixmap, &p, dark, 2.0);
    }
    for x in [o.x, end.x] {
        if let Some(p) = polyline(&[Pos2::new(x, o.y), Pos2::new(x, o.y - 6.0)], false) {
            stroke(pixmap, &p, dark, 2.0);
        }
    }
    let text_top = Pos2::new(o.x, o.y - 9.0 - faces.row_height(12.0));
    if let Some(path) = text_path(faces, &bar.text, 12.0, false, text_top) {
        fill(pixmap, &path, dark, FillRule::Winding);
    }
}

fn paint_card(pixmap: &mut Pixmap, scene: &Scene<'_>, faces: &Faces, origin: egui::Vec2) {
    if let Some(card) = &scene.card {
        let r = card.rect.translate(-origin);
        let corners = [
            r.left_top(),
            r.right_top(),
            r.right_bottom(),
            r.left_bottom(),
        ];
        if let Some(path) = polyline(&corners, true) {
            fill(
                pixmap,
                &path,
                Color32::from_rgba_unmultiplied(255, 255, 255, 235),
                FillRule::Winding,
            );
            stroke(pixmap, &path, Color32::from_gray(160), 1.0);
        }
        let title_at = r.left_top() + egui::vec2(16.0, 10.0);
        if let Some(path) = text_path(faces, &card.title, CARD_TITLE_SIZE, true, title_at) {
            fill(
                pixmap,
                &path,
                Color32::from_rgb(15, 15, 15),
                FillRule::Winding,
            );
        }
        for (i, line) in card.lines.iter().enumerate() {
            let at = r.left_top() + egui::vec2(16.0, 54.0 + CARD_LINE_STEP * i as f32);
            if let Some(path) = text_path(faces, line, CARD_TEXT_SIZE, false, at) {
                fill(
                    pixmap,
                    &path,
                    Color32::from_rgb(30, 30, 30),
                    FillRule::Winding,
                );
            }
        }
    }
}

fn paint_notes(pixmap: &mut Pixmap, scene: &Scene<'_>, faces: &Faces) {
    for (i, note) in scene.notes.iter().enumerate() {
        let top_left = Pos2::new(10.0, 10.0 + 22.0 * i as f32);
        let width = faces.text_width(note, 13.0, false);
        let height = faces.row_height(13.0);
        let box_points = [
            Pos2::new(top_left.x - 4.0, top_left.y - 4.0),
            Pos2::new(top_left.x + width + 4.0, top_left.y - 4.0),
            Pos2::new(top_left.x + width + 4.0, top_left.y + height + 4.0),
            Pos2::new(top_left.x - 4.0, top_left.y + height + 4.0),
        ];
        if let Some(path) = polyline(&box_points, true) {
            fill(
                pixmap,
                &path,
                Color32::from_rgba_unmultiplied(255, 255, 255, 225),
                FillRule::Winding,
            );
        }
        if let Some(path) = text_path(faces, note, 13.0, false, top_left) {
            fill(
                pixmap,
                &path,
                Color32::from_rgb(20, 20, 20),
                FillRule::Winding,
            );
        }
    }
}

fn paint_mark(pixmap: &mut Pixmap, mark: &Mark, faces: &Faces, at: impl Fn(Pos2) -> Pos2) {
    let shape = |points: &[Pos2]| {
        let points: Vec<Pos2> = points.iter().map(|p| at(*p)).collect();
        polyline(&points, true)
    };
    match mark {
        Mark::Box {
            rect,
            fill: colour,
            stroke: line,
        } => {
            let corners = [
                rect.left_top(),
                rect.right_top(),
                rect.right_bottom(),
                rect.left_bottom(),
            ];
            if let Some(path) = shape(&corners) {
                fill(pixmap, &path, *colour, FillRule::Winding);
                if line.width > 0.0 {
                    stroke(pixmap, &path, line.color, line.width);
                }
            }
        }
        Mark::Polygon {
            points,
            fill: colour,
            stroke: line,
        } => {
            if let Some(path) = shape(points) {
                fill(pixmap, &path, *colour, FillRule::Winding);
                if line.width > 0.0 {
                    stroke(pixmap, &path, line.color, line.width);
                }
            }
        }
        Mark::Text {
            top_left,
            text,
            size,
            bold,
            color,
        } => {
            if let Some(path) = text_path(faces, text, *size, *bold, at(*top_left)) {
                fill(pixmap, &path, *color, FillRule::Winding);
            }
        }
    }
}

/// An image of premultiplied colours as a pixmap.
fn pixmap_of(image: &egui::ColorImage) -> Option<Pixmap> {
    let [w, h] = image.size;
    let size = tiny_skia::IntSize::from_wh(w as u32, h as u32)?;
    let data = image
        .pixels
        .iter()
        .flat_map(|c| c.to_array())
        .collect::<Vec<u8>>();
    Pixmap::from_vec(data, size)
}

/// An image of premultiplied colours as PNG bytes (for images a vector export embeds).
pub fn image_png(image: &egui::ColorImage) -> Option<Vec<u8>> {
    encode_png(&pixmap_of(image)?).ok()
}

/// Paints `scene` and encodes it as PNG bytes.
pub fn render_png(scene: &Scene<'_>, faces: &Faces) -> Result<Vec<u8>, RasterError> {
    encode_png(&rasterize(scene, faces)?)
}

/// The pixmap as PNG bytes, with the encoder's defaults (those of `Pixmap::encode_png`, so the
/// same bytes), its colours demultiplied a row at a time: `Pixmap::encode_png` copies the
/// whole pixmap first, 8 MB more at the peak of a 1920×1080 render.
pub fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>, RasterError> {
    let fail = |e: png::EncodingError| RasterError::Encode(e.to_string());
    let width = pixmap.width() as usize;
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    let mut stream = writer.stream_writer().map_err(fail)?;
    let mut row = Vec::with_capacity(width * 4);
    for pixels in pixmap.pixels().chunks(width.max(1)) {
        row.clear();
        for p in pixels {
            let c = p.demultiply();
            row.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
        }
        std::io::Write::write_all(&mut stream, &row)
            .map_err(|e| RasterError::Encode(e.to_string()))?;
    }
    stream.finish().map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(data)
}

fn area_fill(pixmap: &mut Pixmap, area: &AreaItem<'_>, at: impl Fn(Pos2) -> Pos2) {
    if area.fill.a() == 0 {
        return;
    }
    let mut pb = PathBuilder::new();
    for ring in area.rings {
        let pts = &area.vertices[ring.clone()];
        if let Some((first, rest)) = pts.split_first() {
            let f = at(*first);
            pb.move_to(f.x, f.y);
            for p in rest {
                let p = at(*p);
                pb.line_to(p.x, p.y);
            }
            pb.close();
        }
    }
    if let Some(path) = pb.finish() {
        fill(pixmap, &path, area.fill, FillRule::EvenOdd);
    }
}

fn area_outline(pixmap: &mut Pixmap, area: &AreaItem<'_>, at: impl Fn(Pos2) -> Pos2) {
    if area.stroke.width <= 0.0 || area.stroke.color.a() == 0 {
        return;
    }
    for ring in area.rings {
        let pts: Vec<Pos2> = area.vertices[ring.clone()].iter().map(|p| at(*p)).collect();
        if let Some(path) = polyline(&pts, true) {
            stroke(pixmap, &path, area.stroke.color, area.stroke.width);
        }
    }
}

fn paint_symbol(pixmap: &mut Pixmap, symbol: &SymbolItem, at: impl Fn(Pos2) -> Pos2) {
    let outline = symbol_outline(symbol.symbol, at(symbol.center), symbol.size);
    if let Some(path) = polyline(&outline, true) {
        if symbol.fill.a() > 0 {
            fill(pixmap, &path, symbol.fill, FillRule::Winding);
        }
        stroke(pixmap, &path, symbol.stroke.color, symbol.stroke.width);
    }
}

fn polyline(points: &[Pos2], closed: bool) -> Option<tiny_skia::Path> {
    let (first, rest) = points.split_first()?;
    let mut pb = PathBuilder::new();
    pb.move_to(first.x, first.y);
    for p in rest {
        pb.line_to(p.x, p.y);
    }
    if closed {
        pb.close();
    }
    pb.finish()
}

/// The outline of `text` as a path, its box's top-left at `top_left`.
fn text_path(
    faces: &Faces,
    text: &str,
    size: f32,
    bold: bool,
    top_left: Pos2,
) -> Option<tiny_skia::Path> {
    let font = faces.face(bold);
    let scaled = font.as_scaled(faces.scale(size, bold));
    let (sx, sy) = (scaled.h_scale_factor(), scaled.v_scale_factor());
    // egui puts the first baseline one ascent below the top of the row.
    let baseline = top_left.y + scaled.ascent();
    let mut pen = top_left.x;
    let mut previous = None;
    let mut pb = PathBuilder::new();
    for c in text.chars() {
        let glyph = font.glyph_id(c);
        if let Some(p) = previous {
            pen += scaled.kern(p, glyph);
        }
        if let Some(outline) = font.outline(glyph) {
            let map = |p: ab_glyph::Point| (pen + p.x * sx, baseline - p.y * sy);
            let mut last: Option<ab_glyph::Point> = None;
            for curve in &outline.curves {
                let (start, end) = match curve {
                    OutlineCurve::Line(a, b) => (*a, *b),
                    OutlineCurve::Quad(a, _, b) => (*a, *b),
                    OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
                };
                if last != Some(start) {
                    if last.is_some() {
                        pb.close();
                    }
                    let (x, y) = map(start);
                    pb.move_to(x, y);
                }
                match curve {
                    OutlineCurve::Line(_, b) => {
                        let (x, y) = map(*b);
                        pb.line_to(x, y);
                    }
                    OutlineCurve::Quad(_, c1, b) => {
                        let (cx, cy) = map(*c1);
                        let (x, y) = map(*b);
                        pb.quad_to(cx, cy, x, y);
                    }
                    OutlineCurve::Cubic(_, c1, c2, b) => {
                        let (c1x, c1y) = map(*c1);
                        let (c2x, c2y) = map(*c2);
                        let (x, y) = map(*b);
                        pb.cubic_to(c1x, c1y, c2x, c2y, x, y);
                    }
                }
                last = Some(end);
            }
            if last.is_some() {
                pb.close();
            }
        }
        pen += scaled.h_advance(glyph);
        previous = Some(glyph);
    }
    pb.finish()
}

fn skia_colour(c: Color32) -> tiny_skia::Color {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    tiny_skia::Color::from_rgba8(r, g, b, a)
}

fn paint_of(c: Color32) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(skia_colour(c));
    paint.anti_alias = true;
    paint
}

fn fill(pixmap: &mut Pixmap, path: &tiny_skia::Path, c: Color32, rule: FillRule) {
    pixmap.fill_path(path, &paint_of(c), rule, Transform::identity(), None);
}

fn stroke(pixmap: &mut Pixmap, path: &tiny_skia::Path, c: Color32, width: f32) {
    let s = Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    };
    pixmap.stroke_path(path, &paint_of(c), &s, Transform::identity(), None);
}
