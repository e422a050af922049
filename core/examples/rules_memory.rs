//! Memory and speed of the default rule pack, for the phone budget (iOS message filters get a
//! few MB). Prints the heap bytes held after compiling the pack, after evaluating ~100 invented
//! messages (lazy-DFA caches filled), the peak, rule and keyword counts, and per-message
//! evaluate time p50/p99. Run with `cargo run --release -p smsguard-core --example rules_memory`.

// A counting allocator needs `unsafe impl GlobalAlloc`; it only forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use smsguard_core::normalise::Normalised;
use smsguard_core::rules::{RuleInput, RuleSet};
use smsguard_core::sender::{Sender, SenderKind};
use smsguard_core::signature::{SenderFit, SignatureCheck, SignatureScan};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Invented message templates (`#` is replaced by varying digits).
const TEMPLATES: [&str; 20] = [
    "【星河银行】您的验证码为#,5分钟内有效,请勿泄露。",
    "【星河银行】您尾号#的储蓄卡支出人民币#.00元,余额#.55元。",
    "【驿站通】您的包裹已到东门驿站,取件码 6-2-#,请及时取件。",
    "【快达速运】您的快件已安排派送,运单号kd#。",
    "【铁路服务】订单e#,已购g#次3车12f号,检票口a5。",
    "【远航航空】您的mu#航班08:30起飞,请提前到达机场办理值机。",
    "【中国移动】您本月通用流量已用#gb,话费余额#元。",
    "【某市住房公积金】您的公积金账户缴存#元已到账。",
    "【市人民医院】您已预约门诊,就诊序号#,请按时就诊。",
    "【乐淘商城】双11大促,满#减50,限时抢购,回t退订",
    "【咖啡小栈】会员日专享,优惠券#张已到账。退订回td",
    "无抵押信用贷款,最高可贷#万,秒批,加微信loan#",
    "招兼职刷单,日赚#元,佣金日结,加qq #",
    "您的etc已停用,请点击 http://etc-#.top/v 重新认证",
    "澳门娱乐城首充送#%彩金,百家乐在线",
    "代开增值税发票,联系电话139#",
    "晚上一起吃饭吗?我#点到。",
    "明天的会改到下午#点,记得带电脑",
    "your verification code is #. do not share it.",
    "【国家反诈中心】提醒:刷单返利都是诈骗,谨防被骗。#",
];

fn messages() -> Vec<String> {
    let mut out = Vec::new();
    for round in 0..5u64 {
        for (i, t) in TEMPLATES.iter().enumerate() {
            let n = 104_729u64 * (round + 1) + 7_919 * i as u64;
            out.push(t.replace('#', &format!("{}", n % 1_000_000)));
        }
    }
    out
}

fn main() {
    let before = LIVE.load(Ordering::Relaxed);
    let t = Instant::now();
    let rules = RuleSet::compile(&[("default.rules", smsguard_core::rules::DEFAULT_PACK)])
        .unwrap_or_else(|e| panic!("default pack: {e}"));
    let compile_ms = t.elapsed().as_secs_f64() * 1e3;
    let compiled = LIVE.load(Ordering::Relaxed) - before;

    let msgs = messages();
    let normalised: Vec<Normalised> = msgs
        .iter()
        .map(|m| {
            let text = m.to_lowercase();
            Normalised { masked: text.clone(), text, entities: Vec::new(), evasions: Vec::new() }
        })
        .collect();
    let sender = Sender { normalised: "10690000".to_string(), kind: SenderKind::Port106 };
    let sig = SignatureCheck { scan: SignatureScan::None, institution: None, fit: SenderFit::NotApplicable };
    let inputs_bytes = LIVE.load(Ordering::Relaxed);

    let mut times = Vec::new();
    let mut hits = 0usize;
    for pass in 0..20 {
        for (m, n) in msgs.iter().zip(&normalised) {
            let t = Instant::now();
            let h = rules.evaluate(&RuleInput { body: m, normalised: n, sender: &sender, signature: &sig });
            let dt = t.elapsed();
            if pass > 0 {
                // Pass 0 fills the caches; time warm evaluation.
                times.push(dt.as_nanos() as u64);
            } else {
                hits += h.len();
            }
        }
    }
    let after_eval = LIVE.load(Ordering::Relaxed) - inputs_bytes + compiled;
    times.sort_unstable();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize] as f64 / 1e3;
    println!("rules:                      {}", rules.rule_count());
    println!("keywords:                   {}", rules.keyword_count());
    println!("keyword-less rules:         {}", rules.keywordless_rule_count());
    println!("compile time:               {compile_ms:.1} ms");
    println!("heap after compile:         {} bytes ({:.2} MiB)", compiled, compiled as f64 / 1048576.0);
    println!(
        "heap after {} messages:    {} bytes ({:.2} MiB)",
        msgs.len(),
        after_eval,
        after_eval as f64 / 1048576.0
    );
    println!(
        "peak heap (whole run):      {} bytes ({:.2} MiB)",
        PEAK.load(Ordering::Relaxed),
        PEAK.load(Ordering::Relaxed) as f64 / 1048576.0
    );
    println!("RuleSet::memory_bytes():    {} bytes", rules.memory_bytes());
    println!("hits on pass 0:             {hits}");
    println!(
        "evaluate p50 / p99:         {:.1} µs / {:.1} µs ({} timed calls)",
        pct(0.5),
        pct(0.99),
        times.len()
    );
}
