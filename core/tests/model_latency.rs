//! Latency of the model path, printed, not asserted (timings depend on the machine and profile).
//! Run: `CARGO_PROFILE_DEV_OPT_LEVEL=3 cargo test -p smsguard-core --test model_latency -- --ignored --nocapture`

use std::sync::Arc;
use std::time::Instant;

use smsguard_core::featurise::featurise_message;
use smsguard_core::model::OnnxModel;
use smsguard_core::{Engine, SmsMessage};

// Invented messages of typical shapes and lengths.
const MESSAGES: [(&str, &str); 8] = [
    ("1065912345", "【青禾银行】您尾号7302的卡于11月3日消费人民币128.50元，余额2,031.77元。"),
    ("95599", "您的验证码为583016，5分钟内有效，请勿泄露给他人。"),
    ("1069088812", "【快兔速运】您的包裹已到北门驿站，取件码6-2-4417，请于20:00前取件。"),
    ("13912345678", "妈，我晚上七点到家。"),
    ("1068812345", "【优品汇】双11狂欢，全场满299减50，点击 yph.example/s/k2 领券，回T退订"),
    ("17188889999", "【某某银行】您的账户存在异常，请立即登录 safe-bank-verify.example 重新认证，否则将被冻结，详询4008123456。"),
    ("16512345678", "澳门首家线上赌场上线，注册即送888彩金，日赢万元不是梦，加微信 vx8899，每天签到再送18元，邀请好友更有高额返水，名额有限先到先得，详情咨询客服。"),
    ("10086", "尊敬的客户，您本月套餐剩余流量1.2GB，如需加购请回复LL。"),
];

fn percentiles(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[v.len() * 9 / 10])
}

fn time_us(rounds: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    let mut v = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let t = Instant::now();
        f(i);
        v.push(t.elapsed().as_secs_f64() * 1e6);
    }
    percentiles(v)
}

#[test]
#[ignore]
fn latency_report() {
    let t = Instant::now();
    let model = OnnxModel::embedded().expect("embedded model");
    eprintln!("first embedded() (parse + optimise + self-check): {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let msgs: Vec<SmsMessage> = MESSAGES.iter().map(|(s, b)| SmsMessage::new(*s, *b)).collect();
    let ids: Vec<Vec<i64>> = msgs.iter().map(featurise_message).collect();
    let n = 20_000;
    let (p50, p90) = time_us(n, |i| {
        std::hint::black_box(featurise_message(&msgs[i % msgs.len()]));
    });
    eprintln!("normalise + sender + signature + featurise: p50 {p50:.1} µs, p90 {p90:.1} µs");
    let (p50, p90) = time_us(n, |i| {
        std::hint::black_box(model.run(&ids[i % ids.len()]).ok());
    });
    let mean_ids = ids.iter().map(Vec::len).sum::<usize>() as f64 / ids.len() as f64;
    eprintln!("model run (tract, {mean_ids:.0} ids on average): p50 {p50:.1} µs, p90 {p90:.1} µs");
    for len in [10usize, 40, 100, 200, 400] {
        let x: Vec<i64> = (0..len as i64).map(|j| (j * 7919) % 32768).collect();
        let (p50, _) = time_us(n / 4, |_| {
            std::hint::black_box(model.run(&x).ok());
        });
        eprintln!("  model run with {len} ids: p50 {p50:.1} µs");
    }
    let engine = Engine::new().with_model(Arc::clone(&model) as Arc<dyn smsguard_core::model::Model>);
    let (p50, p90) = time_us(n, |i| {
        std::hint::black_box(engine.classify(&msgs[i % msgs.len()]));
    });
    eprintln!("engine.classify with model (one thread): p50 {p50:.1} µs, p90 {p90:.1} µs");
}
