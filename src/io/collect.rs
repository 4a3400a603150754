//! Features gathered from any reader the same way: reprojected, checked, a bad one skipped and
//! a doubtful one kept with a warning.

use super::{LoadError, LoadWarning, Loaded, Reprojection};
use crate::model::store::StoreBuilder;
use serde_json::{Map, Value};

/// Gathers a file's features the way the GeoJSON reader does: each geometry is reprojected
/// and checked (degrees, finite, in range), a bad one is skipped with a warning, a doubtful
/// one kept with a warning, and a file whose every feature looked like metres is refused.
pub(crate) struct Collector {
    file: String,
    name: Option<String>,
    builder: StoreBuilder,
    warnings: Vec<LoadWarning>,
    metres_example: Option<String>,
}

impl Collector {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            name: None,
            builder: StoreBuilder::default(),
            warnings: Vec::new(),
            metres_example: None,
        }
    }

    pub(crate) fn set_name(&mut self, name: Option<String>) {
        self.name = name.filter(|n| !n.trim().is_empty());
    }

    /// A warning about the whole file.
    pub(crate) fn warn_file(&mut self, message: impl Into<String>) {
        self.warnings.push(LoadWarning {
            file: self.file.clone(),
            feature_index: None,
            message: message.into(),
        });
    }

    /// A warning about one feature (kept).
    pub(crate) fn warn(&mut self, index: usize, message: impl Into<String>) {
        self.warnings.push(LoadWarning {
            file: self.file.clone(),
            feature_index: Some(index),
            message: message.into(),
        });
    }

    /// Skips a feature; `place` (a line, a record, a table row) leads the reason if given.
    pub(crate) fn skip(&mut self, index: usize, place: &str, reason: &str) {
        let message = if place.is_empty() {
            format!("skipped: {reason}")
        } else {
            format!("skipped: {place}: {reason}")
        };
        self.warn(index, message);
    }

    /// Reprojects and checks a geometry, then keeps the feature or skips it with a warning.
    /// Returns whether it was kept.
    pub(crate) fn push(
        &mut self,
        index: usize,
        place: &str,
        geometry: geo::Geometry<f64>,
        properties: Map<String, Value>,
        reprojection: Option<&Reprojection>,
    ) -> bool {
        let geometry = match reprojection {
            Some(r) => r.apply(&geometry),
            None => geometry,
        };
        if has_hollow_polygon(&geometry) {
            self.skip(index, place, "a polygon has holes but no exterior ring");
            return false;
        }
        match check_coordinates(&geometry) {
            Ok(()) => {}
            Err(GeometryProblem::Metres(example)) => {
                let reason =
                    format!("coordinates look like metres ({example}), not longitude/latitude");
                self.metres_example.get_or_insert(example);
                self.skip(index, place, &reason);
                return false;
            }
            Err(GeometryProblem::Other(reason)) => {
                self.skip(index, place, &reason);
                return false;
            }
        }
        if let Some(problem) = crate::model::guard::geometry_problems(&geometry).first() {
            let at = if place.is_empty() {
                String::new()
            } else {
                format!("{place}: ")
            };
            self.warn(
                index,
                format!("{at}its geometry is invalid ({problem}); it is kept, but areas and fills may be wrong"),
            );
        }
        self.builder.push_geo(index, &geometry, &properties);
        true
    }

    pub(crate) fn feature_count(&self) -> usize {
        self.builder.len()
    }

    /// The features, or a refusal when every one of them was in metres.
    pub(crate) fn finish(mut self) -> Result<Loaded, LoadError> {
        if self.builder.is_empty() {
            if let Some(example) = self.metres_example {
                return Err(LoadError::Metres {
                    file: self.file,
                    example,
                });
            }
            if self.warnings.iter().all(|w| w.feature_index.is_none()) {
                self.warn_file("the file has no features");
            }
        }
        Ok(Loaded {
            name: self.name,
            features: self.builder.finish(),
            warnings: self.warnings,
            follows_view: None,
        })
    }
}

/// Geometries of one kind as one multi-geometry; mixed kinds as a collection.
pub(crate) fn combine(mut parts: Vec<geo::Geometry<f64>>) -> Option<geo::Geometry<f64>> {
    use geo::Geometry as G;
    if parts.len() <= 1 {
        return parts.pop();
    }
    let mut points = Vec::new();
    let mut lines = Vec::new();
    let mut polygons = Vec::new();
    let mut other = false;
    for part in &parts {
        match part {
            G::Point(p) => points.push(*p),
            G::MultiPoint(m) => points.extend(m.0.iter().copied()),
            G::LineString(l) => lines.push(l.clone()),
            G::MultiLineString(m) => lines.extend(m.0.iter().cloned()),
            G::Polygon(p) => polygons.push(p.clone()),
            G::MultiPolygon(m) => polygons.extend(m.0.iter().cloned()),
            _ => other = true,
        }
    }
    let kinds = [!points.is_empty(), !lines.is_empty(), !polygons.is_empty()]
        .iter()
        .filter(|k| **k)
        .count();
    if other || kinds != 1 {
        return Some(G::GeometryCollection(geo::GeometryCollection(parts)));
    }
    Some(if !points.is_empty() {
        G::MultiPoint(geo::MultiPoint(points))
    } else if !lines.is_empty() {
        G::MultiLineString(geo::MultiLineString(lines))
    } else {
        G::MultiPolygon(geo::MultiPolygon(polygons))
    })
}

/// Whether a polygon in `geometry` has holes but an empty exterior ring: WKB and KML can say
/// so, though there is nothing for the holes to be cut from. (GeoJSON cannot: its loader
/// refuses an empty ring before this.) Such a feature would be kept with coordinates and no
/// shape to draw or pick, so it is skipped, as the GeoJSON loader skips a broken ring.
fn has_hollow_polygon(geometry: &geo::Geometry<f64>) -> bool {
    use geo::Geometry as G;
    let hollow = |p: &geo::Polygon<f64>| {
        p.exterior().0.is_empty() && p.interiors().iter().any(|h| !h.0.is_empty())
    };
    match geometry {
        G::Polygon(p) => hollow(p),
        G::MultiPolygon(mp) => mp.iter().any(hollow),
        G::GeometryCollection(gc) => gc.iter().any(has_hollow_polygon),
        _ => false,
    }
}

/// Why one geometry cannot be used.
#[derive(Debug)]
pub(crate) enum GeometryProblem {
    /// The coordinates look like projected metres; the example is one of them.
    Metres(String),
    Other(String),
}

/// Checks that a geometry is in longitude/latitude degrees: finite, in range, not metres.
pub(crate) fn check_coordinates(geometry: &geo::Geometry<f64>) -> Result<(), GeometryProblem> {
    use geo::CoordsIter;
    let mut count = 0usize;
    for c in geometry.coords_iter() {
        count += 1;
        check_position(c.x, c.y)?;
    }
    if count == 0 {
        return Err(GeometryProblem::Other(
            "its geometry has no coordinates".to_owned(),
        ));
    }
    Ok(())
}

/// Checks that a position is in longitude/latitude degrees: finite, in range, not metres.
pub(crate) fn check_position(x: f64, y: f64) -> Result<(), GeometryProblem> {
    if !x.is_finite() || !y.is_finite() {
        return Err(GeometryProblem::Other(format!(
            "a coordinate is not a finite number ({x}, {y})"
        )));
    }
    if x.abs() > 180.0 || y.abs() > 90.0 {
        // Projected metres stay within the Web Mercator square (±20,037,509 m).
        let in_metres_range = x.abs() <= 2.01e7 && y.abs() <= 2.01e7;
        if in_metres_range && (x.abs() > 1000.0 || y.abs() > 1000.0) {
            return Err(GeometryProblem::Metres(format!("{x}, {y}")));
        }
        if !in_metres_range {
            return Err(GeometryProblem::Other(format!(
                "coordinate ({x}, {y}) is outside any longitude/latitude or projected range"
            )));
        }
        if x.abs() <= 90.0 && y.abs() <= 180.0 {
            return Err(GeometryProblem::Other(format!(
                "coordinate ({x}, {y}) is outside longitude/latitude range; latitude and longitude may be swapped (GeoJSON puts longitude first)"
            )));
        }
        return Err(GeometryProblem::Other(format!(
            "coordinate ({x}, {y}) is outside the longitude -180..180 / latitude -90..90 range"
        )));
    }
    Ok(())
}
