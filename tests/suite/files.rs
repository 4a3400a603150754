//! Files in and maps out, as a user does it: File → Open through the dialog, drag and drop,
//! loading in the background, Open Recent, a setup that comes back from the session and from
//! a project file, and map exports to PNG, SVG and the clipboard.

use crate::support;
use crate::support::window::{
    Frames, answer_file_dialog, click_each, click_nth, embedded_state, load_pending, open_and_load,
    window,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use karabakh_atlas::app::AppState;
use karabakh_atlas::model::layer::LayerRole;
use karabakh_atlas::ui::AtlasApp;
use std::path::{Path, PathBuf};

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    support::fresh_dir("karabakh-atlas-files", name)
}

/// A small GeoJSON file of `n` points around Ağdam, named `name` in `dir`.
fn points_file(dir: &Path, name: &str, n: usize) -> PathBuf {
    let features: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","properties":{{"name":"site {i}","kind":"{}"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
                ["survey", "cleared", "planned"][i % 3],
                46.90 + i as f64 * 0.001,
                39.99
            )
        })
        .collect();
    let path = dir.join(name);
    support::write_collection(&path, &features);
    path
}

pub(crate) fn harness_with(state: AppState) -> Harness<'static, AtlasApp> {
    window(state, egui::vec2(1400.0, 900.0), Frames::Settle)
}

/// Lets the background loads finish, then draws.
fn finish_loading(harness: &mut Harness<'_, AtlasApp>) {
    harness.state_mut().state.wait_for_loading();
    harness.run();
}

pub(crate) fn user_layers(state: &AppState) -> Vec<(String, usize)> {
    state
        .doc
        .atlas
        .layers
        .iter()
        .filter(|l| l.role == LayerRole::User)
        .map(|l| (l.title.clone(), l.len()))
        .collect()
}

#[test]
fn file_open_through_the_dialog_adds_a_layer_and_remembers_it() {
    let dir = temp_dir("open");
    points_file(&dir, "survey.geojson", 12);
    std::fs::write(dir.join("notes.md"), "not data").unwrap();
    let mut harness = harness_with(embedded_state());

    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Open… (Ctrl+O)").click();
    harness.run();
    assert!(harness.state().panels.file_dialog.is_some());
    // Go to the folder, as if typed in the dialog's folder field.
    harness
        .state_mut()
        .panels
        .file_dialog
        .as_mut()
        .unwrap()
        .enter(dir.clone());
    harness.run();
    // Only files the app can open are listed.
    assert!(harness.query_by_label("notes.md").is_none());
    harness.get_by_label("survey.geojson").click();
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert!(harness.state().panels.file_dialog.is_none());
    finish_loading(&mut harness);

    let state = &harness.state().state;
    assert_eq!(user_layers(state), vec![("survey.geojson".to_owned(), 12)]);
    assert_eq!(
        state.files.recent.first().unwrap(),
        &std::path::absolute(dir.join("survey.geojson")).unwrap()
    );
    // The layer panel lists it, with a way to close it.
    harness.get_by_label("survey.geojson");
    harness.get_by_label("Close").click();
    harness.run();
    assert!(user_layers(&harness.state().state).is_empty());
}

#[test]
fn the_dialog_says_when_a_file_does_not_exist_and_stays_open() {
    let dir = temp_dir("missing");
    let mut harness = harness_with(embedded_state());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.run();
    answer_file_dialog(&mut harness, &dir, "gone.geojson", "Open");
    let dialog = harness.state().panels.file_dialog.as_ref().unwrap();
    let error = dialog.error.as_deref().unwrap();
    assert!(
        error.contains("gone.geojson") && error.contains("no such file"),
        "{error}"
    );
}

/// A file as the window system hands it over on a drop.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropped_files_load_in_the_background_and_a_bad_one_only_adds_a_message() {
    let dir = temp_dir("drop");
    let good = points_file(&dir, "good.geojson", 3_000);
    let bad = dir.join("bad.geojson");
    std::fs::write(&bad, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let mut harness = harness_with(embedded_state());
    let layers_before = harness.state().state.doc.atlas.layers.len();
    for path in [&good, &bad] {
        harness.event(egui::Event::PointerMoved(egui::pos2(600.0, 400.0)));
        let dropped: egui::DroppedFileHandle = std::sync::Arc::new(Dropped(path.clone()));
        harness.input_mut().dropped_files.push(dropped);
    }
    harness.step();
    // Both went to the background loader: each is loading, loaded or refused by now.
    let state = &harness.state().state;
    let handled = state.files.loading.len()
        + (state.doc.atlas.layers.len() - layers_before)
        + state
            .doc
            .atlas
            .messages
            .iter()
            .filter(|m| m.contains("bad.geojson"))
            .count();
    assert_eq!(handled, 2);
    finish_loading(&mut harness);
    let state = &harness.state().state;
    assert_eq!(user_layers(state), vec![("good.geojson".to_owned(), 3_000)]);
    let message = state
        .doc
        .atlas
        .messages
        .iter()
        .find(|m| m.contains("bad.geojson"))
        .expect("a message names the bad file");
    assert!(message.contains("line 1"), "{message}");
    assert!(harness.state().panels.messages_open);
}

#[test]
fn a_cancelled_load_adds_nothing() {
    let dir = temp_dir("cancel");
    let path = points_file(&dir, "big.geojson", 50_000);
    let mut state = embedded_state();
    state.files.pending.push(path.clone());
    state.open_pending_files(&|| {});
    assert_eq!(state.files.loading.len(), 1);
    state.files.cancel(&path);
    assert!(state.files.loading.is_empty());
    state.wait_for_loading();
    assert!(user_layers(&state).is_empty());
    assert!(
        state.doc.atlas.messages.is_empty(),
        "{:?}",
        state.doc.atlas.messages
    );
}

#[test]
fn colouring_a_layer_by_an_attribute_gives_each_value_a_colour_and_a_legend_row() {
    let dir = temp_dir("colour-by");
    let mut state = embedded_state();
    open_and_load(&mut state, points_file(&dir, "sites.geojson", 9));
    let mut harness = harness_with(state);
    // The panel lists the top layer first: the opened file.
    click_nth(&mut harness, "colour by", 0);
    click_each(&mut harness, &["kind"]);

    let state = &harness.state().state;
    let layer = state.doc.atlas.layers.last().unwrap();
    let categories = layer.style.categories.as_ref().expect("coloured by kind");
    assert_eq!(categories.attribute, "kind");
    let values: Vec<&str> = categories.classes.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(values, ["cleared", "planned", "survey"]);
    let colours: std::collections::BTreeSet<[u8; 4]> = layer
        .features()
        .map(|f| categories.colour(f).to_array())
        .collect();
    assert_eq!(colours.len(), 3);
    for value in ["cleared", "planned", "survey", "other values, or none"] {
        harness.get_by_label(value);
    }
    // The session keeps the choice.
    let saved = state.session();
    assert_eq!(saved.setup.files[0].colour_by.as_deref(), Some("kind"));
}

#[test]
fn the_session_brings_back_opened_files_filters_and_recent_files() {
    let dir = temp_dir("session");
    let path = points_file(&dir, "sites.geojson", 5);
    let mut state = embedded_state();
    open_and_load(&mut state, path.clone());
    let index = state.doc.atlas.layers.len() - 1;
    state.doc.atlas.layers[index].opacity = 0.4;
    let id = state.doc.atlas.layers[index].id.clone();
    state.doc.filter.layers.entry(id.clone()).or_default().text = "site 1".to_owned();
    state.doc.filter.as_of = karabakh_atlas::model::date::Date::parse("2023-06-30");
    let settlements = state.doc.atlas.layer_by_id("settlements").unwrap();
    let layer = &mut state.doc.atlas.layers[settlements];
    layer.style.categories = Some(karabakh_atlas::model::style::Categories::of(
        "district",
        layer.features(),
    ));
    let session = state.session();
    let json = serde_json::to_string(&session).unwrap();

    let mut restored = embedded_state();
    restored.restore(&serde_json::from_str(&json).unwrap());
    load_pending(&mut restored);
    let layer = restored.doc.atlas.layers.last().unwrap();
    assert_eq!(layer.role, LayerRole::User);
    assert_eq!(layer.id, id);
    assert_eq!(layer.len(), 5);
    assert!((layer.opacity - 0.4).abs() < 1e-6);
    assert_eq!(restored.doc.filter, state.doc.filter);
    let settlements = restored.doc.atlas.layer_by_id("settlements").unwrap();
    assert_eq!(
        restored.doc.atlas.layers[settlements].style.categories,
        state.doc.atlas.layers[settlements].style.categories
    );
    assert_eq!(restored.files.recent, state.files.recent);
}

#[test]
fn a_project_file_saves_and_opens_a_whole_setup() {
    let dir = temp_dir("project");
    let data = points_file(&dir, "sites.geojson", 7);
    let mut state = embedded_state();
    open_and_load(&mut state, data);
    let settlements = state.doc.atlas.layer_by_id("settlements").unwrap();
    state.doc.atlas.layers[settlements].visible = false;
    let facilities = state.doc.atlas.layer_by_id("facilities").unwrap();
    let layer = &mut state.doc.atlas.layers[facilities];
    layer.style.categories = Some(karabakh_atlas::model::style::Categories::of(
        "kind",
        layer.features(),
    ));
    state.doc.choropleth_year = Some("2023".to_owned());
    state.doc.language = karabakh_atlas::model::feature::Language::English;
    state.add_slide();
    let project = dir.join("planning.json");
    state.save_project_as(&project);

    // The file is readable JSON that names the data relative to itself.
    let text = std::fs::read_to_string(&project).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["setup"]["files"][0]["path"], "sites.geojson");
    assert_eq!(json["format"], "karabakh-atlas-project");

    // Another planner opens the folder somewhere else.
    let moved = temp_dir("project-moved");
    for name in ["planning.json", "sites.geojson"] {
        std::fs::copy(dir.join(name), moved.join(name)).unwrap();
    }
    let mut other = embedded_state();
    other.open_project(&moved.join("planning.json"), true);
    other.open_pending_files(&|| {});
    other.wait_for_loading();
    assert_eq!(user_layers(&other), vec![("sites.geojson".to_owned(), 7)]);
    let settlements = other.doc.atlas.layer_by_id("settlements").unwrap();
    assert!(!other.doc.atlas.layers[settlements].visible);
    let facilities = other.doc.atlas.layer_by_id("facilities").unwrap();
    assert_eq!(
        other.doc.atlas.layers[facilities]
            .style
            .categories
            .as_ref()
            .map(|c| c.attribute.as_str()),
        Some("kind")
    );
    assert_eq!(json["setup"]["colour_by"]["facilities"], "kind");
    assert_eq!(other.doc.choropleth_year.as_deref(), Some("2023"));
    assert_eq!(
        other.doc.language,
        karabakh_atlas::model::feature::Language::English
    );
    assert_eq!(other.deck.project.slides.len(), 1);
    let (a, b) = (state.map.camera.view, other.map.camera.view);
    assert!((a.metres_per_point - b.metres_per_point).abs() < 1e-6);
    assert!((a.center[0] - b.center[0]).abs() < 1e-3 && (a.center[1] - b.center[1]).abs() < 1e-3);
}

/// Opens `name` from `dir` the way a user does: Ctrl+O, the folder, the name, Open.
fn open_through_dialog(harness: &mut Harness<'_, AtlasApp>, dir: &Path, name: &str) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.run();
    harness
        .state_mut()
        .panels
        .file_dialog
        .as_mut()
        .expect("Ctrl+O opens the dialog")
        .enter(dir.to_path_buf());
    harness.run();
    // The folder lists 30 files, more than the list shows at once: choose through
    // accessibility, which reaches entries scrolled out of view.
    harness.get_by_label(name).click_accesskit();
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert!(
        harness.state().panels.file_dialog.is_none(),
        "{name}: the dialog stayed open: {:?}",
        harness
            .state()
            .panels
            .file_dialog
            .as_ref()
            .map(|d| &d.error)
    );
    finish_loading(harness);
}

#[test]
fn every_format_in_tests_data_opens_from_the_file_menu_as_a_pickable_layer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats");
    let files = [
        ("settlements.csv", 5),
        ("settlements-semicolon.csv", 3),
        ("settlements.tsv", 2),
        ("areas-wkt.csv", 3),
        ("settlements.geojsonl", 5),
        ("settlements.geojsons", 3),
        ("karabakh.kml", 5),
        ("karabakh.kmz", 5),
        ("towns-wgs84.shp", 5),
        ("towns-utm38n.shp", 5),
        ("areas-utm38n-shapefile.zip", 2),
        ("karabakh.gpkg", 7),
        ("sites-3857.gpkg", 4),
    ];
    let mut harness = harness_with(embedded_state());
    for (n, (name, count)) in files.into_iter().enumerate() {
        open_through_dialog(&mut harness, &dir, name);
        let state = &harness.state().state;
        let layers = user_layers(state);
        assert_eq!(
            layers.len(),
            n + 1,
            "{name}: {:?}",
            state.doc.atlas.messages
        );
        assert_eq!(layers[n].1, count, "{name}");
        // Each feature can be picked where it lies.
        let index = state.doc.atlas.layers.len() - 1;
        let layer = &state.doc.atlas.layers[index];
        let f = layer.features().next().unwrap();
        let hits = karabakh_atlas::query::pick::pick(
            &state.doc.atlas.layers,
            &state.doc.filter,
            f.anchor(),
            1.0,
        );
        assert!(
            hits.iter().any(|r| r.layer == layer.key),
            "{name}: its first feature cannot be picked"
        );
    }
}

#[test]
fn a_csv_with_unknown_column_names_asks_for_them_and_then_opens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats");
    let mut harness = harness_with(embedded_state());
    open_through_dialog(&mut harness, &dir, "survey-unusual-columns.csv");
    assert!(user_layers(&harness.state().state).is_empty());
    let choice = harness
        .state()
        .state
        .files
        .csv_columns
        .clone()
        .expect("asked for columns");
    assert_eq!(choice.headers, ["site", "gps_n", "gps_e", "surveyed"]);

    click_each(
        &mut harness,
        &["latitude", "gps_n", "longitude", "gps_e", "Open"],
    );
    finish_loading(&mut harness);
    let state = &harness.state().state;
    assert!(state.files.csv_columns.is_none());
    assert_eq!(
        user_layers(state),
        vec![("survey-unusual-columns.csv".to_owned(), 4)]
    );
}
