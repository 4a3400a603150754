//! ESRI Shapefile: the `.shp` geometry with the `.shx` index, `.dbf` attributes and `.prj`
//! coordinate system beside it (same stem, any case), or all of them in a `.zip`, read with
//! the `shapefile` crate.
//!
//! The `.prj` is converted with [`super::crs`]; a file without one is read as WGS84
//! longitude/latitude with a warning (the metres check still refuses projected metres). Rings
//! are taken as the format defines them (clockwise exteriors, counter-clockwise holes) and each
//! hole is put in the exterior that holds it, wherever it comes in the record. Records that
//! cannot be read (a truncated file) end the reading with a warning naming the record.

use super::Collector;
use crate::io::{LoadError, Loaded};
use ::shapefile::record::traits::HasXY;
use ::shapefile::{PolygonRing, Shape, ShapeReader, dbase};
use serde_json::{Map, Value};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The files of one shapefile, read into memory.
struct Parts {
    shp: Vec<u8>,
    shx: Option<Vec<u8>>,
    dbf: Option<Vec<u8>>,
    prj: Option<Vec<u8>>,
    /// The `.cpg`: the code page of the `.dbf`'s text.
    cpg: Option<Vec<u8>>,
    /// What to call the `.prj` in messages: "the.shp (the.prj)", "the.zip (dir/the.prj)".
    prj_label: String,
}

/// Reads a `.shp` and the files beside it.
pub fn load_shp_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let shp = crate::io::read_capped(path, max_bytes)?;
    if shp.is_empty() {
        return Err(LoadError::Empty { file });
    }
    let sidecar = |ext: &str| -> Result<Option<(PathBuf, Vec<u8>)>, LoadError> {
        match find_sidecar(path, ext) {
            Some(p) => crate::io::read_capped(&p, max_bytes).map(|b| Some((p, b))),
            None => Ok(None),
        }
    };
    let prj = sidecar("prj")?;
    let parts = Parts {
        shp,
        shx: sidecar("shx")?.map(|(_, b)| b),
        dbf: sidecar("dbf")?.map(|(_, b)| b),
        cpg: sidecar("cpg")?.map(|(_, b)| b),
        prj_label: prj.as_ref().map_or_else(String::new, |(p, _)| {
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            format!("{file} ({name})")
        }),
        prj: prj.map(|(_, b)| b),
    };
    read_parts(&file, parts)
}

/// The file beside `path` with the same stem and extension `ext`, in any case.
fn find_sidecar(path: &Path, ext: &str) -> Option<PathBuf> {
    for candidate in [ext.to_owned(), ext.to_ascii_uppercase()] {
        let p = path.with_extension(candidate);
        if p.is_file() {
            return Some(p);
        }
    }
    let stem = path.file_stem()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_stem() == Some(stem)
                && p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
                && p.is_file()
        })
}

/// Reads the first shapefile in a zip archive (with its `.shx`, `.dbf` and `.prj`).
pub fn load_zip_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let mut archive = super::open_zip(path, max_bytes)?;
    let names = super::zip_entries(&archive);
    let with_ext = |stem: &str, ext: &str| {
        names
            .iter()
            .find(|n| {
                let p = Path::new(n.as_str());
                p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
                    && n.len() > ext.len()
                    && n[..n.len() - ext.len() - 1] == *stem
            })
            .cloned()
    };
    let shps: Vec<&String> = names
        .iter()
        .filter(|n| {
            Path::new(n.as_str())
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("shp"))
                && !n.starts_with("__MACOSX/")
        })
        .collect();
    let Some(shp_name) = shps.first().map(|s| (*s).clone()) else {
        return Err(LoadError::NotFormat {
            file,
            format: "zipped shapefile",
            message: format!(
                "the archive holds no .shp file (it holds: {})",
                super::list(&names)
            ),
        });
    };
    let stem = shp_name[..shp_name.len() - 4].to_owned();
    let label = format!("{file} ({shp_name})");
    let mut member = |name: Option<String>| -> Result<Option<Vec<u8>>, LoadError> {
        match name {
            Some(n) => super::read_zip_member(&file, &mut archive, &n, max_bytes).map(Some),
            None => Ok(None),
        }
    };
    let shp = member(Some(shp_name.clone()))?.unwrap_or_default();
    let prj_name = with_ext(&stem, "prj");
    let parts = Parts {
        shp,
        shx: member(with_ext(&stem, "shx"))?,
        dbf: member(with_ext(&stem, "dbf"))?,
        cpg: member(with_ext(&stem, "cpg"))?,
        prj: member(prj_name.clone())?,
        prj_label: format!("{file} ({})", prj_name.unwrap_or_default()),
    };
    let mut loaded = read_parts(&label, parts)?;
    if shps.len() > 1 {
        let others: Vec<String> = shps[1..].iter().map(|s| (*s).clone()).collect();
        loaded.warnings.push(crate::io::LoadWarning {
            file: label,
            feature_index: None,
            message: format!(
                "the archive holds more shapefiles ({}); only {shp_name} is read",
                super::list(&others)
            ),
        });
    }
    Ok(loaded)
}

/// Reads a shapefile from the bytes of its files: the `.shp` and, where there are, its `.shx`,
/// `.dbf` and `.prj`. `file` names it in messages. The path and zip readers end here too.
pub fn load_parts(
    file: &str,
    shp: Vec<u8>,
    shx: Option<Vec<u8>>,
    dbf: Option<Vec<u8>>,
    prj: Option<Vec<u8>>,
) -> Result<Loaded, LoadError> {
    let parts = Parts {
        shp,
        shx,
        dbf,
        prj,
        cpg: None,
        prj_label: format!("{file} (.prj)"),
    };
    read_parts(file, parts)
}

fn read_parts(file: &str, parts: Parts) -> Result<Loaded, LoadError> {
    let not_shapefile = |e: ::shapefile::Error| LoadError::NotFormat {
        file: file.to_owned(),
        format: "shapefile",
        message: format!("its header cannot be read: {e}"),
    };
    let mut reader = match &parts.shx {
        Some(shx) => ShapeReader::with_shx(Cursor::new(&parts.shp), Cursor::new(shx)),
        None => ShapeReader::new(Cursor::new(&parts.shp)),
    }
    .map_err(not_shapefile)?;
    let mut collector = Collector::new(file);
    let reprojection = match &parts.prj {
        Some(prj) => {
            let wkt = String::from_utf8_lossy(prj);
            let r = super::crs::from_wkt(&parts.prj_label, &wkt)?;
            if let Some(r) = &r {
                collector.warn_file(format!(
                    "reprojected from {} to WGS84 longitude/latitude, as its .prj says",
                    r.name
                ));
            }
            r
        }
        None => {
            collector.warn_file(
                "there is no .prj beside it, so its coordinates are read as WGS84 longitude/latitude",
            );
            None
        }
    };
    let (fields, records) = read_dbf(&mut collector, parts.dbf.as_deref(), parts.cpg.as_deref());
    let expected = parts
        .shx
        .as_ref()
        .map(|shx| shx.len().saturating_sub(100) / 8)
        .or(records.as_ref().map(Vec::len));
    let mut index = 0usize;
    for shape in reader.iter_shapes() {
        let shape = match shape {
            Ok(s) => s,
            Err(e) => {
                let rest = match expected {
                    Some(n) if n > index + 1 => {
                        format!(" (it and the {} after it are skipped)", n - index - 1)
                    }
                    _ => String::new(),
                };
                let reason =
                    format!("the record cannot be read: {e}; the file may be cut short{rest}");
                if collector.feature_count() == 0 {
                    return Err(LoadError::Invalid {
                        file: file.to_owned(),
                        message: format!("record {index}: {reason}"),
                    });
                }
                collector.skip(index, &format!("record {index}"), &reason);
                break;
            }
        };
        let properties = match &records {
            Some(records) => match records.get(index) {
                Some(Ok(record)) => attributes(&fields, record),
                Some(Err(e)) => {
                    collector.warn(index, format!("its attributes cannot be read: {e}"));
                    Map::new()
                }
                None => {
                    collector.warn(index, "the .dbf has no row for it; it has no attributes");
                    Map::new()
                }
            },
            None => Map::new(),
        };
        let place = format!("record {index}");
        let converted = crate::model::guard::catching(|| geometry(shape))
            .unwrap_or_else(|panic| Err(format!("its geometry cannot be used ({panic})")));
        match converted {
            Ok((geometry, doubts)) => {
                if collector.push(index, &place, geometry, properties, reprojection.as_ref()) {
                    for doubt in doubts {
                        collector.warn(index, doubt);
                    }
                }
            }
            Err(reason) => collector.skip(index, &place, &reason),
        }
        index += 1;
    }
    if let Some(records) = &records
        && records.len() != index
        && collector.feature_count() > 0
    {
        collector.warn_file(format!(
            "the .dbf has {} rows for {index} shapes; attributes may belong to other shapes",
            records.len()
        ));
    }
    collector.finish()
}

type Records = Vec<Result<dbase::Record, dbase::Error>>;

/// The `.dbf`'s field names (in order) and rows, or none with a warning. Its text is read in
/// the code page the `.cpg` names, else the one its language driver byte names, else UTF-8.
fn read_dbf(
    collector: &mut Collector,
    dbf: Option<&[u8]>,
    cpg: Option<&[u8]>,
) -> (Vec<String>, Option<Records>) {
    let Some(dbf) = dbf else {
        collector.warn_file("there is no .dbf beside it, so its features have no attributes");
        return (Vec::new(), None);
    };
    let builder = dbase::ReaderBuilder::new();
    let reader = match dbf_encoding(collector, dbf, cpg) {
        Some(encoding) => builder
            .with_encoding(dbase::encoding::EncodingRs::from(encoding))
            .build(Cursor::new(dbf)),
        None => builder
            .with_encoding(dbase::encoding::UnicodeLossy)
            .build(Cursor::new(dbf)),
    };
    match reader {
        Ok(mut reader) => {
            let fields = reader
                .fields()
                .iter()
                .map(|f| f.name().to_owned())
                .filter(|n| n != "DeletionFlag")
                .collect();
            // The reader gives the same error again and again once a row cannot be read
            // (its count comes from the header, not from the bytes there are), so reading
            // stops at the first error: the rows after it are unknown.
            let mut records = Vec::new();
            for record in reader.iter_records() {
                let failed = record.is_err();
                records.push(record);
                if failed {
                    break;
                }
            }
            (fields, Some(records))
        }
        Err(e) => {
            collector.warn_file(format!(
                "its .dbf cannot be read ({e}), so its features have no attributes"
            ));
            (Vec::new(), None)
        }
    }
}

/// The encoding of the `.dbf`'s text: the `.cpg`'s, else the language driver's (header byte
/// 29); `None` reads UTF-8. A name or byte that gives none is warned about.
fn dbf_encoding(
    collector: &mut Collector,
    dbf: &[u8],
    cpg: Option<&[u8]>,
) -> Option<&'static encoding_rs::Encoding> {
    if let Some(cpg) = cpg {
        let name = String::from_utf8_lossy(cpg);
        match super::text::from_cpg(&name) {
            Some(encoding) => return Some(encoding),
            None => collector.warn_file(format!(
                "its .cpg names a code page this reader does not know ({:?})",
                name.trim()
            )),
        }
    }
    match super::text::from_language_driver(dbf.get(29).copied().unwrap_or(0)) {
        Ok(encoding) => encoding,
        Err(driver) => {
            collector.warn_file(format!(
                "its .dbf names a code page this reader does not know, {driver}; its text is read as UTF-8"
            ));
            None
        }
    }
}

fn attributes(fields: &[String], record: &dbase::Record) -> Map<String, Value> {
    use dbase::FieldValue as F;
    let number = |v: f64| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
    fields
        .iter()
        .map(|name| {
            let value = match record.get(name) {
                None => Value::Null,
                Some(v) => match v {
                    F::Character(Some(s)) => Value::String(s.trim().to_owned()),
                    F::Memo(s) => Value::String(s.clone()),
                    F::Numeric(Some(n)) | F::Double(n) | F::Currency(n) => number(*n),
                    F::Float(Some(n)) => number(f64::from(*n)),
                    F::Integer(n) => Value::from(*n),
                    F::Logical(Some(b)) => Value::Bool(*b),
                    F::Date(Some(d)) => {
                        Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
                    }
                    F::DateTime(dt) => {
                        let d = dt.date();
                        let t = dt.time();
                        Value::String(format!(
                            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                            d.year(),
                            d.month(),
                            d.day(),
                            t.hours(),
                            t.minutes(),
                            t.seconds()
                        ))
                    }
                    _ => Value::Null,
                },
            };
            (name.clone(), value)
        })
        .collect()
}

/// A shape as a `geo` geometry, with doubts about it; `Err` says why it cannot be drawn.
fn geometry(shape: Shape) -> Result<(geo::Geometry<f64>, Vec<String>), String> {
    use geo::Geometry as G;
    let mut doubts = Vec::new();
    let geometry = match shape {
        Shape::NullShape => return Err("its shape is null (it has no geometry)".to_owned()),
        Shape::Polygon(p) => polygons(p.rings(), &mut doubts)?,
        Shape::PolygonM(p) => polygons(p.rings(), &mut doubts)?,
        Shape::PolygonZ(p) => polygons(p.rings(), &mut doubts)?,
        Shape::Multipatch(_) => {
            return Err(
                "it is a multipatch (3D surface), which this viewer cannot draw".to_owned(),
            );
        }
        other => {
            let g = G::try_from(other).map_err(|e| format!("its shape cannot be used: {e}"))?;
            simplify(g)
        }
    };
    Ok((geometry, doubts))
}

/// A multi-geometry of one part as that part.
fn simplify(g: geo::Geometry<f64>) -> geo::Geometry<f64> {
    use geo::Geometry as G;
    match g {
        G::MultiLineString(mut m) if m.0.len() == 1 => {
            m.0.pop().map_or(G::MultiLineString(m), G::LineString)
        }
        G::MultiPoint(mut m) if m.0.len() == 1 => m.0.pop().map_or(G::MultiPoint(m), G::Point),
        G::MultiPolygon(mut m) if m.0.len() == 1 => {
            m.0.pop().map_or(G::MultiPolygon(m), G::Polygon)
        }
        other => other,
    }
}

/// Polygons from shapefile rings: each hole goes into the smallest exterior that holds it; a
/// hole that no exterior holds is drawn as an area of its own, with a doubt.
fn polygons<P: HasXY>(
    rings: &[PolygonRing<P>],
    doubts: &mut Vec<String>,
) -> Result<geo::Geometry<f64>, String> {
    use geo::{Area, Contains, InteriorPoint, Orient, orient::Direction};
    let line = |points: &[P]| -> geo::LineString<f64> {
        points
            .iter()
            .map(|p| geo::coord! { x: p.x(), y: p.y() })
            .collect()
    };
    // Sorting rings into exteriors and holes compares coordinates, which geo cannot do with
    // NaN (it panics), so a record with one is skipped here, as the other loaders skip it.
    if let Some(p) = rings
        .iter()
        .flat_map(|r| r.points())
        .find(|p| !p.x().is_finite() || !p.y().is_finite())
    {
        return Err(format!(
            "a coordinate is not a finite number ({}, {})",
            p.x(),
            p.y()
        ));
    }
    let mut exteriors: Vec<geo::Polygon<f64>> = Vec::new();
    let mut holes: Vec<geo::LineString<f64>> = Vec::new();
    for ring in rings {
        if ring.len() < 4 {
            return Err(format!(
                "a polygon ring has {} positions; a ring needs at least 4",
                ring.len()
            ));
        }
        match ring {
            PolygonRing::Outer(points) => exteriors.push(geo::Polygon::new(line(points), vec![])),
            PolygonRing::Inner(points) => holes.push(line(points)),
        }
    }
    let areas: Vec<f64> = exteriors.iter().map(|p| p.unsigned_area()).collect();
    let mut orphans = Vec::new();
    for hole in holes {
        let inside = geo::Polygon::new(hole.clone(), vec![]).interior_point();
        let owner = inside.and_then(|pt| {
            exteriors
                .iter()
                .enumerate()
                .filter(|(_, e)| e.contains(&pt))
                .min_by(|(a, _), (b, _)| areas[*a].total_cmp(&areas[*b]))
                .map(|(i, _)| i)
        });
        match owner.and_then(|i| exteriors.get_mut(i)) {
            Some(exterior) => exterior.interiors_push(hole),
            None => orphans.push(hole),
        }
    }
    if !orphans.is_empty() {
        doubts.push(format!(
            "{} hole ring(s) lie in no exterior ring; they are drawn as areas",
            orphans.len()
        ));
        exteriors.extend(orphans.into_iter().map(|h| geo::Polygon::new(h, vec![])));
    }
    let mut polygons: Vec<geo::Polygon<f64>> = exteriors
        .into_iter()
        .map(|p| p.orient(Direction::Default))
        .collect();
    match polygons.len() {
        0 => Err("the polygon has no rings".to_owned()),
        1 => Ok(geo::Geometry::Polygon(polygons.remove(0))),
        _ => Ok(geo::Geometry::MultiPolygon(geo::MultiPolygon(polygons))),
    }
}
