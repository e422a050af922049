//! Checks every vector in `testdata/normalise.jsonl` (the single source of truth for the
//! normaliser, also read by the Python/Kotlin tests) and a few properties on arbitrary input.

use proptest::prelude::*;
use serde::Deserialize;
use smsguard_core::normalise::{fold, normalise, EntityKind};

const VECTORS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/normalise.jsonl"));

const STEPS: &[&str] = &[
    "nfkc",
    "t2s",
    "case",
    "zero_width",
    "decorations",
    "split_chars",
    "variant",
    "whitespace",
    "url",
    "phone",
    "amount",
    "code",
    "date",
    "pickup",
    "number",
    "x_mask",
    "mixed",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    step: String,
    note: String,
    input: String,
    text: String,
    masked: String,
    entities: Option<Vec<VEntity>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct VEntity {
    kind: EntityKind,
    text: String,
}

fn load() -> Vec<(usize, Vector)> {
    VECTORS
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| match serde_json::from_str(l) {
            Ok(v) => (i + 1, v),
            Err(e) => panic!("normalise.jsonl line {}: {e}", i + 1),
        })
        .collect()
}

#[test]
fn vectors_hold() {
    let vectors = load();
    assert!(vectors.len() >= 80, "only {} vectors", vectors.len());
    let mut failures = Vec::new();
    for (line, v) in &vectors {
        if !STEPS.contains(&v.step.as_str()) {
            failures.push(format!("line {line}: unknown step {:?}", v.step));
        }
        let n = normalise(&v.input);
        let mut why = Vec::new();
        if n.text != v.text {
            why.push(format!("text: got {:?}, want {:?}", n.text, v.text));
        }
        if n.masked != v.masked {
            why.push(format!("masked: got {:?}, want {:?}", n.masked, v.masked));
        }
        if let Some(want) = &v.entities {
            let got: Vec<VEntity> =
                n.entities.iter().map(|e| VEntity { kind: e.kind, text: e.text.clone() }).collect();
            if &got != want {
                why.push(format!("entities: got {got:?}, want {want:?}"));
            }
        }
        // Every vector's text must already be a fixpoint of normalise.
        let again = normalise(&n.text);
        if again.text != n.text {
            why.push(format!("not idempotent: {:?} -> {:?}", n.text, again.text));
        }
        if !why.is_empty() {
            failures.push(format!("line {line} [{}] {}:\n    {}", v.step, v.note, why.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn every_step_has_vectors() {
    let vectors = load();
    for step in STEPS {
        assert!(vectors.iter().any(|(_, v)| v.step == *step), "no vector for step {step}");
    }
}

#[test]
fn evasions_are_reported() {
    let cases: &[(&str, &[&str])] = &[
        ("加 微 信 领取", &["split_chars"]),
        ("加-薇-信", &["split_chars", "variant:wechat"]),
        ("V❤信号abc123", &["decorations", "variant:wechat"]),
        ("+vx:abc", &["variant:wechat", "variant:add"]),
        ("扣扣群", &["variant:qq"]),
        ("回复TD退订", &[]),
        ("提高威信", &[]),
        // Word-segmented text (spaces between multi-character words) joins without an evasion.
        ("欢迎 光临 本 店 的 新 会员", &[]),
    ];
    for (input, want) in cases {
        let n = normalise(input);
        assert_eq!(n.evasions, *want, "input {input:?} -> {:?}", n.text);
    }
}

#[test]
fn fold_keeps_brackets_and_drops_decorations() {
    assert_eq!(fold("【ＸＸ銀行】"), "【xx银行】");
    assert_eq!(fold("★優惠★"), "优惠");
}

/// Characters that exercise every branch: digits, masks, separators, CJK, keywords pieces.
fn sms_like() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "0",
        "1",
        "3",
        "8",
        "9",
        "x",
        "xx",
        "*",
        "-",
        ".",
        "/",
        ":",
        " ",
        "+",
        "¥",
        "元",
        "万",
        "年",
        "月",
        "日",
        "号",
        "码",
        "验证码",
        "取件码",
        "凭",
        "是",
        "加",
        "微",
        "信",
        "v",
        "vx",
        "薇",
        "扣扣",
        "http://",
        "www.",
        ".cn",
        "t.cn/",
        "a",
        "Ａ",
        "１",
        "❤",
        "\u{200B}",
        "\u{FE0F}",
        "\u{301}",
        "İ",
        "銀",
        "\n",
        "【",
        "】",
        "，",
        "。",
        "DIGIT",
        "CELLPHONE",
        "URL",
        "\\ue310",
        "人民币",
        "rmb",
        "code",
        "is",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_masks_all_digits(s in any::<String>()) {
        let n = normalise(&s);
        prop_assert!(!n.masked.chars().any(|c| c.is_ascii_digit()), "{:?}", n.masked);
    }

    #[test]
    fn sms_like_properties(s in sms_like()) {
        let n = normalise(&s);
        prop_assert!(!n.masked.chars().any(|c| c.is_ascii_digit()), "masked {:?}", n.masked);
        for e in &n.entities {
            prop_assert!(n.text.contains(&e.text));
        }
        let again = normalise(&n.text);
        prop_assert_eq!(&again.text, &n.text);
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f);
    }

    #[test]
    fn fold_idempotent(s in any::<String>()) {
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f);
    }

    #[test]
    fn text_idempotent(s in any::<String>()) {
        let n = normalise(&s);
        prop_assert_eq!(normalise(&n.text).text, n.text);
    }
}

#[test]
fn huge_repeats_are_linear() {
    // Long adversarial inputs must finish quickly (linear scanners, bounded windows).
    for unit in ["1", "x", "*", "加 ", "-微", "验证码", "1-", "a.", "http://a", "¥1,000", "\\ue000", "❤ "]
    {
        let s = unit.repeat(20_000);
        let start = std::time::Instant::now();
        let n = normalise(&s);
        assert!(!n.masked.chars().any(|c| c.is_ascii_digit()));
        assert!(start.elapsed().as_secs() < 5, "{unit:?} took {:?}", start.elapsed());
    }
}
