//! The headless `render` command: the same scene as the window, painted to a PNG on the CPU.

use crate::model::atlas::Atlas;
use crate::model::projection::world_from_lonlat;
use crate::model::view::{MapView, WorldBounds};
use crate::scene::SceneOptions;
use crate::scene::fonts::Faces;
use egui::vec2;

/// What to render.
#[derive(Clone, Debug)]
pub struct RenderRequest<'a> {
    /// West, south, east, north in degrees; `None` fits the liberated districts.
    pub bbox: Option<[f64; 4]>,
    pub options: SceneOptions<'a>,
    /// The image size, and the title, legend and the rest drawn on the map.
    pub export: crate::draw::export::ExportOptions,
}

/// Why a render request was refused.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("--size {0}: expected WIDTHxHEIGHT, for example 1600x1000, each 16 to 16384")]
    Size(String),
    #[error(
        "--bbox {0}: expected W,S,E,N in degrees with W < E and S < N, for example 45.9,38.8,47.5,40.5"
    )]
    Bbox(String),
    #[error(transparent)]
    Raster(#[from] crate::draw::raster::RasterError),
}

/// Parses `1600x1000`.
pub fn parse_size(text: &str) -> Result<(u32, u32), RenderError> {
    let err = || RenderError::Size(text.to_owned());
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(err)?;
    let w: u32 = w.trim().parse().map_err(|_| err())?;
    let h: u32 = h.trim().parse().map_err(|_| err())?;
    if !(16..=16384).contains(&w) || !(16..=16384).contains(&h) {
        return Err(err());
    }
    Ok((w, h))
}

fn bbox_bounds([w, s, e, n]: [f64; 4]) -> WorldBounds {
    WorldBounds {
        min: world_from_lonlat([w, s]),
        max: world_from_lonlat([e, n]),
    }
}

/// A warning when `bbox` is wider than the farthest zoom shows in an image of `width` by
/// `height` pixels: the image then shows the middle of the box at that zoom.
pub fn bbox_warning(bbox: [f64; 4], width: u32, height: u32) -> Option<String> {
    let bounds = bbox_bounds(bbox);
    let needed =
        (bounds.width() / f64::from(width.max(1))).max(bounds.height() / f64::from(height.max(1)));
    let [w, s, e, n] = bbox;
    (needed > crate::model::view::MAX_METRES_PER_POINT).then(|| {
        format!(
            "--bbox {w},{s},{e},{n}: wider than the farthest zoom ({} km a pixel) shows at \
             {width}x{height}; the image shows the middle of it at that zoom",
            crate::model::view::MAX_METRES_PER_POINT / 1000.0
        )
    })
}

/// Parses `W,S,E,N`.
pub fn parse_bbox(text: &str) -> Result<[f64; 4], RenderError> {
    let err = || RenderError::Bbox(text.to_owned());
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| err())?;
    let [w, s, e, n] = <[f64; 4]>::try_from(parts).map_err(|_| err())?;
    let in_range = [w, e].iter().all(|x| (-180.0..=180.0).contains(x))
        && [s, n].iter().all(|y| (-85.0..=85.0).contains(y));
    if !in_range || w >= e || s >= n {
        return Err(err());
    }
    Ok([w, s, e, n])
}

/// Renders `atlas` as the request says into `out`, as PNG or SVG by its extension.
pub fn render_to_file(
    atlas: &Atlas,
    faces: &Faces,
    request: &RenderRequest,
    out: &std::path::Path,
) -> Result<(), crate::draw::export::ExportError> {
    let export = &request.export;
    let size = vec2(export.width as f32, export.height as f32);
    let bounds = request
        .bbox
        .map_or_else(|| atlas.home_bounds(), bbox_bounds);
    let margin = if request.bbox.is_some() { 0.0 } else { 24.0 };
    let view = MapView::fitting(&bounds, size, margin);
    let today = crate::model::date::Date::today().to_string();
    let built =
        crate::draw::export::export_scene(atlas, faces, &view, &request.options, export, &today);
    crate::draw::export::write(out, &built, faces)
}
