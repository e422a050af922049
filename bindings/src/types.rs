//! Records and enums mirroring core's types for uniffi. Conversions are exhaustive matches, so a
//! variant added in core fails to compile here instead of being silently mapped.

use smsguard_core as core;
use smsguard_core::normalise as cn;
use smsguard_core::rules as cr;
use smsguard_core::signature as cs;

mirror_enum!(
    /// The folder a phone shows. `None` only for an empty body.
    Action from core::Action { None, Allow, Transaction, Promotion, Junk }
);

mirror_enum!(
    /// Refines the action (see DESIGN.md for which categories belong to which action).
    Category from core::Category {
        None, Personal, Otp, Finance, Orders, Reminders, Health, Weather, Carrier, Rewards,
        PublicServices, Offers, Coupons, Fraud, Phishing, Gambling, Adult, IllegalGoods,
        UnsolicitedMarketing, Other,
    }
);

mirror_enum!(
    /// The folder inside transaction or promotion (iOS 16 sub-actions). Set for transaction and
    /// promotion verdicts only.
    Subcategory from core::Subcategory {
        Finance, Orders, Reminders, Health, PublicServices, Weather, Carrier, Rewards, Offers,
        Coupons, Other,
    }
);

mirror_enum!(
    /// What kind of number or name sent the message.
    SenderKind from core::SenderKind {
        Mobile, Port106, Service, Carrier, Landline, Alphanumeric, International, Unknown,
    }
);

mirror_enum!(
    /// Consent state of a marketing sender's signature.
    Consent from core::Consent { Granted, Revoked, Unknown }
);

mirror_enum!(EntityKind from cn::EntityKind { Url, Phone, Amount, Code, Date, PickupCode, Number });

mirror_enum!(Placement from cs::Placement { Leading, Trailing });

mirror_enum!(
    InstitutionKind from cs::InstitutionKind {
        Bank, Payment, Carrier, Railway, Airline, Government, Ecommerce, Courier, Other,
    }
);

mirror_enum!(SenderFit from cs::SenderFit { NotApplicable, Expected, Plausible, Spoofed });

/// One incoming SMS. `received_at` is kept verbatim (RFC 3339 or epoch seconds).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SmsMessage {
    pub sender: String,
    pub body: String,
    #[uniffi(default = None)]
    pub received_at: Option<String>,
    /// The sender is one of the user's saved contacts: never junk or promotion unless the user
    /// blocked it (false when the app may not read contacts).
    #[uniffi(default = false)]
    pub known_contact: bool,
}

impl From<SmsMessage> for core::SmsMessage {
    fn from(m: SmsMessage) -> Self {
        core::SmsMessage {
            sender: m.sender,
            body: m.body,
            received_at: m.received_at,
            known_contact: m.known_contact,
        }
    }
}

mirror_enum!(
    /// The operator of the SIM that received a message: its report channel comes first.
    Carrier from core::report::Carrier { ChinaMobile, ChinaUnicom, ChinaTelecom, ChinaBroadnet, Unknown }
);

/// One reason behind a verdict: a stable snake_case code plus Chinese and English text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Reason {
    pub code: String,
    pub zh: String,
    pub en: String,
}

impl From<core::Reason> for Reason {
    fn from(r: core::Reason) -> Self {
        Reason { code: r.code, zh: r.zh, en: r.en }
    }
}

/// Where a message goes and why.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Verdict {
    pub action: Action,
    pub category: Category,
    /// The folder inside transaction or promotion (iOS 16 sub-actions); null for allow and junk.
    pub subcategory: Option<Subcategory>,
    /// Confidence in `action`, 0..=1.
    pub score: f32,
    /// The message's 【签名】, if it carries a valid one.
    pub signature: Option<String>,
    pub sender_kind: SenderKind,
    /// Set for marketing verdicts only.
    pub consent: Option<Consent>,
    pub reasons: Vec<Reason>,
}

impl From<core::Verdict> for Verdict {
    fn from(v: core::Verdict) -> Self {
        Verdict {
            action: v.action.into(),
            category: v.category.into(),
            subcategory: v.subcategory.map(Into::into),
            score: v.score,
            signature: v.signature,
            sender_kind: v.sender_kind.into(),
            consent: v.consent.map(Into::into),
            reasons: v.reasons.into_iter().map(Into::into).collect(),
        }
    }
}

/// A rule pack given as text; `origin` names it in errors (e.g. `user.rules`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RulePack {
    pub origin: String,
    pub text: String,
}

/// How to open a [`crate::SmsGuard`]: everything optional, the defaults are the embedded data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuardConfig {
    /// Replace the embedded rules with these packs, compiled together. Empty: embedded rules.
    #[uniffi(default = [])]
    pub rule_packs: Vec<RulePack>,
    /// Replace the embedded institutions table (`institutions.tsv` format).
    #[uniffi(default = None)]
    pub institutions: Option<RulePack>,
    /// Score with the model embedded in the library as well as the rules (the default: on; false
    /// = rules only; the user's `model` setting overrides it either way; numbers in
    /// models/README.md). If the embedded model fails its checks, opening fails with
    /// `InvalidData` rather than silently running rules-only.
    #[uniffi(default = true)]
    pub embedded_model: bool,
    /// Also trust signed updates from these keys (an OEM's own), beside the library's embedded
    /// keys. `public` is the 64 hex digits `smsguard update keygen` prints.
    #[uniffi(default = [])]
    pub update_keys: Vec<UpdateKey>,
}

/// A public key for signed updates.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateKey {
    pub id: String,
    pub public: String,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            rule_packs: Vec::new(),
            institutions: None,
            embedded_model: true,
            update_keys: Vec::new(),
        }
    }
}

impl GuardConfig {
    /// The JNI session's config: `{"rule_packs": [{"origin", "text"}], "institutions": {"origin",
    /// "text"}, "embedded_model": bool}`, every key optional. Errors name the key, never a value.
    pub fn from_json(text: &str) -> Result<GuardConfig, &'static str> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Pack {
            origin: String,
            text: String,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Config {
            #[serde(default)]
            rule_packs: Vec<Pack>,
            #[serde(default)]
            institutions: Option<Pack>,
            #[serde(default = "model_on")]
            embedded_model: bool,
            #[serde(default)]
            update_keys: Vec<Key>,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Key {
            id: String,
            public: String,
        }
        fn model_on() -> bool {
            true
        }
        let c: Config = serde_json::from_str(text)
            .map_err(|_| "config is not {rule_packs?, institutions?, embedded_model?, update_keys?} JSON")?;
        let pack = |p: Pack| RulePack { origin: p.origin, text: p.text };
        Ok(GuardConfig {
            rule_packs: c.rule_packs.into_iter().map(pack).collect(),
            institutions: c.institutions.map(pack),
            embedded_model: c.embedded_model,
            update_keys: c
                .update_keys
                .into_iter()
                .map(|k| UpdateKey { id: k.id, public: k.public })
                .collect(),
        })
    }
}

/// A signed update in use.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateInfo {
    /// `rules`, `institutions` or `model`.
    pub kind: String,
    pub version: u64,
    /// The id of the key that signed it.
    pub key: String,
    /// Unix seconds when it was signed.
    pub created: u64,
    pub payload_bytes: u64,
}

impl From<core::update::UpdateInfo> for UpdateInfo {
    fn from(u: core::update::UpdateInfo) -> Self {
        UpdateInfo {
            kind: u.kind.as_str().into(),
            version: u.version,
            key: u.key,
            created: u.created,
            payload_bytes: u.payload_bytes,
        }
    }
}

/// Library and data versions, for bug reports and model compatibility checks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VersionInfo {
    pub library: String,
    pub normaliser: u32,
    /// The model in use, if any (`None`: rules only).
    pub model: Option<String>,
}

// --- explanation -----------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Entity {
    pub kind: EntityKind,
    pub text: String,
}

/// The normalised body (this is message content: show it to the user, never log it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Normalised {
    pub text: String,
    pub masked: String,
    pub entities: Vec<Entity>,
    pub evasions: Vec<String>,
}

impl From<cn::Normalised> for Normalised {
    fn from(n: cn::Normalised) -> Self {
        Normalised {
            text: n.text,
            masked: n.masked,
            entities: n.entities.into_iter().map(|e| Entity { kind: e.kind.into(), text: e.text }).collect(),
            evasions: n.evasions,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SenderInfo {
    pub normalised: String,
    pub kind: SenderKind,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Institution {
    pub name: String,
    pub kind: InstitutionKind,
}

/// What the body's 【】 held.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignatureScan {
    None,
    Valid {
        name: String,
        placement: Placement,
    },
    /// Brackets in signature position holding no valid signature; `problem` never quotes them.
    Invalid {
        problem: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureCheck {
    pub scan: SignatureScan,
    pub institution: Option<Institution>,
    pub fit: SenderFit,
}

impl From<cs::SignatureCheck> for SignatureCheck {
    fn from(c: cs::SignatureCheck) -> Self {
        SignatureCheck {
            scan: match c.scan {
                cs::SignatureScan::None => SignatureScan::None,
                cs::SignatureScan::Valid { signature } => {
                    SignatureScan::Valid { name: signature.name, placement: signature.placement.into() }
                }
                cs::SignatureScan::Invalid { problem } => SignatureScan::Invalid { problem },
            },
            institution: c.institution.map(|i| Institution { name: i.name, kind: i.kind.into() }),
            fit: c.fit.into(),
        }
    }
}

/// What a matching rule asks of the policy.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum RuleEffect {
    Protect {
        action: Action,
        category: Category,
    },
    /// `unless_transaction`: yields when the message is otherwise a transaction ("is junk" feedback).
    Block {
        category: Category,
        unless_transaction: bool,
    },
    Hint {
        action: Action,
        category: Category,
        weight: f32,
    },
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RuleHit {
    pub rule: String,
    pub effect: RuleEffect,
    pub priority: i32,
    pub reason: Reason,
}

impl From<cr::RuleHit> for RuleHit {
    fn from(h: cr::RuleHit) -> Self {
        let effect = match h.effect {
            cr::Effect::Protect { action, category } => {
                RuleEffect::Protect { action: action.into(), category: category.into() }
            }
            cr::Effect::Block { category, unless_transaction } => {
                RuleEffect::Block { category: category.into(), unless_transaction }
            }
            cr::Effect::Hint { action, category, weight } => {
                RuleEffect::Hint { action: action.into(), category: category.into(), weight }
            }
        };
        RuleHit { rule: h.rule, effect, priority: h.priority, reason: h.reason.into() }
    }
}

/// The model's probabilities per action, and its best category if it has one.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ModelScore {
    pub allow: f32,
    pub transaction: f32,
    pub promotion: f32,
    pub junk: f32,
    pub category: Option<Category>,
    pub category_probability: Option<f32>,
}

impl From<core::model::ModelScore> for ModelScore {
    fn from(s: core::model::ModelScore) -> Self {
        ModelScore {
            allow: s.allow,
            transaction: s.transaction,
            promotion: s.promotion,
            junk: s.junk,
            category: s.category.map(|(c, _)| c.into()),
            category_probability: s.category.map(|(_, p)| p),
        }
    }
}

/// Every intermediate step for one message.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Explanation {
    pub normaliser_version: u32,
    pub normalised: Normalised,
    pub sender: SenderInfo,
    pub signature: SignatureCheck,
    pub rule_hits: Vec<RuleHit>,
    pub model: Option<ModelScore>,
    pub model_name: Option<String>,
    pub verdict: Verdict,
}

impl From<core::Explanation> for Explanation {
    fn from(e: core::Explanation) -> Self {
        Explanation {
            normaliser_version: e.normaliser_version,
            normalised: e.normalised.into(),
            sender: SenderInfo { normalised: e.sender.normalised, kind: e.sender.kind.into() },
            signature: e.signature.into(),
            rule_hits: e.rule_hits.into_iter().map(Into::into).collect(),
            model: e.model.map(Into::into),
            model_name: e.model_name,
            verdict: e.verdict.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_core() {
        for a in core::Action::ALL {
            assert_eq!(core::Action::from(Action::from(a)), a);
        }
        for c in core::Category::ALL {
            assert_eq!(core::Category::from(Category::from(c)), c);
        }
        for s in core::Subcategory::ALL {
            assert_eq!(core::Subcategory::from(Subcategory::from(s)), s);
        }
        for k in core::SenderKind::ALL {
            assert_eq!(core::SenderKind::from(SenderKind::from(k)), k);
        }
    }

    #[test]
    fn verdict_keeps_every_field() {
        let v = core::Verdict {
            action: core::Action::Promotion,
            category: core::Category::Coupons,
            subcategory: Some(core::Subcategory::Coupons),
            score: 0.625,
            signature: Some("某某商城".into()),
            sender_kind: core::SenderKind::Port106,
            consent: Some(core::Consent::Revoked),
            reasons: vec![core::Reason::new("c1", "中", "en")],
        };
        let f = Verdict::from(v);
        assert_eq!(f.action, Action::Promotion);
        assert_eq!(f.category, Category::Coupons);
        assert_eq!(f.subcategory, Some(Subcategory::Coupons));
        assert_eq!(f.score.to_bits(), 0.625f32.to_bits());
        assert_eq!(f.signature.as_deref(), Some("某某商城"));
        assert_eq!(f.sender_kind, SenderKind::Port106);
        assert_eq!(f.consent, Some(Consent::Revoked));
        assert_eq!(f.reasons, vec![Reason { code: "c1".into(), zh: "中".into(), en: "en".into() }]);
    }
}
