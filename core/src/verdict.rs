//! The output: where a message goes and why. Field names and string values are the stable
//! I/O contract of DESIGN.md (snake_case keys, lower-case action and category).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::sender::SenderKind;
use crate::signature::InstitutionKind;

/// The folder a phone shows (iOS IdentityLookup actions). `None` only for empty input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    None,
    Allow,
    Transaction,
    Promotion,
    Junk,
}

impl Action {
    pub const ALL: [Action; 5] =
        [Action::None, Action::Allow, Action::Transaction, Action::Promotion, Action::Junk];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::None => "none",
            Action::Allow => "allow",
            Action::Transaction => "transaction",
            Action::Promotion => "promotion",
            Action::Junk => "junk",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The category used when nothing more specific is known.
    pub fn default_category(self) -> Category {
        match self {
            Action::None => Category::None,
            Action::Allow => Category::Personal,
            Action::Transaction | Action::Promotion | Action::Junk => Category::Other,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Refines the action. Which categories belong to which action is [`Category::fits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    None,
    // allow
    Personal,
    // transaction (iOS 16 transactional sub-actions, plus otp)
    Otp,
    Finance,
    Orders,
    Reminders,
    Health,
    Weather,
    Carrier,
    Rewards,
    PublicServices,
    // promotion
    Offers,
    Coupons,
    // junk
    Fraud,
    Phishing,
    Gambling,
    Adult,
    IllegalGoods,
    UnsolicitedMarketing,
    // shared by transaction, promotion and junk
    Other,
}

impl Category {
    pub const ALL: [Category; 20] = [
        Category::None,
        Category::Personal,
        Category::Otp,
        Category::Finance,
        Category::Orders,
        Category::Reminders,
        Category::Health,
        Category::Weather,
        Category::Carrier,
        Category::Rewards,
        Category::PublicServices,
        Category::Offers,
        Category::Coupons,
        Category::Fraud,
        Category::Phishing,
        Category::Gambling,
        Category::Adult,
        Category::IllegalGoods,
        Category::UnsolicitedMarketing,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::None => "none",
            Category::Personal => "personal",
            Category::Otp => "otp",
            Category::Finance => "finance",
            Category::Orders => "orders",
            Category::Reminders => "reminders",
            Category::Health => "health",
            Category::Weather => "weather",
            Category::Carrier => "carrier",
            Category::Rewards => "rewards",
            Category::PublicServices => "public_services",
            Category::Offers => "offers",
            Category::Coupons => "coupons",
            Category::Fraud => "fraud",
            Category::Phishing => "phishing",
            Category::Gambling => "gambling",
            Category::Adult => "adult",
            Category::IllegalGoods => "illegal_goods",
            Category::UnsolicitedMarketing => "unsolicited_marketing",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether this category refines `action` in the taxonomy.
    pub fn fits(self, action: Action) -> bool {
        use Category::*;
        match action {
            Action::None => self == None,
            Action::Allow => self == Personal,
            Action::Transaction => matches!(
                self,
                Otp | Finance
                    | Orders
                    | Reminders
                    | Health
                    | Weather
                    | Carrier
                    | Rewards
                    | PublicServices
                    | Other
            ),
            Action::Promotion => matches!(self, Offers | Coupons | Other),
            Action::Junk => matches!(
                self,
                Fraud | Phishing | Gambling | Adult | IllegalGoods | UnsolicitedMarketing | Other
            ),
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The folder inside transaction or promotion (the iOS 16 sub-actions: transactional finance,
/// orders, reminders, health, public services, weather, carrier, rewards, other; promotional offers,
/// coupons, other). Set for transaction and promotion verdicts, `None` for allow and junk.
/// `category` is finer (a code is `otp`); the subcategory is where an app files the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subcategory {
    // transaction
    Finance,
    Orders,
    Reminders,
    Health,
    PublicServices,
    Weather,
    Carrier,
    Rewards,
    // promotion
    Offers,
    Coupons,
    // both
    Other,
}

impl Subcategory {
    pub const ALL: [Subcategory; 11] = [
        Subcategory::Finance,
        Subcategory::Orders,
        Subcategory::Reminders,
        Subcategory::Health,
        Subcategory::PublicServices,
        Subcategory::Weather,
        Subcategory::Carrier,
        Subcategory::Rewards,
        Subcategory::Offers,
        Subcategory::Coupons,
        Subcategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Subcategory::Finance => "finance",
            Subcategory::Orders => "orders",
            Subcategory::Reminders => "reminders",
            Subcategory::Health => "health",
            Subcategory::PublicServices => "public_services",
            Subcategory::Weather => "weather",
            Subcategory::Carrier => "carrier",
            Subcategory::Rewards => "rewards",
            Subcategory::Offers => "offers",
            Subcategory::Coupons => "coupons",
            Subcategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Subcategory> {
        Subcategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether this subcategory belongs to `action` (only transaction and promotion have any).
    pub fn fits(self, action: Action) -> bool {
        use Subcategory::*;
        match action {
            Action::Transaction => !matches!(self, Offers | Coupons),
            Action::Promotion => matches!(self, Offers | Coupons | Other),
            Action::None | Action::Allow | Action::Junk => false,
        }
    }

    /// The subcategory a category names directly, if it names one (`otp` and `other` do not:
    /// who sent the code decides, see [`Subcategory::derive`]).
    fn of_category(category: Category) -> Option<Subcategory> {
        Some(match category {
            Category::Finance => Subcategory::Finance,
            Category::Orders => Subcategory::Orders,
            Category::Reminders => Subcategory::Reminders,
            Category::Health => Subcategory::Health,
            Category::Weather => Subcategory::Weather,
            Category::Carrier => Subcategory::Carrier,
            Category::Rewards => Subcategory::Rewards,
            Category::PublicServices => Subcategory::PublicServices,
            Category::Offers => Subcategory::Offers,
            Category::Coupons => Subcategory::Coupons,
            _ => return None,
        })
    }

    /// The subcategory of a verdict: `None` unless the action is transaction or promotion; the
    /// category when it names a folder; otherwise (a code, an unclassified notice, marketing of no
    /// named kind) the kind of institution whose signature the message carries, then keywords of
    /// the normalised `text`, then `other`.
    pub fn derive(
        action: Action,
        category: Category,
        institution: Option<InstitutionKind>,
        text: &str,
    ) -> Option<Subcategory> {
        if !matches!(action, Action::Transaction | Action::Promotion) {
            return None;
        }
        let fitting = |s: Option<Subcategory>| s.filter(|s| s.fits(action));
        fitting(Subcategory::of_category(category))
            .or_else(|| fitting(institution.and_then(Subcategory::of_institution)))
            .or_else(|| fitting(Subcategory::from_keywords(action, text)))
            .or(Some(Subcategory::Other))
    }

    fn of_institution(kind: InstitutionKind) -> Option<Subcategory> {
        match kind {
            InstitutionKind::Bank | InstitutionKind::Payment => Some(Subcategory::Finance),
            InstitutionKind::Carrier => Some(Subcategory::Carrier),
            InstitutionKind::Railway | InstitutionKind::Ecommerce | InstitutionKind::Courier => {
                Some(Subcategory::Orders)
            }
            InstitutionKind::Airline => Some(Subcategory::Reminders),
            InstitutionKind::Government => Some(Subcategory::PublicServices),
            InstitutionKind::Other => None,
        }
    }

    /// Keywords that name a folder, first match wins (text is normalised: simplified, lower case).
    fn from_keywords(action: Action, text: &str) -> Option<Subcategory> {
        const TRANSACTION: &[(Subcategory, &[&str])] = &[
            (
                Subcategory::Finance,
                &[
                    "银行",
                    "信用卡",
                    "储蓄卡",
                    "借记卡",
                    "账户",
                    "余额",
                    "转账",
                    "支付",
                    "还款",
                    "理财",
                    "证券",
                    "基金",
                    "保险",
                ],
            ),
            (
                Subcategory::Orders,
                &["订单", "快递", "包裹", "物流", "发货", "签收", "外卖", "取件", "购票", "车票", "预订"],
            ),
            (Subcategory::Health, &["医院", "门诊", "挂号", "就诊", "体检", "疫苗", "接种", "药"]),
            (Subcategory::Weather, &["气象", "预警", "天气", "降雨", "降温"]),
            (Subcategory::Carrier, &["话费", "流量", "套餐", "宽带", "营业厅"]),
            (Subcategory::Rewards, &["积分", "里程", "成长值", "会员等级"]),
            (
                Subcategory::PublicServices,
                &[
                    "公积金",
                    "社保",
                    "医保",
                    "政务",
                    "税务",
                    "水费",
                    "电费",
                    "燃气",
                    "停电",
                    "停水",
                    "交警",
                    "12345",
                    "反诈",
                ],
            ),
            (
                Subcategory::Reminders,
                &["提醒", "预约", "航班", "会议", "考试", "开学", "到期", "登录", "密码"],
            ),
        ];
        const PROMOTION: &[(Subcategory, &[&str])] = &[
            (Subcategory::Coupons, &["券", "红包", "立减金"]),
            (
                Subcategory::Offers,
                &["优惠", "折", "特价", "满减", "促销", "秒杀", "限时", "福利", "新品", "上新"],
            ),
        ];
        let table = if action == Action::Promotion { PROMOTION } else { TRANSACTION };
        table.iter().find(|(_, words)| words.iter().any(|w| text.contains(w))).map(|(s, _)| *s)
    }
}

impl fmt::Display for Subcategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Consent state of a marketing sender's signature (only set on marketing verdicts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Granted,
    Revoked,
    Unknown,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Granted => "granted",
            Consent::Revoked => "revoked",
            Consent::Unknown => "unknown",
        }
    }
}

/// One reason behind a verdict: a stable machine code plus text a person can read.
/// Codes are snake_case, stable across releases (apps and scripts key on them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    /// Chinese text for the user.
    pub zh: String,
    /// English text for the user.
    pub en: String,
}

/// A table of reason texts: `(code, zh, en)`. Each module that gives reasons owns one.
pub type ReasonTable = [(&'static str, &'static str, &'static str)];

impl Reason {
    pub fn new(code: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { code: code.into(), zh: zh.into(), en: en.into() }
    }

    /// The reason for `code` from `table`. Callers pass their own constant codes (each table has
    /// a test that its codes resolve); an unknown code still yields a reason naming the code.
    pub fn from_table(table: &ReasonTable, code: &str) -> Reason {
        match table.iter().find(|(c, _, _)| *c == code) {
            Some((c, zh, en)) => Reason::new(*c, *zh, *en),
            None => Reason::new(code, code, code),
        }
    }
}

/// The engine's answer for one message. `classify` always returns one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub action: Action,
    pub category: Category,
    /// The folder inside transaction or promotion (iOS 16 sub-actions); `None` for allow and junk.
    /// Always serialised (`null` when `None`).
    #[serde(default)]
    pub subcategory: Option<Subcategory>,
    /// Confidence in `action`, 0..=1.
    pub score: f32,
    /// The 【签名】 of the message, if it carries a valid one.
    pub signature: Option<String>,
    pub sender_kind: SenderKind,
    /// Set for marketing (promotion, unsolicited marketing), `None` otherwise.
    pub consent: Option<Consent>,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// The verdict for an empty message.
    pub fn empty(sender_kind: SenderKind) -> Self {
        Verdict {
            action: Action::None,
            category: Category::None,
            subcategory: None,
            score: 1.0,
            signature: None,
            sender_kind,
            consent: None,
            reasons: vec![Reason::new("empty_body", "短信内容为空", "The message body is empty")],
        }
    }

    /// What a message gets if classifying it failed by a bug: shown in the inbox, never hidden.
    pub fn internal_error(sender_kind: SenderKind) -> Self {
        Verdict {
            action: Action::Allow,
            category: Category::Personal,
            subcategory: None,
            score: 0.0,
            signature: None,
            sender_kind,
            consent: None,
            reasons: vec![Reason::new(
                "internal_error",
                "分类出错，已保留在收件箱",
                "Classification failed; kept in the inbox",
            )],
        }
    }

    pub fn reason_codes(&self) -> impl Iterator<Item = &str> {
        self.reasons.iter().map(|r| r.code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{}\"", a.as_str())));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_string(&c).ok(), Some(format!("\"{}\"", c.as_str())));
        }
    }

    #[test]
    fn subcategories_round_trip_and_fit_transaction_or_promotion() {
        for s in Subcategory::ALL {
            assert_eq!(Subcategory::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{}\"", s.as_str())));
            assert!(s.fits(Action::Transaction) || s.fits(Action::Promotion), "{s}");
            assert!(!s.fits(Action::Junk) && !s.fits(Action::Allow) && !s.fits(Action::None));
        }
        assert_eq!(
            serde_json::to_string(&Subcategory::PublicServices).ok().as_deref(),
            Some("\"public_services\"")
        );
    }

    #[test]
    fn derived_subcategory_is_none_outside_transaction_and_promotion_and_always_fits() {
        let kinds =
            [None, Some(InstitutionKind::Bank), Some(InstitutionKind::Carrier), Some(InstitutionKind::Other)];
        for a in Action::ALL {
            for c in Category::ALL.into_iter().filter(|c| c.fits(a)) {
                for k in kinds {
                    for text in ["", "您的订单已发货", "领券满减", "话费余额"] {
                        let s = Subcategory::derive(a, c, k, text);
                        match a {
                            Action::Transaction | Action::Promotion => {
                                assert!(s.is_some_and(|s| s.fits(a)), "{a}/{c} {k:?} {text}: {s:?}")
                            }
                            _ => assert_eq!(s, None),
                        }
                    }
                }
            }
        }
        use Subcategory as S;
        let t = Action::Transaction;
        assert_eq!(Subcategory::derive(t, Category::Finance, None, ""), Some(S::Finance));
        assert_eq!(Subcategory::derive(t, Category::Otp, Some(InstitutionKind::Bank), ""), Some(S::Finance));
        assert_eq!(Subcategory::derive(t, Category::Otp, None, "您的验证码为1234"), Some(S::Other));
        assert_eq!(Subcategory::derive(t, Category::Other, None, "您的订单已发货"), Some(S::Orders));
        let p = Action::Promotion;
        assert_eq!(Subcategory::derive(p, Category::Other, None, "送你一张优惠券"), Some(S::Coupons));
        assert_eq!(
            Subcategory::derive(p, Category::Other, Some(InstitutionKind::Bank), "回t退订"),
            Some(S::Other)
        );
    }

    #[test]
    fn every_category_fits_some_action() {
        for c in Category::ALL {
            assert!(Action::ALL.iter().any(|a| c.fits(*a)), "{c} fits no action");
        }
        assert!(Category::Otp.fits(Action::Transaction));
        assert!(!Category::Otp.fits(Action::Junk));
        assert!(Category::UnsolicitedMarketing.fits(Action::Junk));
    }
}
