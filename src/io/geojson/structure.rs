//! A feature's coordinate tokens grouped as its geometry type nests them, checked, and written
//! to the store.

use super::feature::{FeatureReader, Kind, Token};
use crate::io::{GeometryProblem as Problem, check_position};
use crate::model::store::geometry::PartKind;

impl FeatureReader<'_> {
    /// Checks each part's coordinates (positions, lines, rings, ranges), reprojects and projects
    /// them, and writes the geometry to the builder; on a problem the caller abandons what was
    /// written.
    pub(super) fn write_geometry(
        &mut self,
        kind: Kind,
        members: Vec<(Kind, std::ops::Range<usize>)>,
    ) -> Result<(), Problem> {
        let tokens = std::mem::take(&mut self.tokens);
        let result = (|| {
            for (member, range) in &members {
                let structure = Structure::read(&tokens[range.clone()], member.coordinate_depth())
                    .map_err(|e| {
                        Problem::Other(format!("its geometry is not valid GeoJSON: {e}"))
                    })?;
                check_structure(*member, &structure)?;
                for (part_kind, rings) in structure.parts(*member) {
                    self.builder.geometries.begin_part(part_kind);
                    for ring in rings {
                        let mut coords = Vec::with_capacity(ring.len());
                        for position in ring {
                            let (x, y) = self.lonlat(position)?;
                            coords.push([x, y]);
                        }
                        self.builder.geometries.push_ring(coords);
                    }
                }
            }
            let coordinates: usize = members
                .iter()
                .map(|(_, r)| {
                    tokens[r.clone()]
                        .iter()
                        .filter(|t| matches!(t, Token::Number(_)))
                        .count()
                })
                .sum();
            if coordinates == 0 {
                return Err(Problem::Other("its geometry has no coordinates".to_owned()));
            }
            Ok(())
        })();
        self.tokens = tokens;
        result?;
        self.builder.geometries.end_geometry(kind);
        Ok(())
    }

    /// A position's longitude and latitude, reprojected if the file says so, and checked.
    fn lonlat(&self, position: &[f64]) -> Result<(f64, f64), Problem> {
        let (x, y) = match self.reprojection {
            Some(r) => r.apply_coord(position[0], position[1]),
            None => (position[0], position[1]),
        };
        check_position(x, y)?;
        Ok((x, y))
    }
}

/// Positions grouped as a geometry type nests them: `groups[depth]` lists, for each list at
/// that depth, its children's ranges one level down; the positions are slices of numbers.
struct Structure {
    numbers: Vec<f64>,
    /// Each position's range in `numbers`.
    positions: Vec<std::ops::Range<usize>>,
    /// Lists of positions (lines, rings): ranges in `positions`.
    lists: Vec<std::ops::Range<usize>>,
    /// Lists of lists (polygons, multi-lines): ranges in `lists`.
    lists2: Vec<std::ops::Range<usize>>,
    /// Lists of lists of lists (multi-polygons): ranges in `lists2`.
    lists3: Vec<std::ops::Range<usize>>,
}

impl Structure {
    /// Reads tokens nested `depth` deep (1: a position, 2: a list of positions, ...).
    fn read(tokens: &[Token], depth: usize) -> Result<Structure, String> {
        let mut s = Structure {
            numbers: Vec::new(),
            positions: Vec::new(),
            lists: Vec::new(),
            lists2: Vec::new(),
            lists3: Vec::new(),
        };
        let mut at = 0;
        s.level(tokens, &mut at, depth)?;
        if at != tokens.len() {
            return Err("the coordinates are not nested as the type says".to_owned());
        }
        Ok(s)
    }

    /// Reads one array `depth` deep at `tokens[*at]`.
    fn level(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Result<(), String> {
        let nesting = || "the coordinates are not nested as the type says".to_owned();
        if tokens.get(*at) != Some(&Token::Open) {
            return Err(nesting());
        }
        *at += 1;
        if depth == 1 {
            let start = self.numbers.len();
            loop {
                match tokens.get(*at) {
                    Some(Token::Number(n)) => self.numbers.push(*n),
                    Some(Token::Close) => break,
                    _ => return Err(nesting()),
                }
                *at += 1;
            }
            *at += 1;
            self.positions.push(start..self.numbers.len());
            return Ok(());
        }
        let (before, list) = match depth {
            2 => (self.positions.len(), 0),
            3 => (self.lists.len(), 1),
            _ => (self.lists2.len(), 2),
        };
        while tokens.get(*at) != Some(&Token::Close) {
            if *at >= tokens.len() {
                return Err(nesting());
            }
            self.level(tokens, at, depth - 1)?;
        }
        *at += 1;
        let after = match list {
            0 => self.positions.len(),
            1 => self.lists.len(),
            _ => self.lists2.len(),
        };
        match list {
            0 => self.lists.push(before..after),
            1 => self.lists2.push(before..after),
            _ => self.lists3.push(before..after),
        }
        Ok(())
    }

    fn position(&self, p: usize) -> &[f64] {
        &self.numbers[self.positions[p].clone()]
    }

    fn list(&self, l: usize) -> Vec<&[f64]> {
        self.lists[l].clone().map(|p| self.position(p)).collect()
    }

    /// The parts a geometry of `kind` makes: each part's kind and its rings of positions.
    fn parts(&self, kind: Kind) -> Vec<(PartKind, Vec<Vec<&[f64]>>)> {
        match kind {
            Kind::Point => vec![(PartKind::Point, vec![vec![self.position(0)]])],
            Kind::MultiPoint => (0..self.positions.len())
                .map(|p| (PartKind::Point, vec![vec![self.position(p)]]))
                .collect(),
            Kind::LineString => vec![(PartKind::Line, vec![self.list(0)])],
            Kind::MultiLineString => self.lists2[0]
                .clone()
                .map(|l| (PartKind::Line, vec![self.list(l)]))
                .collect(),
            Kind::Polygon => vec![(
                PartKind::Polygon,
                self.lists2[0].clone().map(|l| self.list(l)).collect(),
            )],
            Kind::MultiPolygon => self.lists3[0]
                .clone()
                .map(|p| {
                    (
                        PartKind::Polygon,
                        self.lists2[p].clone().map(|l| self.list(l)).collect(),
                    )
                })
                .collect(),
            Kind::Collection => Vec::new(),
        }
    }
}

/// The checks on positions, lines and rings that GeoJSON asks for (RFC 7946 §3.1), with the
/// messages the app has always given.
fn check_structure(kind: Kind, s: &Structure) -> Result<(), Problem> {
    let other = |m: String| Problem::Other(m);
    for p in 0..s.positions.len() {
        let n = s.positions[p].len();
        if n < 2 {
            return Err(other(format!(
                "a position has {n} number(s); a position needs a longitude and a latitude"
            )));
        }
    }
    let line = |l: usize| -> Result<(), Problem> {
        let n = s.lists[l].len();
        if n < 2 {
            return Err(other(format!(
                "a line has {n} position(s); a line needs at least 2"
            )));
        }
        Ok(())
    };
    let ring = |l: usize| -> Result<(), Problem> {
        let r = s.list(l);
        if r.len() < 4 {
            return Err(other(format!(
                "a polygon ring has {} positions; a ring needs at least 4",
                r.len()
            )));
        }
        if r.first() != r.last() {
            return Err(other(
                "a polygon ring is not closed (its first and last positions differ)".to_owned(),
            ));
        }
        Ok(())
    };
    let polygon = |p: usize| -> Result<(), Problem> {
        if s.lists2[p].is_empty() {
            return Err(other(
                "a polygon has no rings; it needs at least its outer ring".to_owned(),
            ));
        }
        s.lists2[p].clone().try_for_each(ring)
    };
    match kind {
        Kind::LineString => line(0),
        Kind::MultiLineString => s.lists2[0].clone().try_for_each(line),
        Kind::Polygon => polygon(0),
        Kind::MultiPolygon => s.lists3[0].clone().try_for_each(polygon),
        _ => Ok(()),
    }
}
