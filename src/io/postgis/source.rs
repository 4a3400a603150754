//! A `postgresql://` source named like a file: its parts parsed, its password kept in memory
//! only (never in what is shown, saved or logged), and the label messages name it by.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// libpq's `sslmode` values this viewer honours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl TlsMode {
    pub const ALL: [TlsMode; 5] = [
        TlsMode::Disable,
        TlsMode::Prefer,
        TlsMode::Require,
        TlsMode::VerifyCa,
        TlsMode::VerifyFull,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Disable => "disable",
            TlsMode::Prefer => "prefer",
            TlsMode::Require => "require",
            TlsMode::VerifyCa => "verify-ca",
            TlsMode::VerifyFull => "verify-full",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// A table in a database, as a `postgresql://` URL names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub user: String,
    /// The password written in the URL, if any (kept out of [`Source::url`] and labels).
    pub password: Option<String>,
    pub host: String,
    pub port: u16,
    pub database: String,
    /// Schema, when the URL names one; otherwise the first on the search path that has it.
    pub schema: Option<String>,
    pub table: String,
    pub geometry_column: Option<String>,
    pub tls: TlsMode,
    /// A PEM file of the certificate authorities trusted for `verify-ca` / `verify-full`.
    pub root_cert: Option<PathBuf>,
    pub connect_timeout_s: u64,
    /// The server stops a query that runs longer (PostgreSQL's `statement_timeout`).
    pub statement_timeout_ms: u64,
    /// A table of more rows than this (by its statistics) is read one view at a time.
    pub view_above: u64,
}

/// Tables of more rows than this are read one view at a time unless the URL says otherwise
/// (`view_above=`): about what a layer holds in 200 MB.
pub const DEFAULT_VIEW_ABOVE: u64 = 500_000;

/// Whether a path is a database URL rather than a file.
pub fn is_database_url(path: &Path) -> bool {
    path.to_str().is_some_and(|p| {
        let lower = p.get(..13).unwrap_or(p).to_ascii_lowercase();
        lower.starts_with("postgresql://") || lower.starts_with("postgres://")
    })
}

/// Passwords given in URLs this run, by `user@host:port/database`; never written anywhere.
static PASSWORDS: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// A database URL with its password taken out and remembered for this run, so that what the
/// app keeps (layer list, session, project, messages) never holds it; any other path as is.
pub fn without_password(path: &Path) -> PathBuf {
    if !is_database_url(path) {
        return path.to_path_buf();
    }
    let Some(text) = path.to_str() else {
        return path.to_path_buf();
    };
    match Source::parse_database(text) {
        Ok(source) => {
            if let Some(password) = &source.password
                && let Ok(mut guard) = PASSWORDS.lock()
            {
                guard
                    .get_or_insert_with(HashMap::new)
                    .insert(source.login_key(), password.clone());
            }
            PathBuf::from(redact(text))
        }
        Err(_) => PathBuf::from(redact(text)),
    }
}

/// The URL text with any password between `user:` and `@` removed.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let user_info = &authority[..at];
    let user = user_info.split(':').next().unwrap_or_default();
    format!(
        "{}{}{}",
        &url[..scheme_end],
        user,
        &rest[at..] // '@' onwards
    )
}

/// A password given in a URL earlier in this run.
pub(crate) fn remembered_password(login_key: &str) -> Option<String> {
    PASSWORDS
        .lock()
        .ok()
        .and_then(|g| g.as_ref().and_then(|m| m.get(login_key).cloned()))
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad percent escape at {:?}", &text[i..]))?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "a percent escape is not UTF-8 text".to_owned())
}

/// Splits `schema.name` into its parts as SQL reads a qualified name: a part that starts with
/// a double quote runs to the closing quote (`""` inside is one quote); any other part runs
/// to the first dot. What is left after the name is part of it, so a name with quotes or
/// semicolons is looked up as it is written and names nothing.
fn split_table(text: &str) -> Result<(Option<String>, String), String> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let mut part = String::new();
            let mut chars = quoted.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if chars.peek().map(|&(_, c)| c) == Some('"') {
                        part.push('"');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    part.push(c);
                }
            }
            let end = end.ok_or_else(|| format!("table {text:?} has an unclosed double quote"))?;
            (part, &quoted[end..])
        } else if parts.is_empty() {
            match rest.find('.') {
                Some(i) => (rest[..i].to_owned(), &rest[i..]),
                None => (rest.to_owned(), ""),
            }
        } else {
            (rest.to_owned(), "")
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) if parts.len() == 1 => rest = next,
            _ if after.is_empty() => break,
            _ => {
                return Err(format!(
                    "table {text:?} is not a table name (write table=schema.name or table=name)"
                ));
            }
        }
    }
    match parts.as_slice() {
        [name] if !name.is_empty() => Ok((None, name.clone())),
        [schema, name] if !schema.is_empty() && !name.is_empty() => {
            Ok((Some(schema.clone()), name.clone()))
        }
        _ => Err(format!(
            "table {text:?} is not a table name (write table=schema.name or table=name)"
        )),
    }
}

impl Source {
    /// Parses `postgresql://user[:password]@host[:port]/database?table=schema.name` with the
    /// optional `geometry_column`, `sslmode`, `sslrootcert`, `connect_timeout` (seconds) and
    /// `statement_timeout` (milliseconds).
    pub fn parse(url: &str) -> Result<Self, String> {
        let source = Self::parse_database(url)?;
        if source.table.is_empty() {
            return Err(format!(
                "{}: the URL names no table (add ?table=schema.name)",
                redact(url)
            ));
        }
        Ok(source)
    }

    /// Parses a URL as [`Source::parse`] does, where naming a table is optional.
    pub fn parse_database(url: &str) -> Result<Self, String> {
        let shown = redact(url);
        let bad = |why: String| format!("{shown}: {why}");
        let rest = url
            .strip_prefix("postgresql://")
            .or_else(|| url.strip_prefix("postgres://"))
            .ok_or_else(|| bad("not a postgresql:// URL".to_owned()))?;
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = before_query.split_once('/').unwrap_or((before_query, ""));
        let (user_info, host_port) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (user, password) = match user_info {
            Some(info) => match info.split_once(':') {
                Some((u, p)) => (percent_decode(u)?, Some(percent_decode(p)?)),
                None => (percent_decode(info)?, None),
            },
            None => (String::new(), None),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || p.is_empty() => (
                h,
                p.parse::<u16>()
                    .map_err(|_| bad(format!("port {p:?} is not a number from 1 to 65535")))?,
            ),
            _ => (host_port, 5432),
        };
        let host = match percent_decode(host)?.trim_matches(['[', ']']) {
            "" => "localhost".to_owned(),
            h => h.to_owned(),
        };
        let user = if user.is_empty() {
            std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .or_else(|_| std::env::var("USERNAME"))
                .unwrap_or_else(|_| "postgres".to_owned())
        } else {
            user
        };
        let database = percent_decode(path)?;
        if database.is_empty() {
            return Err(bad(
                "the URL names no database (…/dbname?table=…)".to_owned()
            ));
        }
        let mut source = Source {
            user,
            password,
            host,
            port,
            database,
            schema: None,
            table: String::new(),
            geometry_column: None,
            tls: TlsMode::Prefer,
            root_cert: None,
            connect_timeout_s: 10,
            statement_timeout_ms: 120_000,
            view_above: DEFAULT_VIEW_ABOVE,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value)?;
            match key {
                "table" => {
                    let (schema, table) = split_table(&value).map_err(bad)?;
                    source.schema = schema;
                    source.table = table;
                }
                "geometry_column" => source.geometry_column = Some(value),
                "sslmode" => {
                    source.tls = TlsMode::parse(&value).ok_or_else(|| {
                        bad(format!(
                            "sslmode {value:?} is not one of disable, prefer, require, verify-ca, verify-full"
                        ))
                    })?;
                }
                "sslrootcert" => source.root_cert = Some(PathBuf::from(value)),
                "connect_timeout" => {
                    source.connect_timeout_s = value.parse().map_err(|_| {
                        bad(format!(
                            "connect_timeout {value:?} is not a number of seconds"
                        ))
                    })?;
                }
                "statement_timeout" => {
                    source.statement_timeout_ms = value.parse().map_err(|_| {
                        bad(format!(
                            "statement_timeout {value:?} is not a number of milliseconds"
                        ))
                    })?;
                }
                "view_above" => {
                    source.view_above = value.parse().map_err(|_| {
                        bad(format!("view_above {value:?} is not a number of rows"))
                    })?;
                }
                other => {
                    return Err(bad(format!(
                        "unknown parameter {other:?} (known: table, geometry_column, sslmode, sslrootcert, connect_timeout, statement_timeout, view_above)"
                    )));
                }
            }
        }
        Ok(source)
    }

    /// `user@host:port/database`, the key under which a URL's password is remembered.
    pub fn login_key(&self) -> String {
        format!(
            "{}@{}:{}/{}",
            self.user, self.host, self.port, self.database
        )
    }

    /// The table as messages name it: `schema.name`.
    pub fn table_label(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.table),
            None => self.table.clone(),
        }
    }

    /// What messages name: the database, where it is, and the table.
    pub fn label(&self) -> String {
        if self.table.is_empty() {
            return format!("database {} on {}:{}", self.database, self.host, self.port);
        }
        format!(
            "database {} on {}:{}, table {}",
            self.database,
            self.host,
            self.port,
            self.table_label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gives_its_parts_and_loses_its_password_when_shown() {
        let s = Source::parse(
            "postgresql://ann:s%40cret@db.example:6543/team?table=\"my.schema\".sites&sslmode=require",
        )
        .unwrap();
        assert_eq!(s.user, "ann");
        assert_eq!(s.password.as_deref(), Some("s@cret"));
        assert_eq!((s.host.as_str(), s.port), ("db.example", 6543));
        assert_eq!(s.schema.as_deref(), Some("my.schema"));
        assert_eq!(s.table, "sites");
        assert_eq!(s.tls, TlsMode::Require);
        assert_eq!(
            redact("postgresql://ann:s%40cret@db.example:6543/team?table=x"),
            "postgresql://ann@db.example:6543/team?table=x"
        );
        assert!(Source::parse("postgresql://a@h/db").is_err());
        assert!(Source::parse("postgresql://a@h/db?table=x&sslmode=maybe").is_err());
    }
}
