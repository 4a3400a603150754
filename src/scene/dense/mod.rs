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

mod coverage;

pub use coverage::Coverage;

use crate::model::layer::clusters::AreaPyramid;
use crate::model::layer::lod::{self, Detail};
use crate::model::projection::{LocalMercator, World, world_from_lonlat};
use crate::model::store::geometry::project_for_drawing;
use crate::model::store::{FeatureId, FeatureStore, FeatureView};
use crate::model::view::MapView;
use egui::{Color32, ColorImage, Pos2, Rect};
use std::sync::Arc;

/// A layer whose lines in view hold more vertices than this (at the zoom band drawn) is drawn
/// as one image. Stroking this many with egui costs about 5 ms a frame (measured with
/// `bench --frames`: about 0.18 µs a vertex; at 50,000, Natural Earth's zoomed-in frames
/// took 7-9 ms in tessellation alone, and set its frame p95).
pub const DENSE_ABOVE_VERTICES: usize = 25_000;

/// One layer's image in a scene: its lines and outlines too many to stroke one by one, and its
/// areas too small to see, drawn as the pixels they cover.
#[derive(Clone)]
pub struct DenseImage {
    /// The layer's id, which names its image in the window.
    pub layer_id: String,
    /// The layer's features, shared with the layer.
    pub store: Arc<FeatureStore>,
    /// The lines and area outlines to draw, each with its colour, opacity applied.
    pub drawn: Vec<(FeatureId, Color32)>,
    /// Areas too small to see, each painted on every pixel it touches, in its colour.
    pub footprints: Vec<(FeatureId, Color32)>,
    /// Besides those, every area of a crowded layer too small to see in this view, found by
    /// the drawing (so that a frame does not list a hundred thousand of them).
    pub tiny: Option<TinyAreas>,
    /// Stroke width in screen points.
    pub width: f32,
    pub view: MapView,
    /// The screen rectangle the view fills.
    pub viewport: Rect,
}

/// The areas of a crowded layer narrower than `below` world metres, all in one colour.
#[derive(Clone)]
pub struct TinyAreas {
    pub pyramid: Arc<AreaPyramid>,
    pub below: f64,
    pub colour: Color32,
}

impl DenseImage {
    /// An image of nothing yet, for `store` seen through `view`.
    pub fn new(
        layer_id: &str,
        store: &Arc<FeatureStore>,
        width: f32,
        view: MapView,
        viewport: Rect,
    ) -> Self {
        Self {
            layer_id: layer_id.to_owned(),
            store: Arc::clone(store),
            drawn: Vec::new(),
            footprints: Vec::new(),
            tiny: None,
            width,
            view,
            viewport,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.drawn.is_empty() && self.footprints.is_empty() && self.tiny.is_none()
    }

    /// A digest of what is drawn and how, but not where: it changes when a filter, a style or
    /// the opacity does.
    pub fn content_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.layer_id.hash(&mut h);
        self.width.to_bits().hash(&mut h);
        self.drawn.hash(&mut h);
        self.footprints.hash(&mut h);
        if let Some(tiny) = &self.tiny {
            tiny.colour.hash(&mut h);
            Arc::as_ptr(&tiny.pyramid).hash(&mut h);
        }
        h.finish()
    }

    /// Draws the image of the viewport's size times `pixels_per_point`, on `threads` threads
    /// (at least one), each with its own share of the lines and areas.
    pub fn draw(&self, pixels_per_point: f32, threads: usize) -> ColorImage {
        self.draw_canvas(pixels_per_point, threads).into_image()
    }

    /// Draws the image at one pixel a point straight onto premultiplied RGBA `pixels` (rows of
    /// `width`, `height` of them), its top-left at `offset`, blended over what is there: what
    /// blending `draw`'s image would give, without the image (8 MB at 1920×1080) or a copy.
    pub fn draw_onto(
        &self,
        pixels: &mut [u8],
        width: usize,
        height: usize,
        offset: [i64; 2],
        threads: usize,
    ) {
        let canvas = self.draw_canvas(1.0, threads);
        for y in 0..canvas.height {
            let ty = y as i64 + offset[1];
            if ty < 0 || ty >= height as i64 {
                continue;
            }
            for x in 0..canvas.width {
                let tx = x as i64 + offset[0];
                if tx < 0 || tx >= width as i64 {
                    continue;
                }
                let src = canvas.pixel(y * canvas.width + x);
                if src.a() == 0 {
                    continue;
                }
                let at = (ty as usize * width + tx as usize) * 4;
                let Some(dst) = pixels.get_mut(at..at + 4) else {
                    continue;
                };
                let keep = 255 - u32::from(src.a());
                for (d, s) in dst.iter_mut().zip(src.to_array()) {
                    *d = (u32::from(s) + (u32::from(*d) * keep + 127) / 255).min(255) as u8;
                }
            }
        }
    }

    fn draw_canvas(&self, pixels_per_point: f32, threads: usize) -> Canvas {
        let scale = pixels_per_point.max(0.1);
        let w = (self.viewport.width() * scale).round().max(1.0) as usize;
        let h = (self.viewport.height() * scale).round().max(1.0) as usize;
        let mut footprints = self.footprints.clone();
        if let Some(tiny) = &self.tiny {
            let visible = self.view.visible_bounds(self.viewport);
            footprints.extend(
                tiny.pyramid
                    .in_view(&visible, tiny.below, false)
                    .into_iter()
                    .map(|id| (id, tiny.colour)),
            );
        }
        // Lines near each other drawn one after another, and each thread given a region:
        // drawing is bound by fetching the canvas's rows, and this keeps them in cache.
        let mut drawn: Vec<(FeatureId, Color32, bool)> = self
            .drawn
            .iter()
            .map(|&(id, c)| (id, c, false))
            .chain(footprints.iter().map(|&(id, c)| (id, c, true)))
            .collect();
        drawn.sort_by_cached_key(|&(id, _, _)| {
            let anchor = if self.store.contains(id) {
                self.store.anchor(id)
            } else {
                [0.0; 2]
            };
            let p = self.view.screen_from_world(self.viewport, anchor) - self.viewport.min;
            morton(p.x * scale / 32.0, p.y * scale / 32.0)
        });
        let share = drawn.len().div_ceil(threads.max(1)).max(1);
        if drawn.len() <= share {
            // One share: drawn on this thread, not on one spawned to be waited for.
            return self.ordered(self.draw_share(&drawn, w, h, scale));
        }
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
        self.ordered(canvas)
    }

    /// `canvas` with its colours stacked as the scene gave them.
    fn ordered(&self, mut canvas: Canvas) -> Canvas {
        // Colours stacked in the order the scene gave them, whatever order they were drawn in.
        let mut order: Vec<Color32> = Vec::new();
        for &(_, colour) in self.footprints.iter().chain(&self.drawn) {
            if !order.contains(&colour) {
                order.push(colour);
            }
        }
        canvas
            .layers
            .sort_by_key(|(c, _)| order.iter().position(|o| o == c));
        canvas
    }

    /// The coverage of the lines and footprints `drawn` (a share of the image's).
    fn draw_share(
        &self,
        drawn: &[(FeatureId, Color32, bool)],
        w: usize,
        h: usize,
        scale: f32,
    ) -> Canvas {
        let mut canvas = Canvas::new(w, h);
        let half = self.width * scale / 2.0;
        let origin = self.viewport.min;
        let to_pixel = |world: [f64; 2]| {
            let p = self.view.screen_from_world(self.viewport, world);
            [(p.x - origin.x) * scale, (p.y - origin.y) * scale]
        };
        let lines: Vec<(FeatureId, Color32)> = drawn
            .iter()
            .filter(|d| !d.2)
            .map(|&(id, c, _)| (id, c))
            .collect();
        // Each polygon's rings in pixels, the buffers kept from one to the next.
        let mut rings: Vec<Vec<[f32; 2]>> = Vec::new();
        for &(id, colour, _) in drawn.iter().filter(|d| d.2) {
            let Some(f) = self.store.get(id) else {
                continue;
            };
            let coverage = canvas.layer_for(colour);
            let b = f.bounds();
            let (lo, hi) = (
                to_pixel([b.min[0], b.max[1]]),
                to_pixel([b.max[0], b.min[1]]),
            );
            if floor(lo[0]) == floor(hi[0]) && floor(lo[1]) == floor(hi[1]) {
                // Within one pixel: that pixel, whatever its shape.
                coverage.touch(lo[0], lo[1]);
                continue;
            }
            // Small on screen: projected near its own latitude (see `LocalMercator`).
            let limit = crate::model::projection::LOCAL_MERCATOR_LATITUDE;
            let near = f
                .geometry()
                .coords()
                .first()
                .filter(|p| p[1].abs() <= limit)
                .map(|p| LocalMercator::around(p[1]));
            for polygon in f.geometry().polygons() {
                let mut n = 0;
                for ring in polygon.rings() {
                    if rings.len() <= n {
                        rings.push(Vec::new());
                    }
                    rings[n].clear();
                    rings[n].extend(ring.iter().map(|&p| {
                        to_pixel(near.map_or_else(|| world_from_lonlat(p), |m| m.world(p)))
                    }));
                    n += 1;
                }
                coverage.footprint(&rings[..n]);
            }
        }
        self.walk(&lines, &mut |colour, part| {
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

    /// Whether the image has areas drawn as their pixels (which a vector export embeds as an
    /// image).
    pub fn has_footprints(&self) -> bool {
        !self.footprints.is_empty() || self.tiny.is_some()
    }

    /// Calls `visit` on each part of each line drawn, in world metres, with its colour: the
    /// zoom band's simplified parts, or the full geometry when zoomed in past them.
    fn walk(&self, drawn: &[(FeatureId, Color32)], visit: &mut dyn FnMut(Color32, Part<'_>)) {
        let detail = lod::detail_for(&self.store, self.view.metres_per_point);
        for &(id, colour) in drawn {
            let Some(f) = self.store.get(id) else {
                continue;
            };
            if f.is_areal() {
                // An area: its rings at this zoom band, each closed.
                if let Some(mesh) = lod::mesh(f, detail) {
                    for ring in &mesh.rings {
                        let vertices = &mesh.vertices[ring.clone()];
                        visit(
                            colour,
                            &mut vertices.iter().chain(vertices.first()).copied(),
                        );
                    }
                }
                continue;
            }
            match lod::mesh(f, detail) {
                Some(level) => {
                    for part in &level.rings {
                        visit(colour, &mut level.vertices[part.clone()].iter().copied());
                    }
                }
                None => {
                    for line in f.geometry().lines() {
                        visit(colour, &mut project_for_drawing(line));
                    }
                }
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
type Part<'a> = &'a mut dyn Iterator<Item = World>;

/// The vertices a line feature draws at `detail`: its band's, or its own at full detail.
/// Counts up to `stop_above` and no further.
pub fn line_vertices(f: FeatureView<'_>, detail: Detail, stop_above: usize) -> usize {
    if let Some(level) = lod::mesh(f, detail) {
        return level.vertices.len();
    }
    let mut count = 0;
    for line in f.geometry().lines() {
        if count > stop_above {
            break;
        }
        count += line.len();
    }
    count
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
        let pixels = (0..self.width * self.height)
            .map(|i| self.pixel(i))
            .collect();
        ColorImage::new([self.width, self.height], pixels)
    }

    /// Pixel `i`: each colour's coverage there, stacked in order.
    fn pixel(&self, i: usize) -> Color32 {
        let mut pixel = Color32::TRANSPARENT;
        for (colour, coverage) in &self.layers {
            let c = coverage.alpha[i];
            if c > 0 {
                pixel = pixel.blend(colour.gamma_multiply_u8(c));
            }
        }
        pixel
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
