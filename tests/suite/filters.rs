//! Layer filters as a user sets them in the layer panel: a kind hidden, a numeric range, and
//! both carried into slides.

use super::ui::harness;
use crate::support::window::{atlas_of, click_each, click_nth};
use egui_kittest::kittest::Queryable;
use karabakh_atlas::model::layer::LayerRole;
use karabakh_atlas::scene;

#[test]
fn a_layer_filter_hides_a_kind_says_so_and_goes_into_slides() {
    use karabakh_atlas::query::pick::pick;
    let mut harness = harness();
    let facilities = atlas_of(&harness).layer_by_id("facilities").unwrap();
    let filters = harness.get_all_by_label("Filter").count();
    assert!(
        filters >= 7,
        "one filter per thematic layer, found {filters}"
    );
    // The layers are listed top first, each but the grey context with a Filter header: the
    // facilities' header is the one at their place in that list.
    let place = atlas_of(&harness)
        .layers
        .iter()
        .rev()
        .filter(|l| l.role != LayerRole::Context)
        .position(|l| l.id == "facilities")
        .unwrap();
    click_nth(&mut harness, "Filter", place);
    click_each(&mut harness, &["hotel"]);
    let state = &harness.state().state;
    let f = &state.doc.filter.layers["facilities"];
    assert!(f.hidden_kinds.contains("hotel"), "{f:?}");
    let hotel = state
        .doc
        .atlas
        .find_by_id("facility-khankendi-palace-hotel")
        .unwrap();
    assert_eq!(hotel.layer, state.doc.atlas.layers[facilities].key);
    let at = state.doc.atlas.feature(hotel).unwrap().1.anchor();
    assert!(!pick(&state.doc.atlas.layers, &state.doc.filter, at, 1.0).contains(&hotel));
    let factory = state
        .doc
        .atlas
        .find_by_id("facility-khankendi-sewing-factory")
        .unwrap();
    assert!(pick(&state.doc.atlas.layers, &state.doc.filter, at, 1.0).contains(&factory));
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
            .any(|n| n == "Services and facilities: hiding hotel"),
        "{:?}",
        built.notes
    );
    harness.get_by_label("Filter (on)");
    let slide = harness.state().state.capture_slide("filtered".to_owned());
    assert!(slide.filters["facilities"].hidden_kinds.contains("hotel"));
}

#[test]
fn a_numeric_range_filter_on_population_hides_the_smaller_settlements() {
    let mut harness = harness();
    // Settlements are the second layer from the top.
    click_nth(&mut harness, "Filter", 1);
    click_each(&mut harness, &["range shown"]);
    // The list opens below the panel's fold, so choose through accessibility, as a screen
    // reader would.
    harness.get_by_label("population").click_accesskit();
    harness.run();
    let range = harness.state().state.doc.filter.layers["settlements"]
        .range
        .clone()
        .expect("a range on population");
    assert_eq!(range.attribute, "population");
    // At first the range spans the layer: every settlement with a population shows.
    let shown = |state: &karabakh_atlas::app::AppState| {
        let layer = &state.doc.atlas.layers[state.doc.atlas.layer_by_id("settlements").unwrap()];
        layer
            .features()
            .filter(|&f| state.doc.filter.shows(layer, f.id))
            .count()
    };
    let with_population = {
        let state = &harness.state().state;
        let layer = &state.doc.atlas.layers[state.doc.atlas.layer_by_id("settlements").unwrap()];
        layer
            .features()
            .filter(|f| f.number("population").is_some())
            .count()
    };
    assert_eq!(shown(&harness.state().state), with_population);
    // Raise the lower end above Khankendi's figure: only larger places remain.
    harness
        .state_mut()
        .state
        .doc
        .filter
        .layers
        .get_mut("settlements")
        .unwrap()
        .range
        .as_mut()
        .unwrap()
        .min = 5_000.0;
    harness.run();
    let state = &harness.state().state;
    let layer = &state.doc.atlas.layers[state.doc.atlas.layer_by_id("settlements").unwrap()];
    for f in layer.features() {
        let big = f.number("population").is_some_and(|p| p >= 5_000.0);
        assert_eq!(state.doc.filter.shows(layer, f.id), big);
    }
    assert!(shown(state) < with_population);
    harness.get_by_label("Filter (on)");
}
