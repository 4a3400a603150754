//! One feature of a store, borrowed: its geometry, box, anchor, attributes and the typed
//! properties every shipped layer carries.

use super::attributes::AttrValue;
use super::geometry::{GeomKind, GeomRef};
use super::{FeatureId, FeatureStore, PickHint};
use crate::model::feature::Language;
use crate::model::projection::{World, world_from_lonlat};
use crate::model::view::WorldBounds;

/// One feature of a store, borrowed: its geometry, what was worked out of it, and its
/// attributes with typed access to the properties every shipped layer carries.
#[derive(Clone, Copy)]
pub struct FeatureView<'a> {
    pub store: &'a FeatureStore,
    pub id: FeatureId,
}

impl std::fmt::Debug for FeatureView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "feature {} ({:?})", self.id.0, self.geometry())
    }
}

impl<'a> FeatureView<'a> {
    pub fn geometry(&self) -> GeomRef<'a> {
        self.store.geometry(self.id)
    }

    pub fn geom_kind(&self) -> GeomKind {
        self.geometry().kind()
    }

    pub fn is_point(&self) -> bool {
        self.geom_kind().is_point()
    }

    pub fn is_areal(&self) -> bool {
        self.geom_kind().is_areal()
    }

    /// A line (or a collection with a line or a point in it): neither an area nor points.
    pub fn is_line(&self) -> bool {
        !self.is_point() && !self.is_areal()
    }

    pub fn bounds(&self) -> WorldBounds {
        self.store.bounds(self.id)
    }

    /// Where a label or symbol goes, in world metres.
    pub fn anchor(&self) -> World {
        self.store.anchor(self.id)
    }

    pub fn pick_hint(&self) -> PickHint {
        self.store.pick_hint(self.id)
    }

    /// Its position in the file it came from.
    pub fn file_index(&self) -> usize {
        match &self.store.file_index {
            Some(index) => index[self.id.index()] as usize,
            None => self.id.index(),
        }
    }

    /// The geometry in longitude/latitude degrees, as the file gave it.
    pub fn lonlat(&self) -> geo::Geometry<f64> {
        self.geometry().to_geo()
    }

    /// The geometry as a `geo` geometry in world metres.
    pub fn world(&self) -> geo::Geometry<f64> {
        self.geometry().to_world_geo()
    }

    /// Geodesic area on WGS84 in hectares, for areas (worked out when first asked for).
    pub fn area_ha(&self) -> Option<f64> {
        if !self.is_areal() {
            return None;
        }
        let compute = || {
            let m2: f64 = match self.lonlat() {
                geo::Geometry::Polygon(p) => crate::model::measure::polygon_area_m2(&p),
                geo::Geometry::MultiPolygon(mp) => {
                    mp.0.iter()
                        .map(crate::model::measure::polygon_area_m2)
                        .sum()
                }
                _ => 0.0,
            };
            m2 / 10_000.0
        };
        Some(self.store.areas.get_or_compute(self.id, compute))
    }

    /// A property's value; `None` when the feature has no such property.
    pub fn get(&self, key: &str) -> Option<AttrValue<'a>> {
        self.store.attributes.get(self.id.index(), key)
    }

    /// Every property, in column order.
    pub fn properties(&self) -> impl Iterator<Item = (&'a str, AttrValue<'a>)> + use<'a> {
        self.store.attributes.row(self.id.index())
    }

    /// The properties as a JSON object.
    pub fn properties_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.properties()
            .map(|(k, v)| (k.to_owned(), v.to_json()))
            .collect()
    }

    /// A property as text, whatever its type; `None` when absent, null or empty.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)?.text()
    }

    /// A property as a string slice, when it is a non-empty string.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        match self.get(key)? {
            AttrValue::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }

    /// A property as a number, when it is a number.
    pub fn number(&self, key: &str) -> Option<f64> {
        self.get(key)?.as_f64()
    }

    /// The `id` property, when it is a string.
    pub fn id_str(&self) -> Option<&'a str> {
        self.str("id")
    }

    /// The name in the chosen language, falling back to the other one, then to `name`.
    pub fn name(&self, language: Language) -> Option<&'a str> {
        let (first, second) = match language {
            Language::Azerbaijani => ("name_az", "name_en"),
            Language::English => ("name_en", "name_az"),
        };
        self.str(first)
            .or_else(|| self.str(second))
            .or_else(|| self.str("name"))
            .or_else(|| self.str("NAME"))
    }

    /// A name for lists and headings: the name, else the id, else a placeholder.
    pub fn display_name(&self, language: Language) -> String {
        self.name(language)
            .or_else(|| self.id_str())
            .map_or_else(|| "(unnamed feature)".to_owned(), str::to_owned)
    }

    /// The `kind` property.
    pub fn kind(&self) -> Option<&'a str> {
        self.str("kind")
    }

    /// Whether `at` (world metres) lies inside or on one of its areas (even-odd within each
    /// polygon, as geo's `intersects` counts a point on the boundary).
    pub fn area_contains(&self, at: World) -> bool {
        let latitude = crate::model::projection::lonlat_from_world(at)[1];
        self.geometry().polygons().any(|p| {
            let mut inside = false;
            for ring in p.rings() {
                match ring_crossings(ring, at, latitude) {
                    None => return true,
                    Some(odd) => inside ^= odd,
                }
            }
            inside
        })
    }
}

/// Whether a horizontal ray from `at` (world metres, at `latitude`) crosses `ring` (longitude
/// and latitude, projected edge by edge) an odd number of times; `None` when `at` lies on the
/// ring. An edge whose latitudes stay clear of `latitude` can neither cross the ray nor hold
/// the point (Web Mercator keeps latitudes in order), so only the others are projected.
fn ring_crossings(ring: &[World], at: World, latitude: f64) -> Option<bool> {
    const HAIR: f64 = 1e-9;
    let [px, py] = at;
    let mut odd = false;
    for w in ring.windows(2) {
        if w[0][1].max(w[1][1]) < latitude - HAIR || w[0][1].min(w[1][1]) > latitude + HAIR {
            continue;
        }
        let ([ax, ay], [bx, by]) = (world_from_lonlat(w[0]), world_from_lonlat(w[1]));
        // On the segment?
        let cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
        if cross == 0.0
            && px >= ax.min(bx)
            && px <= ax.max(bx)
            && py >= ay.min(by)
            && py <= ay.max(by)
        {
            return None;
        }
        if (ay > py) != (by > py) {
            let x = ax + (py - ay) * (bx - ax) / (by - ay);
            if px < x {
                odd = !odd;
            }
        }
    }
    Some(odd)
}
