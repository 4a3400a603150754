//! A KML text checked to be well-formed XML with a <kml> root, the place of a fault given as
//! line and column, and where each Placemark lies in it.

use crate::io::LoadError;

pub(super) const EMPTY_POINT: &str =
    "a <Point> has no position: its <coordinates> is missing or empty";

/// Where each Placemark lies in the text, and what the text around it gives it.
#[derive(Debug, Default)]
pub(super) struct Layout {
    pub(super) placemarks: Vec<PlacemarkSpan>,
    /// The root element's namespace declarations, for a placemark read on its own.
    pub(super) root_namespaces: String,
}

#[derive(Debug)]
pub(super) struct PlacemarkSpan {
    pub(super) span: std::ops::Range<usize>,
    /// The names of the Folders it sits in, outermost first.
    pub(super) folders: Vec<String>,
    pub(super) name: Option<String>,
    /// Where a <Point> in it without a position starts (line, column).
    pub(super) empty_point: Option<(usize, usize)>,
}

/// Whose name a <name> element gives.
enum Named {
    Folder,
    Placemark,
}

/// An element's text, its entities resolved, trimmed.
pub(super) fn element_text(t: &[u8]) -> String {
    let raw = String::from_utf8_lossy(t);
    quick_xml::escape::unescape(&raw)
        .map_or_else(|_| raw.trim().to_owned(), |u| u.trim().to_owned())
}

/// The `xmlns` attributes of a start tag, as they are written.
fn namespaces(e: &quick_xml::events::BytesStart<'_>) -> String {
    e.attributes()
        .flatten()
        .filter(|a| a.key.as_ref().starts_with(b"xmlns"))
        .map(|a| {
            format!(
                " {}=\"{}\"",
                String::from_utf8_lossy(a.key.as_ref()),
                String::from_utf8_lossy(&a.value)
            )
        })
        .collect()
}

/// Checks that `text` is well-formed XML whose root element is KML; the place of a fault is
/// given as line and column. Gives where each Placemark lies.
pub(super) fn check_xml(file: &str, text: &str) -> Result<Layout, LoadError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    let mut layout = Layout::default();
    // The placemark being read: its span's start, the depth it opened at, and its name.
    let mut placemark: Option<(usize, usize)> = None;
    // Folder names, by the depth of their <Folder>.
    let mut folders: Vec<(usize, Option<String>)> = Vec::new();
    // Whose <name> is being read, and its text so far.
    let mut naming: Option<Named> = None;
    let mut name_text: Vec<u8> = Vec::new();
    let at = |offset: u64| crate::io::line_column(text.as_bytes(), offset as usize);
    let syntax = |offset: u64, message: String| {
        let (line, column) = at(offset);
        LoadError::Syntax {
            file: file.to_owned(),
            line,
            column,
            format: "XML",
            message,
        }
    };
    // The kml crate panics on a <Point> whose last <coordinates> holds no position, so such a
    // placemark is found here, with its place: (where the point starts, whether its last
    // <coordinates> so far holds a position) and whether a <coordinates> is being read.
    let mut point: Option<(u64, Option<bool>)> = None;
    let mut in_coordinates = false;
    loop {
        let offset = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if root.is_none() {
                    root = Some(name.clone());
                    layout.root_namespaces = namespaces(&e);
                }
                match name.as_str() {
                    "Placemark" if placemark.is_none() => {
                        placemark = Some((offset as usize, open.len()));
                        layout.placemarks.push(PlacemarkSpan {
                            span: offset as usize..offset as usize,
                            folders: folders.iter().filter_map(|(_, n)| n.clone()).collect(),
                            name: None,
                            empty_point: None,
                        });
                    }
                    "Folder" => folders.push((open.len(), None)),
                    "name" => {
                        // A name right under a Folder or the Placemark being read.
                        naming = match open.last().map(String::as_str) {
                            Some("Folder") => Some(Named::Folder),
                            Some("Placemark") => Some(Named::Placemark),
                            _ => None,
                        };
                        name_text.clear();
                    }
                    _ => {}
                }
                match (name.as_str(), &mut point) {
                    ("Point", None) => point = Some((offset, None)),
                    ("coordinates", Some((_, held))) => {
                        *held = Some(false);
                        in_coordinates = true;
                    }
                    _ => {}
                }
                open.push(name);
            }
            Ok(Event::Text(t)) if naming.is_some() => name_text.extend_from_slice(&t),
            Ok(Event::CData(t)) if naming.is_some() => {
                name_text.extend_from_slice(
                    quick_xml::escape::escape(String::from_utf8_lossy(&t)).as_bytes(),
                );
            }
            Ok(Event::GeneralRef(r)) if naming.is_some() => {
                name_text.push(b'&');
                name_text.extend_from_slice(&r);
                name_text.push(b';');
            }
            Ok(Event::Text(t)) if in_coordinates => {
                let bytes: &[u8] = &t;
                if !bytes.iter().all(u8::is_ascii_whitespace)
                    && let Some((_, held)) = &mut point
                {
                    *held = Some(true);
                }
            }
            Ok(Event::CData(t)) if in_coordinates => {
                let bytes: &[u8] = &t;
                if !bytes.iter().all(u8::is_ascii_whitespace)
                    && let Some((_, held)) = &mut point
                {
                    *held = Some(true);
                }
            }
            Ok(Event::GeneralRef(r)) if in_coordinates => {
                // A character reference to white space adds no position; any other reference
                // is text (or an error the kml crate reports).
                let blank = matches!(r.resolve_char_ref(), Ok(Some(c)) if c.is_whitespace());
                if !blank && let Some((_, held)) = &mut point {
                    *held = Some(true);
                }
            }
            Ok(Event::End(e)) if point.is_some() => {
                open.pop();
                in_coordinates = false;
                if e.local_name().as_ref() == b"Point"
                    && let Some((start, held)) = point.take()
                    && held != Some(true)
                {
                    let (line, column) = at(start);
                    match layout.placemarks.last_mut().filter(|_| placemark.is_some()) {
                        Some(span) => {
                            span.empty_point.get_or_insert((line, column));
                        }
                        None => {
                            return Err(LoadError::Syntax {
                                file: file.to_owned(),
                                line,
                                column,
                                format: "KML",
                                message: EMPTY_POINT.to_owned(),
                            });
                        }
                    }
                }
            }
            Ok(Event::Empty(e)) => {
                root.get_or_insert_with(|| {
                    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
                });
            }
            Ok(Event::End(e)) => {
                open.pop();
                let name = e.local_name();
                if name.as_ref() == b"name"
                    && let Some(named) = naming.take()
                {
                    let text = element_text(&name_text);
                    match named {
                        Named::Folder => {
                            if let Some(last) = folders.last_mut() {
                                last.1 = Some(text).filter(|t| !t.is_empty());
                            }
                        }
                        Named::Placemark => {
                            if let Some(span) = layout.placemarks.last_mut()
                                && span.name.is_none()
                            {
                                span.name = Some(text);
                            }
                        }
                    }
                } else if name.as_ref() == b"Placemark"
                    && let Some((_, depth)) = placemark
                    && depth == open.len()
                {
                    placemark = None;
                    if let Some(span) = layout.placemarks.last_mut() {
                        span.span.end = reader.buffer_position() as usize;
                    }
                } else if name.as_ref() == b"Folder"
                    && folders
                        .last()
                        .is_some_and(|(depth, _)| *depth == open.len())
                {
                    folders.pop();
                }
            }
            Ok(Event::Text(t)) if root.is_none() || open.is_empty() => {
                let bytes: &[u8] = &t;
                if !bytes.iter().all(u8::is_ascii_whitespace) {
                    let hint = if text.trim_start().starts_with(['{', '[']) {
                        " (the text looks like GeoJSON, not KML)"
                    } else {
                        ""
                    };
                    return Err(syntax(
                        reader.buffer_position().saturating_sub(t.len() as u64),
                        format!("text outside any element{hint}"),
                    ));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(syntax(reader.error_position(), e.to_string())),
        }
    }
    if let Some(unclosed) = open.last() {
        return Err(syntax(
            text.len() as u64,
            format!("the document ends inside <{unclosed}>; the file may be cut short"),
        ));
    }
    match root.as_deref() {
        None => Err(LoadError::NotFormat {
            file: file.to_owned(),
            format: "KML",
            message: "it has no XML elements".to_owned(),
        }),
        Some("kml" | "Document" | "Folder" | "Placemark") => Ok(layout),
        Some(other) => Err(LoadError::NotFormat {
            file: file.to_owned(),
            format: "KML",
            message: format!("its root element is <{other}>, not <kml>"),
        }),
    }
}
