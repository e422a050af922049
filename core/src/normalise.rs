//! Step 1: text normalisation. One versioned function used by the rules and by the model's
//! featuriser, so both see the same text. See `testdata/normalise.jsonl` for examples of each step.
//!
//! The pipeline (each step is linear in the input and never panics):
//! 1. corpus placeholders (`DIGIT`, `CELLPHONE`, … from word-segmented corpora) → `x`-masks,
//! 2. [`fold`]-style character canonicalisation (NFKC, traditional → simplified, lower case,
//!    zero-width / format characters removed) — decorations are kept for step 3,
//! 3. gaps between words (`clean`): decorations that split words removed, whitespace collapsed,
//!    spaces and split symbols between CJK characters removed (`加 微 信` → `加微信`),
//! 4. evasion variants → canonical tokens (`薇信` → `微信`, `扣扣` → `qq`, `+vx` → `加微信`),
//! 5. entities (`entities`): URLs, phones, amounts, codes, pickup codes, dates, other numbers;
//!    `masked` replaces each with [`EntityKind::mask`].
//!
//! Decisions worth knowing:
//! - Corpus masks count as digits: `x`-runs (`尾号xxxx` masks like `尾号1234`), `*`-runs next to
//!   digits (`****1234`, `138****5678`), and word-segmented placeholders (`DIGIT` → `xxx`,
//!   `CELLPHONE`/`PHONE`/`HOTLINE` → 11 `x`, `URL` → a URL entity), so every corpus gives the
//!   same `masked`.
//! - Spaces go between CJK characters and between CJK and plain numbers; they stay between Latin
//!   words and around URLs. One symbol between CJK words stays (`元/月`, `北京-上海`); only
//!   chains of split points are joined (`加-微-信`).
//! - 卫星 is not treated as WeChat (an ordinary word far more often than an evasion); 威信 only
//!   as a contact (`加威信`, `威信号`, `威信:abc`).
//! - `text` is a fixpoint: `normalise(&n.text).text == n.text` (property-tested). `masked` of
//!   `text` can differ from `masked` only for upper-case corpus placeholders, which folding erases.

mod clean;
mod entities;
pub(crate) use entities::TLDS;
mod t2s;

use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Bumped whenever the output of [`normalise`] changes for any input. The model manifest records
/// the version its features were computed with; a mismatch refuses the model.
pub const NORMALISER_VERSION: u32 = 1;

/// What [`normalise`] found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A URL or a bare domain / short link.
    Url,
    /// A phone number (mobile, landline, service or port number) inside the text.
    Phone,
    /// A money amount (¥12.50, 12.50元, 人民币…).
    Amount,
    /// A verification code (digits or letters next to 验证码/code/…).
    Code,
    /// A date or time.
    Date,
    /// A parcel pickup code (取件码, 取货码…).
    PickupCode,
    /// Any other run of digits (card tails, order numbers, counts).
    Number,
}

impl EntityKind {
    /// The placeholder that replaces the entity in [`Normalised::masked`]. Upper case so that it can
    /// never collide with (case-folded) message text.
    pub fn mask(self) -> &'static str {
        match self {
            EntityKind::Url => "<URL>",
            EntityKind::Phone => "<PHONE>",
            EntityKind::Amount => "<AMOUNT>",
            EntityKind::Code => "<CODE>",
            EntityKind::Date => "<DATE>",
            EntityKind::PickupCode => "<PICKUP>",
            EntityKind::Number => "<NUM>",
        }
    }
}

/// One recognised entity; `text` is the entity as it appears in [`Normalised::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub text: String,
}

/// The result of normalising a message body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalised {
    /// Canonical text: NFKC / half-width, simplified, case-folded, decorations removed, evasions
    /// undone. Digits and URLs are kept (rules need them).
    pub text: String,
    /// `text` with every entity replaced by its mask (`<URL>`, `<CODE>`, …): what the model sees,
    /// identical whatever masking a corpus used.
    pub masked: String,
    pub entities: Vec<Entity>,
    /// Evasions that were undone, for explanations, in first-seen order: `decorations`,
    /// `split_chars`, `variant:wechat`, `variant:qq`, `variant:add`.
    pub evasions: Vec<String>,
}

impl Normalised {
    pub fn has(&self, kind: EntityKind) -> bool {
        self.entities.iter().any(|e| e.kind == kind)
    }
}

/// Zero-width characters that phones and spammers put inside numbers and names (the subset a
/// sender or signature trims; the body normaliser drops a wider set of invisible characters).
pub(crate) fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// `t[i..]` starts with `pat` (char slices: the normaliser's working form).
pub(crate) fn chars_start_with(t: &[char], i: usize, pat: &str) -> bool {
    (i..).zip(pat.chars()).all(|(k, p)| t.get(k) == Some(&p))
}

/// Character-level canonicalisation only: NFKC / full-width → half-width, traditional →
/// simplified, case folding, zero-width and decorative characters removed. Used for signature
/// names and sender names, where entity recognition and evasion rules do not apply.
pub fn fold(s: &str) -> String {
    fold_impl(s, true)
}

/// Normalise a message body.
pub fn normalise(body: &str) -> Normalised {
    let mut evasions = clean::Evasions::default();
    // Word-segmented corpora replace digits and phones by upper-case placeholder words; turn them
    // into the `x`-masks of the other corpus before case folding erases the difference.
    let rewritten = entities::rewrite_placeholders(body);
    let (src, url_placeholder) = match &rewritten {
        Some((s, url)) => (s.as_str(), *url),
        None => (body, false),
    };
    let unescaped = clean::remove_escaped_pua(src, &mut evasions);
    let mut chars: Vec<char> = fold_impl(unescaped.as_deref().unwrap_or(src), false).chars().collect();
    // Cleaning removes characters, which can leave a combining mark on a new base (no longer
    // NFKC); fold and clean again then. Rare, and a bounded number of rounds keeps this linear.
    for round in 0..3 {
        chars = clean_and_undo(&chars, &mut evasions);
        if round == 2 || surely_nfkc(&chars) || is_nfkc_quick(chars.iter().copied()) == IsNormalized::Yes {
            break;
        }
        let s: String = chars.iter().collect();
        chars = fold_impl(&s, false).chars().collect();
    }
    let found = entities::scan(&chars, url_placeholder);

    let text: String = chars.iter().collect();
    let mut masked = String::with_capacity(text.len());
    let mut entities = Vec::with_capacity(found.len());
    let mut pos = 0;
    for f in &found {
        let (start, end) = (f.start.min(chars.len()), f.end.min(chars.len()));
        if start < pos || end <= start {
            continue; // defensive: spans are produced in order and never overlap
        }
        masked.extend(chars.get(pos..start).unwrap_or_default());
        masked.push_str(f.kind.mask());
        entities
            .push(Entity { kind: f.kind, text: chars.get(start..end).unwrap_or_default().iter().collect() });
        pos = end;
    }
    masked.extend(chars.get(pos..).unwrap_or_default());
    Normalised { text, masked, entities, evasions: evasions.into_vec() }
}

/// Gap cleaning and evasion variants. Undoing a variant can make new CJK neighbours
/// (`加 v信` → `加 微信`), whose gap must then be cleaned too; a few rounds reach the fixpoint
/// (each round only removes material).
fn clean_and_undo(chars: &[char], evasions: &mut clean::Evasions) -> Vec<char> {
    let mut chars = clean::clean_gaps(chars, evasions);
    for _ in 0..3 {
        match clean::undo_variants(&chars, evasions) {
            Some(v) => chars = clean::clean_gaps(&v, evasions),
            None => break,
        }
    }
    chars
}

/// Zero-width, bidi and other format characters, variation selectors, combining enclosing marks
/// and control characters other than whitespace: invisible, used to break up keywords.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{20DD}'..='\u{20E4}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}')
        || (c.is_control() && !c.is_whitespace())
}

/// Symbols used to decorate or split text: arrows, technical symbols, box drawing, geometric
/// shapes, miscellaneous symbols, dingbats, emoji and private-use glyphs (old phones' emoji).
pub(crate) fn is_decoration(c: char) -> bool {
    matches!(c,
        '\u{2190}'..='\u{21FF}' | '\u{2300}'..='\u{23FF}' | '\u{2500}'..='\u{27BF}'
        | '\u{2900}'..='\u{297F}' | '\u{2B00}'..='\u{2BFF}' | '\u{3030}' | '\u{303D}'
        | '\u{E000}'..='\u{F8FF}' | '\u{1F000}'..='\u{1FBFF}' | '\u{F0000}'..='\u{10FFFF}')
}

/// One pass of character mapping: drops invisible (and, for [`fold`], decorative) characters,
/// converts traditional to simplified (with Taiwan and Hong Kong words to the mainland's) and
/// lower-cases.
fn map_chars(src: impl Iterator<Item = char>, out: &mut String, strip_decorations: bool) {
    let mut src = src.peekable();
    while let Some(c) = src.next() {
        if c.is_ascii() {
            if !c.is_ascii_control() || c.is_ascii_whitespace() {
                out.push(c.to_ascii_lowercase());
            }
            continue;
        }
        if is_invisible(c) || (strip_decorations && is_decoration(c)) {
            continue;
        }
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            let simplified = t2s::to_simplified(c);
            // Only after a converted character: simplified text pays nothing and never changes.
            if simplified != c {
                if let Some(word) = src.peek().and_then(|&next| t2s::regional_word(c, next)) {
                    src.next();
                    out.extend(word);
                    continue;
                }
            }
            out.push(simplified);
        } else {
            // to_lowercase yields the character itself when it has no lower case (symbols).
            out.extend(t2s::to_simplified(c).to_lowercase());
        }
    }
}

/// NFKC of `c` when it is the same for `c` in any context and one character long: ASCII,
/// full-width forms, common CJK ideographs and punctuation, most emoji. `None` sends the text
/// through the full NFKC algorithm. (None of these characters composes with a neighbour.)
fn simple_nfkc(c: char) -> Option<char> {
    match c {
        '\u{0}'..='\u{7F}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301B}'
        | '\u{2018}'
        | '\u{2019}'
        | '\u{201C}'
        | '\u{201D}'
        | '\u{00B7}'
        | '\u{2014}'
        | '\u{1F300}'..='\u{1FAFF}' => Some(c),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        '\u{FFE5}' => Some('\u{A5}'),
        _ => None,
    }
}

/// Whether `chars` is certainly NFKC without running the quick check (the common case).
fn surely_nfkc(chars: &[char]) -> bool {
    chars.iter().all(|&c| simple_nfkc(c) == Some(c))
}

fn fold_impl(s: &str, strip_decorations: bool) -> String {
    if s.chars().all(|c| simple_nfkc(c).is_some()) {
        // Fast path: a per-character mapping is exact NFKC here, and the mapped characters
        // (lower-case ASCII, simplified ideographs) stay NFKC.
        let mut out = String::with_capacity(s.len());
        map_chars(s.chars().filter_map(simple_nfkc), &mut out, strip_decorations);
        return out;
    }
    let mut out = String::with_capacity(s.len() + 8);
    map_chars(s.nfkc(), &mut out, strip_decorations);
    // Removing a character or lower-casing can leave text that is no longer NFKC (a combining
    // mark meets a new base); normalise again until stable. Two extra rounds always suffice in
    // practice; the bound keeps this linear.
    for _ in 0..3 {
        if is_nfkc_quick(out.chars()) == IsNormalized::Yes {
            break;
        }
        let mut again = String::with_capacity(out.len());
        map_chars(out.nfkc(), &mut again, strip_decorations);
        if again == out {
            break;
        }
        out = again;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_canonicalises_characters() {
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
        assert_eq!(fold("【招商銀行】"), "【招商银行】");
        assert_eq!(fold("微\u{200B}信\u{FEFF}"), "微信");
        assert_eq!(fold("❤某某银行★"), "某某银行");
        assert_eq!(fold("Ｈｅｌｌｏ，Ｗｏｒｌｄ！"), "hello,world!");
    }

    #[test]
    fn fold_is_idempotent_on_tricky_marks() {
        for s in ["İ", "a\u{200B}\u{301}", "ǅ", "Σσς", "\u{1E9E}", "ﬃ", "①②"] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "input {s:?}");
        }
    }

    #[test]
    fn normalise_masks_every_digit() {
        let n = normalise("订单12尾号3456于01月02日付款¥7.80,详询4001234567");
        assert!(!n.masked.chars().any(|c| c.is_ascii_digit()), "{}", n.masked);
    }
}
