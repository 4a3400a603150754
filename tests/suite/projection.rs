//! Web Mercator: projecting and unprojecting returns the same place.

use crate::support;

use karabakh_atlas::model::projection::{lonlat_from_world, world_from_lonlat};
use karabakh_atlas::model::view::MapView;
use support::Rng;

#[test]
fn lonlat_survives_a_round_trip_through_world_metres() {
    let mut rng = Rng::new(1);
    for _ in 0..10_000 {
        let lonlat = [rng.range(-180.0, 180.0), rng.range(-85.0, 85.0)];
        let back = lonlat_from_world(world_from_lonlat(lonlat));
        assert!((back[0] - lonlat[0]).abs() < 1e-9, "{lonlat:?} → {back:?}");
        assert!((back[1] - lonlat[1]).abs() < 1e-9, "{lonlat:?} → {back:?}");
    }
}

#[test]
fn known_points_project_to_published_web_mercator_values() {
    // EPSG:3857 of (0, 0) is the origin; the equator's end is at π·R.
    let origin = world_from_lonlat([0.0, 0.0]);
    assert!(
        origin[0].abs() < 1e-6 && origin[1].abs() < 1e-6,
        "{origin:?}"
    );
    let edge = world_from_lonlat([180.0, 0.0]);
    assert!((edge[0] - 20_037_508.342_789_244).abs() < 1e-6);
    // Shusha (46.75°E, 39.76°N): y = R·ln(tan(π/4 + φ/2)).
    let shusha = world_from_lonlat([46.75, 39.76]);
    assert!(
        (shusha[0] - 5_204_186.194_585_539).abs() < 1e-6,
        "{shusha:?}"
    );
    assert!(
        (shusha[1] - 4_831_127.180_337_783).abs() < 1e-6,
        "{shusha:?}"
    );
}

#[test]
fn screen_and_world_round_trip_through_a_view() {
    let viewport = egui::Rect::from_min_size(egui::pos2(30.0, 40.0), egui::vec2(800.0, 600.0));
    let view = MapView {
        center: world_from_lonlat([46.7, 39.6]),
        metres_per_point: 123.4,
    };
    let mut rng = Rng::new(2);
    for _ in 0..1000 {
        let p = egui::pos2(rng.range(30.0, 830.0) as f32, rng.range(40.0, 640.0) as f32);
        let back = view.screen_from_world(viewport, view.world_from_screen(viewport, p));
        assert!((back - p).length() < 1e-3, "{p:?} → {back:?}");
    }
}

#[test]
fn zooming_at_a_point_keeps_that_point_under_the_cursor() {
    let viewport = egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(800.0, 600.0));
    let mut view = MapView {
        center: world_from_lonlat([46.7, 39.6]),
        metres_per_point: 200.0,
    };
    let cursor = egui::pos2(123.0, 456.0);
    let before = view.world_from_screen(viewport, cursor);
    view.zoom_at(viewport, cursor, 3.0);
    let after = view.world_from_screen(viewport, cursor);
    assert!((view.metres_per_point - 200.0 / 3.0).abs() < 1e-9);
    assert!((before[0] - after[0]).abs() < 1e-6 && (before[1] - after[1]).abs() < 1e-6);
}
