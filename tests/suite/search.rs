//! Search finds places by any spelling, and former names find the current place.

use karabakh_atlas::model::atlas::Atlas;
use karabakh_atlas::query::search::{fold, search, skeleton};

/// The ids of the first `n` hits for `query`.
fn top_ids(atlas: &Atlas, query: &str, n: usize) -> Vec<String> {
    search(atlas, query, n)
        .iter()
        .map(|h| {
            atlas
                .feature(h.feature)
                .unwrap()
                .1
                .id_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn susa_shusha_and_susha_with_diacritics_all_find_shusha() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for query in ["Susa", "Shusha", "Şuşa", "shusha", "ŞUŞA"] {
        let ids = top_ids(&atlas, query, 3);
        assert!(
            ids.iter().any(|id| id == "settlement-147105"),
            "{query}: {ids:?}"
        );
        assert!(
            ids.iter().any(|id| id.contains("shusha")),
            "{query}: {ids:?}"
        );
    }
}

#[test]
fn khankendi_and_xankendi_find_xankendi() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for query in ["Khankendi", "Xankendi", "Xankəndi", "khankendy"] {
        let ids = top_ids(&atlas, query, 2);
        assert!(
            ids.contains(&"city-khankendi".to_owned())
                || ids.contains(&"settlement-146970".to_owned()),
            "{query}: {ids:?}"
        );
    }
}

#[test]
fn jabrail_and_jebrail_find_jabrayil() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for query in ["Jabrail", "Jebrail", "Cəbrayıl", "Jabrayil"] {
        let ids = top_ids(&atlas, query, 2);
        assert!(
            ids.contains(&"district-jabrayil".to_owned()),
            "{query}: {ids:?}"
        );
    }
}

#[test]
fn former_names_find_the_current_place_and_say_formerly() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    for (query, expected) in [
        ("Stepanakert", "Xankəndi"),
        ("Martakert", "Ağdərə"),
        ("Martuni", "Xocavənd"),
        ("Berdzor", "Laçın"),
        ("Shushi", "Şuşa"),
    ] {
        let hits = search(&atlas, query, 5);
        let first = hits.first().unwrap_or_else(|| panic!("{query}: nothing"));
        let f = &atlas.feature(first.feature).unwrap().1;
        assert!(
            f.str("name_az").unwrap().starts_with(expected),
            "{query} found {:?}",
            f.str("name_az")
        );
        assert_eq!(
            first.formerly.as_deref().map(|s| s.starts_with(query)),
            Some(true),
            "{query}"
        );
    }
    // Hadrut is a town of its own name, and the former district now in Khojavend.
    let ids = top_ids(&atlas, "Hadrut", 5);
    assert_eq!(
        ids.first().map(String::as_str),
        Some("settlement-148105"),
        "{ids:?}"
    );
    assert!(ids.contains(&"district-khojavend".to_owned()), "{ids:?}");
}

#[test]
fn folding_and_skeletons_are_what_the_matching_relies_on() {
    assert_eq!(fold("Şuşa"), "shusha");
    assert_eq!(fold("Xankəndi"), "khankendi");
    assert_eq!(fold("Qubadlı"), "gubadli");
    assert_eq!(skeleton(&fold("Şuşa")), skeleton(&fold("Susa")));
    assert_eq!(skeleton(&fold("Cəbrayıl")), skeleton(&fold("Jebrail")));
    assert_eq!(skeleton(&fold("Qubadlı")), skeleton(&fold("Kubatly")));
    assert_ne!(skeleton(&fold("Ağdam")), skeleton(&fold("Füzuli")));
}

#[test]
fn nonsense_and_empty_queries_find_nothing() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    assert!(search(&atlas, "", 10).is_empty());
    assert!(search(&atlas, "   ", 10).is_empty());
    assert!(search(&atlas, "Zzyzx Qwv", 10).is_empty());
}
