//! `karabakh-atlas validate`: checks that every feature is complete, sourced, dated in ISO 8601,
//! geometrically valid and near the district it names.

mod figures;

use crate::io::embedded::SHIPPED;
use crate::io::geojson;
use crate::model::date::Date;
use crate::model::layer::{Layer, LayerRole};
use crate::model::projection::{ground_per_world_metre, world_from_lonlat};
use crate::model::store::FeatureView;
use figures::{check_figure_ages, check_honest_figures};
use geo::{Distance, Euclidean, Winding};
use std::collections::HashMap;
use std::path::Path;

/// How far (metres) a feature may lie from the district it names: Natural Earth's boundaries
/// are off by up to about 3 km.
pub const DISTRICT_TOLERANCE_M: f64 = 3_000.0;

/// Properties every feature of a thematic layer carries.
pub const REQUIRED: [&str; 9] = [
    "id",
    "name_az",
    "name_en",
    "kind",
    "district",
    "source_url",
    "source_date",
    "confidence",
    "position",
];

/// Properties context features carry.
pub const REQUIRED_CONTEXT: [&str; 3] = ["id", "name_en", "source_url"];

/// Features that Natural Earth's boundary errors put outside the district they belong to,
/// with the reason: reported as warnings, not errors.
pub const KNOWN_BOUNDARY_ERRORS: [(&str, &str); 2] = [
    (
        "Lachin",
        "Natural Earth's Lachin polygon misses Lachin town, which falls in its Shusha polygon",
    ),
    (
        "Jabrayil",
        "Natural Earth's Jabrayil polygon misses Jabrayil town, which falls in its Khojavend polygon",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Something only the atlas's own data must have (its required properties, say), found
    /// in a user's file: said, never counted against it.
    Note,
}

/// Where a finding is: a file, and the feature when it is about one.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub file: String,
    pub feature_index: Option<usize>,
    pub id: Option<String>,
}

impl Place {
    /// The feature at `index` of `file` (when known), with its id (when it has one).
    pub fn feature(file: &str, feature_index: Option<usize>, id: Option<String>) -> Self {
        Self {
            file: file.to_owned(),
            feature_index,
            id,
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(i) = self.feature_index {
            write!(f, ": feature {i}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        Ok(())
    }
}

/// One thing found.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub place: Place,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{level}: {}: {}", self.place, self.message)
    }
}

/// Everything found in a run.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files: usize,
    pub features: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    pub fn notes(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Note)
            .count()
    }

    pub fn summary(&self) -> String {
        let notes = match self.notes() {
            0 => String::new(),
            n => format!(", {n} notes"),
        };
        format!(
            "{} files, {} features: {} errors, {} warnings{notes}",
            self.files,
            self.features,
            self.errors(),
            self.warnings()
        )
    }
}

/// Validates the embedded dataset.
pub fn validate_embedded() -> Report {
    let atlas = crate::io::embedded::atlas();
    let districts = atlas.layers.iter().find(|l| l.role == LayerRole::Districts);
    let mut report = Report::default();
    let mut ids = HashMap::new();
    let as_of = as_of(atlas.layers.iter().flat_map(Layer::features));
    for shipped in &SHIPPED {
        let file = &shipped.file;
        let loaded = geojson::load_str(file.file_name, file.text);
        let context = Context {
            role: shipped.role,
            districts,
            as_of,
        };
        check_loaded(&mut report, &mut ids, file.file_name, loaded, &context);
    }
    report_district_disagreements(&mut report, &atlas);
    report.findings.push(Finding {
        severity: Severity::Warning,
        place: Place::feature("districts.geojson", None, None),
        message: format!(
            "known limit: Natural Earth's district boundaries are off by up to about 3 km, so positions are checked against them with a {:.0} km tolerance, and a town may fall in its neighbour's polygon (Laçın town lies in the Şuşa rayon polygon)",
            DISTRICT_TOLERANCE_M / 1000.0
        ),
    });
    report
}

/// Where the district a feature's source names differs from the polygon its position falls
/// in (Natural Earth's boundaries are off by up to about 3 km): reported, never an error,
/// since statistics and the card follow the source.
fn report_district_disagreements(report: &mut Report, atlas: &crate::model::atlas::Atlas) {
    for layer in atlas.layers.iter().filter(|l| l.role == LayerRole::Overlay) {
        for f in layer.features() {
            let Some((named, crate::model::atlas::DistrictBasis::Sourced)) = atlas.district_of(f)
            else {
                continue;
            };
            let by_position = atlas.district_at(f.anchor());
            if by_position.and_then(|d| d.str("id")) == named.str("id") {
                continue;
            }
            let at = by_position.map_or_else(
                || "no liberated district's polygon".to_owned(),
                |d| {
                    format!(
                        "the {} polygon",
                        d.display_name(crate::model::feature::Language::English)
                    )
                },
            );
            report.findings.push(Finding {
                severity: Severity::Warning,
                place: Place::feature(&layer.origin, None, f.str("id").map(str::to_owned)),
                message: format!(
                    "its source puts it in {}, its position falls in {at}: counted in {}",
                    named.display_name(crate::model::feature::Language::English),
                    named.display_name(crate::model::feature::Language::English)
                ),
            });
        }
    }
}

/// Validates a user's files on disk (any format [`crate::io::load_any`] opens): JSON, structure,
/// coordinates, geometry, dates and URLs where given; the properties the atlas's own data must
/// carry are named only as notes.
pub fn validate_paths(paths: &[&Path], max_bytes: u64) -> Report {
    validate_paths_as(paths, max_bytes, false)
}

/// Validates files on disk by the atlas's own rules (`validate --atlas`): its required
/// properties are errors, and districts are checked against the embedded district layer.
pub fn validate_paths_for_atlas(paths: &[&Path], max_bytes: u64) -> Report {
    validate_paths_as(paths, max_bytes, true)
}

fn validate_paths_as(paths: &[&Path], max_bytes: u64, atlas_rules: bool) -> Report {
    let atlas = crate::io::embedded::atlas();
    let districts = atlas.layers.iter().find(|l| l.role == LayerRole::Districts);
    let mut report = Report::default();
    let mut ids = HashMap::new();
    let loaded: Vec<_> = paths
        .iter()
        .map(|path| crate::io::load_any(path, max_bytes))
        .collect();
    // The files' as-of date: the latest source date any of them gives.
    let as_of = as_of(loaded.iter().flatten().flat_map(|l| l.features.iter()));
    for (path, loaded) in paths.iter().zip(loaded) {
        let file = path.display().to_string();
        let role = if !atlas_rules {
            LayerRole::User
        } else if path.file_name().is_some_and(|n| n == "context.geojson") {
            LayerRole::Context
        } else {
            LayerRole::Overlay
        };
        let context = Context {
            role,
            districts,
            as_of,
        };
        check_loaded(&mut report, &mut ids, &file, loaded, &context);
    }
    report
}

/// What a feature is checked against besides itself.
struct Context<'a> {
    role: LayerRole,
    districts: Option<&'a Layer>,
    /// The dataset's as-of date: the latest date its sources carry.
    as_of: Option<Date>,
}

/// The latest source date among `features`: how current the dataset says it is.
fn as_of<'a>(features: impl Iterator<Item = FeatureView<'a>>) -> Option<Date> {
    features
        .flat_map(|f| {
            f.properties()
                .filter(|(key, _)| key.ends_with("source_date"))
                .filter_map(|(_, value)| value.as_str().and_then(Date::parse))
        })
        .max()
}

fn error(place: Place, message: String) -> Finding {
    Finding {
        severity: Severity::Error,
        place,
        message,
    }
}

fn warning(place: Place, message: String) -> Finding {
    Finding {
        severity: Severity::Warning,
        ..error(place, message)
    }
}

fn check_loaded(
    report: &mut Report,
    ids: &mut HashMap<String, String>,
    file: &str,
    loaded: Result<crate::io::Loaded, crate::io::LoadError>,
    context: &Context<'_>,
) {
    report.files += 1;
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            report.findings.push(error(
                Place::feature(file, None, None),
                strip_file(&e.to_string(), file),
            ));
            return;
        }
    };
    // Skipped features and whole-file problems are errors; other doubts about kept features
    // (attributes that cannot be read, say) are warnings, except repeated ids and invalid
    // geometry, which the checks below find again with more detail.
    for w in &loaded.warnings {
        let found_again =
            w.message.contains("repeats the id") || w.message.contains("its geometry is invalid");
        if w.feature_index.is_none() || w.message.starts_with("skipped:") {
            report.findings.push(error(
                Place::feature(file, w.feature_index, None),
                w.message.clone(),
            ));
        } else if !found_again {
            report.findings.push(warning(
                Place::feature(file, w.feature_index, None),
                w.message.clone(),
            ));
        }
        report.features += usize::from(w.message.starts_with("skipped:"));
    }
    for feature in loaded.features.iter() {
        report.features += 1;
        let mut found = Vec::new();
        check_feature(feature, context, &mut found);
        let id = feature.id_str().map(str::to_owned);
        if let Some(id) = &id {
            if let Some(first) = ids.get(id) {
                found.push((
                    Severity::Error,
                    format!("id {id} is used twice (first in {first})"),
                ));
            } else {
                ids.insert(
                    id.clone(),
                    format!("{file} feature {}", feature.file_index()),
                );
            }
        }
        report
            .findings
            .extend(found.into_iter().map(|(severity, message)| Finding {
                severity,
                place: Place::feature(file, Some(feature.file_index()), id.clone()),
                message,
            }));
    }
}

fn strip_file(message: &str, file: &str) -> String {
    message
        .strip_prefix(file)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(message)
        .to_owned()
}

/// Checks one feature, pushing what it finds.
fn check_feature(f: FeatureView<'_>, context: &Context<'_>, found: &mut Vec<(Severity, String)>) {
    let role = context.role;
    let required: &[&str] = if role == LayerRole::Context {
        &REQUIRED_CONTEXT
    } else {
        &REQUIRED
    };
    // What only the atlas's own data must have: errors there, notes in a user's file.
    let atlas_rule = if role == LayerRole::User {
        Severity::Note
    } else {
        Severity::Error
    };
    for key in required {
        if f.text(key).is_none() {
            let hint = if role == LayerRole::User {
                " (the atlas's own data carries it; --atlas checks for it)"
            } else {
                ""
            };
            found.push((atlas_rule, format!("missing property {key}{hint}")));
        }
    }
    for key in ["date", "date_end", "source_date", "source_2_date"] {
        if let Some(v) = f.text(key)
            && !crate::model::date::is_iso_date(&v)
        {
            found.push((
                Severity::Error,
                format!("{key} {v:?} is not an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)"),
            ));
        }
    }
    if let (Some(a), Some(b)) = (f.str("date"), f.str("date_end"))
        && crate::model::date::is_iso_date(a)
        && crate::model::date::is_iso_date(b)
        && b < a
    {
        found.push((Severity::Error, format!("date_end {b} is before date {a}")));
    }
    for key in ["source_url", "source_2_url"] {
        if let Some(v) = f.text(key)
            && !is_url(&v)
        {
            found.push((
                Severity::Error,
                format!("{key} {v:?} is not a well-formed http(s) URL"),
            ));
        }
    }
    if let Some(c) = f.str("confidence")
        && !["high", "medium", "low"].contains(&c)
    {
        found.push((
            Severity::Error,
            format!("confidence {c:?} is not high, medium or low"),
        ));
    }
    if let Some(p) = f.str("position")
        && !["exact", "settlement", "approximate"].contains(&p)
    {
        found.push((
            Severity::Error,
            format!("position {p:?} is not exact, settlement or approximate"),
        ));
    }
    check_geometry(&f.lonlat(), found);
    check_honest_figures(f, atlas_rule, found);
    if let Some(as_of) = context.as_of {
        check_figure_ages(f, as_of, atlas_rule, found);
    }
    if role != LayerRole::Context && role != LayerRole::Districts {
        check_district(f, context.districts, found);
    }
}

fn check_geometry(g: &geo::Geometry<f64>, found: &mut Vec<(Severity, String)>) {
    for problem in crate::model::guard::geometry_problems(g) {
        found.push((Severity::Error, format!("invalid geometry: {problem}")));
    }
    let mut check_polygon = |p: &geo::Polygon<f64>| {
        if !p.exterior().is_ccw() {
            found.push((
                Severity::Error,
                "an exterior ring is clockwise; RFC 7946 wants counter-clockwise".to_owned(),
            ));
        }
        if p.interiors().iter().any(|r| !r.is_cw()) {
            found.push((
                Severity::Error,
                "a hole is counter-clockwise; RFC 7946 wants clockwise".to_owned(),
            ));
        }
    };
    match g {
        geo::Geometry::Polygon(p) => check_polygon(p),
        geo::Geometry::MultiPolygon(mp) => mp.0.iter().for_each(check_polygon),
        _ => {}
    }
}

/// The feature must lie within [`DISTRICT_TOLERANCE_M`] of the district it names.
fn check_district(
    f: FeatureView<'_>,
    districts: Option<&Layer>,
    found: &mut Vec<(Severity, String)>,
) {
    let (Some(name), Some(districts)) = (f.str("district"), districts) else {
        return;
    };
    let (candidates, note): (Vec<&str>, Option<&str>) = match name {
        "Aghdara" => (
            vec!["Tartar", "Kalbajar"],
            Some(
                "no source has an Aghdara polygon; checked against Tartar and Kalbajar, from which it was re-formed",
            ),
        ),
        "Shusha" => (vec!["Shusha District", "Shusha City"], None),
        other => (vec![other], None),
    };
    let polygons: Vec<geo::Geometry<f64>> = districts
        .features()
        .filter(|d| d.str("name_en").is_some_and(|n| candidates.contains(&n)))
        .map(|d| d.world())
        .collect();
    if polygons.is_empty() {
        found.push((
            Severity::Warning,
            format!(
                "district {name} is not one of the liberated districts; its position is not checked"
            ),
        ));
        return;
    }
    // A line (a railway between two districts' towns) is near its district if any of its
    // vertices is; anything else, by its interior point.
    let lonlats: Vec<[f64; 2]> = match f.lonlat() {
        geo::Geometry::LineString(l) => l.0.iter().map(|c| [c.x, c.y]).collect(),
        geo::Geometry::MultiLineString(m) => {
            m.0.iter()
                .flat_map(|l| l.0.iter().map(|c| [c.x, c.y]))
                .collect()
        }
        other => representative_lonlat(&other).into_iter().collect(),
    };
    let Some(metres) = lonlats
        .iter()
        .map(|lonlat| {
            let w = world_from_lonlat(*lonlat);
            let point = geo::Point::new(w[0], w[1]);
            polygons
                .iter()
                .map(|d| Euclidean.distance(d, &point))
                .fold(f64::INFINITY, f64::min)
                * ground_per_world_metre(lonlat[1])
        })
        .reduce(f64::min)
    else {
        return;
    };
    if let Some(note) = note {
        found.push((Severity::Warning, note.to_owned()));
    }
    if metres > DISTRICT_TOLERANCE_M {
        let known = KNOWN_BOUNDARY_ERRORS.iter().find(|(d, _)| *d == name);
        let message = format!(
            "lies {:.1} km outside the {name} polygon it names (allowed: {:.0} km)",
            metres / 1000.0,
            DISTRICT_TOLERANCE_M / 1000.0
        );
        match known {
            Some((_, why)) => {
                found.push((Severity::Warning, format!("{message}: known limit: {why}")))
            }
            None => found.push((Severity::Error, message)),
        }
    }
}

fn representative_lonlat(g: &geo::Geometry<f64>) -> Option<[f64; 2]> {
    use geo::InteriorPoint;
    let p = g.interior_point()?;
    Some([p.x(), p.y()])
}

/// An absolute http(s) URL with a host that has a dot, and no spaces.
pub fn is_url(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !text.chars().any(char::is_whitespace)
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ':')
}
