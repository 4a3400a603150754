//! Coordinate systems named by WKT (a shapefile's `.prj`, a GeoPackage's
//! `gpkg_spatial_ref_sys`): to a [`Reprojection`] to WGS84, or a clear refusal.
//!
//! In order: the system's own EPSG code (`AUTHORITY["EPSG",…]` / `ID["EPSG",…]`) when
//! proj4rs's bundled list has it; well-known ESRI names that carry no code
//! (`WGS_1984_UTM_Zone_38N`, `WGS_1984_Web_Mercator_Auxiliary_Sphere`, `GCS_WGS_1984`); then the
//! WKT itself, converted by proj4wkt.

use crate::io::LoadError;
use proj4wkt::parser::{Attribute, Processor};

/// The top of a WKT tree: its keyword, name and authority; the rest is read only to be skipped.
#[derive(Debug, Default)]
struct Summary<'a> {
    keyword: &'a str,
    name: Option<&'a str>,
    /// Quoted strings and numbers, in order (an AUTHORITY's name and code).
    values: Vec<&'a str>,
    authority: Option<(String, String)>,
}

struct Summarizer;

impl<'a> Processor<'a> for Summarizer {
    type Err = std::io::Error;
    type Output = Summary<'a>;

    fn process<I>(&self, key: &'a str, _depth: usize, attrs: I) -> Result<Summary<'a>, Self::Err>
    where
        I: Iterator<Item = Attribute<'a, Summary<'a>>>,
    {
        let mut summary = Summary {
            keyword: key,
            ..Summary::default()
        };
        // The iterator must be drained completely.
        for attr in attrs {
            match attr {
                Attribute::Quoted(s) => {
                    if summary.name.is_none() {
                        summary.name = Some(s);
                    }
                    summary.values.push(s);
                }
                Attribute::Number(n) | Attribute::Label(n) => summary.values.push(n),
                Attribute::Keyword(k, child) if k == "AUTHORITY" || k == "ID" => {
                    if let [authority, code, ..] = child.values.as_slice() {
                        summary.authority = Some((authority.to_string(), code.to_string()));
                    }
                }
                Attribute::Keyword(..) => {}
            }
        }
        Ok(summary)
    }
}

const GEOGRAPHIC: &[&str] = &[
    "GEOGCS",
    "GEOGCRS",
    "GEOGRAPHICCRS",
    "GEODCRS",
    "GEODETICCRS",
];

/// The WKT's name and EPSG code, if it can be parsed at all.
fn summarize(wkt: &str) -> Option<(String, Option<u16>, bool)> {
    let summary = proj4wkt::parser::parse(wkt.trim(), &Summarizer).ok()?;
    let code = summary
        .authority
        .as_ref()
        .filter(|(authority, _)| authority.eq_ignore_ascii_case("EPSG"))
        .and_then(|(_, code)| code.trim().parse().ok());
    let geographic = GEOGRAPHIC.contains(&summary.keyword);
    Some((
        summary.name.unwrap_or(summary.keyword).to_owned(),
        code,
        geographic,
    ))
}

/// EPSG codes for names ESRI writes without an authority.
fn well_known(name: &str) -> Option<u16> {
    let n = name.to_ascii_lowercase().replace([' ', '-'], "_");
    match n.as_str() {
        "gcs_wgs_1984" | "wgs_84" | "wgs84" | "wgs_1984" => return Some(4326),
        "wgs_1984_web_mercator_auxiliary_sphere"
        | "wgs_1984_web_mercator"
        | "wgs_84_/_pseudo_mercator"
        | "web_mercator"
        | "pseudo_mercator" => return Some(3857),
        _ => {}
    }
    // WGS_1984_UTM_Zone_38N, "WGS 84 / UTM zone 38N"
    let zone = n
        .strip_prefix("wgs_1984_utm_zone_")
        .or_else(|| n.strip_prefix("wgs_84_/_utm_zone_"))?;
    // The last character is the hemisphere; split by characters, as the name may be any text.
    let mut chars = zone.chars();
    let hemisphere = chars.next_back()?;
    let number: u16 = chars
        .as_str()
        .parse()
        .ok()
        .filter(|z| (1..=60).contains(z))?;
    match hemisphere {
        'n' => Some(32600 + number),
        's' => Some(32700 + number),
        _ => None,
    }
}

/// The conversion a WKT names: `Ok(None)` for WGS84 longitude/latitude, `Err` (naming `file`
/// and the system) when it cannot be converted.
pub fn from_wkt(file: &str, wkt: &str) -> Result<Option<Reprojection>, LoadError> {
    let short: String = wkt.trim().chars().take(80).collect();
    let Some((name, code, geographic)) = summarize(wkt) else {
        return Err(LoadError::UnknownCrs {
            file: file.to_owned(),
            crs: short,
            reason: "the text is not WKT that this viewer can parse".to_owned(),
        });
    };
    let unknown = |reason: String| LoadError::UnknownCrs {
        file: file.to_owned(),
        crs: name.clone(),
        reason,
    };
    let named = |mut r: Reprojection| {
        r.name = format!("{} ({name})", r.name);
        r
    };
    for code in [code, well_known(&name)].into_iter().flatten() {
        if let Ok(r) = Reprojection::from_epsg(code) {
            return Ok(r.map(named));
        }
    }
    match proj4wkt::wkt_to_projstring(wkt.trim()) {
        Ok(proj) => {
            if geographic && is_plain_wgs84(&proj) {
                return Ok(None);
            }
            Reprojection::from_proj_string(name.clone(), &proj)
                .map(Some)
                .map_err(unknown)
        }
        Err(e) => Err(unknown(match code {
            Some(code) => format!(
                "EPSG:{code} is not in the bundled list of systems, and its WKT cannot be converted ({e})"
            ),
            None => format!("its WKT cannot be converted to a projection this viewer knows ({e})"),
        })),
    }
}

/// `+proj=longlat` on the WGS84 ellipsoid with no datum shift: nothing to convert.
fn is_plain_wgs84(proj: &str) -> bool {
    let has = |p: &str| proj.split_whitespace().any(|t| t == p);
    let wgs84_ellipsoid = has("+ellps=WGS84")
        || has("+datum=WGS84")
        || (has("+a=6378137") && (has("+rf=298.257223563") || has("+rf=298.257223563000")));
    has("+proj=longlat")
        && wgs84_ellipsoid
        && proj
            .split_whitespace()
            .filter_map(|t| t.strip_prefix("+towgs84="))
            .all(|v| {
                v.split(',')
                    .all(|n| n.parse::<f64>().is_ok_and(|n| n == 0.0))
            })
        && (!proj.contains("+pm=") || has("+pm=0"))
}

/// A conversion from the coordinate system a file names to WGS84.
pub struct Reprojection {
    pub name: String,
    from: proj4rs::Proj,
    to: proj4rs::Proj,
}

impl Reprojection {
    /// The conversion from an EPSG code: `Ok(None)` for EPSG:4326 (nothing to do), `Err`
    /// with the reason when proj4rs's bundled list does not have the code.
    pub(crate) fn from_epsg(code: u16) -> Result<Option<Self>, String> {
        if code == 4326 {
            return Ok(None);
        }
        let from = proj4rs::Proj::from_epsg_code(code)
            .map_err(|_| format!("EPSG:{code} is not in the bundled list of systems"))?;
        Self::to_wgs84(format!("EPSG:{code}"), from).map(Some)
    }

    /// The conversion from a proj string; `name` says in messages where it came from.
    pub(crate) fn from_proj_string(name: String, proj: &str) -> Result<Self, String> {
        let from = proj4rs::Proj::from_proj_string(proj)
            .map_err(|e| format!("the projection {proj:?} cannot be set up: {e}"))?;
        Self::to_wgs84(name, from)
    }

    fn to_wgs84(name: String, from: proj4rs::Proj) -> Result<Self, String> {
        let to = proj4rs::Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .map_err(|_| "WGS84 cannot be set up".to_owned())?;
        Ok(Self { name, from, to })
    }

    /// Converts a geometry; coordinates that fail become NaN, which the checks then report.
    pub(crate) fn apply(&self, geometry: &geo::Geometry<f64>) -> geo::Geometry<f64> {
        use geo::MapCoords;
        geometry.map_coords(|c| {
            let (x, y) = self.apply_coord(c.x, c.y);
            geo::coord! { x: x, y: y }
        })
    }

    /// Converts one position; one that fails becomes NaN, which the checks then report.
    pub(crate) fn apply_coord(&self, x: f64, y: f64) -> (f64, f64) {
        let mut p = if self.from.is_latlong() {
            geo::coord! { x: x.to_radians(), y: y.to_radians() }
        } else {
            geo::coord! { x: x, y: y }
        };
        match proj4rs::transform::transform(&self.from, &self.to, &mut p) {
            Ok(()) => (p.x.to_degrees(), p.y.to_degrees()),
            Err(_) => (f64::NAN, f64::NAN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esri_names_map_to_epsg_codes() {
        assert_eq!(well_known("WGS_1984_UTM_Zone_38N"), Some(32638));
        assert_eq!(well_known("WGS 84 / UTM zone 39S"), Some(32739));
        assert_eq!(
            well_known("WGS_1984_Web_Mercator_Auxiliary_Sphere"),
            Some(3857)
        );
        assert_eq!(well_known("GCS_WGS_1984"), Some(4326));
        assert_eq!(well_known("WGS_1984_UTM_Zone_61N"), None);
        assert_eq!(well_known("Pulkovo_1942_GK_Zone_8"), None);
        // Found by fuzzing: a name ending in a character of more than one byte panicked.
        assert_eq!(well_known("WGS_1984_UTM_Zone_38\u{fffd}"), None);
        assert_eq!(well_known("WGS_1984_UTM_Zone_"), None);
    }

    #[test]
    fn the_top_level_authority_is_found() {
        let wkt = r#"PROJCS["WGS 84 / UTM zone 38N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",45],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","32638"]]"#;
        let (name, code, geographic) = summarize(wkt).unwrap_or_default();
        assert_eq!(name, "WGS 84 / UTM zone 38N");
        assert_eq!(code, Some(32638));
        assert!(!geographic);
    }
}
