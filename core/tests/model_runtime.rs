//! The tract runtime on the tiny random-weight model in `testdata/model/` (same graph shape as the
//! shipped model; written by `python -m smsguard_train.export --tiny testdata/model`, then
//! `scripts/convert-model.sh testdata/model/tiny.onnx testdata/model/tiny.nnef.tar testdata/model/tiny.manifest.json`), checked
//! against onnxruntime's outputs, and refusing every kind of bad model without panicking.

use std::sync::Arc;

use serde::Deserialize;
use smsguard_core::featurise::VOCAB;
use smsguard_core::model::manifest::{sha256_hex, Manifest};
use smsguard_core::model::NnefModel;
use smsguard_core::verdict::{Action, Category};
use smsguard_core::{Engine, SmsMessage};

const TINY: &[u8] = include_bytes!("../../testdata/model/tiny.nnef.tar");
const TINY_MANIFEST: &str = include_str!("../../testdata/model/tiny.manifest.json");
const TINY_GOLDENS: &str = include_str!("../../testdata/model/tiny.goldens.jsonl");

#[derive(Deserialize)]
struct Golden {
    name: String,
    ids: Vec<i64>,
    actions: std::collections::BTreeMap<String, f32>,
    categories: std::collections::BTreeMap<String, f32>,
}

fn tiny() -> NnefModel {
    NnefModel::from_bytes(TINY, TINY_MANIFEST).expect("tiny model loads")
}

fn manifest_for(bytes: &[u8], change: impl FnOnce(&mut Manifest)) -> String {
    let mut m = Manifest::parse(TINY_MANIFEST).expect("manifest parses");
    m.model_sha256 = sha256_hex(bytes);
    change(&mut m);
    serde_json::to_string(&m).expect("serialises")
}

#[test]
fn matches_onnxruntime_goldens() {
    let model = tiny();
    let cats = &model.manifest().manifest.categories;
    let mut n = 0;
    for line in TINY_GOLDENS.lines() {
        let g: Golden = serde_json::from_str(line).expect("golden line");
        let out = model.run(&g.ids).expect("runs");
        for (i, a) in model.manifest().manifest.actions.iter().enumerate() {
            let want = g.actions[a];
            assert!((out.actions[i] - want).abs() < 1e-4, "{} {a}: {} vs {want}", g.name, out.actions[i]);
        }
        for (i, c) in cats.iter().enumerate() {
            let want = g.categories[c];
            assert!(
                (out.categories[i] - want).abs() < 1e-4,
                "{} {c}: {} vs {want}",
                g.name,
                out.categories[i]
            );
        }
        // The score maps outputs onto actions by the manifest's label map.
        let score = model.predict_ids(&g.ids).expect("predicts");
        for a in [Action::Allow, Action::Transaction, Action::Promotion, Action::Junk] {
            assert!((score.prob(a) - g.actions[a.as_str()]).abs() < 1e-4, "{} {a}", g.name);
        }
        n += 1;
    }
    assert!(n >= 5);
}

#[test]
fn category_fits_the_top_action() {
    let model = tiny();
    for line in TINY_GOLDENS.lines() {
        let g: Golden = serde_json::from_str(line).expect("golden line");
        let score = model.predict_ids(&g.ids).expect("predicts");
        let (top, _) = score.top();
        if let Some((cat, p)) = score.category {
            assert!(cat.fits(top), "{}: {cat:?} does not fit {top:?}", g.name);
            // It is the best fitting one.
            for (c, q) in &g.categories {
                let c = Category::parse(c).expect("category name");
                if c.fits(top) {
                    assert!(p + 1e-6 >= *q, "{}: {cat:?} {p} < {c:?} {q}", g.name);
                }
            }
        }
    }
}

#[test]
fn predict_features_the_input_and_is_a_distribution() {
    let model = tiny();
    let msg = SmsMessage::new("1069012345", "【某书店】周末新书八折，回T退订");
    let verdict = Engine::new().with_model(Arc::new(tiny())).explain(&msg);
    let score = verdict.model.expect("engine ran the model");
    assert_eq!(verdict.model_name.as_deref(), Some("tiny-v1"));
    let direct = model.predict_ids(&smsguard_core::featurise::featurise_message(&msg)).expect("runs");
    assert_eq!(score, direct);
    let sum = score.allow + score.transaction + score.promotion + score.junk;
    assert!((sum - 1.0).abs() < 1e-4);
}

#[test]
fn shared_across_threads() {
    let model = Arc::new(tiny());
    let ids: Vec<Vec<i64>> =
        (0..8).map(|k| (0..40).map(|j| (k * 977 + j * 131) % i64::from(VOCAB)).collect()).collect();
    let want: Vec<_> = ids.iter().map(|x| model.run(x).expect("runs")).collect();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    for (x, w) in ids.iter().zip(&want) {
                        assert_eq!(&model.run(x).expect("runs"), w);
                    }
                }
            });
        }
    });
}

#[test]
fn refuses_corrupt_bytes() {
    // One flipped byte: the manifest's hash catches it before tract sees the bytes.
    let mut bad = TINY.to_vec();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    let e = NnefModel::from_bytes(&bad, TINY_MANIFEST).expect_err("hash mismatch");
    assert_eq!(e.item.as_deref(), Some("model_sha256"), "{e}");
}

#[test]
fn malformed_graphs_give_errors_not_panics() {
    // The manifest is made to match, so each of these reaches the NNEF loader (tar, graph text, tensor files).
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("garbage", (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("truncated", TINY[..TINY.len() / 3].to_vec()),
        ("head only", TINY[..64].to_vec()),
    ];
    // Byte flips all over the file: some still parse, none may panic.
    for k in 1..40 {
        let mut b = TINY.to_vec();
        let at = (k * 7919) % b.len();
        b[at] = b[at].wrapping_add(1 + k as u8);
        cases.push(("flipped", b));
    }
    let mut refused = 0;
    for (what, bytes) in &cases {
        let manifest = manifest_for(bytes, |_| {});
        match NnefModel::from_bytes(bytes, &manifest) {
            Ok(m) => {
                // If it loaded, it passed the self-check: it must still answer sanely.
                let s = m.predict_ids(&[1, 2, 3]);
                assert!(s.is_ok(), "{what}: loaded but cannot run");
            }
            Err(e) => {
                assert!(!e.message.is_empty(), "{what}");
                refused += 1;
            }
        }
    }
    assert!(refused >= 4, "the plainly broken inputs must be refused");
}

#[test]
fn archives_declaring_huge_tensors_are_refused_before_loading() {
    // A tensor file whose header claims ~4 GB: tract would try to allocate it, and a failed
    // allocation aborts instead of unwinding. The archive check refuses it first.
    let name = b"table.0.dat";
    let entry = TINY.windows(name.len()).position(|w| w == name).expect("the tiny archive has a table");
    let data = entry + 512; // the tar header is one block; the name starts it
    let mut bad = TINY.to_vec();
    bad[data + 4..data + 8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let e = NnefModel::from_bytes(&bad, &manifest_for(&bad, |_| {})).expect_err("refused");
    assert!(e.message.contains("declares more data"), "{e}");
    // An entry that runs past the end of the bytes.
    let cut = &TINY[..entry + 600];
    let e = NnefModel::from_bytes(cut, &manifest_for(cut, |_| {})).expect_err("refused");
    assert!(e.message.contains("past the end"), "{e}");
}

#[test]
fn graphs_of_another_architecture_are_refused_naming_it() {
    // The device builds only the embbag graph. Swap `softmax` for `sigmoid` (same length, so the
    // tar headers stay valid): a real NNEF graph, but not one the library can build.
    let mut bad = TINY.to_vec();
    let mut swapped = 0;
    let mut i = 0;
    while let Some(at) = bad[i..].windows(8).position(|w| w == b"softmax(") {
        bad[i + at..i + at + 7].copy_from_slice(b"sigmoid");
        i += at + 8;
        swapped += 1;
    }
    assert!(swapped >= 1, "the tiny graph uses softmax");
    let e = NnefModel::from_bytes(&bad, &manifest_for(&bad, |_| {})).expect_err("refused");
    assert!(e.message.contains("not an embbag model"), "{e}");
    // A manifest naming an architecture this library does not know is refused before the file.
    let m = manifest_for(TINY, |m| m.architecture = Some("transformer".into()));
    let e = NnefModel::from_bytes(TINY, &m).expect_err("unknown architecture");
    assert_eq!(e.item.as_deref(), Some("architecture"), "{e}");
    assert!(e.to_string().contains("transformer"), "{e}");
}

#[test]
fn refuses_label_maps_that_do_not_fit_the_graph() {
    // Two categories listed for a three-category head: the self-check run sees the shape.
    let m = manifest_for(TINY, |m| {
        m.categories.pop();
    });
    let e = NnefModel::from_bytes(TINY, &m).expect_err("wrong category count");
    assert!(e.message.contains("categories") || e.message.contains("shape"), "{e}");
    // No category head declared, but the graph has one: accepted, categories ignored.
    let m = manifest_for(TINY, |m| m.categories.clear());
    let model = NnefModel::from_bytes(TINY, &m).expect("a head can be ignored");
    assert_eq!(model.predict_ids(&[3, 4]).expect("runs").category, None);
}

#[test]
fn refuses_version_mismatch_with_a_clear_message() {
    let m = manifest_for(TINY, |m| m.normaliser_version += 1);
    let e = NnefModel::from_bytes(TINY, &m).expect_err("normaliser moved on");
    assert_eq!(e.item.as_deref(), Some("normaliser_version"));
    assert!(e.to_string().contains("retrain"), "{e}");
    let e = NnefModel::from_bytes(TINY, "{not json").expect_err("bad json");
    assert_eq!(e.line, Some(1));
}

#[test]
fn out_of_range_ids_are_an_error() {
    // Only the featuriser's ids are valid; anything else must not panic.
    let model = tiny();
    assert!(model.run(&[i64::from(VOCAB) + 10]).is_err());
    assert!(model.run(&[-1]).is_err());
}
