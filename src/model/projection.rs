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
