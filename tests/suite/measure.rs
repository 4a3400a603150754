//! Measurements agree with GeographicLib's published values to within 1 m and 0.01%.

use karabakh_atlas::model::measure::{
    MeasureMode, Measurement, geodesic_area_m2, geodesic_distance_m,
};

fn close(measured: f64, published: f64) -> bool {
    let diff = (measured - published).abs();
    diff <= 1.0 && diff <= published.abs() * 1e-4
}

#[test]
fn wellington_to_salamanca_matches_geographiclib() {
    // GeographicLib's documented example: Inverse(-41.32, 174.81, 40.96, -5.50) on WGS84
    // gives s12 = 19959679.267353 m.
    let d = geodesic_distance_m([174.81, -41.32], [-5.50, 40.96]);
    assert!(close(d, 19_959_679.267_353), "{d}");
}

#[test]
fn jfk_to_lhr_matches_geographiclib() {
    // GeographicLib's documented example: Inverse(40.6, -73.8, 51.6, -0.5) gives 5551759.400319 m.
    let d = geodesic_distance_m([-73.8, 40.6], [-0.5, 51.6]);
    assert!(close(d, 5_551_759.400_319), "{d}");
}

#[test]
fn the_antarctica_polygon_matches_geographiclib() {
    // GeographicLib's documented Planimeter example: 18 vertices, perimeter 16831067.893 m,
    // area 13662703680020.1 m².
    let lat_lon = [
        [-63.1, -58.0],
        [-72.9, -74.0],
        [-71.9, -102.0],
        [-74.9, -102.0],
        [-74.3, -131.0],
        [-77.5, -163.0],
        [-77.4, 163.0],
        [-71.7, 172.0],
        [-65.9, 140.0],
        [-65.7, 113.0],
        [-66.6, 88.0],
        [-66.9, 59.0],
        [-69.8, 25.0],
        [-70.0, -4.0],
        [-71.0, -14.0],
        [-77.3, -33.0],
        [-77.9, -46.0],
        [-74.7, -61.0],
    ];
    let mut m = Measurement::new(MeasureMode::Area);
    m.vertices = lat_lon.iter().map(|[lat, lon]| [*lon, *lat]).collect();
    assert!(
        close(m.total_m(), 16_831_067.893),
        "perimeter {}",
        m.total_m()
    );
    let area = m.area_m2().unwrap();
    assert!(
        (area - 13_662_703_680_020.1).abs() <= 13_662_703_680_020.1 * 1e-4,
        "area {area}"
    );
    assert!(close(geodesic_area_m2(&m.vertices), area));
}

#[test]
fn a_polyline_reports_each_segment_and_the_total() {
    let mut m = Measurement::new(MeasureMode::Distance);
    m.vertices = vec![[46.75, 39.76], [47.14529, 39.60094], [47.19639, 39.59417]];
    let segments = m.segments_m();
    assert_eq!(segments.len(), 2);
    assert!((m.total_m() - segments.iter().sum::<f64>()).abs() < 1e-9);
    let report = m.report();
    assert!(report.contains("segment 2:"), "{report}");
    assert!(report.contains("total:"), "{report}");
    assert_eq!(m.area_m2(), None);
}

/// Found by fuzzing the loader: geo's unsigned area reads a clockwise ring as the rest of the
/// earth. Vertices clicked clockwise measure the same as counter-clockwise.
#[test]
fn clicking_clockwise_measures_the_same_area() {
    let ccw = [[46.5, 39.5], [46.6, 39.5], [46.6, 39.6], [46.5, 39.6]];
    let cw: Vec<[f64; 2]> = ccw.iter().rev().copied().collect();
    let a = geodesic_area_m2(&ccw);
    let b = geodesic_area_m2(&cw);
    assert!((9.0e7..1.0e8).contains(&a), "{a}");
    assert!((a - b).abs() < 1e-6 * a, "{a} {b}");
}
