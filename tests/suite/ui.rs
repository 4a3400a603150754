//! The window's panels, driven as a user would: click the map, read the detail panel,
//! turn layers off, switch the label language.

use crate::support::window::{Frames, atlas_of, click_at, click_each, embedded_state, window};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use karabakh_atlas::app::AppState;
use karabakh_atlas::model::atlas::FeatureRef;
use karabakh_atlas::model::feature::Language;
use karabakh_atlas::scene;
use karabakh_atlas::scene::fonts::{self, Faces};
use karabakh_atlas::ui::AtlasApp;
use karabakh_atlas::ui::detail_panel::short_url;

pub(crate) fn harness() -> Harness<'static, AtlasApp> {
    // Tall enough for the layer panel's date slider below the railway and 2025 rows.
    window(embedded_state(), egui::vec2(1400.0, 1050.0), Frames::Settle)
}

pub(crate) fn feature_ref(harness: &Harness<'_, AtlasApp>, id: &str) -> FeatureRef {
    atlas_of(harness)
        .find_by_id(id)
        .unwrap_or_else(|| panic!("no feature {id}"))
}

/// Where a feature's label anchor is on screen now.
pub(crate) fn screen_pos_of(harness: &Harness<'_, AtlasApp>, r: FeatureRef) -> egui::Pos2 {
    let state = &harness.state().state;
    let rect = state.map.viewport.expect("the map was drawn");
    let anchor = state.doc.atlas.feature(r).unwrap().1.anchor();
    state.map.camera.view.screen_from_world(rect, anchor)
}

/// Clicks the feature `id` at its label anchor on screen; the feature clicked.
pub(crate) fn click_feature(harness: &mut Harness<'_, AtlasApp>, id: &str) -> FeatureRef {
    let r = feature_ref(harness, id);
    let pos = screen_pos_of(harness, r);
    click_at(harness, pos);
    r
}

#[test]
fn clicking_a_district_shows_its_name_and_source_in_the_detail_panel() {
    let mut harness = harness();
    let kalbajar = click_feature(&mut harness, "district-kalbajar");

    assert_eq!(harness.state().state.selection.selected, Some(kalbajar));
    assert!(harness.get_all_by_label("Kəlbəcər").count() >= 1);
    let f = &harness.state().state.doc.atlas.feature(kalbajar).unwrap().1;
    let url = f.str("source_url").unwrap().to_owned();
    let date = f.str("source_date").unwrap().to_owned();
    harness.get_by_label(&short_url(&url));
    harness.get_by_label(&date);

    // Escape closes the panel.
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(harness.state().state.selection.selected, None);
    assert!(harness.query_by_label(&short_url(&url)).is_none());
}

#[test]
fn clicking_an_airport_shows_its_facts() {
    let mut harness = harness();
    let fuzuli = click_feature(&mut harness, "airport-fuzuli");
    let selection = &harness.state().state.selection;
    assert!(
        selection.picked.contains(&fuzuli),
        "picked {:?}",
        selection.picked
    );
    assert_eq!(selection.selected, selection.picked.first().copied());
}

#[test]
fn a_layer_turned_off_can_no_longer_be_picked() {
    let mut harness = harness();
    let kalbajar = feature_ref(&harness, "district-kalbajar");
    let pos = screen_pos_of(&harness, kalbajar);

    harness.get_by_label("Liberated districts").click();
    harness.run();
    assert!(
        !harness
            .state()
            .state
            .doc
            .atlas
            .layer(kalbajar.layer)
            .unwrap()
            .visible
    );

    click_at(&mut harness, pos);
    let state = &harness.state().state;
    assert!(
        !state
            .selection
            .picked
            .iter()
            .any(|r| r.layer == kalbajar.layer),
        "a hidden district was picked: {:?}",
        state.selection.picked
    );
    assert!(harness.query_by_label("Kəlbəcər").is_none());
}

#[test]
fn labels_switch_to_english() {
    let mut harness = harness();
    let labels = |h: &Harness<'_, AtlasApp>| -> Vec<String> {
        let s = &h.state().state;
        let rect = s.map.viewport.unwrap();
        let options = s.scene_options();
        scene::build(&s.doc.atlas, &s.map.camera.view, rect, &options, &s.faces)
            .labels
            .into_iter()
            .map(|l| l.label.text)
            .collect()
    };
    assert!(
        labels(&harness).iter().any(|t| t == "Kəlbəcər"),
        "{:?}",
        labels(&harness)
    );

    harness.get_by_label("English").click();
    harness.run();
    assert_eq!(harness.state().state.doc.language, Language::English);
    let english = labels(&harness);
    assert!(english.iter().any(|t| t == "Kalbajar"), "{english:?}");
    assert!(!english.iter().any(|t| t == "Kəlbəcər"), "{english:?}");
}

#[test]
fn home_and_keys_move_the_map() {
    let mut harness = harness();
    let home = harness.state().state.map.camera.view;
    harness.key_press(egui::Key::Plus);
    harness.run();
    let zoomed = harness.state().state.map.camera.view;
    assert!(
        (zoomed.metres_per_point - home.metres_per_point / 2.0).abs()
            < 1e-6 * home.metres_per_point
    );
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    assert!(harness.state().state.map.camera.view.center[0] > zoomed.center[0]);
    harness.key_press(egui::Key::Home);
    harness.run();
    let back = harness.state().state.map.camera.view;
    assert!((back.metres_per_point - home.metres_per_point).abs() < 1e-6 * home.metres_per_point);
}

#[test]
fn several_features_under_the_click_are_listed_topmost_first() {
    let mut harness = harness();
    // Khankendi's point carries the town and the facilities placed at it.
    let town = click_feature(&mut harness, "settlement-146970");
    let state = &harness.state().state;
    assert!(
        state.selection.picked.len() > 3,
        "{:?}",
        state.selection.picked
    );
    assert!(state.selection.picked.contains(&town));
    // Points come before the district polygons under them.
    let first_area = state
        .selection
        .picked
        .iter()
        .position(|r| state.doc.atlas.feature(*r).unwrap().1.is_areal())
        .unwrap();
    assert!(
        state.selection.picked[..first_area].iter().all(|r| state
            .doc
            .atlas
            .feature(*r)
            .unwrap()
            .1
            .is_point())
    );
    let n = state.selection.picked.len();
    harness.get_by_label(&format!("{n} features here, topmost first:"));

    // Choosing another entry shows it.
    let factory = feature_ref(&harness, "facility-khankendi-sewing-factory");
    harness
        .get_by_label_contains("Xankəndi tikiş fabriki ·")
        .click();
    harness.run();
    assert_eq!(harness.state().state.selection.selected, Some(factory));
}

#[test]
fn about_the_data_lists_the_licences_and_every_source() {
    let mut harness = harness();
    click_each(&mut harness, &["Help", "About the data"]);
    harness.get_by_label_contains("GeoNames (CC BY 4.0)");
    harness.get_by_label_contains("Natural Earth 10m admin-1 (public domain)");
    let n = harness.state().state.doc.atlas.sources().len();
    assert!(n > 20, "only {n} sources");
    harness.get_by_label(&format!("Every source cited ({n})"));
}

#[test]
fn measuring_between_two_airports_gives_their_geodesic_distance() {
    use karabakh_atlas::model::measure::geodesic_distance_m;
    let mut harness = harness();
    let fuzuli = feature_ref(&harness, "airport-fuzuli");
    let zangilan = feature_ref(&harness, "airport-zangilan");
    let (a, b) = (
        screen_pos_of(&harness, fuzuli),
        screen_pos_of(&harness, zangilan),
    );

    harness.get_by_label("↔ Distance").click();
    harness.run();
    click_at(&mut harness, a);
    click_at(&mut harness, b);

    let state = &harness.state().state;
    assert!(
        state.selection.selected.is_none(),
        "measuring must not pick"
    );
    let m = state.selection.measurement.as_ref().expect("a measurement");
    assert_eq!(m.vertices.len(), 2);
    let lonlat = |r| match state.doc.atlas.feature(r).unwrap().1.lonlat() {
        geo::Geometry::Point(p) => [p.x(), p.y()],
        _ => panic!("not a point"),
    };
    let known = geodesic_distance_m(lonlat(fuzuli), lonlat(zangilan));
    // Clicks land on whole screen points: allow two points' worth of ground.
    let slack = 2.0 * state.map.camera.view.metres_per_point;
    assert!(
        (m.total_m() - known).abs() < slack,
        "measured {} m, known {known} m",
        m.total_m()
    );
    let shown = karabakh_atlas::model::measure::format_length(m.total_m());
    harness.get_by_label(&format!("total: {shown}"));

    harness.get_by_label("Clear").click();
    harness.run();
    assert!(harness.state().state.selection.measurement.is_none());
}

#[test]
fn typing_a_former_name_in_search_and_pressing_enter_opens_the_place() {
    let mut harness = harness();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    let field = harness.get_by_label("Search");
    assert!(field.is_focused(), "Ctrl+F focuses the search box");
    field.type_text("Stepanakert");
    harness.run();
    assert!(
        harness
            .get_all_by_label_contains("(formerly Stepanakert)")
            .count()
            >= 1
    );
    harness.key_press(egui::Key::Enter);
    harness.run();
    let state = &harness.state().state;
    let selected = state.selection.selected.expect("a place is selected");
    let f = &state.doc.atlas.feature(selected).unwrap().1;
    assert!(
        f.str("name_az").unwrap().starts_with("Xankəndi"),
        "{:?}",
        f.str("name_az")
    );
    // The map flew there: the place is in the middle of the map.
    let rect = state.map.viewport.unwrap();
    let (_, f) = state.doc.atlas.feature(selected).unwrap();
    let middle = if f.is_point() {
        f.anchor()
    } else {
        f.bounds().center()
    };
    let at = state.map.camera.view.screen_from_world(rect, middle);
    assert!(
        (at - rect.center()).length() < 5.0,
        "{at:?} vs {:?}",
        rect.center()
    );
}

#[test]
fn moving_the_date_slider_hides_what_came_later() {
    use karabakh_atlas::model::date::Month;
    use karabakh_atlas::query::pick::pick;
    let mut harness = harness();
    harness
        .get_by_label("Show only what existed by a date")
        .click();
    harness.run();
    harness
        .get_by_label("As of")
        .set_value_accesskit(f64::from(Month::new(2022, 6).unwrap().index()));
    harness.run();
    let state = &harness.state().state;
    assert_eq!(
        state.doc.filter.as_of.map(|d| d.to_string()).as_deref(),
        Some("2022-06-30")
    );
    harness.get_by_label("As of 2022-06-30");

    let pickable = |id: &str| {
        let r = state.doc.atlas.find_by_id(id).unwrap();
        let at = state.doc.atlas.feature(r).unwrap().1.anchor();
        pick(&state.doc.atlas.layers, &state.doc.filter, at, 1.0).contains(&r)
    };
    assert!(pickable("airport-fuzuli"), "opened 2021-10-26");
    assert!(
        pickable("settlement-147105"),
        "Shusha has no date: it was always there"
    );
    assert!(!pickable("airport-lachin"), "opened 2025-05-28");
    assert!(!pickable("settlement-aghali"), "return began 2022-07-19");

    // The picture says it is filtered.
    let rect = state.map.viewport.unwrap();
    let built = scene::build(
        &state.doc.atlas,
        &state.map.camera.view,
        rect,
        &state.scene_options(),
        &state.faces,
    );
    assert!(
        built
            .notes
            .iter()
            .any(|n| n.starts_with("As of 2022-06-30")),
        "{:?}",
        built.notes
    );
}

#[test]
fn the_district_table_sorts_by_a_clicked_column() {
    let mut harness = harness();
    click_each(&mut harness, &["View", "Compare districts"]);
    assert!(harness.state().panels.district_table.open);
    // First click sorts ascending, the second descending. (kittest's pointer click does not
    // reach buttons in a horizontal scroll area; the real window was checked under Xvfb.)
    harness.get_by_label("Demined ha 2023").click_accesskit();
    harness.run();
    assert_eq!(
        harness.state().panels.district_table.sort.column,
        9,
        "the first click sorts"
    );
    harness.get_by_label("Demined ha 2023 ▲").click_accesskit();
    harness.run();
    let sort = harness.state().panels.district_table.sort;
    assert!(sort.descending);
    // The biggest 2023 figure, Jabrayil's 14,016.7 ha, is shown.
    harness.get_by_label("14016.7");
}

#[test]
fn clicking_a_cluster_of_points_zooms_in_on_it_instead_of_picking_one_point() {
    let mut rng = 7u64;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    let points: Vec<karabakh_atlas::model::feature::Feature> = (0..20_000)
        .map(|index| karabakh_atlas::model::feature::Feature {
            geometry: geo::Geometry::Point(geo::point!(
                x: 46.0 + 1.5 * next(),
                y: 39.2 + 1.2 * next()
            )),
            properties: serde_json::Map::new(),
            index,
        })
        .collect();
    let mut atlas = karabakh_atlas::io::embedded::atlas();
    atlas.layers.insert(
        0,
        karabakh_atlas::model::layer::Layer::from_features(
            "file:points",
            "points",
            karabakh_atlas::model::layer::LayerRole::User,
            karabakh_atlas::model::atlas::user_style(0),
            "points.geojson",
            &points,
        ),
    );
    let app = AtlasApp::new(AppState::new(atlas, Faces::load().unwrap()));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(240)
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut AtlasApp| app.ui(ui), app);
    harness.run();

    // Move the view without drawing a frame: the click must find the clusters of the view it
    // lands on, not of the frame before.
    let clusters: Vec<(egui::Pos2, usize)> = {
        let state = &mut harness.state_mut().state;
        state.map.camera.view.pan_by_screen(egui::vec2(37.0, 23.0));
        let options = state.scene_options();
        let rect = state.map.viewport.unwrap();
        let view = state.map.camera.view;
        scene::build(&state.doc.atlas, &view, rect, &options, &state.faces)
            .badges
            .iter()
            .filter(|b| b.on_cluster)
            .map(|b| (b.center, b.count))
            .collect()
    };
    assert!(clusters.len() > 50, "{} clusters", clusters.len());
    let (centre, count) = clusters[clusters.len() / 2];
    assert!(count > 1);
    let before = harness.state().state.map.camera.view.metres_per_point;
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: centre,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.event(egui::Event::PointerMoved(centre));
    harness.run();
    let after = harness.state().state.map.camera.view.metres_per_point;
    assert!(
        (after * 4.0 - before).abs() < before * 0.01,
        "zoom went from {before} to {after} m per point"
    );
    assert!(
        harness.state().state.selection.picked.is_empty(),
        "a point was picked"
    );
}
