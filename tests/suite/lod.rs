//! Level of detail: zoomed out, areas and lines are drawn from copies snapped to a grid of at
//! most half a screen point, so the vertices drawn follow the pixels; neighbours stay without
//! cracks, holes stay holes, and nothing visible disappears.

use crate::support;

use egui::{Rect, pos2, vec2};
use geo::{Coord, Geometry, LineString, Polygon};
use karabakh_atlas::model::atlas::Atlas;
use karabakh_atlas::model::layer::clusters::CLUSTER_ABOVE;
use karabakh_atlas::model::layer::lod;
use karabakh_atlas::model::layer::lod::{Detail, mesh, mesh_for};
use karabakh_atlas::model::layer::tessellate::FillMesh;
use karabakh_atlas::model::view::MapView;
use karabakh_atlas::scene::fonts::Faces;
use karabakh_atlas::scene::{SceneOptions, build};
use support::{Rng, layer_of};

/// A closed ring through `points` (lon/lat).
fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    let mut coords: Vec<Coord> = points.iter().map(|&(x, y)| Coord { x, y }).collect();
    coords.push(coords[0]);
    LineString::new(coords)
}

/// A wiggly border from (46.0, 39.0) to (46.0, 40.0) of `n` vertices, the same for both sides.
fn border(n: usize) -> Vec<(f64, f64)> {
    let mut rng = Rng::new(11);
    (0..n)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64;
            let wiggle = if i == 0 || i == n - 1 {
                0.0
            } else {
                rng.range(-0.0005, 0.0005)
            };
            (46.0 + wiggle, 39.0 + t)
        })
        .collect()
}

fn in_triangle(p: [f64; 2], a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> bool {
    let side =
        |u: [f64; 2], v: [f64; 2]| (v[0] - u[0]) * (p[1] - u[1]) - (v[1] - u[1]) * (p[0] - u[0]);
    let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
    let negative = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let positive = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(negative && positive)
}

fn covers(mesh: &FillMesh, p: [f64; 2]) -> bool {
    mesh.indices.chunks_exact(3).any(|t| {
        let [a, b, c] = [t[0], t[1], t[2]].map(|i| mesh.vertices[i as usize]);
        in_triangle(p, a, b, c)
    })
}

/// The metres per point at which `f` is drawn from band `band`.
fn view_for_band(band: usize) -> f64 {
    lod::cell(band) * 2.0 + 1e-6
}

#[test]
fn neighbours_sharing_a_border_leave_no_crack_at_any_band() {
    let edge = border(2_000);
    let mut west: Vec<(f64, f64)> = vec![(45.0, 39.0)];
    west.extend(edge.iter().copied());
    west.push((45.0, 40.0));
    let mut east: Vec<(f64, f64)> = vec![(47.0, 40.0)];
    east.extend(edge.iter().rev().copied());
    east.push((47.0, 39.0));
    let layer = layer_of(
        "test",
        vec![
            Geometry::Polygon(Polygon::new(ring(&west), vec![])),
            Geometry::Polygon(Polygon::new(ring(&east), vec![])),
        ],
    );
    let mut features = layer.features();
    let (w, e) = (features.next().unwrap(), features.next().unwrap());
    let first = lod::first_band(&layer.store).expect("the wiggly polygons got no levels");
    let full = mesh(w, Detail::Full).unwrap();
    let mut rng = Rng::new(3);
    let mut checked_bands = 0;
    for band in first..lod::BANDS {
        let mpp = view_for_band(band);
        let (wm, em) = (mesh_for(w, mpp).unwrap(), mesh_for(e, mpp).unwrap());
        if wm.vertices.is_empty() || lod::cell(band) > 20_000.0 {
            continue;
        }
        checked_bands += 1;
        assert!(
            wm.vertices.len() < full.vertices.len(),
            "band {band} saved nothing",
        );
        // Points near the shared border, well inside the pair's outer edge.
        let (min, max) = (w.bounds().min, e.bounds().max);
        let margin = 2.0 * lod::cell(band);
        let border_x = projection_x(46.0);
        for _ in 0..20_000 {
            let p = [
                border_x + rng.range(-4_000.0, 4_000.0),
                rng.range(min[1] + margin, max[1] - margin),
            ];
            assert!(
                covers(wm, p) || covers(em, p),
                "band {band}: a crack at {p:?}",
            );
        }
    }
    assert!(checked_bands >= 3, "only {checked_bands} bands checked");
}

fn projection_x(lon: f64) -> f64 {
    karabakh_atlas::model::projection::world_from_lonlat([lon, 0.0])[0]
}

#[test]
fn holes_stay_holes_and_the_vertices_drawn_follow_the_pixels() {
    // A circle of 20,000 vertices around a square hole half its size.
    let n = 20_000;
    let outer: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            (46.5 + 0.5 * a.cos(), 39.5 + 0.4 * a.sin())
        })
        .collect();
    let hole = [(46.3, 39.35), (46.3, 39.65), (46.7, 39.65), (46.7, 39.35)];
    let layer = layer_of(
        "test",
        vec![Geometry::Polygon(Polygon::new(
            ring(&outer),
            vec![ring(&hole)],
        ))],
    );
    let f = layer.features().next().unwrap();
    let full = mesh(f, Detail::Full).unwrap();
    let centre = karabakh_atlas::model::projection::world_from_lonlat([46.5, 39.5]);
    let in_ring = karabakh_atlas::model::projection::world_from_lonlat([46.5, 39.85]);
    let across = f.bounds().width();
    let mut drawn = Vec::new();
    for points_across in [2_000.0, 400.0, 100.0, 40.0] {
        let mpp = across / points_across;
        let mesh = mesh_for(f, mpp).unwrap();
        assert!(
            !mesh.vertices.is_empty(),
            "{points_across} points across: nothing drawn"
        );
        assert!(
            !covers(mesh, centre),
            "{points_across} points across: the hole is filled"
        );
        assert!(
            covers(mesh, in_ring),
            "{points_across} points across: the ring is not"
        );
        // A band's cell is more than an eighth of a point, and a snapped outline keeps about
        // one vertex a cell: at most 8 × its length in points, which is about π × the width.
        let most = (8.0 * std::f64::consts::PI * points_across) as usize + 16;
        assert!(
            mesh.vertices.len() <= most.min(full.vertices.len()),
            "{points_across} points across: {} vertices drawn",
            mesh.vertices.len()
        );
        drawn.push(mesh.vertices.len());
    }
    assert!(
        drawn.windows(2).all(|w| w[1] < w[0]),
        "vertices drawn zooming out: {drawn:?}"
    );
    // Close up, the full geometry.
    assert_eq!(
        mesh_for(f, across / 1e6).unwrap().vertices.len(),
        full.vertices.len()
    );
}

#[test]
fn long_lines_simplify_and_a_line_shorter_than_a_cell_stays_a_dot() {
    let mut rng = Rng::new(9);
    let long: Vec<Coord> = (0..5_000)
        .map(|i| Coord {
            x: 46.0 + i as f64 * 0.0002,
            y: 39.5 + rng.range(-0.001, 0.001),
        })
        .collect();
    let short = vec![
        Coord { x: 47.0, y: 39.0 },
        Coord {
            x: 47.00001,
            y: 39.0,
        },
    ];
    let layer = layer_of(
        "test",
        vec![
            Geometry::LineString(LineString::new(long)),
            Geometry::LineString(LineString::new(short)),
        ],
    );
    let mut features = layer.features();
    let (long, short) = (features.next().unwrap(), features.next().unwrap());
    let far = mesh_for(long, long.bounds().width() / 200.0).unwrap();
    let drawn: usize = far.rings.iter().map(|r| r.len()).sum();
    assert!(
        drawn < 1_000,
        "{drawn} of 5,000 vertices drawn 200 points across"
    );
    let dot = mesh_for(short, 1_000.0).unwrap();
    assert_eq!(dot.rings.len(), 1);
    assert_eq!(dot.rings[0].len(), 2, "the short line is not a stub");
}

#[test]
fn crowded_tiny_areas_are_drawn_as_their_pixels_and_none_is_lost() {
    let mut rng = Rng::new(21);
    let n = CLUSTER_ABOVE * 3;
    let squares = (0..n)
        .map(|_| {
            let (x, y) = (rng.range(45.0, 48.0), rng.range(39.0, 40.5));
            let d = 0.0005;
            Geometry::Polygon(Polygon::new(
                ring(&[(x, y), (x + d, y), (x + d, y + d), (x, y + d)]),
                vec![],
            ))
        })
        .collect();
    let mut atlas = Atlas::empty();
    atlas.layers.push(layer_of("test", squares));
    let faces = Faces::load().unwrap();
    let size = vec2(1200.0, 800.0);
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), size);
    let view = MapView::fitting(&atlas.layers[0].bounds().unwrap(), size, 20.0);
    let scene = build(&atlas, &view, viewport, &SceneOptions::default(), &faces);
    assert!(
        scene.badges.is_empty(),
        "{} count badges over the areas",
        scene.badges.len()
    );
    assert!(scene.symbols.is_empty() && scene.areas.is_empty());
    assert_eq!(scene.dense.len(), 1, "the squares are one image");
    let pixmap = karabakh_atlas::draw::raster::rasterize(&scene, &faces).unwrap();
    let background = scene.background;
    let painted = |x: u32, y: u32| {
        let p = pixmap.pixel(x, y).unwrap();
        (p.red(), p.green(), p.blue()) != (background.r(), background.g(), background.b())
    };
    for f in atlas.layers[0].features() {
        let at = view.screen_from_world(viewport, f.anchor());
        assert!(
            painted(at.x as u32, at.y as u32),
            "square {} at {at:?} is not drawn",
            f.id.0
        );
    }
}

#[test]
fn a_new_band_is_built_in_the_background_and_drawn_at_the_last_one_meanwhile() {
    use karabakh_atlas::model::store::FeatureId;
    // 1,000 round areas of 64 vertices, 1.5 km across, on a grid.
    let areas: Vec<Geometry<f64>> = (0..1_000)
        .map(|i| {
            let (cx, cy) = (
                46.0 + 0.03 * f64::from(i % 40),
                39.2 + 0.03 * f64::from(i / 40),
            );
            let points: Vec<(f64, f64)> = (0..64)
                .map(|k| {
                    let a = f64::from(k) * std::f64::consts::TAU / 64.0;
                    (cx + 0.009 * a.cos(), cy + 0.007 * a.sin())
                })
                .collect();
            Geometry::Polygon(Polygon::new(ring(&points), vec![]))
        })
        .collect();
    let layer = layer_of("rounds", areas);
    let store = &layer.store;
    let ids: Vec<FeatureId> = store.iter().map(|f| f.id).collect();
    let first = lod::first_band(store).expect("no levels");
    let (a, b) = (first + 1, first + 2);
    let (at_a, at_b) = (view_for_band(a), view_for_band(b));

    // The first view builds its band at once: there is nothing to draw meanwhile.
    lod::prepare_for_view(store, &ids, at_a, true);
    assert_eq!(lod::detail_for(store, at_a), Detail::Band(a));
    // Zoomed out a band: this frame draws band a, whole, while band b is built.
    lod::prepare_for_view(store, &ids, at_b, true);
    assert_eq!(lod::detail_for(store, at_b), Detail::Band(a));
    let started = std::time::Instant::now();
    while lod::building_for(store) {
        assert!(started.elapsed().as_secs() < 60, "the build never ends");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // The next frame finds band b ready and draws it.
    lod::prepare_for_view(store, &ids, at_b, true);
    assert_eq!(lod::detail_for(store, at_b), Detail::Band(b));
    // Images and exports wait for the band they want.
    let c = b + 1;
    lod::prepare_for_view(store, &ids, view_for_band(c), false);
    assert_eq!(lod::detail_for(store, view_for_band(c)), Detail::Band(c));
    assert!(!lod::building_for(store));
}

#[test]
fn the_meshes_just_beyond_the_view_are_built_in_the_background() {
    use karabakh_atlas::model::store::FeatureId;
    // 400 squares of 64 vertices in a row, west to east.
    let areas: Vec<Geometry<f64>> = (0..400)
        .map(|i| {
            let x = 45.0 + 0.01 * f64::from(i);
            let mut points: Vec<(f64, f64)> = (0..16)
                .map(|k| (x + 0.008 * f64::from(k) / 16.0, 39.0))
                .collect();
            points.extend((0..16).map(|k| (x + 0.008, 39.0 + 0.008 * f64::from(k) / 16.0)));
            points.extend((0..16).map(|k| (x + 0.008 - 0.008 * f64::from(k) / 16.0, 39.008)));
            points.extend((0..16).map(|k| (x, 39.008 - 0.008 * f64::from(k) / 16.0)));
            Geometry::Polygon(Polygon::new(ring(&points), vec![]))
        })
        .collect();
    let layer = layer_of("row", areas);
    let store = &layer.store;
    let band = lod::first_band(store).expect("no levels");
    let mpp = view_for_band(band);
    let detail = lod::detail_for(store, mpp);
    let all: Vec<FeatureId> = store.iter().map(|f| f.id).collect();
    // The view holds the western half; its meshes are built for the frame.
    let bounds = |ids: &[FeatureId]| {
        ids.iter()
            .map(|&id| store.get(id).unwrap().bounds())
            .reduce(|a, b| a.union(&b))
            .unwrap()
    };
    let (west, east) = all.split_at(200);
    let in_view = layer.features_in_order(&bounds(west));
    lod::prepare_for_view(store, &in_view, mpp, true);
    assert!(in_view.iter().all(|&id| lod::is_built(store, id, detail)));
    assert!(
        east[100..]
            .iter()
            .all(|&id| !lod::is_built(store, id, detail))
    );
    // Those beyond it are built in the background.
    lod::prefetch(store, east, mpp);
    let started = std::time::Instant::now();
    while lod::building_for(store) {
        assert!(started.elapsed().as_secs() < 60, "the build never ends");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(east.iter().all(|&id| lod::is_built(store, id, detail)));
}
