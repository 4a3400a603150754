//! A thread that reads a big table's views as the map moves: it answers the newest view
//! asked for, and a view asked for while a query runs cancels that query on the server, so
//! that a pan never waits for views already left behind.

use super::districts::District;
use super::view::{ServerCell, ViewAnswer, ViewRequest, ViewSession};
use super::{Source, connect};
use crate::io::collect::Collector;
use crate::model::filter::FilterChoices;
use crate::model::layer::Indexed;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one view gave: its features, indexed, or its rows counted in squares.
pub struct ViewContent {
    pub request: ViewRequest,
    pub features: Indexed,
    pub cells: Vec<ServerCell>,
    /// How long the server took, from the request to the answer decoded.
    pub took: Duration,
    /// Whether the squares came from the counts the database keeps, not a scan.
    pub kept: bool,
}

/// A big table followed view by view; the thread stops when this is dropped.
pub struct ViewFollower {
    pub url: String,
    /// The table's estimated rows.
    pub rows: u64,
    /// Why the last view could not be read, if it could not.
    pub error: Option<String>,
    /// The view asked for last.
    pub asked: Option<ViewRequest>,
    /// Whether a view asked for has not been answered yet.
    pub waiting: bool,
    /// How long the last view took, and whether it came from the counts the database keeps.
    pub last: Option<(Duration, bool)>,
    asked_at: Option<Instant>,
    requests: Sender<ViewRequest>,
    answers: Receiver<Result<ViewContent, String>>,
    running: Arc<Mutex<Option<postgres::CancelToken>>>,
    source: Option<Source>,
    /// The whole table's kinds and numbers, read once on a connection of their own (a scan
    /// of the table, which must not hold up the first view).
    choices: Receiver<Result<FilterChoices, String>>,
    district_counts: Receiver<Result<Vec<(String, usize)>, String>>,
    /// The key of the feature whose full row was asked for last, and the row once read.
    pub full_asked: Option<String>,
    pub full: Option<FullFeature>,
    /// Whether the full row asked for has not been read yet.
    pub full_waiting: bool,
    fulls: (Sender<FullAnswer>, Receiver<FullAnswer>),
}

/// A feature as its table holds it, geometry not simplified (longitude/latitude), properties
/// with its key as `id`.
#[derive(Clone, Debug)]
pub struct FullFeature {
    pub key: String,
    pub geometry: geo::Geometry<f64>,
    pub properties: serde_json::Map<String, serde_json::Value>,
}

type FullAnswer = (String, Result<Option<FullFeature>, String>);

impl ViewFollower {
    /// Starts the thread for the table `url` names; `wake` is called when a view is answered.
    /// Another thread reads the whole table's filter choices, then counts its rows in each
    /// of `districts`.
    pub fn start(
        url: &str,
        rows: u64,
        districts: Vec<District>,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (requests, asked) = channel();
        let (answer, answers) = channel();
        let running = Arc::new(Mutex::new(None));
        let source = Source::parse(url).ok();
        let thread_running = running.clone();
        let thread_source = source.clone();
        let spawned = std::thread::Builder::new()
            .name("database views".to_owned())
            .spawn(move || match thread_source {
                Some(source) => serve(&source, &asked, &answer, &thread_running, &wake),
                None => {
                    let _ = answer.send(Err("the URL cannot be read".to_owned()));
                }
            });
        let (found, choices) = channel();
        let (counted, district_counts) = channel();
        if let Some(source) = source.clone() {
            let _ = std::thread::Builder::new()
                .name("database table summary".to_owned())
                .spawn(move || {
                    let mut session = match ViewSession::open(&source) {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = found.send(Err(e));
                            return;
                        }
                    };
                    let _ = found.send(session.choices());
                    let _ = counted.send(session.district_counts(&districts));
                });
        }
        ViewFollower {
            url: url.to_owned(),
            rows,
            error: spawned.err().map(|e| format!("cannot start a thread: {e}")),
            asked: None,
            waiting: false,
            last: None,
            asked_at: None,
            requests,
            answers,
            running,
            source,
            choices,
            district_counts,
            full_asked: None,
            full: None,
            full_waiting: false,
            fulls: channel(),
        }
    }

    /// How many of the whole table's rows each district holds, once they have been counted.
    pub fn poll_district_counts(&mut self) -> Option<Vec<(String, usize)>> {
        match self.district_counts.try_recv().ok()? {
            Ok(counts) => Some(counts),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// Reads the row stored under `key` whole (a view holds it simplified), on a connection
    /// of its own, unless it was the last asked for; `wake` is called when it is read.
    pub fn ask_full(&mut self, key: &str, wake: impl Fn() + Send + 'static) {
        if self.full_asked.as_deref() == Some(key) {
            return;
        }
        self.full_asked = Some(key.to_owned());
        self.full = None;
        self.full_waiting = true;
        let Some(source) = self.source.clone() else {
            return;
        };
        let (tx, key) = (self.fulls.0.clone(), key.to_owned());
        let _ = std::thread::Builder::new()
            .name("database feature".to_owned())
            .spawn(move || {
                let read = ViewSession::open(&source).and_then(|mut s| s.full_row(&key));
                let full = read.map(|row| {
                    let row = row?;
                    Some(FullFeature {
                        key: key.clone(),
                        geometry: row.geometry.ok()?,
                        properties: row.properties,
                    })
                });
                let _ = tx.send((key, full));
                wake();
            });
    }

    /// The full row asked for last, when it has just been read.
    pub fn poll_full(&mut self) -> Option<&FullFeature> {
        let mut arrived = false;
        while let Ok((key, answer)) = self.fulls.1.try_recv() {
            if self.full_asked.as_deref() != Some(key.as_str()) {
                continue;
            }
            self.full_waiting = false;
            match answer {
                Ok(full) => {
                    arrived = full.is_some();
                    self.full = full;
                }
                Err(e) => self.error = Some(e),
            }
        }
        if arrived { self.full.as_ref() } else { None }
    }

    /// The whole table's filter choices, once they have been read.
    pub fn poll_choices(&mut self) -> Option<FilterChoices> {
        match self.choices.try_recv().ok()? {
            Ok(choices) => Some(choices),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// Asks for `view` unless it is the one asked for last, or a view was asked for less than
    /// `every` ago and is not answered yet (then the caller asks again later); a query still
    /// running for an older view is cancelled.
    pub fn ask(&mut self, view: ViewRequest, every: Duration) {
        if self.asked.as_ref() == Some(&view)
            || (self.waiting && self.asked_at.is_some_and(|t| t.elapsed() < every))
        {
            return;
        }
        self.asked = Some(view.clone());
        self.asked_at = Some(Instant::now());
        self.waiting = true;
        // The running query's token, taken before the new view is sent, so that the new
        // view's own query is never the one cancelled (should the cancel arrive late, the
        // thread runs the view again).
        let token = self.running.lock().ok().and_then(|mut r| r.take());
        let _ = self.requests.send(view);
        if let (Some(token), Some(source)) = (token, &self.source)
            && let Ok(tls) = connect::connector(source)
        {
            // Cancelling is a connection of its own: off the UI thread.
            std::thread::spawn(move || {
                let _ = token.cancel_query(tls);
            });
        }
    }

    /// The newest view answered since the last call, if any.
    pub fn poll(&mut self) -> Option<ViewContent> {
        let mut newest = None;
        while let Ok(answer) = self.answers.try_recv() {
            match answer {
                Ok(content) => {
                    self.waiting = self.asked.as_ref() != Some(&content.request);
                    self.last = Some((content.took, content.kept));
                    self.error = None;
                    newest = Some(content);
                }
                Err(e) => {
                    self.waiting = false;
                    self.error = Some(e);
                }
            }
        }
        newest
    }
}

fn serve(
    source: &Source,
    asked: &Receiver<ViewRequest>,
    answer: &Sender<Result<ViewContent, String>>,
    running: &Mutex<Option<postgres::CancelToken>>,
    wake: &impl Fn(),
) {
    let mut connection: Option<ViewSession> = None;
    let mut again = None;
    loop {
        let mut request = match again.take() {
            Some(r) => r,
            None => match asked.recv() {
                Ok(r) => r,
                Err(_) => return,
            },
        };
        // Only the newest view matters.
        while let Ok(newer) = asked.try_recv() {
            request = newer;
        }
        let start = Instant::now();
        if connection.is_none() {
            match ViewSession::open(source) {
                Ok(c) => connection = Some(c),
                Err(e) => {
                    let _ = answer.send(Err(e));
                    wake();
                    continue;
                }
            }
        }
        let Some(session) = &mut connection else {
            continue;
        };
        if let Ok(mut r) = running.lock() {
            *r = Some(session.cancel_token());
        }
        let result = session.query(&request);
        if let Ok(mut r) = running.lock() {
            *r = None;
        }
        let content = match result {
            Ok(answer) => content(source, request, answer, start),
            // Cancelled for a newer view: that one is next (or, if the cancel was meant for
            // a query already done, this one again).
            Err(e)
                if e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED)
                    && !e
                        .as_db_error()
                        .is_some_and(|d| d.message().contains("statement timeout")) =>
            {
                again = Some(request);
                continue;
            }
            Err(e) => {
                // A lost connection (closed, or reset under the query: the error's kind then
                // says I/O) is made again for the next view.
                if e.is_closed() || session.is_closed() {
                    connection = None;
                }
                Err(connect::describe(source, &e, true))
            }
        };
        if answer.send(content).is_err() {
            return;
        }
        wake();
    }
}

/// A view's answer made ready to show: rows checked and indexed as a file's features are.
pub(crate) fn content(
    source: &Source,
    request: ViewRequest,
    answer: ViewAnswer,
    start: Instant,
) -> Result<ViewContent, String> {
    let kept = matches!(answer, ViewAnswer::Kept(_));
    let (features, cells) = match answer {
        ViewAnswer::Rows(rows) => {
            let mut collector = Collector::new(&source.label());
            for (i, row) in rows.into_iter().enumerate() {
                match row.geometry {
                    Ok(g) => {
                        collector.push(i, &row.place, g, row.properties, None);
                    }
                    Err(reason) => collector.skip(i, &row.place, &reason),
                }
            }
            let loaded = collector.finish().map_err(|e| e.to_string())?;
            (loaded.features, Vec::new())
        }
        ViewAnswer::Cells(cells) | ViewAnswer::Kept(cells) => {
            (crate::model::store::StoreBuilder::default().finish(), cells)
        }
    };
    Ok(ViewContent {
        request,
        features: Indexed::new(Arc::new(features)),
        cells,
        took: start.elapsed(),
        kept,
    })
}
