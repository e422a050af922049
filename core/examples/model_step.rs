//! Where the model's per-message time goes: featurising, the tract run and the whole model step
//! (`Model::predict`), each timed separately over the demo inbox, so a change to one shows in its
//! own line. Run with `cargo run --release -p smsguard-core --example model_step -- 2000`.

use std::time::{Duration, Instant};

use smsguard_core::featurise::featurise;
use smsguard_core::model::{Model, ModelInput, NnefModel};
use smsguard_core::normalise::normalise;
use smsguard_core::sender::classify_sender;
use smsguard_core::signature::Institutions;

fn main() {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000).max(1);
    let inbox = include_str!("../../testdata/inbox.jsonl");
    let messages: Vec<(String, String)> = inbox
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((v["sender"].as_str()?.to_string(), v["body"].as_str()?.to_string())))
        .collect();
    let model = NnefModel::embedded().expect("embedded model loads");
    let prepared: Vec<_> = messages
        .iter()
        .map(|(sender, body)| {
            let normalised = normalise(body);
            let sender = classify_sender(sender);
            let signature = Institutions::embedded().check(body, &sender).signature().map(|s| s.name.clone());
            (normalised, sender.kind, signature)
        })
        .collect();
    let inputs: Vec<ModelInput<'_>> = prepared
        .iter()
        .map(|(n, kind, sig)| ModelInput { normalised: n, sender_kind: *kind, signature: sig.as_deref() })
        .collect();
    let ids: Vec<Vec<i64>> = inputs.iter().map(featurise).collect();
    let mean_ids = ids.iter().map(Vec::len).sum::<usize>() as f64 / ids.len() as f64;

    let time = |f: &mut dyn FnMut(usize)| -> Vec<Duration> {
        let mut times = Vec::with_capacity(iterations * inputs.len());
        for _ in 0..iterations {
            for i in 0..inputs.len() {
                let t = Instant::now();
                f(i);
                times.push(t.elapsed());
            }
        }
        times.sort_unstable();
        times
    };
    let show = |what: &str, times: &[Duration]| {
        let us = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6;
        println!("{what:<22} p50 {:>6.2} µs   p90 {:>6.2} µs   p99 {:>6.2} µs", us(0.5), us(0.9), us(0.99));
    };
    println!("{} messages × {iterations}, {mean_ids:.0} ids a message on average", inputs.len());
    show(
        "featurise",
        &time(&mut |i| {
            std::hint::black_box(featurise(&inputs[i]));
        }),
    );
    show(
        "tract run (ids given)",
        &time(&mut |i| {
            std::hint::black_box(model.run(&ids[i]).expect("the model runs"));
        }),
    );
    show(
        "model step (predict)",
        &time(&mut |i| {
            std::hint::black_box(model.predict(&inputs[i]));
        }),
    );
}
