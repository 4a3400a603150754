//! Point aggregation: a layer with more points in view than `CLUSTER_ABOVE` is drawn as one
//! symbol per screen square with the number of points it stands for, so what is drawn follows
//! the screen, not the data; every point is counted once, and zoomed in the points come back.

use crate::support;

use egui::{Rect, pos2, vec2};
use karabakh_atlas::model::atlas::{Atlas, user_style};
use karabakh_atlas::model::feature::Feature;
use karabakh_atlas::model::layer::clusters::{CLUSTER_ABOVE, CLUSTER_CELL_POINTS};
use karabakh_atlas::model::layer::{Layer, LayerRole};
use karabakh_atlas::model::view::MapView;
use karabakh_atlas::scene::fonts::Faces;
use karabakh_atlas::scene::{SceneOptions, build};
use support::Rng;

fn atlas_of_points(n: usize) -> Atlas {
    let mut rng = Rng::new(5);
    let points: Vec<Feature> = (0..n)
        .map(|index| Feature {
            geometry: geo::Geometry::Point(geo::point!(
                x: rng.range(46.0, 47.5),
                y: rng.range(39.2, 40.4)
            )),
            properties: serde_json::json!({ "v": index })
                .as_object()
                .unwrap()
                .clone(),
            index,
        })
        .collect();
    let mut atlas = Atlas::empty();
    atlas.layers.push(Layer::from_features(
        "points",
        "points",
        LayerRole::User,
        user_style(0),
        "points.geojson",
        &points,
    ));
    atlas
}

#[test]
fn many_points_become_clusters_that_count_every_point_once() {
    let n = 20_000;
    let atlas = atlas_of_points(n);
    let faces = Faces::load().unwrap();
    let size = vec2(1200.0, 800.0);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let all = atlas.layers[0].bounds().unwrap();
    let view = MapView::fitting(&all, size, 20.0);
    let scene = build(&atlas, &view, viewport, &SceneOptions::default(), &faces);

    let cells = ((size.x / CLUSTER_CELL_POINTS).ceil() + 1.0)
        * ((size.y / CLUSTER_CELL_POINTS).ceil() + 1.0);
    assert!(
        (scene.symbols.len() as f32) <= cells,
        "{} symbols for {cells} screen squares",
        scene.symbols.len()
    );
    let clusters: Vec<_> = scene.badges.iter().filter(|b| b.on_cluster).collect();
    let singles = scene.symbols.len() - clusters.len();
    let counted: usize = clusters.iter().map(|b| b.count).sum::<usize>() + singles;
    assert_eq!(counted, n, "the clusters count {counted} of {n} points");
    // Each cluster sits inside its square, at the mean of its points.
    for b in &scene.badges {
        assert!(viewport.expand(1.0).contains(b.center), "{:?}", b.center);
    }
    assert!(scene.labels.is_empty(), "labels for 20,000 points");
}

#[test]
fn zoomed_in_the_points_come_back_one_by_one() {
    let atlas = atlas_of_points(20_000);
    let faces = Faces::load().unwrap();
    let size = vec2(1200.0, 800.0);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let all = atlas.layers[0].bounds().unwrap();
    // A view of 1/400 of the area holds about 50 points: fewer than CLUSTER_ABOVE.
    let c = all.center();
    let (w, h) = (all.width() / 20.0, all.height() / 20.0);
    let zoomed = karabakh_atlas::model::view::WorldBounds {
        min: [c[0] - w / 2.0, c[1] - h / 2.0],
        max: [c[0] + w / 2.0, c[1] + h / 2.0],
    };
    let view = MapView::fitting(&zoomed, size, 0.0);
    let in_view = atlas.layers[0]
        .features_in(&view.visible_bounds(viewport))
        .len();
    assert!(in_view > 0 && in_view <= CLUSTER_ABOVE, "{in_view} in view");
    let scene = build(&atlas, &view, viewport, &SceneOptions::default(), &faces);
    assert_eq!(scene.symbols.len(), in_view);
    assert!(
        scene.badges.iter().all(|b| !b.on_cluster),
        "clusters when zoomed in"
    );
}

#[test]
fn a_badge_counts_in_a_few_characters() {
    let text = |count| {
        karabakh_atlas::scene::BadgeItem {
            center: pos2(0.0, 0.0),
            count,
            on_cluster: true,
        }
        .text()
    };
    assert_eq!(text(950), "950");
    assert_eq!(text(1_234), "1.2k");
    assert_eq!(text(34_000), "34k");
    assert_eq!(text(1_000_000), "1.0M");
}

#[test]
fn every_level_of_the_point_pyramid_counts_every_point_once() {
    let n = 20_000;
    let atlas = atlas_of_points(n);
    let layer = &atlas.layers[0];
    let pyramid = layer
        .point_pyramid
        .as_ref()
        .expect("a pyramid for 20,000 points");
    let everywhere = karabakh_atlas::model::view::WorldBounds {
        min: [-2.1e7, -2.1e7],
        max: [2.1e7, 2.1e7],
    };
    // The finest squares hold a few points each on average, not one.
    let finest = pyramid.level_at_least(pyramid.finest_cell()).unwrap();
    let finest_squares = finest.cells_in(&everywhere).len();
    assert!(
        finest_squares <= n / 2,
        "{finest_squares} finest squares for {n} points"
    );
    let mut metres = pyramid.finest_cell();
    let mut levels = 0;
    while let Some(level) = pyramid.level_at_least(metres) {
        let cells = level.cells_in(&everywhere);
        assert_eq!(
            cells.iter().map(|c| c.count).sum::<usize>(),
            n,
            "{} m",
            level.cell
        );
        // Each square's cluster sits at the mean of the points in its square (its mean lies
        // in its square, which names it), counted by going through every point.
        for c in cells.iter().step_by(cells.len().div_ceil(200)) {
            let [x, y] = c.center();
            let square = |p: [f64; 2]| {
                (
                    (p[0] / level.cell).floor() as i64,
                    (p[1] / level.cell).floor() as i64,
                )
            };
            let members: Vec<[f64; 2]> = layer
                .features()
                .map(|f| f.anchor())
                .filter(|&p| square(p) == square([x, y]))
                .collect();
            assert_eq!(
                members.len(),
                c.count,
                "{} m: the square's count",
                level.cell
            );
            let n = members.len() as f64;
            let mean = [
                members.iter().map(|p| p[0]).sum::<f64>() / n,
                members.iter().map(|p| p[1]).sum::<f64>() / n,
            ];
            assert!(
                (mean[0] - x).abs() < 1e-6 && (mean[1] - y).abs() < 1e-6,
                "{} m: the cluster at {:?} is not at its points' mean {mean:?}",
                level.cell,
                [x, y]
            );
        }
        metres = level.cell * 2.0;
        levels += 1;
    }
    assert!(levels > 10, "{levels} levels");
    // Closer than the finest level, there is none: the scene bins the points itself.
    assert!(
        pyramid
            .level_at_least(pyramid.finest_cell() / 2.0)
            .is_none()
    );
}

#[test]
fn with_a_filter_on_the_layer_the_clusters_count_only_the_points_it_shows() {
    let n = 20_000;
    let atlas = atlas_of_points(n);
    let faces = Faces::load().unwrap();
    let size = vec2(1200.0, 800.0);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let view = MapView::fitting(&atlas.layers[0].bounds().unwrap(), size, 20.0);
    let mut filter = karabakh_atlas::model::filter::FeatureFilter::default();
    filter.layers.insert(
        "points".to_owned(),
        karabakh_atlas::model::filter::LayerFilter {
            range: Some(karabakh_atlas::model::filter::NumericRange {
                attribute: "v".to_owned(),
                min: 0.0,
                max: 7_999.0,
            }),
            ..Default::default()
        },
    );
    let options = SceneOptions {
        filter: &filter,
        ..SceneOptions::default()
    };
    let scene = build(&atlas, &view, viewport, &options, &faces);
    let clusters: Vec<_> = scene.badges.iter().filter(|b| b.on_cluster).collect();
    assert!(!clusters.is_empty());
    let singles = scene.symbols.len() - clusters.len();
    let counted: usize = clusters.iter().map(|b| b.count).sum::<usize>() + singles;
    assert_eq!(counted, 8_000);
}

/// `n` squares over the region, from a few metres to tens of kilometres across (log-uniform).
fn layer_of_squares(n: usize) -> Layer {
    let mut rng = Rng::new(9);
    let squares: Vec<Feature> = (0..n)
        .map(|index| {
            let (x, y) = (rng.range(45.0, 48.0), rng.range(39.0, 40.5));
            let d = 10f64.powf(rng.range(-4.5, -0.5));
            let ring =
                geo::LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]);
            Feature {
                geometry: geo::Geometry::Polygon(geo::Polygon::new(ring, vec![])),
                properties: serde_json::Map::new(),
                index,
            }
        })
        .collect();
    Layer::from_features(
        "squares",
        "squares",
        LayerRole::User,
        user_style(0),
        "squares.geojson",
        &squares,
    )
}

#[test]
fn the_area_pyramid_splits_the_areas_in_view_into_wide_and_tiny_as_going_through_every_one_does() {
    let n = CLUSTER_ABOVE * 3;
    let layer = layer_of_squares(n);
    let pyramid = layer
        .area_pyramid
        .as_ref()
        .expect("a crowded layer of areas");
    let size = vec2(1200.0, 800.0);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let all = layer.bounds().unwrap();
    let (mut wide_seen, mut tiny_seen) = (0, 0);
    // From 64 times farther out than the whole layer to 16 times closer in.
    for zoom in -6..=4 {
        let mut view = MapView::fitting(&all, size, 0.0);
        view.metres_per_point /= 2f64.powi(zoom);
        let visible = view.visible_bounds(viewport);
        let below = karabakh_atlas::scene::tiny_below(&view);
        let mut wide = pyramid.in_view(&visible, below, true);
        let mut tiny = pyramid.in_view(&visible, below, false);
        wide.sort_unstable();
        tiny.sort_unstable();
        let (mut wide_expected, mut tiny_expected) = (Vec::new(), Vec::new());
        for f in layer.features() {
            let b = f.bounds();
            if !b.intersects(&visible) {
                continue;
            }
            if b.width().max(b.height()) >= below {
                wide_expected.push(f.id);
            } else {
                tiny_expected.push(f.id);
            }
        }
        assert_eq!(wide, wide_expected, "zoom {zoom}: the wide areas");
        assert_eq!(tiny, tiny_expected, "zoom {zoom}: the tiny areas");
        assert_eq!(
            pyramid.count_in_view(&visible, below, false, 100),
            tiny.len().min(100)
        );
        wide_seen += wide.len();
        tiny_seen += tiny.len();
    }
    assert!(
        wide_seen > n / 2 && tiny_seen > n,
        "{wide_seen} wide, {tiny_seen} tiny"
    );
}
