//! A layer: features, their projected geometry, cached fill meshes, an R-tree over them,
//! and how the layer is shown (style, visibility, opacity).

use crate::model::feature::Feature;
use crate::model::layer::tessellate::{FillMesh, tessellate};
use crate::model::projection::{World, project_geometry};
use crate::model::style::LayerStyle;
use crate::model::view::WorldBounds;
use geo::{BoundingRect, InteriorPoint};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

pub mod clusters;
pub mod lod;
pub mod tessellate;

/// What a layer is for, which decides where it sits and how it is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerRole {
    /// Grey surroundings: other districts and neighbouring countries.
    Context,
    /// The liberated districts, which the choropleth colours.
    Districts,
    /// A thematic overlay shipped with the app.
    Overlay,
    /// A file the user opened.
    User,
}

/// A feature made ready to draw and pick.
#[derive(Clone, Debug)]
pub struct PreparedFeature {
    pub feature: Feature,
    /// Geometry in world metres.
    pub world: geo::Geometry<f64>,
    pub bounds: WorldBounds,
    /// Triangles for areal features; empty for the rest.
    pub mesh: FillMesh,
    /// Where a label or symbol goes, in world metres.
    pub anchor: World,
    /// What settles most picks without reading the geometry; the R-tree keeps a copy.
    pub pick_hint: PickHint,
    /// Geodesic area on WGS84 in hectares, for areal features.
    pub area_ha: Option<f64>,
    /// Simplified copies for zoomed-out views, one per zoom band (see `lod`); empty for
    /// points, and until the layer is made.
    pub levels: Vec<crate::model::layer::lod::Level>,
}

impl PreparedFeature {
    /// What a view `metres_per_point` across draws of an area: its full mesh or the band's
    /// simplified one (empty when the area is smaller than a cell there).
    pub fn mesh_for(&self, metres_per_point: f64) -> &FillMesh {
        crate::model::layer::lod::level_for(&self.levels, metres_per_point)
            .map_or(&self.mesh, |l| &l.mesh)
    }
}

/// What picking needs to know of a feature besides its box, so that most candidates are
/// settled from the R-tree's own entries (see `pick::settles`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PickHint {
    /// The feature's anchor.
    pub anchor: World,
    /// Whether the anchor lies on the feature (inside an area, on a line): true but for
    /// broken shapes whose anchor falls back to the box's centre.
    pub anchor_on_feature: bool,
    /// The farthest any vertex lies from the anchor: the feature lies within this radius of it.
    pub spread: f64,
    /// Whether the feature is an area (polygon, multipolygon or rectangle).
    pub areal: bool,
}

impl PickHint {
    pub fn of(world: &geo::Geometry<f64>, anchor: World) -> Self {
        use geo::{CoordsIter, Intersects};
        let spread_squared = world
            .coords_iter()
            .map(|c| (c.x - anchor[0]).powi(2) + (c.y - anchor[1]).powi(2))
            .fold(0.0, f64::max);
        PickHint {
            anchor,
            anchor_on_feature: world.intersects(&geo::Point::new(anchor[0], anchor[1])),
            spread: spread_squared.sqrt(),
            areal: matches!(
                world,
                geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_) | geo::Geometry::Rect(_)
            ),
        }
    }
}

/// A feature's box in the R-tree, with its index in the layer and its pick hint.
pub type IndexEntry = GeomWithData<Rectangle<World>, (usize, PickHint)>;

/// The R-tree's node sizes: wider than rstar's default (6), so that a query walks fewer levels
/// (measured with `bench`: picks on 100,000 polygons, 16 against 6).
pub struct IndexParams;

impl rstar::RTreeParams for IndexParams {
    const MIN_SIZE: usize = 12;
    const MAX_SIZE: usize = 32;
    const REINSERTION_COUNT: usize = 8;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// One layer of the map.
pub struct Layer {
    pub id: String,
    pub title: String,
    pub role: LayerRole,
    pub style: LayerStyle,
    pub visible: bool,
    pub opacity: f32,
    /// Shared, so that a background job (see `dense`) can read them while the window runs;
    /// never changed once the layer is made.
    pub features: std::sync::Arc<Vec<PreparedFeature>>,
    pub index: RTree<IndexEntry, IndexParams>,
    /// Where the layer came from: an embedded file name or a path.
    pub origin: String,
    /// The numeric attributes and their extents, worked out once when first asked for.
    numeric: std::sync::OnceLock<Vec<(String, f64, f64)>>,
    /// For a layer of more single points than `clusters::CLUSTER_ABOVE`, its points counted per
    /// square at every zoom band, so that clusters cost what the screen holds.
    pub point_pyramid: Option<crate::model::layer::clusters::PointPyramid>,
    /// For a layer of more areas than `clusters::CLUSTER_ABOVE`, those too small to see counted
    /// per square at every zoom band, and the rest by size (see `clusters::AreaPyramid`).
    pub area_pyramid: Option<crate::model::layer::clusters::AreaPyramid>,
}

impl Layer {
    pub fn new(
        id: &str,
        title: &str,
        role: LayerRole,
        style: LayerStyle,
        origin: &str,
        features: Vec<Feature>,
    ) -> Self {
        let features = features.into_iter().filter_map(prepare).collect();
        Self::from_prepared(id, title, role, style, origin, features)
    }

    /// A layer of features already prepared (by a background loader, say).
    pub fn from_prepared(
        id: &str,
        title: &str,
        role: LayerRole,
        style: LayerStyle,
        origin: &str,
        mut features: Vec<PreparedFeature>,
    ) -> Self {
        if features.iter().all(|f| f.levels.is_empty()) {
            crate::model::layer::lod::add_levels(&mut features);
        }
        let entries = features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let corners = Rectangle::from_corners(f.bounds.min, f.bounds.max);
                GeomWithData::new(corners, (i, f.pick_hint))
            })
            .collect();
        let crowded = features.len() > crate::model::layer::clusters::CLUSTER_ABOVE;
        let point_pyramid = crowded
            .then(|| crate::model::layer::clusters::PointPyramid::build(&features))
            .flatten();
        let area_pyramid = crowded
            .then(|| {
                crate::model::layer::clusters::AreaPyramid::build(
                    &features,
                    crate::model::layer::clusters::AREA_TINY_SHARE,
                )
            })
            .flatten();
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            role,
            style,
            visible: true,
            opacity: 1.0,
            features: std::sync::Arc::new(features),
            index: RTree::bulk_load_with_params(entries),
            origin: origin.to_owned(),
            numeric: std::sync::OnceLock::new(),
            point_pyramid,
            area_pyramid,
        }
    }

    /// The box holding every feature, if there are any (the R-tree's root box).
    pub fn bounds(&self) -> Option<WorldBounds> {
        (self.index.size() > 0).then(|| {
            let envelope = self.index.root().envelope();
            WorldBounds {
                min: envelope.lower(),
                max: envelope.upper(),
            }
        })
    }

    /// The features whose boxes meet `bounds`, in the layer's order.
    pub fn features_in_order(&self, bounds: &WorldBounds) -> Vec<usize> {
        if self.bounds().is_some_and(|all| bounds.contains(&all)) {
            // All of them: no need to ask the R-tree, nor to sort.
            return (0..self.features.len()).collect();
        }
        let mut found: Vec<usize> = self.features_in(bounds).collect();
        found.sort_unstable();
        found
    }

    /// The attributes holding numbers, each with its smallest and largest value.
    pub fn numeric_attributes(&self) -> &[(String, f64, f64)] {
        self.numeric.get_or_init(|| {
            crate::model::filter::numeric_attributes(self.features.iter().map(|p| &p.feature))
        })
    }

    /// Indices of the features whose boxes meet `bounds`.
    pub fn features_in(&self, bounds: &WorldBounds) -> impl Iterator<Item = usize> + '_ {
        self.entries_in(bounds).map(|e| e.data.0)
    }

    /// The R-tree's entries whose boxes meet `bounds`.
    pub fn entries_in(&self, bounds: &WorldBounds) -> impl Iterator<Item = &IndexEntry> + '_ {
        self.index
            .locate_in_envelope_intersecting(&AABB::from_corners(bounds.min, bounds.max))
    }
}

/// Projects, triangulates and measures one feature; `None` for an empty geometry.
pub fn prepare(feature: Feature) -> Option<PreparedFeature> {
    let world = project_geometry(&feature.geometry);
    let rect = world.bounding_rect()?;
    let bounds = WorldBounds {
        min: [rect.min().x, rect.min().y],
        max: [rect.max().x, rect.max().y],
    };
    let mesh = tessellate(&world);
    // geo's interior point can panic on some invalid polygons (an assertion in its sweep);
    // the box's centre then anchors the label.
    let anchor = crate::model::guard::catching(|| label_anchor(&world))
        .ok()
        .flatten()
        .unwrap_or_else(|| bounds.center());
    let pick_hint = PickHint::of(&world, anchor);
    let area_ha = feature
        .is_areal()
        .then(|| areal_m2(&feature.geometry) / 10_000.0);
    Some(PreparedFeature {
        feature,
        world,
        bounds,
        mesh,
        anchor,
        pick_hint,
        area_ha,
        levels: Vec::new(),
    })
}

/// The geodesic area of a polygon, multipolygon or rectangle in m², whichever way it winds.
fn areal_m2(geometry: &geo::Geometry<f64>) -> f64 {
    use crate::model::measure::polygon_area_m2;
    match geometry {
        geo::Geometry::Polygon(p) => polygon_area_m2(p),
        geo::Geometry::MultiPolygon(mp) => mp.0.iter().map(polygon_area_m2).sum(),
        geo::Geometry::Rect(r) => polygon_area_m2(&r.to_polygon()),
        _ => 0.0,
    }
}

/// A point inside the geometry (for a multipolygon: inside its largest part).
fn label_anchor(world: &geo::Geometry<f64>) -> Option<World> {
    use geo::Area;
    let point = match world {
        geo::Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
                .and_then(polygon_anchor)
        }
        geo::Geometry::Polygon(p) => polygon_anchor(p),
        other => other.interior_point(),
    }?;
    Some([point.x(), point.y()])
}

/// The polygon's centroid when it lies inside (the usual case, in linear time), else the
/// middle of the widest stretch inside along the line across its middle. (geo's interior
/// point does the same through its relate machinery, which took seconds on some broken rings.)
fn polygon_anchor(polygon: &geo::Polygon<f64>) -> Option<geo::Point<f64>> {
    use geo::{Centroid, Contains};
    polygon
        .centroid()
        .filter(|c| polygon.contains(c))
        .or_else(|| widest_inside_across_middle(polygon))
}

/// Where the horizontal line through the middle of the polygon's box crosses its rings, the
/// middle of the widest stretch between a crossing in and the next one out.
fn widest_inside_across_middle(polygon: &geo::Polygon<f64>) -> Option<geo::Point<f64>> {
    let rect = polygon.bounding_rect()?;
    let y = (rect.min().y + rect.max().y) / 2.0;
    let mut crossings: Vec<f64> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .flat_map(|ring| ring.lines())
        // Half-open, so that a vertex on the line counts once.
        .filter(|l| (l.start.y > y) != (l.end.y > y))
        .map(|l| l.start.x + (y - l.start.y) * (l.end.x - l.start.x) / (l.end.y - l.start.y))
        .collect();
    crossings.sort_by(f64::total_cmp);
    crossings
        .chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map(|pair| geo::Point::new((pair[0] + pair[1]) / 2.0, y))
}
