//! Step 2b: the 【签名】. Extracts it, validates it (2–16 characters) and checks it against the
//! sender using a replaceable table of institutions (`core/data/institutions.tsv`): a bank's
//! signature from an 11-digit mobile or a foreign number is a spoofing signal.

use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::normalise::{fold, is_zero_width};
use crate::sender::{Sender, SenderKind};

mod table;

/// Where the signature stood in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// `【签名】…` at the start (the current standard).
    Leading,
    /// `…【签名】` at the end (legacy, still seen).
    Trailing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The name inside the brackets, folded (see `normalise::fold`).
    pub name: String,
    pub placement: Placement,
}

/// What the body's brackets held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SignatureScan {
    None,
    Valid {
        signature: Signature,
    },
    /// Brackets in signature position whose content is not a valid signature (too short or long,
    /// digits only, …). The reason is a short description, never the content.
    Invalid {
        problem: String,
    },
}

/// Kind of institution a signature belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    Bank,
    Payment,
    Carrier,
    Railway,
    Airline,
    Government,
    Ecommerce,
    Courier,
    Other,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 9] = [
        InstitutionKind::Bank,
        InstitutionKind::Payment,
        InstitutionKind::Carrier,
        InstitutionKind::Railway,
        InstitutionKind::Airline,
        InstitutionKind::Government,
        InstitutionKind::Ecommerce,
        InstitutionKind::Courier,
        InstitutionKind::Other,
    ];

    /// The name used in `institutions.tsv` (and in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Bank => "bank",
            InstitutionKind::Payment => "payment",
            InstitutionKind::Carrier => "carrier",
            InstitutionKind::Railway => "railway",
            InstitutionKind::Airline => "airline",
            InstitutionKind::Government => "government",
            InstitutionKind::Ecommerce => "ecommerce",
            InstitutionKind::Courier => "courier",
            InstitutionKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<InstitutionKind> {
        InstitutionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Institutions that never text from a fixed line: their signature from a landline is treated
    /// like one from a mobile (fraud rings use landline SIM boxes too). Airlines, couriers, shops
    /// and others sometimes text from a branch's line, so a landline is only plausible for them.
    pub fn landline_is_spoof(self) -> bool {
        matches!(
            self,
            InstitutionKind::Bank
                | InstitutionKind::Payment
                | InstitutionKind::Carrier
                | InstitutionKind::Railway
                | InstitutionKind::Government
        )
    }
}

/// An institution known to the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub name: String,
    pub kind: InstitutionKind,
}

/// How the sender fits the signature's institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderFit {
    /// No institution signature, nothing to check.
    NotApplicable,
    /// The sender is one the institution is known to use.
    Expected,
    /// A plausible kind of sender (e.g. a 106 port) but not a known one.
    Plausible,
    /// An 11-digit mobile, an international number, …: a spoofing signal.
    Spoofed,
}

impl SenderFit {
    pub fn as_str(self) -> &'static str {
        match self {
            SenderFit::NotApplicable => "not_applicable",
            SenderFit::Expected => "expected",
            SenderFit::Plausible => "plausible",
            SenderFit::Spoofed => "spoofed",
        }
    }
}

/// The outcome of the signature step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheck {
    pub scan: SignatureScan,
    pub institution: Option<Institution>,
    pub fit: SenderFit,
}

impl SignatureCheck {
    /// No signature, nothing to check.
    pub fn none() -> Self {
        SignatureCheck { scan: SignatureScan::None, institution: None, fit: SenderFit::NotApplicable }
    }

    pub fn signature(&self) -> Option<&Signature> {
        match &self.scan {
            SignatureScan::Valid { signature } => Some(signature),
            _ => None,
        }
    }
}

/// Shortest and longest valid signature name, in characters (after folding).
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=16;

/// How far (in characters) we look for the closing bracket of a leading signature, or the opening
/// bracket of a trailing one. Well above 16 to allow padding inside the brackets, small enough
/// that a huge body costs nothing.
const BRACKET_WINDOW: usize = 64;

/// Opening brackets accepted at the start of a body, with their closing partner.
const LEADING_PAIRS: [(char, char); 4] = [('【', '】'), ('[', ']'), ('［', '］'), ('〖', '〗')];

/// Find the signature of a body.
///
/// - Leading whitespace and zero-width characters are skipped. A body that then starts with `【`,
///   `[`, `［` or `〖` has its signature there: the content up to the matching closer (within
///   [`BRACKET_WINDOW`] characters). Any leading bracket decides, valid or not; with two leading
///   signatures (`【A】【B】…`) the first one counts.
/// - Otherwise a `【…】` at the very end (trailing whitespace and punctuation allowed) is the
///   legacy trailing form. A stray `】` at the end with no `【` nearby is not a signature.
/// - The name is the folded content, trimmed. It is valid when it has 2–16 characters, at least one
///   letter (Latin or CJK: digits- or symbols-only content is a counter or a code, not a brand), no
///   URL-like text and no bracket inside. Otherwise `Invalid` with a short problem.
///   [`Institutions::check`] also accepts a digits-only name that the table registers (the service
///   hotlines `12306`, `12345`, …).
///
/// Work is bounded by the window, except the skipping of leading/trailing padding, which is linear.
pub fn scan(body: &str) -> SignatureScan {
    scan_with(body, &|_| false)
}

/// [`scan`], where `registered` says whether a folded digits-only name is a registered signature.
fn scan_with(body: &str, registered: &dyn Fn(&str) -> bool) -> SignatureScan {
    let start = body.trim_start_matches(is_padding);
    let mut chars = start.chars();
    if let Some(first) = chars.next() {
        if let Some(&(_, close)) = LEADING_PAIRS.iter().find(|(open, _)| *open == first) {
            return leading(chars.as_str(), close, registered);
        }
    }
    trailing(body, registered)
}

fn leading(after_open: &str, close: char, registered: &dyn Fn(&str) -> bool) -> SignatureScan {
    for (n, (i, c)) in after_open.char_indices().enumerate() {
        if n >= BRACKET_WINDOW {
            break;
        }
        if c == close {
            return validate(&after_open[..i], Placement::Leading, registered);
        }
    }
    invalid("no closing bracket")
}

fn trailing(body: &str, registered: &dyn Fn(&str) -> bool) -> SignatureScan {
    let end = body.trim_end_matches(|c: char| is_padding(c) || is_trailing_punctuation(c));
    let Some(before_close) = end.strip_suffix('】') else {
        return SignatureScan::None;
    };
    for (n, (i, c)) in before_close.char_indices().rev().enumerate() {
        if n >= BRACKET_WINDOW {
            break;
        }
        if c == '【' {
            return validate(&before_close[i + c.len_utf8()..], Placement::Trailing, registered);
        }
    }
    SignatureScan::None
}

fn invalid(problem: &str) -> SignatureScan {
    SignatureScan::Invalid { problem: problem.to_string() }
}

/// The one canonical form of a signature name (what consent, feedback and user rules key on):
/// folded (width, case, traditional → simplified), padding trimmed, zero-width characters gone;
/// inner spaces stay, as the sender wrote them.
pub fn canonical_name(raw: &str) -> String {
    fold(raw).trim_matches(is_padding).chars().filter(|c| !is_zero_width(*c)).collect()
}

/// Check the raw content between the brackets and build the signature.
fn validate(content: &str, placement: Placement, registered: &dyn Fn(&str) -> bool) -> SignatureScan {
    if content.chars().any(is_bracket) {
        return invalid("nested brackets");
    }
    let name = canonical_name(content);
    let len = name.chars().count();
    if len == 0 {
        return invalid("empty");
    }
    if len < *NAME_CHARS.start() {
        return invalid("too short (under 2 characters)");
    }
    if len > *NAME_CHARS.end() {
        return invalid("too long (over 16 characters)");
    }
    let has_letter = name.chars().any(char::is_alphabetic);
    let registered_number = name.chars().all(|c| c.is_ascii_digit()) && registered(&name);
    if !has_letter && !registered_number {
        return invalid("no letters (digits or symbols only)");
    }
    if looks_like_url(&name) {
        return invalid("looks like a URL");
    }
    SignatureScan::Valid { signature: Signature { name, placement } }
}

/// `http`, `www.`, `://`, or a domain-like `x.yz` (a dot between an ASCII letter or digit and
/// two ASCII letters). Registered signatures are names, not addresses.
fn looks_like_url(name: &str) -> bool {
    if name.contains("://") || name.contains("http") || name.contains("www.") {
        return true;
    }
    let b = name.as_bytes();
    (1..b.len()).any(|i| {
        b[i] == b'.'
            && b[i - 1].is_ascii_alphanumeric()
            && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
            && b.get(i + 2).is_some_and(u8::is_ascii_alphabetic)
    })
}

fn is_padding(c: char) -> bool {
    c.is_whitespace() || is_zero_width(c)
}

fn is_bracket(c: char) -> bool {
    LEADING_PAIRS.iter().any(|&(open, close)| c == open || c == close)
}

/// Punctuation that may follow a trailing signature (`…【铁路客服】。`). Brackets are excluded.
fn is_trailing_punctuation(c: char) -> bool {
    (c.is_ascii_punctuation() && c != ']' && c != '[')
        || matches!(c, '。' | '，' | '！' | '？' | '；' | '：' | '…' | '～' | '、' | '·' | '”' | '’')
}

/// Lookup key for a signature name or alias: folded, whitespace and zero-width removed, so that
/// `工 商 银 行` and `工商银行` meet.
pub(crate) fn key(name: &str) -> String {
    key_of_folded(&fold(name))
}

/// [`key`] of a name that is already folded (a scanned signature): folding is the costly part.
fn key_of_folded(folded: &str) -> String {
    folded.chars().filter(|c| !is_padding(*c)).collect()
}

/// One sender pattern of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SenderPattern {
    /// The exact normalised number (`95588`).
    Exact(String),
    /// Numbers starting with these digits (`1069*`).
    Prefix(String),
    /// Any sender of this kind is plausible (`kind:port106`), even a kind that would otherwise
    /// count as a spoof (`kind:mobile`).
    Kind(SenderKind),
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) institution: Institution,
    pub(crate) senders: Vec<SenderPattern>,
}

/// The table of institutions and the senders each is expected to use.
#[derive(Debug, Clone, Default)]
pub struct Institutions {
    entries: Vec<Entry>,
    /// Folded alias (the name included) → entry index.
    by_alias: std::collections::HashMap<String, usize>,
    /// Aliases of at least [`CONTAINED_ALIAS_CHARS`] characters, for signatures that add to a
    /// known name (`中国工商银行信用卡`). Keyed by first character, each list longest first, so a
    /// lookup costs one probe per character of the (≤ 16-character) name.
    long_aliases: std::collections::HashMap<char, Vec<(String, usize)>>,
}

/// An alias this long is specific enough to be recognised inside a longer signature.
pub const CONTAINED_ALIAS_CHARS: usize = 4;

impl Institutions {
    /// The table embedded in the library (`core/data/institutions.tsv`), parsed once. A broken
    /// embedded table is a build defect caught by the tests; at run time it degrades to an empty
    /// table rather than panicking.
    pub fn embedded() -> &'static Institutions {
        static EMBEDDED: once_cell::sync::Lazy<Institutions> = once_cell::sync::Lazy::new(|| {
            Institutions::parse(EMBEDDED_TABLE, "institutions.tsv").unwrap_or_else(|e| {
                log::error!("embedded institutions table rejected: {e}");
                Institutions::default()
            })
        });
        &EMBEDDED
    }

    /// Parse a table in the `institutions.tsv` format. `origin` names it in errors.
    ///
    /// Format: `#` starts a comment (whole line or rest of line); blank lines are ignored. The
    /// first other line is the header `name<TAB>kind<TAB>aliases<TAB>senders`. Each following line
    /// has exactly those four tab-separated columns: a name; an [`InstitutionKind`] string;
    /// comma-separated aliases (may be empty; the name is always an alias); comma-separated sender
    /// patterns: exact digits (`95588`), a digit prefix (`1069*`) or `kind:<sender kind>`.
    /// Names and aliases are folded and must be 2–16 characters; an alias may belong to only one
    /// institution.
    pub fn parse(text: &str, origin: &str) -> Result<Institutions, DataError> {
        table::parse(text, origin)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every institution in table order.
    pub fn iter(&self) -> impl Iterator<Item = &Institution> {
        self.entries.iter().map(|e| &e.institution)
    }

    /// The institution a signature name belongs to: an exact name/alias match (after folding and
    /// removing whitespace), else the longest alias of at least 4 characters contained in it.
    pub fn lookup(&self, signature_name: &str) -> Option<&Institution> {
        self.find(&key(signature_name)).map(|i| &self.entries[i].institution)
    }

    /// Entry for a lookup key (see [`key`]).
    fn find(&self, k: &str) -> Option<usize> {
        if let Some(&i) = self.by_alias.get(k) {
            return Some(i);
        }
        // Longest contained alias; on a tie the one starting first.
        let mut best: Option<(usize, usize)> = None; // (alias length in bytes, entry)
        for (pos, c) in k.char_indices() {
            let Some(list) = self.long_aliases.get(&c) else { continue };
            let rest = &k[pos..];
            if let Some((alias, i)) = list.iter().find(|(alias, _)| rest.starts_with(alias.as_str())) {
                if best.is_none_or(|(len, _)| alias.len() > len) {
                    best = Some((alias.len(), *i));
                }
            }
        }
        best.map(|(_, i)| i)
    }

    /// How `sender` fits the institution at `index`.
    ///
    /// Expected: an exact or prefix pattern matches, or the sender is a 106 port whose digits end
    /// with one of the institution's exact numbers of 5+ digits (`106…95588`: banks and shops rent
    /// ports that carry their service number). Plausible: the sender's kind is listed as
    /// `kind:…`. Spoofed: a mobile or an international number, and a landline for banks,
    /// payment, carriers, railway and government ([`InstitutionKind::landline_is_spoof`]).
    /// Plausible otherwise: other ports, service numbers, names, and unknown or empty senders
    /// (iOS and some OEMs hide the sender, which must never read as a spoof).
    fn fit(&self, index: usize, sender: &Sender) -> SenderFit {
        let entry = &self.entries[index];
        let number = sender.normalised.as_str();
        let mut kind_listed = false;
        for pattern in &entry.senders {
            match pattern {
                SenderPattern::Exact(n) => {
                    if number == n {
                        return SenderFit::Expected;
                    }
                    if sender.kind == SenderKind::Port106
                        && n.len() >= 5
                        && number.len() >= n.len() + 3
                        && number.ends_with(n.as_str())
                    {
                        return SenderFit::Expected;
                    }
                }
                SenderPattern::Prefix(p) => {
                    if !number.is_empty()
                        && number.starts_with(p.as_str())
                        && number.bytes().all(|b| b.is_ascii_digit())
                    {
                        return SenderFit::Expected;
                    }
                }
                SenderPattern::Kind(k) => kind_listed |= *k == sender.kind,
            }
        }
        if kind_listed {
            return SenderFit::Plausible;
        }
        match sender.kind {
            SenderKind::Mobile | SenderKind::International => SenderFit::Spoofed,
            SenderKind::Landline if entry.institution.kind.landline_is_spoof() => SenderFit::Spoofed,
            _ => SenderFit::Plausible,
        }
    }

    /// Scan the body and check its signature against the sender.
    pub fn check(&self, body: &str, sender: &Sender) -> SignatureCheck {
        // Exact aliases only: a longer number merely containing `12345` is not that hotline.
        let scan = scan_with(body, &|digits| self.by_alias.contains_key(digits));
        let found = match &scan {
            SignatureScan::Valid { signature } => self.find(&key_of_folded(&signature.name)),
            _ => None,
        };
        match found {
            Some(i) => SignatureCheck {
                fit: self.fit(i, sender),
                institution: Some(self.entries[i].institution.clone()),
                scan,
            },
            None => SignatureCheck { scan, institution: None, fit: SenderFit::NotApplicable },
        }
    }
}

const EMBEDDED_TABLE: &str = include_str!("../data/institutions.tsv");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sender::classify_sender;
    use proptest::prelude::*;

    fn problem(body: &str) -> Option<String> {
        match scan(body) {
            SignatureScan::Invalid { problem } => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn closing_bracket_is_only_searched_near_the_start() {
        // A closer far away would make a huge "signature"; the window keeps the work bounded.
        let body = format!("【{}】", "甲".repeat(200_000));
        assert_eq!(problem(&body).as_deref(), Some("no closing bracket"));
        let body = format!("【{}】尾", "甲".repeat(40));
        assert_eq!(problem(&body).as_deref(), Some("too long (over 16 characters)"));
    }

    #[test]
    fn trailing_opener_is_only_searched_near_the_end() {
        let body = format!("【{}】", "甲".repeat(100));
        // Leading form decides here: too long for the window.
        assert!(problem(&body).is_some());
        let body = format!("前文【{}】", "乙".repeat(100));
        assert_eq!(scan(&body), SignatureScan::None);
    }

    #[test]
    fn leading_signature_wins_over_trailing() {
        let s = scan("【甲乙科技】正文【丙丁商城】");
        let name = match s {
            SignatureScan::Valid { signature } => (signature.name, signature.placement),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(name, ("甲乙科技".to_string(), Placement::Leading));
    }

    #[test]
    fn kind_pattern_overrides_the_spoof_rule() {
        let t = Institutions::parse(
            "name\tkind\taliases\tsenders\n甲乙小店\tother\t\tkind:mobile\n丙丁小店\tother\t\t\n",
            "t.tsv",
        );
        let t = match t {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        let mobile = classify_sender("13800000000");
        assert_eq!(t.check("【甲乙小店】到店有礼", &mobile).fit, SenderFit::Plausible);
        assert_eq!(t.check("【丙丁小店】到店有礼", &mobile).fit, SenderFit::Spoofed);
    }

    #[test]
    fn short_aliases_are_not_matched_inside_longer_names() {
        // 工行 (2 characters) is too generic to be recognised inside another signature.
        assert!(Institutions::embedded().lookup("工行").is_some());
        assert!(Institutions::embedded().lookup("化工行业协会").is_none());
    }

    #[test]
    fn longest_contained_alias_wins_across_institutions() {
        // 中国邮政 (courier) is also inside 中国邮政储蓄银行 (bank): the longer alias is more specific.
        let t = Institutions::embedded();
        let name = |s: &str| t.lookup(s).map(|i| i.name.clone());
        assert_eq!(name("中国邮政储蓄银行信用卡").as_deref(), Some("中国邮政储蓄银行"));
        assert_eq!(name("中国邮政速递物流").as_deref(), Some("中国邮政"));
        assert_eq!(name("某地中国邮政揽投部").as_deref(), Some("中国邮政"));
    }

    #[test]
    fn port_suffix_needs_the_whole_service_number() {
        let t = Institutions::embedded();
        let body = "【工商银行】您的验证码为000000。";
        let fit = |s: &str| t.check(body, &classify_sender(s)).fit;
        assert_eq!(fit("1069095588"), SenderFit::Expected);
        assert_eq!(fit("1069095589"), SenderFit::Plausible);
    }

    proptest! {
        #[test]
        fn scan_and_check_never_panic(body in any::<String>(), sender in any::<String>()) {
            let check = Institutions::embedded().check(&body, &classify_sender(&sender));
            if let SignatureScan::Valid { signature } = &check.scan {
                prop_assert!(NAME_CHARS.contains(&signature.name.chars().count()));
            }
            if check.institution.is_none() {
                prop_assert_eq!(check.fit, SenderFit::NotApplicable);
            }
        }

        #[test]
        fn bracketed_bodies_never_panic(body in "[【】\\[\\]［］〖〗 \u{200b}a1.甲]{0,80}") {
            let _ = scan(&body);
        }

        #[test]
        fn problems_never_quote_the_content(content in "[a-z甲乙丙]{3,30}") {
            if let Some(p) = problem(&format!("【{content}"))
                .or_else(|| problem(&format!("【{content}{content}】")))
            {
                prop_assert!(!p.contains(content.as_str()));
            }
        }

        #[test]
        fn empty_or_hidden_sender_is_never_spoofed(body in ".{0,40}", blank in "[ \u{200b}]{0,3}") {
            let check = Institutions::embedded().check(&format!("【工商银行】{body}"), &classify_sender(&blank));
            prop_assert_ne!(check.fit, SenderFit::Spoofed);
        }
    }
}
