//! Picking through the R-tree gives exactly what testing every feature gives.

use crate::support;

use karabakh_atlas::model::filter::FeatureFilter;
use karabakh_atlas::model::store::FeatureView;
use karabakh_atlas::query::pick::{pick, pick_brute_force};
use support::Rng;

#[test]
fn the_index_matches_a_brute_force_pick_at_10000_random_points() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let home = atlas.home_bounds();
    let pad = home.width().max(home.height()) * 0.25;
    let mut rng = Rng::new(42);
    let mut non_empty = 0;
    for i in 0..10_000 {
        let at = [
            rng.range(home.min[0] - pad, home.max[0] + pad),
            rng.range(home.min[1] - pad, home.max[1] + pad),
        ];
        // Tolerance varies from street to region scale.
        let tolerance = [10.0, 300.0, 3000.0][i % 3];
        let fast = pick(&atlas.layers, &FeatureFilter::default(), at, tolerance);
        let slow = pick_brute_force(&atlas.layers, &FeatureFilter::default(), at, tolerance);
        assert_eq!(fast, slow, "point {i} at {at:?}, tolerance {tolerance}");
        if !fast.is_empty() {
            non_empty += 1;
        }
    }
    assert!(non_empty > 1000, "only {non_empty} picks hit anything");
}

/// What `is_under` means, in geo's terms alone: inside an area (or within the tolerance of
/// one under two tolerances across), within the tolerance of a point or a line.
fn is_under_by_definition(f: FeatureView<'_>, at: [f64; 2], tolerance: f64) -> bool {
    use geo::{Distance, Euclidean, Intersects};
    let point = geo::Point::new(at[0], at[1]);
    let world = f.world();
    if f.is_areal() {
        let b = f.bounds();
        let tiny = b.width().max(b.height()) < 2.0 * tolerance;
        world.intersects(&point) || (tiny && Euclidean.distance(&world, &point) <= tolerance)
    } else {
        Euclidean.distance(&world, &point) <= tolerance
    }
}

#[test]
fn the_exact_test_agrees_with_its_definition_in_and_around_every_embedded_feature() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let mut rng = Rng::new(11);
    let (mut hits, mut misses) = (0, 0);
    for layer in &atlas.layers {
        for f in layer.features() {
            let bounds = f.bounds();
            let size = bounds.width().max(bounds.height()).max(1.0);
            // From far inside a tolerance (the feature is tiny) to a sliver of its size.
            for tolerance in [size * 2.0, size * 0.6, size * 0.05, 0.0] {
                let pad = tolerance * 1.5 + size * 0.1;
                for _ in 0..40 {
                    let at = [
                        rng.range(bounds.min[0] - pad, bounds.max[0] + pad),
                        rng.range(bounds.min[1] - pad, bounds.max[1] + pad),
                    ];
                    let expected = is_under_by_definition(f, at, tolerance);
                    assert_eq!(
                        karabakh_atlas::query::pick::is_under(f, at, tolerance),
                        expected,
                        "{} at {at:?}, tolerance {tolerance}",
                        f.display_name(Default::default())
                    );
                    if expected {
                        hits += 1;
                    } else {
                        misses += 1;
                    }
                }
            }
        }
    }
    assert!(hits > 1000 && misses > 1000, "{hits} hits, {misses} misses");
}

#[test]
fn a_point_inside_a_district_box_but_outside_the_district_is_not_picked() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let layer = atlas.layer_by_id("districts").expect("districts layer");
    let layer = &atlas.layers[layer];
    let mut rng = Rng::new(7);
    let mut outside_but_in_box = 0;
    for f in layer.features() {
        let bounds = f.bounds();
        for _ in 0..200 {
            let at = [
                rng.range(bounds.min[0], bounds.max[0]),
                rng.range(bounds.min[1], bounds.max[1]),
            ];
            if !karabakh_atlas::query::pick::is_under(f, at, 0.0) {
                outside_but_in_box += 1;
                let hits = pick(&atlas.layers, &FeatureFilter::default(), at, 0.0);
                assert!(
                    !hits
                        .iter()
                        .any(|h| h.layer == layer.key && h.feature == f.id),
                    "picked {} outside its polygon",
                    f.display_name(Default::default())
                );
            }
        }
    }
    assert!(outside_but_in_box > 100, "the test never left a polygon");
}

#[test]
fn a_hidden_layer_is_not_picked() {
    let mut atlas = karabakh_atlas::io::embedded::atlas();
    let index = atlas.layer_by_id("districts").expect("districts layer");
    let key = atlas.layers[index].key;
    let anchor = atlas.layers[index].features().next().unwrap().anchor();
    assert!(
        pick(&atlas.layers, &FeatureFilter::default(), anchor, 1.0)
            .iter()
            .any(|h| h.layer == key)
    );
    atlas.layers[index].visible = false;
    assert!(
        !pick(&atlas.layers, &FeatureFilter::default(), anchor, 1.0)
            .iter()
            .any(|h| h.layer == key)
    );
}

#[test]
fn an_area_too_small_to_see_is_picked_near_its_symbol_but_not_when_zoomed_in() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let r = atlas.find_by_id("city-shusha").unwrap();
    let (_, zone) = atlas.feature(r).unwrap();
    let bounds = zone.bounds();
    let size = bounds.width().max(bounds.height());
    // Just outside Shusha City, to the east.
    let beside = [bounds.max[0] + size * 0.2, bounds.center()[1]];
    // Zoomed out: 7 points of tolerance are far wider than the small city.
    let far_tolerance = size;
    assert!(
        pick(
            &atlas.layers,
            &FeatureFilter::default(),
            beside,
            far_tolerance
        )
        .contains(&r)
    );
    // Zoomed in, the city is big on screen and must be hit inside, as any area.
    let near_tolerance = size / 20.0;
    assert!(
        !pick(
            &atlas.layers,
            &FeatureFilter::default(),
            beside,
            near_tolerance
        )
        .contains(&r)
    );
    assert!(
        pick(
            &atlas.layers,
            &FeatureFilter::default(),
            zone.anchor(),
            near_tolerance
        )
        .contains(&r)
    );
}

#[test]
fn a_label_anchor_lies_inside_shapes_whose_centroid_does_not() {
    use geo::{Contains, Point, Polygon, polygon};
    let shapes: Vec<Polygon<f64>> = vec![
        // A C open to the east: its centroid is in the gap.
        polygon![(x: 46.0, y: 39.0), (x: 47.0, y: 39.0), (x: 47.0, y: 39.2), (x: 46.2, y: 39.2),
                 (x: 46.2, y: 39.8), (x: 47.0, y: 39.8), (x: 47.0, y: 40.0), (x: 46.0, y: 40.0)],
        // A ring round a hole that holds the centroid.
        polygon!(
            exterior: [(x: 46.0, y: 39.0), (x: 47.0, y: 39.0), (x: 47.0, y: 40.0), (x: 46.0, y: 40.0)],
            interiors: [[(x: 46.1, y: 39.1), (x: 46.9, y: 39.1), (x: 46.9, y: 39.9), (x: 46.1, y: 39.9)]],
        ),
    ];
    for (n, shape) in shapes.into_iter().enumerate() {
        let feature = karabakh_atlas::model::feature::Feature {
            geometry: geo::Geometry::Polygon(shape),
            properties: serde_json::Map::new(),
            index: n,
        };
        let store = karabakh_atlas::model::store::FeatureStore::from_features(&[feature]);
        let f = store.iter().next().unwrap();
        let world = match f.world() {
            geo::Geometry::Polygon(p) => p,
            other => panic!("{other:?}"),
        };
        let [x, y] = f.anchor();
        assert!(
            world.contains(&Point::new(x, y)),
            "shape {n}: anchor {x}, {y} is outside"
        );
    }
}

#[test]
fn of_two_nested_areas_under_the_click_the_smaller_is_listed_first() {
    use geo::{Geometry, Rect, coord};
    let square = |half: f64| {
        Geometry::Polygon(
            Rect::new(
                coord! { x: 46.5 - half, y: 39.5 - half },
                coord! { x: 46.5 + half, y: 39.5 + half },
            )
            .to_polygon(),
        )
    };
    // The smaller square first in the file, then the larger one: the order is by size, not
    // by the later-over-earlier rule.
    let layer = support::layer_of("nested", vec![square(0.1), square(0.4)]);
    let at = karabakh_atlas::model::projection::world_from_lonlat([46.5, 39.5]);
    let hits = pick(
        std::slice::from_ref(&layer),
        &FeatureFilter::default(),
        at,
        1.0,
    );
    let areas: Vec<f64> = hits
        .iter()
        .map(|h| layer.feature(h.feature).unwrap().bounds().width())
        .collect();
    assert_eq!(areas.len(), 2, "both squares hold the click");
    assert!(
        areas[0] < areas[1],
        "the larger square came first: {areas:?}"
    );
}
