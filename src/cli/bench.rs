//! The `bench` command: loads files as the window does and times each phase (read, index, the
//! first frame, the checks left until after it, renders, picks, frames), for BENCHMARKS.md.

use crate::model::atlas::Atlas;
use crate::model::layer::{Layer, LayerRole};
use crate::model::view::{MapView, WorldBounds};
use crate::scene::SceneOptions;
use crate::scene::fonts::Faces;
use egui::{Rect, pos2, vec2};
use std::path::Path;
use std::time::Instant;

/// What `bench` measured, in the units its names say.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct BenchReport {
    pub files: Vec<String>,
    pub features: usize,
    pub vertices: usize,
    /// From the start of the read until the full view is drawn (a PNG of it made, as `render`
    /// makes one) and a pick answers: how long the user waits for a usable map. Work left
    /// until after it (`checks_ms`) is not in it, and is measured on its own.
    pub first_frame_ms: f64,
    /// Reading and parsing the files into stores, on every core.
    pub load_ms: f64,
    /// The R-trees and the crowded layers' pyramids.
    pub index_ms: f64,
    /// The first drawing of the full view, which builds the meshes it needs.
    pub first_render_ms: f64,
    /// The checks a read leaves until after the first frame (geometry validity, repeated ids).
    pub checks_ms: f64,
    /// The full view and a sixteenth of it drawn again, their meshes built.
    pub render_full_ms: f64,
    pub render_zoom_ms: f64,
    /// The first drawing of the sixteenth, which builds the meshes it needs.
    pub render_zoom_cold_ms: f64,
    pub picks: usize,
    pub pick_median_us: f64,
    pub pick_p99_us: f64,
    /// Features under a pick, on average: what the tolerance of 7 points catches.
    pub pick_hits_mean: f64,
    /// The process's high-water mark of resident memory over the whole run.
    pub peak_rss_mb: f64,
    /// The peak resident memory by the end of the last file's parse, before the index: how
    /// much of the peak the parse accounts for.
    pub peak_rss_load_mb: f64,
    /// The peak resident memory by the first frame: the read, the index and the first drawing.
    pub peak_rss_first_frame_mb: f64,
    /// Memory the stores hold, by their own count.
    pub store_mb: f64,
    /// Interactive frames timed (`--frames`), and the CPU time each took: the scene (culling,
    /// styling, labels), egui shapes and their tessellation; the GPU upload is not included.
    pub frames: usize,
    pub frame_p50_ms: f64,
    pub frame_p95_ms: f64,
    /// Images of dense line layers drawn during the frames, off the UI thread (see
    /// `backdrop`), and how long each took: how soon the picture is sharp again after a move.
    pub line_images: usize,
    pub line_image_p50_ms: f64,
    pub line_image_p95_ms: f64,
    /// For a database table read view by view (see `bench_views`): the views asked of the
    /// server, each timed from the request to the answer indexed; those at 1:100,000 or
    /// closer on their own; and the full view (counted on the server) when the bench starts.
    pub viewport_queries: usize,
    pub viewport_query_p50_ms: f64,
    pub viewport_query_p95_ms: f64,
    pub viewport_query_close_p95_ms: f64,
    pub full_view_query_ms: f64,
}

/// Loads `files` into an atlas without the shipped layers, timing each phase, then renders
/// the full extent and a sixteenth of it at `width`×`height` and picks at `picks` points
/// spread by a fixed seed.
pub fn run(
    files: &[&Path],
    max_bytes: u64,
    width: u32,
    height: u32,
    picks: usize,
    frames: usize,
) -> anyhow::Result<BenchReport> {
    let mut report = BenchReport {
        files: files.iter().map(|f| f.display().to_string()).collect(),
        picks,
        frames,
        ..Default::default()
    };
    let faces = Faces::load().map_err(|e| anyhow::anyhow!("the bundled font: {e}"))?;
    let started_all = Instant::now();
    let mut atlas = Atlas::empty();
    let mut deferred = Vec::new();
    for (n, path) in files.iter().enumerate() {
        let started = Instant::now();
        let never = std::sync::atomic::AtomicBool::new(false);
        let progress = crate::io::loader::Progress::default();
        let opened = match crate::io::read_any(path, max_bytes, None, &progress, &never) {
            Ok(opened) => opened,
            Err(crate::io::geojson::Stopped::Refused(e)) => return Err(e.into()),
            Err(crate::io::geojson::Stopped::Cancelled) => anyhow::bail!("cancelled"),
        };
        if opened.loaded.follows_view.is_some() {
            // A table too big to read whole is read view by view, and timed so.
            anyhow::ensure!(
                files.len() == 1,
                "{}: a table read view by view is benchmarked on its own",
                path.display()
            );
            return crate::cli::bench_views::run(
                &path.display().to_string(),
                width,
                height,
                frames,
            );
        }
        report.load_ms += ms(started);
        report.peak_rss_load_mb = peak_rss_mb().unwrap_or(f64::NAN);
        for w in &opened.loaded.warnings {
            eprintln!("warning: {w}");
        }
        let store = opened.loaded.features;
        report.features += store.len();
        report.vertices += store.vertex_count();
        let started = Instant::now();
        let indexed = crate::model::layer::Indexed::new(std::sync::Arc::new(store));
        report.index_ms += ms(started);
        if opened.deferred {
            deferred.push((
                path.display().to_string(),
                std::sync::Arc::clone(&indexed.store),
                opened.ids,
            ));
        }
        atlas.layers.push(Layer::from_indexed(
            &format!("bench-{n}"),
            &path.display().to_string(),
            LayerRole::User,
            crate::model::atlas::user_style(n),
            &path.display().to_string(),
            indexed,
        ));
    }
    let full = atlas
        .layers
        .iter()
        .filter_map(Layer::bounds)
        .reduce(|a, b| a.union(&b))
        .ok_or_else(|| anyhow::anyhow!("the files hold no features"))?;
    let size = vec2(width as f32, height as f32);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let options = SceneOptions::default();
    let full_view = MapView::fitting(&full, size, 0.0);
    let tolerance = crate::model::view::PICK_TOLERANCE_POINTS * full_view.metres_per_point;
    report.first_render_ms = time_render(&atlas, &faces, &full_view, viewport, &options)?;
    let hits = crate::query::pick::pick(&atlas.layers, options.filter, full.center(), tolerance);
    std::hint::black_box(hits);
    report.first_frame_ms = ms(started_all);
    report.peak_rss_first_frame_mb = peak_rss_mb().unwrap_or(f64::NAN);
    let started = Instant::now();
    for (file, store, ids) in &deferred {
        for w in crate::io::geojson::deferred_checks(file, store, *ids) {
            eprintln!("warning: {w}");
        }
    }
    report.checks_ms = ms(started);
    report.render_full_ms = time_render(&atlas, &faces, &full_view, viewport, &options)?;
    let zoom = WorldBounds {
        min: [
            full.center()[0] - full.width() / 8.0,
            full.center()[1] - full.height() / 8.0,
        ],
        max: [
            full.center()[0] + full.width() / 8.0,
            full.center()[1] + full.height() / 8.0,
        ],
    };
    let zoom_view = MapView::fitting(&zoom, size, 0.0);
    report.render_zoom_cold_ms = time_render(&atlas, &faces, &zoom_view, viewport, &options)?;
    report.render_zoom_ms = time_render(&atlas, &faces, &zoom_view, viewport, &options)?;

    // Picks at points spread over the full extent, at the full view's pixel tolerance.
    let mut rng = SplitMix(0x5eed);
    let mut hits_total = 0usize;
    let mut times: Vec<f64> = (0..picks)
        .map(|_| {
            let at = [
                full.min[0] + rng.unit() * full.width(),
                full.min[1] + rng.unit() * full.height(),
            ];
            let started = Instant::now();
            let hits = crate::query::pick::pick(&atlas.layers, options.filter, at, tolerance);
            let elapsed = started.elapsed().as_secs_f64() * 1e6;
            hits_total += std::hint::black_box(hits).len();
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    report.pick_median_us = percentile(&times, 0.5);
    report.pick_p99_us = percentile(&times, 0.99);
    report.pick_hits_mean = hits_total as f64 / picks.max(1) as f64;
    if frames > 0 {
        let (mut times, mut drawn) = time_frames(&atlas, &faces, &full, size, frames);
        times.sort_by(f64::total_cmp);
        report.frame_p50_ms = percentile(&times, 0.5);
        report.frame_p95_ms = percentile(&times, 0.95);
        drawn.sort_by(f64::total_cmp);
        report.line_images = drawn.len();
        report.line_image_p50_ms = percentile(&drawn, 0.5);
        report.line_image_p95_ms = percentile(&drawn, 0.95);
    }
    report.store_mb = atlas
        .layers
        .iter()
        .map(|l| l.store.heap_bytes() as f64 / 1e6)
        .sum();
    report.peak_rss_mb = peak_rss_mb().unwrap_or(f64::NAN);
    Ok(report)
}

/// The view of frame `i` of `n` in a scripted session over `full`: a pan across the whole
/// extent, a zoom in to a sixteenth of it while panning, and a zoom back out.
pub fn scripted_view(full: &WorldBounds, size: egui::Vec2, i: usize, n: usize) -> MapView {
    let t = i as f64 / n.max(1) as f64;
    let whole = MapView::fitting(full, size, 0.0);
    let (dx, zoom) = if t < 1.0 / 3.0 {
        (t * 3.0 - 0.5, 1.0)
    } else if t < 2.0 / 3.0 {
        let u = (t - 1.0 / 3.0) * 3.0;
        (0.5 - u * 0.5, 4f64.powf(u))
    } else {
        let u = (t - 2.0 / 3.0) * 3.0;
        (0.0, 4f64.powf(1.0 - u))
    };
    MapView {
        center: [whole.center[0] + dx * full.width() * 0.5, whole.center[1]],
        metres_per_point: whole.metres_per_point / zoom,
    }
}

/// The time between frames on a 60 Hz display.
const FRAME_INTERVAL: std::time::Duration = std::time::Duration::from_micros(16_667);

/// Frames drawn as the window draws them, without a GPU: the scene built, painted into egui
/// shapes and tessellated, each timed in CPU milliseconds.
pub(crate) struct FrameTimer {
    ctx: egui::Context,
    viewport: Rect,
    pub backdrop: crate::draw::backdrop::Backdrop,
}

impl FrameTimer {
    pub fn new(size: egui::Vec2) -> Self {
        let ctx = egui::Context::default();
        crate::scene::fonts::install(&ctx);
        let timer = FrameTimer {
            ctx,
            viewport: Rect::from_min_size(pos2(0.0, 0.0), size),
            backdrop: crate::draw::backdrop::Backdrop::default(),
        };
        // Two frames to build the font atlas and settle egui's caches.
        for _ in 0..2 {
            timer
                .ctx
                .run_ui(timer.input(), |_| {})
                .drop_without_applying_deltas();
        }
        timer
    }

    fn input(&self) -> egui::RawInput {
        egui::RawInput {
            screen_rect: Some(self.viewport),
            ..Default::default()
        }
    }

    /// Draws `view` of `atlas` once; returns the CPU time it took.
    pub fn frame(&mut self, atlas: &Atlas, view: &MapView, faces: &Faces) -> std::time::Duration {
        let started = Instant::now();
        // As the window draws: a band with many meshes to build is built in the background.
        let options = SceneOptions {
            background_meshes: true,
            ..SceneOptions::default()
        };
        let (viewport, input) = (self.viewport, self.input());
        let backdrop = &mut self.backdrop;
        let mut output = self.ctx.run_ui(input, |ui| {
            let mut scene = crate::scene::build(atlas, view, viewport, &options, faces);
            scene.line_images = backdrop.images(ui.ctx(), &scene.dense, view, viewport);
            crate::draw::paint::paint_scene(ui.painter(), &scene);
        });
        // No GPU here to upload glyph textures to.
        output.textures_delta.clear();
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        started.elapsed()
    }
}

/// CPU milliseconds of each frame of the scripted session, as the window spends them, and
/// of each image of dense lines drawn on the window's drawing thread meanwhile.
fn time_frames(
    atlas: &Atlas,
    faces: &Faces,
    full: &WorldBounds,
    size: egui::Vec2,
    frames: usize,
) -> (Vec<f64>, Vec<f64>) {
    let mut timer = FrameTimer::new(size);
    let times = (0..frames)
        .map(|i| {
            let view = scripted_view(full, size, i, frames);
            let spent = timer.frame(atlas, &view, faces);
            // Paced as a 60 Hz display paces the window, so that the drawing thread of dense
            // lines runs beside the frames as it does there.
            std::thread::sleep(FRAME_INTERVAL.saturating_sub(spent));
            spent.as_secs_f64() * 1e3
        })
        .collect();
    // The image for the last view, which the window would show once the user stops.
    let backdrop = &mut timer.backdrop;
    while !backdrop.is_up_to_date()
        && backdrop.wait_for_image(&timer.ctx, std::time::Duration::from_secs(60))
    {}
    (times, timer.backdrop.draw_millis)
}

/// Builds the scene and rasterizes it to PNG bytes, as `render` does; returns milliseconds.
fn time_render(
    atlas: &Atlas,
    faces: &Faces,
    view: &MapView,
    viewport: Rect,
    options: &SceneOptions,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let scene = crate::scene::build(atlas, view, viewport, options, faces);
    let png = crate::draw::raster::render_png(&scene, faces)?;
    std::hint::black_box(png);
    Ok(ms(started))
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

/// The value at `q` (0..1) of sorted `values`; NaN when there are none.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The process's peak resident memory (Linux `VmHWM`), in megabytes.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A small deterministic generator (SplitMix64), so every run picks the same points.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl BenchReport {
    /// The report for people, one measure a line.
    pub fn to_text(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut out = String::new();
        if let serde_json::Value::Object(fields) = value {
            for (key, v) in fields {
                let text = match v {
                    serde_json::Value::Number(n) => match n.as_f64() {
                        Some(f) if n.is_f64() => format!("{f:.1}"),
                        _ => n.to_string(),
                    },
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(serde_json::Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" "),
                    other => other.to_string(),
                };
                out.push_str(&format!("{key}: {text}\n"));
            }
        }
        out
    }
}
