//! KML and KMZ (zipped KML: `doc.kml`, else the first `.kml` in the archive), read with the
//! georust `kml` crate.
//!
//! Each Placemark becomes a feature: its `name`, `description` and ExtendedData (`Data` and
//! `SchemaData`) become properties, and the names of the Folders it sits in become `folder`
//! (joined by " / "). Points, LineStrings, LinearRings, Polygons with their holes and
//! MultiGeometry are read; a Placemark without a drawable geometry is skipped with a warning.
//! KML is WGS84 longitude/latitude by definition, so the metres check applies.
//!
//! The text is first checked to be well-formed XML with quick-xml, so that a broken file is
//! refused with the line and column of the fault.

mod layout;

use crate::io::Collector;
use crate::io::{LoadError, Loaded};
use ::kml::types::{Element, Geometry, LinearRing, Placemark};
use ::kml::{Kml, KmlReader};
use layout::{EMPTY_POINT, PlacemarkSpan, check_xml, element_text};
use serde_json::{Map, Value};
use std::path::Path;

/// Reads a KML file from disk.
pub fn load_kml_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let bytes = crate::io::read_capped(path, max_bytes)?;
    let text = super::utf8(&file, &bytes, "XML")?;
    load_kml_str(&file, text)
}

/// Reads a KMZ archive from disk: its `doc.kml`, else its first `.kml`.
pub fn load_kmz_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let mut archive = super::open_zip(path, max_bytes)?;
    let in_order = super::zip_entries(&archive);
    let is_kml = |n: &&String| {
        Path::new(n.as_str())
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("kml"))
    };
    let chosen = in_order
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| in_order.iter().find(is_kml))
        .cloned();
    let Some(entry) = chosen else {
        return Err(LoadError::NotFormat {
            file,
            format: "KMZ",
            message: format!(
                "the archive holds no .kml document (it holds: {})",
                super::list(&in_order)
            ),
        });
    };
    let bytes = super::read_zip_member(&file, &mut archive, &entry, max_bytes)?;
    let label = format!("{file} ({entry})");
    let text = super::utf8(&label, &bytes, "XML")?;
    let mut loaded = load_kml_str(&label, text)?;
    let others = in_order
        .iter()
        .filter(is_kml)
        .filter(|n| **n != entry)
        .count();
    if others > 0 {
        loaded.warnings.push(crate::io::LoadWarning {
            file: label,
            feature_index: None,
            message: format!(
                "the archive holds {others} more .kml document(s); only {entry} is read"
            ),
        });
    }
    Ok(loaded)
}

/// Reads KML text; `file` names it in messages.
pub fn load_kml_str(file: &str, text: &str) -> Result<Loaded, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    let layout = check_xml(file, text)?;
    let mut collector = Collector::new(file);
    // The whole document at once, unless a placemark is known to trip the reader; if the
    // reader refuses the document, each placemark on its own, so that one bad placemark is
    // skipped with a warning like a bad GeoJSON feature.
    let whole = if layout.placemarks.iter().any(|p| p.empty_point.is_some()) {
        None
    } else {
        crate::model::guard::catching(|| KmlReader::<&[u8], f64>::from_string(text).read())
            .ok()
            .and_then(Result::ok)
    };
    match whole {
        Some(root) => {
            let mut placemarks = Vec::new();
            let mut document_name = None;
            walk(&root, &mut Vec::new(), &mut placemarks, &mut document_name);
            collector.set_name(document_name);
            for (index, (placemark, folders)) in placemarks.into_iter().enumerate() {
                add_placemark(&mut collector, index, placemark, &folders);
            }
        }
        None => {
            if layout.placemarks.is_empty() {
                // Nothing to read one by one: the reader's own refusal says why.
                return Err(whole_refusal(file, text));
            }
            collector.set_name(document_name(text));
            for (index, span) in layout.placemarks.iter().enumerate() {
                read_placemark(&mut collector, index, span, text, &layout.root_namespaces);
            }
        }
    }
    collector.finish()
}

/// Why the reader refuses the whole document.
fn whole_refusal(file: &str, text: &str) -> LoadError {
    let read = crate::model::guard::catching(|| KmlReader::<&[u8], f64>::from_string(text).read());
    let message = match read {
        Ok(Err(e)) => format!("it cannot be read as KML: {e}"),
        Ok(Ok(_)) => "it holds no placemarks".to_owned(),
        Err(_) => {
            "the KML reader failed on it (a fault in the reader, not in the file alone)".to_owned()
        }
    };
    LoadError::NotFormat {
        file: file.to_owned(),
        format: "KML",
        message,
    }
}

/// The Document's name, when its <name> comes before any placemark.
fn document_name(text: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<Vec<u8>> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_vec();
                if name == b"Placemark" || name == b"Folder" {
                    return None;
                }
                if name == b"name" && open.last().is_some_and(|p| p == b"Document") {
                    return reader.read_text(e.name()).ok().map(|t| element_text(&t));
                }
                open.push(name);
            }
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Reads one placemark's text on its own and adds it, or skips it with the reason.
fn read_placemark(
    collector: &mut Collector,
    index: usize,
    span: &PlacemarkSpan,
    text: &str,
    namespaces: &str,
) {
    let place = span
        .name
        .as_deref()
        .map(|n| format!("placemark {:?}", n.trim()))
        .unwrap_or_default();
    let (line, column) = crate::io::line_column(text.as_bytes(), span.span.start);
    let at = |reason: String| format!("line {line}, column {column}: {reason}");
    if let Some((line, column)) = span.empty_point {
        collector.skip(
            index,
            &place,
            &format!("line {line}, column {column}: {EMPTY_POINT}"),
        );
        return;
    }
    let Some(slice) = text.get(span.span.clone()) else {
        collector.skip(
            index,
            &place,
            &at("the placemark cannot be cut out of the text".to_owned()),
        );
        return;
    };
    let wrapped = format!("<kml{namespaces}>{slice}</kml>");
    let read =
        crate::model::guard::catching(|| KmlReader::<&[u8], f64>::from_string(&wrapped).read());
    let root = match read {
        Ok(Ok(root)) => root,
        Ok(Err(e)) => {
            collector.skip(index, &place, &at(format!("it cannot be read as KML: {e}")));
            return;
        }
        Err(_) => {
            collector.skip(index, &place, &at("the KML reader failed on it".to_owned()));
            return;
        }
    };
    let mut found = Vec::new();
    walk(&root, &mut Vec::new(), &mut found, &mut None);
    match found.first() {
        Some((placemark, _)) => add_placemark(collector, index, placemark, &span.folders),
        None => collector.skip(index, &place, &at("it holds no placemark".to_owned())),
    }
}

/// Adds a placemark read by the KML reader, or skips it when its geometry cannot be drawn.
fn add_placemark(
    collector: &mut Collector,
    index: usize,
    placemark: &Placemark<f64>,
    folders: &[String],
) {
    let place = placemark
        .name
        .as_deref()
        .map(|n| format!("placemark {:?}", n.trim()))
        .unwrap_or_default();
    let mut doubts = Vec::new();
    let geometry = match &placemark.geometry {
        Some(g) => convert(g, &mut doubts),
        None => Err("the placemark has no geometry".to_owned()),
    };
    let geometry = match geometry {
        Ok(g) => g,
        Err(reason) => {
            collector.skip(index, &place, &reason);
            return;
        }
    };
    let properties = properties(placemark, folders);
    if collector.push(index, &place, geometry, properties, None) {
        for doubt in doubts {
            collector.warn(index, doubt);
        }
    }
}

/// Collects the Placemarks in document order with the Folder names above each, and the
/// Document's name.
fn walk<'a>(
    kml: &'a Kml<f64>,
    folders: &mut Vec<String>,
    out: &mut Vec<(&'a Placemark<f64>, Vec<String>)>,
    document_name: &mut Option<String>,
) {
    match kml {
        Kml::KmlDocument(d) => {
            for e in &d.elements {
                walk(e, folders, out, document_name);
            }
        }
        Kml::Document { elements, .. } => {
            for e in elements {
                if let Kml::Element(Element {
                    name,
                    content: Some(content),
                    ..
                }) = e
                    && name == "name"
                    && document_name.is_none()
                {
                    *document_name = Some(content.trim().to_owned());
                }
                walk(e, folders, out, document_name);
            }
        }
        Kml::Folder(folder) => {
            let named = folder
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            if let Some(n) = named {
                folders.push(n.to_owned());
            }
            for e in &folder.elements {
                walk(e, folders, out, document_name);
            }
            if named.is_some() {
                folders.pop();
            }
        }
        Kml::Placemark(p) => out.push((p, folders.clone())),
        _ => {}
    }
}

fn properties(placemark: &Placemark<f64>, folders: &[String]) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut text = |key: &str, value: &str| {
        let value = value.trim();
        let value = if value.is_empty() {
            Value::Null
        } else {
            Value::String(value.to_owned())
        };
        properties.entry(key.to_owned()).or_insert(value);
    };
    if let Some(name) = &placemark.name {
        text("name", name);
    }
    if let Some(description) = &placemark.description {
        text("description", description);
    }
    if !folders.is_empty() {
        text("folder", &folders.join(" / "));
    }
    for child in placemark
        .children
        .iter()
        .filter(|c| c.name == "ExtendedData")
    {
        for data in &child.children {
            match data.name.as_str() {
                // <Data name="k"><value>v</value></Data>
                "Data" => {
                    if let Some(key) = data.attrs.get("name") {
                        let value = data
                            .children
                            .iter()
                            .find(|c| c.name == "value")
                            .and_then(|c| c.content.as_deref())
                            .unwrap_or_default();
                        text(key, value);
                    }
                }
                // <SchemaData><SimpleData name="k">v</SimpleData></SchemaData>
                "SchemaData" => {
                    for simple in data.children.iter().filter(|c| c.name == "SimpleData") {
                        if let Some(key) = simple.attrs.get("name") {
                            text(key, simple.content.as_deref().unwrap_or_default());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(id) = placemark.attrs.get("id") {
        text("id", id);
    }
    properties
}

/// A KML geometry as a `geo` one; `doubts` gathers what was repaired on the way.
fn convert(
    geometry: &Geometry<f64>,
    doubts: &mut Vec<String>,
) -> Result<geo::Geometry<f64>, String> {
    use geo::Geometry as G;
    let coords = |c: &[::kml::types::Coord<f64>]| -> Vec<geo::Coord<f64>> {
        c.iter().map(|c| geo::coord! { x: c.x, y: c.y }).collect()
    };
    match geometry {
        Geometry::Point(p) => Ok(G::Point(geo::Point::new(p.coord.x, p.coord.y))),
        Geometry::LineString(l) => {
            if l.coords.len() < 2 {
                return Err(format!(
                    "a line has {} position(s); a line needs at least 2",
                    l.coords.len()
                ));
            }
            Ok(G::LineString(geo::LineString(coords(&l.coords))))
        }
        Geometry::LinearRing(r) => Ok(G::LineString(ring(r, doubts)?)),
        Geometry::Polygon(p) => {
            let exterior = ring(&p.outer, doubts)?;
            let interiors = p
                .inner
                .iter()
                .map(|r| ring(r, doubts))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(G::Polygon(geo::Polygon::new(exterior, interiors)))
        }
        Geometry::MultiGeometry(m) => {
            let parts = m
                .geometries
                .iter()
                .map(|g| convert(g, doubts))
                .collect::<Result<Vec<_>, _>>()?;
            super::combine(parts).ok_or_else(|| "its MultiGeometry is empty".to_owned())
        }
        Geometry::Element(e) => Err(format!(
            "its geometry is a <{}>, which this viewer cannot draw",
            e.name
        )),
        _ => Err("its geometry is of a kind this viewer cannot draw".to_owned()),
    }
}

/// A ring of at least four positions; one left open is closed, with a doubt.
fn ring(r: &LinearRing<f64>, doubts: &mut Vec<String>) -> Result<geo::LineString<f64>, String> {
    let mut coords: Vec<geo::Coord<f64>> = r
        .coords
        .iter()
        .map(|c| geo::coord! { x: c.x, y: c.y })
        .collect();
    if coords.first() != coords.last() {
        if let Some(first) = coords.first().copied() {
            coords.push(first);
        }
        doubts.push("a polygon ring was not closed; it was closed to load".to_owned());
    }
    if coords.len() < 4 {
        return Err(format!(
            "a polygon ring has {} positions; a ring needs at least 4",
            coords.len()
        ));
    }
    Ok(geo::LineString(coords))
}
