//! A layer's attributes by column: one column per property name, one cell per feature, strings
//! interned once per layer (a million points of five kinds keep five strings, not a million).
//! A column of whole numbers keeps 8 bytes a feature, one of strings 4; a column that mixes
//! kinds of value keeps 16.

use foldhash::HashMap;

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

/// One attribute's values, a cell per feature.
#[derive(Clone, Debug)]
enum Column {
    /// Whole numbers, every feature having one.
    Ints(Vec<i64>),
    /// Strings, or missing or null: a string's id, or [`MISSING`] or [`NULL`].
    Strs(Vec<u32>),
    /// Anything.
    Mixed(Vec<Cell>),
}

const MISSING: u32 = u32::MAX;
const NULL: u32 = u32::MAX - 1;

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Ints(v) => v.len(),
            Column::Strs(v) => v.len(),
            Column::Mixed(v) => v.len(),
        }
    }

    fn get(&self, row: usize) -> Cell {
        match self {
            Column::Ints(v) => v.get(row).map_or(Cell::Missing, |&i| Cell::Int(i)),
            Column::Strs(v) => match v.get(row).copied() {
                None | Some(MISSING) => Cell::Missing,
                Some(NULL) => Cell::Null,
                Some(s) => Cell::Str(StrId(s)),
            },
            Column::Mixed(v) => v.get(row).copied().unwrap_or(Cell::Missing),
        }
    }

    /// Adds `n` missing cells.
    fn extend_missing(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        match self {
            Column::Ints(_) => {
                self.widen();
                self.extend_missing(n);
            }
            Column::Strs(v) => v.resize(v.len() + n, MISSING),
            Column::Mixed(v) => v.resize(v.len() + n, Cell::Missing),
        }
    }

    /// Sets `row`, which exists, widening the column when the cell does not fit it.
    fn set(&mut self, row: usize, cell: Cell) {
        match (&mut *self, cell) {
            (Column::Ints(v), Cell::Int(i)) => v[row] = i,
            (Column::Strs(v), Cell::Str(s)) if s.0 < NULL => v[row] = s.0,
            (Column::Strs(v), Cell::Null) => v[row] = NULL,
            (Column::Strs(v), Cell::Missing) => v[row] = MISSING,
            (Column::Mixed(v), cell) => v[row] = cell,
            _ => {
                self.widen();
                self.set(row, cell);
            }
        }
    }

    /// Adds a cell at the end, widening the column when the cell does not fit it (an empty
    /// column takes the kind of its first cell).
    fn push(&mut self, cell: Cell) {
        if self.len() == 0 {
            *self = match cell {
                Cell::Int(_) => Column::Ints(Vec::new()),
                Cell::Str(_) | Cell::Null | Cell::Missing => Column::Strs(Vec::new()),
                _ => Column::Mixed(Vec::new()),
            };
        }
        match (&mut *self, cell) {
            (Column::Ints(v), Cell::Int(i)) => v.push(i),
            (Column::Strs(v), Cell::Str(s)) if s.0 < NULL => v.push(s.0),
            (Column::Strs(v), Cell::Null) => v.push(NULL),
            (Column::Strs(v), Cell::Missing) => v.push(MISSING),
            (Column::Mixed(v), cell) => v.push(cell),
            _ => {
                self.widen();
                self.push(cell);
            }
        }
    }

    fn widen(&mut self) {
        let cells: Vec<Cell> = (0..self.len()).map(|r| self.get(r)).collect();
        *self = Column::Mixed(cells);
    }

    /// The column with its strings' ids mapped by `strings`.
    fn remapped(self, strings: &[StrId]) -> Column {
        match self {
            Column::Ints(v) => Column::Ints(v),
            Column::Strs(v) => Column::Strs(
                v.into_iter()
                    .map(|s| if s >= NULL { s } else { strings[s as usize].0 })
                    .collect(),
            ),
            Column::Mixed(v) => Column::Mixed(
                v.into_iter()
                    .map(|cell| match cell {
                        Cell::Str(s) => Cell::Str(strings[s.0 as usize]),
                        Cell::Json(s) => Cell::Json(strings[s.0 as usize]),
                        other => other,
                    })
                    .collect(),
            ),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Column::Ints(v) => v.capacity() * 8,
            Column::Strs(v) => v.capacity() * 4,
            Column::Mixed(v) => v.capacity() * std::mem::size_of::<Cell>(),
        }
    }
}

/// A layer's attributes: names in the order first seen, a column of cells for each.
#[derive(Clone, Debug, Default)]
pub struct Attributes {
    names: Vec<Box<str>>,
    by_name: HashMap<Box<str>, usize>,
    columns: Vec<Column>,
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
        let mut column = Column::Strs(Vec::new());
        column.extend_missing(self.rows);
        self.columns.push(column);
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
            column.extend_missing(1);
        }
        self.rows += 1;
        self.rows - 1
    }

    /// Adds a row of these cells (by column; the others missing; a column given twice keeps
    /// its last); returns its index.
    pub fn push_row_with(&mut self, cells: &[(usize, Cell)]) -> usize {
        let row = self.rows;
        for (c, column) in self.columns.iter_mut().enumerate() {
            let cell = cells
                .iter()
                .rev()
                .find(|(k, _)| *k == c)
                .map_or(Cell::Missing, |&(_, cell)| cell);
            column.push(cell);
        }
        self.rows += 1;
        row
    }

    pub fn set(&mut self, row: usize, column: usize, cell: Cell) {
        if row < self.rows
            && let Some(c) = self.columns.get_mut(column)
        {
            c.set(row, cell);
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
            .map_or(Cell::Missing, |c| c.get(row))
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
        let start = self.rows;
        let added = other.rows;
        for (name, column) in other.names.iter().zip(other.columns) {
            let c = self.column_for(name);
            let target = &mut self.columns[c];
            let column = column.remapped(&strings);
            match (&mut *target, column) {
                (Column::Ints(t), Column::Ints(o)) => t.extend(o),
                (Column::Strs(t), Column::Strs(o)) => t.extend(o),
                (t, o) if t.len() == 0 => *t = o,
                (t, o) => {
                    for r in 0..o.len() {
                        t.push(o.get(r));
                    }
                }
            }
        }
        for column in &mut self.columns {
            let missing = (start + added).saturating_sub(column.len());
            column.extend_missing(missing);
        }
        self.rows = start + added;
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        for column in &mut self.columns {
            match column {
                Column::Ints(v) => v.reserve(rows),
                Column::Strs(v) => v.reserve(rows),
                Column::Mixed(v) => v.reserve(rows),
            }
        }
    }

    /// Gives back memory reserved and not used.
    pub fn shrink_to_fit(&mut self) {
        for column in &mut self.columns {
            match column {
                Column::Ints(v) => v.shrink_to_fit(),
                Column::Strs(v) => v.shrink_to_fit(),
                Column::Mixed(v) => v.shrink_to_fit(),
            }
        }
    }

    /// Memory held by the cells, in bytes (for the store's estimate of what a file costs).
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::bytes).sum::<usize>()
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
