//! The user's own allow/block rules (by signature, sender, keyword or regex) and the generator
//! that turns them — together with feedback rules — into a `smsguard-rules/1` pack named `user`.
//!
//! The pack is compiled by the rule engine together with the default pack. Every user rule has
//! priority [`USER_RULE_PRIORITY`] (the format's maximum), so it beats every default rule: a user
//! block overrides a default protect of lower priority, and a user allow (a protect) wins ties,
//! including against a user block of the same message.
//!
//! Every value is validated before it is stored, so the generated text always parses: no commas
//! in keywords (the format's list separator), no line breaks, no `#` that would start a comment,
//! and regexes compiled here with regex-automata (linear time) under a size limit.

use serde::{Deserialize, Serialize};

use crate::consent::{port_key, signature_key, Timestamp};
use crate::error::DataError;
use crate::feedback::{FeedbackEntry, FeedbackKind, FeedbackTarget};
use crate::normalise::fold;
use crate::verdict::ReasonTable;

/// Priority of every user rule: the highest a pack may use.
pub const USER_RULE_PRIORITY: i32 = 1000;
/// Name of the generated pack (rule names read `user/user.block.3`).
pub const USER_PACK_NAME: &str = "user";
/// At most this many user rules (a phone-sized bound; the rule engine allows more).
pub const MAX_USER_RULES: usize = 2000;
pub const MAX_KEYWORD_CHARS: usize = 64;
pub const MAX_REGEX_BYTES: usize = 1024;
const MAX_NAME_CHARS: usize = 32;

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RuleTarget {
    /// The message's 【签名】 (folded), matched exactly.
    Signature(String),
    /// The sender (normalised), matched exactly.
    Sender(String),
    /// A literal keyword in the normalised text.
    Keyword(String),
    /// A regex over the normalised (lower-case) text.
    Regex(String),
}

impl RuleTarget {
    pub fn kind_str(&self) -> &'static str {
        match self {
            RuleTarget::Signature(_) => "signature",
            RuleTarget::Sender(_) => "sender",
            RuleTarget::Keyword(_) => "keyword",
            RuleTarget::Regex(_) => "regex",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            RuleTarget::Signature(v)
            | RuleTarget::Sender(v)
            | RuleTarget::Keyword(v)
            | RuleTarget::Regex(v) => v,
        }
    }

    /// Build a target from its kind name (`signature | sender | keyword | regex`) and value, as
    /// the CLI receives them. Validates and canonicalises.
    pub fn parse(kind: &str, value: &str) -> Result<RuleTarget, RuleError> {
        let t = match kind {
            "signature" => RuleTarget::Signature(value.to_string()),
            "sender" => RuleTarget::Sender(value.to_string()),
            "keyword" => RuleTarget::Keyword(value.to_string()),
            "regex" => RuleTarget::Regex(value.to_string()),
            _ => return Err(RuleError::UnknownKind),
        };
        t.canonical()
    }

    /// The validated, canonical form (folded signature/keyword, normalised sender).
    pub fn canonical(&self) -> Result<RuleTarget, RuleError> {
        Ok(match self {
            RuleTarget::Signature(s) => {
                let s = signature_key(s);
                check_literal(&s, MAX_NAME_CHARS)?;
                if s.chars().any(char::is_uppercase) {
                    return Err(RuleError::NotFoldable);
                }
                RuleTarget::Signature(s)
            }
            RuleTarget::Sender(s) => {
                let s = port_key(s);
                check_literal(&s, MAX_NAME_CHARS)?;
                RuleTarget::Sender(s)
            }
            RuleTarget::Keyword(s) => {
                let s = fold(s.trim()).trim().to_string();
                check_literal(&s, MAX_KEYWORD_CHARS)?;
                if s.chars().any(char::is_uppercase) {
                    return Err(RuleError::NotFoldable);
                }
                RuleTarget::Keyword(s)
            }
            RuleTarget::Regex(s) => {
                let s = s.trim().to_string();
                validate_regex(&s)?;
                RuleTarget::Regex(s)
            }
        })
    }
}

/// Allow (protect into the inbox) or block (junk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleEffect {
    Allow,
    Block,
}

impl RuleEffect {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleEffect::Allow => "allow",
            RuleEffect::Block => "block",
        }
    }

    pub fn parse(s: &str) -> Option<RuleEffect> {
        match s {
            "allow" => Some(RuleEffect::Allow),
            "block" => Some(RuleEffect::Block),
            _ => None,
        }
    }

    fn pack_effect(self) -> &'static str {
        match self {
            RuleEffect::Allow => "protect allow/personal",
            RuleEffect::Block => "block other",
        }
    }
}

/// One stored user rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRule {
    /// Stable within one state file; used by `rules remove`.
    pub id: u32,
    pub target: RuleTarget,
    pub effect: RuleEffect,
    pub created_at: Timestamp,
}

impl UserRule {
    /// The rule id inside the generated pack.
    pub fn pack_id(&self) -> String {
        format!("user.{}.{}", self.effect.as_str(), self.id)
    }

    /// The stable reason code this rule puts on a verdict.
    pub fn reason_code(&self) -> String {
        format!("user_{}_{}", self.effect.as_str(), self.target.kind_str())
    }
}

/// Why a rule (or a rules file) was refused. Never quotes the value (it may be a phone number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    UnknownKind,
    Empty,
    TooLong {
        max_chars: usize,
    },
    /// A comma: the rule format separates list items with commas.
    Comma,
    LineBreak,
    /// `#` at the start or after whitespace would start a comment in the pack format.
    CommentHash,
    /// Folding left upper-case letters (such a keyword could never match the normalised text).
    NotFoldable,
    RegexTooLong,
    /// A Unicode `\d`, `\w` or `\s` class (huge); the message says what to write instead.
    HugeClass(char),
    /// The regex does not compile (syntax) or is too large; `problem` describes it.
    BadRegex(String),
    TooMany,
    NotFound(u32),
    /// A rule with the same target and effect already exists (its id).
    Duplicate(u32),
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleError::UnknownKind => f.write_str("unknown rule kind (signature | sender | keyword | regex)"),
            RuleError::Empty => f.write_str("empty value"),
            RuleError::TooLong { max_chars } => write!(f, "value longer than {max_chars} characters"),
            RuleError::Comma => f.write_str("a keyword, signature or sender may not contain a comma"),
            RuleError::LineBreak => f.write_str("value may not contain a line break"),
            RuleError::CommentHash => {
                f.write_str("`#` at the start or after a space starts a comment; write [#] in a regex")
            }
            RuleError::NotFoldable => f.write_str("value keeps upper-case letters after folding"),
            RuleError::RegexTooLong => write!(f, "regex longer than {MAX_REGEX_BYTES} bytes"),
            RuleError::HugeClass(c) => {
                write!(f, "`\\{c}` is a huge Unicode class; write it out ([0-9], [a-z0-9_], [ \\t])")
            }
            RuleError::BadRegex(p) => write!(f, "bad regex: {p}"),
            RuleError::TooMany => write!(f, "more than {MAX_USER_RULES} user rules"),
            RuleError::NotFound(id) => write!(f, "no user rule with id {id}"),
            RuleError::Duplicate(id) => write!(f, "the same rule already exists (id {id})"),
        }
    }
}

impl std::error::Error for RuleError {}

fn check_line(s: &str) -> Result<(), RuleError> {
    if s.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{b}', '\u{c}']) {
        return Err(RuleError::LineBreak);
    }
    // The pack parser would read it as the start of a comment.
    if crate::rules::format::comment_start(s).is_some() {
        return Err(RuleError::CommentHash);
    }
    Ok(())
}

fn check_literal(s: &str, max_chars: usize) -> Result<(), RuleError> {
    if s.is_empty() {
        return Err(RuleError::Empty);
    }
    if s.chars().count() > max_chars {
        return Err(RuleError::TooLong { max_chars });
    }
    if s.contains([',', '，']) {
        // The full-width comma folds to a comma in the final normaliser: refuse both.
        return Err(RuleError::Comma);
    }
    check_line(s)
}

/// Validate a user regex: one line, bounded, no huge classes, and it compiles exactly as the
/// engine will compile it in the user pack (same settings, limits and macros), so what passes here
/// is what runs. regex-automata has no unbounded backtracking, so matching is linear time.
pub fn validate_regex(re: &str) -> Result<(), RuleError> {
    if re.is_empty() {
        return Err(RuleError::Empty);
    }
    if re.len() > MAX_REGEX_BYTES {
        return Err(RuleError::RegexTooLong);
    }
    check_line(re)?;
    if let Some(e) = crate::rules::huge_class(re) {
        return Err(RuleError::HugeClass(e));
    }
    // The pack compiler's syntax errors quote the pattern (lines joined by ` ¦ `); keep only the
    // explanation, since rule problems are shown and logged where values must not appear.
    crate::rules::compile_rule_regex(re, false).map(|_| ()).map_err(|p| {
        let p = p.strip_prefix("bad regex: ").unwrap_or(&p);
        let parts: Vec<&str> =
            p.split(" ¦ ").filter(|l| l.starts_with("error:") || l.starts_with("regex ")).collect();
        RuleError::BadRegex(if parts.is_empty() { "does not compile".into() } else { parts.join(" ") })
    })
}

/// The user's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRules {
    #[serde(default)]
    rules: Vec<UserRule>,
    #[serde(default = "one")]
    next_id: u32,
}

fn one() -> u32 {
    1
}

/// The rules file written by `rules export` and read by `rules import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesFile {
    pub format: String,
    pub version: u32,
    pub rules: Vec<ExportedRule>,
}

/// One rule in a rules file (no id: ids are local to a state file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedRule {
    pub target: RuleTarget,
    pub effect: RuleEffect,
    #[serde(default)]
    pub created_at: Timestamp,
}

pub const RULES_FILE_FORMAT: &str = "smsguard-user-rules";
pub const RULES_FILE_VERSION: u32 = 1;

impl UserRules {
    /// Add a rule after validating it. Returns its id.
    pub fn add(&mut self, target: RuleTarget, effect: RuleEffect, now: Timestamp) -> Result<u32, RuleError> {
        let target = target.canonical()?;
        if let Some(r) = self.rules.iter().find(|r| r.target == target && r.effect == effect) {
            return Err(RuleError::Duplicate(r.id));
        }
        if self.rules.len() >= MAX_USER_RULES {
            return Err(RuleError::TooMany);
        }
        // Never reuse an id, even if a hand-edited file lowered `next_id`.
        let id = self.rules.iter().map(|r| r.id.saturating_add(1)).fold(self.next_id.max(1), u32::max);
        self.next_id = id.saturating_add(1);
        self.rules.push(UserRule { id, target, effect, created_at: now });
        Ok(id)
    }

    /// Remove a rule by id.
    pub fn remove(&mut self, id: u32) -> Result<UserRule, RuleError> {
        let i = self.rules.iter().position(|r| r.id == id).ok_or(RuleError::NotFound(id))?;
        Ok(self.rules.remove(i))
    }

    pub fn list(&self) -> &[UserRule] {
        &self.rules
    }

    /// Keep only the rules `keep` accepts (the session drops saved rules that no longer compile
    /// from the engine's copy; the saved state keeps them for the user to see and remove).
    pub fn retain(&mut self, keep: impl FnMut(&UserRule) -> bool) {
        self.rules.retain(keep);
    }

    /// A rule as stored, without validation (to compile one saved rule alone).
    pub(crate) fn insert_raw(&mut self, rule: UserRule) {
        self.rules.push(rule);
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Everything as a rules file (JSON), for `rules export`.
    pub fn export(&self) -> RulesFile {
        RulesFile {
            format: RULES_FILE_FORMAT.to_string(),
            version: RULES_FILE_VERSION,
            rules: self
                .rules
                .iter()
                .map(|r| ExportedRule {
                    target: r.target.clone(),
                    effect: r.effect,
                    created_at: r.created_at,
                })
                .collect(),
        }
    }

    pub fn export_json(&self) -> String {
        serde_json::to_string_pretty(&self.export()).unwrap_or_default()
    }

    /// Parse and validate a rules file; `origin` names it in errors. Nothing is added unless the
    /// whole file is valid.
    pub fn parse_file(text: &str, origin: &str) -> Result<RulesFile, DataError> {
        let file: RulesFile = serde_json::from_str(text).map_err(|e| {
            DataError::new(origin, format!("not a rules file ({})", crate::store::describe_json_error(&e)))
                .at_line(e.line())
        })?;
        if file.format != RULES_FILE_FORMAT {
            return Err(DataError::new(origin, format!("format is not `{RULES_FILE_FORMAT}`")));
        }
        if file.version != RULES_FILE_VERSION {
            return Err(DataError::new(
                origin,
                format!(
                    "rules file version {} is not supported (expected {RULES_FILE_VERSION})",
                    file.version
                ),
            ));
        }
        for (i, r) in file.rules.iter().enumerate() {
            r.target
                .canonical()
                .map_err(|e| DataError::new(origin, e.to_string()).for_item(format!("rule {}", i + 1)))?;
        }
        Ok(file)
    }

    /// Import a rules file: rules already present are skipped. Returns how many were added.
    /// Validates the whole file first, so a bad file changes nothing.
    pub fn import(&mut self, text: &str, origin: &str, now: Timestamp) -> Result<usize, DataError> {
        let file = Self::parse_file(text, origin)?;
        if self.rules.len() + file.rules.len() > MAX_USER_RULES {
            let fresh = file
                .rules
                .iter()
                .filter(|r| {
                    let t = r.target.canonical().ok();
                    !self.rules.iter().any(|x| Some(&x.target) == t.as_ref() && x.effect == r.effect)
                })
                .count();
            if self.rules.len() + fresh > MAX_USER_RULES {
                return Err(DataError::new(origin, RuleError::TooMany.to_string()));
            }
        }
        let mut added = 0;
        for (i, r) in file.rules.into_iter().enumerate() {
            let at = if r.created_at > 0 { r.created_at } else { now };
            match self.add(r.target, r.effect, at) {
                Ok(_) => added += 1,
                Err(RuleError::Duplicate(_)) => {}
                Err(e) => {
                    return Err(DataError::new(origin, e.to_string()).for_item(format!("rule {}", i + 1)))
                }
            }
        }
        Ok(added)
    }
}

/// Texts for each reason code of the user pack: (code, zh, en).
pub const USER_RULE_REASONS: &ReasonTable = &[
    ("user_allow_signature", "你信任的签名", "A signature you trust"),
    ("user_block_signature", "你屏蔽的签名", "A signature you blocked"),
    ("user_allow_sender", "你信任的号码", "A sender you trust"),
    ("user_block_sender", "你屏蔽的号码", "A sender you blocked"),
    ("user_allow_keyword", "你信任的关键词", "Keyword you allowed"),
    ("user_block_keyword", "你屏蔽的关键词", "Keyword you blocked"),
    ("user_allow_regex", "符合你设置的放行规则", "Matches a pattern you allowed"),
    ("user_block_regex", "符合你设置的屏蔽规则", "Matches a pattern you blocked"),
    (
        "feedback_not_junk",
        "你曾标记此来源的短信不是垃圾短信",
        "You marked messages from this source as not junk",
    ),
    ("feedback_is_junk", "你曾标记此来源的短信为垃圾短信", "You marked messages from this source as junk"),
];

fn reason_texts(code: &str) -> (&'static str, &'static str) {
    USER_RULE_REASONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(("用户规则", "User rule"), |(_, z, e)| (*z, *e))
}

/// Append the match lines of one rule (field, keywords, conditions) for a target.
fn push_match(out: &mut String, target: &RuleTarget) {
    match target {
        RuleTarget::Signature(s) => {
            // The keyword prefilters; the name condition makes it an exact match.
            out.push_str(&format!("field = signature\nany = {s}\nsignature = name:{s}\n"));
        }
        RuleTarget::Sender(s) => {
            let escaped = regex_syntax::escape(s);
            out.push_str(&format!("field = sender\nany = {s}\nregex = ^{escaped}$\n"));
        }
        RuleTarget::Keyword(k) => out.push_str(&format!("field = text\nany = {k}\n")),
        RuleTarget::Regex(r) => out.push_str(&format!("field = text\nregex = {r}\n")),
    }
}

fn push_rule(out: &mut String, id: &str, target: &RuleTarget, effect: &str, code: &str) {
    let (zh, en) = reason_texts(code);
    out.push_str(&format!("\n[{id}]\n"));
    push_match(out, target);
    out.push_str(&format!(
        "effect = {effect}\npriority = {USER_RULE_PRIORITY}\nreason = {code}\nzh = {zh}\nen = {en}\n"
    ));
}

/// The `smsguard-rules/1` pack for the user's rules and feedback. Values were validated when
/// stored; a target that fails validation now (e.g. a hand-edited state file) is skipped rather
/// than breaking the whole pack.
pub fn rule_pack_text(rules: &UserRules, feedback: &[FeedbackEntry]) -> String {
    let mut out = format!(
        "# Generated from the user's state: edit with `smsguard rules`, not by hand.\n\
         format = {}\npack = {USER_PACK_NAME}\nversion = 1\n",
        "smsguard-rules/1"
    );
    for r in &rules.rules {
        let Ok(target) = r.target.canonical() else { continue };
        push_rule(&mut out, &r.pack_id(), &target, r.effect.pack_effect(), &r.reason_code());
    }
    for f in feedback {
        let target = match &f.target {
            FeedbackTarget::Signature(s) => RuleTarget::Signature(s.clone()),
            FeedbackTarget::Sender(s) => RuleTarget::Sender(s.clone()),
        };
        let Ok(target) = target.canonical() else { continue };
        // "Is junk" is about what the user saw (marketing, spam), never the codes and alerts of
        // the same signature: its block spares transactions. Only an explicit block rule hides those.
        let (effect, code) = match f.kind {
            FeedbackKind::NotJunk => (RuleEffect::Allow.pack_effect(), "feedback_not_junk"),
            FeedbackKind::IsJunk => ("block other unless transaction", "feedback_is_junk"),
        };
        push_rule(&mut out, &format!("user.feedback.{}", f.id), &target, effect, code);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> UserRules {
        let mut r = UserRules::default();
        r.add(RuleTarget::Signature("【某商城】".into()), RuleEffect::Block, 10).ok();
        r.add(RuleTarget::Sender("10690000123".into()), RuleEffect::Allow, 11).ok();
        r.add(RuleTarget::Keyword("  贷款 ".into()), RuleEffect::Block, 12).ok();
        r.add(RuleTarget::Regex("加[vw]信?[0-9]{5,}".into()), RuleEffect::Block, 13).ok();
        r
    }

    #[test]
    fn add_validates_and_canonicalises() {
        let r = rules();
        assert_eq!(r.list().len(), 4);
        assert_eq!(r.list()[0].target, RuleTarget::Signature("某商城".into()));
        assert_eq!(r.list()[2].target, RuleTarget::Keyword("贷款".into()));
        let mut r = r;
        assert_eq!(
            r.add(RuleTarget::Keyword("贷款".into()), RuleEffect::Block, 1),
            Err(RuleError::Duplicate(3))
        );
        assert_eq!(r.add(RuleTarget::Keyword("a,b".into()), RuleEffect::Block, 1), Err(RuleError::Comma));
        assert_eq!(
            r.add(RuleTarget::Keyword("a\nb".into()), RuleEffect::Block, 1),
            Err(RuleError::LineBreak)
        );
        assert_eq!(
            r.add(RuleTarget::Keyword("#tag".into()), RuleEffect::Block, 1),
            Err(RuleError::CommentHash)
        );
        assert_eq!(r.add(RuleTarget::Keyword("  ".into()), RuleEffect::Block, 1), Err(RuleError::Empty));
        assert!(r.add(RuleTarget::Keyword("c#".into()), RuleEffect::Block, 1).is_ok());
        assert_eq!(r.remove(3).map(|x| x.id), Ok(3));
        assert_eq!(r.remove(3), Err(RuleError::NotFound(3)));
        // Ids are never reused after a removal.
        assert_eq!(r.add(RuleTarget::Keyword("贷款".into()), RuleEffect::Block, 1), Ok(6));
    }

    #[test]
    fn a_hand_edited_next_id_never_causes_duplicate_ids() {
        let json = r#"{"rules": [{"id": 5, "target": {"kind": "keyword", "value": "x"},
                       "effect": "block", "created_at": 0}], "next_id": 1}"#;
        let mut r: UserRules = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(r.list().len(), 1);
        assert_eq!(r.add(RuleTarget::Keyword("y".into()), RuleEffect::Block, 1), Ok(6));
    }

    #[test]
    fn bad_regexes_get_clear_errors() {
        let Err(RuleError::BadRegex(p)) = validate_regex("a(b") else { panic!("unclosed group accepted") };
        assert!(p.contains("unclosed"), "{p}");
        assert_eq!(validate_regex(r"\d{4}"), Err(RuleError::HugeClass('d')));
        assert_eq!(validate_regex(&"a".repeat(2000)), Err(RuleError::RegexTooLong));
        let Err(RuleError::BadRegex(p)) = validate_regex(r"\pL{100}") else { panic!("huge regex accepted") };
        assert!(p.contains("too large"), "{p}");
        assert_eq!(validate_regex("x #y"), Err(RuleError::CommentHash));
        assert!(validate_regex("x[#]y").is_ok());
    }

    #[test]
    fn validation_compiles_what_the_engine_compiles() {
        // `{link}` is the pack language's macro, not regex syntax: valid because the engine
        // expands it, and an engine with the rule then builds and matches.
        assert_eq!(validate_regex("点击{link}领取"), Ok(()));
        let mut r = UserRules::default();
        assert!(r.add(RuleTarget::Regex("点击{link}领取".into()), RuleEffect::Block, 1).is_ok());
        let state = crate::store::UserState { rules: r, ..Default::default() };
        let engine = crate::Engine::new().with_user_state(&state);
        assert!(engine.is_ok(), "{:?}", engine.err());
    }

    #[test]
    fn generated_pack_has_the_format_shape() {
        let fb = vec![FeedbackEntry {
            id: 7,
            kind: FeedbackKind::NotJunk,
            target: FeedbackTarget::Sender("10691234".into()),
            at: 5,
        }];
        let text = rule_pack_text(&rules(), &fb);
        let lines: Vec<&str> = text.lines().collect();
        let setting = |k: &str| lines.iter().position(|l| l.starts_with(&format!("{k} = ")));
        assert_eq!(lines.iter().find(|l| l.starts_with("format")), Some(&"format = smsguard-rules/1"));
        assert!(setting("format") < setting("pack") && setting("pack") < setting("version"));
        let headers: Vec<&str> = lines.iter().filter(|l| l.starts_with('[')).copied().collect();
        assert_eq!(
            headers,
            ["[user.block.1]", "[user.allow.2]", "[user.block.3]", "[user.block.4]", "[user.feedback.7]"]
        );
        assert!(text.contains("[user.block.1]\nfield = signature\nany = 某商城\nsignature = name:某商城\neffect = block other\npriority = 1000\nreason = user_block_signature\n"));
        assert!(text.contains(
            "field = sender\nany = 10690000123\nregex = ^10690000123$\neffect = protect allow/personal"
        ));
        assert!(text.contains("field = text\nany = 贷款\neffect = block other"));
        assert!(text.contains("regex = 加[vw]信?[0-9]{5,}\n"));
        assert!(text.contains("[user.feedback.7]\nfield = sender\nany = 10691234\nregex = ^10691234$\neffect = protect allow/personal\npriority = 1000\nreason = feedback_not_junk\n"));
        // Every rule line is `key = value` with a known key; nothing a parser would read as a comment.
        let keys = ["field", "any", "regex", "signature", "effect", "priority", "reason", "zh", "en"];
        for l in lines.iter().skip_while(|l| !l.starts_with('[')) {
            if l.is_empty() || l.starts_with('[') {
                continue;
            }
            let (k, v) = l.split_once(" = ").unwrap_or(("", ""));
            assert!(keys.contains(&k), "unexpected line {l}");
            assert!(!v.is_empty() && crate::rules::format::comment_start(v).is_none(), "{l}");
        }
        assert_eq!(text.matches("priority = 1000").count(), 5);
    }

    #[test]
    fn export_import_round_trip() {
        let r = rules();
        let json = r.export_json();
        let mut back = UserRules::default();
        assert_eq!(back.import(&json, "rules.json", 99), Ok(4));
        assert_eq!(back.export(), r.export());
        // Importing again adds nothing.
        assert_eq!(back.import(&json, "rules.json", 99), Ok(0));
        // A bad rule names the file and the item and leaves the rules untouched.
        let bad = json.replace("贷款", "贷,款");
        let mut fresh = UserRules::default();
        let e = fresh.import(&bad, "rules.json", 1).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("rules.json") && e.contains("rule 3") && e.contains("comma"), "{e}");
        assert!(fresh.is_empty());
        let e = fresh.import("{not json", "rules.json", 1).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("rules.json line 1"), "{e}");
    }
}
