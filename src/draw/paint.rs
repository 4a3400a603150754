//! Painting a scene with egui, in the window.

use crate::model::style::Symbol;
use crate::scene::fonts::BOLD_FAMILY;
use crate::scene::{
    AreaItem, CARD_LINE_STEP, CARD_TEXT_SIZE, CARD_TITLE_SIZE, Scene, SymbolItem, symbol_outline,
};
use egui::epaint::{Mesh, PathShape, PathStroke, TextShape, Vertex, WHITE_UV};
use egui::{Align2, Color32, FontFamily, FontId, Painter, Pos2, Shape, Stroke, Vec2, pos2, vec2};
use std::sync::OnceLock;

pub fn paint_scene(painter: &Painter, scene: &Scene<'_>) {
    painter.rect_filled(scene.viewport, 0.0, scene.background);
    paint_areas(painter, &scene.areas);
    for &(texture, rect) in &scene.line_images {
        let uv = egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        painter.image(texture, rect, uv, Color32::WHITE);
    }
    for line in &scene.lines {
        painter.add(Shape::line(line.points.clone(), line.stroke));
    }
    paint_symbols(painter, &scene.symbols);
    paint_areas(painter, &scene.highlights);
    paint_symbols(painter, &scene.highlight_symbols);
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
        let at = item.label.text_origin();
        let angle = item.label.angle;
        let text = |pos: Pos2, colour: Color32| {
            let galley = painter.layout_no_wrap(item.label.text.clone(), font.clone(), colour);
            painter.add(TextShape::new(pos, galley, colour).with_angle(angle));
        };
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
            text(at + d, item.halo);
        }
        text(at, item.label.color);
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

/// Paints `areas`: their fills as one mesh, then their outlines, as the PNG does. One mesh
/// instead of one per area saves thousands of allocations a frame (Natural Earth's full view
/// fills 4,600 areas).
fn paint_areas(painter: &Painter, areas: &[AreaItem<'_>]) {
    let filled = || {
        areas
            .iter()
            .filter(|a| a.fill.a() > 0 && !a.indices.is_empty())
    };
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(filled().map(|a| a.vertices.len()).sum());
    mesh.reserve_triangles(filled().map(|a| a.indices.len() / 3).sum());
    for area in filled() {
        let first = mesh.vertices.len() as u32;
        mesh.vertices
            .extend(area.vertices.iter().map(|&pos| Vertex {
                pos,
                uv: WHITE_UV,
                color: area.fill,
            }));
        mesh.indices.extend(area.indices.iter().map(|&i| first + i));
    }
    if !mesh.is_empty() {
        painter.add(Shape::mesh(mesh));
    }
    for area in areas {
        if area.stroke.width > 0.0 && area.stroke.color.a() > 0 {
            for ring in area.rings {
                painter.add(PathShape::closed_line(
                    area.vertices[ring.clone()].to_vec(),
                    PathStroke::new(area.stroke.width, area.stroke.color),
                ));
            }
        }
    }
}

/// Paints `symbols` in order as one mesh: each a filled outline with an anti-aliased stroke,
/// as egui's tessellator would draw it (the stroke faded over one physical pixel each side),
/// without a shape, an allocation or a path tessellation per symbol. Clusters put thousands of
/// symbols on screen at once.
fn paint_symbols(painter: &Painter, symbols: &[SymbolItem]) {
    if !symbols.is_empty() {
        painter.add(Shape::mesh(symbols_mesh(
            symbols,
            painter.pixels_per_point(),
        )));
    }
}

/// The mesh [`paint_symbols`] paints: per symbol, a band along its outline (the stroke, with
/// a pixel's fade on each side) and a fan inside it for the fill, in the symbols' order.
pub fn symbols_mesh(symbols: &[SymbolItem], pixels_per_point: f32) -> Mesh {
    let feather = 1.0 / pixels_per_point;
    let mut mesh = Mesh::default();
    let (vertices, triangles) = symbols.iter().fold((0, 0), |(v, t), s| {
        let n = UnitSymbol::of(s.symbol).outline.len();
        (v + 1 + 4 * n, t + 7 * n)
    });
    mesh.reserve_vertices(vertices);
    mesh.reserve_triangles(triangles);
    for symbol in symbols {
        let unit = UnitSymbol::of(symbol.symbol);
        let at = (symbol.center, symbol.size / 2.0);
        let filled = symbol.fill.a() > 0;
        if symbol.stroke.width > 0.0 && symbol.stroke.color.a() > 0 {
            let Stroke { width, color } = symbol.stroke;
            let (solid, colour) = if width <= feather {
                // Thinner than a pixel: a pixel-wide line, as faint as the stroke is thin.
                (0.0, color.gamma_multiply(width / feather))
            } else {
                ((width - feather) / 2.0, color)
            };
            // Inside, the stroke fades into the fill, whose fan shares the band's inner ring.
            let inside = if filled {
                symbol.fill
            } else {
                Color32::TRANSPARENT
            };
            let ring = add_band(&mut mesh, at, unit, solid, [feather; 2], colour, inside);
            if filled {
                add_fan(&mut mesh, symbol.center, ring, symbol.fill);
            }
        } else if filled {
            let rim = (0.0, [feather / 2.0, 0.0]);
            let ring = add_band(&mut mesh, at, unit, rim.0, rim.1, symbol.fill, symbol.fill);
            add_fan(&mut mesh, symbol.center, ring, symbol.fill);
        }
    }
    mesh
}

/// A symbol's outline at size 2 around the origin, and the mitre of each corner: the offset
/// that moves a corner one unit out from both its edges. Outlines only scale with size, so
/// both are computed once per symbol.
struct UnitSymbol {
    outline: Vec<Vec2>,
    mitres: Vec<Vec2>,
}

impl UnitSymbol {
    fn of(symbol: Symbol) -> &'static UnitSymbol {
        // In the order `Symbol` declares them, so that `symbol as usize` finds each.
        static UNITS: OnceLock<[UnitSymbol; 5]> = OnceLock::new();
        let units = UNITS.get_or_init(|| {
            [
                Symbol::Circle,
                Symbol::Square,
                Symbol::Triangle,
                Symbol::Diamond,
                Symbol::Star,
            ]
            .map(UnitSymbol::new)
        });
        &units[symbol as usize]
    }

    fn new(symbol: Symbol) -> UnitSymbol {
        let outline: Vec<Vec2> = symbol_outline(symbol, Pos2::ZERO, 2.0)
            .into_iter()
            .map(|p| p.to_vec2())
            .collect();
        let n = outline.len();
        let mitres = (0..n)
            .map(|i| {
                let (prev, here, next) =
                    (outline[(i + n - 1) % n], outline[i], outline[(i + 1) % n]);
                let (n1, n2) = (
                    (here - prev).normalized().rot90(),
                    (next - here).normalized().rot90(),
                );
                let bisector = (n1 + n2).normalized();
                // Limited at sharp corners (a star's points), as egui limits its mitres.
                bisector / bisector.dot(n1).max(0.25)
            })
            .collect();
        UnitSymbol { outline, mitres }
    }
}

/// A fan from `center` to the inner ring of a band [`add_band`] just added, in one colour.
fn add_fan(mesh: &mut Mesh, center: Pos2, ring: BandRing, colour: Color32) {
    let middle = mesh.vertices.len() as u32;
    mesh.colored_vertex(center, colour);
    let inner = |i: u32| ring.first + 4 * (i % ring.corners) + 3;
    for i in 0..ring.corners {
        mesh.add_triangle(middle, inner(i), inner(i + 1));
    }
}

/// Where a band's vertices are in the mesh: four per corner from `first`, the innermost last.
#[derive(Clone, Copy)]
struct BandRing {
    first: u32,
    corners: u32,
}

/// A band along the symbol's outline, at `at` (its centre and scale), mitred at the corners:
/// `colour` from `solid` inside the line to `solid` outside it, fading to transparent over
/// `fade[0]` more outside and to `inside` over `fade[1]` more inside.
fn add_band(
    mesh: &mut Mesh,
    (center, scale): (Pos2, f32),
    unit: &UnitSymbol,
    solid: f32,
    fade: [f32; 2],
    colour: Color32,
    inside: Color32,
) -> BandRing {
    let first = mesh.vertices.len() as u32;
    for (u, mitre) in unit.outline.iter().zip(&unit.mitres) {
        let on_line = center + *u * scale;
        for (offset, c) in [
            (solid + fade[0], Color32::TRANSPARENT),
            (solid, colour),
            (-solid, colour),
            (-solid - fade[1], inside),
        ] {
            mesh.colored_vertex(on_line + *mitre * offset, c);
        }
    }
    let corners = unit.outline.len() as u32;
    for i in 0..corners {
        let a = first + 4 * i;
        let b = first + 4 * ((i + 1) % corners);
        for k in 0..3 {
            mesh.add_triangle(a + k, b + k, a + k + 1);
            mesh.add_triangle(a + k + 1, b + k, b + k + 1);
        }
    }
    BandRing { first, corners }
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
