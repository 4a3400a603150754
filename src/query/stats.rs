//! District statistics, computed from geometry: what lies inside each liberated district,
//! its industrial zone area, its demining by year and its settlements; and a table that
//! compares them, with CSV export.

use crate::model::atlas::Atlas;
use crate::model::atlas::FeatureRef;
use crate::model::feature::Language;
use crate::model::layer::{Layer, LayerRole};
use crate::model::store::FeatureView;

/// A settlement inside a district.
#[derive(Clone, Debug, PartialEq)]
pub struct SettlementRow {
    pub name: String,
    pub population: Option<f64>,
    /// The largest count of returned families or households the sources give.
    pub returned_families: Option<f64>,
}

/// What is known about one district.
#[derive(Clone, Debug, PartialEq)]
pub struct DistrictStats {
    pub district: FeatureRef,
    pub name: String,
    pub economic_region: String,
    /// Layer title and how many of its features lie in the district.
    pub counts: Vec<(String, usize)>,
    /// Geodesic area of the industrial zone footprints inside, hectares.
    pub industrial_zone_ha: f64,
    /// Year and hectares cleared of mines.
    pub demined_ha: Vec<(String, f64)>,
    pub settlements: Vec<SettlementRow>,
}

impl DistrictStats {
    pub fn count(&self, layer_title: &str) -> usize {
        self.counts
            .iter()
            .find(|(t, _)| t == layer_title)
            .map_or(0, |(_, n)| *n)
    }

    pub fn population(&self) -> f64 {
        self.settlements
            .iter()
            .filter_map(|s| s.population)
            .fold(0.0, |a, b| a + b)
    }

    pub fn returned_families(&self) -> f64 {
        self.settlements
            .iter()
            .filter_map(|s| s.returned_families)
            .fold(0.0, |a, b| a + b)
    }
}

/// Whether a feature lies in a district: a point inside it, or an area whose interior point is.
fn lies_in(district: FeatureView<'_>, f: FeatureView<'_>) -> bool {
    district.area_contains(f.anchor())
}

/// Features of `layer` inside `district`, through the layer's R-tree.
fn inside<'a>(
    layer: &'a Layer,
    district: FeatureView<'a>,
) -> impl Iterator<Item = FeatureView<'a>> + 'a {
    layer
        .features_in(&district.bounds())
        .into_iter()
        .filter_map(|id| layer.feature(id))
        .filter(move |&f| lies_in(district, f))
}

/// Statistics of the district `r` (a feature of the districts layer).
pub fn district_stats(atlas: &Atlas, r: FeatureRef, language: Language) -> Option<DistrictStats> {
    let (district_layer, district) = atlas.feature(r)?;
    if district_layer.role != LayerRole::Districts {
        return None;
    }
    let thematic: Vec<&Layer> = atlas
        .layers
        .iter()
        .filter(|l| matches!(l.role, LayerRole::Overlay | LayerRole::User))
        .collect();
    let counts = thematic
        .iter()
        .map(|l| (l.title.clone(), inside(l, district).count()))
        .collect();
    let industrial_zone_ha = atlas
        .layers
        .iter()
        .filter(|l| l.id == "industrial_zones")
        .flat_map(|l| inside(l, district))
        .filter_map(|f| f.area_ha())
        .fold(0.0, |a, b| a + b);
    let settlements = atlas
        .layers
        .iter()
        .filter(|l| l.id == "settlements")
        .flat_map(|l| inside(l, district))
        .map(|f| SettlementRow {
            name: f.display_name(language),
            population: f.number("population"),
            returned_families: returned_families(f),
        })
        .collect();
    Some(DistrictStats {
        district: r,
        name: district.display_name(language),
        economic_region: district.str("economic_region").unwrap_or("").to_owned(),
        counts,
        industrial_zone_ha,
        demined_ha: demined_by_year(district),
        settlements,
    })
}

/// Statistics of every liberated district.
pub fn all_district_stats(atlas: &Atlas, language: Language) -> Vec<DistrictStats> {
    atlas
        .layers
        .iter()
        .filter(|l| l.role == LayerRole::Districts)
        .flat_map(|l| {
            l.store.ids().map(move |feature| FeatureRef {
                layer: l.key,
                feature,
            })
        })
        .filter_map(|r| district_stats(atlas, r, language))
        .collect()
}

fn demined_by_year(f: FeatureView<'_>) -> Vec<(String, f64)> {
    let mut years: Vec<(String, f64)> = f
        .properties()
        .filter_map(|(k, v)| Some((k.strip_prefix("demined_ha_")?.to_owned(), v.as_f64()?)))
        .collect();
    years.sort_by(|a, b| a.0.cmp(&b.0));
    years
}

fn returned_families(f: FeatureView<'_>) -> Option<f64> {
    f.properties()
        .filter(|(k, _)| (k.contains("famil") || k.contains("households")) && !k.contains("census"))
        .filter_map(|(_, v)| v.as_f64())
        .reduce(f64::max)
}

/// The comparison table's columns.
pub const COLUMNS: [&str; 10] = [
    "District",
    "Economic region",
    "Settlements",
    "Population (GeoNames)",
    "Returned families",
    "Airports",
    "Industrial zones",
    "Industrial zone ha",
    "Facilities",
    "Demined ha 2023",
];

/// One row of the comparison table as cells, numbers unformatted.
pub fn row(s: &DistrictStats) -> Vec<Cell> {
    let demined_2023 = s
        .demined_ha
        .iter()
        .find(|(y, _)| y == "2023")
        .map(|(_, v)| *v);
    vec![
        Cell::Text(s.name.clone()),
        Cell::Text(s.economic_region.clone()),
        Cell::Number(Some(s.count("Settlements") as f64)),
        Cell::Number(Some(s.population())),
        Cell::Number(Some(s.returned_families())),
        Cell::Number(Some(s.count("Airports") as f64)),
        Cell::Number(Some(s.count("Industrial zones") as f64)),
        Cell::Number(Some(s.industrial_zone_ha)),
        Cell::Number(Some(s.count("Services and facilities") as f64)),
        Cell::Number(demined_2023),
    ]
}

/// A table cell: text, or a number that may be missing.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(Option<f64>),
}

impl Cell {
    /// Orders cells of one column; missing numbers sort first.
    pub fn compare(&self, other: &Cell) -> std::cmp::Ordering {
        match (self, other) {
            (Cell::Text(a), Cell::Text(b)) => a.cmp(b),
            (Cell::Number(a), Cell::Number(b)) => a
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&b.unwrap_or(f64::NEG_INFINITY)),
            (Cell::Text(_), Cell::Number(_)) => std::cmp::Ordering::Less,
            (Cell::Number(_), Cell::Text(_)) => std::cmp::Ordering::Greater,
        }
    }

    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(None) => "—".to_owned(),
            Cell::Number(Some(v)) if v.fract() == 0.0 => format!("{v:.0}"),
            Cell::Number(Some(v)) => format!("{v:.1}"),
        }
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(t) if t.contains([',', '"', '\n']) => {
                format!("\"{}\"", t.replace('"', "\"\""))
            }
            Cell::Text(t) => t.clone(),
            Cell::Number(None) => String::new(),
            Cell::Number(Some(v)) => format!("{v}"),
        }
    }
}

/// The table as CSV (RFC 4180), header first.
pub fn to_csv(stats: &[DistrictStats]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for s in stats {
        let cells: Vec<String> = row(s).iter().map(Cell::csv).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
