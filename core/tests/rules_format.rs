//! The pack format: every broken pack in `testdata/rules/broken/` fails with the error its
//! `# expect:` header names (line, rule id, message fragment); the example pack compiles and each
//! key behaves as documented; hit ordering and cross-pack rules.

use std::path::PathBuf;

use smsguard_core::normalise::{Entity, EntityKind, Normalised};
use smsguard_core::rules::{Effect, RuleHit, RuleInput, RuleSet};
use smsguard_core::sender::{Sender, SenderKind};
use smsguard_core::signature::{Placement, SenderFit, Signature, SignatureCheck, SignatureScan};
use smsguard_core::verdict::{Action, Category};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/rules")
}

struct Msg {
    body: &'static str,
    sender: &'static str,
    kind: SenderKind,
    signature: Option<&'static str>,
    fit: SenderFit,
    entities: Vec<EntityKind>,
    masked: Option<&'static str>,
}

fn msg(body: &'static str) -> Msg {
    Msg {
        body,
        sender: "10690000",
        kind: SenderKind::Port106,
        signature: None,
        fit: SenderFit::NotApplicable,
        entities: Vec::new(),
        masked: None,
    }
}

fn eval(rules: &RuleSet, m: &Msg) -> Vec<RuleHit> {
    let text = m.body.to_lowercase();
    let normalised = Normalised {
        masked: m.masked.map(str::to_string).unwrap_or_else(|| text.clone()),
        text,
        entities: m.entities.iter().map(|k| Entity { kind: *k, text: String::new() }).collect(),
        evasions: Vec::new(),
    };
    let sender = Sender { normalised: m.sender.to_string(), kind: m.kind };
    let scan = match m.signature {
        Some(name) => SignatureScan::Valid {
            signature: Signature { name: name.to_string(), placement: Placement::Leading },
        },
        None => SignatureScan::None,
    };
    let signature = SignatureCheck { scan, institution: None, fit: m.fit };
    rules.evaluate(&RuleInput {
        body: m.body,
        normalised: &normalised,
        sender: &sender,
        signature: &signature,
    })
}

fn names(hits: &[RuleHit]) -> Vec<&str> {
    hits.iter().map(|h| h.rule.as_str()).collect()
}

fn example() -> RuleSet {
    let text = std::fs::read_to_string(testdata().join("example.rules")).expect("example pack readable");
    RuleSet::compile(&[("example.rules", &text)]).expect("example pack compiles")
}

#[test]
fn broken_packs_fail_with_the_expected_error() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata().join("broken"))
        .expect("broken dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "expected the broken-pack collection, found {}", files.len());
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        let expect = text.lines().next().and_then(|l| l.strip_prefix("# expect: ")).expect("expect header");
        let (mut line, mut item, mut message) = (None, None, "");
        let mut rest = expect;
        while let Some((key, value)) = rest.split_once('=') {
            let key = key.trim();
            let (value, next) = match key {
                "message" => (value, ""),
                _ => value.split_once(' ').unwrap_or((value, "")),
            };
            match key {
                "line" => line = value.parse::<usize>().ok(),
                "item" => item = Some(value.to_string()),
                "message" => message = value,
                other => panic!("{name}: unknown expect key {other}"),
            }
            rest = next;
        }
        let err = match RuleSet::compile(&[(name.as_str(), text.as_str())]) {
            Ok(_) => panic!("{name}: compiled but should fail"),
            Err(e) => e,
        };
        assert_eq!(err.origin, name, "{name}: {err}");
        assert_eq!(err.line, line, "{name}: {err}");
        if item.is_some() {
            assert_eq!(err.item, item, "{name}: {err}");
        }
        assert!(err.message.contains(message), "{name}: want `{message}` in: {err}");
    }
}

#[test]
fn example_pack_keys_work() {
    let rules = example();
    assert_eq!(rules.rule_count(), 6);
    assert_eq!(rules.pack_versions(), &[("example".to_string(), "1.0-test".to_string())]);
    assert_eq!(rules.keywordless_rule_count(), 1);

    // any + all + regex: protect; `not` vetoes it.
    let h = eval(&rules, &msg("本期账单应还 320 元"));
    assert_eq!(names(&h), ["example/bill.due", "example/broad.block"]);
    let h = eval(&rules, &msg("本期账单应还 320 元,加微信领取"));
    assert_eq!(names(&h), ["example/broad.block"]);
    // `all` missing (no 元) and regex failing (no digits) each veto.
    assert!(!names(&eval(&rules, &msg("本期账单应还 320"))).contains(&"example/bill.due"));
    assert!(!names(&eval(&rules, &msg("账单应还金额见 app,单位元"))).contains(&"example/bill.due"));

    // Sender field and sender kind.
    let mut m = msg("你好");
    m.sender = "10086";
    assert!(names(&eval(&rules, &m)).is_empty(), "kind must be carrier");
    m.kind = SenderKind::Carrier;
    assert_eq!(names(&eval(&rules, &m)), ["example/carrier.number"]);
    m.sender = "1008611";
    assert!(names(&eval(&rules, &m)).is_empty(), "regex is anchored");

    // Signature names (keyword-less rule).
    let mut m = msg("新品上架");
    assert!(eval(&rules, &m).is_empty());
    m.signature = Some("示例商城");
    assert_eq!(names(&eval(&rules, &m)), ["example/brand.named"]);
    m.signature = Some("别的店");
    assert!(eval(&rules, &m).is_empty());

    // Entity + spoofed condition, priority 200 first.
    let mut m = msg("请登录 http://x.example/a");
    assert_eq!(names(&eval(&rules, &m)), ["example/broad.block"]);
    m.fit = SenderFit::Spoofed;
    assert_eq!(names(&eval(&rules, &m)), ["example/broad.block"], "needs the url entity too");
    m.entities = vec![EntityKind::Url];
    let h = eval(&rules, &m);
    assert_eq!(names(&h), ["example/link.spoofed", "example/broad.block"]);
    assert_eq!(h[0].priority, 200);
    assert_eq!(h[0].reason.code, "spoofed_link");
    assert_eq!(h[0].effect, Effect::Block { category: Category::Phishing, unless_transaction: false });

    // Masked field sees the placeholders.
    let mut m = msg("您的码 123456");
    m.masked = Some("您的码 <CODE>");
    let h = eval(&rules, &m);
    assert_eq!(names(&h), ["example/masked.code"]);
    assert_eq!(h[0].effect, Effect::Protect { action: Action::Transaction, category: Category::Otp });
    assert_eq!(h[0].priority, 90);
}

const TIES: &str = "format = smsguard-rules/1
pack = ties
version = t

[h]
any = 码
effect = hint promotion/other 0.5
priority = 50
reason = h
zh = 提示
en = hint

[b]
any = 码
effect = block other
reason = b
zh = 拦截
en = block

[p1]
any = 码
effect = protect transaction/other
priority = 50
reason = p1
zh = 保护
en = protect

[p2]
any = 验证
effect = protect transaction/otp
priority = 50
reason = p2
zh = 保护
en = protect

[top]
all = 码, 验证
effect = hint transaction/otp 1
priority = 60
reason = top
zh = 提示
en = hint
";

#[test]
fn hits_sort_by_priority_then_effect_then_rule_order() {
    let rules = RuleSet::compile(&[("ties.rules", TIES)]).expect("compiles");
    let h = eval(&rules, &msg("验证码"));
    assert_eq!(names(&h), ["ties/top", "ties/p1", "ties/p2", "ties/b", "ties/h"]);
    // `all` needs every keyword: without 验证 only three rules remain.
    assert_eq!(names(&eval(&rules, &msg("取件码"))), ["ties/p1", "ties/b", "ties/h"]);
}

#[test]
fn packs_combine_and_ids_stay_unique() {
    let example_text = std::fs::read_to_string(testdata().join("example.rules")).expect("readable");
    let both = RuleSet::compile(&[("example.rules", &example_text), ("ties.rules", TIES)]).expect("compiles");
    assert_eq!(both.rule_count(), 11);
    assert_eq!(both.pack_versions().len(), 2);
    let h = eval(&both, &msg("本期账单应还 320 元 验证码"));
    assert!(names(&h).contains(&"example/bill.due") && names(&h).contains(&"ties/top"));

    let clash = TIES.replace("pack = ties", "pack = other").replace("[h]", "[bill.due]");
    let err =
        RuleSet::compile(&[("example.rules", &example_text), ("user.rules", &clash)]).expect_err("dup id");
    assert_eq!(err.origin, "user.rules");
    assert_eq!(err.item.as_deref(), Some("bill.due"));
    assert!(err.message.contains("example.rules"), "{err}");
    assert_eq!(err.line, Some(5));
}

#[test]
fn hostile_input_never_panics() {
    let rules = RuleSet::embedded();
    let long = "验证码".repeat(20_000) + &"点击链接 http://a.cn/".repeat(5_000);
    for body in ["", "\u{0}\u{ffff}", "【】", "ａｂｃ１２３", long.as_str()] {
        let _ = eval(rules, &msg(Box::leak(body.to_string().into_boxed_str())));
    }
    // Garbage packs: errors, not panics.
    for text in ["", "\u{feff}", "format", "[", "format = smsguard-rules/1\n[x", "=\n=\n"] {
        assert!(RuleSet::compile(&[("g", text)]).is_err());
    }
    let big = "x".repeat(2 << 20);
    assert!(RuleSet::compile(&[("big", &big)]).is_err());
}

#[test]
fn trailing_comments_and_bom() {
    let text = "\u{feff}format = smsguard-rules/1   # the format\npack = c # name\nversion = 1\n\n\
                [x]  # a rule\nany = 码 # keyword\nregex = [#]?码\neffect = block other\nreason = x\nzh = 中\nen = e\n";
    let rules = RuleSet::compile(&[("c", text)]).expect("compiles");
    assert_eq!(names(&eval(&rules, &msg("#码"))), ["c/x"]);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Arbitrary text (mixing pack vocabulary with random characters) never panics, and hits
        /// always come out sorted by priority.
        #[test]
        fn evaluate_never_panics(parts in proptest::collection::vec(
            prop_oneof![
                Just("验证码".to_string()), Just("尾号".to_string()), Just("点击链接".to_string()),
                Just("http://a.cn/".to_string()), Just("元".to_string()), Just("【".to_string()),
                any::<String>(), "[0-9]{1,8}".prop_map(|s| s),
            ], 0..12))
        {
            let body: String = parts.concat();
            let m = Msg { body: Box::leak(body.into_boxed_str()), ..msg("") };
            let h = eval(RuleSet::embedded(), &m);
            prop_assert!(h.windows(2).all(|w| w[0].priority >= w[1].priority));
        }

        /// Arbitrary pack text never panics the parser/compiler.
        #[test]
        fn compile_never_panics(lines in proptest::collection::vec(
            prop_oneof![
                Just("format = smsguard-rules/1".to_string()), Just("pack = p".to_string()),
                Just("version = 1".to_string()), Just("[r]".to_string()), Just("any = 码".to_string()),
                Just("effect = block other".to_string()), Just("reason = r".to_string()),
                Just("zh = 中".to_string()), Just("en = e".to_string()), any::<String>(),
                "regex = [(){}a-z0-9|*+?.\\\\]{0,12}".prop_map(|s| s),
            ], 0..16))
        {
            let _ = RuleSet::compile(&[("fuzz", &lines.join("\n"))]);
        }
    }
}

#[test]
fn total_regex_budget_is_enforced() {
    // Many individually acceptable but large regexes: the pack is refused with an error naming
    // the rule that crossed the budget, instead of growing without bound.
    let mut text = String::from("format = smsguard-rules/1\npack = big\nversion = 1\n");
    for i in 0..400 {
        text.push_str(&format!(
            "\n[r{i}]\nany = 码\nregex = (.{{0,60}}[a-z]{{1,20}}){{1,6}}\neffect = block other\nreason = r\nzh = 中\nen = e\n"
        ));
    }
    let err = RuleSet::compile(&[("big.rules", &text)]).expect_err("over budget");
    assert!(err.message.contains("in all"), "{err}");
    assert!(err.item.is_some());
}

#[test]
fn link_macro_is_any_link_the_normaliser_knows() {
    let pack =
        "format = smsguard-rules/1\npack = links\nversion = 1\n\n[links.login]\nregex = 登录.{0,10}{link}\n\
                effect = block phishing\nreason = login_link\nzh = 登录链接\nen = Login link\n";
    let rules = RuleSet::compile(&[("links.rules", pack)]).expect("compiles");
    let hit = |body: &'static str| !eval(&rules, &msg(body)).is_empty();
    for body in [
        "请登录 http://abc.example 核实",
        "请登录 www.abc123.net 核实",
        "请登录 verify-card.online/x 核实",
        "请登录 safe.info 核实",
        "请登录 mybank.pw 核实",
        "请登录app.io",
    ] {
        assert!(hit(body), "{body}");
    }
    // Not links: a decimal amount, a version number, a word after a dot.
    for body in ["请登录后查看余额12.50元", "请登录 v2.3 版本", "请登录.谢谢", "请登录 abc.docx"]
    {
        assert!(!hit(body), "{body}");
    }
}

/// A pack named `name` with `n` distinct keywords (`k0`, `k1`, … in base 36, from `first`),
/// 256 to a rule (the per-list maximum).
fn keyword_pack(name: &str, first: usize, n: usize) -> String {
    let base36 = |mut i: usize| {
        let mut digits = Vec::new();
        loop {
            digits.push(char::from_digit((i % 36) as u32, 36).unwrap_or('0'));
            i /= 36;
            if i == 0 {
                break;
            }
        }
        digits.push('k');
        digits.iter().rev().collect::<String>()
    };
    let mut text = format!("format = smsguard-rules/1\npack = {name}\nversion = 1\n");
    let mut next = first;
    let mut rule = 0;
    while next < first + n {
        let take = (first + n - next).min(256);
        let keywords: Vec<String> = (next..next + take).map(base36).collect();
        text.push_str(&format!(
            "\n[{name}.r{rule}]\nany = {}\neffect = block other\nreason = r\nzh = 中\nen = e\n",
            keywords.join(", ")
        ));
        next += take;
        rule += 1;
    }
    text
}

#[test]
fn large_packs_compile_and_the_keyword_total_is_bounded() {
    // Interning is linear (timings in examples/rules_compile_scaling.rs): a pack of 15k keywords
    // compiles — with the old linear search that took ~2 s even in a release build.
    let text = keyword_pack("big", 0, 15_000);
    let rules = RuleSet::compile(&[("big.rules", &text)]).expect("15k keywords compile");
    assert_eq!(rules.keyword_count(), 15_000);
    assert_eq!(names(&eval(&rules, &msg("x k1a y"))).len(), 1);

    // Each pack is under its own limits; together they cross the total. The error names the pack
    // and rule where the total was crossed, and the limit.
    let limit = smsguard_core::rules::MAX_KEYWORDS_TOTAL;
    let second = keyword_pack("more", 15_000, limit - 15_000 + 1);
    let err = RuleSet::compile(&[("big.rules", &text), ("more.rules", &second)]).expect_err("over");
    assert_eq!(err.origin, "more.rules", "{err}");
    assert!(err.message.contains(&limit.to_string()) && err.message.contains("in all packs"), "{err}");
    assert!(err.item.as_deref().is_some_and(|i| i.starts_with("more.r")) && err.line.is_some(), "{err}");
    // Exactly at the limit is fine.
    let fits = keyword_pack("more", 15_000, limit - 15_000);
    assert!(RuleSet::compile(&[("big.rules", &text), ("more.rules", &fits)]).is_ok());
}

#[test]
fn the_number_of_packs_is_bounded() {
    let limit = smsguard_core::rules::MAX_PACKS;
    let texts: Vec<(String, String)> =
        (0..=limit).map(|i| (format!("p{i}.rules"), keyword_pack(&format!("p{i}"), i, 1))).collect();
    let packs: Vec<(&str, &str)> = texts.iter().map(|(o, t)| (o.as_str(), t.as_str())).collect();
    assert!(RuleSet::compile(&packs[..limit]).is_ok());
    let err = RuleSet::compile(&packs).expect_err("one pack too many");
    assert_eq!(err.origin, format!("p{limit}.rules"), "{err}");
    assert!(err.message.contains(&format!("more than {limit}")), "{err}");
}

/// `marks` / `unless` / `unless_quoted`: a rule stands down when the message has a context, or
/// when everything it matched lies inside a context's spans (words quoted in a warning).
#[test]
fn contexts_make_rules_stand_down() {
    let pack = "format = smsguard-rules/1\npack = ctx\nversion = 1\n\n\
        [ctx.warning]\nany = 不会\nregex = 不会[^,。]{0,20}\nmarks = warning\n\
        effect = hint transaction/other 0.3\nreason = warning\nzh = 提醒\nen = Warning\n\n\
        [ctx.order]\nany = 单号\nregex = 单号[0-9]{8,}\nmarks = order\n\
        effect = hint transaction/orders 0.3\nreason = order\nzh = 单号\nen = Order number\n\n\
        [scam.link]\nany = 点击链接\nregex = 点击链接.{0,6}(退款|认证)\nunless_quoted = warning\n\
        effect = block phishing\nreason = link\nzh = 链接\nen = Link\n\n\
        [scam.keyword]\nany = 安全账户\nunless_quoted = warning\n\
        effect = block fraud\nreason = safe\nzh = 安全账户\nen = Safe account\n\n\
        [scam.contact]\nany = 加微信\nunless = order\n\
        effect = block fraud\nreason = contact\nzh = 加微信\nen = Add WeChat\n";
    let rules = RuleSet::compile(&[("ctx.rules", pack)]).expect("context pack compiles");
    let hits = |body: &'static str| -> Vec<String> {
        eval(&rules, &msg(body)).iter().map(|h| h.rule.clone()).collect()
    };
    // Quoted in a warning: the scam rules stand down, the warning's own hint stays.
    assert_eq!(hits("我们不会让您点击链接办理退款,请知悉"), ["ctx/ctx.warning"]);
    assert_eq!(hits("我们不会要求您转入安全账户"), ["ctx/ctx.warning"]);
    // The same words outside the quote still count, also when they combine across it.
    let h = hits("我们不会打电话,请点击链接办理退款");
    assert!(h.contains(&"ctx/ctx.warning".to_string()) && h.contains(&"ctx/scam.link".to_string()), "{h:?}");
    assert!(hits("请转入安全账户,我们不会骗你").contains(&"ctx/scam.keyword".to_string()));
    assert!(hits("点击链接不会错,认证").contains(&"ctx/scam.link".to_string()));
    // No warning at all: the scam rules fire.
    assert_eq!(hits("请点击链接办理退款"), ["ctx/scam.link"]);
    // `unless`: a message-level context.
    assert_eq!(hits("请加微信领取"), ["ctx/scam.contact"]);
    assert_eq!(hits("运单单号12345678901,加微信进群"), ["ctx/ctx.order"]);
    // Contexts are shared across packs: a later pack may depend on an earlier pack's context.
    let user = "format = smsguard-rules/1\npack = user\nversion = 1\n\n\
        [user.block]\nany = 红包\nunless = order\neffect = block other\nreason = user\nzh = 用户\nen = User\n";
    let both = RuleSet::compile(&[("ctx.rules", pack), ("user.rules", user)]).expect("packs compile");
    assert!(eval(&both, &msg("单号12345678901,送红包")).iter().all(|h| h.rule != "user/user.block"));
    assert!(eval(&both, &msg("送红包")).iter().any(|h| h.rule == "user/user.block"));
}
