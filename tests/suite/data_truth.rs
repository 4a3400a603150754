//! What the data says and how it is shown: figures with their year, districts as the sources
//! name them, shapes no source publishes, demining by year, the railway and the rivers.

use crate::support;
use crate::support::window::{Frames, atlas_of, click_at, embedded_state, window};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use karabakh_atlas::model::atlas::{Atlas, FeatureRef};
use karabakh_atlas::model::feature::Language;
use karabakh_atlas::model::filter::FeatureFilter;
use karabakh_atlas::query::pick::pick;
use karabakh_atlas::query::stats::all_district_stats;
use karabakh_atlas::scene;
use karabakh_atlas::scene::fonts::Faces;
use karabakh_atlas::ui::AtlasApp;

fn harness() -> Harness<'static, AtlasApp> {
    window(embedded_state(), egui::vec2(1400.0, 900.0), Frames::Settle)
}

fn select(harness: &mut Harness<'_, AtlasApp>, id: &str) -> FeatureRef {
    let r = harness.state().state.doc.atlas.find_by_id(id).unwrap();
    let selection = &mut harness.state_mut().state.selection;
    selection.picked = vec![r];
    selection.selected = Some(r);
    harness.run();
    r
}

#[test]
fn a_settlement_card_shows_the_figures_year_and_a_current_dated_count() {
    let mut harness = harness();
    select(&mut harness, "settlement-147105");
    // GeoNames gives no year: the card says so rather than showing the download date.
    harness.get_by_label("population 19,400 (GeoNames, year not given)");
    assert_eq!(
        harness
            .query_all_by_label_contains("672 people by 2024-09-05")
            .count(),
        1,
        "Şuşa's count of 2024-09-05 is beside it"
    );
    // A town with no current count found says that it is uncertain.
    select(&mut harness, "settlement-587379");
    harness.get_by_label("population 10,167 (GeoNames, year not given)");
    assert!(harness.query_by_label_contains("uncertain: ").is_some());
}

#[test]
fn the_lachin_row_has_its_district_centre_and_aghdara_a_row_of_its_own() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    let row = |name: &str| {
        all.iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no {name} row"))
    };
    assert!(
        row("Lachin").settlements.iter().any(|s| s.name == "Lachin"),
        "{:?}",
        row("Lachin").settlements
    );
    assert!(
        !row("Shusha District")
            .settlements
            .iter()
            .any(|s| s.name == "Lachin")
    );
    assert!(
        row("Jabrayil")
            .settlements
            .iter()
            .any(|s| s.name == "Jabrayil")
    );
    // Ağdərə has no polygon, yet its row holds its town, its villages and its demining.
    let aghdara = row("Aghdara");
    for name in ["Aghdara", "Talish", "Sugovushan"] {
        assert!(aghdara.settlements.iter().any(|s| s.name == name), "{name}");
    }
    assert!(!row("Tartar").settlements.iter().any(|s| s.name == "Talish"));
    assert!(aghdara.demined_ha.contains(&("2025".to_owned(), 7893.3)));
    // Each feature is counted in exactly one district.
    let layer = &atlas.layers[atlas.layer_by_id("settlements").unwrap()];
    let counted: usize = all.iter().map(|s| s.count(layer.key)).sum();
    let in_liberated = layer
        .features()
        .filter(|f| atlas.district_of(*f).is_some())
        .count();
    assert_eq!(counted, in_liberated);
}

#[test]
fn a_return_is_counted_once_however_many_features_describe_it() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    let khojaly = all.iter().find(|s| s.name == "Khojaly").unwrap();
    // Ballıca's families are told by the village and by two events: only the village counts,
    // with the largest count its sources give (197 families by 2025-07-28).
    assert_eq!(khojaly.returned_families(), 197.0);
}

fn scene_at_home<'a>(
    atlas: &'a Atlas,
    faces: &'a Faces,
    options: &scene::SceneOptions<'_>,
) -> scene::Scene<'a> {
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1200.0, 900.0));
    let view =
        karabakh_atlas::model::view::MapView::fitting(&atlas.home_bounds(), rect.size(), 20.0);
    scene::build(atlas, &view, rect, options, faces)
}

#[test]
fn the_2025_demining_colours_the_map_and_the_legend_names_the_year() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let faces = Faces::load().unwrap();
    assert!(atlas.demining_years().contains(&"2025".to_owned()));
    let fills = |year: Option<&str>| -> Vec<egui::Color32> {
        let options = scene::SceneOptions {
            choropleth_year: year,
            ..Default::default()
        };
        scene_at_home(&atlas, &faces, &options)
            .areas
            .iter()
            .map(|a| a.fill)
            .collect()
    };
    let plain = fills(None);
    let coloured = fills(Some("2025"));
    let changed = plain.iter().zip(&coloured).filter(|(a, b)| a != b).count();
    assert!(changed >= 12, "{changed} areas changed colour");
    let legend = scene::choropleth_legend(&atlas, "2025").unwrap();
    assert_eq!(legend.year, "2025");
    // 2023 colours them differently: the years are not the same figures.
    assert_ne!(coloured, fills(Some("2023")));
}

#[test]
fn the_railway_is_drawn_dashed_and_can_be_picked() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let faces = Faces::load().unwrap();
    let r = atlas
        .find_by_id("railway-horadiz-aghband-horadiz-soltanli")
        .unwrap();
    let f = atlas.feature(r).unwrap().1;
    assert_eq!(f.str("position"), Some("approximate"));
    assert!(
        f.str("status")
            .is_some_and(|s| s.contains("under construction"))
    );
    // Picked at the middle of the segment.
    let geo::Geometry::LineString(line) = f.world() else {
        panic!("the railway is a line");
    };
    let (a, b) = (line.0[0], line.0[line.0.len() - 1]);
    let middle = [(a.x + b.x) / 2.0, (a.y + b.y) / 2.0];
    assert!(pick(&atlas.layers, &FeatureFilter::default(), middle, 50.0).contains(&r));
    // Drawn as dashes: many short pieces, none longer than a dash.
    let built = scene_at_home(&atlas, &faces, &scene::SceneOptions::default());
    let brown = egui::Color32::from_rgb(90, 40, 40);
    let pieces: Vec<_> = built
        .lines
        .iter()
        .filter(|l| l.stroke.color == brown)
        .collect();
    assert!(pieces.len() > 10, "{} pieces", pieces.len());
    for p in pieces {
        let length: f32 = p.points.windows(2).map(|w| w[0].distance(w[1])).sum();
        assert!(length <= scene::DASH_ON + 0.01, "{length}");
    }
}

#[test]
fn dashes_cover_the_line_in_turns() {
    let line = [
        egui::pos2(0.0, 0.0),
        egui::pos2(20.0, 0.0),
        egui::pos2(20.0, 10.0),
    ];
    let dashes = scene::dashes(&line, 9.0, 6.0);
    // 30 points long: a dash 0–9, a gap to 15, a dash round the corner to 24, a gap to the end.
    assert_eq!(dashes.len(), 2, "{dashes:?}");
    assert_eq!(dashes[0], vec![egui::pos2(0.0, 0.0), egui::pos2(9.0, 0.0)]);
    assert_eq!(
        dashes[1],
        vec![
            egui::pos2(15.0, 0.0),
            egui::pos2(20.0, 0.0),
            egui::pos2(20.0, 4.0)
        ]
    );
}

/// The Araz in the water layer, and its course in world metres.
fn the_araz(
    atlas: &Atlas,
) -> (
    karabakh_atlas::model::store::FeatureView<'_>,
    geo::LineString,
) {
    let water = &atlas.layers[atlas.layer_by_id("water").unwrap()];
    let araz = water
        .features()
        .find(|f| f.str("name_az") == Some("Araz"))
        .expect("the Araz is on the map");
    let geo::Geometry::LineString(line) = araz.world() else {
        panic!("the Araz is one line");
    };
    (araz, line)
}

#[test]
fn the_rivers_are_drawn_named_in_both_languages_and_pickable() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let faces = Faces::load().unwrap();
    let water = &atlas.layers[atlas.layer_by_id("water").unwrap()];
    let (araz, line) = the_araz(&atlas);
    assert_eq!(araz.str("name_en"), Some("Araz (Aras)"));
    assert!(araz.str("name_source_url").is_some());
    // Picked on one of its vertices.
    let at = line.0[line.0.len() / 2];
    let hits = pick(
        &atlas.layers,
        &FeatureFilter::default(),
        [at.x, at.y],
        100.0,
    );
    assert!(hits.iter().any(|h| h.layer == water.key), "{hits:?}");
    // Drawn in blue, beneath the thematic layers: before them in drawing order.
    let built = scene_at_home(&atlas, &faces, &scene::SceneOptions::default());
    let blue = egui::Color32::from_rgb(70, 140, 200);
    assert!(built.lines.iter().any(|l| l.stroke.color == blue));
    let water_index = atlas.layer_by_id("water").unwrap();
    for id in ["events", "facilities", "settlements", "railway"] {
        assert!(water_index < atlas.layer_by_id(id).unwrap(), "{id}");
    }
}

#[test]
fn shapes_no_source_publishes_are_points_with_their_documented_area() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for id in ["zone-aghdam", "zone-araz-valley", "demined-araz-valley"] {
        let f = atlas.feature(atlas.find_by_id(id).unwrap()).unwrap().1;
        assert!(f.is_point(), "{id} is drawn as a crisp polygon");
        assert!(
            f.number("area_ha").is_some(),
            "{id} lost its documented area"
        );
    }
}

#[test]
fn a_users_valid_one_point_file_passes_with_the_atlas_properties_only_as_notes() {
    use karabakh_atlas::cli::validate::{Severity, validate_paths, validate_paths_for_atlas};
    let path = support::write_temp(
        "atlas-user-file",
        "my-point.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"My site"},"geometry":{"type":"Point","coordinates":[46.75,39.76]}}]}"#,
    );
    let report = validate_paths(&[path.as_path()], 1 << 30);
    assert_eq!(report.errors(), 0, "{:?}", report.findings);
    let notes: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Note)
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("missing property source_url")),
        "{notes:?}"
    );
    // By the atlas's own rules the same file fails, once for each required property.
    let strict = validate_paths_for_atlas(&[path.as_path()], 1 << 30);
    assert_eq!(strict.errors(), notes.len(), "{:?}", strict.findings);
    assert!(strict.errors() >= 9);
}

#[test]
fn the_shipped_data_has_no_approximate_polygon_and_every_population_has_its_year() {
    let report = karabakh_atlas::cli::validate::validate_embedded();
    for f in &report.findings {
        assert!(!f.message.contains("a polygon marked approximate"), "{f}");
        assert!(
            !f.message.contains("population without population_year"),
            "{f}"
        );
        assert!(
            !f.message.contains("is after the date of its source"),
            "{f}"
        );
    }
    // Where a source and Natural Earth's polygons disagree, it is reported.
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.place.id.as_deref() == Some("settlement-147625")
                && f.message.contains("its source puts it in Lachin")),
        "{:?}",
        report
            .findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
}

#[test]
fn features_stacked_on_xankendi_fan_out_and_each_can_be_clicked() {
    let mut harness = harness();
    let town = atlas_of(&harness).find_by_id("settlement-146970").unwrap();
    let anchor = atlas_of(&harness).feature(town).unwrap().1.anchor();
    // The deepest useful zoom: still one position, so zooming further cannot split it.
    harness.state_mut().state.map.camera.view = karabakh_atlas::model::view::MapView {
        center: anchor,
        metres_per_point: 5.0,
    };
    harness.run();
    let (view, rect) = {
        let s = &harness.state().state;
        (s.map.camera.view, s.map.viewport.unwrap())
    };
    let centre = view.screen_from_world(rect, anchor);
    click_at(&mut harness, centre);
    let fan = harness
        .state()
        .state
        .selection
        .fan
        .clone()
        .expect("the stack fanned out");
    assert!(fan.members.len() >= 10, "{} members", fan.members.len());
    assert!(fan.members.contains(&town));
    for (i, r) in fan.members.iter().enumerate() {
        // The detail panel beside the map changes width with each card: find the town on
        // screen again before each click.
        let centre = {
            let s = &harness.state().state;
            s.map
                .camera
                .view
                .screen_from_world(s.map.viewport.unwrap(), anchor)
        };
        let q = scene::fan_positions(centre, fan.members.len())[i];
        click_at(&mut harness, q);
        let s = &harness.state().state;
        let now = s
            .map
            .camera
            .view
            .screen_from_world(s.map.viewport.unwrap(), anchor);
        let selection = &s.selection;
        assert_eq!(
            selection.selected,
            Some(*r),
            "clicked {q:?}; the town was at {centre:?} and is now at {now:?}; fan at {:?}, town at {anchor:?}",
            fan.at
        );
        assert_eq!(selection.fan.as_ref(), Some(&fan), "the fan stays open");
    }
}

#[test]
fn a_rivers_name_runs_along_its_course_where_it_fits() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let faces = Faces::load().unwrap();
    let (_, line) = the_araz(&atlas);
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1200.0, 900.0));
    let middle = line.0[line.0.len() / 2];
    let options = scene::SceneOptions::default();
    let name_at = |metres_per_point: f64| {
        let view = karabakh_atlas::model::view::MapView {
            center: [middle.x, middle.y],
            metres_per_point,
        };
        let on_screen: Vec<egui::Pos2> = line
            .0
            .iter()
            .map(|c| view.screen_from_world(rect, [c.x, c.y]))
            .collect();
        let label = scene::build(&atlas, &view, rect, &options, &faces)
            .labels
            .into_iter()
            .map(|l| l.label)
            .find(|l| l.text == "Araz");
        (label, on_screen)
    };
    for metres_per_point in [40.0, 120.0, 400.0] {
        let (label, river) = name_at(metres_per_point);
        let label = label.unwrap_or_else(|| panic!("no name at {metres_per_point} m/pt"));
        // Beside the river, turned as the river runs there.
        let centre = label.rect.center();
        let (segment, distance) = river
            .windows(2)
            .map(|w| (w, distance_to_segment(centre, w[0], w[1])))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        assert!(
            distance <= label.rect.height() + 2.0,
            "{distance} px off the river at {metres_per_point} m/pt"
        );
        let along = segment[1] - segment[0];
        let course = along.y.atan2(along.x);
        let mut off = (label.angle - course).rem_euclid(std::f32::consts::PI);
        off = off.min(std::f32::consts::PI - off);
        assert!(
            off.to_degrees() < 25.0,
            "the name is turned {}° from the river at {metres_per_point} m/pt",
            off.to_degrees()
        );
        // Read left to right.
        assert!(label.angle.abs() <= std::f32::consts::FRAC_PI_2 + 1e-3);
    }
    // So far out that the whole river is shorter than its name: no name.
    let (label, river) = name_at(200_000.0);
    let span = egui::Rect::from_points(&river);
    assert!(span.width().max(span.height()) < 30.0, "{span:?}");
    assert!(label.is_none(), "{label:?}");
}

fn distance_to_segment(p: egui::Pos2, a: egui::Pos2, b: egui::Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(f32::EPSILON)).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}

#[test]
fn a_figure_older_than_five_years_shown_without_its_year_is_flagged() {
    use karabakh_atlas::cli::validate::{Severity, validate_paths, validate_paths_for_atlas};
    let dir = std::env::temp_dir().join(format!("atlas-old-figures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("returns.geojson");
    let feature = |id: &str, date: &str, extra: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","source_date":"{date}"{extra}}},"geometry":{{"type":"Point","coordinates":[46.75,39.76]}}}}"#
        )
    };
    let features = [
        // The as-of date: the latest source date in the data.
        feature("new", "2026-03-01", r#","residents":900"#),
        // Reported in 2015, shown as if current.
        feature(
            "old-bare",
            "2015-06-01",
            r#","residents":500,"families_first_stage":40"#,
        ),
        // As old, but each figure says the year it is true for.
        feature(
            "old-dated",
            "2015-06-01",
            r#","residents":500,"residents_date":"2015-05-30","families_2015_05":40"#,
        ),
        // Within five years of the as-of date.
        feature("recent", "2022-01-10", r#","residents":120"#),
    ];
    support::write_collection(&path, &features);
    let stale = |report: &karabakh_atlas::cli::validate::Report| -> Vec<(Option<String>, String, Severity)> {
        report
            .findings
            .iter()
            .filter(|f| f.message.contains("more than five years before"))
            .map(|f| (f.place.id.clone(), f.message.clone(), f.severity))
            .collect()
    };
    let strict = stale(&validate_paths_for_atlas(&[path.as_path()], 1 << 30));
    let ids: Vec<(&str, &str)> = strict
        .iter()
        .map(|(id, m, _)| (id.as_deref().unwrap(), m.split(' ').next().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [
            ("old-bare", "residents"),
            ("old-bare", "families_first_stage")
        ],
        "{strict:?}"
    );
    assert!(strict.iter().all(|(_, _, s)| *s == Severity::Error));
    assert!(strict[0].1.contains("2026-03-01"), "{}", strict[0].1);
    // In a user's own file the same finding is a note.
    let user = stale(&validate_paths(&[path.as_path()], 1 << 30));
    assert_eq!(user.len(), 2);
    assert!(user.iter().all(|(_, _, s)| *s == Severity::Note));
    std::fs::remove_dir_all(&dir).unwrap();
}
