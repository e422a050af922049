//! The device graph (`smsguard_core::model::NnefModel`: tract-core, built from the archive's
//! tensors) agrees with the reference, tract-onnx running the trained ONNX, on the goldens, on
//! the shared test messages and on random id lists of every length a message gives.

use serde::Deserialize;
use smsguard_core::featurise::{featurise_message, VOCAB};
use smsguard_core::model::NnefModel;
use smsguard_core::SmsMessage;
use tract_onnx::prelude::*;

mod common;
use common::MODELS;

/// Invented messages shared by every test suite (never corpus text).
const MESSAGES: [&str; 3] = [
    include_str!("../../models/goldens.jsonl"),
    include_str!("../../testdata/inbox.jsonl"),
    include_str!("../../bindings/testdata/messages.jsonl"),
];

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    sender: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

fn id_lists() -> Vec<Vec<i64>> {
    let mut lists = Vec::new();
    for text in MESSAGES {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(l) = serde_json::from_str::<Line>(line) else { continue };
            let Some(body) = l.body else { continue };
            lists.push(featurise_message(&SmsMessage::new(l.sender.unwrap_or_default(), body)));
        }
    }
    // Random lists, 1 to 400 ids (a long concatenated SMS), the edges of the vocabulary included.
    let mut x: u64 = 0x5eed_2026;
    for len in (1..400).step_by(7) {
        let list = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % u64::from(VOCAB)) as i64
            })
            .collect();
        lists.push(list);
    }
    lists.push(vec![0, i64::from(VOCAB) - 1]);
    lists
}

fn reference(onnx: &[u8]) -> Arc<TypedRunnableModel> {
    let model = tract_onnx::onnx().model_for_read(&mut &onnx[..]).expect("onnx parses");
    model.into_optimized().expect("optimises").into_runnable().expect("runnable")
}

#[test]
fn device_graph_agrees_with_tract_onnx_on_the_trained_onnx() {
    for (name, onnx, archive, manifest) in MODELS {
        let device = NnefModel::from_bytes(archive, manifest).unwrap_or_else(|e| panic!("{name}: {e}"));
        let reference = reference(onnx);
        let rank = reference.model().input_fact(0).expect("one input").rank();
        let lists = id_lists();
        assert!(lists.len() > 80, "{name}: {} lists", lists.len());
        let mut worst = 0f32;
        for ids in &lists {
            let shape: Vec<usize> = if rank == 2 { vec![1, ids.len()] } else { vec![ids.len()] };
            let input = Tensor::from_shape(&shape, ids).expect("tensor");
            let want = reference.run(tvec!(input.into())).expect("reference runs");
            let got = device.run(ids).expect("device runs");
            for (out, got) in [(0, &got.actions), (1, &got.categories)] {
                let want: Vec<f32> =
                    want[out].to_plain_array_view::<f32>().expect("f32").iter().copied().collect();
                assert_eq!(want.len(), got.len(), "{name}: output {out} width");
                for (w, g) in want.iter().zip(got.iter()) {
                    worst = worst.max((w - g).abs());
                }
            }
        }
        // Same operations in another order (no fused kernels): rounding, nothing more.
        assert!(worst < 1e-5, "{name}: largest difference {worst}");
        println!("{name}: {} id lists, largest difference {worst:e}", lists.len());
    }
}
