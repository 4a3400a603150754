//! Layers too dense to stroke line by line: all of a layer's lines, and its areas' outlines,
//! in view drawn into one image, each pixel covered as much as the nearest segment covers it.
//!
//! Ten thousand lines of 500 vertices, zoomed out, put about one vertex on every screen point:
//! simplification removes little, and stroking five million vertices as paths costs egui about
//! a second a frame and tiny-skia about nine. Natural Earth's borders cost egui three quarters
//! of each frame the same way. Here each segment only visits the pixels within its half-width
//! and keeps, per pixel and colour, the highest coverage any segment gives it (so lines of one
//! colour merge where they cross, as opaque strokes do, and joints are not covered twice). The
//! scene decides which layers are dense, and keeps drawing their fills as meshes; `raster`
//! composites the image into a PNG, and the window draws it off the UI thread (see
//! `backdrop`).

use crate::model::layer::PreparedFeature;
use crate::model::view::MapView;
use egui::{Color32, ColorImage, Pos2, Rect};
use geo::Geometry;
use std::sync::Arc;

/// A layer whose lines in view hold more vertices than this (at the zoom band drawn) is drawn
/// as one image. Stroking this many with egui costs about 10 ms a frame (measured with
/// `bench --frames`: about 0.2 µs a vertex).
pub const DENSE_ABOVE_VERTICES: usize = 50_000;

/// One dense line layer of a scene: which of its features to draw, in which colour, and where.
#[derive(Clone)]
pub struct DenseLines {
    /// The layer's id, which names its image in the window.
    pub layer_id: String,
    /// The layer's features, shared with the layer.
    pub features: Arc<Vec<PreparedFeature>>,
    /// The features to draw (indices into `features`), each with its colour, opacity applied.
    pub drawn: Vec<(usize, Color32)>,
    /// Stroke width in screen points.
    pub width: f32,
    pub view: MapView,
    /// The screen rectangle the view fills.
    pub viewport: Rect,
}

impl DenseLines {
    /// A digest of what is drawn and how, but not where: it changes when a filter, a style or
    /// the opacity does.
    pub fn content_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.layer_id.hash(&mut h);
        self.width.to_bits().hash(&mut h);
        self.drawn.hash(&mut h);
        h.finish()
    }

    /// Draws the lines into an image of the viewport's size times `pixels_per_point`, on
    /// `threads` threads (at least one), each with its own share of the lines.
    pub fn draw(&self, pixels_per_point: f32, threads: usize) -> ColorImage {
        let scale = pixels_per_point.max(0.1);
        let w = (self.viewport.width() * scale).round().max(1.0) as usize;
        let h = (self.viewport.height() * scale).round().max(1.0) as usize;
        // Lines near each other drawn one after another, and each thread given a region:
        // drawing is bound by fetching the canvas's rows, and this keeps them in cache.
        let mut drawn = self.drawn.clone();
        drawn.sort_by_cached_key(|&(i, _)| {
            let anchor = self.features.get(i).map_or([0.0; 2], |f| f.anchor);
            let p = self.view.screen_from_world(self.viewport, anchor) - self.viewport.min;
            morton(p.x * scale / 32.0, p.y * scale / 32.0)
        });
        let share = drawn.len().div_ceil(threads.max(1)).max(1);
        let mut canvases = std::thread::scope(|s| {
            let jobs: Vec<_> = drawn
                .chunks(share)
                .map(|drawn| s.spawn(move || self.draw_share(drawn, w, h, scale)))
                .collect();
            jobs.into_iter()
                .map(|job| job.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect::<Vec<_>>()
                .into_iter()
        });
        let mut canvas = canvases.next().unwrap_or_else(|| Canvas::new(w, h));
        for other in canvases {
            canvas.merge(other);
        }
        // Colours stacked in the order the scene gave them, whatever order they were drawn in.
        let mut order: Vec<Color32> = Vec::new();
        for &(_, colour) in &self.drawn {
            if !order.contains(&colour) {
                order.push(colour);
            }
        }
        canvas
            .layers
            .sort_by_key(|(c, _)| order.iter().position(|o| o == c));
        canvas.into_image()
    }

    /// The coverage of the lines `drawn` (a share of `self.drawn`).
    fn draw_share(&self, drawn: &[(usize, Color32)], w: usize, h: usize, scale: f32) -> Canvas {
        let mut canvas = Canvas::new(w, h);
        let half = self.width * scale / 2.0;
        let origin = self.viewport.min;
        let to_pixel = |world: [f64; 2]| {
            let p = self.view.screen_from_world(self.viewport, world);
            [(p.x - origin.x) * scale, (p.y - origin.y) * scale]
        };
        self.walk(drawn, &mut |colour, part| {
            let coverage = canvas.layer_for(colour);
            let mut previous: Option<[f32; 2]> = None;
            for world in part {
                let p = to_pixel(world);
                match previous {
                    Some(a) => coverage.segment(a, p, half),
                    None => coverage.dot(p, half),
                }
                previous = Some(p);
            }
        });
        canvas
    }
}

impl DenseLines {
    /// The lines as polylines in screen points, each with its colour: for a vector export.
    pub fn polylines(&self) -> Vec<(Vec<Pos2>, Color32)> {
        let mut lines = Vec::new();
        self.walk(&self.drawn, &mut |colour, part| {
            let points = part
                .map(|w| self.view.screen_from_world(self.viewport, w))
                .collect();
            lines.push((points, colour));
        });
        lines
    }

    /// Calls `visit` on each part of each line drawn, in world metres, with its colour: the
    /// zoom band's simplified parts, or the full geometry when zoomed in past them.
    fn walk(&self, drawn: &[(usize, Color32)], visit: &mut dyn FnMut(Color32, Part<'_>)) {
        for &(i, colour) in drawn {
            let Some(f) = self.features.get(i) else {
                continue;
            };
            if !f.mesh.vertices.is_empty() {
                // An area: its rings at this zoom band, each closed.
                let mesh = f.mesh_for(self.view.metres_per_point);
                for ring in &mesh.rings {
                    let vertices = &mesh.vertices[ring.clone()];
                    visit(
                        colour,
                        &mut vertices.iter().chain(vertices.first()).copied(),
                    );
                }
                continue;
            }
            match crate::model::layer::lod::level_for(&f.levels, self.view.metres_per_point) {
                Some(level) => {
                    for part in &level.mesh.rings {
                        visit(
                            colour,
                            &mut level.mesh.vertices[part.clone()].iter().copied(),
                        );
                    }
                }
                None => for_each_line(&f.world, &mut |line| {
                    visit(colour, &mut line.0.iter().map(|c| [c.x, c.y]));
                }),
            }
        }
    }
}

/// The machine's cores, at most eight: the threads an image is drawn on when nothing else
/// waits for the cores (the `render` command).
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// One part of a line, its vertices in world metres.
type Part<'a> = &'a mut dyn Iterator<Item = [f64; 2]>;

/// The vertices a line feature draws at a view `metres_per_point` across: its band's, or its
/// own when zoomed in past its first band. Counts up to `stop_above` and no further.
pub fn line_vertices(f: &PreparedFeature, metres_per_point: f64, stop_above: usize) -> usize {
    if let Some(level) = crate::model::layer::lod::level_for(&f.levels, metres_per_point) {
        return level.mesh.vertices.len();
    }
    let mut count = 0;
    for_each_line(&f.world, &mut |line| {
        if count <= stop_above {
            count += line.0.len();
        }
    });
    count
}

/// Calls `f` on each line string of a line geometry (collections included).
pub(crate) fn for_each_line(g: &Geometry<f64>, f: &mut dyn FnMut(&geo::LineString<f64>)) {
    match g {
        Geometry::LineString(ls) => f(ls),
        Geometry::MultiLineString(mls) => mls.0.iter().for_each(f),
        Geometry::Line(l) => f(&geo::LineString::from(vec![l.start, l.end])),
        Geometry::GeometryCollection(gc) => gc.0.iter().for_each(|g| for_each_line(g, f)),
        _ => {}
    }
}

/// Per-colour coverage masks, composited in the order their colours first appeared.
struct Canvas {
    width: usize,
    height: usize,
    layers: Vec<(Color32, Coverage)>,
    /// The layer used last: lines of one colour usually come together.
    last: usize,
}

impl Canvas {
    fn new(width: usize, height: usize) -> Self {
        Canvas {
            width,
            height,
            layers: Vec::new(),
            last: 0,
        }
    }

    fn layer_for(&mut self, colour: Color32) -> &mut Coverage {
        if self.layers.get(self.last).is_none_or(|(c, _)| *c != colour) {
            self.last = match self.layers.iter().position(|(c, _)| *c == colour) {
                Some(i) => i,
                None => {
                    self.layers
                        .push((colour, Coverage::new(self.width, self.height)));
                    self.layers.len() - 1
                }
            };
        }
        &mut self.layers[self.last].1
    }

    /// Adds `other`'s coverage, the higher of the two at each pixel; colours new to this
    /// canvas come after its own.
    fn merge(&mut self, other: Canvas) {
        for (colour, coverage) in other.layers {
            let mine = self.layer_for(colour);
            for (a, b) in mine.alpha.iter_mut().zip(coverage.alpha) {
                *a = (*a).max(b);
            }
        }
    }

    fn into_image(self) -> ColorImage {
        let mut pixels = vec![Color32::TRANSPARENT; self.width * self.height];
        for (colour, coverage) in &self.layers {
            for (pixel, &c) in pixels.iter_mut().zip(&coverage.alpha) {
                if c > 0 {
                    *pixel = pixel.blend(colour.gamma_multiply_u8(c));
                }
            }
        }
        ColorImage::new([self.width, self.height], pixels)
    }
}

/// How much of each pixel the lines of one colour cover, 0 to 255.
pub struct Coverage {
    width: usize,
    height: usize,
    pub alpha: Vec<u8>,
}

impl Coverage {
    pub fn new(width: usize, height: usize) -> Self {
        Coverage {
            width,
            height,
            alpha: vec![0; width * height],
        }
    }

    /// Covers the pixels under a stroke `half` wide on each side of the segment from `a` to
    /// `b`, in pixels. Along the segment's main axis, each row or column of pixels whose
    /// centre the segment spans, or passes by less than `half` (a square cap, which closes the
    /// corner where a line turns), gets the stretch of the stroke across it, each pixel covered
    /// by the share of it that stretch overlaps (box-filtered anti-aliasing).
    pub fn segment(&mut self, a: [f32; 2], b: [f32; 2], half: f32) {
        if !(a[0].is_finite() && a[1].is_finite() && b[0].is_finite() && b[1].is_finite()) {
            return;
        }
        let [dx, dy] = [b[0] - a[0], b[1] - a[1]];
        if dx == 0.0 && dy == 0.0 {
            return;
        }
        if dx.abs() >= dy.abs() {
            self.run::<false>(a, b, half);
        } else {
            self.run::<true>([a[1], a[0]], [b[1], b[0]], half);
        }
    }

    /// A segment whose main axis is `u` (x, or y when `TRANSPOSED`), across `v`.
    fn run<const TRANSPOSED: bool>(&mut self, a: [f32; 2], b: [f32; 2], half: f32) {
        let (a, b) = if a[0] <= b[0] { (a, b) } else { (b, a) };
        let slope = (b[1] - a[1]) / (b[0] - a[0]);
        let across = half * (1.0 + slope * slope).sqrt();
        let (u_size, v_size) = if TRANSPOSED {
            (self.height as i64, self.width as i64)
        } else {
            (self.width as i64, self.height as i64)
        };
        if a[1].min(b[1]) - across >= v_size as f32 || a[1].max(b[1]) + across <= 0.0 {
            return;
        }
        // The rows or columns whose centres the segment or its caps span, on the canvas.
        let mut u0 = ceil(a[0] - half - 0.5).max(0);
        let mut u1 = (floor(b[0] + half - 0.5) + 1).min(u_size);
        if slope != 0.0 {
            let at = |v: f32| a[0] + (v - a[1]) / slope - 0.5;
            let (p, q) = (at(-across - 1.0), at(v_size as f32 + across + 1.0));
            u0 = u0.max(floor(p.min(q)));
            u1 = u1.min(ceil(p.max(q)) + 1);
        }
        let stride = self.width;
        for u in u0..u1 {
            let along = (u as f32 + 0.5).clamp(a[0], b[0]);
            let centre = a[1] + (along - a[0]) * slope;
            let (lo, hi) = (centre - across, centre + across);
            let v0 = floor(lo).max(0);
            let v1 = ceil(hi).min(v_size);
            for v in v0..v1 {
                let share = hi.min(v as f32 + 1.0) - lo.max(v as f32);
                if share > 0.0 {
                    // u and v are within the canvas here.
                    let (u, v) = (u as usize, v as usize);
                    let at = if TRANSPOSED {
                        u * stride + v
                    } else {
                        v * stride + u
                    };
                    let value = (share.min(1.0) * 255.0 + 0.5) as u8;
                    let cell = &mut self.alpha[at];
                    *cell = (*cell).max(value);
                }
            }
        }
    }

    /// A square `half` from `p` on each side: a line of one point, or a line's start.
    pub fn dot(&mut self, p: [f32; 2], half: f32) {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return;
        }
        let (lo_x, hi_x) = (p[0] - half, p[0] + half);
        let (lo_y, hi_y) = (p[1] - half, p[1] + half);
        let x0 = floor(lo_x).max(0) as usize;
        let x1 = ceil(hi_x).clamp(0, self.width as i64) as usize;
        let y0 = floor(lo_y).max(0) as usize;
        let y1 = ceil(hi_y).clamp(0, self.height as i64) as usize;
        for y in y0..y1 {
            let sy = hi_y.min(y as f32 + 1.0) - lo_y.max(y as f32);
            for x in x0..x1 {
                let sx = hi_x.min(x as f32 + 1.0) - lo_x.max(x as f32);
                let share = (sx.clamp(0.0, 1.0) * sy.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                let cell = &mut self.alpha[y * self.width + x];
                *cell = (*cell).max(share);
            }
        }
    }
}

/// `x` rounded down, as an integer: without SSE4.1, which the baseline x86-64 target lacks,
/// `f32::floor` is a call into libm, and this runs several times a segment. Far-off values are
/// clamped to a billion pixels.
fn floor(x: f32) -> i64 {
    let x = x.clamp(-1e9, 1e9);
    let i = x as i64;
    if (i as f32) > x { i - 1 } else { i }
}

/// `x` rounded up, as an integer (see [`floor`]).
fn ceil(x: f32) -> i64 {
    -floor(-x)
}

/// A Morton (Z-order) code of a point in cells, near points near in the order; cells clamped
/// to 0..65,535.
fn morton(x: f32, y: f32) -> u32 {
    let spread = |v: f32| {
        let mut v = v.clamp(0.0, 65_535.0) as u32;
        v = (v | (v << 8)) & 0x00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    };
    spread(x) | (spread(y) << 1)
}
