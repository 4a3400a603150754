//! Big layers look like their data: 100,000 small star polygons with holes (the density of
//! `benches/generate.py`'s polygons file) are drawn as what they cover, never as count badges,
//! at the full view and at 1:240,000, and every 8-pixel cell is painted exactly when some
//! polygon reaches into it (a brute-force twin decides, cell by cell).

use crate::support;

use egui::{Color32, Rect, pos2};
use geo::{Coord, Intersects, LineString, MapCoords, Polygon};
use karabakh_atlas::draw::raster::rasterize;
use karabakh_atlas::model::atlas::Atlas;
use karabakh_atlas::model::projection::{
    ground_per_world_metre, lonlat_from_world, world_from_lonlat,
};
use karabakh_atlas::model::view::MapView;
use karabakh_atlas::scene::fonts::Faces;
use karabakh_atlas::scene::{SceneOptions, build};
use support::Rng;

const VIEWPORT: Rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(1920.0, 1080.0));
const CELL: usize = 8;
/// How far (in pixels) a polygon may come near a cell's edge before the cell is left undecided:
/// anti-aliasing and the footprint's pixel snapping may or may not reach across.
const SLACK: f64 = 1.0;

/// A ten-pointed star around (cx, cy) in lon/lat, as `benches/generate.py` draws them.
fn star(cx: f64, cy: f64, outer: f64, inner: f64, n: usize, clockwise: bool) -> LineString<f64> {
    let mut ring: Vec<Coord<f64>> = (0..2 * n)
        .map(|k| {
            let a = std::f64::consts::PI * k as f64 / n as f64;
            let r = if k % 2 == 0 { outer } else { inner };
            Coord {
                x: cx + r * a.cos(),
                y: cy + r * a.sin() * 0.8,
            }
        })
        .collect();
    if clockwise {
        ring.reverse();
    }
    ring.push(ring[0]);
    LineString(ring)
}

fn stars(n: usize) -> Vec<Polygon<f64>> {
    let (west, south, east, north) = (45.9, 38.8, 47.6, 40.5);
    let mut rng = Rng::new(2);
    (0..n)
        .map(|_| {
            let cx = rng.range(west + 0.01, east - 0.01);
            let cy = rng.range(south + 0.01, north - 0.01);
            let size = rng.range(0.0008, 0.004);
            Polygon::new(
                star(cx, cy, size, size * 0.45, 5, false),
                vec![star(cx, cy, size * 0.3, size * 0.2, 4, true)],
            )
        })
        .collect()
}

/// Which cells must be painted (`Some(true)`), must stay empty (`Some(false)`) or are too close
/// to an edge to say (`None`), found by testing every polygon against the cells its box touches.
fn expected_cells(polygons: &[Polygon<f64>], view: &MapView) -> Vec<Option<bool>> {
    let (columns, rows) = (
        VIEWPORT.width() as usize / CELL,
        VIEWPORT.height() as usize / CELL,
    );
    let mut inside = vec![false; columns * rows];
    let mut near = vec![false; columns * rows];
    for polygon in polygons {
        let on_screen = polygon.map_coords(|c| {
            let p = view.screen_from_world(VIEWPORT, world_from_lonlat([c.x, c.y]));
            Coord {
                x: f64::from(p.x),
                y: f64::from(p.y),
            }
        });
        let Some(bounds) = geo::BoundingRect::bounding_rect(&on_screen) else {
            continue;
        };
        let cell_range = |lo: f64, hi: f64, count: usize| {
            let first = ((lo - SLACK) / CELL as f64).floor().max(0.0) as usize;
            let last = ((hi + SLACK) / CELL as f64).floor();
            (last >= 0.0).then(|| first..=(last as usize).min(count - 1))
        };
        let (Some(xs), Some(ys)) = (
            cell_range(bounds.min().x, bounds.max().x, columns),
            cell_range(bounds.min().y, bounds.max().y, rows),
        ) else {
            continue;
        };
        for y in ys {
            for x in xs.clone() {
                let rect = |grow: f64| {
                    geo::Rect::new(
                        Coord {
                            x: (x * CELL) as f64 - grow,
                            y: (y * CELL) as f64 - grow,
                        },
                        Coord {
                            x: ((x + 1) * CELL) as f64 + grow,
                            y: ((y + 1) * CELL) as f64 + grow,
                        },
                    )
                };
                let cell = y * columns + x;
                if !inside[cell] && on_screen.intersects(&rect(-SLACK)) {
                    inside[cell] = true;
                }
                if !near[cell] && on_screen.intersects(&rect(SLACK)) {
                    near[cell] = true;
                }
            }
        }
    }
    inside
        .iter()
        .zip(&near)
        .map(|(&inside, &near)| match (inside, near) {
            (true, _) => Some(true),
            (false, false) => Some(false),
            (false, true) => None,
        })
        .collect()
}

fn painted_cells(pixels: &[u8], background: Color32) -> Vec<bool> {
    let (width, columns, rows) = (
        VIEWPORT.width() as usize,
        VIEWPORT.width() as usize / CELL,
        VIEWPORT.height() as usize / CELL,
    );
    let bg = [background.r(), background.g(), background.b()];
    let mut painted = vec![false; columns * rows];
    for (i, px) in pixels.chunks_exact(4).enumerate() {
        let (x, y) = (i % width, i / width);
        if x / CELL < columns && y / CELL < rows && px[..3] != bg {
            painted[(y / CELL) * columns + x / CELL] = true;
        }
    }
    painted
}

fn check_view(atlas: &Atlas, polygons: &[Polygon<f64>], view: &MapView, name: &str) {
    let faces = Faces::load().unwrap();
    let mut scene = build(atlas, view, VIEWPORT, &SceneOptions::default(), &faces);
    assert!(
        scene.badges.is_empty(),
        "{name}: {} count badges drawn over areas",
        scene.badges.len()
    );
    assert!(
        !scene.dense.is_empty() || !scene.areas.is_empty(),
        "{name}: nothing drawn"
    );
    scene.show_scale_bar = false;
    scene.labels.clear();
    let pixmap = rasterize(&scene, &faces).unwrap();
    let painted = painted_cells(pixmap.data(), scene.background);
    let expected = expected_cells(polygons, view);
    let columns = VIEWPORT.width() as usize / CELL;
    let (mut decided, mut holding) = (0, 0);
    let mut wrong = Vec::new();
    for (cell, (&painted, expected)) in painted.iter().zip(&expected).enumerate() {
        let Some(expected) = *expected else { continue };
        decided += 1;
        holding += usize::from(expected);
        if painted != expected {
            wrong.push((cell % columns, cell / columns, expected));
        }
    }
    assert!(
        wrong.is_empty(),
        "{name}: {} of {decided} cells wrong (x, y, should be painted), first {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
    // The check means something only if both kinds of cell are many.
    assert!(
        holding > 500 && decided - holding > 500,
        "{name}: {holding} of {decided} decided cells hold a polygon"
    );
}

#[test]
fn small_areas_are_drawn_as_what_they_cover_at_the_full_view_and_at_1_to_240000() {
    let polygons = stars(100_000);
    let mut atlas = Atlas::empty();
    atlas.layers.push(support::layer_of(
        "stars",
        polygons
            .iter()
            .cloned()
            .map(geo::Geometry::Polygon)
            .collect(),
    ));
    let bounds = atlas.layers[0].bounds().unwrap();

    let full = MapView::fitting(&bounds, VIEWPORT.size(), 10.0);
    check_view(&atlas, &polygons, &full, "full view");

    let center = bounds.center();
    let latitude = lonlat_from_world(center)[1];
    let view = MapView {
        center,
        metres_per_point: 240_000.0 * 0.000_28 / ground_per_world_metre(latitude),
    };
    check_view(&atlas, &polygons, &view, "1:240,000");
}
