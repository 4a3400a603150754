//! Fills: every shipped polygon's triangles cover exactly the polygon's area, so concave
//! districts and holes fill right.

use geo::Area;
use karabakh_atlas::model::layer::tessellate::tessellate;
use karabakh_atlas::model::projection::World;

#[test]
fn every_shipped_polygon_is_covered_by_triangles_of_equal_area() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let mut checked = 0;
    for layer in &atlas.layers {
        for f in layer.features() {
            if !f.is_areal() {
                continue;
            }
            let polygon_area = f.world().unsigned_area();
            let mesh = karabakh_atlas::model::layer::lod::mesh(
                f,
                karabakh_atlas::model::layer::lod::Detail::Full,
            )
            .unwrap();
            let triangle_area = mesh.triangle_area();
            let name = f.display_name(Default::default());
            assert!(polygon_area > 0.0, "{}: {name} has no area", layer.id);
            let relative = (triangle_area - polygon_area).abs() / polygon_area;
            assert!(
                relative < 1e-9,
                "{}: {name}: triangles {triangle_area} m², polygon {polygon_area} m²",
                layer.id
            );
            checked += 1;
        }
    }
    assert!(checked >= 13, "only {checked} polygons were checked");
}

fn square(x0: f64, y0: f64, size: f64) -> Vec<(f64, f64)> {
    vec![
        (x0, y0),
        (x0 + size, y0),
        (x0 + size, y0 + size),
        (x0, y0 + size),
        (x0, y0),
    ]
}

#[test]
fn a_hole_stays_a_hole() {
    let polygon = geo::Polygon::new(
        square(0.0, 0.0, 10.0).into(),
        vec![square(2.0, 2.0, 3.0).into()],
    );
    let mesh = tessellate(&geo::Geometry::Polygon(polygon));
    assert!((mesh.triangle_area() - (100.0 - 9.0)).abs() < 1e-9);
    // No triangle's centroid falls inside the hole.
    for t in mesh.indices.chunks_exact(3) {
        let [a, b, c]: [World; 3] = [t[0], t[1], t[2]].map(|i| mesh.vertices[i as usize]);
        let cx = (a[0] + b[0] + c[0]) / 3.0;
        let cy = (a[1] + b[1] + c[1]) / 3.0;
        assert!(
            !(2.0 < cx && cx < 5.0 && 2.0 < cy && cy < 5.0),
            "triangle in the hole"
        );
    }
    assert_eq!(mesh.rings.len(), 2);
}

#[test]
fn a_concave_polygon_does_not_fill_its_convex_hull() {
    // A "U": 3×3 square with its top-middle cell cut out: area 8, hull area 9.
    let u: Vec<(f64, f64)> = vec![
        (0.0, 0.0),
        (3.0, 0.0),
        (3.0, 3.0),
        (2.0, 3.0),
        (2.0, 1.0),
        (1.0, 1.0),
        (1.0, 3.0),
        (0.0, 3.0),
        (0.0, 0.0),
    ];
    let mesh = tessellate(&geo::Geometry::Polygon(geo::Polygon::new(u.into(), vec![])));
    assert!(
        (mesh.triangle_area() - 7.0).abs() < 1e-9,
        "{}",
        mesh.triangle_area()
    );
}

/// Found by fuzzing the CSV loader: the triangulator used before (earcutr 0.5) looped for ever
/// on this polygon, whose holes run outside its exterior and repeat each other, and the file
/// never finished loading. Triangulation must end, with or without triangles.
#[test]
fn a_polygon_with_holes_outside_it_is_triangulated_in_finite_time() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bad/csv-polygon-earcut-hang.csv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = karabakh_atlas::io::csv::load_str(path, &text, &Default::default()).unwrap();
    let store = loaded.features;
    let polygon = store
        .iter()
        .map(|f| f.lonlat())
        .find(|g| matches!(g, geo::Geometry::Polygon(_)))
        .expect("the file holds a polygon");
    assert!(
        matches!(&polygon, geo::Geometry::Polygon(p) if p.interiors().len() == 3),
        "the polygon was read differently: {polygon:?}",
    );
    let (done, finished) = std::sync::mpsc::channel();
    // The full mesh, as a view drawing the polygon builds it.
    std::thread::spawn(move || {
        let f = store.iter().find(|f| f.is_areal()).unwrap();
        let mesh = karabakh_atlas::model::layer::lod::mesh(
            f,
            karabakh_atlas::model::layer::lod::Detail::Full,
        )
        .unwrap();
        done.send(mesh.indices.len()).unwrap();
    });
    let indices = finished
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("triangulation did not finish within 30 s");
    assert_eq!(indices % 3, 0);
}

/// Found by fuzzing the Shapefile loader: a polygon whose hole shares vertices with its
/// exterior, as a ring snapped to a coarse grid for a zoomed-out view often does, sent earcut
/// 0.4.5 into an endless loop while it bridged the hole, and the file never finished loading.
/// (These are the ring's vertices as the 1,024 m level of detail snapped them.)
#[test]
fn a_hole_that_shares_vertices_with_its_exterior_is_triangulated_in_finite_time() {
    let exterior: Vec<(f64, f64)> = vec![
        (-13312.0, 5086208.0),
        (0.0, 4857856.0),
        (5229568.0, 4878336.0),
        (222208.0, 4872192.0),
        (4671488.0, -0.0),
        (0.0, 5922816.0),
        (0.0, -0.0),
        (-13312.0, -0.0),
        (0.0, 5086208.0),
        (0.0, -0.0),
        (-13312.0, -0.0),
        (-1024.0, -13312.0),
        (-13312.0, -0.0),
        (0.0, -0.0),
        (-13312.0, -13312.0),
        (0.0, -13312.0),
        (0.0, -0.0),
        (4456448.0, -0.0),
        (4405248.0, -0.0),
        (0.0, 5922816.0),
        (0.0, -0.0),
        (-13312.0, 5086208.0),
    ];
    let hole = vec![
        (0.0, -0.0),
        (0.0, -13312.0),
        (-13312.0, -13312.0),
        (0.0, 0.0),
    ];
    let polygon = geo::Polygon::new(exterior.into(), vec![hole.into()]);
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mesh = tessellate(&geo::Geometry::Polygon(polygon));
        done.send((mesh.indices.len(), mesh.vertices.len()))
            .unwrap();
    });
    let (indices, vertices) = finished
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("triangulation did not finish within 30 s");
    assert_eq!(indices % 3, 0);
    assert!(indices > 0, "the polygon got no fill");
    assert_eq!(vertices, 21 + 3, "the mesh keeps the rings' own vertices");
}
