//! Step 2a: who sent it. Normalises the sender (+86/0086, spaces, dashes) and sorts it into a
//! [`SenderKind`]: the kind of number says a lot about what a message may legitimately be.

use serde::{Deserialize, Serialize};

use crate::normalise::is_zero_width;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    /// 11-digit mainland mobile (1[3-9]x…): a person, or a spoofer when paired with an institution.
    Mobile,
    /// 106xxxx SMS ports (1065x, 1069x…): both codes and marketing.
    Port106,
    /// 95xxx / 96xxx service numbers (banks 955xx, …).
    Service,
    /// Carrier short codes (10086, 10010, 10000, …).
    Carrier,
    /// Fixed-line numbers (area code + number).
    Landline,
    /// A name instead of a number.
    Alphanumeric,
    /// A number from outside mainland China.
    International,
    Unknown,
}

impl SenderKind {
    pub const ALL: [SenderKind; 8] = [
        SenderKind::Mobile,
        SenderKind::Port106,
        SenderKind::Service,
        SenderKind::Carrier,
        SenderKind::Landline,
        SenderKind::Alphanumeric,
        SenderKind::International,
        SenderKind::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Mobile => "mobile",
            SenderKind::Port106 => "port106",
            SenderKind::Service => "service",
            SenderKind::Carrier => "carrier",
            SenderKind::Landline => "landline",
            SenderKind::Alphanumeric => "alphanumeric",
            SenderKind::International => "international",
            SenderKind::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<SenderKind> {
        SenderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A sender after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// Digits only for numbers (country prefix of mainland numbers removed), the trimmed name for
    /// alphanumeric senders, `+<digits>` for international numbers.
    pub normalised: String,
    pub kind: SenderKind,
}

/// Carrier customer-service short codes. Each also covers sub-numbers of up to
/// [`CARRIER_EXTRA_DIGITS`] more digits (1008611 balance queries, 10086999 reports, 1001011…):
/// carriers send those from the same platform, and nothing else in the mainland plan starts with
/// these five digits.
const CARRIER_CODES: [&str; 6] = [
    "10086", // China Mobile
    "10010", // China Unicom
    "10000", // China Telecom
    "10001", // China Telecom self-service
    "10011", // China Unicom top-up
    "10099", // China Broadnet
];
const CARRIER_EXTRA_DIGITS: usize = 4;

/// E.164 caps a full international number at 15 digits; fewer than 6 cannot be a phone number.
const INTERNATIONAL_DIGITS: std::ops::RangeInclusive<usize> = 6..=15;

/// Normalise and classify a sender as the phone reports it.
///
/// Normalisation: trim; drop spaces, dashes, dots, parentheses and zero-width characters;
/// full-width digits and `＋` become ASCII; `+86` / `0086` are stripped, and so is a leading `86`
/// in front of an 11-digit mobile (13 digits in all). Mainland numbers end up digits only, foreign
/// numbers as `+<digits>`, names (anything with a letter, Latin or CJK) as the trimmed original.
///
/// Kinds, checked in this order on the mainland digits (see [`classify_mainland`]):
/// - `mobile`: `1[3-9]` + 9 digits;
/// - `carrier`: 10086, 10010, 10000, 10001, 10011, 10099, each optionally followed by up to 4
///   more digits (1008611, 10086999, 1001011…);
/// - `port106`: `106` + 5..=17 digits;
/// - `service`: `95` / `96` + 3..=4 digits, the 5-digit `12xxx` public-service hotlines
///   (12306, 12315, 12345, 12381, …), China Post's 5-digit `111xx` (11183, 11185), and the
///   10-digit `400` / `800` numbers;
/// - `landline`: `0` + area code (10, 2x, or 3 digits starting 3–9) + 7–8 digits. After `+86`
///   the trunk `0` is usually dropped (`+86 10 xxxx xxxx`), so such a number gets it back, unless
///   it already reads as another kind (`+86 10 6xxx xxxx` is also a 106 port; ports are far more
///   common senders than Beijing landlines);
/// - `international`: `+` / `00` with a country code other than 86 and 6–15 digits, or a bare
///   12–15-digit string starting with 2–9 (nothing in the mainland plan looks like that);
/// - `alphanumeric`: contains a letter;
/// - `unknown`: empty, or anything else (short codes, stray symbols). Unknown is never treated
///   as a spoofing signal downstream, so doubtful strings land here rather than `international`.
///
/// Linear in the input; never panics.
pub fn classify_sender(raw: &str) -> Sender {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || is_zero_width(c));
    if trimmed.is_empty() {
        return Sender { normalised: String::new(), kind: SenderKind::Unknown };
    }
    let mut cleaned = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        if is_separator(c) {
            continue;
        }
        cleaned.push(fold_width(c));
    }
    if cleaned.chars().any(char::is_alphabetic) {
        return Sender { normalised: trimmed.to_string(), kind: SenderKind::Alphanumeric };
    }
    let (plus, digits) = match cleaned.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Sender { normalised: cleaned, kind: SenderKind::Unknown };
    }
    // Explicit international form: `+cc…` or `00cc…`.
    let international =
        if plus { Some(digits) } else { digits.strip_prefix("00").filter(|rest| !rest.is_empty()) };
    if let Some(full) = international {
        if let Some(national) = full.strip_prefix("86") {
            return classify_after_country_code(national);
        }
        if !full.starts_with('0') && INTERNATIONAL_DIGITS.contains(&full.len()) {
            return Sender { normalised: format!("+{full}"), kind: SenderKind::International };
        }
        return Sender { normalised: cleaned, kind: SenderKind::Unknown };
    }
    // `86` + an 11-digit mobile, as some phones show it without the plus.
    if digits.len() == 13 {
        if let Some(national) = digits.strip_prefix("86") {
            if is_mobile(national) {
                return Sender { normalised: national.to_string(), kind: SenderKind::Mobile };
            }
        }
    }
    let kind = classify_mainland(digits);
    if kind != SenderKind::Unknown {
        return Sender { normalised: digits.to_string(), kind };
    }
    if (12..=15).contains(&digits.len()) && matches!(digits.as_bytes()[0], b'2'..=b'9') {
        return Sender { normalised: format!("+{digits}"), kind: SenderKind::International };
    }
    Sender { normalised: digits.to_string(), kind: SenderKind::Unknown }
}

/// The national part of a `+86` / `0086` number.
fn classify_after_country_code(national: &str) -> Sender {
    let kind = classify_mainland(national);
    if kind != SenderKind::Unknown {
        return Sender { normalised: national.to_string(), kind };
    }
    // International format drops the landline trunk prefix: put it back.
    let with_trunk = format!("0{national}");
    if !national.starts_with('0') && classify_mainland(&with_trunk) == SenderKind::Landline {
        return Sender { normalised: with_trunk, kind: SenderKind::Landline };
    }
    Sender { normalised: national.to_string(), kind: SenderKind::Unknown }
}

/// Kind of a mainland number given as ASCII digits (no country code). `Unknown` when it fits no
/// plan; never `Alphanumeric` or `International`.
pub fn classify_mainland(digits: &str) -> SenderKind {
    let d = digits.as_bytes();
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return SenderKind::Unknown;
    }
    if is_mobile(digits) {
        return SenderKind::Mobile;
    }
    if CARRIER_CODES
        .iter()
        .any(|code| digits.starts_with(code) && digits.len() <= code.len() + CARRIER_EXTRA_DIGITS)
    {
        return SenderKind::Carrier;
    }
    if digits.starts_with("106") && (8..=20).contains(&d.len()) {
        return SenderKind::Port106;
    }
    if is_service(digits) {
        return SenderKind::Service;
    }
    if is_landline(digits) {
        return SenderKind::Landline;
    }
    SenderKind::Unknown
}

fn is_mobile(digits: &str) -> bool {
    let d = digits.as_bytes();
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

fn is_service(digits: &str) -> bool {
    let len = digits.len();
    ((digits.starts_with("95") || digits.starts_with("96")) && (5..=6).contains(&len))
        || (digits.starts_with("12") && len == 5)
        || (digits.starts_with("111") && len == 5)
        || ((digits.starts_with("400") || digits.starts_with("800")) && len == 10)
}

fn is_landline(digits: &str) -> bool {
    let d = digits.as_bytes();
    if d.len() < 3 || d[0] != b'0' {
        return false;
    }
    // Beijing 010 and the 02x cities have 2-digit area codes, everything else 3 digits.
    let area = match d[1] {
        b'1' if d[2] == b'0' => 2,
        b'2' => 2,
        b'3'..=b'9' => 3,
        _ => return false,
    };
    // Checked: a short string must not underflow.
    d.len().checked_sub(1 + area).is_some_and(|subscriber| (7..=8).contains(&subscriber))
}

/// Characters people and phones put between digit groups.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || is_zero_width(c)
        || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '－' | '.' | '．' | '·' | '(' | ')' | '（' | '）')
}

/// Full-width digits and plus sign to ASCII.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '＋' => '+',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind(raw: &str) -> SenderKind {
        classify_sender(raw).kind
    }

    #[test]
    fn carrier_sub_numbers_are_bounded() {
        assert_eq!(kind("1008611"), SenderKind::Carrier);
        assert_eq!(kind("10086999"), SenderKind::Carrier);
        // Too long for a carrier sub-number and not a mobile either.
        assert_eq!(kind("1008612345"), SenderKind::Unknown);
    }

    #[test]
    fn landline_regains_trunk_prefix_after_country_code() {
        let s = classify_sender("+86 21 6123 4567");
        assert_eq!((s.normalised.as_str(), s.kind), ("02161234567", SenderKind::Landline));
    }

    #[test]
    fn short_strings_after_country_code_do_not_underflow() {
        // Found by proptest: `+86` followed by two digits once underflowed the landline check.
        assert_eq!(kind("+8630"), SenderKind::Unknown);
        assert_eq!(kind("0"), SenderKind::Unknown);
        assert_eq!(kind("01"), SenderKind::Unknown);
    }

    #[test]
    fn all_kinds_round_trip_through_strings() {
        for k in SenderKind::ALL {
            assert_eq!(SenderKind::parse(k.as_str()), Some(k));
        }
    }

    proptest! {
        #[test]
        fn never_panics(raw in any::<String>()) {
            let s = classify_sender(&raw);
            // Numbers come out as digits (or +digits); only names and unknowns keep other text.
            if matches!(s.kind, SenderKind::Mobile | SenderKind::Port106 | SenderKind::Service
                | SenderKind::Carrier | SenderKind::Landline) {
                prop_assert!(s.normalised.bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn digit_strings_never_panic(raw in "[+0-9０-９ ()-]{0,30}") {
            let _ = classify_sender(&raw);
        }
    }
}
