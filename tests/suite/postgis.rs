//! PostGIS tables as sources, against a real PostgreSQL with PostGIS (`.ci/postgis` sets one
//! up; ATLAS_TEST_DATABASE_URL names another). Each test works in a schema of its own,
//! dropped afterwards.

use karabakh_atlas::io::{LoadError, load_any};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

const DEFAULT_URL: &str = "postgresql://atlas:atlas@localhost:5432/atlas_test";

fn base_url() -> String {
    std::env::var("ATLAS_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// A schema of its own on the test database, dropped when the test ends.
pub struct Db {
    pub client: postgres::Client,
    pub schema: String,
}

impl Db {
    pub fn new(test: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let url = base_url();
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap_or_else(|e| {
            panic!(
                "the PostGIS tests need a PostgreSQL server with PostGIS at {} ({e}); run `.ci/postgis` as root to install and start one, or set ATLAS_TEST_DATABASE_URL",
                karabakh_atlas::io::postgis::redact(&url)
            )
        });
        let schema = format!(
            "t_{test}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .unwrap();
        Db { client, schema }
    }

    pub fn exec(&mut self, sql: &str) {
        let sql = sql.replace("$S", &self.schema);
        self.client
            .batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// A schema of its own holding `$S.{table}`: named points in WGS 84 (an integer key `id`,
    /// `name`, `geom`), one row per `(id, name, longitude, latitude)`.
    pub fn with_points(test: &str, table: &str, rows: &[(i32, &str, f64, f64)]) -> Self {
        let mut db = Db::new(test);
        let values: Vec<String> = rows
            .iter()
            .map(|(id, name, lon, lat)| {
                format!("({id}, '{name}', ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326))")
            })
            .collect();
        db.exec(&format!(
            "CREATE TABLE $S.{table} (id integer PRIMARY KEY, name text, geom geometry(Point, 4326));
             INSERT INTO $S.{table} VALUES {};",
            values.join(", ")
        ));
        db
    }

    /// The URL of a table in this schema, with extra parameters.
    pub fn url(&self, table: &str, extra: &str) -> String {
        format!("{}?table={}.{table}{extra}", base_url(), self.schema)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = self
            .client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

fn load(url: &str) -> Result<karabakh_atlas::io::Loaded, LoadError> {
    load_any(Path::new(url), u64::MAX)
}

fn point_of(loaded: &karabakh_atlas::io::Loaded, id: &str) -> (f64, f64) {
    let f = loaded
        .features
        .iter()
        .find(|f| f.text("id").as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no feature {id}"));
    match f.lonlat() {
        geo::Geometry::Point(p) => (p.x(), p.y()),
        other => panic!("feature {id} is not a point: {other:?}"),
    }
}

#[test]
fn a_table_is_a_layer_with_its_columns_its_key_and_its_points_in_wgs84() {
    let mut db = Db::new("columns");
    db.exec(
        "CREATE TABLE $S.sites (id int PRIMARY KEY, name text, people int8, area float8, open bool, \
         tags jsonb, opened date, geom geometry);
         INSERT INTO $S.sites VALUES
          (1, 'Şuşa', 25000, 5.5, true, '{\"a\": 1}', '2022-05-01', 'SRID=4326;POINT(46.75 39.76)'),
          (2, 'Ağdam', NULL, NULL, false, NULL, NULL, ST_Transform('SRID=4326;POINT(46.93 39.99)'::geometry, 3857)),
          (3, 'Z and M', 7, 1, NULL, NULL, NULL, 'SRID=4326;POINT ZM(47.1 39.5 800 3)'),
          (4, 'no SRID', 0, 0, NULL, NULL, NULL, 'POINT(46.5 39.4)');",
    );
    let loaded = load(&db.url("sites", "")).unwrap();
    assert_eq!(loaded.features.len(), 4, "{:?}", loaded.warnings);
    assert_eq!(loaded.name.as_deref(), Some("sites"));
    let first = loaded
        .features
        .iter()
        .find(|f| f.text("id").as_deref() == Some("1"))
        .unwrap();
    let props = first.properties_json();
    assert_eq!(props["name"], "Şuşa");
    assert_eq!(props["people"], 25000);
    assert_eq!(props["area"], 5.5);
    assert_eq!(props["open"], true);
    assert_eq!(props["tags"]["a"], 1);
    assert_eq!(props["opened"], "2022-05-01");
    // Mixed SRIDs: the 3857 point comes back as the longitude/latitude it was made from.
    let (x, y) = point_of(&loaded, "2");
    assert!(
        (x - 46.93).abs() < 1e-9 && (y - 39.99).abs() < 1e-9,
        "{x} {y}"
    );
    assert_eq!(point_of(&loaded, "3"), (47.1, 39.5));
    assert_eq!(point_of(&loaded, "4"), (46.5, 39.4));
    assert!(
        loaded.warnings.iter().any(|w| w.message.contains("SRID 0")),
        "{:?}",
        loaded.warnings
    );
    // The store finds features by the primary key.
    assert!(loaded.features.by_key("3").is_some());
}

#[test]
fn a_geography_column_and_a_view_without_a_key_are_read() {
    let mut db = Db::new("geography");
    db.exec(
        "CREATE TABLE $S.areas (code text PRIMARY KEY, g geography(Polygon, 4326));
         INSERT INTO $S.areas VALUES ('a', 'POLYGON((46 39, 47 39, 47 40, 46 40, 46 39))');
         CREATE VIEW $S.areas_view AS SELECT code AS label, g FROM $S.areas;",
    );
    let loaded = load(&db.url("areas", "")).unwrap();
    assert_eq!(loaded.features.len(), 1);
    let f = loaded.features.iter().next().unwrap();
    assert_eq!(f.text("id").as_deref(), Some("a"), "the key is the id");
    assert!(f.is_areal());
    let view = load(&db.url("areas_view", "")).unwrap();
    assert_eq!(view.features.len(), 1);
    assert!(
        view.warnings
            .iter()
            .any(|w| w.message.contains("no primary key")),
        "{:?}",
        view.warnings
    );
}

#[test]
fn null_empty_and_invalid_geometries_are_reported_by_key_and_the_rest_loads() {
    let mut db = Db::new("badrows");
    db.exec(
        "CREATE TABLE $S.zones (zid int PRIMARY KEY, geom geometry(Geometry, 4326));
         INSERT INTO $S.zones VALUES
          (10, 'SRID=4326;POLYGON((46 39, 47 39, 47 40, 46 40, 46 39))'),
          (11, NULL),
          (12, 'SRID=4326;POLYGON EMPTY'),
          (13, 'SRID=4326;POLYGON((46 39, 47 40, 47 39, 46 40, 46 39))');",
    );
    let loaded = load(&db.url("zones", "&geometry_column=geom")).unwrap();
    let ids: Vec<String> = loaded
        .features
        .iter()
        .filter_map(|f| f.text("id"))
        .collect();
    assert_eq!(ids, ["10", "13"], "{:?}", loaded.warnings);
    let text: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    let about = |key: &str, what: &str| {
        text.iter()
            .any(|w| w.contains(&format!("zid = {key}")) && w.contains(what))
    };
    assert!(about("11", "NULL"), "{text:?}");
    assert!(about("12", "empty"), "{text:?}");
    assert!(about("13", "invalid"), "{text:?}");
    assert!(
        text.iter()
            .all(|w| w.contains("table") && w.contains("atlas_test"))
    );
}

fn refusal(url: &str) -> String {
    match load(url) {
        Ok(loaded) => panic!("{url} loaded {} features", loaded.features.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_days_give_one_message_naming_the_database_and_the_table() {
    let mut db = Db::new("baddays");
    db.exec(
        "CREATE TABLE $S.sites (id int PRIMARY KEY, geom geometry(Point, 4326));
         INSERT INTO $S.sites VALUES (1, 'SRID=4326;POINT(46.75 39.76)');
         CREATE VIEW $S.slow AS SELECT s.* FROM $S.sites s, pg_sleep(2);",
    );
    let table = format!("{}.sites", db.schema);
    let down = refusal(
        "postgresql://atlas:atlas@127.0.0.1:1/atlas_test?table=public.sites&connect_timeout=2",
    );
    assert!(
        down.contains("cannot reach the server at 127.0.0.1:1"),
        "{down}"
    );
    assert!(down.contains("database atlas_test") && down.contains("table public.sites"));

    let wrong = refusal(&db.url("sites", "").replace("atlas:atlas@", "atlas:not-it@"));
    assert!(
        wrong.contains("wrong password") && wrong.contains(&table),
        "{wrong}"
    );
    assert!(!wrong.contains("not-it"), "the password is shown: {wrong}");

    let evil = format!("{}?table={}.sites\";DROP TABLE x;--", base_url(), db.schema);
    assert!(evil.contains("sites\";DROP"), "{evil}");
    let evil_message = refusal(&evil);
    assert!(evil_message.contains("no such table"), "{evil_message}");
    let still: i64 = db
        .client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0);
    assert_eq!(still, 1);

    let slow = refusal(&db.url("slow", "&statement_timeout=300"));
    assert!(
        slow.contains("time limit of 300 ms") && slow.contains(".slow"),
        "{slow}"
    );

    let missing = refusal(&db.url("sites", "&geometry_column=nope"));
    assert!(
        missing.contains("no geometry or geography column \"nope\""),
        "{missing}"
    );
}

#[test]
fn tls_modes_follow_libpq() {
    let db = Db::new("tls");
    let mut db = db;
    db.exec(
        "CREATE TABLE $S.sites (id int PRIMARY KEY, geom geometry(Point, 4326));
         INSERT INTO $S.sites VALUES (1, 'SRID=4326;POINT(46.75 39.76)');",
    );
    for mode in ["disable", "prefer", "require"] {
        let loaded = load(&db.url("sites", &format!("&sslmode={mode}")));
        assert!(loaded.is_ok(), "sslmode={mode}: {:?}", loaded.err());
    }
    // verify-full checks the chain and the name, verify-ca the chain only. Debian's cluster
    // serves its self-signed "snakeoil" certificate, made for the name localhost.
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    assert!(
        Path::new(snakeoil).exists(),
        "{snakeoil} is missing: the test expects Debian's cluster and its certificate (.ci/postgis)"
    );
    let trusted = format!("&sslrootcert={snakeoil}");
    let full = load(&db.url("sites", &format!("&sslmode=verify-full{trusted}")));
    assert!(full.is_ok(), "verify-full to localhost: {:?}", full.err());
    let by_address = |mode: &str| {
        db.url("sites", &format!("&sslmode={mode}{trusted}"))
            .replace("@localhost:", "@127.0.0.1:")
    };
    let ca = load(&by_address("verify-ca"));
    assert!(ca.is_ok(), "verify-ca to 127.0.0.1: {:?}", ca.err());
    let wrong_name = refusal(&by_address("verify-full"));
    assert!(
        wrong_name.contains("TLS") && wrong_name.contains("sslmode=verify-full"),
        "{wrong_name}"
    );
    let empty_roots =
        std::env::temp_dir().join(format!("atlas-no-roots-{}.pem", std::process::id()));
    std::fs::write(&empty_roots, "").unwrap();
    let untrusted = refusal(&db.url(
        "sites",
        &format!("&sslmode=verify-full&sslrootcert={}", empty_roots.display()),
    ));
    let _ = std::fs::remove_file(&empty_roots);
    assert!(untrusted.contains("sslmode=verify-full"), "{untrusted}");
    assert!(
        untrusted.contains("table") && untrusted.contains("atlas_test"),
        "{untrusted}"
    );
}

/// The app's command line validating `url`, to run.
fn validate(url: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_karabakh-atlas"));
    command.args(["validate", url]);
    command
}

/// Runs `command`: whether it succeeded, and all it printed (its output, then its errors).
fn run_printing(command: &mut std::process::Command) -> (bool, String) {
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_command_line_takes_a_url_and_a_password_from_pgpass_and_never_prints_one() {
    let db = Db::with_points("cli", "sites", &[(1, "Şuşa", 46.75, 39.76)]);
    let pgpass = std::env::temp_dir().join(format!("atlas-pgpass-{}", std::process::id()));
    std::fs::write(&pgpass, "# test\nlocalhost:5432:atlas_test:atlas:atlas\n").unwrap();
    let no_password = db.url("sites", "").replace("atlas:atlas@", "atlas@");
    let (_, text) = run_printing(
        validate(&no_password)
            .env("PGPASSFILE", &pgpass)
            .env_remove("PGPASSWORD"),
    );
    let _ = std::fs::remove_file(&pgpass);
    assert!(text.contains("1 files, 1 features"), "{text}");

    let secret = "s3cret-never-shown";
    let with_secret = db
        .url("missing_table", "")
        .replace("atlas:atlas@", &format!("atlas:{secret}@"));
    let (succeeded, text) = run_printing(&mut validate(&with_secret));
    assert!(!succeeded);
    assert!(
        text.contains("missing_table") || text.contains("password"),
        "{text}"
    );
    assert!(!text.contains(secret), "the password is printed: {text}");
}

/// Whether two property values say the same (a whole number published into a column that
/// also holds fractions comes back as a float).
fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[test]
fn a_published_table_opens_as_the_same_features_as_its_file_and_publishing_again_replaces_it() {
    let db = Db::new("publish");
    let base = base_url();
    for _ in 0..2 {
        let published =
            karabakh_atlas::cli::publish::run(&base, &db.schema, &[], u64::MAX).unwrap();
        assert_eq!(published.len(), karabakh_atlas::io::embedded::SHIPPED.len());
    }
    for shipped in &karabakh_atlas::io::embedded::SHIPPED {
        let file = karabakh_atlas::io::geojson::load_str(shipped.file.file_name, shipped.file.text)
            .unwrap();
        let table = load(&db.url(shipped.id, "")).unwrap();
        assert_eq!(
            table.features.len(),
            file.features.len(),
            "{}: {:?}",
            shipped.id,
            table.warnings
        );
        for feature in file.features.iter() {
            let id = feature.text("id").unwrap();
            let other = table
                .features
                .get(
                    table
                        .features
                        .by_key(&id)
                        .unwrap_or_else(|| panic!("{id} missing")),
                )
                .unwrap();
            assert_eq!(feature.lonlat(), other.lonlat(), "{}: {id}", shipped.id);
            let (mine, theirs) = (feature.properties_json(), other.properties_json());
            for (key, value) in &mine {
                let back = theirs.get(key).unwrap_or(&serde_json::Value::Null);
                assert!(
                    same_value(value, back),
                    "{}: {id}: {key}: {value} became {back}",
                    shipped.id
                );
            }
        }
    }
    // One transaction, one primary key and one GiST index per table.
    let mut db = db;
    let schema = db.schema.clone();
    let indexes: i64 = db
        .client
        .query_one(
            // From the catalogs, not `pg_indexes`: its definitions are worked out for every
            // index, and another test's schema dropped meanwhile fails the query.
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_am a ON a.oid = c.relam WHERE c.relkind = 'i' AND n.nspname = $1 \
             AND a.amname = 'gist'",
            &[&schema],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        indexes as usize,
        karabakh_atlas::io::embedded::SHIPPED.len()
    );
}
