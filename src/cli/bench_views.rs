//! `bench` on a database table too big to read whole: the scripted session's views (a pan
//! across the table, a zoom in to a sixteenth of it and out again, plus a pan at 1:100,000)
//! each asked of the server as the window asks them, timed from the request to the answer
//! indexed, and each frame drawn as the window draws it.

use super::bench::{BenchReport, peak_rss_mb, percentile, scripted_view};
use crate::io::postgis::Source;
use crate::io::postgis::view::{ViewRequest, ViewSession};
use crate::model::atlas::Atlas;
use crate::model::layer::{Layer, LayerRole};
use crate::model::projection::world_from_lonlat;
use crate::model::view::{MapView, WorldBounds};
use crate::scene::fonts::Faces;
use egui::{Rect, pos2, vec2};
use std::time::Instant;

/// Benchmarks the table `url` names, read view by view, over `frames` views.
pub fn run(url: &str, width: u32, height: u32, frames: usize) -> anyhow::Result<BenchReport> {
    let source = Source::parse(url).map_err(|e| anyhow::anyhow!(e))?;
    let faces = Faces::load().map_err(|e| anyhow::anyhow!("the bundled font: {e}"))?;
    let started_all = Instant::now();
    let mut session = ViewSession::open(&source).map_err(|e| anyhow::anyhow!(e))?;
    let [w, s, e, n] = session
        .extent()
        .map_err(|e| anyhow::anyhow!(e))?
        .ok_or_else(|| anyhow::anyhow!("{}: the table holds no geometry", session.label()))?;
    let full = WorldBounds {
        min: world_from_lonlat([w, s]),
        max: world_from_lonlat([e, n]),
    };
    let size = vec2(width as f32, height as f32);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let mut atlas = Atlas::empty();
    atlas.layers.push(Layer::from_indexed(
        "bench-0",
        url,
        LayerRole::User,
        crate::model::atlas::user_style(0),
        url,
        crate::model::layer::Indexed::new(std::sync::Arc::new(
            crate::model::store::StoreBuilder::default().finish(),
        )),
    ));
    let mut ask = |view: &MapView, atlas: &mut Atlas| -> anyhow::Result<f64> {
        let started = Instant::now();
        let request = ViewRequest::of(view, viewport);
        let answer = session
            .query(&request)
            .map_err(|e| anyhow::anyhow!("{}: {e}", session.label()))?;
        let content = crate::io::postgis::view_follower::content(&source, request, answer, started)
            .map_err(|e| anyhow::anyhow!(e))?;
        let counted = content
            .cells
            .iter()
            .map(|c| (world_from_lonlat([c.lon, c.lat]), c.count))
            .collect();
        atlas.layers[0].replace_features(content.features, counted);
        Ok(started.elapsed().as_secs_f64() * 1e3)
    };
    let full_view = MapView::fitting(&full, size, 0.0);
    let mut report = BenchReport {
        files: vec![crate::io::postgis::redact(url)],
        frames,
        ..Default::default()
    };
    report.full_view_query_ms = ask(&full_view, &mut atlas)?;
    let mut timer = crate::cli::bench::FrameTimer::new(size);
    timer.frame(&atlas, &full_view, &faces);
    report.first_frame_ms = started_all.elapsed().as_secs_f64() * 1e3;
    report.peak_rss_first_frame_mb = peak_rss_mb().unwrap_or(f64::NAN);

    // The scripted session, then a pan at 1:100,000 across the middle of the table.
    let close = {
        let mut v = full_view;
        v.metres_per_point *= 100_000.0 / full_view.scale_denominator();
        v
    };
    let views: Vec<MapView> = (0..frames)
        .map(|i| scripted_view(&full, size, i, frames))
        .chain((0..frames.div_ceil(2)).map(|i| {
            let t = i as f64 / frames.div_ceil(2).max(1) as f64;
            MapView {
                center: [
                    full.min[0] + full.width() * (0.25 + 0.5 * t),
                    full.center()[1],
                ],
                ..close
            }
        }))
        .collect();
    let mut queries = Vec::new();
    let mut close_queries = Vec::new();
    let mut frame_times = Vec::new();
    for view in &views {
        let took = ask(view, &mut atlas)?;
        queries.push(took);
        if view.scale_denominator() <= 100_000.5 {
            close_queries.push(took);
        }
        // The whole frame, as the window draws it: scene, egui shapes, tessellation.
        frame_times.push(timer.frame(&atlas, view, &faces).as_secs_f64() * 1e3);
        report.features = report.features.max(atlas.layers[0].len());
    }
    for times in [&mut queries, &mut close_queries, &mut frame_times] {
        times.sort_by(f64::total_cmp);
    }
    report.viewport_queries = queries.len();
    report.viewport_query_p50_ms = percentile(&queries, 0.5);
    report.viewport_query_p95_ms = percentile(&queries, 0.95);
    report.viewport_query_close_p95_ms = percentile(&close_queries, 0.95);
    report.frame_p50_ms = percentile(&frame_times, 0.5);
    report.frame_p95_ms = percentile(&frame_times, 0.95);
    report.peak_rss_mb = peak_rss_mb().unwrap_or(f64::NAN);
    Ok(report)
}
