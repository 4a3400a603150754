//! District statistics follow the district each source names, match a count done the slow
//! way, and export to CSV.

use geo::Intersects;
use karabakh_atlas::model::feature::Language;
use karabakh_atlas::query::stats::{Column, all_district_stats, columns, row, to_csv};

fn stats_of<'a>(
    all: &'a [karabakh_atlas::query::stats::DistrictStats],
    name: &str,
) -> &'a karabakh_atlas::query::stats::DistrictStats {
    all.iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn counts_match_testing_every_feature_against_every_district() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    // The 13 Natural Earth units and Aghdara, which has no polygon.
    assert_eq!(all.len(), 14);
    let districts = &atlas.layers[atlas.layer_by_id("districts").unwrap()];
    for s in &all {
        let d = districts.feature(s.district.feature).unwrap();
        let name = d.str("district").unwrap().to_owned();
        let polygon = d.world();
        for (key, title, n) in &s.counts {
            let layer = atlas.layer(*key).unwrap();
            // The slow way: a feature belongs to the district its `district` names (Shusha's
            // two units split by polygon); one naming no liberated district, to the polygon
            // that holds it.
            let slow = layer
                .features()
                .filter(|f| {
                    let [x, y] = f.anchor();
                    let inside = polygon.intersects(&geo::Point::new(x, y));
                    match f.str("district") {
                        Some(own) if own == name => true,
                        Some("Shusha") if name.starts_with("Shusha ") => {
                            inside
                                || (name == "Shusha District"
                                    && atlas.district_of(*f).is_some_and(|(d, _)| {
                                        d.str("district") == Some("Shusha District")
                                    }))
                        }
                        Some(own)
                            if districts.features().any(|d| {
                                d.str("district")
                                    .is_some_and(|n| n == own || n.starts_with(&format!("{own} ")))
                            }) =>
                        {
                            false
                        }
                        _ => inside,
                    }
                })
                .count();
            assert_eq!(*n, slow, "{}: {title}", s.name);
        }
    }
}

#[test]
fn known_places_are_counted_in_their_districts() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    let layer = |id: &str| atlas.layers[atlas.layer_by_id(id).unwrap()].key;
    let zangilan = stats_of(&all, "Zangilan");
    assert_eq!(zangilan.count(layer("airports")), 1);
    assert!(
        zangilan
            .settlements
            .iter()
            .any(|s| s.name == "Aghali" && s.returned_families == Some(175.0))
    );
    let jabrayil = stats_of(&all, "Jabrayil");
    assert_eq!(jabrayil.count(layer("industrial_zones")), 1);
    // The Araz Valley zone is a point with its documented 200 ha (no outline is published).
    let hectares = jabrayil.hectares(layer("industrial_zones"));
    assert!((hectares - 200.0).abs() < 1.0, "{hectares}");
    assert_eq!(
        jabrayil.demined_ha,
        vec![("2023".to_owned(), 14016.7), ("2025".to_owned(), 9110.4)]
    );
    assert_eq!(stats_of(&all, "Fuzuli").count(layer("airports")), 1);
}

#[test]
fn the_table_exports_to_csv_with_one_row_per_district() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    let columns = columns(&atlas);
    let csv = to_csv(&all, &columns);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 15);
    assert_eq!(
        lines[0],
        "District,Economic region,Settlements,Population (GeoNames),Returned families,\
         Airports,Facilities,Industrial zones,Industrial zone ha,Demined ha 2023,Demined ha 2025"
    );
    let jabrayil = lines.iter().find(|l| l.starts_with("Jabrayil,")).unwrap();
    assert!(jabrayil.ends_with(",14016.7,9110.4"), "{jabrayil}");
    // Aghdara has no polygon, and its figure is in the table all the same.
    let aghdara = lines.iter().find(|l| l.starts_with("Aghdara,")).unwrap();
    assert!(aghdara.ends_with(",7893.3"), "{aghdara}");
    assert_eq!(row(&all[0], &columns).len(), columns.len());
    // Each demining year with figures has its column: none is written in the code.
    let years: Vec<&Column> = columns
        .iter()
        .filter(|c| matches!(c, Column::Demined { .. }))
        .collect();
    assert_eq!(years.len(), atlas.demining_years().len());
}

#[test]
fn the_stats_command_prints_the_same_csv() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"))
        .arg("stats")
        .output()
        .unwrap();
    assert!(output.status.success());
    let atlas = karabakh_atlas::io::embedded::atlas();
    let expected = to_csv(
        &all_district_stats(&atlas, Language::English),
        &columns(&atlas),
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
}

#[test]
fn a_district_with_no_areas_of_a_layer_shows_zero_hectares_not_minus_zero() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    let mut empty = 0;
    for s in &all {
        for (key, ha) in &s.hectares {
            if *ha == 0.0 {
                empty += 1;
                assert!(
                    ha.is_sign_positive(),
                    "{}: {} shows {:.1} ha",
                    s.name,
                    atlas.layer(*key).unwrap().title,
                    ha
                );
            }
        }
    }
    assert!(empty > 0, "some district has none of some area layer");
}
