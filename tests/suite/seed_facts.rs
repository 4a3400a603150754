//! Every geo-locatable fact of the seed articles is on the map, citing its article and date.

use karabakh_atlas::model::atlas::Atlas;
use serde_json::{Value, json};

const TREND_2021_12_06: (&str, &str) = (
    "https://en.trend.az/azerbaijan/business/3522496.html",
    "2021-12-06",
);
const TODAY_2023_06_14: (&str, &str) = (
    "http://www.today.az/news/business/236055.html",
    "2023-06-14",
);
const TREND_2024_12_30: (&str, &str) = (
    "https://en.trend.az/azerbaijan/society/3988560.html",
    "2024-12-30",
);
const AZERNEWS_2021_02_01: (&str, &str) =
    ("https://www.azernews.az/business/175710.html", "2021-02-01");
const AZVISION_2024_05_12: (&str, &str) = (
    "https://en.azvision.az/news/179218/-coordination-headquarters-convenes-for-meeting-in-khankendi-.html",
    "2024-05-12",
);

/// Asserts that feature `id` cites `source` (first or second) and has these attributes.
fn assert_fact(atlas: &Atlas, id: &str, source: (&str, &str), attributes: &[(&str, Value)]) {
    let r = atlas
        .find_by_id(id)
        .unwrap_or_else(|| panic!("{id} is not on the map"));
    let f = &atlas.feature(r).unwrap().1;
    let cites = |url_key: &str, date_key: &str| {
        f.str(url_key) == Some(source.0) && f.str(date_key) == Some(source.1)
    };
    assert!(
        cites("source_url", "source_date") || cites("source_2_url", "source_2_date"),
        "{id} does not cite {} of {}",
        source.0,
        source.1
    );
    for (key, value) in attributes {
        assert_eq!(f.properties_json().get(*key), Some(value), "{id}.{key}");
    }
}

#[test]
fn the_araz_valley_article_of_2021_12_06_is_on_the_map() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    assert_fact(
        &atlas,
        "zone-araz-valley",
        TREND_2021_12_06,
        &[
            ("area_ha", json!(200)),
            ("date", json!("2021-10-04")),
            ("district", json!("Jabrayil")),
        ],
    );
    assert_fact(
        &atlas,
        "facility-kamaz-service-centre",
        TREND_2021_12_06,
        &[("kind", json!("service centre"))],
    );
}

#[test]
fn the_sumgayit_chemical_park_visit_of_2023_is_on_the_map() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    assert_fact(
        &atlas,
        "zone-sumgayit-chemical",
        TODAY_2023_06_14,
        &[("kind", json!("industrial park (context)"))],
    );
}

#[test]
fn khankendi_and_khojaly_in_2024_are_on_the_map() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    assert_fact(
        &atlas,
        "facility-khankendi-sewing-factory",
        TREND_2024_12_30,
        &[
            ("employed", json!(300)),
            ("jobs_initial_expected", json!(400)),
            ("jobs_planned", json!(800)),
            ("export_share_pct", json!(80)),
            ("date", json!("2024-11")),
        ],
    );
    assert_fact(
        &atlas,
        "event-khankendi-residents-2024-12-30",
        TREND_2024_12_30,
        &[("residents_about", json!(8000))],
    );
    for id in [
        "facility-khankendi-karabakh-hotel",
        "facility-khankendi-palace-hotel",
        "facility-khankendi-congress-center",
        "facility-khankendi-victory-park",
        "facility-khankendi-victory-museum",
        "facility-khankendi-cultural-centre",
    ] {
        assert_fact(&atlas, id, TREND_2024_12_30, &[]);
    }
    assert_fact(
        &atlas,
        "facility-khankendi-bulud-hotel",
        TREND_2024_12_30,
        &[("date", json!("2024-09-19"))],
    );
    assert_fact(
        &atlas,
        "event-khojaly-return-2024-05-28",
        TREND_2024_12_30,
        &[("families", json!(46))],
    );
    assert_fact(
        &atlas,
        "event-khojaly-return-2024-12",
        TREND_2024_12_30,
        &[
            ("families_ballija", json!(27)),
            ("families_elsewhere", json!(21)),
        ],
    );
    assert_fact(
        &atlas,
        "settlement-ballija",
        TREND_2024_12_30,
        &[("families_2024_12", json!(27))],
    );
    assert_fact(
        &atlas,
        "event-khojaly-airport-terminal-visit-2024-07-05",
        TREND_2024_12_30,
        &[("date", json!("2024-07-05"))],
    );
}

#[test]
fn the_post_and_bank_article_of_2021_02_01_is_on_the_map() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for id in [
        "facility-hadrut-azerpost",
        "facility-hadrut-first-atm",
        "facility-shusha-iba-payment-centre",
        "facility-shusha-dental-office",
        "facility-shusha-bolmart",
        "facility-shusha-azcake",
    ] {
        assert_fact(&atlas, id, AZERNEWS_2021_02_01, &[]);
    }
    for town in ["jabrayil", "gubadli", "zangilan", "fuzuli", "hadrut"] {
        assert_fact(
            &atlas,
            &format!("facility-{town}-modular-post"),
            AZERNEWS_2021_02_01,
            &[("kind", json!("post office (planned)"))],
        );
    }
    for town in ["hadrut", "shusha", "gubadli"] {
        assert_fact(
            &atlas,
            &format!("facility-{town}-kapital-bank-atm"),
            AZERNEWS_2021_02_01,
            &[],
        );
    }
    let facts: Vec<_> = atlas
        .region_facts
        .iter()
        .filter(|f| f.source_url == AZERNEWS_2021_02_01.0)
        .collect();
    assert!(
        facts
            .iter()
            .any(|f| f.value == Some(json!(2_200_000_000_u64))),
        "the 2021 budget"
    );
    assert!(
        facts.iter().any(|f| f.value == Some(json!(295))),
        "295 post offices"
    );
}

#[test]
fn the_coordination_headquarters_meeting_of_2024_05_12_is_on_the_map() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    assert_fact(
        &atlas,
        "event-coordination-hq-khankendi-2024-05-12",
        AZVISION_2024_05_12,
        &[
            ("returnees_target_2024", json!(25000)),
            ("settlements_target_2024", json!(27)),
        ],
    );
}

#[test]
fn features_without_a_published_position_say_so() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for id in [
        "zone-aghdam",
        "facility-khankendi-sewing-factory",
        "facility-hadrut-azerpost",
    ] {
        let f = &atlas.feature(atlas.find_by_id(id).unwrap()).unwrap().1;
        assert_eq!(f.str("position"), Some("settlement"), "{id}");
        assert!(
            f.str("settlement_ref").is_some(),
            "{id} names no settlement"
        );
    }
    // And they sit exactly on their settlement's point.
    let factory = atlas
        .feature(
            atlas
                .find_by_id("facility-khankendi-sewing-factory")
                .unwrap(),
        )
        .unwrap();
    let town = atlas
        .feature(atlas.find_by_id("settlement-146970").unwrap())
        .unwrap();
    assert_eq!(factory.1.lonlat(), town.1.lonlat());
}
