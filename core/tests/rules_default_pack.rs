//! The default pack on invented messages (none copied from any corpus): the top hard hit of each
//! message, and the protective ordering (a broad block never beats an OTP/bank protect).
//! Built by hand: `Normalised.text` is the simplified, half-width, lower-case body, as the
//! normaliser will produce; sender and signature are set explicitly per case.

use smsguard_core::normalise::{Entity, EntityKind, Normalised};
use smsguard_core::rules::{Effect, RuleHit, RuleInput, RuleSet};
use smsguard_core::sender::{Sender, SenderKind};
use smsguard_core::signature::{
    Institution, InstitutionKind, Placement, SenderFit, Signature, SignatureCheck, SignatureScan,
};
use smsguard_core::verdict::{Action, Category};

fn normalised(body: &str) -> Normalised {
    let text = body.to_lowercase();
    let mut entities = Vec::new();
    if text.contains("http") || text.contains("www.") || text.contains(".cn/") {
        entities.push(Entity { kind: EntityKind::Url, text: String::new() });
    }
    Normalised { masked: text.clone(), text, entities, evasions: Vec::new() }
}

/// A leading 【…】 becomes a valid signature without institution (what the signature step says
/// about an unknown brand).
fn plain_signature(text: &str) -> SignatureCheck {
    let scan = match text.strip_prefix('【').and_then(|r| r.split_once('】')) {
        Some((name, _)) => SignatureScan::Valid {
            signature: Signature { name: name.to_string(), placement: Placement::Leading },
        },
        None => SignatureScan::None,
    };
    SignatureCheck { scan, institution: None, fit: SenderFit::NotApplicable }
}

fn hits_with(body: &str, sender_kind: SenderKind, sig: &SignatureCheck) -> Vec<RuleHit> {
    let n = normalised(body);
    let sender = Sender { normalised: "1069000000".to_string(), kind: sender_kind };
    RuleSet::embedded().evaluate(&RuleInput { body, normalised: &n, sender: &sender, signature: sig })
}

fn hits(body: &str) -> Vec<RuleHit> {
    hits_with(body, SenderKind::Port106, &plain_signature(body))
}

/// The first hard (non-hint) hit: what the policy acts on.
fn top_hard(hits: &[RuleHit]) -> Option<&RuleHit> {
    hits.iter().find(|h| !matches!(h.effect, Effect::Hint { .. }))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Protect(Category),
    Block(Category),
    /// Only hints for this action (no hard hit).
    Hint(Action),
}

fn check(body: &str, want: Want) {
    let hits = hits(body);
    let names: Vec<&str> = hits.iter().map(|h| h.rule.as_str()).collect();
    match (want, top_hard(&hits).map(|h| h.effect)) {
        (Want::Protect(c), Some(Effect::Protect { category, action })) => {
            assert_eq!((category, action), (c, Action::Transaction), "{body} → {names:?}")
        }
        (Want::Block(c), Some(Effect::Block { category, .. })) => {
            assert_eq!(category, c, "{body} → {names:?}")
        }
        (Want::Hint(a), None) => assert!(
            hits.iter().any(|h| matches!(h.effect, Effect::Hint { action, .. } if action == a)),
            "{body} → {names:?}"
        ),
        (w, got) => panic!("{body}: wanted {w:?}, got {got:?} from {names:?}"),
    }
}

use Category as C;

#[test]
fn verification_codes_are_protected() {
    check("【星河银行】您的验证码为482913,5分钟内有效,请勿泄露。", Want::Protect(C::Otp));
    check("【云帆出行】验证码:7731,您正在登录,如非本人操作请忽略。", Want::Protect(C::Otp));
    check("【乐淘商城】638204(动态密码),用于账户绑定,切勿告知他人。", Want::Protect(C::Otp));
    check("【northwind】your verification code is 554201. do not share it.", Want::Protect(C::Otp));
    check("【青檬视频】校验码 90417,工作人员不会索取,请勿告诉任何人。", Want::Protect(C::Otp));
    check("【知行教育】您的确认码是 2050,10分钟内有效。", Want::Protect(C::Otp));
}

#[test]
fn otp_with_link_or_do_not_tell_stays_protected() {
    // Genuine codes often carry a link and a do-not-share warning: both must not flip the verdict.
    check(
        "【星河银行】验证码802211,用于网银登录。请勿泄露,点击链接 https://m.xinghe-bank.cn/a 查看安全提示。",
        Want::Protect(C::Otp),
    );
    check("【飞鱼支付】验证码 311902,切勿告诉他人,客服不会向您索要。详见 t.cn/abc12", Want::Protect(C::Otp));
    check("【蓝鲸云】动态码4470,请勿泄露给任何人,包括自称客服的人员。", Want::Protect(C::Otp));
}

#[test]
fn bank_and_payment_alerts_are_protected() {
    check(
        "【星河银行】您尾号4821的储蓄卡11月27日14:02支出人民币256.00元,余额3,180.55元。",
        Want::Protect(C::Finance),
    );
    check(
        "【长川银行】您账户*7765于11月28日转入9,800.00元,交易后余额12,004.31元。",
        Want::Protect(C::Finance),
    );
    check(
        "【长川银行信用卡】您本期账单应还金额2,431.60元,最低还款243.16元,还款日12月5日。",
        Want::Protect(C::Finance),
    );
    check("【飞鱼支付】您通过飞鱼向某商户付款58.00元,支付宝余额已扣除。", Want::Protect(C::Finance));
    check(
        "【北辰银行】您尾号0032的卡在某商户消费1,288.00元。如非本人操作请致电95599。",
        Want::Protect(C::Finance),
    );
}

#[test]
fn delivery_orders_and_travel_are_protected() {
    check("【驿站通】您的包裹已到东门驿站,取件码 6-2-3107,请于20:00前取件。", Want::Protect(C::Orders));
    check(
        "【快达速运】您的快件已安排派送,快递员电话13800000000,运单号kd8830211974。",
        Want::Protect(C::Orders),
    );
    check("【优选商城】您的订单已发货,订单号88321450,请留意查收。", Want::Protect(C::Orders));
    check(
        "【铁路服务】订单e123456789,张先生已购11月30日g1234次3车12f号,检票口a5。",
        Want::Protect(C::Orders),
    );
    check(
        "【远航航空】您预订的mu5101航班12月1日08:30起飞,请提前90分钟到达机场办理值机。",
        Want::Protect(C::Reminders),
    );
    check("【栖云酒店】预订成功:12月3日入住,12月5日离店,订单号h77312。", Want::Protect(C::Orders));
}

#[test]
fn carrier_government_health_are_protected() {
    check(
        "【中国移动】尊敬的客户,您本月通用流量已用18.5gb,剩余1.5gb,话费余额23.40元。",
        Want::Protect(C::Carrier),
    );
    check("【中国电信】您的话费余额不足10元,为避免停机请及时充值。", Want::Protect(C::Carrier));
    check(
        "【某市住房公积金】您的公积金账户11月缴存1,620.00元已到账,余额35,226.10元。",
        Want::Protect(C::PublicServices),
    );
    check(
        "【交管12123】您的机动车有一条违法记录待处理,请通过交管12123app查询处理。",
        Want::Protect(C::PublicServices),
    );
    check("【市人民医院】您已预约12月2日上午心内科门诊,就诊序号18,请按时就诊。", Want::Protect(C::Health));
    check("【社区卫生服务中心】您的孩子应于12月10日接种疫苗第二针,请按时前来。", Want::Protect(C::Health));
    check("【市气象台】市气象台11月28日发布暴雨橙色预警,请注意防范。", Want::Protect(C::Weather));
}

/// An anti-fraud warning is evidence of a notice (a hint), not a protection: the scam words it
/// quotes stand down through the `antifraud_reminder` context, and a scam that appends "谨防诈骗"
/// or says it is "not a scam" is still blocked.
#[test]
fn antifraud_words_are_a_hint_and_shield_no_scam() {
    check(
        "【国家反诈中心】提醒:刷单返利都是诈骗,不要向所谓安全账户转账,谨防被骗。",
        Want::Hint(Action::Transaction),
    );
    check("【鸿运娱乐】注册送彩金888,官网 http://hy-bet.top ,温馨提醒:谨防诈骗", Want::Block(C::Gambling));
    check("稳赚不赔,老师带单,加微信 tz8888 进投资群,谨防诈骗请认准本群", Want::Block(C::Fraud));
    check("兼职刷单日赚300,加qq 1234567,我们不是诈骗,请注意甄别", Want::Block(C::Fraud));
    let denial = hits("本平台不是骗子,正规运营,欢迎咨询");
    assert!(denial.iter().any(|h| h.rule == "default/fraud.scam_denial"), "{denial:?}");
    let quoted = hits("【国家反诈中心】提醒:凡是说“我们不是骗子”并让你转账的,都是诈骗。");
    assert!(!quoted.iter().any(|h| h.rule == "default/fraud.scam_denial"), "{quoted:?}");
}

#[test]
fn marketing_gets_promotion_hints_only() {
    check("【乐淘商城】双11大促,全场满300减50,限时抢购,回t退订", Want::Hint(Action::Promotion));
    check("【咖啡小栈】会员日专享:新品第二杯半价,优惠券已放入账户。退订回td", Want::Hint(Action::Promotion));
    check("【美妆铺子】年终清仓,低至3折,包邮到家!", Want::Hint(Action::Promotion));
    check("【花园小区售楼处】现房热销,首付20万起,欢迎来电看房。拒收请回复r", Want::Hint(Action::Promotion));
}

#[test]
fn junk_kinds_are_blocked() {
    check("您好,无抵押信用贷款,最高可贷50万,秒批当天放款,详情加微信loan8899", Want::Block(C::Fraud));
    check("招兼职刷单,在家动动手指日赚300-500元,佣金日结,加qq 1234567", Want::Block(C::Fraud));
    check("【快递理赔中心】您的包裹在运输中丢失,请联系客服专员办理双倍赔付退款。", Want::Block(C::Fraud));
    check("您的账户涉嫌洗钱案件,请配合调查,将资金转入安全账户。", Want::Block(C::Fraud));
    check("专业征信修复,消除逾期记录,不成功不收费。", Want::Block(C::Fraud));
    check(
        "【ETC服务】您的etc已停用,请点击 http://etc-renz.top/v 重新认证,以免影响通行。",
        Want::Block(C::Phishing),
    );
    check("【通知】您的医保卡已冻结,请点击链接完成信息认证。", Want::Block(C::Phishing));
    check("澳门娱乐城首充送100%彩金,百家乐真人视讯在线,注册即送。", Want::Block(C::Gambling));
    check("同城约炮,美女上门服务,包夜全套,加v详聊。", Want::Block(C::Adult));
    check("代开各类增值税发票,可查验后付款,联系电话13900000000", Want::Block(C::IllegalGoods));
    check("专业办证,毕业证各类证件,联系电话13700000000", Want::Block(C::IllegalGoods));
    check("出售仿真枪、迷药,货到付款。", Want::Block(C::IllegalGoods));
    check("恭喜您的手机号被抽中幸运用户,获得大奖,请点击 www.zj-lucky.cc 领取。", Want::Block(C::Fraud));
    check("尊敬的车主,您的车辆有违章记录,请登录 www.jt-chaxun.cc 处理。", Want::Block(C::Phishing));
}

#[test]
fn code_requests_are_blocked_above_protection() {
    // Both the OTP protect and the code-request block hit: the narrow fraud evidence wins.
    let h = hits("我是平台客服,刚才发给您的验证码 5521 麻烦发给我一下,帮您解除限制。");
    assert!(
        matches!(top_hard(&h).map(|h| h.effect), Some(Effect::Block { category: C::Fraud, .. })),
        "{h:?}"
    );
    assert!(h.iter().any(|x| matches!(x.effect, Effect::Protect { .. })), "protect hit expected too");
    assert!(top_hard(&h).is_some_and(|x| x.priority > 100));
}

#[test]
fn broad_blocks_never_beat_otp_or_bank_protect() {
    // Each message triggers a broad (priority 50) block and an OTP/bank protect.
    let cases = [
        "【星河银行】验证码 662019,您正在申请信用贷款,额度已提升,加微信无关。请勿泄露。",
        "【北辰银行】您尾号5520的卡11月28日消费人民币880.00元,商户:某某娱乐城。",
        "【北辰银行】您尾号3321的信用卡消费1,000.00元。最高可贷50万,秒批。",
    ];
    for body in cases {
        let h = hits(body);
        let protect = h.iter().position(|x| matches!(x.effect, Effect::Protect { .. }));
        let block = h.iter().position(|x| matches!(x.effect, Effect::Block { .. }));
        let (Some(p), Some(b)) = (protect, block) else { panic!("{body}: want both hits, got {h:?}") };
        assert!(p < b, "{body}: protect must rank first: {h:?}");
        assert!(h[b].priority <= 50, "{body}: only broad blocks here");
    }
}

#[test]
fn spoofed_bank_signature_with_link_is_phishing() {
    let body = "【星河银行】您的账户积分即将清零,请登录 http://xh-jf.top/d 兑换。";
    let sig = SignatureCheck {
        scan: SignatureScan::Valid {
            signature: Signature { name: "星河银行".to_string(), placement: Placement::Leading },
        },
        institution: Some(Institution { name: "星河银行".to_string(), kind: InstitutionKind::Bank }),
        fit: SenderFit::Spoofed,
    };
    let h = hits_with(body, SenderKind::Mobile, &sig);
    let top = top_hard(&h).expect("a hard hit");
    assert_eq!(top.rule, "default/phish.spoofed_link");
    assert_eq!(top.priority, 200);
    // Any top-level domain the normaliser knows is a link (`{link}`), not only the common ones.
    for link in ["secure-icbc.online/v", "icbc-card.info", "bank-verify.store", "m.icbc-safe.io/a"] {
        let body = format!("【工商银行】您的账户存在异常，请登录 {link} 核实");
        let h = hits_with(&body, SenderKind::Mobile, &sig);
        let top = top_hard(&h).map(|x| x.rule.as_str());
        assert_eq!(top, Some("default/phish.spoofed_link"), "{link}");
    }
    // The same text from the bank's own number is not called phishing by that rule.
    let sig_ok = SignatureCheck { fit: SenderFit::Expected, ..sig };
    let h = hits_with(body, SenderKind::Service, &sig_ok);
    assert!(h.iter().all(|x| x.rule != "default/phish.spoofed_link"));
    assert!(h.iter().any(|x| x.rule == "default/sig.bank"), "bank signature hint: {h:?}");
}

#[test]
fn personal_chat_has_no_hard_hit() {
    for body in ["晚上一起吃饭吗?我七点到。", "妈,我到学校了,周末回家。", "明天的会改到下午三点,记得带电脑"]
    {
        let h = hits_with(body, SenderKind::Mobile, &plain_signature(body));
        assert!(top_hard(&h).is_none(), "{body}: {h:?}");
    }
}

#[test]
fn pack_is_sizeable_and_versioned() {
    let rules = RuleSet::embedded();
    assert!(rules.rule_count() >= 80, "{}", rules.rule_count());
    assert_eq!(rules.pack_versions().first().map(|(n, _)| n.as_str()), Some("default"));
    // Keyword-less rules run on every message: keep them few.
    assert!(rules.keywordless_rule_count() <= 10);
}
