//! The symbol painter: every symbol, clusters' circles included, is painted as one mesh of a
//! stroke band and a fill fan. These tests hold that mesh to what the symbol is: filled inside,
//! stroked along its outline, faded over one pixel at the edges, and nothing beyond.

use egui::epaint::{Mesh, Vertex};
use egui::{Color32, Pos2, Stroke, pos2, vec2};
use karabakh_atlas::draw::paint::symbols_mesh;
use karabakh_atlas::model::style::Symbol;
use karabakh_atlas::scene::{SymbolItem, symbol_outline};

const FILL: Color32 = Color32::from_rgb(250, 250, 250);
const STROKE: Color32 = Color32::from_rgb(200, 30, 30);

fn symbol(kind: Symbol, size: f32, fill: Color32, stroke: Stroke) -> SymbolItem {
    SymbolItem {
        center: pos2(100.0, 100.0),
        symbol: kind,
        size,
        fill,
        stroke,
    }
}

/// The colour painted at `p`: the colour of the topmost triangle over it, interpolated, or
/// `None` where nothing is.
fn colour_at(mesh: &Mesh, p: Pos2) -> Option<[f32; 4]> {
    let mut found = None;
    for t in mesh.indices.chunks(3) {
        let [a, b, c]: [&Vertex; 3] = [0, 1, 2].map(|k| &mesh.vertices[t[k] as usize]);
        let d = (b.pos - a.pos).x * (c.pos - a.pos).y - (b.pos - a.pos).y * (c.pos - a.pos).x;
        if d.abs() < 1e-9 {
            continue;
        }
        let wb = ((p - a.pos).x * (c.pos - a.pos).y - (p - a.pos).y * (c.pos - a.pos).x) / d;
        let wc = ((b.pos - a.pos).x * (p - a.pos).y - (b.pos - a.pos).y * (p - a.pos).x) / d;
        let wa = 1.0 - wb - wc;
        if wa >= -1e-4 && wb >= -1e-4 && wc >= -1e-4 {
            let mix = |k: usize| {
                wa * f32::from(a.color.to_array()[k])
                    + wb * f32::from(b.color.to_array()[k])
                    + wc * f32::from(c.color.to_array()[k])
            };
            found = Some([mix(0), mix(1), mix(2), mix(3)]);
        }
    }
    found
}

fn close_to(actual: Option<[f32; 4]>, expected: Color32) -> bool {
    actual.is_some_and(|c| {
        c.iter()
            .zip(expected.to_array())
            .all(|(a, e)| (a - f32::from(e)).abs() < 1.5)
    })
}

#[test]
fn a_circle_is_filled_inside_stroked_along_its_outline_and_faded_over_one_pixel() {
    let size = 20.0;
    let width = 3.0;
    let mesh = symbols_mesh(
        &[symbol(
            Symbol::Circle,
            size,
            FILL,
            Stroke::new(width, STROKE),
        )],
        1.0,
    );
    let outline = symbol_outline(Symbol::Circle, pos2(100.0, 100.0), size);
    assert_eq!(mesh.vertices.len(), 1 + 4 * outline.len());
    let centre = pos2(100.0, 100.0);
    assert!(close_to(colour_at(&mesh, centre), FILL), "centre");
    for angle in [0.1f32, 1.3, 2.9, 4.4, 6.0] {
        let dir = vec2(angle.cos(), angle.sin());
        // Within the stroke's solid part (its half width less half a pixel), the stroke's colour.
        for r in [9.1, 10.0, 10.8] {
            assert!(
                close_to(colour_at(&mesh, centre + dir * r), STROKE),
                "stroke at radius {r}, angle {angle}"
            );
        }
        // Inside the stroke, the fill.
        assert!(close_to(colour_at(&mesh, centre + dir * 7.0), FILL));
        // Just outside, the fade: painted, and fainter than the stroke.
        let fade = colour_at(&mesh, centre + dir * 11.7).expect("the outer fade");
        assert!(fade[3] > 20.0 && fade[3] < 235.0, "fade alpha {}", fade[3]);
        // Beyond half the stroke and the pixel of fade, nothing.
        assert_eq!(colour_at(&mesh, centre + dir * 12.6), None);
    }
}

#[test]
fn a_star_keeps_its_points_and_its_notches() {
    let size = 20.0;
    let mesh = symbols_mesh(
        &[symbol(Symbol::Star, size, FILL, Stroke::new(1.0, STROKE))],
        2.0,
    );
    let centre = pos2(100.0, 100.0);
    let outline = symbol_outline(Symbol::Star, centre, size);
    assert!(close_to(colour_at(&mesh, centre), FILL));
    for (i, corner) in outline.iter().enumerate() {
        let inward = (centre - *corner).normalized();
        assert!(
            colour_at(&mesh, *corner).is_some(),
            "corner {i} is not painted"
        );
        // Inside each corner, past the stroke (a tip's mitre reaches 2.2 points in), the fill.
        assert!(
            close_to(colour_at(&mesh, *corner + inward * 3.5), FILL),
            "inside corner {i}"
        );
    }
    // Out from each notch, between the two points beside it: nothing painted. (4 points out:
    // past the notch's mitre, which reaches at most 3.)
    for (i, notch) in outline.iter().enumerate().skip(1).step_by(2) {
        let out = *notch + (*notch - centre).normalized() * 4.0;
        assert_eq!(colour_at(&mesh, out), None, "beyond notch {i}");
    }
}

#[test]
fn a_symbol_without_a_stroke_still_has_a_soft_edge_and_one_without_a_fill_is_a_ring() {
    let centre = pos2(100.0, 100.0);
    let unstroked = symbols_mesh(&[symbol(Symbol::Square, 16.0, FILL, Stroke::NONE)], 1.0);
    assert!(close_to(colour_at(&unstroked, centre), FILL));
    let ring = symbols_mesh(
        &[symbol(
            Symbol::Circle,
            20.0,
            Color32::TRANSPARENT,
            Stroke::new(3.0, STROKE),
        )],
        1.0,
    );
    assert!(close_to(colour_at(&ring, centre + vec2(10.0, 0.0)), STROKE));
    assert!(
        colour_at(&ring, centre).is_none_or(|c| c[3] < 1.0),
        "the inside of an unfilled symbol is not painted"
    );
}

#[test]
fn symbols_are_painted_in_order_the_later_on_top() {
    let below = symbol(Symbol::Circle, 20.0, FILL, Stroke::new(3.0, STROKE));
    let mut above = symbol(Symbol::Square, 10.0, Color32::BLACK, Stroke::NONE);
    above.center = pos2(100.0, 100.0);
    let mesh = symbols_mesh(&[below, above], 1.0);
    assert!(close_to(
        colour_at(&mesh, pos2(100.0, 100.0)),
        Color32::BLACK
    ));
}
