//! A layer's attributes by column: one column per property name, one cell per feature, strings
//! interned once per layer (a million points of five kinds keep five strings, not a million).

use std::collections::HashMap;

/// A string's place in its layer's table of strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StrId(u32);

/// Every distinct string of a layer's attributes, once.
#[derive(Clone, Debug, Default)]
pub struct Strings {
    texts: Vec<Box<str>>,
    ids: HashMap<Box<str>, StrId>,
}

impl Strings {
    pub fn intern(&mut self, text: &str) -> StrId {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = StrId(self.texts.len() as u32);
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    pub fn get(&self, id: StrId) -> &str {
        self.texts.get(id.0 as usize).map_or("", |t| t)
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// One attribute of one feature. Objects and arrays keep their compact JSON text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    /// The feature has no such property.
    Missing,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(StrId),
    Json(StrId),
}

/// A cell with its strings looked up: what readers of attributes see.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttrValue<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    /// An object or an array, as compact JSON.
    Json(&'a str),
}

impl AttrValue<'_> {
    /// The value as text, as JSON would write it (strings unquoted); `None` for null and the
    /// empty string.
    pub fn text(&self) -> Option<String> {
        match *self {
            AttrValue::Null => None,
            AttrValue::Str("") => None,
            AttrValue::Str(s) | AttrValue::Json(s) => Some(s.to_owned()),
            AttrValue::Bool(b) => Some(b.to_string()),
            AttrValue::Int(i) => Some(i.to_string()),
            AttrValue::Float(f) => Some(float_text(f)),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            AttrValue::Int(i) => Some(i as f64),
            AttrValue::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a JSON value (for exports and the detail panel's raw view).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match *self {
            AttrValue::Null => Value::Null,
            AttrValue::Bool(b) => Value::Bool(b),
            AttrValue::Int(i) => Value::from(i),
            AttrValue::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            AttrValue::Str(s) => Value::String(s.to_owned()),
            AttrValue::Json(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        }
    }
}

/// A float as JSON writes it (`12.5`, `1e+21`), so that a number reads the same in the app as
/// in the file it came from.
fn float_text(f: f64) -> String {
    serde_json::Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string())
}

/// A layer's attributes: names in the order first seen, a column of cells for each.
#[derive(Clone, Debug, Default)]
pub struct Attributes {
    names: Vec<Box<str>>,
    by_name: HashMap<Box<str>, usize>,
    columns: Vec<Vec<Cell>>,
    pub strings: Strings,
    /// How many features (rows) every column has.
    rows: usize,
}

impl Attributes {
    /// The column named `name`, made (and filled with `Missing`) when new.
    pub fn column_for(&mut self, name: &str) -> usize {
        if let Some(&c) = self.by_name.get(name) {
            return c;
        }
        let c = self.names.len();
        self.names.push(name.into());
        self.by_name.insert(name.into(), c);
        self.columns.push(vec![Cell::Missing; self.rows]);
        c
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.names.iter().map(|n| &**n)
    }

    pub fn name(&self, column: usize) -> &str {
        self.names.get(column).map_or("", |n| n)
    }

    pub fn column_count(&self) -> usize {
        self.names.len()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Adds a row of `Missing` cells; returns its index.
    pub fn push_row(&mut self) -> usize {
        for column in &mut self.columns {
            column.push(Cell::Missing);
        }
        self.rows += 1;
        self.rows - 1
    }

    pub fn set(&mut self, row: usize, column: usize, cell: Cell) {
        if let Some(slot) = self.columns.get_mut(column).and_then(|c| c.get_mut(row)) {
            *slot = cell;
        }
    }

    /// Sets `name` of `row` from a JSON value.
    pub fn set_json(&mut self, row: usize, name: &str, value: &serde_json::Value) {
        let column = self.column_for(name);
        let cell = self.cell_of(value);
        self.set(row, column, cell);
    }

    /// The cell a JSON value is kept as.
    pub fn cell_of(&mut self, value: &serde_json::Value) -> Cell {
        use serde_json::Value;
        match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Cell::Int(i),
                None => Cell::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Cell::Str(self.strings.intern(s)),
            other => Cell::Json(self.strings.intern(&other.to_string())),
        }
    }

    pub fn cell(&self, row: usize, column: usize) -> Cell {
        self.columns
            .get(column)
            .and_then(|c| c.get(row))
            .copied()
            .unwrap_or(Cell::Missing)
    }

    /// The value of `name` for `row`; `None` when the feature has no such property.
    pub fn get(&self, row: usize, name: &str) -> Option<AttrValue<'_>> {
        self.value(self.cell(row, self.column(name)?))
    }

    /// A cell with its string looked up; `None` for `Missing`.
    pub fn value(&self, cell: Cell) -> Option<AttrValue<'_>> {
        Some(match cell {
            Cell::Missing => return None,
            Cell::Null => AttrValue::Null,
            Cell::Bool(b) => AttrValue::Bool(b),
            Cell::Int(i) => AttrValue::Int(i),
            Cell::Float(f) => AttrValue::Float(f),
            Cell::Str(s) => AttrValue::Str(self.strings.get(s)),
            Cell::Json(s) => AttrValue::Json(self.strings.get(s)),
        })
    }

    /// Every property `row` has, in column order.
    pub fn row(&self, row: usize) -> impl Iterator<Item = (&str, AttrValue<'_>)> + '_ {
        (0..self.names.len())
            .filter_map(move |c| Some((self.name(c), self.value(self.cell(row, c))?)))
    }

    /// Appends `other`'s rows after these, its columns and strings mapped onto these.
    pub fn append(&mut self, other: Attributes) {
        let strings: Vec<StrId> = other
            .strings
            .texts
            .iter()
            .map(|t| self.strings.intern(t))
            .collect();
        let map = |cell: Cell| match cell {
            Cell::Str(s) => Cell::Str(strings[s.0 as usize]),
            Cell::Json(s) => Cell::Json(strings[s.0 as usize]),
            other => other,
        };
        let start = self.rows;
        let added = other.rows;
        for (name, column) in other.names.iter().zip(other.columns) {
            let c = self.column_for(name);
            self.columns[c].extend(column.into_iter().map(map));
        }
        for column in &mut self.columns {
            column.resize(start + added, Cell::Missing);
        }
        self.rows = start + added;
    }

    /// Memory held by the cells, in bytes (for the store's estimate of what a file costs).
    pub fn heap_bytes(&self) -> usize {
        self.columns.len() * self.rows * std::mem::size_of::<Cell>()
            + self
                .strings
                .texts
                .iter()
                .map(|t| t.len() * 2 + 48)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_kept_once_and_columns_line_up_after_append() {
        let mut a = Attributes::default();
        let r = a.push_row();
        a.set_json(r, "kind", &"survey".into());
        a.set_json(r, "n", &3.into());
        let mut b = Attributes::default();
        let r = b.push_row();
        b.set_json(r, "name", &"x".into());
        b.set_json(r, "kind", &"survey".into());
        a.append(b);
        assert_eq!(a.rows(), 2);
        assert_eq!(a.strings.len(), 2);
        assert_eq!(a.get(1, "kind"), Some(AttrValue::Str("survey")));
        assert_eq!(a.get(1, "n"), None);
        assert_eq!(a.get(0, "name"), None);
        assert_eq!(a.get(0, "n").and_then(|v| v.text()), Some("3".to_owned()));
        let names: Vec<&str> = a.row(1).map(|(k, _)| k).collect();
        assert_eq!(names, ["kind", "name"]);
    }

    #[test]
    fn numbers_read_as_json_writes_them() {
        let mut a = Attributes::default();
        let r = a.push_row();
        a.set_json(r, "f", &serde_json::json!(12.5));
        a.set_json(r, "big", &serde_json::json!(1e21));
        a.set_json(r, "obj", &serde_json::json!({"a": [1, 2]}));
        assert_eq!(
            a.get(r, "f").and_then(|v| v.text()).as_deref(),
            Some("12.5")
        );
        assert_eq!(
            a.get(r, "big").and_then(|v| v.text()).as_deref(),
            Some("1e+21")
        );
        assert_eq!(
            a.get(r, "obj").and_then(|v| v.text()).as_deref(),
            Some(r#"{"a":[1,2]}"#)
        );
    }
}
