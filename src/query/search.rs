//! Finding places by any spelling: Azerbaijani or English, with or without diacritics,
//! transliteration variants (Şuşa, Shusha, Susa; Cəbrayıl, Jabrail, Jebrail) and former
//! names (Stepanakert, Martakert, Martuni, Berdzor, Shushi).

use crate::model::atlas::Atlas;
use crate::model::atlas::FeatureRef;
use crate::model::store::FeatureView;

/// One place found.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub feature: FeatureRef,
    pub score: u32,
    /// The former name the query matched, if it matched one.
    pub formerly: Option<String>,
}

/// Lower case, with Azerbaijani letters spelt out in Latin and other accents dropped.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ə' | 'ä' | 'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'ı' | 'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ö' | 'ó' | 'ò' | 'ô' | 'õ' => out.push('o'),
            'ü' | 'ú' | 'ù' | 'û' | 'ū' => out.push('u'),
            'á' | 'à' | 'â' | 'ã' | 'å' | 'ā' => out.push('a'),
            'ş' | 'š' => out.push_str("sh"),
            'ç' | 'č' => out.push_str("ch"),
            'ğ' => out.push_str("gh"),
            'x' => out.push_str("kh"),
            'q' => out.push('g'),
            'c' => out.push('j'),
            'ñ' => out.push('n'),
            // Combining marks (the dot of a lower-cased İ), apostrophes, hyphens.
            '\u{0300}'..='\u{036f}' | '\'' | 'ʼ' | '’' | 'ʻ' => {}
            '-' | '–' | '(' | ')' | ',' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A sound skeleton of folded text: digraphs merged, voiced consonants unvoiced, vowels and
/// doubled letters dropped. "shusha", "susa" → "s"; "jebrail", "jebrayil" → "jprl".
pub fn skeleton(folded: &str) -> String {
    let merged = folded
        .replace("sh", "s")
        .replace("ch", "c")
        .replace("kh", "h")
        .replace("gh", "g")
        .replace("dzh", "j")
        .replace("zh", "j");
    let mut out = String::new();
    for c in merged.chars().filter(|c| c.is_alphanumeric()) {
        let c = match c {
            'b' => 'p',
            'd' => 't',
            'g' => 'k',
            'z' => 's',
            'v' | 'w' => 'f',
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' => continue,
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Finds features whose names or former names match `query`, best first, at most `limit`.
pub fn search(atlas: &Atlas, query: &str, limit: usize) -> Vec<SearchHit> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let q_skeleton = skeleton(&q);
    // (drawing position of the layer, hit)
    let mut hits: Vec<(usize, SearchHit)> = Vec::new();
    for (position, layer) in atlas.layers.iter().enumerate() {
        if layer.role == crate::model::layer::LayerRole::Context {
            continue;
        }
        for f in layer.features() {
            let current = names(f)
                .into_iter()
                .map(|n| name_score(&q, &q_skeleton, &n))
                .max();
            let former = former_names(f)
                .into_iter()
                .map(|n| (name_score(&q, &q_skeleton, &n).saturating_sub(5), n))
                .max_by_key(|(score, _)| *score);
            let (score, formerly) = match (current.unwrap_or(0), former) {
                (c, Some((p, name))) if p > c => (p, Some(name)),
                (c, _) => (c, None),
            };
            if score == 0 {
                continue;
            }
            hits.push((
                position,
                SearchHit {
                    feature: FeatureRef {
                        layer: layer.key,
                        feature: f.id,
                    },
                    score: score * 10 + importance(layer, f),
                    formerly,
                },
            ));
        }
    }
    hits.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.cmp(&b.0)));
    hits.truncate(limit);
    hits.into_iter().map(|(_, hit)| hit).collect()
}

fn names(f: FeatureView<'_>) -> Vec<String> {
    ["name_az", "name_en"]
        .iter()
        .filter_map(|k| f.str(k))
        .map(str::to_owned)
        .collect()
}

fn former_names(f: FeatureView<'_>) -> Vec<String> {
    f.str("former_names")
        .map(|s| {
            s.split(';')
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// How well a name matches: 100 exact, 80 prefix, 60 a word's prefix, 50 the same sound,
/// 40 a word with the same sound, 30 a sound prefix; 0 no match.
fn name_score(q: &str, q_skeleton: &str, name: &str) -> u32 {
    let n = fold(name);
    // Former names may carry a note in brackets: "Martuni (district)".
    let n = n.split(" district").next().unwrap_or(&n).trim().to_owned();
    if n == q {
        return 100;
    }
    if n.starts_with(q) {
        return 80;
    }
    if n.split(' ').any(|w| w.starts_with(q)) {
        return 60;
    }
    if q.chars().count() < 3 || q_skeleton.is_empty() {
        return 0;
    }
    if skeleton(&n) == q_skeleton {
        return 50;
    }
    if n.split(' ').any(|w| skeleton(w) == q_skeleton) {
        return 40;
    }
    if q_skeleton.chars().count() >= 3 && skeleton(&n).starts_with(q_skeleton) {
        return 30;
    }
    0
}

/// A small bonus that puts districts and big places before small ones of the same name.
fn importance(layer: &crate::model::layer::Layer, f: FeatureView<'_>) -> u32 {
    let big_place = layer.traits.places && f.number("population").is_some_and(|p| p > 5000.0);
    layer.traits.search_bonus + u32::from(big_place)
}
