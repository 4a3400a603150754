//! A GeoJSON FeatureCollection, or a text sequence, read as a stream: one thread reads the file
//! in blocks, checks that it is UTF-8 and cuts it at feature boundaries (tracking strings and
//! brackets, nothing more); worker threads on every core parse batches of features straight
//! into stores of their own (see `feature`); the batches are joined in file order as they
//! come. Memory holds a few blocks of the file, not the file.
//!
//! Anything unusual (a syntax error, a root that is not a FeatureCollection, a member the
//! stream cannot place) stops the stream and hands the file to the reader that builds a
//! document tree (`super::read_tree`), so the messages stay exactly those it gives.

use super::blocks::{Blocks, trim, trim_start};
use super::feature::{FeatureReader, Outcome};
use crate::io::GeometryProblem as Problem;
use crate::io::loader::Progress;
use crate::io::{LoadError, LoadWarning, Reprojection};
use crate::model::store::StoreBuilder;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// How much feature text a batch holds before it goes to a worker: large enough that a
/// worker's setup is nothing beside it, small enough that every core gets several.
const BATCH_BYTES: usize = 1 << 20;

/// Where the text comes from.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

impl<'a> Source<'a> {
    /// The text's length in bytes (0 when it cannot be told).
    fn size(&self) -> u64 {
        match *self {
            Source::Bytes(b) => b.len() as u64,
            Source::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        }
    }

    fn open(&self) -> std::io::Result<Box<dyn Read + 'a>> {
        Ok(match *self {
            Source::Bytes(b) => Box::new(b),
            Source::File(p) => Box::new(std::fs::File::open(p)?),
        })
    }

    /// The text in blocks, past the byte-order mark that may lead it.
    fn blocks<'b>(&self, progress: &'b Progress, cancel: &'b AtomicBool) -> Result<Blocks<'b>, Stop>
    where
        'a: 'b,
    {
        let mut blocks = Blocks::new(self.open().map_err(Stop::Io)?, progress, cancel);
        blocks.skip_byte_order_mark()?;
        Ok(blocks)
    }
}

/// Why the stream stopped before the end.
pub(super) enum Stop {
    Io(std::io::Error),
    /// The text is not UTF-8 from this 1-based line and column.
    Utf8(usize, usize),
    Cancelled,
    /// Not a case the stream reads: read the file as a document tree.
    Unusual,
    /// The file names a coordinate system only after its features: read it again knowing it.
    CrsAfterFeatures,
    Refused(LoadError),
}

/// What the stream read.
pub(super) struct Streamed {
    pub name: Option<String>,
    pub builder: StoreBuilder,
    pub warnings: Vec<LoadWarning>,
    /// How many features (kept or skipped) the file has.
    pub features: usize,
    pub metres_example: Option<String>,
    pub reprojection: Option<Reprojection>,
}

/// A batch of feature texts for a worker: `data[ranges[i]]` is the text of feature
/// `first + i`, or of a record starting on line `lines[i]` (text sequences).
struct Batch {
    seq: usize,
    data: Vec<u8>,
    ranges: Vec<Range<usize>>,
    lines: Vec<usize>,
}

/// What a worker made of a batch: feature indices in it are relative to the batch.
struct Parsed {
    seq: usize,
    /// The batch's text, in bytes.
    bytes: usize,
    builder: StoreBuilder,
    /// (index in the batch, message)
    warnings: Vec<(usize, String)>,
    /// Feature indices the batch used.
    count: usize,
    metres_example: Option<String>,
    syntax_error: bool,
}

/// Parses a batch: each text a feature (a collection's), or a record (a text sequence).
fn parse(batch: Batch, reprojection: Option<&Reprojection>, records: bool) -> Parsed {
    let mut reader = FeatureReader::new(reprojection);
    let mut warnings = Vec::new();
    let mut metres_example = None;
    let mut count = 0;
    let mut syntax_error = false;
    for (n, range) in batch.ranges.iter().enumerate() {
        let text = &batch.data[range.clone()];
        let outcomes: Vec<(usize, Result<Outcome, String>)> = if records {
            let line = batch.lines.get(n).copied().unwrap_or(0);
            record_outcomes(&mut reader, text, &mut count, line)
        } else {
            let index = count;
            count += 1;
            match reader.read(text, index) {
                Ok(outcome) => vec![(index, Ok(outcome))],
                Err(_) => {
                    syntax_error = true;
                    break;
                }
            }
        };
        for (index, outcome) in outcomes {
            match outcome {
                Ok(Outcome::Kept(doubts)) => {
                    warnings.extend(doubts.into_iter().map(|d| (index, d)));
                }
                Ok(Outcome::Skipped(Problem::Metres(example))) => {
                    let message = format!(
                        "{}coordinates look like metres ({example}), not longitude/latitude",
                        line_prefix(records, &batch, n)
                    );
                    metres_example.get_or_insert(example);
                    warnings.push((index, format!("skipped: {message}")));
                }
                Ok(Outcome::Skipped(Problem::Other(message))) => {
                    let line = line_prefix(records, &batch, n);
                    // The stream's reason, in the words the tree reader gives it.
                    let text = &batch.data[range.clone()];
                    let message = super::skip_reason(text, reprojection).unwrap_or(message);
                    warnings.push((index, format!("skipped: {line}{message}")));
                }
                Err(message) => warnings.push((index, format!("skipped: {message}"))),
            }
        }
    }
    Parsed {
        seq: batch.seq,
        bytes: batch.data.len(),
        builder: reader.builder,
        warnings,
        count,
        metres_example,
        syntax_error,
    }
}

fn line_prefix(records: bool, batch: &Batch, n: usize) -> String {
    if records {
        format!("line {}: ", batch.lines.get(n).copied().unwrap_or(0))
    } else {
        String::new()
    }
}

/// A text sequence's record: a Feature, or a FeatureCollection whose features are taken too.
/// Each gets the next index; a record that is not JSON takes one and is skipped.
fn record_outcomes(
    reader: &mut FeatureReader<'_>,
    text: &[u8],
    count: &mut usize,
    line: usize,
) -> Vec<(usize, Result<Outcome, String>)> {
    let mut next = || {
        *count += 1;
        *count - 1
    };
    // A collection in one record is rare: it goes through a tree.
    if memchr_str(text, b"\"FeatureCollection\"") {
        let value: serde_json::Value = match serde_json::from_slice(text) {
            Ok(v) => v,
            Err(e) => {
                return vec![(
                    next(),
                    Err(format!(
                        "line {line}: not valid JSON: {}",
                        super::strip_position(&e.to_string())
                    )),
                )];
            }
        };
        if value.get("type").and_then(serde_json::Value::as_str) == Some("FeatureCollection") {
            let features = value
                .get("features")
                .and_then(serde_json::Value::as_array)
                .cloned()
                .unwrap_or_default();
            return features
                .iter()
                .map(|f| {
                    let index = next();
                    let text = serde_json::to_vec(f).unwrap_or_default();
                    (index, reader.read(&text, index).map_err(|e| e.to_string()))
                })
                .collect();
        }
    }
    let index = next();
    match reader.read(text, index) {
        Ok(outcome) => vec![(index, Ok(outcome))],
        Err(e) => vec![(
            index,
            Err(format!(
                "line {line}: not valid JSON: {}",
                super::strip_position(&e.to_string())
            )),
        )],
    }
}

fn memchr_str(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Reads a FeatureCollection from `source`, or stops where the stream cannot go on.
pub(super) fn read_collection(
    file: &str,
    source: Source<'_>,
    reprojection: Option<Reprojection>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Streamed, Stop> {
    let mut blocks = source.blocks(progress, cancel)?;
    if blocks.skip_ws()? != Some(b'{') {
        return Err(Stop::Unusual);
    }
    blocks.next()?;
    let mut members: Vec<(String, serde_json::Value)> = Vec::new();
    let mut features: Option<Collected> = None;
    let reprojection_known = reprojection.is_some();
    let mut reprojection = reprojection;
    let mut crs_checked = reprojection_known;
    loop {
        match blocks.skip_ws()? {
            Some(b'}') => {
                blocks.next()?;
                break;
            }
            Some(b'"') => {}
            _ => return Err(Stop::Unusual),
        }
        let mut key_text = Vec::new();
        blocks.capture_value(&mut key_text)?;
        let key: String = serde_json::from_slice(&key_text).map_err(|_| Stop::Unusual)?;
        if blocks.skip_ws()? != Some(b':') {
            return Err(Stop::Unusual);
        }
        blocks.next()?;
        let first = blocks.skip_ws()?;
        if members.iter().any(|(k, _)| *k == key) || (key == "features" && features.is_some()) {
            // A member given twice: the tree decides which one counts.
            return Err(Stop::Unusual);
        }
        if key == "features" && first == Some(b'[') {
            if !crs_checked {
                crs_checked = true;
                if let Some((_, crs)) = members.iter().find(|(k, _)| k == "crs") {
                    reprojection =
                        super::reprojection_from_crs_member(file, crs).map_err(Stop::Refused)?;
                }
            }
            features = Some(collect_features(
                &mut blocks,
                reprojection.as_ref(),
                source.size(),
            )?);
        } else {
            let mut text = Vec::new();
            blocks.capture_value(&mut text)?;
            let value: serde_json::Value =
                serde_json::from_slice(&text).map_err(|_| Stop::Unusual)?;
            if key == "crs" && features.is_some() && !reprojection_known {
                return Err(Stop::CrsAfterFeatures);
            }
            members.push((key, value));
        }
        if blocks.next_or_close(b'}')? {
            break;
        }
    }
    if blocks.skip_ws()?.is_some() {
        // Trailing characters: the tree's parser names them.
        return Err(Stop::Unusual);
    }
    let member = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if member("type").and_then(serde_json::Value::as_str) != Some("FeatureCollection") {
        return Err(Stop::Unusual);
    }
    let Some(collected) = features else {
        return Err(Stop::Unusual);
    };
    if collected.syntax_error {
        return Err(Stop::Unusual);
    }
    Ok(Streamed {
        name: member("name")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        warnings: collected.warnings(file),
        builder: collected.builder,
        features: collected.count,
        metres_example: collected.metres_example,
        reprojection,
    })
}

/// Reads a text sequence (a feature a line, or records led by the RS byte) from `source`.
pub(super) fn read_sequence(
    file: &str,
    source: Source<'_>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Streamed, Stop> {
    let mut blocks = source.blocks(progress, cancel)?;
    let rs = blocks.skip_ws()? == Some(0x1e);
    let mut line = 1 + blocks.lines_so_far();
    let collected = run_workers(None, true, source.size(), |send| {
        let mut batch = new_batch(0);
        let mut record: Vec<u8> = Vec::new();
        let mut record_line = line;
        loop {
            let b = blocks.next()?;
            let ends = match b {
                None => true,
                Some(0x1e) if rs => true,
                Some(b'\n') if !rs => true,
                _ => false,
            };
            if let Some(b) = b
                && !(rs && b == 0x1e)
            {
                record.push(b);
            }
            if b == Some(b'\n') {
                line += 1;
            }
            if ends {
                let trimmed = trim(&record);
                if !trimmed.is_empty() {
                    let leading = record.len() - trim_start(&record).len();
                    let first_line =
                        record_line + record[..leading].iter().filter(|&&c| c == b'\n').count();
                    let start = batch.data.len();
                    batch.data.extend_from_slice(trimmed);
                    batch.ranges.push(start..batch.data.len());
                    batch.lines.push(first_line);
                    if batch.data.len() >= BATCH_BYTES {
                        let seq = batch.seq;
                        send(std::mem::replace(&mut batch, new_batch(seq + 1)))?;
                    }
                }
                record.clear();
                record_line = line;
                if b.is_none() {
                    break;
                }
            }
        }
        if !batch.ranges.is_empty() {
            send(batch)?;
        }
        Ok(())
    })?;
    Ok(Streamed {
        name: None,
        warnings: collected.warnings(file),
        builder: collected.builder,
        features: collected.count,
        metres_example: collected.metres_example,
        reprojection: None,
    })
}

fn new_batch(seq: usize) -> Batch {
    Batch {
        seq,
        data: Vec::with_capacity(BATCH_BYTES + (BATCH_BYTES >> 3)),
        ranges: Vec::new(),
        lines: Vec::new(),
    }
}

/// The features of a collection's `features` array (the scanner is at its `[`).
fn collect_features(
    blocks: &mut Blocks<'_>,
    reprojection: Option<&Reprojection>,
    size: u64,
) -> Result<Collected, Stop> {
    blocks.next()?;
    run_workers(reprojection, false, size, |send| {
        let mut batch = new_batch(0);
        loop {
            match blocks.skip_ws()? {
                Some(b']') => {
                    blocks.next()?;
                    break;
                }
                Some(_) => {}
                None => return Err(Stop::Unusual),
            }
            let start = batch.data.len();
            blocks.capture_value(&mut batch.data)?;
            batch.ranges.push(start..batch.data.len());
            if batch.data.len() >= BATCH_BYTES {
                let seq = batch.seq;
                send(std::mem::replace(&mut batch, new_batch(seq + 1)))?;
            }
            if blocks.next_or_close(b']')? {
                break;
            }
        }
        if !batch.ranges.is_empty() {
            send(batch)?;
        }
        Ok(())
    })
}

/// The batches joined in file order.
struct Collected {
    builder: StoreBuilder,
    warnings: Vec<(usize, String)>,
    count: usize,
    metres_example: Option<String>,
    syntax_error: bool,
    /// The text's size, and how much of it the batches joined so far held.
    total_bytes: u64,
    bytes_in: u64,
    reserved: bool,
}

impl Collected {
    fn warnings(&self, file: &str) -> Vec<LoadWarning> {
        self.warnings
            .iter()
            .map(|(index, message)| LoadWarning {
                file: file.to_owned(),
                feature_index: Some(*index),
                message: message.clone(),
            })
            .collect()
    }

    /// Appends a batch's features and warnings after these, its indices moved on by the
    /// features before it.
    fn join(&mut self, parsed: Parsed) {
        let base = self.count;
        let mut builder = parsed.builder;
        for index in &mut builder.file_index {
            *index += base as u32;
        }
        self.builder.append(builder);
        self.warnings
            .extend(parsed.warnings.into_iter().map(|(i, m)| (i + base, m)));
        self.count += parsed.count;
        if self.metres_example.is_none() {
            self.metres_example = parsed.metres_example;
        }
        self.syntax_error |= parsed.syntax_error;
        self.bytes_in += parsed.bytes as u64;
        // Once a few megabytes are in, room for the rest as they suggest it, with a little to
        // spare: growing by doubling would hold up to twice the store, and a copy of it while
        // it grows.
        if !self.reserved && self.bytes_in >= 4 << 20 && self.total_bytes > self.bytes_in {
            self.reserved = true;
            let factor = self.total_bytes as f64 / self.bytes_in as f64 * 1.02;
            let more = |n: usize| ((n as f64) * (factor - 1.0)).ceil() as usize;
            let features = more(self.builder.len());
            let vertices = more(self.builder.geometries.vertex_count());
            self.builder.reserve(features, vertices);
        }
    }
}

/// Runs `produce` on this thread, which hands batches to `send`, while workers on every core
/// parse them; joins the results in order as they come.
fn run_workers(
    reprojection: Option<&Reprojection>,
    records: bool,
    total_bytes: u64,
    produce: impl FnOnce(&mut dyn FnMut(Batch) -> Result<(), Stop>) -> Result<(), Stop>,
) -> Result<Collected, Stop> {
    let mut collected = Collected {
        builder: StoreBuilder::default(),
        warnings: Vec::new(),
        count: 0,
        metres_example: None,
        syntax_error: false,
        total_bytes,
        bytes_in: 0,
        reserved: false,
    };
    // A text of a batch or two is parsed here: threads would cost more than they save.
    if total_bytes < 2 * BATCH_BYTES as u64 {
        produce(&mut |batch: Batch| {
            collected.join(parse(batch, reprojection, records));
            Ok(())
        })?;
        return Ok(collected);
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (send_batch, batches) = std::sync::mpsc::sync_channel::<Batch>(workers * 2);
    let batches = std::sync::Mutex::new(batches);
    let (send_parsed, parsed) = std::sync::mpsc::channel::<Parsed>();
    let mut waiting: std::collections::BTreeMap<usize, Parsed> = Default::default();
    let mut next_seq = 0;
    let produced = std::thread::scope(|s| {
        for _ in 0..workers {
            let batches = &batches;
            let send_parsed = send_parsed.clone();
            s.spawn(move || {
                loop {
                    let batch = match batches.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = batch else { return };
                    if send_parsed
                        .send(parse(batch, reprojection, records))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(send_parsed);
        let mut join_ready =
            |collected: &mut Collected, waiting: &mut std::collections::BTreeMap<usize, Parsed>| {
                while let Some(p) = waiting.remove(&next_seq) {
                    collected.join(p);
                    next_seq += 1;
                }
            };
        let mut send = |batch: Batch| -> Result<(), Stop> {
            for p in parsed.try_iter() {
                waiting.insert(p.seq, p);
            }
            join_ready(&mut collected, &mut waiting);
            send_batch.send(batch).map_err(|_| Stop::Unusual)
        };
        let produced = produce(&mut send);
        drop(send_batch);
        for p in parsed.iter() {
            waiting.insert(p.seq, p);
        }
        join_ready(&mut collected, &mut waiting);
        produced
    });
    produced?;
    Ok(collected)
}
