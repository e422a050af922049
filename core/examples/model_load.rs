//! Time to load the embedded model (manifest check and hash, archive read, the device graph built
//! from its tensors, plan and self-check), N times in one process: min, p50 and max, so a noisy
//! shared machine still shows the floor. Run with
//! `cargo run --release -p smsguard-core --example model_load -- 50`.

use std::time::Instant;

use smsguard_core::model::nnef::{EMBEDDED_MANIFEST, EMBEDDED_NNEF};
use smsguard_core::model::NnefModel;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50).max(1);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let model =
                NnefModel::from_bytes(EMBEDDED_NNEF, EMBEDDED_MANIFEST).expect("embedded model loads");
            let elapsed = t.elapsed().as_secs_f64() * 1e3;
            drop(std::hint::black_box(model));
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "model load, {runs} runs: min {:.2} ms, p50 {:.2} ms, max {:.2} ms",
        times[0],
        times[runs / 2],
        times[runs - 1]
    );
}
