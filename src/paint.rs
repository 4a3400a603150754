//! Painting a scene with egui, in the window.

use crate::fonts::BOLD_FAMILY;
use crate::scene::{
    AreaItem, CARD_LINE_STEP, CARD_TEXT_SIZE, CARD_TITLE_SIZE, Scene, SymbolItem, symbol_outline,
};
use egui::epaint::{Mesh, PathShape, PathStroke, Vertex, WHITE_UV};
use egui::{Align2, Color32, FontFamily, FontId, Painter, Shape, Stroke, pos2, vec2};

pub fn paint_scene(painter: &Painter, scene: &Scene<'_>) {
    painter.rect_filled(scene.viewport, 0.0, scene.background);
    for area in &scene.areas {
        paint_area(painter, area);
    }
    for line in &scene.lines {
        painter.add(Shape::line(line.points.clone(), line.stroke));
    }
    for symbol in &scene.symbols {
        paint_symbol(painter, symbol);
    }
    for area in &scene.highlights {
        paint_area(painter, area);
    }
    for symbol in &scene.highlight_symbols {
        paint_symbol(painter, symbol);
    }
    for badge in &scene.badges {
        if badge.has_disc() {
            painter.circle_filled(badge.center, 7.0, Color32::from_rgb(40, 40, 40));
        }
        painter.text(
            badge.center,
            Align2::CENTER_CENTER,
            badge.text(),
            FontId::proportional(10.0),
            badge.text_colour(),
        );
    }
    for item in &scene.labels {
        let family = if item.label.bold {
            FontFamily::Name(BOLD_FAMILY.into())
        } else {
            FontFamily::Proportional
        };
        let font = FontId::new(item.label.size, family);
        let at = item.label.rect.left_top();
        for d in [
            vec2(-1.0, 0.0),
            vec2(1.0, 0.0),
            vec2(0.0, -1.0),
            vec2(0.0, 1.0),
            vec2(-1.0, -1.0),
            vec2(1.0, 1.0),
            vec2(-1.0, 1.0),
            vec2(1.0, -1.0),
        ] {
            painter.text(
                at + d,
                Align2::LEFT_TOP,
                &item.label.text,
                font.clone(),
                item.halo,
            );
        }
        painter.text(
            at,
            Align2::LEFT_TOP,
            &item.label.text,
            font,
            item.label.color,
        );
    }
    paint_scale_bar(painter, scene);
    if let Some(card) = &scene.card {
        painter.rect_filled(
            card.rect,
            6.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 235),
        );
        painter.rect_stroke(
            card.rect,
            6.0,
            Stroke::new(1.0, Color32::from_gray(160)),
            egui::StrokeKind::Inside,
        );
        painter.text(
            card.rect.left_top() + vec2(16.0, 10.0),
            Align2::LEFT_TOP,
            &card.title,
            FontId::new(CARD_TITLE_SIZE, FontFamily::Name(BOLD_FAMILY.into())),
            Color32::from_rgb(15, 15, 15),
        );
        for (i, line) in card.lines.iter().enumerate() {
            painter.text(
                card.rect.left_top() + vec2(16.0, 54.0 + CARD_LINE_STEP * i as f32),
                Align2::LEFT_TOP,
                line,
                FontId::proportional(CARD_TEXT_SIZE),
                Color32::from_rgb(30, 30, 30),
            );
        }
    }
    for (i, note) in scene.notes.iter().enumerate() {
        let at = scene.viewport.left_top() + vec2(10.0, 10.0 + 22.0 * i as f32);
        let galley = painter.layout_no_wrap(
            note.clone(),
            FontId::proportional(13.0),
            Color32::from_rgb(20, 20, 20),
        );
        let rect = egui::Rect::from_min_size(at, galley.size()).expand(4.0);
        painter.rect_filled(
            rect,
            3.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 225),
        );
        painter.galley(at, galley, Color32::BLACK);
    }
}

fn paint_area(painter: &Painter, area: &AreaItem<'_>) {
    if area.fill.a() > 0 && !area.indices.is_empty() {
        let mesh = Mesh {
            vertices: area
                .vertices
                .iter()
                .map(|&pos| Vertex {
                    pos,
                    uv: WHITE_UV,
                    color: area.fill,
                })
                .collect(),
            indices: area.indices.to_vec(),
            ..Mesh::default()
        };
        painter.add(Shape::mesh(mesh));
    }
    if area.stroke.width > 0.0 && area.stroke.color.a() > 0 {
        for ring in area.rings {
            painter.add(PathShape::closed_line(
                area.vertices[ring.clone()].to_vec(),
                PathStroke::new(area.stroke.width, area.stroke.color),
            ));
        }
    }
}

fn paint_symbol(painter: &Painter, symbol: &SymbolItem) {
    let outline = symbol_outline(symbol.symbol, symbol.center, symbol.size);
    if symbol.fill.a() > 0 {
        let mut mesh = Mesh::default();
        mesh.colored_vertex(symbol.center, symbol.fill);
        for p in &outline {
            mesh.colored_vertex(*p, symbol.fill);
        }
        let n = outline.len() as u32;
        for i in 0..n {
            mesh.add_triangle(0, 1 + i, 1 + (i + 1) % n);
        }
        painter.add(Shape::mesh(mesh));
    }
    painter.add(PathShape::closed_line(
        outline,
        PathStroke::new(symbol.stroke.width, symbol.stroke.color),
    ));
}

fn paint_scale_bar(painter: &Painter, scene: &Scene<'_>) {
    let bar = &scene.scale_bar;
    let o = bar.origin;
    let end = pos2(o.x + bar.length_points, o.y);
    let dark = Stroke::new(2.0, Color32::from_rgb(30, 30, 30));
    painter.line_segment([o, end], Stroke::new(5.0, Color32::WHITE));
    painter.line_segment([o, end], dark);
    painter.line_segment([o, o - vec2(0.0, 6.0)], dark);
    painter.line_segment([end, end - vec2(0.0, 6.0)], dark);
    painter.text(
        o - vec2(0.0, 9.0),
        Align2::LEFT_BOTTOM,
        &bar.text,
        FontId::proportional(12.0),
        Color32::from_rgb(30, 30, 30),
    );
}
