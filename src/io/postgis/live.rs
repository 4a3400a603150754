//! A table's changes followed as other clients make them: a trigger (installed only when the
//! user allows it) sends each changed row's key on a LISTEN/NOTIFY channel, and a thread of
//! this app's reads the changed rows by key and hands them on as [`Change`]s.
//!
//! Reading the row again, rather than trusting the notice, makes insert, update and delete
//! one case: a key that comes back is upserted, a key that does not is removed; a burst of
//! notices is read in one query.

use super::table::Table;
use super::{Source, connect, quote};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// The channel every table's trigger notifies on; the payload is `oid key`.
pub const CHANNEL: &str = "karabakh_atlas_changes";
/// The trigger's name on each followed table, and its function's name in the table's schema.
pub const TRIGGER: &str = "karabakh_atlas_notify";

/// What changed in a followed table.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A row inserted or updated, as a feature (geometry in longitude/latitude; the key is
    /// the `id` property).
    Upsert {
        geometry: geo::Geometry<f64>,
        properties: serde_json::Map<String, serde_json::Value>,
    },
    /// A row deleted, or whose geometry can no longer be drawn (`reason` says why), by key.
    Remove { key: String, reason: Option<String> },
    /// Changes may have been missed (the connection was lost and made again): read the table
    /// again.
    Missed,
}

/// Where following a table stands.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveState {
    Connecting,
    /// Listening; changes arrive as they are made.
    Listening,
    /// The table has no change trigger, and the user has not allowed installing one.
    NeedsTrigger,
    /// The connection failed or was lost (why); it is tried again every few seconds.
    Lost(String),
    /// Following cannot work on this table (why), and has stopped.
    Refused(String),
}

enum Event {
    State(LiveState),
    Changes(Vec<Change>),
}

/// A thread following one table; it stops when this is dropped.
pub struct Follower {
    pub url: String,
    pub state: LiveState,
    /// When the last change arrived.
    pub last_change: Option<std::time::SystemTime>,
    events: Receiver<Event>,
    stop: Arc<AtomicBool>,
}

impl Follower {
    /// Starts following the table `url` names; `install` allows creating the trigger when it
    /// is missing. `wake` is called whenever something arrives.
    pub fn start(url: &str, install: bool, wake: impl Fn() + Send + 'static) -> Self {
        let (tx, events) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = stop.clone();
        let thread_url = url.to_owned();
        let spawned = std::thread::Builder::new()
            .name("database changes".to_owned())
            .spawn(move || follow(&thread_url, install, &thread_stop, &tx, &wake));
        let state = match spawned {
            Ok(_) => LiveState::Connecting,
            Err(e) => LiveState::Refused(format!("cannot start a thread: {e}")),
        };
        Follower {
            url: url.to_owned(),
            state,
            last_change: None,
            events,
            stop,
        }
    }

    /// The changes that arrived since the last call; updates [`Follower::state`].
    pub fn poll(&mut self) -> Vec<Change> {
        let mut changes = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            match event {
                Event::State(s) => self.state = s,
                Event::Changes(c) => {
                    self.last_change = Some(std::time::SystemTime::now());
                    changes.extend(c);
                }
            }
        }
        changes
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// How long the thread waits for a notice before it looks whether it should stop.
const WAIT: Duration = Duration::from_millis(200);
/// How long it waits before connecting again after a failure.
const RETRY: Duration = Duration::from_secs(3);

fn follow(url: &str, install: bool, stop: &AtomicBool, tx: &Sender<Event>, wake: &impl Fn()) {
    let send = |event: Event| {
        let sent = tx.send(event).is_ok();
        wake();
        sent
    };
    let source = match Source::parse(url) {
        Ok(s) => s,
        Err(e) => {
            send(Event::State(LiveState::Refused(e)));
            return;
        }
    };
    let mut connected_before = false;
    while !stop.load(Ordering::Relaxed) {
        let outcome = listen(&source, install, stop, connected_before, &send);
        match outcome {
            Ended::Stopped => return,
            Ended::Refused(state) => {
                send(Event::State(state));
                return;
            }
            Ended::Lost { message, listened } => {
                connected_before |= listened;
                if !send(Event::State(LiveState::Lost(message))) {
                    return;
                }
                let until = std::time::Instant::now() + RETRY;
                while std::time::Instant::now() < until {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(WAIT);
                }
            }
        }
    }
}

enum Ended {
    Stopped,
    Refused(LiveState),
    Lost { message: String, listened: bool },
}

/// One connection's life: check (or install) the trigger, LISTEN, and read changed rows until
/// the connection fails or `stop` is set.
fn listen(
    source: &Source,
    install: bool,
    stop: &AtomicBool,
    connected_before: bool,
    send: &impl Fn(Event) -> bool,
) -> Ended {
    let lost = |message: String| Ended::Lost {
        message,
        listened: false,
    };
    let mut client = match connect::connect(source) {
        Ok(c) => c,
        Err(e) => return lost(e),
    };
    let table = match Table::describe(&mut client, source) {
        Ok(t) => t,
        Err(e) => return lost(e),
    };
    let Some(key_sql) = table.store_key_sql() else {
        return Ended::Refused(LiveState::Refused(format!(
            "{}: it has no primary key and no id column, so changes cannot be matched to features",
            source.label()
        )));
    };
    match trigger_installed(&mut client, source, table.oid) {
        Ok(true) => {}
        Ok(false) if install => {
            if let Err(e) = install_trigger(&mut client, source, &table) {
                return Ended::Refused(LiveState::Refused(e));
            }
        }
        Ok(false) => return Ended::Refused(LiveState::NeedsTrigger),
        Err(e) => return lost(e),
    }
    let fail = |e: postgres::Error| connect::describe(source, &e, true);
    if let Err(e) = client.batch_execute(&format!("LISTEN {}", quote(CHANNEL))) {
        return lost(fail(e));
    }
    if !send(Event::State(LiveState::Listening)) {
        return Ended::Stopped;
    }
    if connected_before && !send(Event::Changes(vec![Change::Missed])) {
        return Ended::Stopped;
    }
    let select = table.select(&format!("WHERE ({key_sql}) = ANY($1)"));
    let oid = table.oid.to_string();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ended::Stopped;
        }
        let mut keys = BTreeSet::new();
        let mut take = |payload: &str| {
            if let Some((table_oid, key)) = payload.split_once(' ')
                && table_oid == oid
            {
                keys.insert(key.to_owned());
            }
        };
        {
            use postgres::fallible_iterator::FallibleIterator;
            let mut notices = client.notifications();
            match notices.timeout_iter(WAIT).next() {
                Ok(Some(n)) => take(n.payload()),
                Ok(None) => continue,
                Err(e) => {
                    return Ended::Lost {
                        message: fail(e),
                        listened: true,
                    };
                }
            }
            // The rest of a burst, already here.
            let mut pending = notices.iter();
            while let Ok(Some(n)) = pending.next() {
                take(n.payload());
            }
        }
        if keys.is_empty() {
            continue;
        }
        let keys: Vec<String> = keys.into_iter().collect();
        match read_changes(&mut client, &table, &select, keys) {
            Ok(changes) => {
                if !send(Event::Changes(changes)) {
                    return Ended::Stopped;
                }
            }
            Err(e) => {
                return Ended::Lost {
                    message: fail(e),
                    listened: true,
                };
            }
        }
    }
}

/// The rows with these keys as they are now: each found one upserted, each missing one removed.
fn read_changes(
    client: &mut postgres::Client,
    table: &Table,
    select: &str,
    keys: Vec<String>,
) -> Result<Vec<Change>, postgres::Error> {
    let rows = client.query(select, &[&keys])?;
    let mut changes = Vec::with_capacity(keys.len());
    let mut found = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let row = table.decode(row, i);
        let key = table.store_key(&row);
        found.insert(key.clone());
        changes.push(match row.geometry {
            Ok(geometry) => Change::Upsert {
                geometry,
                properties: row.properties,
            },
            Err(reason) => Change::Remove {
                key,
                reason: Some(format!("{}: {reason}", row.place)),
            },
        });
    }
    for key in keys {
        if !found.contains(&key) {
            changes.push(Change::Remove { key, reason: None });
        }
    }
    Ok(changes)
}

fn trigger_installed(
    client: &mut postgres::Client,
    source: &Source,
    oid: u32,
) -> Result<bool, String> {
    client
        .query_opt(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = $1 AND tgname = $2",
            &[&oid, &TRIGGER],
        )
        .map(|row| row.is_some())
        .map_err(|e| connect::describe(source, &e, true))
}

/// Creates the trigger that notifies [`CHANNEL`] of every changed row's key (old and new, so
/// a key that changes is seen leaving and arriving), and its function in the table's schema.
fn install_trigger(
    client: &mut postgres::Client,
    source: &Source,
    table: &Table,
) -> Result<(), String> {
    let fail = |e: postgres::Error| {
        format!(
            "{} (installing the change trigger needs the table's owner)",
            connect::describe(source, &e, true)
        )
    };
    let schema: String = client
        .query_one(
            "SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.oid = $1",
            &[&table.oid],
        )
        .map_err(fail)?
        .get(0);
    let function = format!("{}.{}", quote(&schema), quote(TRIGGER));
    let literal = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let arguments: Vec<String> = table
        .store_key_columns()
        .iter()
        .map(|c| literal(c))
        .collect();
    let sql = format!(
        "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
         DECLARE r jsonb; k text;
         BEGIN
           FOREACH r IN ARRAY CASE TG_OP
               WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)]
               WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
               ELSE ARRAY[to_jsonb(OLD), to_jsonb(NEW)] END
           LOOP
             SELECT string_agg(r ->> a, ',' ORDER BY n) INTO k
               FROM unnest(TG_ARGV) WITH ORDINALITY AS u(a, n);
             PERFORM pg_notify({channel}, TG_RELID::text || ' ' || k);
           END LOOP;
           RETURN NULL;
         END $body$;
         DROP TRIGGER IF EXISTS {trigger} ON {from};
         CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {from}
           FOR EACH ROW EXECUTE FUNCTION {function}({arguments});",
        channel = literal(CHANNEL),
        trigger = quote(TRIGGER),
        from = table.from,
        arguments = arguments.join(", "),
    );
    let mut transaction = client.transaction().map_err(fail)?;
    transaction.batch_execute(&sql).map_err(fail)?;
    transaction.commit().map_err(fail)
}
