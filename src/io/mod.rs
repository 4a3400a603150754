//! Opening any supported file: GeoJSON (and GeoJSON text sequences), CSV/TSV, KML/KMZ, ESRI
//! Shapefile (loose or zipped) and GeoPackage, chosen by extension and, where the extension is
//! missing or says too little, by the file's first bytes.
//!
//! Every reader gives the same [`Loaded`] as the GeoJSON reader: features in WGS84
//! longitude/latitude, a warning for each skipped feature (naming its index, and its line or
//! record where that helps), and a [`LoadError`] naming the file when the whole file is refused.

mod collect;
pub mod crs;
pub mod csv;
pub mod embedded;
mod error;
pub mod geojson;
pub mod gpkg;
pub mod kml;
pub mod loader;
pub mod postgis;
pub mod save;
pub mod shapefile;
pub mod text;

pub(crate) use collect::{Collector, GeometryProblem, check_coordinates, check_position, combine};
pub use crs::Reprojection;
pub use error::{LoadError, LoadWarning, Loaded, default_max_file_bytes};
pub(crate) use error::{check_path, line_column, read_capped};

use std::io::Read;
use std::path::Path;

/// The formats [`load_any`] opens, for messages.
pub const SUPPORTED: &str = "GeoJSON (.geojson, .json), GeoJSON text sequences (.geojsonl, .geojsons), CSV/TSV with latitude and longitude or WKT columns (.csv, .tsv, .txt), KML (.kml), KMZ (.kmz), ESRI Shapefile (.shp with .dbf and .prj, or a .zip of them), GeoPackage (.gpkg), PostGIS tables (postgresql://user@host:port/database?table=schema.name)";

/// Which reader a file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    GeoJson,
    GeoJsonSeq,
    Csv { tabs: bool },
    Kml,
    Kmz,
    Shp,
    Zip,
    Gpkg,
}

/// What the first bytes say, when they say anything for certain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniffed {
    Zip,
    Sqlite,
    Shp,
    RecordSeparator,
    Json,
    Xml,
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const SHP_MAGIC: &[u8] = &[0x00, 0x00, 0x27, 0x0a];

fn sniff(head: &[u8]) -> Option<Sniffed> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(Sniffed::Zip);
    }
    if head.starts_with(SQLITE_MAGIC) {
        return Some(Sniffed::Sqlite);
    }
    if head.starts_with(SHP_MAGIC) {
        return Some(Sniffed::Shp);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = text.iter().copied().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(0x1e) => Some(Sniffed::RecordSeparator),
        Some(b'{' | b'[') => Some(Sniffed::Json),
        Some(b'<') => Some(Sniffed::Xml),
        _ => None,
    }
}

/// The reader for a file: the extension decides, except that binary content (zip, SQLite,
/// shapefile) is read as what it is whatever its name, and that an unknown extension, or
/// `.txt`, is decided by the first bytes.
fn choose(extension: &str, head: &[u8]) -> Option<Kind> {
    let sniffed = sniff(head);
    match (sniffed, extension) {
        (Some(Sniffed::Zip), "kmz") => return Some(Kind::Kmz),
        (Some(Sniffed::Zip), _) => return Some(Kind::Zip),
        (Some(Sniffed::Sqlite), _) => return Some(Kind::Gpkg),
        (Some(Sniffed::Shp), _) => return Some(Kind::Shp),
        _ => {}
    }
    let by_extension = match extension {
        "geojson" | "json" => Some(Kind::GeoJson),
        "geojsonl" | "geojsons" | "geojsonseq" | "ndjson" | "jsonl" => Some(Kind::GeoJsonSeq),
        "csv" => Some(Kind::Csv { tabs: false }),
        "tsv" | "tab" => Some(Kind::Csv { tabs: true }),
        "kml" => Some(Kind::Kml),
        "kmz" => Some(Kind::Kmz),
        "shp" => Some(Kind::Shp),
        "zip" => Some(Kind::Zip),
        "gpkg" => Some(Kind::Gpkg),
        _ => None,
    };
    by_extension.or(match sniffed {
        Some(Sniffed::RecordSeparator) => Some(Kind::GeoJsonSeq),
        Some(Sniffed::Json) => Some(Kind::GeoJson),
        Some(Sniffed::Xml) => Some(Kind::Kml),
        _ if looks_like_delimited_text(head) => Some(Kind::Csv { tabs: false }),
        _ => None,
    })
}

/// A first line of text with a comma, semicolon or tab in it.
fn looks_like_delimited_text(head: &[u8]) -> bool {
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let text = match std::str::from_utf8(first_line) {
        Ok(t) => t,
        // The head may end inside a character.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&first_line[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !text
        .chars()
        .any(|c| c.is_control() && c != '\t' && c != '\r')
        && text.contains([',', ';', '\t'])
}

/// Adds the checks a GeoJSON read leaves for later (see `geojson::deferred_checks`) to the
/// warnings, each feature's together.
pub fn finish_checks(file: &str, loaded: &mut Loaded, ids: bool) {
    let later = geojson::deferred_checks(file, &loaded.features, ids);
    loaded.warnings.extend(later);
    loaded.warnings.sort_by_key(|w| w.feature_index);
}

/// What the loader reads of a file before the map can show it: a GeoJSON file leaves its
/// geometry checks for later (`deferred` is then true; see [`finish_checks`]), the other
/// formats make them as they read.
pub struct Opened {
    pub loaded: Loaded,
    pub deferred: bool,
    /// Whether the deferred checks look for repeated ids (a collection's).
    pub ids: bool,
}

/// Reads any supported file as [`load_any`] does, with progress and Cancel, leaving what can
/// wait until the map is drawn.
pub fn read_any(
    path: &Path,
    max_bytes: u64,
    csv_options: Option<&csv::CsvOptions>,
    progress: &loader::Progress,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Opened, geojson::Stopped> {
    use geojson::Stopped;
    let done = |loaded: Result<Loaded, LoadError>| {
        loaded
            .map(|loaded| Opened {
                loaded,
                deferred: false,
                ids: false,
            })
            .map_err(Stopped::Refused)
    };
    if postgis::is_database_url(path) {
        return done(postgis::load_url(path));
    }
    if let Some(options) = csv_options {
        return done(csv::load_path(path, max_bytes, options));
    }
    match kind_of(path, max_bytes).map_err(Stopped::Refused)? {
        kind @ (Kind::GeoJson | Kind::GeoJsonSeq) => {
            let sequence = kind == Kind::GeoJsonSeq;
            geojson::read(path, sequence, progress, cancel).map(|loaded| Opened {
                loaded,
                deferred: true,
                ids: !sequence,
            })
        }
        _ => done(load_any(path, max_bytes)),
    }
}

/// Which reader a file goes to, after the checks every file gets.
fn kind_of(path: &Path, max_bytes: u64) -> Result<Kind, LoadError> {
    let file = path.display().to_string();
    check_path(path, max_bytes)?;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .map_err(|source| LoadError::Io {
            file: file.clone(),
            source,
        })?;
    if head.is_empty() {
        return Err(LoadError::Empty { file });
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let Some(kind) = choose(&extension, &head) else {
        let named = if extension.is_empty() {
            "the name has no extension".to_owned()
        } else {
            format!("the extension .{extension} is not one this viewer reads")
        };
        return Err(LoadError::UnknownFormat {
            file,
            message: format!(
                "cannot tell the format: {named}, and the first bytes match none of the supported formats"
            ),
            supported: SUPPORTED,
        });
    };
    Ok(kind)
}

/// Opens any supported file, choosing the reader by extension and first bytes, every check
/// made. Files over `max_bytes`, directories, empty and unreadable files are refused before
/// parsing, whatever the format.
pub fn load_any(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    if postgis::is_database_url(path) {
        return postgis::load_url(path);
    }
    let file = path.display().to_string();
    match kind_of(path, max_bytes)? {
        kind @ (Kind::GeoJson | Kind::GeoJsonSeq) => {
            let never = std::sync::atomic::AtomicBool::new(false);
            let sequence = kind == Kind::GeoJsonSeq;
            let read = geojson::read(path, sequence, &loader::Progress::default(), &never);
            let mut loaded = match read {
                Ok(loaded) => loaded,
                Err(geojson::Stopped::Refused(e)) => return Err(e),
                Err(geojson::Stopped::Cancelled) => {
                    return Err(LoadError::Io {
                        file,
                        source: std::io::ErrorKind::Interrupted.into(),
                    });
                }
            };
            finish_checks(&file, &mut loaded, !sequence);
            Ok(loaded)
        }
        Kind::Csv { tabs } => {
            let options = csv::CsvOptions {
                delimiter: tabs.then_some(b'\t'),
                ..csv::CsvOptions::default()
            };
            csv::load_path(path, max_bytes, &options)
        }
        Kind::Kml => kml::load_kml_path(path, max_bytes),
        Kind::Kmz => kml::load_kmz_path(path, max_bytes),
        Kind::Shp => shapefile::load_shp_path(path, max_bytes),
        Kind::Zip => load_zip(path, max_bytes),
        Kind::Gpkg => gpkg::load_path(path, max_bytes),
    }
}

/// A zip holds a shapefile or a KML document (a KMZ by another name).
fn load_zip(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let names = zip_names(path, max_bytes)?;
    let has = |ext: &str| {
        names.iter().any(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        })
    };
    if has("shp") {
        shapefile::load_zip_path(path, max_bytes)
    } else if has("kml") {
        kml::load_kmz_path(path, max_bytes)
    } else {
        Err(LoadError::UnknownFormat {
            file,
            message: format!(
                "the zip archive holds no .shp or .kml file (it holds: {})",
                list(&names)
            ),
            supported: SUPPORTED,
        })
    }
}

/// Opens a zip archive whose file is within the cap.
pub(crate) fn open_zip(
    path: &Path,
    max_bytes: u64,
) -> Result<zip::ZipArchive<std::io::Cursor<Vec<u8>>>, LoadError> {
    let file = path.display().to_string();
    let bytes = read_capped(path, max_bytes)?;
    if bytes.is_empty() {
        return Err(LoadError::Empty { file });
    }
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| LoadError::NotFormat {
        file,
        format: "zip",
        message: format!("the archive cannot be opened: {e}"),
    })
}

fn zip_names(path: &Path, max_bytes: u64) -> Result<Vec<String>, LoadError> {
    open_zip(path, max_bytes).map(|archive| zip_entries(&archive))
}

/// The names of a zip archive's members, in the archive's order.
pub(crate) fn zip_entries(archive: &zip::ZipArchive<std::io::Cursor<Vec<u8>>>) -> Vec<String> {
    (0..archive.len())
        .filter_map(|i| archive.name_for_index(i)?.ok().map(|n| n.into_owned()))
        .collect()
}

/// Reads one member of a zip archive, refusing one that unpacks to more than `max_bytes`
/// (whatever its header claims).
pub(crate) fn read_zip_member(
    file: &str,
    archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>,
    name: &str,
    max_bytes: u64,
) -> Result<Vec<u8>, LoadError> {
    let bad = |message: String| LoadError::Invalid {
        file: file.to_owned(),
        message,
    };
    let member = archive
        .by_name(name)
        .map_err(|e| bad(format!("{name} in the archive cannot be read: {e}")))?;
    if member.size() > max_bytes {
        return Err(LoadError::TooLarge {
            file: format!("{file} ({name})"),
            size: member.size(),
            limit: max_bytes,
        });
    }
    let mut bytes = Vec::new();
    member
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| bad(format!("{name} in the archive cannot be unpacked: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(LoadError::TooLarge {
            file: format!("{file} ({name})"),
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(bytes)
}

/// Text as UTF-8, or an error naming the line and column of the first bad byte.
pub(crate) fn utf8<'a>(
    file: &str,
    bytes: &'a [u8],
    format: &'static str,
) -> Result<&'a str, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.strip_prefix('\u{feff}').unwrap_or(t)),
        Err(e) => {
            let (line, column) = line_column(bytes, e.valid_up_to());
            Err(LoadError::Syntax {
                file: file.to_owned(),
                line,
                column,
                format,
                message: "the text is not valid UTF-8".to_owned(),
            })
        }
    }
}

/// A short, quoted list for messages.
/// Items quoted and joined for a message; after 30, how many more.
pub fn list(items: &[String]) -> String {
    const SHOWN: usize = 30;
    let mut out: Vec<String> = items.iter().take(SHOWN).map(|s| format!("{s:?}")).collect();
    if items.len() > SHOWN {
        out.push(format!("and {} more", items.len() - SHOWN));
    }
    if out.is_empty() {
        "none".to_owned()
    } else {
        out.join(", ")
    }
}
