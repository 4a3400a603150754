//! Dense line layers: drawn into one image whose strokes match tiny-skia's, chosen by the scene
//! when a layer's lines in view hold too many vertices, and in the window drawn off the UI
//! thread, the last image moved with the camera until the new one arrives.

use crate::support;

use egui::{Color32, Rect, pos2, vec2};
use geo::{Coord, Geometry, LineString};
use karabakh_atlas::draw::backdrop::Backdrop;
use karabakh_atlas::model::atlas::Atlas;
use karabakh_atlas::model::store::FeatureId;
use karabakh_atlas::model::view::MapView;
use karabakh_atlas::scene::dense::{Coverage, DENSE_ABOVE_VERTICES, DenseImage};
use karabakh_atlas::scene::fonts::Faces;
use karabakh_atlas::scene::{Scene, SceneOptions, build};
use std::time::Duration;
use support::{Rng, layer_of};

fn alpha(c: &Coverage, width: usize, x: usize, y: usize) -> u8 {
    c.alpha[y * width + x]
}

#[test]
fn a_horizontal_stroke_covers_its_width_and_no_further() {
    let mut c = Coverage::new(32, 32);
    c.segment([2.0, 10.5], [20.0, 10.5], 1.0);
    // Square caps: the stroke goes on half its width past each end.
    for x in 1..21 {
        assert_eq!(alpha(&c, 32, x, 10), 255, "column {x}: the centre row");
        for y in [9, 11] {
            let a = alpha(&c, 32, x, y);
            assert!(
                (127..=128).contains(&a),
                "column {x} row {y}: half covered, got {a}"
            );
        }
        for y in [8, 12] {
            assert_eq!(
                alpha(&c, 32, x, y),
                0,
                "column {x} row {y}: beyond the stroke"
            );
        }
    }
    for y in 0..32 {
        for x in [0, 21] {
            assert_eq!(alpha(&c, 32, x, y), 0, "column {x}: beyond the cap");
        }
    }
}

#[test]
fn a_slanted_stroke_covers_its_width_across_every_row_and_column() {
    // Shallow: each column gets the stroke's width over the cosine of its angle.
    let mut c = Coverage::new(64, 40);
    c.segment([0.5, 5.0], [40.5, 25.0], 0.75);
    let expected = 2.0 * 0.75 * (1.0f32 + 0.25).sqrt();
    for x in 1..40 {
        let total: f32 = (0..40)
            .map(|y| f32::from(alpha(&c, 64, x, y)) / 255.0)
            .sum();
        assert!(
            (total - expected).abs() < 0.02,
            "column {x}: {total} against {expected}"
        );
    }
    // Steep: the same, along rows.
    let mut c = Coverage::new(40, 64);
    c.segment([5.0, 0.5], [25.0, 40.5], 0.75);
    for y in 1..40 {
        let total: f32 = (0..40)
            .map(|x| f32::from(alpha(&c, 40, x, y)) / 255.0)
            .sum();
        assert!(
            (total - expected).abs() < 0.02,
            "row {y}: {total} against {expected}"
        );
    }
}

#[test]
fn a_line_in_pieces_covers_as_one_segment_does() {
    let mut whole = Coverage::new(40, 20);
    whole.segment([0.0, 10.3], [30.0, 10.3], 0.75);
    let mut pieces = Coverage::new(40, 20);
    let xs = [0.0, 7.3, 15.0, 15.2, 30.0];
    for pair in xs.windows(2) {
        pieces.segment([pair[0], 10.3], [pair[1], 10.3], 0.75);
    }
    assert_eq!(whole.alpha, pieces.alpha);
}

#[test]
fn strokes_match_tiny_skias_within_anti_aliasing() {
    let (w, h) = (200usize, 200usize);
    let mut rng = Rng::new(7);
    let (mut x, mut y, mut heading) = (100.0f32, 100.0f32, 0.0f32);
    let mut points = vec![[x, y]];
    for _ in 0..400 {
        heading += rng.range(-0.4, 0.4) as f32;
        x = (x + 1.2 * heading.cos()).clamp(5.0, 195.0);
        y = (y + 1.2 * heading.sin()).clamp(5.0, 195.0);
        points.push([x, y]);
    }
    let mut ours = Coverage::new(w, h);
    ours.dot(points[0], 0.75);
    for pair in points.windows(2) {
        ours.segment(pair[0], pair[1], 0.75);
    }
    let mut pixmap = tiny_skia::Pixmap::new(w as u32, h as u32).unwrap();
    let mut path = tiny_skia::PathBuilder::new();
    path.move_to(points[0][0], points[0][1]);
    for p in &points[1..] {
        path.line_to(p[0], p[1]);
    }
    let mut paint = tiny_skia::Paint::default();
    paint.set_color_rgba8(0, 0, 0, 255);
    paint.anti_alias = true;
    let stroke = tiny_skia::Stroke {
        width: 1.5,
        line_join: tiny_skia::LineJoin::Round,
        line_cap: tiny_skia::LineCap::Round,
        ..Default::default()
    };
    pixmap.stroke_path(
        &path.finish().unwrap(),
        &paint,
        &stroke,
        tiny_skia::Transform::identity(),
        None,
    );
    let theirs: Vec<u8> = pixmap.pixels().iter().map(|p| p.alpha()).collect();
    // No pixel solid in one is empty in the other.
    for (i, (&a, &b)) in ours.alpha.iter().zip(&theirs).enumerate() {
        assert!(
            !(a > 200 && b == 0 || b > 200 && a == 0),
            "pixel ({}, {}): ours {a}, tiny-skia's {b}",
            i % w,
            i / w
        );
    }
    let sum = |v: &[u8]| v.iter().map(|&a| f64::from(a)).sum::<f64>();
    let (ours, theirs) = (sum(&ours.alpha), sum(&theirs));
    assert!(
        (ours / theirs - 1.0).abs() < 0.15,
        "ink: ours {ours}, tiny-skia's {theirs}"
    );
}

/// `n` random walks of `vertices` steps of 10 m, in lon/lat, around the middle of the region.
fn walks(n: usize, vertices: usize, seed: u64) -> Vec<Geometry<f64>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let (mut x, mut y) = (rng.range(46.5, 47.0), rng.range(39.5, 39.9));
            let mut heading = rng.range(0.0, std::f64::consts::TAU);
            let line = (0..vertices)
                .map(|_| {
                    heading += rng.range(-0.4, 0.4);
                    x += 0.0002 * heading.cos();
                    y += 0.0002 * heading.sin();
                    Coord { x, y }
                })
                .collect();
            Geometry::LineString(LineString(line))
        })
        .collect()
}

const VIEWPORT: Rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(800.0, 600.0));

/// An atlas of a dense layer (500 lines of 400 vertices) and a sparse one (5 of 50).
fn atlas() -> Atlas {
    let mut atlas = Atlas::empty();
    atlas.layers.push(layer_of("dense", walks(500, 400, 1)));
    atlas.layers.push(layer_of("sparse", walks(5, 50, 2)));
    atlas
}

fn whole_view(atlas: &Atlas) -> MapView {
    let bounds = atlas.layers[0].bounds().unwrap();
    MapView::fitting(&bounds, VIEWPORT.size(), 10.0)
}

fn scene_of<'a>(atlas: &'a Atlas, view: &MapView) -> Scene<'a> {
    build(
        atlas,
        view,
        VIEWPORT,
        &SceneOptions::default(),
        &Faces::load().unwrap(),
    )
}

#[test]
fn a_layer_with_too_many_vertices_in_view_is_drawn_as_one_image() {
    let atlas = atlas();
    let view = whole_view(&atlas);
    let scene = scene_of(&atlas, &view);
    assert_eq!(scene.dense.len(), 1, "only the dense layer");
    let dense = &scene.dense[0];
    assert_eq!(dense.layer_id, "dense");
    assert_eq!(dense.drawn.len(), 500, "every line in view");
    const { assert!(500 * 400 > DENSE_ABOVE_VERTICES) };
    assert_eq!(
        scene.lines.len(),
        5,
        "the sparse layer's lines are stroked one by one"
    );

    let image = dense.draw(1.0, 2);
    assert_eq!(image.size, [800, 600]);
    let colour = dense.drawn[0].1;
    let inked = image.pixels.iter().filter(|p| p.a() > 0).count();
    assert!(inked > 20_000, "{inked} pixels inked");
    assert!(
        image
            .pixels
            .iter()
            .filter(|p| p.a() == 255)
            .all(|p| *p == colour),
        "fully covered pixels are the lines' colour"
    );

    // Zoomed in on one line, fewer vertices are in view: back to strokes.
    let close = MapView {
        center: atlas.layers[0].features().next().unwrap().anchor(),
        metres_per_point: view.metres_per_point / 16.0,
    };
    let scene = scene_of(&atlas, &close);
    assert!(scene.dense.is_empty());
    assert!(!scene.lines.is_empty());
}

#[test]
fn the_png_and_the_svg_hold_the_dense_lines() {
    let atlas = atlas();
    let view = whole_view(&atlas);
    let scene = scene_of(&atlas, &view);
    let faces = Faces::load().unwrap();
    let pixmap = karabakh_atlas::draw::raster::rasterize(&scene, &faces).unwrap();
    let colour = scene.dense[0].drawn[0].1;
    let image = scene.dense[0].draw(1.0, 2);
    let covered = image.pixels.iter().filter(|p| p.a() == 255).count();
    let solid = pixmap
        .pixels()
        .iter()
        .filter(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()] == [colour.r(), colour.g(), colour.b()]
        })
        .count();
    assert!(
        covered > 10_000 && solid >= covered * 9 / 10,
        "{solid} pixels of the lines' colour in the PNG, {covered} fully covered in their image"
    );

    let svg = karabakh_atlas::draw::svg::to_svg(&scene, &faces);
    assert!(
        svg.matches("<polyline").count() >= 505,
        "the SVG keeps every line as a vector"
    );
}

#[test]
fn what_is_drawn_changes_the_content_key_and_where_does_not() {
    let atlas = atlas();
    let view = whole_view(&atlas);
    let dense = scene_of(&atlas, &view).dense.remove(0);
    let mut moved = dense.clone();
    moved.view.center[0] += 1000.0;
    assert_eq!(dense.content_key(), moved.content_key());
    let mut fewer = dense.clone();
    fewer.drawn.pop();
    assert_ne!(dense.content_key(), fewer.content_key());
    let mut recoloured = dense.clone();
    recoloured.drawn[0].1 = Color32::RED;
    assert_ne!(dense.content_key(), recoloured.content_key());
}

fn dense_lines(atlas: &Atlas, view: &MapView) -> Vec<DenseImage> {
    scene_of(atlas, view).dense
}

#[test]
fn the_window_moves_the_last_image_with_the_camera_until_the_next_is_drawn() {
    let atlas = atlas();
    let ctx = egui::Context::default();
    let mut backdrop = Backdrop::default();
    let view = whole_view(&atlas);

    // The first image is drawn off the UI thread: nothing to show until it arrives.
    let images = backdrop.images(&ctx, &dense_lines(&atlas, &view), &view, VIEWPORT);
    assert!(images.is_empty());
    assert!(backdrop.wait_for_image(&ctx, Duration::from_secs(30)));
    assert!(backdrop.is_up_to_date());
    let images = backdrop.images(&ctx, &dense_lines(&atlas, &view), &view, VIEWPORT);
    assert_eq!(images.len(), 1);
    let (texture, rect) = images[0];
    assert!((rect.min - VIEWPORT.min).length() < 1e-3 && (rect.max - VIEWPORT.max).length() < 1e-3);

    // Panned by 100 points and zoomed in 1.5 times: the old image follows, and a new one is
    // asked for.
    let mut moved = view;
    moved.pan_by_screen(vec2(100.0, 0.0));
    moved.zoom_at(VIEWPORT, VIEWPORT.center(), 1.5);
    let images = backdrop.images(&ctx, &dense_lines(&atlas, &moved), &moved, VIEWPORT);
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].0, texture, "the same texture, moved");
    let r = images[0].1;
    assert!(
        (r.width() - 1200.0).abs() < 0.5 && (r.height() - 900.0).abs() < 0.5,
        "{r:?}"
    );
    let centre = VIEWPORT.center() + vec2(100.0, 0.0) * 1.5;
    assert!((r.center() - centre).length() < 0.5, "{r:?}");
    assert!(!backdrop.is_up_to_date());

    // The new image arrives and fills the viewport again.
    assert!(backdrop.wait_for_image(&ctx, Duration::from_secs(30)));
    let images = backdrop.images(&ctx, &dense_lines(&atlas, &moved), &moved, VIEWPORT);
    let r = images[0].1;
    assert!((r.min - VIEWPORT.min).length() < 1e-3 && (r.max - VIEWPORT.max).length() < 1e-3);
    assert!(backdrop.is_up_to_date());

    // A still view asks for nothing more.
    assert!(!backdrop.wait_for_image(&ctx, Duration::from_millis(300)));

    // A layer no longer dense lets its image go.
    assert!(backdrop.images(&ctx, &[], &moved, VIEWPORT).is_empty());
}

#[test]
fn a_colour_given_later_is_drawn_over_an_earlier_one() {
    // Two lines along one parallel, overlapping in the middle; the eastern one first.
    let line = |from: f64, to: f64| {
        Geometry::LineString(LineString(vec![
            Coord { x: from, y: 39.7 },
            Coord { x: to, y: 39.7 },
        ]))
    };
    let layer = layer_of("two", vec![line(46.6, 46.8), line(46.5, 46.7)]);
    let viewport = Rect::from_min_max(pos2(0.0, 0.0), pos2(300.0, 40.0));
    let view = MapView::fitting(&layer.bounds().unwrap(), viewport.size(), 0.0);
    let mut lines = DenseImage::new("two", &layer.store, 3.0, view, viewport);
    lines.drawn = vec![(FeatureId(0), Color32::RED), (FeatureId(1), Color32::BLUE)];
    let image = lines.draw(1.0, 2);
    let row = 20 * 300;
    let at = |x: usize| image.pixels[row + x];
    assert_eq!(at(50), Color32::BLUE, "the western line alone");
    assert_eq!(
        at(150),
        Color32::BLUE,
        "where they overlap, the later colour"
    );
    assert_eq!(at(250), Color32::RED, "the eastern line alone");
}

/// `n` squares of `sides` vertices each (circles, near enough), side by side, in lon/lat.
fn rings(n: usize, sides: usize) -> Vec<Geometry<f64>> {
    (0..n)
        .map(|k| {
            let (cx, cy) = (46.5 + 0.01 * (k % 40) as f64, 39.5 + 0.01 * (k / 40) as f64);
            let ring: Vec<Coord> = (0..=sides)
                .map(|j| {
                    let t = std::f64::consts::TAU * (j % sides) as f64 / sides as f64;
                    Coord {
                        x: cx + 0.004 * t.cos(),
                        y: cy + 0.004 * t.sin(),
                    }
                })
                .collect();
            Geometry::Polygon(geo::Polygon::new(LineString(ring), vec![]))
        })
        .collect()
}

#[test]
fn areas_with_too_many_outline_vertices_keep_their_fills_and_give_the_outlines_to_the_image() {
    let mut atlas = Atlas::empty();
    atlas.layers.push(layer_of("areas", rings(400, 300)));
    let bounds = atlas.layers[0].bounds().unwrap();
    let view = MapView::fitting(&bounds, VIEWPORT.size(), 10.0);
    let scene = scene_of(&atlas, &view);
    assert_eq!(scene.areas.len(), 400, "every fill is drawn as a mesh");
    assert!(
        scene.areas.iter().all(|a| a.stroke == egui::Stroke::NONE),
        "no outline is stroked one by one"
    );
    assert_eq!(scene.dense.len(), 1);
    let dense = &scene.dense[0];
    assert_eq!(dense.drawn.len(), 400);
    assert_eq!(dense.width, atlas.layers[0].style.stroke_width);
    let outline = atlas.layers[0].style.stroke;
    assert!(dense.drawn.iter().all(|&(_, c)| c == outline));

    // The image holds closed rings: inked all round each area, and empty inside.
    let image = dense.draw(1.0, 2);
    let inked = image.pixels.iter().filter(|p| p.a() > 0).count();
    assert!(inked > 400 * 20, "{inked} pixels inked");
    let f = atlas.layers[0].features().next().unwrap();
    let centre = view.screen_from_world(VIEWPORT, f.anchor());
    let at = |p: egui::Pos2| image.pixels[p.y as usize * 800 + p.x as usize];
    assert_eq!(
        at(centre).a(),
        0,
        "the inside of a ring is left to the fill"
    );
    // Along a row through the centre, the ring is crossed twice: ink on both sides.
    let row: Vec<bool> = (0..800)
        .map(|x| at(pos2(x as f32, centre.y)).a() > 0)
        .collect();
    let left = row[..centre.x as usize].iter().rposition(|&i| i);
    let right = row[centre.x as usize..].iter().position(|&i| i);
    assert!(
        left.is_some() && right.is_some(),
        "the ring is closed on both sides"
    );

    // Few outline vertices in view: the areas are stroked as before.
    let mut small = Atlas::empty();
    small.layers.push(layer_of("few", rings(10, 30)));
    let view = MapView::fitting(&small.layers[0].bounds().unwrap(), VIEWPORT.size(), 10.0);
    let scene = scene_of(&small, &view);
    assert!(scene.dense.is_empty());
    assert!(scene.areas.iter().all(|a| a.stroke != egui::Stroke::NONE));
}

#[test]
fn an_area_outline_is_closed() {
    let square = LineString(vec![
        Coord { x: 46.5, y: 39.5 },
        Coord { x: 46.6, y: 39.5 },
        Coord { x: 46.6, y: 39.6 },
        Coord { x: 46.5, y: 39.6 },
        Coord { x: 46.5, y: 39.5 },
    ]);
    let layer = layer_of(
        "square",
        vec![Geometry::Polygon(geo::Polygon::new(square, vec![]))],
    );
    let view = MapView::fitting(&layer.bounds().unwrap(), VIEWPORT.size(), 50.0);
    let mut lines = DenseImage::new("square", &layer.store, 2.0, view, VIEWPORT);
    lines.drawn = vec![(FeatureId(0), Color32::BLACK)];
    let image = lines.draw(1.0, 1);
    let corner = |lon: f64, lat: f64| {
        view.screen_from_world(
            VIEWPORT,
            karabakh_atlas::model::projection::world_from_lonlat([lon, lat]),
        )
    };
    let corners = [
        corner(46.5, 39.5),
        corner(46.6, 39.5),
        corner(46.6, 39.6),
        corner(46.5, 39.6),
    ];
    for k in 0..4 {
        let middle = corners[k] + (corners[(k + 1) % 4] - corners[k]) / 2.0;
        let p = image.pixels[middle.y as usize * 800 + middle.x as usize];
        assert_eq!(p, Color32::BLACK, "side {k} at {middle:?}");
    }
}

#[test]
fn a_small_layer_gets_every_band_built_in_the_background_once_made() {
    use karabakh_atlas::model::layer::lod::{self, BANDS, Detail};
    let ring = |x: f64| {
        let outline = vec![
            (x, 39.0),
            (x + 0.3, 39.05),
            (x + 0.25, 39.4),
            (x + 0.02, 39.3),
        ];
        Geometry::Polygon(geo::Polygon::new(LineString::from(outline), vec![]))
    };
    let layer = support::layer_of(
        "small",
        (0..20).map(|i| ring(46.0 + 0.05 * i as f64)).collect(),
    );
    let first = lod::first_band(&layer.store).expect("areas have a first band");
    let all_built = || {
        layer.features().all(|f| {
            (first..BANDS).all(|band| lod::is_built(&layer.store, f.id, Detail::Band(band)))
        })
    };
    // Nothing draws the layer here: only the build started when it was made can fill them.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !all_built() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(all_built(), "bands {first}..{BANDS} not all built");
}
