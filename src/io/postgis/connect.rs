//! Opening a connection as libpq would: password from the URL, `PGPASSWORD` or the password
//! file, TLS by `sslmode` (rustls with ring, no system OpenSSL), and failures said plainly.

use super::source::{Source, TlsMode, remembered_password};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The password for a source: the URL's, one remembered from a URL this run, `PGPASSWORD`,
/// or the matching line of the password file (`PGPASSFILE`, `~/.pgpass`, or on Windows
/// `%APPDATA%\postgresql\pgpass.conf`).
pub fn password(source: &Source) -> Option<String> {
    if let Some(p) = &source.password {
        return Some(p.clone());
    }
    if let Some(p) = remembered_password(&source.login_key()) {
        return Some(p);
    }
    if let Ok(p) = std::env::var("PGPASSWORD") {
        return Some(p);
    }
    let file = password_file()?;
    let text = std::fs::read_to_string(file).ok()?;
    pgpass_lookup(&text, source)
}

fn password_file() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PGPASSFILE") {
        return Some(PathBuf::from(p));
    }
    if cfg!(windows) {
        return std::env::var("APPDATA")
            .ok()
            .map(|a| PathBuf::from(a).join("postgresql").join("pgpass.conf"));
    }
    std::env::var("HOME")
        .ok()
        .map(|h| PathBuf::from(h).join(".pgpass"))
}

/// The password of the first line of a password file that matches the source
/// (`host:port:database:user:password`, `*` matching anything, `\` escaping `:` and `\`).
pub fn pgpass_lookup(text: &str, source: &Source) -> Option<String> {
    let port = source.port.to_string();
    let wanted = [
        source.host.as_str(),
        port.as_str(),
        source.database.as_str(),
        source.user.as_str(),
    ];
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let matches = fields[..4]
            .iter()
            .zip(wanted)
            .all(|(f, w)| f == "*" || f == w || (f == "localhost" && w == "127.0.0.1"));
        if matches {
            return fields.pop();
        }
    }
    None
}

/// Checks no host name. Without `chain` (`prefer`, `require`) it accepts any certificate,
/// encrypting without checking whom it talks to, as libpq does; with `chain` (`verify-ca`) the
/// certificate must lead to a trusted authority. Signatures are checked with the provider's
/// algorithms, the ones `chain` was built with.
#[derive(Debug)]
struct NameUnchecked {
    provider: Arc<rustls::crypto::CryptoProvider>,
    chain: Option<Arc<rustls::client::WebPkiServerVerifier>>,
}

/// One of the verifier's two handshake signature checks (TLS 1.2 and 1.3 differ only in the
/// function that checks): `check` with the provider's algorithms.
macro_rules! signature_check {
    ($method:ident, $check:path) => {
        fn $method(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            $check(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }
    };
}

impl ServerCertVerifier for NameUnchecked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    signature_check!(
        verify_tls12_signature,
        rustls::crypto::verify_tls12_signature
    );
    signature_check!(
        verify_tls13_signature,
        rustls::crypto::verify_tls13_signature
    );
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The trusted authorities for `verify-ca` / `verify-full`: `sslrootcert`, or libpq's default
/// `~/.postgresql/root.crt`.
fn root_store(source: &Source) -> Result<rustls::RootCertStore, String> {
    use rustls::pki_types::pem::PemObject;
    let path = source.root_cert.clone().or_else(|| {
        std::env::var("PGSSLROOTCERT")
            .map(PathBuf::from)
            .ok()
            .or_else(|| {
                std::env::var("HOME")
                    .ok()
                    .map(|h| PathBuf::from(h).join(".postgresql").join("root.crt"))
            })
    });
    let Some(path) = path else {
        return Err(format!(
            "sslmode={} needs the authority's certificate: add sslrootcert=FILE",
            source.tls.as_str()
        ));
    };
    let certs = CertificateDer::pem_file_iter(&path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            format!(
                "sslmode={} needs the authority's certificate, and {} cannot be read as PEM certificates ({e}); name one with sslrootcert=FILE",
                source.tls.as_str(),
                path.display()
            )
        })?;
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(format!(
            "sslmode={} needs the authority's certificate, and {} holds none",
            source.tls.as_str(),
            path.display()
        ));
    }
    Ok(roots)
}

fn tls_config(source: &Source) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?;
    Ok(match source.tls {
        TlsMode::Disable | TlsMode::Prefer | TlsMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NameUnchecked {
                provider,
                chain: None,
            }))
            .with_no_client_auth(),
        TlsMode::VerifyFull => builder
            .with_root_certificates(root_store(source)?)
            .with_no_client_auth(),
        TlsMode::VerifyCa => {
            let chain = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(root_store(source)?),
                provider.clone(),
            )
            .build()
            .map_err(|e| format!("TLS cannot be set up: {e}"))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NameUnchecked {
                    provider,
                    chain: Some(chain),
                }))
                .with_no_client_auth()
        }
    })
}

/// The TLS connector `source`'s `sslmode` asks for (also what cancels a running query).
pub fn connector(source: &Source) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let tls = tls_config(source).map_err(|e| format!("{}: {e}", source.label()))?;
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
}

/// Opens a connection for `source`, and sets its statement timeout; the error is one
/// sentence naming the database and table.
pub fn connect(source: &Source) -> Result<postgres::Client, String> {
    let mut config = postgres::Config::new();
    config
        .host(&source.host)
        .port(source.port)
        .user(&source.user)
        .dbname(&source.database)
        .application_name("karabakh-atlas")
        .connect_timeout(Duration::from_secs(source.connect_timeout_s.max(1)))
        .ssl_mode(match source.tls {
            TlsMode::Disable => postgres::config::SslMode::Disable,
            TlsMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
    let password = password(source);
    if let Some(p) = &password {
        config.password(p.as_str());
    }
    let connector = connector(source)?;
    let mut client = config
        .connect(connector)
        .map_err(|e| describe(source, &e, password.is_some()))?;
    client
        .batch_execute(&format!(
            "SET statement_timeout = {}",
            source.statement_timeout_ms
        ))
        .map_err(|e| describe(source, &e, password.is_some()))?;
    Ok(client)
}

/// One clear sentence for a failure, naming the database and table.
pub fn describe(source: &Source, e: &postgres::Error, had_password: bool) -> String {
    use postgres::error::SqlState;
    let at = format!("{}:{}", source.host, source.port);
    let what = if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD {
            format!(
                "the server at {at} refused user {:?}: wrong password{}",
                source.user,
                if had_password {
                    ""
                } else {
                    " (none was given: put it in the URL, PGPASSWORD or ~/.pgpass)"
                }
            )
        } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            format!(
                "the server at {at} refused user {:?}: {}",
                source.user,
                db.message()
            )
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            format!("the server at {at} has no database {:?}", source.database)
        } else if *code == SqlState::QUERY_CANCELED {
            format!(
                "the query ran over its time limit of {} ms (statement_timeout=…) and was stopped",
                source.statement_timeout_ms
            )
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            format!("user {:?} may not read it: {}", source.user, db.message())
        } else {
            format!("the server says: {} ({})", db.message(), code.code())
        }
    } else {
        let text = error_chain(e);
        if text.contains("server does not support TLS") {
            format!(
                "the server at {at} does not offer TLS, which sslmode={} requires",
                source.tls.as_str()
            )
        } else if text.contains("certificate") || text.contains("TLS handshake") {
            format!(
                "the TLS connection to {at} was refused: {text} (sslmode={})",
                source.tls.as_str()
            )
        } else if text.contains("timed out") || text.contains("timeout") {
            format!(
                "the server at {at} did not answer within {} s: {text}",
                source.connect_timeout_s
            )
        } else if e.is_closed() || text.contains("connection closed") {
            format!("the connection to {at} was lost: {text}")
        } else if text.contains("refused") || text.contains("resolve") || text.contains("connect") {
            format!("cannot reach the server at {at}: {text}")
        } else {
            text
        }
    };
    format!("{}: {what}", source.label())
}

/// The error and its causes, joined.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}
