//! Reading GeoJSON into a feature store, with errors that name the file and the place in it.
//!
//! A problem with the whole file (unreadable, not JSON, not GeoJSON, metres instead of degrees)
//! refuses the file. A problem in one feature skips that feature with a warning.
//!
//! A FeatureCollection, and a GeoJSON text sequence (records led by the RS byte, RFC 8142, or
//! one feature per line), are read as a stream on every core (see `stream`), each feature
//! parsed straight into the store (see `feature`); anything else, and a file with a syntax
//! error, through a document tree, which places the error. The checks that need the whole
//! feature set or cost the most (geometry validity, repeated ids) can wait until the map is
//! drawn: [`read`] leaves them to [`deferred_checks`]; [`load_path`] and [`load_str`] make them.

/// Makes `$seed`, its own serde visitor, a seed that reads any value with itself.
macro_rules! seed_visits_any {
    ($seed:ty) => {
        impl<'de> serde::de::DeserializeSeed<'de> for $seed {
            type Value = <Self as serde::de::Visitor<'de>>::Value;

            fn deserialize<D: serde::de::Deserializer<'de>>(
                self,
                de: D,
            ) -> Result<Self::Value, D::Error> {
                de.deserialize_any(self)
            }
        }
    };
}

/// A visitor's methods for a scalar (a boolean, a number, a string), each answering with its
/// expression: one for all, or one for each kind.
#[rustfmt::skip]
macro_rules! scalars_answer {
    ($answer:expr) => {
        scalars_answer!(boolean: $answer, number: $answer, string: $answer);
    };
    (boolean: $boolean:expr, number: $number:expr, string: $string:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> { Ok($boolean) }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> { Ok($number) }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> { Ok($number) }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> { Ok($number) }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> { Ok($string) }
    };
}

mod blocks;
mod feature;
mod geometry;
mod stream;
mod structure;
mod tree;

use super::loader::Progress;
use super::{LoadError, LoadWarning, Loaded, Reprojection};
use crate::model::store::{FeatureStore, StoreBuilder};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use stream::{Source, Stop};
use tree::{read_tree, reprojection_from_crs_member, skip_reason, strip_position};

/// Why a read stopped without a layer.
#[derive(Debug)]
pub enum Stopped {
    Refused(LoadError),
    Cancelled,
}

/// Reads a GeoJSON file (or GeoJSON text sequence) from disk, every check made.
pub fn load_path(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    super::check_path(path, max_bytes)?;
    let file = path.display().to_string();
    load_checked(&file, Source::File(path), false)
}

/// Reads GeoJSON text, every check made; `file` names it in messages. A text that starts with
/// the RS byte, or whose first line is a whole feature with more after it, is read as a text
/// sequence.
pub fn load_str(file: &str, text: &str) -> Result<Loaded, LoadError> {
    load_checked(file, Source::Bytes(text.as_bytes()), false)
}

/// Reads a GeoJSON text sequence, every check made.
pub fn load_seq_str(file: &str, text: &str) -> Result<Loaded, LoadError> {
    load_checked(file, Source::Bytes(text.as_bytes()), true)
}

/// Reads a GeoJSON file (`sequence`: a text sequence) with progress and Cancel, leaving the
/// checks that can wait to [`deferred_checks`].
pub fn read(
    path: &Path,
    sequence: bool,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, Stopped> {
    let file = path.display().to_string();
    read_streamed(&file, Source::File(path), sequence, progress, cancel)
}

/// Reads `source` (`sequence`: a text sequence) with no progress shown, every check made.
fn load_checked(file: &str, source: Source<'_>, sequence: bool) -> Result<Loaded, LoadError> {
    let never = AtomicBool::new(false);
    let read = read_streamed(file, source, sequence, &Progress::default(), &never);
    let mut loaded = match read {
        Ok(loaded) => loaded,
        Err(Stopped::Refused(e)) => return Err(e),
        // Nothing cancels these reads.
        Err(Stopped::Cancelled) => {
            return Err(LoadError::Io {
                file: file.to_owned(),
                source: std::io::ErrorKind::Interrupted.into(),
            });
        }
    };
    super::finish_checks(file, &mut loaded, !sequence);
    Ok(loaded)
}

/// The checks a read leaves for later: each geometry's validity (geo's rules), and, in a
/// collection (`ids`), ids that repeat.
pub fn deferred_checks(file: &str, store: &FeatureStore, ids: bool) -> Vec<LoadWarning> {
    use rayon::prelude::*;
    let ids_in_order: Vec<_> = store.ids().collect();
    let mut warnings: Vec<LoadWarning> = ids_in_order
        .par_iter()
        .with_min_len(64)
        .filter_map(|&id| {
            let f = store.get(id)?;
            if f.geom_kind() == crate::model::store::geometry::GeomKind::Point {
                return None;
            }
            let problem = crate::model::guard::geometry_problems(&f.lonlat())
                .into_iter()
                .next()?;
            Some(LoadWarning {
                file: file.to_owned(),
                feature_index: Some(f.file_index()),
                message: format!(
                    "its geometry is invalid ({problem}); it is kept, but areas and fills may be wrong"
                ),
            })
        })
        .collect();
    if ids {
        warnings.extend(repeated_ids(file, store));
    }
    warnings.sort_by_key(|w| w.feature_index);
    warnings
}

/// A warning for each feature whose `id` (as text) repeats an earlier one's. The ids are sorted,
/// not hashed as strings: whole numbers as numbers, strings as the layer's interned text, so a
/// million ids cost a sort of 16-byte keys.
fn repeated_ids(file: &str, store: &FeatureStore) -> Vec<LoadWarning> {
    use crate::model::store::attributes::AttrValue;
    let mut numbers: Vec<(i64, usize)> = Vec::new();
    let mut texts: Vec<(std::borrow::Cow<'_, str>, usize)> = Vec::new();
    for f in store.iter() {
        let index = f.file_index();
        match f.get("id") {
            None | Some(AttrValue::Null) | Some(AttrValue::Str("")) => {}
            Some(AttrValue::Int(i)) => numbers.push((i, index)),
            Some(AttrValue::Str(s)) => match s.parse::<i64>() {
                Ok(i) if i.to_string() == s => numbers.push((i, index)),
                _ => texts.push((std::borrow::Cow::Borrowed(s), index)),
            },
            Some(other) => {
                if let Some(text) = other.text() {
                    texts.push((std::borrow::Cow::Owned(text), index));
                }
            }
        }
    }
    numbers.sort_unstable();
    texts.sort_unstable();
    let mut warnings = Vec::new();
    let mut repeats = |groups: &mut dyn Iterator<Item = (String, usize, usize)>| {
        for (id, first, index) in groups {
            warnings.push(LoadWarning {
                file: file.to_owned(),
                feature_index: Some(index),
                message: format!("id {id} repeats the id of feature {first}; both are kept"),
            });
        }
    };
    let mut number_groups = numbers.chunk_by(|a, b| a.0 == b.0).flat_map(|g| {
        g[1..]
            .iter()
            .map(move |&(id, index)| (id.to_string(), g[0].1, index))
    });
    repeats(&mut number_groups);
    let mut text_groups = texts.chunk_by(|a, b| a.0 == b.0).flat_map(|g| {
        g[1..]
            .iter()
            .map(move |(id, index)| (id.to_string(), g[0].1, *index))
    });
    repeats(&mut text_groups);
    warnings
}

/// Streams the text when it can, else reads it through a tree.
fn read_streamed(
    file: &str,
    source: Source<'_>,
    sequence: bool,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, Stopped> {
    let streamed = if sequence || starts_with_record_separator(source) {
        stream::read_sequence(file, source, progress, cancel)
    } else {
        stream::read_collection(file, source, None, progress, cancel)
    };
    let refuse = |e: LoadError| Err(Stopped::Refused(e));
    match streamed {
        Ok(s) => {
            let count = s.features;
            let no_features = if sequence || starts_with_record_separator(source) {
                "the sequence has no features"
            } else {
                "the collection has no features"
            };
            let mut warnings = s.warnings;
            if count == 0 {
                warnings.insert(
                    0,
                    LoadWarning {
                        file: file.to_owned(),
                        feature_index: None,
                        message: no_features.to_owned(),
                    },
                );
            }
            loaded(
                file,
                s.name,
                s.builder,
                warnings,
                s.reprojection.as_ref(),
                count,
                s.metres_example,
            )
            .map_err(Stopped::Refused)
        }
        Err(Stop::Cancelled) => Err(Stopped::Cancelled),
        Err(Stop::Io(source)) => refuse(LoadError::Io {
            file: file.to_owned(),
            source,
        }),
        Err(Stop::Utf8(line, column)) => refuse(LoadError::Json {
            file: file.to_owned(),
            line,
            column,
            message: "the text is not valid UTF-8".to_owned(),
        }),
        Err(Stop::Refused(e)) => refuse(e),
        Err(Stop::Unusual | Stop::CrsAfterFeatures) => {
            let bytes = match source {
                Source::Bytes(b) => std::borrow::Cow::Borrowed(b),
                Source::File(p) => match std::fs::read(p) {
                    Ok(b) => std::borrow::Cow::Owned(b),
                    Err(source) => {
                        return refuse(LoadError::Io {
                            file: file.to_owned(),
                            source,
                        });
                    }
                },
            };
            // The stream checked the text is UTF-8 up to where it stopped; the tree needs all.
            let text = match std::str::from_utf8(&bytes) {
                Ok(t) => t,
                Err(e) => {
                    let (line, column) = super::line_column(&bytes, e.valid_up_to());
                    return refuse(LoadError::Json {
                        file: file.to_owned(),
                        line,
                        column,
                        message: "the text is not valid UTF-8".to_owned(),
                    });
                }
            };
            read_tree(file, text, progress, cancel)
        }
    }
}

/// Whether the text starts (after white space) with the RS byte of a text sequence.
fn starts_with_record_separator(source: Source<'_>) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 64];
    let n = match source {
        Source::Bytes(b) => {
            let n = b.len().min(64);
            head[..n].copy_from_slice(&b[..n]);
            n
        }
        Source::File(p) => std::fs::File::open(p)
            .and_then(|mut f| f.read(&mut head))
            .unwrap_or(0),
    };
    let head = head[..n]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&head[..n]);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&0x1e)
}

/// What a read gave, with the file's own warnings first; a file whose every feature was in
/// metres is refused.
fn loaded(
    file: &str,
    name: Option<String>,
    builder: StoreBuilder,
    mut warnings: Vec<LoadWarning>,
    reprojection: Option<&Reprojection>,
    _count: usize,
    metres_example: Option<String>,
) -> Result<Loaded, LoadError> {
    if builder.is_empty()
        && let Some(example) = metres_example
    {
        return Err(LoadError::Metres {
            file: file.to_owned(),
            example,
        });
    }
    if let Some(r) = reprojection {
        warnings.insert(
            0,
            LoadWarning {
                file: file.to_owned(),
                feature_index: None,
                message: format!(
                    "reprojected from {} to WGS84 longitude/latitude, as its \"crs\" member says",
                    r.name
                ),
            },
        );
    }
    Ok(Loaded {
        name,
        features: builder.finish(),
        warnings,
        follows_view: None,
    })
}
