//! `validity::problems` must find exactly what geo's own `Validation` finds, in the same order
//! and words, only faster: on every geometry the shipped data and the test files hold, and on
//! generated rings large enough to take the R-tree path, crossed and uncrossed.

use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon, Validation};
use karabakh_atlas::model::validity::{problems, ring_crosses_itself};
use std::path::Path;

fn geo_problems(g: &Geometry<f64>) -> Vec<String> {
    g.validation_errors()
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn assert_same(g: &Geometry<f64>, what: &str) {
    assert_eq!(problems(g), geo_problems(g), "{what}");
}

/// Every geometry of every GeoJSON file under `dir` that loads.
fn geometries_under(dir: &Path, out: &mut Vec<(String, Geometry<f64>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            geometries_under(&path, out);
            continue;
        }
        let name = path.display().to_string();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(loaded) = karabakh_atlas::io::geojson::load_str(&name, &text) {
            out.extend(
                loaded
                    .features
                    .iter()
                    .map(|f| (format!("{name} feature {}", f.file_index()), f.lonlat())),
            );
        }
    }
}

#[test]
fn agrees_with_geo_on_every_file_the_tests_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for dir in ["geodata", "tests/data"] {
        geometries_under(&root.join(dir), &mut all);
    }
    assert!(all.len() > 300, "only {} geometries found", all.len());
    let invalid = all
        .iter()
        .filter(|(_, g)| !geo_problems(g).is_empty())
        .count();
    assert!(
        invalid >= 5,
        "only {invalid} invalid geometries to compare on"
    );
    for (what, g) in &all {
        assert_same(g, what);
    }
}

/// A deterministic generator (xorshift), so a failure names a reproducible case.
struct Noise(u64);
impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A closed ring of `n` points around `centre`: a star whose radii vary by `jitter` (0 keeps it
/// simple, larger values make it cross itself); `snap` rounds coordinates to a grid, which
/// makes repeated points, collinear touches and spikes.
fn ring(noise: &mut Noise, centre: (f64, f64), n: usize, jitter: f64, snap: f64) -> LineString {
    let mut points: Vec<Coord> = (0..n)
        .map(|i| {
            let angle =
                i as f64 / n as f64 * std::f64::consts::TAU + (noise.next() - 0.5) * jitter * 0.5;
            let r = 1.0 + (noise.next() - 0.5) * jitter;
            let round = |v: f64| {
                if snap > 0.0 {
                    (v / snap).round() * snap
                } else {
                    v
                }
            };
            Coord {
                x: round(centre.0 + r * angle.cos()),
                y: round(centre.1 + r * angle.sin()),
            }
        })
        .collect();
    points.push(points[0]);
    LineString::new(points)
}

#[test]
fn agrees_with_geo_on_generated_polygons_and_multipolygons() {
    let mut noise = Noise(0x5eed_1234_abcd_ef01);
    let mut crossed = 0;
    for case in 0..400 {
        let n = [4, 7, 31, 32, 33, 60, 150, 400][case % 8];
        let jitter = [0.0, 0.05, 0.6, 2.0][(case / 8) % 4];
        let snap = [0.0, 0.25][(case / 32) % 2];
        let outer = ring(&mut noise, (0.0, 0.0), n, jitter, snap);
        crossed += usize::from(
            !geo_problems(&Geometry::Polygon(Polygon::new(outer.clone(), vec![]))).is_empty(),
        );
        let holes: Vec<LineString> = (0..case % 4)
            .map(|h| {
                let mut hole = ring(&mut noise, (0.0, 0.0), n.min(40), jitter, snap);
                let (dx, dy) = ((h as f64 - 1.5) * 0.4, (noise.next() - 0.5) * 0.4);
                let scale = 0.15 + noise.next() * 0.3;
                hole.0.iter_mut().for_each(|c| {
                    c.x = c.x * scale + dx;
                    c.y = c.y * scale + dy;
                });
                hole
            })
            .collect();
        let polygon = Polygon::new(outer, holes);
        assert_same(
            &Geometry::Polygon(polygon.clone()),
            &format!("polygon case {case}"),
        );
        // Parts apart, touching on a line or overlapping, by where the second one sits.
        let offset = [0.5, 2.0, 2.0 + 0.5 * jitter, 10.0][case % 4];
        let second = Polygon::new(ring(&mut noise, (offset, 0.0), n, jitter, snap), vec![]);
        let square = |x: f64| {
            Polygon::new(
                LineString::from(vec![
                    (x, 5.0),
                    (x + 1.0, 5.0),
                    (x + 1.0, 6.0),
                    (x, 6.0),
                    (x, 5.0),
                ]),
                vec![],
            )
        };
        let parts = MultiPolygon::new(vec![polygon, second, square(0.0), square(1.0), square(3.0)]);
        assert_same(
            &Geometry::MultiPolygon(parts.clone()),
            &format!("multipolygon case {case}"),
        );
        assert_same(
            &Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![
                Geometry::MultiPolygon(parts),
                Geometry::LineString(LineString::from(vec![(0.0, 0.0), (0.0, 0.0)])),
            ])),
            &format!("collection case {case}"),
        );
    }
    assert!(crossed > 50, "only {crossed} crossed rings were generated");
}

#[test]
fn a_long_ring_crossed_once_near_its_end_is_found() {
    // A simple 1,000-point circle, then its last two points swapped: one crossing, which the
    // R-tree path must find among a million pairs.
    let mut points: Vec<Coord> = (0..1000)
        .map(|i| {
            let a = i as f64 / 1000.0 * std::f64::consts::TAU;
            Coord {
                x: a.cos(),
                y: a.sin(),
            }
        })
        .collect();
    let simple = {
        let mut p = points.clone();
        p.push(p[0]);
        LineString::new(p)
    };
    assert!(!ring_crosses_itself(&simple));
    points.swap(997, 998);
    points.push(points[0]);
    let crossed = LineString::new(points);
    assert!(ring_crosses_itself(&crossed));
    assert_same(
        &Geometry::Polygon(Polygon::new(crossed, vec![])),
        "swapped circle",
    );
}
