//! Web Mercator (EPSG:3857): longitude/latitude in degrees to and from world metres.

/// Radius of the sphere Web Mercator projects from, in metres (WGS84 semi-major axis).
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// The latitude beyond which Web Mercator is cut off, in degrees.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// A position in Web Mercator metres: `[x, y]`, y growing north.
pub type World = [f64; 2];

/// Projects `[longitude, latitude]` in degrees to Web Mercator metres.
pub fn world_from_lonlat(lonlat: [f64; 2]) -> World {
    let lat = lonlat[1].clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    let x = EARTH_RADIUS_M * lonlat[0].to_radians();
    let y = EARTH_RADIUS_M * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln();
    [x, y]
}

/// Unprojects Web Mercator metres to `[longitude, latitude]` in degrees.
pub fn lonlat_from_world(world: World) -> [f64; 2] {
    let lon = (world[0] / EARTH_RADIUS_M).to_degrees();
    let lat =
        (2.0 * (world[1] / EARTH_RADIUS_M).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    [lon, lat]
}

/// Web Mercator near one latitude, as a polynomial in the latitude (its Taylor series to the
/// fourth power): four multiplications a vertex instead of a tangent and a logarithm. Within
/// half a degree of a latitude up to 65° it is off by under a centimetre (tested), so it draws
/// lines and small areas exactly enough at any zoom.
#[derive(Clone, Copy, Debug)]
pub struct LocalMercator {
    lat0: f64,
    y0: f64,
    /// The series' coefficients, per radian: y⁽ⁿ⁾(φ₀) / n!.
    k: [f64; 4],
}

/// The latitudes beyond which [`LocalMercator`] is not used.
pub const LOCAL_MERCATOR_LATITUDE: f64 = 65.0;

impl LocalMercator {
    pub fn around(latitude_deg: f64) -> Self {
        let lat = latitude_deg.clamp(-MAX_LATITUDE, MAX_LATITUDE);
        let phi = lat.to_radians();
        let (sec, tan) = (1.0 / phi.cos(), phi.tan());
        let r = EARTH_RADIUS_M;
        Self {
            lat0: lat,
            y0: world_from_lonlat([0.0, lat])[1],
            k: [
                r * sec,
                r * sec * tan / 2.0,
                r * sec * (1.0 + 2.0 * tan * tan) / 6.0,
                r * sec * tan * (5.0 + 6.0 * tan * tan) / 24.0,
            ],
        }
    }

    pub fn world(&self, lonlat: [f64; 2]) -> World {
        let d = (lonlat[1] - self.lat0).to_radians();
        let [k1, k2, k3, k4] = self.k;
        [
            EARTH_RADIUS_M * lonlat[0].to_radians(),
            self.y0 + d * (k1 + d * (k2 + d * (k3 + d * k4))),
        ]
    }
}

/// How many ground metres one world metre stands for at a latitude (Mercator's scale factor).
pub fn ground_per_world_metre(latitude_deg: f64) -> f64 {
    latitude_deg.to_radians().cos()
}

/// Projects a whole geometry from longitude/latitude to world metres.
pub fn project_geometry(geometry: &geo::Geometry<f64>) -> geo::Geometry<f64> {
    use geo::MapCoords;
    geometry.map_coords(|c| {
        let [x, y] = world_from_lonlat([c.x, c.y]);
        geo::coord! { x: x, y: y }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_mercator_is_within_a_centimetre_half_a_degree_away() {
        for lat0 in [-65.0, -60.0, 0.0, 39.5, 65.0] {
            let local = LocalMercator::around(lat0);
            for d in [-0.5, -0.01, 0.0, 0.003, 0.5] {
                let p = [46.7, lat0 + d];
                let (exact, near) = (world_from_lonlat(p), local.world(p));
                assert!(
                    (exact[0] - near[0]).abs() < 1e-6 && (exact[1] - near[1]).abs() < 0.01,
                    "{lat0} + {d}: {exact:?} against {near:?}"
                );
            }
        }
    }
}
