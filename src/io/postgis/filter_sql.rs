//! The map's filter of a layer (its "as of" date, hidden kinds and confidence, text and
//! numeric range) as a WHERE condition on its table, values bound as parameters, so that a
//! table read view by view is drawn and counted as the window's filter shows a file.
//!
//! Each test mirrors `model::filter` on what a row decodes to: a text test reads a text (or
//! JSON string) column, a range reads a number (or JSON number) column, and a column the
//! table lacks hides nothing, as a missing property hides nothing in a file.

use super::table::{ColumnKind, Table};
use crate::model::date::Date;
use crate::model::filter::{FilterChoices, LayerFilter};
use crate::model::layer::derived::SEARCHED_ATTRIBUTES;
use postgres::types::ToSql;

/// What a view is read through: the map's "as of" date and the layer's own filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewFilter {
    pub as_of: Option<Date>,
    pub layer: Option<LayerFilter>,
}

impl ViewFilter {
    /// The filter of the layer `layer_id` under `filter`; empty when it hides nothing.
    pub fn of(filter: &crate::model::filter::FeatureFilter, layer_id: &str) -> Self {
        ViewFilter {
            as_of: filter.as_of,
            layer: filter
                .layers
                .get(layer_id)
                .filter(|l| l.is_active())
                .cloned(),
        }
    }
}

/// Distinct kinds beyond this many are not offered (a `kind` column that names each row).
const MOST_KINDS: i64 = 200;

/// The kinds and numeric extents of the whole table, for the filter's choices: one scan for
/// the kinds, one for every number column's extent.
pub(crate) fn choices(
    client: &mut postgres::Client,
    table: &Table,
) -> Result<FilterChoices, postgres::Error> {
    let b = Builder {
        table,
        tests: Vec::new(),
        values: Vec::new(),
        first: 1,
    };
    let mut found = FilterChoices::default();
    if let Some(kind) = b.text_of("kind") {
        let sql = format!(
            "SELECT DISTINCT {kind} FROM {} AS t WHERE {kind} IS NOT NULL ORDER BY 1 LIMIT {MOST_KINDS}",
            table.from
        );
        found.kinds = client
            .query(sql.as_str(), &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
    }
    let mut names: Vec<&str> = table.property_names().collect();
    names.sort_unstable();
    let numbers: Vec<(&str, String)> = names
        .into_iter()
        .filter_map(|name| Some((name, b.number_of(name)?)))
        .collect();
    if numbers.is_empty() {
        return Ok(found);
    }
    // Only finite numbers, as a file's numbers are.
    let extents: Vec<String> = numbers
        .iter()
        .map(|(_, x)| {
            let finite = format!("{x} NOT IN ('NaN', 'Infinity', '-Infinity')");
            format!("min({x}) FILTER (WHERE {finite}), max({x}) FILTER (WHERE {finite})")
        })
        .collect();
    let sql = format!("SELECT {} FROM {} AS t", extents.join(", "), table.from);
    let row = client.query_one(sql.as_str(), &[])?;
    for (i, (name, _)) in numbers.iter().enumerate() {
        if let (Some(lo), Some(hi)) = (row.get::<_, Option<f64>>(2 * i), row.get(2 * i + 1)) {
            found.numeric.push(((*name).to_owned(), lo, hi));
        }
    }
    Ok(found)
}

/// A condition over `t` and the values it binds, numbered from the `first` placeholder on.
pub(crate) struct Condition {
    pub sql: String,
    pub values: Vec<Box<dyn ToSql + Sync>>,
}

impl Condition {
    /// `filter` on `table`, or `true` when it hides nothing; placeholders start at `$first`.
    pub fn of(table: &Table, filter: &ViewFilter, first: usize) -> Self {
        let mut c = Builder {
            table,
            tests: Vec::new(),
            values: Vec::new(),
            first,
        };
        if let Some(as_of) = filter.as_of {
            c.as_of(as_of);
        }
        if let Some(layer) = &filter.layer {
            c.hidden("kind", &layer.hidden_kinds);
            c.hidden("confidence", &layer.hidden_confidence);
            c.text(&layer.text.trim().to_lowercase());
            if let Some(range) = &layer.range {
                c.range(&range.attribute, range.min, range.max);
            }
        }
        Condition {
            sql: if c.tests.is_empty() {
                "true".to_owned()
            } else {
                c.tests.join(" AND ")
            },
            values: c.values,
        }
    }
}

struct Builder<'a> {
    table: &'a Table,
    tests: Vec<String>,
    values: Vec<Box<dyn ToSql + Sync>>,
    first: usize,
}

impl Builder<'_> {
    /// Binds `value`; returns its placeholder.
    fn bind(&mut self, value: impl ToSql + Sync + 'static) -> String {
        self.values.push(Box::new(value));
        format!("${}", self.first + self.values.len() - 1)
    }

    /// The column `name` as the text a feature's string property holds, if it can hold one.
    fn text_of(&self, name: &str) -> Option<String> {
        let column = self.table.property(name)?;
        let q = format!("t.{}", super::quote(name));
        match column.kind {
            ColumnKind::Text => Some(format!("{q}::text")),
            ColumnKind::Json => Some(format!(
                "(CASE WHEN json_typeof({q}::json) = 'string' THEN {q}::json #>> '{{}}' END)"
            )),
            _ => None,
        }
    }

    /// The column `name` as the number a feature's numeric property holds, if it can hold one.
    fn number_of(&self, name: &str) -> Option<String> {
        let column = self.table.property(name)?;
        let q = format!("t.{}", super::quote(name));
        match column.kind {
            ColumnKind::Integer | ColumnKind::Float => Some(format!("{q}::float8")),
            ColumnKind::Json => Some(format!(
                "(CASE WHEN json_typeof({q}::json) = 'number' THEN ({q}::json #>> '{{}}')::float8 END)"
            )),
            _ => None,
        }
    }

    /// Hides a row dated after `as_of`; an undated row, or one whose date is not a calendar
    /// date in `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, stays (as `Date::parse` refuses it).
    /// Valid dates order as their text does, so the test compares text.
    fn as_of(&mut self, as_of: Date) {
        let Some(d) = self.text_of("date") else {
            return;
        };
        let bound = self.bind(as_of.to_string());
        // Nested CASEs, since AND may read its sides in any order: the month and day are
        // read as numbers only once the text has their shape. NULL (no date) hides nothing.
        let (y, m) = (
            format!("substr({d}, 1, 4)::int"),
            format!("substr({d}, 6, 2)::int"),
        );
        let leap = format!("(({y}) % 4 = 0 AND ({y}) % 100 <> 0 OR ({y}) % 400 = 0)");
        let days = format!(
            "CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END \
             WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
        );
        let later = format!("{d} COLLATE \"C\" > {bound} COLLATE \"C\"");
        self.tests.push(format!(
            "NOT coalesce(CASE WHEN {d} !~ '^[0-9]{{4}}(-(0[1-9]|1[0-2])(-[0-9]{{2}})?)?$' THEN false \
             WHEN length({d}) = 10 THEN \
             CASE WHEN substr({d}, 9, 2)::int BETWEEN 1 AND {days} THEN {later} ELSE false END \
             ELSE {later} END, false)"
        ));
    }

    /// Hides a row whose `name` is one of `hidden`.
    fn hidden(&mut self, name: &str, hidden: &std::collections::BTreeSet<String>) {
        if hidden.is_empty() {
            return;
        }
        let Some(value) = self.text_of(name) else {
            return;
        };
        let bound = self.bind(hidden.iter().cloned().collect::<Vec<String>>());
        self.tests
            .push(format!("NOT coalesce({value} = ANY({bound}), false)"));
    }

    /// Keeps a row with `text` (lower-cased) in one of its names or its description; the
    /// database lower-cases the row by its own locale.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let searched: Vec<String> = SEARCHED_ATTRIBUTES
            .iter()
            .filter_map(|name| self.text_of(name))
            .collect();
        if searched.is_empty() {
            self.tests.push("false".to_owned());
            return;
        }
        let bound = self.bind(text.to_owned());
        self.tests.push(format!(
            "strpos(lower(concat_ws(E'\\n', {})), {bound}) > 0",
            searched.join(", ")
        ));
    }

    /// Keeps a row whose number `name` lies in `min..=max`; a row without one is hidden.
    fn range(&mut self, name: &str, min: f64, max: f64) {
        let Some(number) = self.number_of(name) else {
            self.tests.push("false".to_owned());
            return;
        };
        let (lo, hi) = (self.bind(min), self.bind(max));
        self.tests
            .push(format!("coalesce({number} BETWEEN {lo} AND {hi}, false)"));
    }
}
