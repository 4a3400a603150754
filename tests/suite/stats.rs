//! District statistics come from geometry, match a count done the slow way, and export to CSV.

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
    assert_eq!(all.len(), 13);
    let districts = &atlas.layers[atlas.layer_by_id("districts").unwrap()];
    for s in &all {
        let d = districts.feature(s.district.feature).unwrap().world();
        for (key, title, n) in &s.counts {
            let layer = atlas.layer(*key).unwrap();
            let slow = layer
                .features()
                .filter(|f| {
                    let [x, y] = f.anchor();
                    d.intersects(&geo::Point::new(x, y))
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
            .any(|s| s.name == "Aghali" && s.returned_families == Some(133.0))
    );
    let jabrayil = stats_of(&all, "Jabrayil");
    assert_eq!(jabrayil.count(layer("industrial_zones")), 1);
    // The Araz Valley footprint is 200 ha on the ellipsoid, to within 0.5%.
    let hectares = jabrayil.hectares(layer("industrial_zones"));
    assert!((hectares - 200.0).abs() < 1.0, "{hectares}");
    assert_eq!(jabrayil.demined_ha, vec![("2023".to_owned(), 14016.7)]);
    assert_eq!(stats_of(&all, "Fuzuli").count(layer("airports")), 1);
}

#[test]
fn the_table_exports_to_csv_with_one_row_per_district() {
    let atlas = karabakh_atlas::io::embedded::atlas();
    let all = all_district_stats(&atlas, Language::English);
    let columns = columns(&atlas);
    let csv = to_csv(&all, &columns);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 14);
    assert_eq!(
        lines[0],
        "District,Economic region,Settlements,Population (GeoNames),Returned families,\
         Airports,Facilities,Industrial zones,Industrial zone ha,Demined ha 2023"
    );
    let jabrayil = lines.iter().find(|l| l.starts_with("Jabrayil,")).unwrap();
    assert!(jabrayil.ends_with(",14016.7"), "{jabrayil}");
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
