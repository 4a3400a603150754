//! Writing a scene as SVG: areas, lines, symbols and labels as vectors and text, so that an
//! exported map stays sharp and editable in a drawing program.

use crate::scene::fonts::Faces;
use crate::scene::{
    AreaItem, CARD_LINE_STEP, CARD_TEXT_SIZE, CARD_TITLE_SIZE, Mark, Scene, SymbolItem,
    symbol_outline,
};
use egui::{Color32, Pos2, Stroke};
use std::fmt::Write as _;

/// The font the text asks for; DejaVu Sans is the one the app draws with.
const FONT_FAMILY: &str = "'DejaVu Sans', Verdana, sans-serif";

/// The whole scene as an SVG document.
pub fn to_svg(scene: &Scene<'_>, faces: &Faces) -> String {
    let w = scene.viewport.width();
    let h = scene.viewport.height();
    let origin = scene.viewport.min.to_vec2();
    let mut out = Svg {
        text: String::new(),
        origin,
        faces,
    };
    out.raw(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">
"#
    ));
    out.raw(&format!(
        "<rect width=\"{w}\" height=\"{h}\" {}/>\n",
        paint("fill", scene.background)
    ));
    out.raw("<g id=\"areas\">\n");
    for area in &scene.areas {
        out.area(area, true);
    }
    out.raw("</g>\n<g id=\"lines\">\n");
    for dense in &scene.dense {
        if dense.has_footprints() {
            // Areas too small to see are the pixels they cover: an image in the vectors.
            let footprints = crate::scene::dense::DenseImage {
                drawn: Vec::new(),
                ..dense.clone()
            };
            let image = footprints.draw(1.0, crate::scene::dense::all_cores());
            if let Some(png) = crate::draw::raster::image_png(&image) {
                use base64::Engine as _;
                let origin = dense.viewport.min - scene.viewport.min;
                out.raw(&format!(
                    "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" href=\"data:image/png;base64,{}\"/>\n",
                    origin.x,
                    origin.y,
                    image.size[0],
                    image.size[1],
                    base64::engine::general_purpose::STANDARD.encode(png)
                ));
            }
        }
        for (points, colour) in dense.polylines() {
            out.polyline(&points, Stroke::new(dense.width, colour));
        }
    }
    for line in &scene.lines {
        out.polyline(&line.points, line.stroke);
    }
    out.raw("</g>\n<g id=\"symbols\">\n");
    for symbol in &scene.symbols {
        out.symbol(symbol);
    }
    out.raw("</g>\n<g id=\"highlights\">\n");
    for area in &scene.highlights {
        out.area(area, false);
    }
    for symbol in &scene.highlight_symbols {
        out.symbol(symbol);
    }
    for badge in &scene.badges {
        if badge.has_disc() {
            let outline = symbol_outline(crate::model::style::Symbol::Circle, badge.center, 14.0);
            out.polygon(&outline, Color32::from_rgb(40, 40, 40), Stroke::NONE);
        }
        let text = badge.text();
        let width = faces.text_width(&text, 10.0, false);
        let top_left = Pos2::new(
            badge.center.x - width / 2.0,
            badge.center.y - faces.row_height(10.0) / 2.0,
        );
        out.text(&text, top_left, 10.0, false, badge.text_colour(), None);
    }
    out.raw("</g>\n<g id=\"labels\">\n");
    for item in &scene.labels {
        let l = &item.label;
        // A name along a river is turned about its box's centre, as the window turns it.
        let turned = l.angle != 0.0;
        if turned {
            let c = out.at(l.rect.center());
            let turn = format!(
                "<g transform=\"rotate({:.2} {:.1} {:.1})\">\n",
                l.angle.to_degrees(),
                c.x,
                c.y
            );
            out.raw(&turn);
        }
        out.text(
            &l.text,
            l.rect.left_top(),
            l.size,
            l.bold,
            l.color,
            Some(item.halo),
        );
        if turned {
            out.raw("</g>\n");
        }
    }
    out.raw("</g>\n<g id=\"furniture\">\n");
    if scene.show_scale_bar {
        out.scale_bar(scene);
    }
    if let Some(card) = &scene.card {
        out.mark(&Mark::Box {
            rect: card.rect,
            fill: Color32::from_rgba_unmultiplied(255, 255, 255, 235),
            stroke: Stroke::new(1.0, Color32::from_gray(160)),
        });
        let title_at = card.rect.left_top() + egui::vec2(16.0, 10.0);
        let dark = Color32::from_rgb(15, 15, 15);
        out.text(&card.title, title_at, CARD_TITLE_SIZE, true, dark, None);
        for (i, line) in card.lines.iter().enumerate() {
            let at = card.rect.left_top() + egui::vec2(16.0, 54.0 + CARD_LINE_STEP * i as f32);
            out.text(line, at, CARD_TEXT_SIZE, false, dark, None);
        }
    }
    for (i, note) in scene.notes.iter().enumerate() {
        let top_left = scene.viewport.min + egui::vec2(10.0, 10.0 + 22.0 * i as f32);
        let size = egui::vec2(faces.text_width(note, 13.0, false), faces.row_height(13.0));
        out.mark(&Mark::Box {
            rect: egui::Rect::from_min_size(top_left, size).expand(4.0),
            fill: Color32::from_rgba_unmultiplied(255, 255, 255, 225),
            stroke: Stroke::NONE,
        });
        out.text(
            note,
            top_left,
            13.0,
            false,
            Color32::from_rgb(20, 20, 20),
            None,
        );
    }
    for mark in &scene.overlay {
        out.mark(mark);
    }
    out.raw("</g>\n</svg>\n");
    out.text
}

struct Svg<'f> {
    text: String,
    origin: egui::Vec2,
    faces: &'f Faces,
}

impl Svg<'_> {
    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn at(&self, p: Pos2) -> Pos2 {
        p - self.origin
    }

    fn points(&self, points: &[Pos2]) -> String {
        let mut s = String::new();
        for p in points {
            let p = self.at(*p);
            let _ = write!(s, "{:.1},{:.1} ", p.x, p.y);
        }
        s.trim_end().to_owned()
    }

    fn area(&mut self, area: &AreaItem<'_>, filled: bool) {
        let mut d = String::new();
        for ring in area.rings {
            let pts = &area.vertices[ring.clone()];
            for (i, p) in pts.iter().enumerate() {
                let p = self.at(*p);
                let _ = write!(
                    d,
                    "{}{:.1},{:.1} ",
                    if i == 0 { "M" } else { "L" },
                    p.x,
                    p.y
                );
            }
            d.push_str("Z ");
        }
        let fill = if filled && area.fill.a() > 0 {
            format!("{} fill-rule=\"evenodd\"", paint("fill", area.fill))
        } else {
            "fill=\"none\"".to_owned()
        };
        let _ = writeln!(
            self.text,
            "<path d=\"{}\" {fill} {}/>",
            d.trim_end(),
            stroke(area.stroke)
        );
    }

    fn polyline(&mut self, points: &[Pos2], line: Stroke) {
        let _ = writeln!(
            self.text,
            "<polyline points=\"{}\" fill=\"none\" {} stroke-linejoin=\"round\" stroke-linecap=\"round\"/>",
            self.points(points),
            stroke(line)
        );
    }

    fn polygon(&mut self, points: &[Pos2], fill: Color32, line: Stroke) {
        let _ = writeln!(
            self.text,
            "<polygon points=\"{}\" {} {}/>",
            self.points(points),
            paint("fill", fill),
            stroke(line)
        );
    }

    fn symbol(&mut self, s: &SymbolItem) {
        let outline = symbol_outline(s.symbol, s.center, s.size);
        self.polygon(&outline, s.fill, s.stroke);
    }

    fn text(
        &mut self,
        text: &str,
        top_left: Pos2,
        size: f32,
        bold: bool,
        color: Color32,
        halo: Option<Color32>,
    ) {
        let p = self.at(top_left);
        let baseline = p.y + self.faces.ascent(size, bold);
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let halo = halo.map_or_else(String::new, |c| {
            format!(
                " {} stroke-width=\"2.5\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                paint("stroke", c)
            )
        });
        let _ = writeln!(
            self.text,
            "<text x=\"{:.1}\" y=\"{baseline:.1}\" font-size=\"{size}\"{weight} {}{halo}>{}</text>",
            p.x,
            paint("fill", color),
            escape(text)
        );
    }

    fn scale_bar(&mut self, scene: &Scene<'_>) {
        let bar = &scene.scale_bar;
        let o = bar.origin;
        let end = Pos2::new(o.x + bar.length_points, o.y);
        let dark = Color32::from_rgb(30, 30, 30);
        self.polyline(&[o, end], Stroke::new(5.0, Color32::WHITE));
        self.polyline(&[o, end], Stroke::new(2.0, dark));
        for x in [o.x, end.x] {
            self.polyline(
                &[Pos2::new(x, o.y), Pos2::new(x, o.y - 6.0)],
                Stroke::new(2.0, dark),
            );
        }
        let text_top = Pos2::new(o.x, o.y - 9.0 - self.faces.row_height(12.0));
        self.text(&bar.text, text_top, 12.0, false, dark, None);
    }

    fn mark(&mut self, mark: &Mark) {
        match mark {
            Mark::Box { rect, fill, stroke } => {
                let corners = [
                    rect.left_top(),
                    rect.right_top(),
                    rect.right_bottom(),
                    rect.left_bottom(),
                ];
                self.polygon(&corners, *fill, *stroke);
            }
            Mark::Polygon {
                points,
                fill,
                stroke,
            } => self.polygon(points, *fill, *stroke),
            Mark::Text {
                top_left,
                text,
                size,
                bold,
                color,
            } => self.text(text, *top_left, *size, *bold, *color, None),
        }
    }
}

/// `fill="#rrggbb" fill-opacity="a"` (or the same for `stroke`).
fn paint(attribute: &str, c: Color32) -> String {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    if a == 0 {
        return format!("{attribute}=\"none\"");
    }
    let mut s = format!("{attribute}=\"#{r:02x}{g:02x}{b:02x}\"");
    if a < 255 {
        let _ = write!(s, " {attribute}-opacity=\"{:.3}\"", f32::from(a) / 255.0);
    }
    s
}

fn stroke(line: Stroke) -> String {
    if line.width <= 0.0 || line.color.a() == 0 {
        return "stroke=\"none\"".to_owned();
    }
    format!(
        "{} stroke-width=\"{:.2}\"",
        paint("stroke", line.color),
        line.width
    )
}

/// Text made safe inside an XML element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}
