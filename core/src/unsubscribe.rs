//! One-tap unsubscribe: find the opt-out instruction in a marketing message (回T退订, 退订回T,
//! 回TD退订, 拒收请回复R, 回N退订, 回复TD退订, 回0000退订, 如需退订此类信息，回复TD, English
//! STOP/UNSUBSCRIBE, full-width and case variants) and build the reply: destination = the
//! sender, body = the keyword.
//! Recording that the reply was sent revokes consent for the signature (how = unsubscribe); see
//! [`crate::store::UserState::record_unsubscribe`].

use std::sync::Arc;

use once_cell::sync::Lazy;
use regex_automata::hybrid;
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input};
use serde::{Deserialize, Serialize};

use crate::consent::{signature_key, ConsentSource, Timestamp};
use crate::message::SmsMessage;
use crate::normalise::fold;
use crate::report::{reason, sms_segments};
use crate::rules::{CacheFn, Compact};
use crate::sender::{classify_sender, SenderKind};
use crate::store::{StateError, UserState};
use crate::verdict::{Category, Reason, Verdict};

/// Optional quote around a keyword (回复"TD"退订, 回复「T」退订).
const Q: &str = r#"["'“”‘’「」『』]?"#;
const REPLY: &str = "(?:回复|回覆|回|发送|发)";
const OPT_OUT: &str = "(?:退订|退定|拒收|取消订阅)";
const GAP: &str = "(?:请|您|可|即可|，|,|：|:|、|！|!|。|[ \\t]){0,4}";
/// What is unsubscribed from, between the opt-out word and the reply (如需退订此类信息，回复TD).
const OBJECT: &str = "(?:(?:此类|该类|本类|相关|上述|以上|营销|推广)(?:信息|短信|消息|通知|服务)?)?";

/// Bodies up to this size are searched whole; longer (hostile) ones only in their first and last
/// [`EDGE_BYTES`], where an opt-out stands. Matching is linear anyway; this bounds the work.
const MAX_SCAN_BYTES: usize = 16 * 1024;
const EDGE_BYTES: usize = 4096;

static PATTERNS: Lazy<Option<OptOutRegex>> = Lazy::new(|| {
    let kw = "([a-z0-9]{1,6})";
    let patterns = [
        // 回T退订, 回复TD退订, 回0000退订, 发送N退订, 回复R拒收
        format!("{REPLY}[ \\t]*{Q}[ \\t]*{kw}[ \\t]*{Q}{GAP}{OPT_OUT}"),
        // 退订回T, 拒收请回复R, 退订请回复"TD"
        // 如需退订此类信息，回复TD至95588
        format!("{OPT_OUT}{OBJECT}{GAP}{REPLY}[ \\t]*{Q}[ \\t]*{kw}(?:[^a-z0-9]|$)"),
        // reply STOP, text STOP to 12345, send UNSUBSCRIBE
        format!("(?-u:\\b)(?:reply|text|txt|send|sms)[ \\t]+{Q}(stop|unsubscribe|unsub|td|t)(?-u:\\b)"),
        // STOP to opt out / to unsubscribe
        "(?-u:\\b)(stop|unsubscribe)(?-u:\\b)[ \\t]+to[ \\t]+(?:opt[ \\t-]?out|unsubscribe|cancel|end|quit|stop)"
            .to_string(),
        // 回复退订, 回复“退订”: the reply is the word itself
        format!("(?:回复|回覆|发送){GAP}{Q}(退订)"),
    ];
    // Built from constants: if this ever failed, unsubscribe detection is off rather than a panic.
    OptOutRegex::new(&patterns)
});

/// The opt-out patterns, searched leftmost-first as `meta::Regex` would, with the engines the
/// rules already link (so the library carries no `meta` engine): a forward and a reverse lazy DFA
/// find where the match is (or, as for most messages, that there is none); the keyword, group 1
/// of the pattern that matched, then comes from the rules' [`Compact`] engines anchored on that
/// span, a few steps instead of a search of the whole text.
struct OptOutRegex {
    find: Arc<hybrid::regex::Regex>,
    find_caches: Pool<hybrid::regex::Cache, CacheFn<hybrid::regex::Cache>>,
    groups: Compact,
}

impl OptOutRegex {
    fn new(patterns: &[String]) -> Option<OptOutRegex> {
        let find = Arc::new(hybrid::regex::Regex::new_many(patterns).ok()?);
        let groups = Compact::new(thompson::Compiler::new().build_many(patterns).ok()?).ok()?;
        let f = Arc::clone(&find);
        Some(OptOutRegex { find, find_caches: Pool::new(Box::new(move || f.create_cache())), groups })
    }

    /// Byte range of group 1 in the leftmost-first match, if any pattern matches.
    fn keyword(&self, text: &str) -> Option<(usize, usize)> {
        let input = match self.find.try_search(&mut self.find_caches.get(), &Input::new(text)) {
            Ok(None) => return None,
            // Look-arounds at the span's edges still see the whole text.
            Ok(Some(m)) => Input::new(text).range(m.range()).anchored(Anchored::Pattern(m.pattern())),
            // The lazy DFAs give up only on a pathological cache thrash: search the whole text.
            Err(_) => Input::new(text),
        };
        let mut caps = self.groups.create_captures();
        self.groups.captures(&input, &mut caps);
        let span = caps.get_group(1)?;
        Some((span.start, span.end))
    }
}

/// Full-width ASCII and the ideographic space to their ASCII forms, then folded (lower case).
/// `normalise::fold` does this too once the normaliser lands; doing it here keeps detection
/// independent of that.
fn canonical(body: &str) -> String {
    let half: String = body
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect();
    fold(&half).to_lowercase()
}

/// The reply keyword of the opt-out instruction in `body`, upper-cased as the sender asks
/// ("T", "TD", "R", "0000", "STOP", or the word "退订" itself), if there is one.
pub fn detect(body: &str) -> Option<String> {
    if body.len() <= MAX_SCAN_BYTES {
        return detect_in(body);
    }
    let mut head = EDGE_BYTES;
    while !body.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = body.len() - EDGE_BYTES;
    while !body.is_char_boundary(tail) {
        tail += 1;
    }
    // The tail first: opt-outs close a message.
    detect_in(&body[tail..]).or_else(|| detect_in(&body[..head]))
}

fn detect_in(body: &str) -> Option<String> {
    let re = PATTERNS.as_ref()?;
    let text = canonical(body);
    let (start, end) = re.keyword(&text)?;
    let kw = text.get(start..end)?;
    Some(kw.to_ascii_uppercase())
}

/// A ready-to-send unsubscribe reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsubscribeReply {
    /// The sender of the message (normalised).
    pub destination: String,
    /// The keyword, e.g. `T`.
    pub body: String,
    pub segments: usize,
    /// The signature whose consent is revoked when the reply is sent (folded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Reasons to think twice (replying to fraud or to a personal number confirms the number).
    pub warnings: Vec<Reason>,
}

/// The unsubscribe reply for a message, if it carries an opt-out instruction and a sender.
pub fn reply_for(msg: &SmsMessage, verdict: &Verdict) -> Option<UnsubscribeReply> {
    let keyword = detect(&msg.body)?;
    let destination = classify_sender(&msg.sender).normalised;
    if destination.is_empty() {
        return None;
    }
    let mut warnings = Vec::new();
    let risky_category = matches!(
        verdict.category,
        Category::Fraud | Category::Phishing | Category::Gambling | Category::Adult | Category::IllegalGoods
    );
    let personal = matches!(verdict.sender_kind, SenderKind::Mobile | SenderKind::International);
    if risky_category || personal {
        warnings.push(reason("unsubscribe_risky_sender"));
    }
    Some(UnsubscribeReply {
        segments: sms_segments(&keyword),
        body: keyword,
        destination,
        signature: verdict.signature.as_deref().map(signature_key).filter(|s| !s.is_empty()),
        warnings,
    })
}

impl UserState {
    /// Record that an unsubscribe reply was sent: revokes consent for its signature, or for the
    /// sender port when the message was unsigned (how = unsubscribe).
    pub fn record_unsubscribe(&mut self, reply: &UnsubscribeReply, now: Timestamp) -> Result<(), StateError> {
        match &reply.signature {
            Some(sig) => self.consents.revoke(Some(sig), None, now, ConsentSource::Unsubscribe)?,
            None => self.consents.revoke(None, Some(&reply.destination), now, ConsentSource::Unsubscribe)?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_instructions() {
        let cases = [
            ("【某商城】双十一满300减50，回T退订", "T"),
            ("【某商城】新品上架 退订回T", "T"),
            ("【某书店】会员日全场8折，回TD退订", "TD"),
            ("【某酒店】周末特价房，拒收请回复R", "R"),
            ("【某健身】新店开业，回N退订", "N"),
            ("【某影院】观影券已到账，回复TD退订", "TD"),
            ("【某超市】积分兑换开启，回0000退订", "0000"),
            ("【某商城】大促进行中，退订请回复“TD”", "TD"),
            ("【某商城】大促进行中，回复「t」退订。", "T"),
            ("【某商城】大促 回复 TD 退订", "TD"),
            ("【某银行】新年快乐。如需退订此类信息，回复TDXY至95588。", "TDXY"),
            ("【某银行】理财新品上线，退订营销短信请回复TD", "TD"),
        ];
        for (body, kw) in cases {
            assert_eq!(detect(body).as_deref(), Some(kw), "{body}");
        }
    }

    #[test]
    fn full_width_and_case_variants() {
        assert_eq!(detect("【某商城】优惠券已发放，回Ｔ退订").as_deref(), Some("T"));
        assert_eq!(detect("【某商城】优惠券已发放，回ｔｄ退订").as_deref(), Some("TD"));
        assert_eq!(detect("【某商城】优惠券已发放，回t退订").as_deref(), Some("T"));
    }

    #[test]
    fn english_instructions() {
        assert_eq!(detect("Big sale this weekend! Reply STOP to opt out").as_deref(), Some("STOP"));
        assert_eq!(detect("Deals inside. Text UNSUBSCRIBE to leave").as_deref(), Some("UNSUBSCRIBE"));
        assert_eq!(detect("New offers. STOP to unsubscribe").as_deref(), Some("STOP"));
        assert_eq!(detect("ＳＴＯＰ to opt-out").as_deref(), Some("STOP"));
    }

    #[test]
    fn no_instruction_no_reply() {
        for body in [
            "【某银行】您尾号1234的卡消费56.00元",
            "你的验证码是482913，5分钟内有效",
            "晚上回来吃饭吗",
            "please don't stop now",
            "回复1确认订单",
        ] {
            assert_eq!(detect(body), None, "{body}");
        }
    }

    #[test]
    fn long_hostile_input_is_bounded() {
        let start = std::time::Instant::now();
        // The end of a long message is searched…
        assert_eq!(detect(&format!("{}回T退订", "回".repeat(100_000))).as_deref(), Some("T"));
        // …and its start, but not the middle.
        assert_eq!(detect(&format!("回N退订{}", "字".repeat(100_000))).as_deref(), Some("N"));
        assert_eq!(detect(&format!("{0}回R退订{0}", "字".repeat(50_000))), None);
        assert_eq!(detect(&"退订回".repeat(50_000)), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn both_capture_engines_find_the_keyword() {
        let re = PATTERNS.as_ref().expect("the opt-out patterns build");
        // An SMS: the bounded backtracker; a body of the full scanned size: the PikeVM.
        let short = "周末全场五折，回复td退订";
        let long = format!("{}回复td退订", "周末全场五折".repeat(900));
        assert!(re.groups.backtracks(short.len()));
        assert!(!re.groups.backtracks(long.len()) && long.len() <= MAX_SCAN_BYTES);
        for text in [short, long.as_str()] {
            let (start, end) = re.keyword(text).expect("an opt-out");
            assert_eq!(&text[start..end], "td");
        }
        // The leftmost match wins, and its own pattern's keyword is taken.
        assert_eq!(detect("回复T退订，或退订回N"), Some("T".into()));
        assert_eq!(detect("退订回N，或回复T退订"), Some("N".into()));
    }

    #[test]
    fn the_word_itself_as_the_reply() {
        assert_eq!(detect("【某商城】周年庆 如不需要请回复“退订”").as_deref(), Some("退订"));
        assert_eq!(detect("【某商城】周年庆，回复退订").as_deref(), Some("退订"));
    }
}
