//! Report drafts for junk and unsolicited marketing: one per channel of the replaceable table
//! `core/data/report_formats.tsv` (12321, the carriers; each row says whether its format is
//! verified), with the destination, the body in that channel's format (`号码*内容`), the
//! verbatim message text (never edited), the received time and the SMS segment count.
//!
//! Never offered for transaction, allow or consented promotion verdicts (reporting a code or a
//! notification can get the user's own number blacklisted by SMS platforms); a warning on every
//! 106 port, since the same port may also send the user's verification codes.
//!
//! The history remembers what was reported as a SHA-256 of sender and body — never the text —
//! so the same message is not reported twice.

use serde::{Deserialize, Serialize};

use crate::consent::Timestamp;
use crate::error::DataError;
use crate::message::SmsMessage;
use crate::model::manifest::sha256_hex;
use crate::sender::{classify_sender, SenderKind};
use crate::verdict::{Action, Category, Consent, Reason, ReasonTable, Verdict};

/// A single SMS of UCS-2 text holds 70 characters.
pub const SMS_SINGLE_UNITS: usize = 70;
/// Each part of a concatenated SMS holds 67 (the rest is the concatenation header).
pub const SMS_SEGMENT_UNITS: usize = 67;

/// How many SMS a text takes. Counts UTF-16 code units (what UCS-2 SMS encoding counts: one per
/// Chinese character, two for an emoji), never bytes. Conservative for pure-ASCII text, which a
/// phone could send in 7-bit encoding (160/153).
pub fn sms_segments(text: &str) -> usize {
    let units = text.encode_utf16().count();
    match units {
        0 => 0,
        n if n <= SMS_SINGLE_UNITS => 1,
        n => n.div_ceil(SMS_SEGMENT_UNITS),
    }
}

/// How a channel takes a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Send `body` as an SMS to `destination`.
    Sms,
    /// Copy `body` into a web / app / WeChat form at `destination`.
    Copy,
}

/// One row of the formats table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFormat {
    pub channel: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: ChannelKind,
    pub destination: String,
    /// With `{sender}`, `{text}`, `{received_at}`; `\n` already turned into a line break.
    pub template: String,
    pub verified: bool,
    pub note: String,
}

/// The formats table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportFormats {
    pub formats: Vec<ReportFormat>,
}

/// The table shipped with the library.
pub const REPORT_FORMATS_TSV: &str = include_str!("../data/report_formats.tsv");

const PLACEHOLDERS: [&str; 3] = ["{sender}", "{text}", "{received_at}"];

impl ReportFormats {
    /// The embedded table, parsed once. It is tested, so it always parses; should it not, the
    /// table is empty and no drafts are offered (never a panic).
    pub fn embedded() -> &'static ReportFormats {
        static EMBEDDED: once_cell::sync::Lazy<ReportFormats> = once_cell::sync::Lazy::new(|| {
            ReportFormats::parse(REPORT_FORMATS_TSV, "report_formats.tsv").unwrap_or_default()
        });
        &EMBEDDED
    }

    /// Parse a table in the `report_formats.tsv` format. `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<ReportFormats, DataError> {
        let mut formats: Vec<ReportFormat> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let err =
                |item: &str, msg: String| DataError::new(origin, msg).at_line(n).for_item(item.to_string());
            let channel = cols.first().copied().unwrap_or("").trim();
            if cols.len() != 8 {
                return Err(err(channel, format!("expected 8 tab-separated columns, found {}", cols.len())));
            }
            if channel.is_empty()
                || !channel.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(err(channel, "channel must match [a-z0-9_]+".into()));
            }
            if formats.iter().any(|f| f.channel == channel) {
                return Err(err(channel, "duplicate channel".into()));
            }
            let kind = match cols[3].trim() {
                "sms" => ChannelKind::Sms,
                "copy" => ChannelKind::Copy,
                k => return Err(err(channel, format!("kind `{k}` is not sms or copy"))),
            };
            let destination = cols[4].trim();
            if destination.is_empty() {
                return Err(err(channel, "empty destination".into()));
            }
            if kind == ChannelKind::Sms && !destination.chars().all(|c| c.is_ascii_digit()) {
                return Err(err(channel, "an sms destination must be digits".into()));
            }
            let template = cols[5].trim().replace("\\n", "\n");
            if !template.contains("{text}") {
                return Err(err(channel, "template lacks {text}".into()));
            }
            let mut rest = template.clone();
            for p in PLACEHOLDERS {
                rest = rest.replace(p, "");
            }
            if rest.contains('{') || rest.contains('}') {
                return Err(err(channel, "unknown placeholder (use {sender}, {text}, {received_at})".into()));
            }
            let verified = match cols[6].trim() {
                "yes" => true,
                "no" => false,
                v => return Err(err(channel, format!("verified `{v}` is not yes or no"))),
            };
            formats.push(ReportFormat {
                channel: channel.to_string(),
                name_zh: cols[1].trim().to_string(),
                name_en: cols[2].trim().to_string(),
                kind,
                destination: destination.to_string(),
                template,
                verified,
                note: cols[7].trim().to_string(),
            });
        }
        if formats.is_empty() {
            return Err(DataError::new(origin, "no report channels"));
        }
        Ok(ReportFormats { formats })
    }

    pub fn get(&self, channel: &str) -> Option<&ReportFormat> {
        self.formats.iter().find(|f| f.channel == channel)
    }
}

/// The operator of the SIM that received the message (Android: the `SMS_RECEIVED`
/// `subscription` extra → its MCC-MNC). Its report channel comes first in a plan; the carriers'
/// channels share their names with these values in `report_formats.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    ChinaMobile,
    ChinaUnicom,
    ChinaTelecom,
    /// China Broadnet (中国广电, MNC 15): no SMS report number is known, so 12321 comes first.
    ChinaBroadnet,
    /// No SIM, a foreign SIM, or an operator we do not know.
    Unknown,
}

impl Carrier {
    pub const ALL: [Carrier; 5] = [
        Carrier::ChinaMobile,
        Carrier::ChinaUnicom,
        Carrier::ChinaTelecom,
        Carrier::ChinaBroadnet,
        Carrier::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Carrier::ChinaMobile => "china_mobile",
            Carrier::ChinaUnicom => "china_unicom",
            Carrier::ChinaTelecom => "china_telecom",
            Carrier::ChinaBroadnet => "china_broadnet",
            Carrier::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Carrier> {
        Carrier::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The carrier of a mainland MCC-MNC (`46000`…`46015`, as Android's `getSimOperator` gives
    /// it); anything else is `Unknown`. MNCs from the public allocation (see DESIGN.md).
    pub fn from_mcc_mnc(code: &str) -> Carrier {
        let Some(mnc) = code.trim().strip_prefix("460") else { return Carrier::Unknown };
        match mnc {
            // 46013 is not in DESIGN.md's list: unknown until a public source confirms it.
            "00" | "02" | "04" | "07" | "08" => Carrier::ChinaMobile,
            "01" | "06" | "09" => Carrier::ChinaUnicom,
            "03" | "05" | "11" => Carrier::ChinaTelecom,
            "15" => Carrier::ChinaBroadnet,
            _ => Carrier::Unknown,
        }
    }
}

/// Put the receiving SIM's carrier channel first (stable: the others keep the table's order).
/// A SIM whose carrier has no channel (China Broadnet, or unknown) gets 12321's channels first:
/// another carrier's report number may not take reports from it. `carrier` is a [`Carrier`]
/// name; any other string is taken as a channel name (what the JSON API accepted before carriers
/// were named). Drafts keep their `verified` flag: an unverified format moved first stays
/// labelled unverified.
pub fn order_for_carrier(plan: &mut ReportPlan, carrier: &str) {
    if !plan.reportable {
        return;
    }
    if plan.drafts.iter().any(|d| d.channel == carrier) {
        plan.drafts.sort_by_key(|d| d.channel != carrier);
        return;
    }
    let parsed = Carrier::parse(carrier);
    if matches!(parsed, Some(Carrier::ChinaBroadnet | Carrier::Unknown)) {
        plan.drafts.sort_by_key(|d| !d.channel.starts_with("12321"));
    }
    if parsed == Some(Carrier::ChinaBroadnet) {
        plan.warnings.push(reason("report_carrier_without_channel"));
    }
}

/// One ready-to-send (or ready-to-copy) report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    pub channel: String,
    pub kind: ChannelKind,
    pub destination: String,
    pub body: String,
    /// SMS segments `body` takes (see [`sms_segments`]); also given for copy channels.
    pub segments: usize,
    /// Whether the channel's format is verified (unverified ones should be labelled as such).
    pub verified: bool,
}

/// Everything about reporting one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportPlan {
    /// SHA-256 (hex) of the normalised sender and the body: what the history stores.
    pub key: String,
    pub reportable: bool,
    /// Why no report is offered (when `reportable` is false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_reportable: Option<Reason>,
    pub drafts: Vec<ReportDraft>,
    pub warnings: Vec<Reason>,
    /// The message exactly as received (never edited).
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    pub action: Action,
    pub category: Category,
}

impl ReportPlan {
    /// The same message came earlier in this batch: offer it once, not twice. For callers that
    /// stream a batch (the CLI's JSONL) as well as [`plan_batch`].
    pub fn withdraw_as_repeat(&mut self) {
        self.reportable = false;
        self.drafts.clear();
        self.warnings.clear();
        self.not_reportable = Some(reason("report_duplicate_in_batch"));
    }
}

/// Reason codes used by reports and unsubscribe replies: (code, zh, en). Stable API.
pub const REPORT_REASONS: &ReasonTable = &[
    (
        "report_not_transaction",
        "通知类短信（验证码、账单、物流等）不提供举报：举报可能导致你自己的号码被短信平台拉黑",
        "Not offered for notifications (codes, bills, deliveries): reporting them can get your own number blacklisted",
    ),
    ("report_not_personal", "正常短信不提供举报", "Not offered for personal messages"),
    ("report_consented", "你已同意接收此签名的营销短信", "You agreed to marketing from this signature"),
    ("report_no_sender", "没有发送号码，无法举报", "No sender number to report"),
    ("report_empty", "短信内容为空", "The message is empty"),
    ("report_already_sent", "这条短信已经举报过", "This message was already reported"),
    ("report_duplicate_in_batch", "同一批次中已有相同短信", "The same message is already in this batch"),
    (
        "report_port106_codes",
        "发送方是106短信端口，同一端口可能也给你发验证码；举报后可能导致你的号码收不到验证码",
        "The sender is a 106 port that may also send your verification codes; reporting it may block them",
    ),
    ("report_unverified_channel", "部分举报渠道的格式未经核实", "Some channels' formats are unverified"),
    (
        "report_carrier_without_channel",
        "收信 SIM 卡的运营商（中国广电）没有已知的短信举报号码，请通过 12321 举报",
        "The receiving SIM's carrier (China Broadnet) has no known SMS report number: report through 12321",
    ),
    (
        "unsubscribe_risky_sender",
        "疑似诈骗或来自个人号码：回复会确认你的号码有效，建议直接举报或屏蔽",
        "Looks like fraud or comes from a personal number: replying confirms your number; report or block instead",
    ),
];

pub(crate) fn reason(code: &str) -> Reason {
    Reason::from_table(REPORT_REASONS, code)
}

/// The history key of a message: SHA-256 of its normalised sender, a line break and its body.
pub fn message_key(msg: &SmsMessage) -> String {
    let sender = classify_sender(&msg.sender).normalised;
    let mut data = Vec::with_capacity(sender.len() + 1 + msg.body.len());
    data.extend_from_slice(sender.as_bytes());
    data.push(b'\n');
    data.extend_from_slice(msg.body.as_bytes());
    sha256_hex(&data)
}

/// One reported message: its key (a hash), when, and through which channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRecord {
    pub key: String,
    pub at: Timestamp,
    pub channels: Vec<String>,
}

/// What was reported, newest last, bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHistory {
    #[serde(default)]
    records: Vec<ReportRecord>,
}

impl ReportHistory {
    /// Oldest records are dropped beyond this (a hash each: ~100 bytes).
    pub const LIMIT: usize = 5000;

    pub fn contains(&self, key: &str) -> bool {
        self.records.iter().any(|r| r.key == key)
    }

    /// Record that the message with `key` was reported through `channel`. Returns false (and
    /// changes nothing) when it was already reported through that channel.
    pub fn record(&mut self, key: &str, channel: &str, now: Timestamp) -> bool {
        if let Some(r) = self.records.iter_mut().find(|r| r.key == key) {
            if r.channels.iter().any(|c| c == channel) {
                return false;
            }
            r.channels.push(channel.to_string());
            r.at = now;
            return true;
        }
        self.records.push(ReportRecord {
            key: key.to_string(),
            at: now,
            channels: vec![channel.to_string()],
        });
        if self.records.len() > Self::LIMIT {
            let excess = self.records.len() - Self::LIMIT;
            self.records.drain(..excess);
        }
        true
    }

    pub fn records(&self) -> &[ReportRecord] {
        &self.records
    }
}

/// Why this verdict may not be reported, if it may not.
fn not_reportable(msg: &SmsMessage, verdict: &Verdict, sender: &str) -> Option<&'static str> {
    match verdict.action {
        Action::Transaction => return Some("report_not_transaction"),
        Action::Allow => return Some("report_not_personal"),
        Action::None => return Some("report_empty"),
        // Marketing is reportable unless the user agreed to it (no consent recorded = unknown).
        Action::Promotion if verdict.consent == Some(Consent::Granted) => return Some("report_consented"),
        Action::Promotion => {}
        Action::Junk => {}
    }
    if msg.body.trim().is_empty() {
        return Some("report_empty");
    }
    if sender.is_empty() {
        return Some("report_no_sender");
    }
    None
}

fn fill(template: &str, sender: &str, text: &str, received_at: Option<&str>) -> String {
    // Substitute in one pass so that a message containing `{sender}` is not expanded.
    let mut out = String::with_capacity(template.len() + text.len() + sender.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (value, len) = if tail.starts_with("{sender}") {
            (sender, "{sender}".len())
        } else if tail.starts_with("{text}") {
            (text, "{text}".len())
        } else if tail.starts_with("{received_at}") {
            (received_at.unwrap_or("未知"), "{received_at}".len())
        } else {
            ("{", 1)
        };
        out.push_str(value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// Plan the report of one message with the verdict the engine gave it.
pub fn plan_report(
    msg: &SmsMessage,
    verdict: &Verdict,
    formats: &ReportFormats,
    history: &ReportHistory,
) -> ReportPlan {
    let sender = classify_sender(&msg.sender).normalised;
    let key = message_key(msg);
    let mut plan = ReportPlan {
        key,
        reportable: false,
        not_reportable: None,
        drafts: Vec::new(),
        warnings: Vec::new(),
        text: msg.body.clone(),
        received_at: msg.received_at.clone(),
        action: verdict.action,
        category: verdict.category,
    };
    if let Some(code) = not_reportable(msg, verdict, &sender) {
        plan.not_reportable = Some(reason(code));
        return plan;
    }
    if history.contains(&plan.key) {
        plan.not_reportable = Some(reason("report_already_sent"));
        return plan;
    }
    plan.reportable = true;
    if verdict.sender_kind == SenderKind::Port106 {
        plan.warnings.push(reason("report_port106_codes"));
    }
    for f in &formats.formats {
        let body = fill(&f.template, &sender, &msg.body, msg.received_at.as_deref());
        plan.drafts.push(ReportDraft {
            channel: f.channel.clone(),
            kind: f.kind,
            destination: f.destination.clone(),
            segments: sms_segments(&body),
            body,
            verified: f.verified,
        });
    }
    if plan.drafts.iter().any(|d| !d.verified) {
        plan.warnings.push(reason("report_unverified_channel"));
    }
    plan
}

/// Plan reports for several messages. A message repeated within the batch is offered once.
pub fn plan_batch(
    items: &[(SmsMessage, Verdict)],
    formats: &ReportFormats,
    history: &ReportHistory,
) -> Vec<ReportPlan> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    items
        .iter()
        .map(|(msg, verdict)| {
            let mut plan = plan_report(msg, verdict, formats, history);
            if plan.reportable && !seen.insert(plan.key.clone()) {
                plan.withdraw_as_repeat();
            }
            plan
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_unique_snake_case_and_translated() {
        let all = REPORT_REASONS.iter().chain(crate::user_rules::USER_RULE_REASONS);
        let mut seen = std::collections::HashSet::new();
        for (code, zh, en) in all {
            assert!(seen.insert(*code), "{code} twice");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{code}");
            assert!(!zh.is_empty() && !en.is_empty(), "{code}");
        }
        assert_eq!(reason("report_port106_codes").code, "report_port106_codes");
    }

    #[test]
    fn sha256_known_vectors() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn segments_count_utf16_units() {
        assert_eq!(sms_segments(""), 0);
        assert_eq!(sms_segments(&"字".repeat(70)), 1);
        assert_eq!(sms_segments(&"字".repeat(71)), 2);
        assert_eq!(sms_segments(&"字".repeat(134)), 2);
        assert_eq!(sms_segments(&"字".repeat(135)), 3);
        // An emoji is two UTF-16 units: 69 characters + 1 emoji = 71 units.
        assert_eq!(sms_segments(&format!("{}😀", "字".repeat(69))), 2);
    }

    #[test]
    fn embedded_table_parses_and_is_honest() {
        let t = ReportFormats::parse(REPORT_FORMATS_TSV, "report_formats.tsv");
        let Ok(t) = t else { panic!("{:?}", t.err()) };
        let cm = t.get("china_mobile").map(|f| (f.destination.as_str(), f.template.as_str(), f.verified));
        assert_eq!(cm, Some(("10086999", "{sender}*{text}", true)));
        assert_eq!(t.get("china_unicom").map(|f| f.verified), Some(false));
        assert_eq!(t.get("china_telecom").map(|f| f.verified), Some(false));
        assert_eq!(t.get("12321_web").map(|f| f.kind), Some(ChannelKind::Copy));
        assert_eq!(ReportFormats::embedded().formats.len(), t.formats.len());
    }

    #[test]
    fn bad_tables_name_line_and_channel() {
        let e = |s: &str| ReportFormats::parse(s, "f.tsv").err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e("a\tb\n"), "f.tsv line 1 (a): expected 8 tab-separated columns, found 2");
        let row = "x\tX\tX\tsms\t123\t{sender}*{text}\tyes\tn";
        assert!(ReportFormats::parse(row, "f.tsv").is_ok());
        assert!(e(&row.replace("sms", "fax")).contains("kind `fax`"));
        assert!(e(&row.replace("123", "12a")).contains("digits"));
        assert!(e(&row.replace("{text}", "{body}")).contains("lacks {text}"));
        assert!(e(&row.replace("{sender}", "{who}")).contains("unknown placeholder"));
        assert!(e(&row.replace("yes", "maybe")).contains("verified"));
        assert!(e(&format!("# c\n{row}\n{row}")).starts_with("f.tsv line 3 (x): duplicate"));
        assert!(e("# only comments\n").contains("no report channels"));
    }

    #[test]
    fn mcc_mnc_maps_to_carriers() {
        for (code, want) in [
            ("46000", Carrier::ChinaMobile),
            ("46002", Carrier::ChinaMobile),
            ("46004", Carrier::ChinaMobile),
            ("46007", Carrier::ChinaMobile),
            ("46008", Carrier::ChinaMobile),
            ("46013", Carrier::Unknown),
            ("46001", Carrier::ChinaUnicom),
            ("46006", Carrier::ChinaUnicom),
            ("46009", Carrier::ChinaUnicom),
            ("46003", Carrier::ChinaTelecom),
            ("46005", Carrier::ChinaTelecom),
            ("46011", Carrier::ChinaTelecom),
            ("46015", Carrier::ChinaBroadnet),
            ("46099", Carrier::Unknown),
            ("45400", Carrier::Unknown),
            ("", Carrier::Unknown),
            ("460", Carrier::Unknown),
            ("4600", Carrier::Unknown),
        ] {
            assert_eq!(Carrier::from_mcc_mnc(code), want, "{code}");
        }
        for c in Carrier::ALL {
            assert_eq!(Carrier::parse(c.as_str()), Some(c));
        }
        assert_eq!(Carrier::parse("China_Mobile"), None);
    }

    #[test]
    fn the_carrier_channel_comes_first_and_stays_marked() {
        let msg = SmsMessage::new("13912340007", "恭喜您中奖了！请点击 http://prize.example 领取iPhone");
        let verdict = crate::Engine::new().classify(&msg);
        let base = plan_report(&msg, &verdict, ReportFormats::embedded(), &ReportHistory::default());
        assert!(base.reportable);
        let order = |p: &ReportPlan| p.drafts.iter().map(|d| d.channel.clone()).collect::<Vec<_>>();
        for c in [Carrier::ChinaMobile, Carrier::ChinaUnicom, Carrier::ChinaTelecom] {
            let mut p = base.clone();
            order_for_carrier(&mut p, c.as_str());
            assert_eq!(p.drafts[0].channel, c.as_str());
            assert_eq!(p.drafts[0].verified, c == Carrier::ChinaMobile, "{c:?}");
            assert_eq!(p.drafts.len(), base.drafts.len());
            let rest: Vec<_> = order(&base).into_iter().filter(|ch| ch != c.as_str()).collect();
            assert_eq!(order(&p)[1..], rest[..], "the others keep the table's order");
        }
        for c in ["unknown", "china_broadnet", "no_such"] {
            let mut p = base.clone();
            order_for_carrier(&mut p, c);
            let mut want = order(&base);
            if c != "no_such" {
                want.sort_by_key(|ch| !ch.starts_with("12321"));
                assert_eq!(p.drafts[0].channel, "12321_sms");
            }
            assert_eq!(order(&p), want, "{c}");
            let warned = p.warnings.iter().any(|w| w.code == "report_carrier_without_channel");
            assert_eq!(warned, c == "china_broadnet", "{c}");
        }
    }

    #[test]
    fn fill_does_not_expand_placeholders_inside_the_message() {
        assert_eq!(fill("{sender}*{text}", "1069", "a{sender}b", None), "1069*a{sender}b");
        assert_eq!(fill("{received_at}|{x", "1", "t", None), "未知|{x");
    }
}
