//! Files made on Windows in its code pages: a Shapefile's `.cpg` and DBF language driver, and
//! CSV in Windows-1254, Windows-1251 or with a UTF-8 byte-order mark. Each file is written
//! here from the UTF-8 test data, re-encoded with encoding_rs.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1251, WINDOWS_1254};
use karabakh_atlas::io::csv::{self, CsvOptions};
use karabakh_atlas::io::{Loaded, load_any};
use std::path::{Path, PathBuf};

const LIMIT: u64 = 64 * 1024 * 1024;
/// A Russian phrase ("populated place") for the Cyrillic columns: every letter is from 0xC0 up
/// in Windows-1251.
const CYRILLIC: &str = "населённый пункт";

fn formats(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(name)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("karabakh-cp-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    let (bytes, _, had_errors) = encoding.encode(text);
    assert!(
        !had_errors,
        "{text:?} has letters {} lacks",
        encoding.name()
    );
    bytes.into_owned()
}

fn texts(loaded: &Loaded, key: &str) -> Vec<String> {
    loaded
        .features
        .iter()
        .map(|f| f.text(key).unwrap_or_default())
        .collect()
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded.warnings.iter().map(|w| w.to_string()).collect()
}

/// The settlements' Azerbaijani names in the UTF-8 test shapefile, those Windows-1254 can
/// hold (it has no ə), in record order, with their record numbers.
fn names_1254() -> Vec<(usize, String)> {
    let original = load_any(&formats("towns-wgs84.shp"), LIMIT).unwrap();
    let names: Vec<(usize, String)> = texts(&original, "NAME_AZ")
        .into_iter()
        .enumerate()
        .filter(|(_, n)| !WINDOWS_1254.encode(n).2)
        .collect();
    assert!(names.len() >= 4, "{names:?}");
    assert!(names.iter().any(|(_, n)| !n.is_ascii()), "{names:?}");
    names
}

/// A dBase III table with two text fields, 40 bytes each, `language_driver` at byte 29.
fn dbf(rows: &[[Vec<u8>; 2]], language_driver: u8) -> Vec<u8> {
    const WIDTH: usize = 40;
    let fields = ["NAME", "KIND"];
    let header_len = 32 + 32 * fields.len() + 1;
    let record_len = 1 + WIDTH * fields.len();
    let mut out = vec![0u8; 32];
    out[0] = 0x03;
    out[1..4].copy_from_slice(&[126, 1, 1]);
    out[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
    out[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
    out[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
    out[29] = language_driver;
    for name in fields {
        let mut field = [0u8; 32];
        field[..name.len()].copy_from_slice(name.as_bytes());
        field[11] = b'C';
        field[16] = WIDTH as u8;
        out.extend_from_slice(&field);
    }
    out.push(0x0D);
    for row in rows {
        out.push(b' ');
        for cell in row {
            let mut padded = cell.clone();
            padded.resize(WIDTH, b' ');
            out.extend_from_slice(&padded);
        }
    }
    out.push(0x1A);
    out
}

/// The UTF-8 test shapefile's geometry with a new `.dbf` (one row per shape) and maybe a `.cpg`.
fn shapefile(tag: &str, dbf_bytes: &[u8], cpg: Option<&str>) -> PathBuf {
    let dir = temp_dir(tag);
    for ext in ["shp", "shx", "prj"] {
        std::fs::copy(
            formats(&format!("towns-wgs84.{ext}")),
            dir.join(format!("towns.{ext}")),
        )
        .unwrap();
    }
    std::fs::write(dir.join("towns.dbf"), dbf_bytes).unwrap();
    let _ = std::fs::remove_file(dir.join("towns.cpg"));
    if let Some(cpg) = cpg {
        std::fs::write(dir.join("towns.cpg"), cpg).unwrap();
    }
    dir.join("towns.shp")
}

/// Five rows: names in Windows-1254 where it holds them, the Cyrillic phrase in Windows-1251.
fn rows(names: &[(usize, String)]) -> Vec<[Vec<u8>; 2]> {
    (0..5)
        .map(|i| {
            let name = names
                .iter()
                .find(|(n, _)| *n == i)
                .map_or_else(Vec::new, |(_, name)| encode(name, WINDOWS_1254));
            [name, encode(CYRILLIC, WINDOWS_1251)]
        })
        .collect()
}

#[test]
fn a_shapefile_in_windows_1254_named_by_its_cpg_reads_its_azerbaijani_names() {
    let names = names_1254();
    // Language driver 0: the .cpg alone names the code page, as ArcGIS and QGIS write it.
    let table: Vec<[Vec<u8>; 2]> = rows(&names)
        .into_iter()
        .map(|[name, _]| [name, Vec::new()])
        .collect();
    let dbf_bytes = dbf(&table, 0);
    for cpg in ["1254", "ANSI 1254", "CP1254", "windows-1254"] {
        let loaded = load_any(&shapefile("cpg1254", &dbf_bytes, Some(cpg)), LIMIT).unwrap();
        let read = texts(&loaded, "NAME");
        for (i, name) in &names {
            assert_eq!(&read[*i], name, ".cpg {cpg:?}: {:?}", warnings(&loaded));
        }
    }
}

#[test]
fn a_dbf_language_driver_names_windows_1254_or_1251_without_a_cpg() {
    let names = names_1254();
    // 0xCA is Windows-1254 and 0xC9 Windows-1251 in the dBase language driver table.
    for (driver, cyrillic) in [(0xCA, false), (0xC9, true)] {
        let table: Vec<[Vec<u8>; 2]> = rows(&names)
            .into_iter()
            .map(|[name, kind]| {
                if cyrillic {
                    [Vec::new(), kind]
                } else {
                    [name, Vec::new()]
                }
            })
            .collect();
        let path = shapefile(&format!("ldid{driver:x}"), &dbf(&table, driver), None);
        let loaded = load_any(&path, LIMIT).unwrap();
        if cyrillic {
            assert_eq!(texts(&loaded, "KIND"), vec![CYRILLIC.to_owned(); 5]);
        } else {
            for (i, name) in &names {
                assert_eq!(&texts(&loaded, "NAME")[*i], name, "{:?}", warnings(&loaded));
            }
        }
    }
}

#[test]
fn a_cpg_wins_over_the_language_driver_and_an_unknown_one_is_warned_about() {
    let names = names_1254();
    let table = rows(&names);
    let kind_only: Vec<[Vec<u8>; 2]> = table.into_iter().map(|[_, k]| [Vec::new(), k]).collect();
    // The driver byte says Windows-1254; the .cpg says 1251, and the text is 1251.
    let path = shapefile("cpg-wins", &dbf(&kind_only, 0xCA), Some("1251\r\n"));
    let loaded = load_any(&path, LIMIT).unwrap();
    assert_eq!(texts(&loaded, "KIND"), vec![CYRILLIC.to_owned(); 5]);

    let path = shapefile("cpg-unknown", &dbf(&kind_only, 0), Some("KLINGON"));
    let loaded = load_any(&path, LIMIT).unwrap();
    let w = warnings(&loaded);
    assert!(
        w.iter()
            .any(|w| w.contains("towns.shp") && w.contains("\"KLINGON\"")),
        "{w:?}"
    );
}

/// The UTF-8 test CSV, its rows that `encoding` can hold, and how many. Windows-1251 has no
/// Azerbaijani Latin letters: its file has the Cyrillic column in place of `name_az`.
fn settlements_csv(encoding: &'static Encoding) -> (String, usize) {
    let text = std::fs::read_to_string(formats("settlements.csv")).unwrap();
    let cyrillic = encoding == WINDOWS_1251;
    let (mut out, mut rows) = (String::new(), 0);
    for (i, line) in text.lines().enumerate() {
        // id,name_az,name_en,latitude,longitude,population
        let cells: Vec<&str> = line.split(',').collect();
        let row = if cyrillic {
            let kind = if i == 0 { "kind" } else { CYRILLIC };
            format!(
                "{},{},{},{},{kind}\n",
                cells[0], cells[2], cells[3], cells[4]
            )
        } else {
            format!("{line}\n")
        };
        if !encoding.encode(&row).2 {
            out.push_str(&row);
            rows += usize::from(i > 0);
        }
    }
    (out, rows)
}

fn write_csv(tag: &str, bytes: &[u8]) -> PathBuf {
    let path = temp_dir(tag).join("settlements.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn csv_in_windows_1254_or_1251_is_detected_and_reads_as_the_utf8_original() {
    for encoding in [WINDOWS_1254, WINDOWS_1251] {
        let (text, rows) = settlements_csv(encoding);
        assert!(rows >= 4, "{text}");
        let path = write_csv(encoding.name(), &encode(&text, encoding));
        let from_bytes = csv::load_path(&path, LIMIT, &CsvOptions::default()).unwrap();
        let from_text = csv::load_str("utf8", &text, &CsvOptions::default()).unwrap();
        assert_eq!(from_bytes.features.len(), rows);
        for key in ["name_az", "name_en", "kind"] {
            assert_eq!(texts(&from_bytes, key), texts(&from_text, key), "{key}");
        }
        let w = warnings(&from_bytes);
        assert!(
            w.iter()
                .any(|w| w.contains(encoding.name()) && w.contains("guessed")),
            "{w:?}"
        );
    }
}

#[test]
fn a_chosen_encoding_is_used_and_a_utf8_byte_order_mark_is_dropped() {
    let (text, _) = settlements_csv(WINDOWS_1254);
    let path = write_csv("chosen", &encode(&text, WINDOWS_1254));
    let chosen = CsvOptions {
        encoding: Some(WINDOWS_1254),
        ..CsvOptions::default()
    };
    let loaded = csv::load_path(&path, LIMIT, &chosen).unwrap();
    let expected = csv::load_str("utf8", &text, &CsvOptions::default()).unwrap();
    assert_eq!(texts(&loaded, "name_az"), texts(&expected, "name_az"));
    assert!(loaded.warnings.is_empty(), "{:?}", warnings(&loaded));

    let (text, rows) = settlements_csv(UTF_8);
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let path = write_csv("bom", &bytes);
    let loaded = csv::load_path(&path, LIMIT, &CsvOptions::default()).unwrap();
    assert_eq!(loaded.features.len(), rows);
    // The first header is "id", not "\u{feff}id".
    assert!(loaded.features.iter().all(|f| f.text("id").is_some()));
    let expected = csv::load_str("utf8", &text, &CsvOptions::default()).unwrap();
    assert_eq!(texts(&loaded, "name_az"), texts(&expected, "name_az"));
    assert!(loaded.warnings.is_empty(), "{:?}", warnings(&loaded));
}
