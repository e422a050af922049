//! Timing report for `normalise`: `cargo run --release -p smsguard-core --example normalise_bench`.
//! Normalises a set of invented messages many times and prints p50/p99 nanoseconds per message.

use std::hint::black_box;
use std::time::Instant;

use smsguard_core::normalise::{fold, normalise};

/// Invented messages of typical shapes and lengths (about 15–90 characters).
const MESSAGES: &[&str] = &[
    "【某某银行】您尾号4821的储蓄卡于01月24日16:47消费人民币1,234.00元，余额5,678.90元。",
    "【某某支付】验证码604218，用于登录验证，5分钟内有效，请勿泄露给他人。",
    "【某某驿站】您的快递已到，凭取件码12-3-4567到东门驿站取件，电话0571-87654321",
    "❤加 薇 信 领 ¥88 红包！限时特惠，戳 kj8.vip/x 立即领取，退订回T",
    "【某某商城】双十一狂欢，全场满300减50，点击 https://kx-shop.com/a?b=1 抢购，回TD退订",
    "【某某銀行】您的賬戶於2026年1月2日入賬人民幣3,000.00元，詳詢95588。",
    "您好，无抵押贷款最高20万，当天放款，详询 400 800 1234 或加vx:abc123",
    "Your verification code is 739104. It expires in 10 minutes.",
    "尊敬的客户，您本月话费余额xxx元，为避免停机请及时充值。",
    "明天下午3点开会，记得带材料",
    "【某某物流】您的包裹已由驿站代收，请凭取件码A12-3456于今日20:00前到幸福路88号领取，如有疑问请致电13912345678或4009876543。",
    "【某某電商】親愛的會員，您的積分即將過期！登錄 www.abc-mall.cn 兌換禮品，滿199元減30元，優惠截止2026年12月31日，回TD退訂",
];

/// Per-message nanoseconds of `f` over `msgs`, sorted.
fn measure(msgs: &[&str], rounds: usize, f: impl Fn(&str)) -> Vec<u64> {
    // Warm up caches and the allocator.
    for _ in 0..1_000 {
        msgs.iter().for_each(|m| f(black_box(m)));
    }
    let mut ns: Vec<u64> = Vec::with_capacity(rounds * msgs.len());
    for _ in 0..rounds {
        for m in msgs {
            let t = Instant::now();
            f(black_box(m));
            ns.push(u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX));
        }
    }
    ns.sort_unstable();
    ns
}

fn pct(ns: &[u64], p: f64) -> u64 {
    ns.get(((ns.len().saturating_sub(1)) as f64 * p) as usize).copied().unwrap_or(0)
}

fn main() {
    let rounds = 20_000;
    let chars: usize = MESSAGES.iter().map(|m| m.chars().count()).sum();
    println!(
        "{} invented messages x {} rounds, mean {:.0} chars/message (max {})",
        MESSAGES.len(),
        rounds,
        chars as f64 / MESSAGES.len() as f64,
        MESSAGES.iter().map(|m| m.chars().count()).max().unwrap_or(0)
    );
    let longest = MESSAGES.iter().copied().max_by_key(|m| m.chars().count()).unwrap_or_default();
    for (name, ns) in [
        ("fold", measure(MESSAGES, rounds, |m| drop(black_box(fold(m))))),
        ("normalise", measure(MESSAGES, rounds, |m| drop(black_box(normalise(m))))),
        ("longest", measure(&[longest], rounds, |m| drop(black_box(normalise(m))))),
    ] {
        println!(
            "{name:>9}: p50 {} ns, p90 {} ns, p99 {} ns per message",
            pct(&ns, 0.5),
            pct(&ns, 0.9),
            pct(&ns, 0.99)
        );
    }
}
