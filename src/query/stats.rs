//! District statistics: what belongs to each liberated district (by the district its source
//! names, by position otherwise), its industrial zone area, its demining by year and its
//! settlements; and a table that compares them, with CSV export.

use crate::model::atlas::Atlas;
use crate::model::atlas::FeatureRef;
use crate::model::feature::Language;
use crate::model::layer::{Layer, LayerKey, LayerRole};
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
    /// Each thematic layer, its title and how many of its features lie in the district.
    pub counts: Vec<(LayerKey, String, usize)>,
    /// Each layer whose areas the table sums (see `LayerTraits::hectares_column`), with the
    /// geodesic area of its features inside, in hectares.
    pub hectares: Vec<(LayerKey, f64)>,
    /// Year and hectares cleared of mines.
    pub demined_ha: Vec<(String, f64)>,
    pub settlements: Vec<SettlementRow>,
}

impl DistrictStats {
    /// How many features of `layer` lie in the district.
    pub fn count(&self, layer: LayerKey) -> usize {
        self.counts
            .iter()
            .find(|(k, _, _)| *k == layer)
            .map_or(0, |(_, _, n)| *n)
    }

    /// The hectares of `layer`'s areas inside the district.
    pub fn hectares(&self, layer: LayerKey) -> f64 {
        self.hectares
            .iter()
            .find(|(k, _)| *k == layer)
            .map_or(0.0, |(_, ha)| *ha)
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

/// Features of `layer` in `district`: those whose own sourced `district` names it, and those
/// that name no liberated district and lie inside its polygon (see `Atlas::district_of`).
fn inside<'a>(
    atlas: &'a Atlas,
    layer: &'a Layer,
    district: FeatureView<'a>,
) -> impl Iterator<Item = FeatureView<'a>> + 'a {
    let id = district.str("id");
    layer
        .features()
        .filter(move |&f| atlas.district_of(f).is_some_and(|(d, _)| d.str("id") == id))
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
    // A layer holding part of its source (a table read by view) counts the whole source, as
    // its server counted it; until then, what it holds.
    let counts = thematic
        .iter()
        .map(|l| {
            let n = match &l.district_totals {
                Some(totals) => totals
                    .iter()
                    .find(|(id, _)| Some(id.as_str()) == district.str("id"))
                    .map_or(0, |(_, n)| *n),
                None => inside(atlas, l, district).count(),
            };
            (l.key, l.title.clone(), n)
        })
        .collect();
    let hectares = thematic
        .iter()
        .filter(|l| l.traits.hectares_column.is_some())
        .map(|l| {
            // An area drawn as a point (its outline is not published) counts its documented
            // `area_ha`.
            let ha = inside(atlas, l, district)
                .filter_map(|f| f.area_ha().or_else(|| f.number("area_ha")))
                // Not `sum()`: a float sum of nothing is -0.0, shown as "-0.0 ha".
                .fold(0.0, |a, b| a + b);
            (l.key, ha)
        })
        .collect();
    let settlements = thematic
        .iter()
        .filter(|l| l.traits.places)
        .flat_map(|l| inside(atlas, l, district))
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
        hectares,
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

/// A column of the comparison table.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    District,
    EconomicRegion,
    Population,
    ReturnedFamilies,
    /// How many features of a layer lie in the district.
    Count {
        layer: LayerKey,
        title: &'static str,
    },
    /// The hectares of a layer's areas inside the district.
    Hectares {
        layer: LayerKey,
        title: &'static str,
    },
    /// The hectares cleared of mines in a year.
    Demined {
        year: String,
    },
}

impl Column {
    pub fn title(&self) -> String {
        match self {
            Column::District => "District".to_owned(),
            Column::EconomicRegion => "Economic region".to_owned(),
            Column::Population => "Population (GeoNames)".to_owned(),
            Column::ReturnedFamilies => "Returned families".to_owned(),
            Column::Count { title, .. } | Column::Hectares { title, .. } => (*title).to_owned(),
            Column::Demined { year } => format!("Demined ha {year}"),
        }
    }

    /// This column's cell of the district `s`.
    pub fn cell(&self, s: &DistrictStats) -> Cell {
        match self {
            Column::District => Cell::Text(s.name.clone()),
            Column::EconomicRegion => Cell::Text(s.economic_region.clone()),
            Column::Population => Cell::Number(Some(s.population())),
            Column::ReturnedFamilies => Cell::Number(Some(s.returned_families())),
            Column::Count { layer, .. } => Cell::Number(Some(s.count(*layer) as f64)),
            Column::Hectares { layer, .. } => Cell::Number(Some(s.hectares(*layer))),
            Column::Demined { year } => Cell::Number(
                s.demined_ha
                    .iter()
                    .find(|(y, _)| y == year)
                    .map(|(_, ha)| *ha),
            ),
        }
    }
}

/// The comparison table's columns for `atlas`: the district, the places (count, population,
/// returns), every counted layer top first as the layer panel lists them, and the demining
/// of each year with figures.
pub fn columns(atlas: &Atlas) -> Vec<Column> {
    let mut columns = vec![Column::District, Column::EconomicRegion];
    let counted = atlas
        .layers
        .iter()
        .rev()
        .filter(|l| matches!(l.role, LayerRole::Overlay | LayerRole::User));
    let (places, others): (Vec<&Layer>, Vec<&Layer>) = counted.partition(|l| l.traits.places);
    for layer in places {
        if let Some(title) = layer.traits.count_column {
            columns.push(Column::Count {
                layer: layer.key,
                title,
            });
        }
    }
    columns.extend([Column::Population, Column::ReturnedFamilies]);
    for layer in others {
        if let Some(title) = layer.traits.count_column {
            columns.push(Column::Count {
                layer: layer.key,
                title,
            });
        }
        if let Some(title) = layer.traits.hectares_column {
            columns.push(Column::Hectares {
                layer: layer.key,
                title,
            });
        }
    }
    columns.extend(
        atlas
            .demining_years()
            .into_iter()
            .map(|year| Column::Demined { year }),
    );
    columns
}

/// One row of the comparison table as cells, numbers unformatted.
pub fn row(s: &DistrictStats, columns: &[Column]) -> Vec<Cell> {
    columns.iter().map(|c| c.cell(s)).collect()
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
pub fn to_csv(stats: &[DistrictStats], columns: &[Column]) -> String {
    let titles: Vec<String> = columns
        .iter()
        .map(|c| Cell::Text(c.title()).csv())
        .collect();
    let mut out = titles.join(",");
    out.push('\n');
    for s in stats {
        let cells: Vec<String> = row(s, columns).iter().map(Cell::csv).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
