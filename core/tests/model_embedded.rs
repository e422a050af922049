//! The shipped model (`models/smsguard.nnef.tar` + `models/manifest.json`): loads within budget, and
//! tract reproduces onnxruntime's probabilities on the goldens (`models/goldens.jsonl`, invented
//! messages, written by `models/train.sh`).

use std::collections::BTreeMap;

use serde::Deserialize;
use smsguard_core::featurise::featurise_message;
use smsguard_core::model::NnefModel;
use smsguard_core::SmsMessage;

const GOLDENS: &str = include_str!("../../models/goldens.jsonl");

#[derive(Deserialize)]
struct Golden {
    sender: String,
    body: String,
    ids: Vec<i64>,
    actions: BTreeMap<String, f32>,
    #[serde(default)]
    categories: BTreeMap<String, f32>,
}

fn goldens() -> Vec<Golden> {
    GOLDENS.lines().map(|l| serde_json::from_str(l).expect("golden line")).collect()
}

#[test]
fn embedded_model_loads_and_is_small() {
    let model = NnefModel::embedded().expect("the shipped model matches this build");
    assert!(include_bytes!("../../models/smsguard.nnef.tar").len() <= 1 << 20, "model file over 1 MB");
    assert_eq!(model.manifest().actions.len(), 4);
}

#[test]
fn tract_matches_onnxruntime_on_goldens() {
    let model = NnefModel::embedded().expect("loads");
    let m = &model.manifest().manifest;
    let gs = goldens();
    assert!(gs.len() >= 8);
    for (k, g) in gs.iter().enumerate() {
        let out = model.run(&g.ids).expect("runs");
        for (i, a) in m.actions.iter().enumerate() {
            assert!(
                (out.actions[i] - g.actions[a]).abs() < 1e-4,
                "golden {k} {a}: {} vs {}",
                out.actions[i],
                g.actions[a]
            );
        }
        for (i, c) in m.categories.iter().enumerate() {
            assert!((out.categories[i] - g.categories[c]).abs() < 1e-4, "golden {k} {c}");
        }
    }
}

#[test]
fn goldens_features_are_this_builds_features() {
    // Training and the device must featurise identically: the goldens carry the ids the model was
    // trained with.
    for (k, g) in goldens().iter().enumerate() {
        let ids = featurise_message(&SmsMessage::new(g.sender.clone(), g.body.clone()));
        assert_eq!(ids, g.ids, "golden {k}: features changed since training — run models/train.sh");
    }
}

#[test]
fn the_shipped_model_says_allow_for_chats_and_carries_the_policy_thresholds() {
    // Trained with chats between people (NUS, LCCC): the invented personal goldens are allow.
    let model = NnefModel::embedded().expect("loads");
    let m = &model.manifest().manifest;
    let gs = goldens();
    let chats: Vec<&Golden> =
        gs.iter().filter(|g| g.body.starts_with('妈') || g.body.starts_with("明天下午")).collect();
    assert_eq!(chats.len(), 2);
    for g in chats {
        let top =
            g.actions.iter().fold(("", f32::MIN), |b, (a, p)| if *p > b.1 { (a.as_str(), *p) } else { b });
        assert_eq!(top.0, "allow", "{}: {:?}", g.sender, g.actions);
    }
    // The policy reads these from the manifest (thresholds.allow: the chat guard's floor,
    // thresholds.promotion: the bar for signed messages without an opt-out, thresholds.junk).
    for key in ["allow", "promotion", "junk"] {
        let t = m.thresholds.get(key).copied().unwrap_or_else(|| panic!("thresholds.{key} missing"));
        assert!(t > 0.0 && t < 1.0, "thresholds.{key} = {t}");
    }
}
