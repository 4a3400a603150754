//! Which encoding a text or `.dbf` is in: a byte-order mark, UTF-8, a code page chosen by the
//! user, named by a `.cpg` or a DBF language driver, or guessed between Windows-1251 and -1254.
//!
//! Files made on Windows are often in the machine's "ANSI" code page: Windows-1254 on Turkish
//! and Azerbaijani Latin systems, Windows-1251 on Cyrillic ones.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1251, WINDOWS_1254};
use std::borrow::Cow;

/// The encodings offered in the CSV window, with what each is for.
pub const CHOICES: &[(&Encoding, &str)] = &[
    (UTF_8, "UTF-8"),
    (WINDOWS_1254, "Windows-1254 (Azerbaijani and Turkish Latin)"),
    (WINDOWS_1251, "Windows-1251 (Cyrillic)"),
    (encoding_rs::WINDOWS_1252, "Windows-1252 (Western European)"),
];

/// Text decoded, and how its encoding was found when that is worth saying.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    /// Set when the encoding was guessed, for a warning.
    pub note: Option<String>,
}

/// Decodes `bytes`: a byte-order mark wins (UTF-8 or UTF-16), then `chosen`, then UTF-8 if the
/// bytes are valid UTF-8, else a guess (see [`guess_code_page`]).
pub fn decode<'a>(bytes: &'a [u8], chosen: Option<&'static Encoding>) -> Decoded<'a> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Decoded {
            text,
            encoding,
            note: None,
        };
    }
    let (encoding, note) = match chosen {
        Some(encoding) => (encoding, None),
        None if std::str::from_utf8(bytes).is_ok() => (UTF_8, None),
        None => {
            let guess = guess_code_page(bytes);
            let note = format!(
                "the text is not UTF-8; read as {}, guessed from its letters (choose the \
                 encoding in the CSV window if names look wrong)",
                guess.name()
            );
            (guess, Some(note))
        }
    };
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding,
        note,
    }
}

/// Windows-1251 or Windows-1254 for text that is not UTF-8. Cyrillic words are runs of bytes
/// from 0xC0 up (every letter is one), while Turkish and Azerbaijani words have a high byte
/// here and there between ASCII letters (ç, ğ, ı, ö, ş, ü); so mostly paired high bytes mean
/// Windows-1251.
pub fn guess_code_page(bytes: &[u8]) -> &'static Encoding {
    let high = |b: &u8| *b >= 0x80;
    let (mut paired, mut single) = (0usize, 0usize);
    for (i, b) in bytes.iter().enumerate() {
        if !high(b) {
            continue;
        }
        let before = i > 0 && high(&bytes[i - 1]);
        let after = bytes.get(i + 1).is_some_and(high);
        if before || after {
            paired += 1;
        } else {
            single += 1;
        }
    }
    if paired > single {
        WINDOWS_1251
    } else {
        WINDOWS_1254
    }
}

/// The encoding a `.cpg` names: `UTF-8`, a Windows code page number (`1254`, `CP1251`,
/// `ANSI 1254`), or a label such as `ISO-8859-9`. `None` when it names none this reader knows.
pub fn from_cpg(cpg: &str) -> Option<&'static Encoding> {
    let name = cpg.trim().trim_start_matches('\u{feff}');
    let upper = name.to_ascii_uppercase();
    if upper == "UTF8" || upper == "UTF-8" || upper == "65001" {
        return Some(UTF_8);
    }
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    let by_number = match digits.parse::<u16>() {
        Ok(n @ 1250..=1258) | Ok(n @ 874) => Encoding::for_label(format!("windows-{n}").as_bytes()),
        Ok(866) => Some(encoding_rs::IBM866),
        Ok(n @ 28591..=28606) => Encoding::for_label(format!("iso-8859-{}", n - 28590).as_bytes()),
        _ => None,
    };
    by_number.or_else(|| Encoding::for_label(name.as_bytes()))
}

/// The encoding a DBF header's language driver byte (offset 29) names, as the `dbase` crate
/// reads the byte (its `CodePageMark`). `Ok(None)`: the byte names none (0), read as UTF-8;
/// `Err`: a DOS code page that has no decoder here, named for the warning.
pub fn from_language_driver(byte: u8) -> Result<Option<&'static Encoding>, String> {
    use ::shapefile::dbase::CodePageMark as M;
    let label = match M::from(byte) {
        M::Undefined => return Ok(None),
        M::Utf8 => "utf-8",
        M::CP1250 => "windows-1250",
        M::CP1251 => "windows-1251",
        M::CP1252 => "windows-1252",
        M::CP1253 => "windows-1253",
        M::CP1254 => "windows-1254",
        M::CP1255 => "windows-1255",
        M::CP1256 => "windows-1256",
        M::CP874 => "windows-874",
        M::CP866 => "ibm866",
        M::CP932 => "shift_jis",
        M::CP936 => "gbk",
        M::CP949 => "euc-kr",
        M::CP950 => "big5",
        other => return Err(format!("{other:?} (language driver byte 0x{byte:02X})")),
    };
    Ok(Encoding::for_label(label.as_bytes()))
}
