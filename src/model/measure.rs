//! Measuring on the WGS84 ellipsoid: geodesic lengths of a polyline's segments and the area
//! of a polygon, with geo's Karney (GeographicLib) algorithms.

use geo::{Distance, Geodesic, GeodesicArea};

/// What is being measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasureMode {
    Distance,
    Area,
}

/// A measurement in progress: its vertices as `[longitude, latitude]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    pub mode: MeasureMode,
    pub vertices: Vec<[f64; 2]>,
}

impl Measurement {
    pub fn new(mode: MeasureMode) -> Self {
        Self {
            mode,
            vertices: Vec::new(),
        }
    }

    /// Geodesic length of each segment, in metres (for an area, the closing one too).
    pub fn segments_m(&self) -> Vec<f64> {
        let mut segments: Vec<f64> = self
            .vertices
            .windows(2)
            .map(|w| geodesic_distance_m(w[0], w[1]))
            .collect();
        if self.mode == MeasureMode::Area
            && self.vertices.len() > 2
            && let (Some(first), Some(last)) = (self.vertices.first(), self.vertices.last())
        {
            segments.push(geodesic_distance_m(*last, *first));
        }
        segments
    }

    /// The sum of the segments, in metres.
    pub fn total_m(&self) -> f64 {
        // Not `sum()`: a float sum of nothing is -0.0, shown as "-0 m".
        self.segments_m().iter().fold(0.0, |a, b| a + b)
    }

    /// The geodesic area enclosed, in square metres (needs three vertices).
    pub fn area_m2(&self) -> Option<f64> {
        (self.mode == MeasureMode::Area && self.vertices.len() > 2)
            .then(|| geodesic_area_m2(&self.vertices))
    }

    /// The measurement as text, for the clipboard.
    pub fn report(&self) -> String {
        let mut lines = vec![match self.mode {
            MeasureMode::Distance => "Distance (geodesic, WGS84)".to_owned(),
            MeasureMode::Area => "Area (geodesic, WGS84)".to_owned(),
        }];
        for (i, [lon, lat]) in self.vertices.iter().enumerate() {
            lines.push(format!("point {}: {lat:.6}, {lon:.6}", i + 1));
        }
        for (i, s) in self.segments_m().iter().enumerate() {
            lines.push(format!("segment {}: {}", i + 1, format_length(*s)));
        }
        lines.push(format!("total: {}", format_length(self.total_m())));
        if let Some(a) = self.area_m2() {
            lines.push(format!("area: {}", format_area(a)));
        }
        lines.join("\n")
    }
}

/// Geodesic distance on WGS84 between two `[longitude, latitude]` points, in metres.
pub fn geodesic_distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Geodesic.distance(geo::Point::new(a[0], a[1]), geo::Point::new(b[0], b[1]))
}

/// Geodesic area on WGS84 of the polygon through `[longitude, latitude]` vertices, in m².
pub fn geodesic_area_m2(vertices: &[[f64; 2]]) -> f64 {
    let ring: Vec<geo::Coord<f64>> = vertices
        .iter()
        .map(|[x, y]| geo::coord! { x: *x, y: *y })
        .collect();
    polygon_area_m2(&geo::Polygon::new(geo::LineString::new(ring), vec![]))
}

/// The geodesic area of a polygon in longitude/latitude degrees, in m², whichever way its rings
/// wind: the exterior's area less its holes', never below 0.
///
/// geo's unsigned geodesic area reads a ring wound the "wrong" way as the rest of the earth: a
/// clockwise exterior (common in older GeoJSON) came out near 510 million km², and a hole
/// wound like its exterior made the area negative. Orienting the rings first is not enough
/// for a self-intersecting ring, whose winding is ambiguous. So each ring is measured signed,
/// which does not depend on the winding beyond its sign, and taken as it is without the sign.
/// The cost: a polygon larger than half the earth is measured as the rest of the earth.
pub fn polygon_area_m2(polygon: &geo::Polygon<f64>) -> f64 {
    let ring_m2 = |ring: &geo::LineString<f64>| {
        geo::Polygon::new(ring.clone(), vec![])
            .geodesic_area_signed()
            .abs()
    };
    let holes: f64 = polygon.interiors().iter().map(ring_m2).sum();
    let area = ring_m2(polygon.exterior()) - holes;
    if area.is_finite() { area.max(0.0) } else { 0.0 }
}

/// "850 m" or "12.35 km".
pub fn format_length(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{metres:.0} m")
    } else {
        format!("{:.2} km", metres / 1000.0)
    }
}

/// Hectares and square kilometres.
pub fn format_area(square_metres: f64) -> String {
    format!(
        "{:.1} ha ({:.3} km²)",
        square_metres / 10_000.0,
        square_metres / 1_000_000.0
    )
}
