//! Step 4a: the model's features. Turns a [`ModelInput`] into the int64 ids the ONNX model's
//! embedding bag gathers: hashed character n-grams of `Normalised::masked` plus a few structural
//! ids. This is the only featuriser: the training pipeline runs it through
//! `core/examples/featurize.rs`, so training and the phone see exactly the same ids.
//!
//! # Definition (version [`FEATURISER_VERSION`])
//! 1. `masked` is split into *units*: a mask (`<` + `A`–`Z` + `>`, e.g. `<URL>`) is one unit, a run
//!    of ASCII digits is one unit (`0`: a normaliser that missed a number must not leak which
//!    digits, or which corpus masking, a text used), whitespace is dropped (segmented corpora put
//!    spaces between words, phones do not), every other `char` is one unit. Only the first
//!    [`MAX_UNITS`] units are used, which bounds the work for very long texts.
//! 2. Every n-gram of 1 to [`MAX_N`] consecutive units is hashed with 64-bit FNV-1a over the
//!    byte `n` followed by each unit's UTF-8 bytes and a `0xFF` separator (never in UTF-8); the
//!    id is `(h ^ (h >> 32)) % BUCKETS`. Ids are emitted by position, then by n.
//! 3. Structural ids follow, each `BUCKETS + k`: the sender kind (always one), signature
//!    present or absent (always one), then one per mask kind present (URL, phone, amount, code,
//!    pickup code, date) and one if an opt-out marker (退订 / 拒收 / unsubscribe) is present.
//!
//! The output is never empty (the two always-present structural ids), so the model's mean is
//! always defined. Changing anything here changes the ids: bump [`FEATURISER_VERSION`] and retrain.

use crate::message::SmsMessage;
use crate::model::ModelInput;
use crate::normalise::normalise;
use crate::sender::{classify_sender, SenderKind};
use crate::signature::Institutions;

/// Bumped whenever [`featurise`] changes its output for any input. The model manifest records the
/// version it was trained with; a mismatch refuses the model.
pub const FEATURISER_VERSION: u32 = 1;

/// Hash buckets for n-grams (ids `0..BUCKETS`).
pub const BUCKETS: u32 = 1 << 15;

/// Longest n-gram, in units.
pub const MAX_N: usize = 3;

/// Units beyond this are ignored (an SMS segment holds 70 characters; long spam is recognisable
/// from its start).
pub const MAX_UNITS: usize = 160;

/// Structural ids, in order after the buckets.
const SENDER_BASE: u32 = BUCKETS; // + index in SenderKind::ALL (8)
const SIGNATURE_PRESENT: u32 = SENDER_BASE + SenderKind::ALL.len() as u32;
const SIGNATURE_ABSENT: u32 = SIGNATURE_PRESENT + 1;
/// Masks whose presence gets its own id, in id order.
const MASK_FLAGS: [&str; 6] = ["<URL>", "<PHONE>", "<AMOUNT>", "<CODE>", "<PICKUP>", "<DATE>"];
const MASK_BASE: u32 = SIGNATURE_ABSENT + 1;
const OPT_OUT: u32 = MASK_BASE + MASK_FLAGS.len() as u32;
/// Marketing must carry an unsubscribe instruction (回T退订, 拒收请回复R, …).
const OPT_OUT_MARKERS: [&str; 3] = ["退订", "拒收", "unsubscribe"];

/// Number of rows the model's embedding table must have: every id is `< VOCAB`.
pub const VOCAB: u32 = OPT_OUT + 1;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const SEPARATOR: u8 = 0xFF;
const DIGITS_UNIT: &str = "0";

/// The features of one message, as the model's int64 input.
pub fn featurise(input: &ModelInput<'_>) -> Vec<i64> {
    let mut out = Vec::new();
    featurise_into(input, &mut out);
    out
}

/// [`featurise`] into a caller's buffer (cleared first), to reuse its allocation.
pub fn featurise_into(input: &ModelInput<'_>, out: &mut Vec<i64>) {
    out.clear();
    let masked = input.normalised.masked.as_str();
    let units = units(masked);
    out.reserve(units.len() * MAX_N + 4 + MASK_FLAGS.len());
    for start in 0..units.len() {
        for n in 1..=MAX_N.min(units.len() - start) {
            out.push(bucket(ngram_hash(&units[start..start + n])));
        }
    }
    push_structural_ids(input, masked, out);
}

/// Normalise, classify the sender, find the signature (embedded institutions table) and
/// featurise: what the engine does before calling the model, for one raw message.
pub fn featurise_message(msg: &SmsMessage) -> Vec<i64> {
    let normalised = normalise(&msg.body);
    let sender = classify_sender(&msg.sender);
    let check = Institutions::embedded().check(&msg.body, &sender);
    featurise(&ModelInput {
        normalised: &normalised,
        sender_kind: sender.kind,
        signature: check.signature().map(|s| s.name.as_str()),
    })
}

/// FNV-1a over `n`, then each unit's bytes followed by the separator.
fn ngram_hash(units: &[&str]) -> u64 {
    let mut h = fnv(FNV_OFFSET, &[units.len() as u8]);
    for u in units {
        h = fnv(h, u.as_bytes());
        h = fnv(h, &[SEPARATOR]);
    }
    h
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn bucket(h: u64) -> i64 {
    ((h ^ (h >> 32)) % u64::from(BUCKETS)) as i64
}

/// Split into units (see the module doc). Borrowed slices: no per-unit allocation.
fn units(s: &str) -> Vec<&str> {
    let mut units = Vec::with_capacity(s.len().min(MAX_UNITS * 4));
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && units.len() < MAX_UNITS {
        let b = bytes[i];
        if b == b'<' {
            if let Some(len) = mask_len(&bytes[i..]) {
                units.push(&s[i..i + len]);
                i += len;
                continue;
            }
        }
        if b.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            units.push(DIGITS_UNIT);
            continue;
        }
        // `i` is always on a char boundary: masks and digit runs are ASCII.
        let Some(c) = s[i..].chars().next() else { break };
        let len = c.len_utf8();
        if !c.is_whitespace() {
            units.push(&s[i..i + len]);
        }
        i += len;
    }
    units
}

/// Length of a mask (`<` + one or more `A`–`Z` + `>`) at the start of `b`, if there is one.
fn mask_len(b: &[u8]) -> Option<usize> {
    let letters = b.iter().skip(1).take_while(|c| c.is_ascii_uppercase()).count();
    (letters > 0 && b.get(1 + letters) == Some(&b'>')).then_some(letters + 2)
}

fn push_structural_ids(input: &ModelInput<'_>, masked: &str, out: &mut Vec<i64>) {
    let kind =
        SenderKind::ALL.iter().position(|k| *k == input.sender_kind).unwrap_or(SenderKind::ALL.len() - 1);
    out.push(i64::from(SENDER_BASE + kind as u32));
    let signature = input.signature.is_some_and(|s| !s.is_empty());
    out.push(i64::from(if signature { SIGNATURE_PRESENT } else { SIGNATURE_ABSENT }));
    for (k, m) in MASK_FLAGS.iter().enumerate() {
        if masked.contains(m) {
            out.push(i64::from(MASK_BASE + k as u32));
        }
    }
    if OPT_OUT_MARKERS.iter().any(|m| masked.contains(m)) {
        out.push(i64::from(OPT_OUT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::Normalised;

    fn input_ids(masked: &str, kind: SenderKind, signature: Option<&str>) -> Vec<i64> {
        let n = Normalised { text: masked.to_string(), masked: masked.to_string(), ..Default::default() };
        featurise(&ModelInput { normalised: &n, sender_kind: kind, signature })
    }

    #[test]
    fn mask_is_one_unit() {
        assert_eq!(units("取件码<PICKUP>到了"), vec!["取", "件", "码", "<PICKUP>", "到", "了"]);
        // Not masks: lower case, empty, unterminated.
        assert_eq!(units("<url><>"), vec!["<", "u", "r", "l", ">", "<", ">"]);
        assert_eq!(units("a<URL"), vec!["a", "<", "U", "R", "L"]);
    }

    #[test]
    fn digits_collapse_and_whitespace_is_dropped() {
        assert_eq!(units("尾号 4821 卡"), vec!["尾", "号", "0", "卡"]);
        assert_eq!(
            input_ids("尾号4821卡", SenderKind::Service, None),
            input_ids("尾号 77 卡", SenderKind::Service, None)
        );
    }

    #[test]
    fn counts_and_ranges() {
        // 4 units → 4 + 3 + 2 n-grams, then sender kind and signature-absent.
        let ids = input_ids("你好吗?", SenderKind::Mobile, None);
        assert_eq!(ids.len(), 9 + 2);
        assert!(ids[..9].iter().all(|&i| (0..i64::from(BUCKETS)).contains(&i)));
        assert_eq!(ids[9], i64::from(SENDER_BASE)); // Mobile is first in SenderKind::ALL
        assert_eq!(ids[10], i64::from(SIGNATURE_ABSENT));
    }

    #[test]
    fn structural_flags() {
        let ids =
            input_ids("【某某银行】验证码<CODE>，链接<URL>，回t退订", SenderKind::Port106, Some("某某银行"));
        let tail: Vec<i64> = ids.iter().copied().filter(|&i| i >= i64::from(BUCKETS)).collect();
        assert_eq!(
            tail,
            vec![
                i64::from(SENDER_BASE + 1),
                i64::from(SIGNATURE_PRESENT),
                i64::from(MASK_BASE),
                i64::from(MASK_BASE + 3),
                i64::from(OPT_OUT)
            ]
        );
        assert!(ids.iter().all(|&i| i < i64::from(VOCAB)));
    }

    #[test]
    fn empty_text_still_has_ids() {
        assert_eq!(input_ids("", SenderKind::Unknown, None).len(), 2);
        assert_eq!(input_ids("   \n", SenderKind::Unknown, Some("")).len(), 2);
    }

    #[test]
    fn long_text_is_bounded() {
        let long = "测".repeat(10_000);
        let ids = input_ids(&long, SenderKind::Unknown, None);
        assert_eq!(ids.len(), MAX_UNITS * MAX_N - (1 + 2) + 2);
    }

    #[test]
    fn order_matters_for_bigrams() {
        let a = input_ids("ab", SenderKind::Unknown, None);
        let b = input_ids("ba", SenderKind::Unknown, None);
        // Same unigrams, different bigram.
        assert_ne!(a, b);
        let mut ua = [a[0], a[2]];
        let mut ub = [b[0], b[2]];
        ua.sort_unstable();
        ub.sort_unstable();
        assert_eq!(ua, ub);
    }
}
