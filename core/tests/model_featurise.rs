//! The featuriser against the shared vectors (written by the independent Python reading of the
//! documented definition, `models/smsguard_train/featref.py`) and its robustness guarantees.

use proptest::prelude::*;
use serde::Deserialize;
use smsguard_core::featurise::{featurise, featurise_message, VOCAB};
use smsguard_core::model::ModelInput;
use smsguard_core::normalise::{normalise, Normalised};
use smsguard_core::sender::classify_sender;
use smsguard_core::{SenderKind, SmsMessage};

#[derive(Deserialize)]
struct Vector {
    name: String,
    masked: String,
    sender_kind: String,
    signature: Option<String>,
    ids: Vec<i64>,
}

fn ids_for(masked: &str, kind: SenderKind, signature: Option<&str>) -> Vec<i64> {
    let n = Normalised { text: masked.to_string(), masked: masked.to_string(), ..Default::default() };
    featurise(&ModelInput { normalised: &n, sender_kind: kind, signature })
}

#[test]
fn shared_vectors_match() {
    let text = include_str!("../../testdata/featurise.jsonl");
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let v: Vector = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        let kind = SenderKind::parse(&v.sender_kind).unwrap_or_else(|| panic!("{}: bad kind", v.name));
        assert_eq!(ids_for(&v.masked, kind, v.signature.as_deref()), v.ids, "vector {}", v.name);
        count += 1;
    }
    assert!(count >= 10, "too few vectors: {count}");
}

#[test]
fn message_path_is_normalise_then_featurise() {
    // Whatever the normaliser does, featurise_message must feed its masked text, the sender kind
    // and the signature: the engine sees the same ids.
    let msg = SmsMessage::new("10086", "【测试通信】您本月已用流量3.5GB，回复CXLL查询。");
    let n = normalise(&msg.body);
    let sender = classify_sender(&msg.sender);
    let check = smsguard_core::signature::Institutions::embedded().check(&msg.body, &sender);
    let sig = check.signature().map(|s| s.name.as_str());
    let direct = featurise(&ModelInput { normalised: &n, sender_kind: sender.kind, signature: sig });
    assert_eq!(featurise_message(&msg), direct);
}

#[test]
fn masks_differ_from_their_letters() {
    // `<URL>` is a unit of its own, not the five characters of a lower-case "<url>".
    assert_ne!(ids_for("看<URL>", SenderKind::Unknown, None), ids_for("看<url>", SenderKind::Unknown, None));
    // Different masks give different ids.
    assert_ne!(ids_for("码<CODE>", SenderKind::Unknown, None), ids_for("码<NUM>", SenderKind::Unknown, None));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_gives_bounded_in_range_ids(s in "\\PC{0,400}", k in 0usize..8, sig in proptest::option::of("\\PC{0,6}")) {
        let kind = SenderKind::ALL[k];
        let a = ids_for(&s, kind, sig.as_deref());
        prop_assert!(a.len() >= 2);
        prop_assert!(a.len() <= 160 * 3 + 2 + 7);
        prop_assert!(a.iter().all(|&i| (0..i64::from(VOCAB)).contains(&i)));
        // Deterministic.
        prop_assert_eq!(&a, &ids_for(&s, kind, sig.as_deref()));
    }

    #[test]
    fn raw_messages_never_panic(sender in "\\PC{0,20}", body in "\\PC{0,300}") {
        let ids = featurise_message(&SmsMessage::new(sender, body));
        prop_assert!(ids.iter().all(|&i| (0..i64::from(VOCAB)).contains(&i)));
    }
}
