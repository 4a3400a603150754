//! The checks of `validate` for what would mislead a reader though it is well formed: an
//! outline no source publishes drawn as exact, a figure without the year it is true for, an
//! event dated after the report of it.

use super::Severity;
use crate::model::date::Date;
use crate::model::store::FeatureView;

/// A shape, figure or date that would mislead: an outline no source publishes drawn as a
/// crisp polygon, a population without the year it is true for, an event dated after the
/// report that tells of it.
pub(super) fn check_honest_figures(
    f: FeatureView<'_>,
    atlas_rule: Severity,
    found: &mut Vec<(Severity, String)>,
) {
    let is_area = matches!(
        f.lonlat(),
        geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
    );
    if is_area && f.str("position") == Some("approximate") {
        found.push((
            atlas_rule,
            "a polygon marked approximate is drawn as an exact outline; draw it as a point with its documented area_ha".to_owned(),
        ));
    }
    if f.number("population").is_some() && f.text("population_year").is_none() {
        found.push((
            atlas_rule,
            "population without population_year: say the year it is true for, or \"not given\""
                .to_owned(),
        ));
    }
    // The latest of its sources: an opening announced in advance is confirmed by a later one.
    let source = [f.str("source_date"), f.str("source_2_date")]
        .into_iter()
        .flatten()
        .max();
    if let (Some(date), Some(source)) = (f.str("date"), source)
        && !f.kind().is_some_and(|k| k.contains("planned"))
    {
        let n = date.len().min(source.len());
        if date.get(..n) > source.get(..n) {
            found.push((
                if atlas_rule == Severity::Note {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                format!("date {date} is after the date of its source, {source}"),
            ));
        }
    }
}

/// Properties that hold a count or an amount true at one time (a population, residents,
/// families, cleared hectares): each is read by its key's first word.
const FIGURES: [&str; 6] = [
    "population",
    "residents",
    "families",
    "returnees",
    "people",
    "demined",
];

/// A figure older than five years before the dataset's as-of date shown without its year:
/// the card shows a figure's own year (`population_year`, `residents_date`, a date in its key
/// as `families_2024_12`) where it has one; a figure without one is read as current, though
/// the report that gives it (`source_date`) may be older than that.
pub(super) fn check_figure_ages(
    f: FeatureView<'_>,
    as_of: Date,
    rule: Severity,
    found: &mut Vec<(Severity, String)>,
) {
    let Some(source) = f.str("source_date").and_then(Date::parse) else {
        return;
    };
    let limit = Date::ymd(as_of.year_number() - 5, 1, 1).unwrap_or(as_of);
    if source >= limit {
        return;
    }
    for (key, value) in f.properties() {
        let stem = key.split('_').next().unwrap_or(key);
        let is_figure = FIGURES.contains(&stem)
            && value.as_f64().is_some()
            && !key.ends_with("_year")
            && !key.ends_with("_date");
        if !is_figure || has_own_date(f, key, stem) {
            continue;
        }
        found.push((
            rule,
            format!(
                "{key} comes from a source of {source}, more than five years before the data's as-of date {as_of}, and is shown without its year: give {stem}_year or {stem}_date"
            ),
        ));
    }
}

/// Whether `key`'s figure carries its own date: a year in the key, or a `_year`/`_date`
/// property beside it (for the key, or for its first word: `residents_families` is dated
/// by `residents_date`).
fn has_own_date(f: FeatureView<'_>, key: &str, stem: &str) -> bool {
    let year_in_key = key
        .split('_')
        .any(|part| part.len() == 4 && part.bytes().all(|b| b.is_ascii_digit()));
    year_in_key
        || [key, stem]
            .iter()
            .any(|k| f.get(&format!("{k}_year")).is_some() || f.get(&format!("{k}_date")).is_some())
}
