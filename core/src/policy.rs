//! Step 5: policy. Combines rule hits, the model's score, the signature check and the user's own
//! choices into one [`Verdict`].
//!
//! Order of authority, highest first:
//! 1. hard rule effects by priority. The user's own allow/block rules and feedback come as a rule
//!    pack of priority 1000 (see `user_rules`), so they beat every default rule. A protective rule
//!    (OTP, bank alert, …) wins ties, so a broad block never beats it; only a block of strictly
//!    higher priority ("overwhelming" evidence, e.g. a spoofed bank signature with a link)
//!    overrides a protect;
//! 2. a spoofed institution signature (built-in evidence, not a rule);
//! 3. soft evidence: rule hints and the model, combined per action (the model alone does not file a
//!    person's chat, without a link or a number, as a notification or marketing);
//! 4. consent for marketing: granted → promotion, revoked → junk, unknown → promotion (or junk in
//!    strict mode).
//!
//! Transactions are protected twice: by protect rules, and because soft evidence may only send a
//! message to junk when junk is both confident and clearly ahead of transaction; otherwise
//! uncertain marketing/junk lands in promotion, never in junk.

use crate::consent::ConsentLedger;
use crate::model::ModelScore;
use crate::rules::{Effect, RuleHit};
use crate::sender::{Sender, SenderKind};
use crate::signature::{SenderFit, SignatureCheck};
use crate::verdict::{Action, Category, Consent, Reason, ReasonTable, Subcategory, Verdict};

/// Soft junk evidence must reach this before a message goes to junk at all.
pub const JUNK_THRESHOLD: f32 = 0.80;
/// …and, when the message also looks like a transaction, this (overwhelming evidence).
pub const JUNK_OVER_TRANSACTION_THRESHOLD: f32 = 0.97;

/// What the user decided that the policy itself applies: consent per signature (and port) and
/// strict mode. (Allow/block choices are rules: `user_rules` turns them into a rule pack.)
#[derive(Debug, Clone, Default)]
pub struct UserChoices {
    pub consents: ConsentLedger,
    /// Strict mode: marketing without recorded consent goes to junk instead of promotion.
    pub strict: bool,
}

/// Everything the earlier steps found about one message.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    pub sender: &'a Sender,
    pub signature: &'a SignatureCheck,
    /// Sorted by the rule engine: highest priority first.
    pub hits: &'a [RuleHit],
    pub model: Option<&'a ModelScore>,
    /// The message tells how to opt out (回T退订, …): marketing that does not is unlawful.
    pub opt_out: bool,
    /// The text holds a link or a phone number (a normaliser entity): spam almost always gives
    /// one to act on; a chat between people mostly does not.
    pub link_or_phone: bool,
}

/// Decide where a message goes and why.
pub fn decide(ev: &Evidence<'_>, user: &UserChoices) -> Verdict {
    let signature = ev.signature.signature().map(|s| s.name.clone());
    let mut d = Decision::new();

    decide_from_evidence(ev, &mut d);

    if d.action == Action::Promotion || d.category == Category::UnsolicitedMarketing {
        apply_consent(signature.as_deref(), ev.sender, user, &mut d);
        if !ev.opt_out {
            d.reasons.push(reason("marketing_without_opt_out"));
        }
    }

    describe_sender(ev, &mut d);
    let institution = ev.signature.institution.as_ref().map(|i| i.kind);
    Verdict {
        action: d.action,
        category: d.category,
        // Without the text: the engine refines it with the message's keywords.
        subcategory: Subcategory::derive(d.action, d.category, institution, ""),
        score: d.score.clamp(0.0, 1.0),
        signature,
        sender_kind: ev.sender.kind,
        consent: d.consent,
        reasons: d.reasons,
    }
}

/// A rule evaluation that the time budget cut short (`crate::rules::RULE_TIME_BUDGET`; only a
/// costly rule pack or a pathological message gets there): the rules left out could have been a
/// protection, so such a verdict never hides a message on less than a block rule that did match.
/// Junk without one goes to promotions, where the user still sees it. Says so either way.
pub fn when_rules_incomplete(complete: bool, hits: &[RuleHit], mut verdict: Verdict) -> Verdict {
    if complete {
        return verdict;
    }
    let blocked = hits.iter().any(|h| matches!(h.effect, Effect::Block { .. }));
    if verdict.action == Action::Junk && !blocked {
        verdict.action = Action::Promotion;
        if !verdict.category.fits(Action::Promotion) {
            verdict.category = Action::Promotion.default_category();
        }
    }
    verdict.reasons.push(reason("rules_incomplete"));
    verdict
}

struct Decision {
    action: Action,
    category: Category,
    score: f32,
    consent: Option<Consent>,
    reasons: Vec<Reason>,
}

impl Decision {
    fn new() -> Self {
        Decision {
            action: Action::Allow,
            category: Category::Personal,
            score: 0.5,
            consent: None,
            reasons: Vec::new(),
        }
    }

    fn set(&mut self, action: Action, category: Category, score: f32) {
        self.action = action;
        self.category = if category.fits(action) { category } else { action.default_category() };
        self.score = score;
    }
}

fn decide_from_evidence(ev: &Evidence<'_>, d: &mut Decision) {
    // A block that spares transactions ("is junk" feedback) yields when the message is a
    // transaction without it: the decision is made again without such blocks, and only a
    // non-transaction outcome lets them apply.
    let spares = |h: &RuleHit| matches!(h.effect, Effect::Block { unless_transaction: true, .. });
    if let Some(sparing) = ev.hits.iter().find(|h| spares(h)) {
        let others: Vec<RuleHit> = ev.hits.iter().filter(|h| !spares(h)).cloned().collect();
        let mut without = Decision::new();
        decide_from_evidence(&Evidence { hits: &others, ..*ev }, &mut without);
        if without.action == Action::Transaction {
            *d = without;
            d.reasons.push(reason("block_spares_transaction"));
            d.reasons.push(sparing.reason.clone());
            return;
        }
    }
    let best_protect = strongest(ev.hits.iter().filter(|h| matches!(h.effect, Effect::Protect { .. })));
    let best_block = strongest(ev.hits.iter().filter(|h| matches!(h.effect, Effect::Block { .. })));
    let spoofed = ev.signature.fit == SenderFit::Spoofed;

    match (best_protect, best_block) {
        (Some(p), Some(b)) if b.priority > p.priority => {
            block(b, d);
            d.reasons.push(reason("block_overrides_protect"));
            d.reasons.push(p.reason.clone());
            if spoofed {
                d.reasons.push(reason("signature_spoofed"));
            }
            return;
        }
        (Some(p), block_hit) => {
            if let Effect::Protect { action, category } = p.effect {
                d.set(action, category, 0.99);
            }
            d.reasons.push(p.reason.clone());
            if let Some(b) = block_hit {
                d.reasons.push(reason("protected_despite_block"));
                d.reasons.push(b.reason.clone());
            }
            if spoofed {
                // Kept where the user sees it, but flagged: codes from a mobile number are odd.
                d.score = 0.7;
                d.reasons.push(reason("signature_spoofed"));
            }
            return;
        }
        (None, Some(b)) => {
            block(b, d);
            if spoofed {
                d.reasons.push(reason("signature_spoofed"));
            }
            return;
        }
        (None, None) => {}
    }

    if spoofed {
        d.set(Action::Junk, Category::Fraud, 0.9);
        d.reasons.push(reason("signature_spoofed"));
        return;
    }

    soft_decision(ev, d);
}

/// The highest-priority hit; among equals the first, i.e. the earlier rule in pack order.
fn strongest<'h>(hits: impl Iterator<Item = &'h RuleHit>) -> Option<&'h RuleHit> {
    hits.fold(None, |best: Option<&RuleHit>, h| match best {
        Some(b) if b.priority >= h.priority => Some(b),
        _ => Some(h),
    })
}

/// A named category (offers, coupons, …) beats `other` whatever the weights: `other` hints such
/// as an opt-out marker say *that* it is marketing, not *what kind*.
fn more_specific(category: Category, weight: f32, best: (Category, f32)) -> bool {
    match (category == Category::Other, best.0 == Category::Other || best.1 <= 0.0) {
        (false, true) => true,
        (true, false) => false,
        _ => weight > best.1,
    }
}

fn block(hit: &RuleHit, d: &mut Decision) {
    if let Effect::Block { category, .. } = hit.effect {
        d.set(Action::Junk, category, 0.95);
    }
    d.reasons.push(hit.reason.clone());
}

/// Combine rule hints and the model per action with a noisy-OR: each piece of evidence is an
/// independent chance that the message belongs to that action.
fn soft_decision(ev: &Evidence<'_>, d: &mut Decision) {
    const ACTIONS: [Action; 4] = [Action::Allow, Action::Transaction, Action::Promotion, Action::Junk];
    let mut miss = [1.0f32; 4];
    let mut best_category: [(Category, f32); 4] = ACTIONS.map(|a| (a.default_category(), 0.0));
    let index = |a: Action| ACTIONS.iter().position(|x| *x == a);

    let hints: Vec<&RuleHit> = ev.hits.iter().filter(|h| matches!(h.effect, Effect::Hint { .. })).collect();
    let mut hinted = [false; 4];
    for hit in &hints {
        if let Effect::Hint { action, category, weight } = hit.effect {
            let Some(i) = index(action) else { continue };
            hinted[i] = true;
            let w = if weight.is_finite() { weight.clamp(0.0, 1.0) } else { 0.0 };
            miss[i] *= 1.0 - w;
            if category.fits(action) && more_specific(category, w, best_category[i]) {
                best_category[i] = (category, w);
            }
        }
    }
    if let Some(m) = ev.model {
        for (i, a) in ACTIONS.iter().enumerate() {
            let p = m.prob(*a);
            let p = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
            let p = if *a == Action::Junk { on_policy_scale(p, m.junk_threshold) } else { p };
            miss[i] *= 1.0 - p;
        }
        if let Some((category, p)) = m.category {
            for (i, a) in ACTIONS.iter().enumerate() {
                if category.fits(*a) && category != Category::Other && p > best_category[i].1 {
                    best_category[i] = (category, p);
                }
            }
        }
    }
    let score: [f32; 4] = miss.map(|m| 1.0 - m);
    let any_evidence = !hints.is_empty() || ev.model.is_some();

    if !any_evidence {
        default_without_evidence(ev, d);
        return;
    }

    // The strongest action from `first` on; ties go to the more protective (earlier) action.
    let strongest =
        |first: usize| (first + 1..4).fold(first, |top, i| if score[i] > score[top] { i } else { top });
    let mut top = strongest(0);
    // A marketing opt-out (回T退订, 拒收请回R) is written by senders of bulk SMS, never by people
    // to each other: the model's allow cannot file such an unsigned message as personal. The
    // strongest of the other folders takes it (ties: the more protective, transaction first).
    // Signed messages keep the model's vote: a subscribed bulletin (a broker's morning note)
    // carries an opt-out too, and the signature already says who sent it.
    let opt_out_not_personal =
        ev.opt_out && ev.signature.signature().is_none() && ACTIONS[top] == Action::Allow;
    if opt_out_not_personal {
        top = strongest(1);
    }
    let (junk, transaction) = (score[3], score[1]);
    let junk_bar = if transaction >= 0.5 { JUNK_OVER_TRANSACTION_THRESHOLD } else { JUNK_THRESHOLD };
    let confident_junk = ACTIONS[top] == Action::Junk && junk >= junk_bar;
    let rules_silent = !hinted[1..].iter().any(|h| *h);
    // A transaction hint (a bank's or airline's signature) only adds to a notice's case.
    let no_marketing_hint = !hinted[2..].iter().any(|h| *h);
    if let Some(m) = ev.model {
        let filed =
            if ACTIONS[top] == Action::Junk && !confident_junk { Action::Promotion } else { ACTIONS[top] };
        let hints = RuleHints { silent: rules_silent, no_marketing: no_marketing_hint };
        if let Some((action, category, code)) = model_alone_guard(ev, m, filed, hints, confident_junk) {
            d.set(action, category, 0.5);
            d.reasons.push(reason(code));
            d.reasons.push(model_reason(m));
            return;
        }
    }
    if ACTIONS[top] == Action::Junk && !confident_junk {
        // Not sure enough to hide it: uncertain junk lands in promotion, a visible folder.
        let s = score[2].max(junk);
        d.set(Action::Promotion, best_category[2].0, s);
        d.reasons.push(reason("uncertain_junk_to_promotion"));
    } else if score[top] <= 0.0 {
        default_without_evidence(ev, d);
        return;
    } else {
        d.set(ACTIONS[top], best_category[top].0, score[top]);
    }
    if opt_out_not_personal {
        d.reasons.push(reason("opt_out_not_personal"));
    }
    for hit in hints {
        d.reasons.push(hit.reason.clone());
    }
    if let Some(m) = ev.model {
        d.reasons.push(model_reason(m));
    }
}

/// Where the model alone (no rule hint for transaction, promotion or junk; junk not confident)
/// may not move a message: the model-combination guards, each with its reason code.
/// - From a person (a mobile, unsigned) with nothing to act on (no link, no number to call):
///   personal, whatever the model says (`personal_sender_model_only`).
/// - No sender number at all (a backup, a forward), unsigned, nothing to act on, and the model
///   gives allow at least its manifest's `thresholds.allow` although promotion or junk is ahead:
///   personal (`chat_model_only`). Chats between people are the model's weakest spot and the
///   costliest error there; spam almost always gives a link or a contact.
/// - Signed, without an opt-out, and the model's promotion + junk below its manifest's
///   `thresholds.promotion`: a notice (`signed_notice_model_only`). Lawful marketing from a
///   signature carries an opt-out; what carries neither is mostly a notification.
///
///   A transaction hint (e.g. a railway or airline signature) does not lift this guard: it is more
///   evidence of a notice, and without the guard it let the model's marketing vote win over it.
///
/// Models without those thresholds get only the first guard.
fn model_alone_guard(
    ev: &Evidence<'_>,
    m: &ModelScore,
    filed: Action,
    hints: RuleHints,
    confident_junk: bool,
) -> Option<(Action, Category, &'static str)> {
    if confident_junk || !hints.no_marketing {
        return None;
    }
    let unsigned = ev.signature.signature().is_none();
    if hints.silent && from_person(ev) && !ev.link_or_phone {
        return Some((Action::Allow, Category::Personal, "personal_sender_model_only"));
    }
    if filed != Action::Promotion && filed != Action::Junk {
        return None;
    }
    let finite = |p: f32| if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
    let no_sender = ev.sender.kind == SenderKind::Unknown && ev.sender.normalised.is_empty();
    if hints.silent && no_sender && unsigned && !ev.link_or_phone {
        if let Some(floor) = m.allow_threshold.filter(|t| t.is_finite()) {
            if finite(m.allow) >= floor {
                return Some((Action::Allow, Category::Personal, "chat_model_only"));
            }
        }
    }
    if !unsigned && !ev.opt_out {
        if let Some(bar) = m.promotion_threshold.filter(|t| t.is_finite()) {
            if finite(m.promotion) + finite(m.junk) < bar {
                return Some((Action::Transaction, Category::Other, "signed_notice_model_only"));
            }
        }
    }
    None
}

/// Which rule hints a message has: none for transaction, promotion or junk (`silent`); none for
/// promotion or junk (`no_marketing`).
#[derive(Debug, Clone, Copy)]
struct RuleHints {
    silent: bool,
    no_marketing: bool,
}

/// An 11-digit mobile without a signature: a person (or someone posing as one).
fn from_person(ev: &Evidence<'_>) -> bool {
    ev.sender.kind == SenderKind::Mobile && ev.signature.signature().is_none()
}

fn model_reason(m: &ModelScore) -> Reason {
    let (a, p) = m.top();
    Reason::new(
        "model_score",
        format!("模型判断：{}（{:.0}%）", action_zh(a), p * 100.0),
        format!("Model: {a} ({:.0}%)", p * 100.0),
    )
}

/// Map the model's junk probability onto the policy's scale: monotone, 0 → 0 and 1 → 1, and the
/// model's calibrated bar (from its manifest) lands on [`JUNK_THRESHOLD`], so "confident junk"
/// means what validation measured for that model rather than a fixed number.
fn on_policy_scale(p: f32, model_bar: Option<f32>) -> f32 {
    match model_bar {
        Some(bar) if bar.is_finite() && bar > 0.0 && bar < 1.0 => {
            if p <= bar {
                p / bar * JUNK_THRESHOLD
            } else {
                JUNK_THRESHOLD + (p - bar) / (1.0 - bar) * (1.0 - JUNK_THRESHOLD)
            }
        }
        _ => p,
    }
}

/// Nothing matched and there is no model: a signed message from a business number is a
/// notification we could not classify (shown, not hidden); anything else is treated as personal.
fn default_without_evidence(ev: &Evidence<'_>, d: &mut Decision) {
    let business_sender =
        matches!(ev.sender.kind, SenderKind::Port106 | SenderKind::Service | SenderKind::Carrier);
    if ev.signature.signature().is_some() || business_sender {
        d.set(Action::Transaction, Category::Other, 0.5);
        d.reasons.push(reason("no_evidence_business"));
    } else {
        d.set(Action::Allow, Category::Personal, 0.5);
        d.reasons.push(reason("no_evidence_personal"));
    }
}

fn apply_consent(signature: Option<&str>, sender: &Sender, user: &UserChoices, d: &mut Decision) {
    let consent = user.consents.consent_for(signature, &sender.normalised);
    d.consent = Some(consent);
    if d.action == Action::Junk {
        // Already junk (unsolicited marketing by rule); consent only annotates it.
        return;
    }
    match consent {
        Consent::Granted => d.reasons.push(reason("consent_granted")),
        Consent::Revoked => {
            d.set(Action::Junk, Category::UnsolicitedMarketing, d.score.max(0.9));
            d.reasons.insert(0, reason("consent_revoked"));
        }
        Consent::Unknown if user.strict => {
            d.set(Action::Junk, Category::UnsolicitedMarketing, d.score);
            d.reasons.insert(0, reason("consent_unknown_strict"));
        }
        Consent::Unknown => d.reasons.push(reason("consent_unknown")),
    }
}

fn describe_sender(ev: &Evidence<'_>, d: &mut Decision) {
    if ev.signature.fit == SenderFit::Expected {
        d.reasons.push(reason("sender_expected"));
    }
    if d.reasons.is_empty() {
        d.reasons.push(reason("no_evidence_personal"));
    }
}

fn action_zh(a: Action) -> &'static str {
    match a {
        Action::None => "无",
        Action::Allow => "正常短信",
        Action::Transaction => "通知类短信",
        Action::Promotion => "推广短信",
        Action::Junk => "垃圾短信",
    }
}

/// The policy's own reason codes, with their texts. Codes are stable API.
pub const POLICY_REASONS: &ReasonTable = &[
    (
        "block_overrides_protect",
        "有压倒性的诈骗证据，覆盖了通知类保护",
        "Overwhelming fraud evidence overrides the transaction protection",
    ),
    (
        "protected_despite_block",
        "通知类短信受保护，未因下列规则拦截",
        "Protected as a transaction despite the following block rule",
    ),
    (
        "signature_spoofed",
        "机构签名来自个人手机号或境外号码，疑似冒充",
        "An institution's signature sent from a personal or foreign number: likely spoofed",
    ),
    (
        "block_spares_transaction",
        "你屏蔽过此来源的营销，但验证码和通知类短信仍会显示",
        "You marked this source as junk, but its codes and notices are still shown",
    ),
    ("sender_expected", "发送号码与签名机构相符", "The sender number is one this institution uses"),
    (
        "rules_incomplete",
        "规则检查超出时间限制，部分规则未判断；未确认拦截的短信不会放入垃圾箱",
        "The rule check ran out of time and some rules were not checked: nothing is put in junk \
         without a block rule that matched",
    ),
    (
        "uncertain_junk_to_promotion",
        "疑似垃圾短信但证据不足，放入推广",
        "Looks like junk but the evidence is not strong enough: moved to promotions",
    ),
    (
        "no_evidence_business",
        "来自企业号码或带签名，未识别出类型",
        "From a business number or signed, but of no recognised kind",
    ),
    ("no_evidence_personal", "未发现营销或诈骗特征", "No sign of marketing or fraud"),
    (
        "personal_sender_model_only",
        "来自个人手机号，仅模型认为是通知或推广，按个人短信处理",
        "From a personal number and only the model saw a notification or marketing: kept as personal",
    ),
    (
        "chat_model_only",
        "没有发送号码、签名、链接或电话，模型也认为可能是个人消息，按个人短信处理",
        "No sender number, signature, link or phone number, and the model also sees a personal \
         message: kept as personal",
    ),
    (
        "signed_notice_model_only",
        "带签名但没有退订方式，仅模型认为是推广，证据不足，按通知处理",
        "Signed without a way to opt out, and only the model saw marketing (not confidently): kept \
         as a notification",
    ),
    (
        "opt_out_not_personal",
        "含退订方式，是群发短信而非个人消息",
        "Carries an opt-out: bulk SMS, not a message from a person",
    ),
    (
        "marketing_without_opt_out",
        "营销短信未提供退订方式，不符合规定，可举报",
        "Marketing without a way to opt out breaks the rules: reportable",
    ),
    ("consent_granted", "你已同意接收此签名的营销短信", "You agreed to marketing from this signature"),
    (
        "consent_revoked",
        "你已撤回对此签名的同意（或已退订），属于未经同意的营销",
        "You revoked consent (or unsubscribed): unsolicited marketing",
    ),
    (
        "consent_unknown_strict",
        "严格模式：未记录同意的营销短信视为骚扰",
        "Strict mode: marketing without recorded consent is treated as junk",
    ),
    (
        "consent_unknown",
        "未记录你是否同意接收此签名的营销短信，可举报",
        "No consent recorded for marketing from this signature: reportable",
    ),
];

fn reason(code: &str) -> Reason {
    Reason::from_table(POLICY_REASONS, code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::ConsentSource;
    use crate::signature::{Placement, Signature, SignatureScan};

    fn sender(kind: SenderKind) -> Sender {
        Sender { normalised: "10690000".into(), kind }
    }

    fn signed(name: &str, fit: SenderFit) -> SignatureCheck {
        SignatureCheck {
            scan: SignatureScan::Valid {
                signature: Signature { name: name.into(), placement: Placement::Leading },
            },
            institution: None,
            fit,
        }
    }

    fn unsigned() -> SignatureCheck {
        SignatureCheck { scan: SignatureScan::None, institution: None, fit: SenderFit::NotApplicable }
    }

    fn hit(rule: &str, effect: Effect, priority: i32) -> RuleHit {
        RuleHit { rule: rule.into(), effect, priority, reason: Reason::new(rule, rule, rule) }
    }

    fn protect_otp(priority: i32) -> RuleHit {
        hit("otp", Effect::Protect { action: Action::Transaction, category: Category::Otp }, priority)
    }

    fn block(category: Category, priority: i32) -> RuleHit {
        hit("block", Effect::Block { category, unless_transaction: false }, priority)
    }

    fn hint(action: Action, category: Category, weight: f32) -> RuleHit {
        hit("hint", Effect::Hint { action, category, weight }, 0)
    }

    fn run(kind: SenderKind, sig: &SignatureCheck, hits: &[RuleHit], user: &UserChoices) -> Verdict {
        let s = sender(kind);
        decide(
            &Evidence { sender: &s, signature: sig, hits, model: None, opt_out: true, link_or_phone: false },
            user,
        )
    }

    #[test]
    fn every_policy_reason_code_is_unique_and_known() {
        for (i, (code, zh, en)) in POLICY_REASONS.iter().enumerate() {
            assert!(!zh.is_empty() && !en.is_empty());
            assert!(POLICY_REASONS[i + 1..].iter().all(|(c, _, _)| c != code), "{code} twice");
            assert_eq!(reason(code).en, *en);
        }
    }

    /// A rule evaluation the time budget cut short hides nothing without a block rule that
    /// matched: junk from hints (or the model) goes to promotions, and the verdict says why.
    #[test]
    fn an_incomplete_rule_evaluation_files_junk_only_on_a_block() {
        let user = UserChoices::default();
        let hints = [hint(Action::Junk, Category::Fraud, 1.0), hint(Action::Junk, Category::Fraud, 1.0)];
        let from_hints = run(SenderKind::Mobile, &unsigned(), &hints, &user);
        assert_eq!(from_hints.action, Action::Junk, "the hints alone must make junk for this test");
        assert_eq!(when_rules_incomplete(true, &hints, from_hints.clone()), from_hints);
        let cut = when_rules_incomplete(false, &hints, from_hints);
        assert_eq!(cut.action, Action::Promotion);
        assert!(cut.category.fits(Action::Promotion));
        assert!(cut.reason_codes().any(|c| c == "rules_incomplete"));

        let blocked = [block(Category::Fraud, 50)];
        let v = when_rules_incomplete(false, &blocked, run(SenderKind::Mobile, &unsigned(), &blocked, &user));
        assert_eq!((v.action, v.category), (Action::Junk, Category::Fraud));
        assert!(v.reason_codes().any(|c| c == "rules_incomplete"));
    }

    #[test]
    fn broad_block_never_beats_protect_of_equal_or_higher_priority() {
        for p in [50, 100] {
            let hits = [protect_otp(100), block(Category::Fraud, p)];
            let v = run(SenderKind::Port106, &unsigned(), &hits, &UserChoices::default());
            assert_eq!((v.action, v.category), (Action::Transaction, Category::Otp));
            assert!(v.reason_codes().any(|c| c == "protected_despite_block"));
        }
    }

    #[test]
    fn overwhelming_block_overrides_protect() {
        let hits = [block(Category::Phishing, 200), protect_otp(100)];
        let v = run(SenderKind::Mobile, &unsigned(), &hits, &UserChoices::default());
        assert_eq!((v.action, v.category), (Action::Junk, Category::Phishing));
        assert_eq!(v.reasons[0].code, "block");
        assert!(v.reason_codes().any(|c| c == "block_overrides_protect"));
    }

    #[test]
    fn a_block_that_spares_transactions_yields_to_a_code_but_not_to_marketing() {
        let sparing =
            || hit("feedback", Effect::Block { category: Category::Other, unless_transaction: true }, 1000);
        let sig = signed("某某银行", SenderFit::Expected);
        // The bank's code (a protect of lower priority) stays a transaction.
        let v = run(SenderKind::Service, &sig, &[sparing(), protect_otp(100)], &UserChoices::default());
        assert_eq!((v.action, v.category), (Action::Transaction, Category::Otp));
        assert!(v.reason_codes().any(|c| c == "block_spares_transaction"));
        // A notice only soft evidence calls a transaction stays one too.
        let hints = [sparing(), hint(Action::Transaction, Category::Finance, 0.7)];
        let v = run(SenderKind::Service, &sig, &hints, &UserChoices::default());
        assert_eq!(v.action, Action::Transaction);
        // The bank's marketing goes to junk.
        let hints = [sparing(), hint(Action::Promotion, Category::Offers, 0.8)];
        let v = run(SenderKind::Service, &sig, &hints, &UserChoices::default());
        assert_eq!(v.action, Action::Junk);
        assert_eq!(v.reasons[0].code, "feedback");
        // A plain block of the same priority (the user blocked the signature) hides the code.
        let plain = hit("user", Effect::Block { category: Category::Other, unless_transaction: false }, 1000);
        let v = run(SenderKind::Service, &sig, &[plain, protect_otp(100)], &UserChoices::default());
        assert_eq!(v.action, Action::Junk);
    }

    #[test]
    fn spoofed_signature_alone_is_fraud_but_does_not_hide_a_protected_code() {
        let sig = signed("某某银行", SenderFit::Spoofed);
        let v = run(SenderKind::Mobile, &sig, &[], &UserChoices::default());
        assert_eq!((v.action, v.category), (Action::Junk, Category::Fraud));
        let v = run(SenderKind::Mobile, &sig, &[protect_otp(100)], &UserChoices::default());
        assert_eq!(v.action, Action::Transaction);
        assert!(v.reason_codes().any(|c| c == "signature_spoofed"));
        assert!(v.score < 0.99);
    }

    #[test]
    fn weak_junk_evidence_lands_in_promotion_not_junk() {
        let hits = [hint(Action::Junk, Category::Fraud, 0.6)];
        let v = run(SenderKind::Mobile, &unsigned(), &hits, &UserChoices::default());
        assert_eq!(v.action, Action::Promotion);
        assert!(v.reason_codes().any(|c| c == "uncertain_junk_to_promotion"));
        let hits = [hint(Action::Junk, Category::Gambling, 0.6), hint(Action::Junk, Category::Gambling, 0.6)];
        let v = run(SenderKind::Mobile, &unsigned(), &hits, &UserChoices::default());
        assert_eq!((v.action, v.category), (Action::Junk, Category::Gambling));
    }

    #[test]
    fn junk_over_a_transaction_needs_overwhelming_soft_evidence() {
        let hits =
            [hint(Action::Transaction, Category::Finance, 0.6), hint(Action::Junk, Category::Fraud, 0.9)];
        let v = run(SenderKind::Port106, &unsigned(), &hits, &UserChoices::default());
        assert_ne!(v.action, Action::Junk);
    }

    #[test]
    fn marketing_consent_decides_between_promotion_and_junk() {
        let sig = signed("某商城", SenderFit::NotApplicable);
        let hits = [hint(Action::Promotion, Category::Offers, 0.8)];
        let mut user = UserChoices::default();
        let v = run(SenderKind::Port106, &sig, &hits, &user);
        assert_eq!((v.action, v.consent), (Action::Promotion, Some(Consent::Unknown)));
        assert_eq!(v.category, Category::Offers);

        user.consents.revoke(Some("某商城"), None, 1, ConsentSource::User).map(|_| ()).ok();
        let v = run(SenderKind::Port106, &sig, &hits, &user);
        assert_eq!((v.action, v.category), (Action::Junk, Category::UnsolicitedMarketing));
        assert_eq!(v.reasons[0].code, "consent_revoked");

        user.consents.grant(Some("某商城"), None, 2, ConsentSource::User).map(|_| ()).ok();
        let v = run(SenderKind::Port106, &sig, &hits, &user);
        assert_eq!((v.action, v.consent), (Action::Promotion, Some(Consent::Granted)));

        let strict = UserChoices { strict: true, ..UserChoices::default() };
        let v = run(SenderKind::Port106, &sig, &hits, &strict);
        assert_eq!((v.action, v.category), (Action::Junk, Category::UnsolicitedMarketing));
    }

    #[test]
    fn no_evidence_defaults_by_sender() {
        let v = run(SenderKind::Mobile, &unsigned(), &[], &UserChoices::default());
        assert_eq!((v.action, v.category), (Action::Allow, Category::Personal));
        let v = run(SenderKind::Port106, &unsigned(), &[], &UserChoices::default());
        assert_eq!((v.action, v.category), (Action::Transaction, Category::Other));
        assert!(!v.reasons.is_empty());
    }

    #[test]
    fn model_alone_is_used_and_explained() {
        let s = sender(SenderKind::Mobile);
        let m = ModelScore {
            allow: 0.05,
            transaction: 0.05,
            promotion: 0.02,
            junk: 0.88,
            category: Some((Category::Gambling, 0.7)),
            junk_threshold: None,
            allow_threshold: None,
            promotion_threshold: None,
        };
        let v = decide(
            &Evidence {
                sender: &s,
                signature: &unsigned(),
                hits: &[],
                model: Some(&m),
                opt_out: false,
                link_or_phone: false,
            },
            &UserChoices::default(),
        );
        assert_eq!((v.action, v.category), (Action::Junk, Category::Gambling));
        assert!(v.reason_codes().any(|c| c == "model_score"));
    }

    #[test]
    fn a_persons_message_is_not_filed_as_notification_or_marketing_by_the_model_alone() {
        let m = |transaction: f32, promotion: f32, junk: f32| ModelScore {
            allow: 1.0 - transaction - promotion - junk,
            transaction,
            promotion,
            junk,
            category: None,
            junk_threshold: Some(0.7),
            allow_threshold: None,
            promotion_threshold: None,
        };
        let decide_with =
            |kind: SenderKind, sig: &SignatureCheck, hits: &[RuleHit], m: &ModelScore, link: bool| {
                let s = sender(kind);
                decide(
                    &Evidence {
                        sender: &s,
                        signature: sig,
                        hits,
                        model: Some(m),
                        opt_out: false,
                        link_or_phone: link,
                    },
                    &UserChoices::default(),
                )
            };
        let decide_for = |kind: SenderKind, sig: &SignatureCheck, hits: &[RuleHit], m: &ModelScore| {
            decide_with(kind, sig, hits, m, false)
        };
        let unsigned = unsigned();
        for score in [m(0.1, 0.8, 0.05), m(0.9, 0.05, 0.0), m(0.2, 0.2, 0.5)] {
            let v = decide_for(SenderKind::Mobile, &unsigned, &[], &score);
            assert_eq!((v.action, v.category), (Action::Allow, Category::Personal));
            assert_eq!(v.reasons[0].code, "personal_sender_model_only");
            assert!(v.reason_codes().any(|c| c == "model_score"));
            // From a port, or a signed message from a mobile, the model's vote stands.
            let v = decide_for(SenderKind::Port106, &unsigned, &[], &score);
            assert_ne!(v.action, Action::Allow);
            let v = decide_for(SenderKind::Mobile, &signed("某某小店", SenderFit::Plausible), &[], &score);
            assert_ne!(v.action, Action::Allow);
            // A link or a number to call: the model's vote stands for a person too.
            let v = decide_with(SenderKind::Mobile, &unsigned, &[], &score, true);
            assert_ne!(v.action, Action::Allow);
        }
        // Confident junk still goes to junk, and any rule hint brings the normal combination back.
        let v = decide_for(SenderKind::Mobile, &unsigned, &[], &m(0.02, 0.03, 0.95));
        assert_eq!(v.action, Action::Junk);
        let hits = [hint(Action::Promotion, Category::Offers, 0.4)];
        let v = decide_for(SenderKind::Mobile, &unsigned, &hits, &m(0.1, 0.8, 0.05));
        assert_eq!((v.action, v.category), (Action::Promotion, Category::Offers));
    }

    #[test]
    fn the_models_calibrated_junk_bar_maps_onto_the_policys() {
        // Monotone, fixed ends, and the model's bar lands on the policy's bar.
        let bar = Some(0.4);
        assert_eq!(on_policy_scale(0.0, bar), 0.0);
        assert!((on_policy_scale(1.0, bar) - 1.0).abs() < 1e-6);
        assert!((on_policy_scale(0.4, bar) - JUNK_THRESHOLD).abs() < 1e-6);
        let mut last = -1.0;
        for k in 0..=100 {
            let q = on_policy_scale(k as f32 / 100.0, bar);
            assert!(q >= last && (0.0..=1.0).contains(&q));
            last = q;
        }
        // No bar, or a nonsensical one: the probability is used as is.
        for b in [None, Some(0.0), Some(1.0), Some(f32::NAN)] {
            assert_eq!(on_policy_scale(0.55, b), 0.55);
        }

        // The same model output is junk for a model calibrated at 0.5, promotion without a bar.
        let s = sender(SenderKind::Port106);
        let score = |junk_threshold| ModelScore {
            allow: 0.1,
            transaction: 0.05,
            promotion: 0.25,
            junk: 0.6,
            category: None,
            junk_threshold,
            allow_threshold: None,
            promotion_threshold: None,
        };
        let run = |m: &ModelScore| {
            decide(
                &Evidence {
                    sender: &s,
                    signature: &unsigned(),
                    hits: &[],
                    model: Some(m),
                    opt_out: false,
                    link_or_phone: false,
                },
                &UserChoices::default(),
            )
            .action
        };
        assert_eq!(run(&score(Some(0.5))), Action::Junk);
        assert_eq!(run(&score(None)), Action::Promotion);
    }

    /// A score as a calibrated model gives it: thresholds.allow 0.2, thresholds.promotion 0.7.
    fn calibrated(allow: f32, transaction: f32, promotion: f32) -> ModelScore {
        ModelScore {
            allow,
            transaction,
            promotion,
            junk: (1.0 - allow - transaction - promotion).max(0.0),
            category: None,
            junk_threshold: Some(0.7),
            allow_threshold: Some(0.2),
            promotion_threshold: Some(0.7),
        }
    }

    fn decide_model(
        s: &Sender,
        sig: &SignatureCheck,
        hits: &[RuleHit],
        m: &ModelScore,
        opt_out: bool,
        link: bool,
    ) -> Verdict {
        decide(
            &Evidence { sender: s, signature: sig, hits, model: Some(m), opt_out, link_or_phone: link },
            &UserChoices::default(),
        )
    }

    #[test]
    fn a_chat_without_a_sender_stays_personal_when_the_model_also_sees_one() {
        let none = Sender { normalised: String::new(), kind: SenderKind::Unknown };
        let leaning = calibrated(0.3, 0.05, 0.6);
        let v = decide_model(&none, &unsigned(), &[], &leaning, false, false);
        assert_eq!((v.action, v.category), (Action::Allow, Category::Personal));
        assert_eq!(v.reasons[0].code, "chat_model_only");
        assert!(v.reason_codes().any(|c| c == "model_score"));
        // Allow below the model's floor, a link, a signature or a rule hint: the model's vote stands.
        let sure = calibrated(0.1, 0.05, 0.8);
        assert_eq!(decide_model(&none, &unsigned(), &[], &sure, false, false).action, Action::Promotion);
        assert_eq!(decide_model(&none, &unsigned(), &[], &leaning, false, true).action, Action::Promotion);
        let hits = [hint(Action::Promotion, Category::Offers, 0.3)];
        assert_eq!(decide_model(&none, &unsigned(), &hits, &leaning, false, false).action, Action::Promotion);
        // A number that is not a person's (a port) is not "no sender".
        let port = sender(SenderKind::Port106);
        assert_eq!(decide_model(&port, &unsigned(), &[], &leaning, false, false).action, Action::Promotion);
        // Without the threshold in its manifest (older models) the guard is off.
        let old = ModelScore { allow_threshold: None, ..leaning.clone() };
        assert_eq!(decide_model(&none, &unsigned(), &[], &old, false, false).action, Action::Promotion);
        // A model that says allow is followed anyway.
        let chat = calibrated(0.9, 0.05, 0.05);
        assert_eq!(decide_model(&none, &unsigned(), &[], &chat, false, false).action, Action::Allow);
    }

    #[test]
    fn a_message_with_an_opt_out_is_never_filed_as_personal() {
        let none = Sender { normalised: String::new(), kind: SenderKind::Unknown };
        let optout = [hint(Action::Promotion, Category::Other, 0.6)];
        // The model is sure it is a chat; the opt-out says bulk SMS: promotion, explained.
        let chatty = calibrated(0.9, 0.02, 0.06);
        let v = decide_model(&none, &unsigned(), &optout, &chatty, true, false);
        assert_eq!(v.action, Action::Promotion);
        assert!(v.reason_codes().any(|c| c == "opt_out_not_personal"));
        // A notice the model sees clearly as one stays a notice, opt-out or not.
        let notice = calibrated(0.4, 0.9, 0.0);
        assert_eq!(
            decide_model(&none, &unsigned(), &optout, &notice, true, false).action,
            Action::Transaction
        );
        // Without an opt-out, or signed, the model's allow stands.
        assert_eq!(decide_model(&none, &unsigned(), &[], &chatty, false, false).action, Action::Allow);
        let sig = signed("某某证券", SenderFit::Plausible);
        assert_eq!(decide_model(&none, &sig, &optout, &chatty, true, false).action, Action::Allow);
    }

    #[test]
    fn a_signed_notice_without_an_opt_out_needs_a_confident_model_to_leave_the_inbox() {
        let port = sender(SenderKind::Port106);
        let sig = signed("某某物业", SenderFit::Plausible);
        let unsure = calibrated(0.05, 0.3, 0.6);
        let v = decide_model(&port, &sig, &[], &unsure, false, false);
        assert_eq!((v.action, v.category), (Action::Transaction, Category::Other));
        assert_eq!(v.reasons[0].code, "signed_notice_model_only");
        // With an opt-out it is marketing; confident, or with a marketing hint, the vote stands.
        assert_eq!(decide_model(&port, &sig, &[], &unsure, true, false).action, Action::Promotion);
        let sure = calibrated(0.02, 0.08, 0.85);
        assert_eq!(decide_model(&port, &sig, &[], &sure, false, false).action, Action::Promotion);
        let hits = [hint(Action::Promotion, Category::Offers, 0.3)];
        assert_eq!(decide_model(&port, &sig, &hits, &unsure, false, false).action, Action::Promotion);
        // Unsigned: not this guard's business.
        assert_eq!(decide_model(&port, &unsigned(), &[], &unsure, false, false).action, Action::Promotion);
        // A transaction hint (an airline's signature) is more evidence of a notice, not less.
        let airline = [hint(Action::Transaction, Category::Reminders, 0.3)];
        let v = decide_model(&port, &sig, &airline, &unsure, false, false);
        assert_eq!((v.action, v.reasons[0].code.as_str()), (Action::Transaction, "signed_notice_model_only"));
    }
}
