//! Parser for the `smsguard-rules/1` pack format (documented in `rules.rs` and at the top of
//! `core/data/default.rules`). Produces plain rule descriptions; compiling the regexes is the
//! matcher's job. Every problem is a [`DataError`] naming origin, line and rule id; no error ever
//! quotes message text (a pack holds no SMS anyway, but keep the habit).

use crate::error::DataError;
use crate::normalise::EntityKind;
use crate::sender::SenderKind;
use crate::signature::InstitutionKind;
use crate::verdict::{Action, Category};

use super::Effect;

/// The only format this parser reads.
pub const FORMAT: &str = "smsguard-rules/1";

/// Limits on a pack: a pack is untrusted input and must not exhaust a phone.
pub const MAX_PACK_BYTES: usize = 1 << 20;
pub const MAX_LINE_BYTES: usize = 4096;
pub const MAX_RULES: usize = 5000;
pub const MAX_KEYWORDS_PER_LIST: usize = 256;
pub const MAX_KEYWORD_CHARS: usize = 64;
pub const MAX_REGEX_BYTES: usize = 1024;
pub const MAX_SIGNATURE_NAMES: usize = 64;
pub const MAX_PRIORITY: i32 = 1000;
pub const MAX_CONTEXTS_PER_RULE: usize = 8;

/// Which text a rule's keywords and regex look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `Normalised::text` (the default).
    Text,
    /// `Normalised::masked`.
    Masked,
    /// The raw body.
    Body,
    /// `Sender::normalised`.
    Sender,
    /// The folded signature name (empty when there is none).
    Signature,
}

impl Field {
    pub const ALL: [Field; 5] = [Field::Text, Field::Masked, Field::Body, Field::Sender, Field::Signature];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Masked => "masked",
            Field::Body => "body",
            Field::Sender => "sender",
            Field::Signature => "signature",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The `signature =` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigCond {
    /// A valid signature is present.
    Any,
    /// No valid signature.
    None,
    /// The signature belongs to a known institution.
    Institution,
    /// The sender does not fit the institution (spoofing signal).
    Spoofed,
    /// The sender is one the institution is known to use.
    Expected,
    /// The signature name is one of these (folded).
    Names(Vec<String>),
    /// The institution is of this kind.
    Kind(InstitutionKind),
}

/// One parsed rule, before compilation.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub id: String,
    pub line: usize,
    pub field: Field,
    pub any: Vec<String>,
    pub all: Vec<String>,
    pub not: Vec<String>,
    pub regex: Option<(String, usize)>,
    pub sender_kinds: Vec<SenderKind>,
    pub signature: Option<SigCond>,
    pub has: Vec<EntityKind>,
    /// `marks = <context>`: when the rule matches, the message has this context, and the places
    /// its regex matched are the context's spans (on the rule's field).
    pub marks: Option<String>,
    /// `unless = <context>, …`: the rule does not fire when the message has one of these contexts.
    pub unless: Vec<String>,
    /// `unless_quoted = <context>, …`: the rule does not fire when it matches only inside spans of
    /// these contexts (its keywords and regex are checked again with those spans cut out).
    pub unless_quoted: Vec<String>,
    pub effect: Effect,
    pub priority: i32,
    pub reason: String,
    pub zh: String,
    pub en: String,
}

/// One parsed pack.
#[derive(Debug, Clone)]
pub struct PackSpec {
    pub name: String,
    pub version: String,
    pub rules: Vec<RuleSpec>,
}

const RULE_KEYS: [&str; 16] = [
    "marks",
    "unless",
    "unless_quoted",
    "field",
    "any",
    "all",
    "not",
    "regex",
    "sender_kind",
    "signature",
    "has",
    "effect",
    "priority",
    "reason",
    "zh",
    "en",
];

fn is_id(s: &str, extra: &[char]) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || extra.contains(&c))
}

pub fn entity_kind(s: &str) -> Option<EntityKind> {
    Some(match s {
        "url" => EntityKind::Url,
        "phone" => EntityKind::Phone,
        "amount" => EntityKind::Amount,
        "code" => EntityKind::Code,
        "date" => EntityKind::Date,
        "pickup_code" => EntityKind::PickupCode,
        "number" => EntityKind::Number,
        _ => return None,
    })
}

fn institution_kind(s: &str) -> Option<InstitutionKind> {
    Some(match s {
        "bank" => InstitutionKind::Bank,
        "payment" => InstitutionKind::Payment,
        "carrier" => InstitutionKind::Carrier,
        "railway" => InstitutionKind::Railway,
        "airline" => InstitutionKind::Airline,
        "government" => InstitutionKind::Government,
        "ecommerce" => InstitutionKind::Ecommerce,
        "courier" => InstitutionKind::Courier,
        "other" => InstitutionKind::Other,
        _ => return None,
    })
}

/// Where a trailing comment starts: `#` at the start or after whitespace (so `[#]` or `\#` in a
/// regex stay literal). User rules use it to refuse values the pack parser would cut.
pub(crate) fn comment_start(line: &str) -> Option<usize> {
    let mut prev_ws = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_ws {
            return Some(i);
        }
        prev_ws = c.is_whitespace();
    }
    None
}

fn strip_comment(line: &str) -> &str {
    comment_start(line).map_or(line, |i| &line[..i])
}

/// Parse `protect <action>/<category>`, `block <category>`, `hint <action>/<category> <weight>`.
fn parse_effect(v: &str) -> Result<Effect, String> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    let action_category = |s: &str| -> Result<(Action, Category), String> {
        let (a, c) = s.split_once('/').ok_or_else(|| format!("expected <action>/<category>, got `{s}`"))?;
        let action = Action::parse(a).ok_or_else(|| format!("unknown action `{a}`"))?;
        let category = Category::parse(c).ok_or_else(|| format!("unknown category `{c}`"))?;
        if !category.fits(action) || action == Action::None {
            return Err(format!("category `{c}` does not belong to action `{a}`"));
        }
        Ok((action, category))
    };
    match parts.as_slice() {
        ["protect", ac] => {
            let (action, category) = action_category(ac)?;
            if !matches!(action, Action::Allow | Action::Transaction) {
                return Err(format!("protect needs action allow or transaction, not `{action}`"));
            }
            Ok(Effect::Protect { action, category })
        }
        ["block", c] | ["block", c, "unless", "transaction"] => {
            let category = Category::parse(c).ok_or_else(|| format!("unknown category `{c}`"))?;
            if !category.fits(Action::Junk) {
                return Err(format!("block needs a junk category, `{c}` is not one"));
            }
            Ok(Effect::Block { category, unless_transaction: parts.len() == 4 })
        }
        ["hint", ac, w] => {
            let (action, category) = action_category(ac)?;
            let weight: f32 = w.parse().map_err(|_| format!("weight `{w}` is not a number"))?;
            if !(0.0..=1.0).contains(&weight) {
                return Err(format!("weight {w} is outside 0..1"));
            }
            Ok(Effect::Hint { action, category, weight })
        }
        _ => Err("effect must be `protect <action>/<category>`, `block <category> [unless transaction]` \
                  or `hint <action>/<category> <weight>`"
            .to_string()),
    }
}

fn parse_list(v: &str) -> Result<Vec<String>, String> {
    let items: Vec<String> = v.split(',').map(|s| s.trim().to_string()).collect();
    if items.iter().any(|s| s.is_empty()) {
        return Err("empty item in list (check for doubled or trailing commas)".to_string());
    }
    if items.len() > MAX_KEYWORDS_PER_LIST {
        return Err(format!("more than {MAX_KEYWORDS_PER_LIST} items"));
    }
    Ok(items)
}

fn parse_keywords(v: &str, field: Field) -> Result<Vec<String>, String> {
    let items = parse_list(v)?;
    for k in &items {
        if k.chars().count() > MAX_KEYWORD_CHARS {
            return Err(format!("keyword longer than {MAX_KEYWORD_CHARS} characters"));
        }
        // Normalised text and folded names are lower-case: an upper-case keyword could never match.
        if matches!(field, Field::Text | Field::Signature) && k.chars().any(|c| c.is_uppercase()) {
            return Err(format!(
                "keyword `{k}` has upper-case letters but field `{}` is lower-case; write it lower-case",
                field.as_str()
            ));
        }
    }
    Ok(items)
}

fn parse_sig_cond(v: &str) -> Result<SigCond, String> {
    Ok(match v {
        "any" => SigCond::Any,
        "none" => SigCond::None,
        "institution" => SigCond::Institution,
        "spoofed" => SigCond::Spoofed,
        "expected" => SigCond::Expected,
        _ if v.starts_with("kind:") => {
            let k = &v["kind:".len()..];
            SigCond::Kind(
                institution_kind(k.trim()).ok_or_else(|| format!("unknown institution kind `{k}`"))?,
            )
        }
        _ if v.starts_with("name:") => {
            let mut names = Vec::new();
            for item in parse_list(v)? {
                let name = item
                    .strip_prefix("name:")
                    .ok_or_else(|| "every item of a name list needs `name:`".to_string())?
                    .trim();
                if name.is_empty() {
                    return Err("empty signature name".to_string());
                }
                names.push(crate::normalise::fold(name));
            }
            if names.len() > MAX_SIGNATURE_NAMES {
                return Err(format!("more than {MAX_SIGNATURE_NAMES} names"));
            }
            SigCond::Names(names)
        }
        _ => {
            return Err(format!(
                "unknown signature condition `{v}` (any | none | institution | spoofed | expected | \
                 name:<sig>,… | kind:<institution kind>)"
            ))
        }
    })
}

/// A rule being collected: key → (value, line).
struct Pending {
    id: String,
    line: usize,
    keys: Vec<(String, String, usize)>,
}

fn build_rule(p: Pending, origin: &str) -> Result<RuleSpec, DataError> {
    let err = |line: usize, msg: String| DataError::new(origin, msg).at_line(line).for_item(p.id.clone());
    let get = |k: &str| p.keys.iter().find(|(key, _, _)| key == k).map(|(_, v, l)| (v.as_str(), *l));

    let field = match get("field") {
        None => Field::Text,
        Some((v, l)) => Field::parse(v).ok_or_else(|| {
            err(l, format!("unknown field `{v}` (text | masked | body | sender | signature)"))
        })?,
    };
    let kw = |k: &str| -> Result<Vec<String>, DataError> {
        match get(k) {
            None => Ok(Vec::new()),
            Some((v, l)) => parse_keywords(v, field).map_err(|m| err(l, format!("{k}: {m}"))),
        }
    };
    let any = kw("any")?;
    let all = kw("all")?;
    let not = kw("not")?;
    let regex = match get("regex") {
        None => None,
        Some(("", l)) => return Err(err(l, "regex: empty".to_string())),
        Some((v, l)) => Some((v.to_string(), l)),
    };
    if any.is_empty() && all.is_empty() && regex.is_none() {
        return Err(err(p.line, "a rule needs `any`/`all` keywords or a `regex`".to_string()));
    }
    let sender_kinds = match get("sender_kind") {
        None => Vec::new(),
        Some((v, l)) => parse_list(v)
            .and_then(|items| {
                items
                    .iter()
                    .map(|s| SenderKind::parse(s).ok_or_else(|| format!("unknown sender kind `{s}`")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|m| err(l, format!("sender_kind: {m}")))?,
    };
    let signature = match get("signature") {
        None => None,
        Some((v, l)) => Some(parse_sig_cond(v).map_err(|m| err(l, format!("signature: {m}")))?),
    };
    let has = match get("has") {
        None => Vec::new(),
        Some((v, l)) => parse_list(v)
            .and_then(|items| {
                items
                    .iter()
                    .map(|s| entity_kind(s).ok_or_else(|| format!("unknown entity kind `{s}`")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|m| err(l, format!("has: {m}")))?,
    };
    let context_list = |k: &str| -> Result<Vec<String>, DataError> {
        match get(k) {
            None => Ok(Vec::new()),
            Some((v, l)) => {
                let items = parse_list(v).map_err(|m| err(l, format!("{k}: {m}")))?;
                if let Some(bad) = items.iter().find(|c| !is_id(c, &[])) {
                    return Err(err(
                        l,
                        format!("{k}: context name `{bad}` must match [a-z0-9_]+ (at most 64)"),
                    ));
                }
                if items.len() > MAX_CONTEXTS_PER_RULE {
                    return Err(err(l, format!("{k}: more than {MAX_CONTEXTS_PER_RULE} contexts")));
                }
                Ok(items)
            }
        }
    };
    let marks = match get("marks") {
        None => None,
        Some((v, l)) if !is_id(v, &[]) => {
            return Err(err(l, format!("marks: context name `{v}` must match [a-z0-9_]+ (at most 64)")))
        }
        Some((v, l)) => {
            if regex.is_none() {
                return Err(err(
                    l,
                    "marks: a rule that marks a context needs a `regex` (its spans)".to_string(),
                ));
            }
            Some(v.to_string())
        }
    };
    let unless = context_list("unless")?;
    let unless_quoted = context_list("unless_quoted")?;
    if marks.is_some() && !(unless.is_empty() && unless_quoted.is_empty()) {
        // Contexts are found in one pass before the rules that depend on them.
        return Err(err(
            p.line,
            "a rule that marks a context cannot itself depend on one (`unless`)".to_string(),
        ));
    }
    let effect = match get("effect") {
        None => return Err(err(p.line, "missing `effect`".to_string())),
        Some((v, l)) => parse_effect(v).map_err(|m| err(l, format!("effect: {m}")))?,
    };
    let priority = match get("priority") {
        None => match effect {
            Effect::Protect { .. } => 100,
            Effect::Block { .. } => 50,
            Effect::Hint { .. } => 0,
        },
        Some((v, l)) => {
            let p: i32 = v.parse().map_err(|_| err(l, format!("priority `{v}` is not an integer")))?;
            if !(-MAX_PRIORITY..=MAX_PRIORITY).contains(&p) {
                return Err(err(l, format!("priority {p} is outside -{MAX_PRIORITY}..{MAX_PRIORITY}")));
            }
            p
        }
    };
    let reason = match get("reason") {
        None => return Err(err(p.line, "missing `reason`".to_string())),
        Some((v, l)) if !is_id(v, &[]) => {
            return Err(err(l, format!("reason code `{v}` must match [a-z0-9_]+ (at most 64)")))
        }
        Some((v, _)) => v.to_string(),
    };
    let text = |k: &str| -> Result<String, DataError> {
        match get(k) {
            None => Err(err(p.line, format!("missing `{k}` (readable reason)"))),
            Some(("", l)) => Err(err(l, format!("`{k}` is empty"))),
            Some((v, _)) => Ok(v.to_string()),
        }
    };
    let zh = text("zh")?;
    let en = text("en")?;
    Ok(RuleSpec {
        id: p.id.clone(),
        line: p.line,
        field,
        any,
        all,
        not,
        regex,
        sender_kinds,
        signature,
        has,
        marks,
        unless,
        unless_quoted,
        effect,
        priority,
        reason,
        zh,
        en,
    })
}

/// Parse one pack. `origin` names it in errors.
pub fn parse_pack(text: &str, origin: &str) -> Result<PackSpec, DataError> {
    if text.len() > MAX_PACK_BYTES {
        return Err(DataError::new(origin, format!("pack larger than {MAX_PACK_BYTES} bytes")));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut format_seen = false;
    let mut name: Option<String> = None;
    let mut version: Option<String> = None;
    let mut rules: Vec<RuleSpec> = Vec::new();
    let mut pending: Option<Pending> = None;
    let mut ids: std::collections::HashSet<String> = std::collections::HashSet::new();

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let err = |msg: String| DataError::new(origin, msg).at_line(line_no);
        if raw.len() > MAX_LINE_BYTES {
            return Err(err(format!("line longer than {MAX_LINE_BYTES} bytes")));
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line = strip_comment(trimmed).trim();
        if line.starts_with('[') {
            let id = line
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .ok_or_else(|| err("malformed rule header, expected `[rule-id]`".to_string()))?
                .trim();
            if !format_seen {
                return Err(err(format!("`format = {FORMAT}` must come first")));
            }
            if name.is_none() || version.is_none() {
                return Err(err("`pack` and `version` must be set before the first rule".to_string()));
            }
            if !is_id(id, &['.', '-']) {
                return Err(err(format!("rule id `{id}` must match [a-z0-9_.-]+ (at most 64)")).for_item(id));
            }
            if !ids.insert(id.to_string()) {
                return Err(err("duplicate rule id".to_string()).for_item(id));
            }
            if let Some(p) = pending.take() {
                rules.push(build_rule(p, origin)?);
            }
            if rules.len() >= MAX_RULES {
                return Err(err(format!("more than {MAX_RULES} rules")));
            }
            pending = Some(Pending { id: id.to_string(), line: line_no, keys: Vec::new() });
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or_else(|| err("expected `key = value`".to_string()))?;
        match pending.as_mut() {
            None => match key {
                "format" if !format_seen => {
                    if value != FORMAT {
                        return Err(err(format!("unknown format `{value}`, expected `{FORMAT}`")));
                    }
                    format_seen = true;
                }
                _ if !format_seen => return Err(err(format!("`format = {FORMAT}` must come first"))),
                "pack" if name.is_none() => {
                    if !is_id(value, &['-']) {
                        return Err(err(format!("pack name `{value}` must match [a-z0-9_-]+ (at most 64)")));
                    }
                    name = Some(value.to_string());
                }
                "version" if version.is_none() => {
                    if value.is_empty() || value.len() > 64 {
                        return Err(err("version must be 1..64 bytes".to_string()));
                    }
                    version = Some(value.to_string());
                }
                "format" | "pack" | "version" => return Err(err(format!("duplicate `{key}`"))),
                _ => return Err(err(format!("unknown pack setting `{key}` (format | pack | version)"))),
            },
            Some(p) => {
                if key.is_empty() || !RULE_KEYS.contains(&key) {
                    return Err(err(format!("unknown key `{key}`")).for_item(p.id.clone()));
                }
                if p.keys.iter().any(|(k, _, _)| k == key) {
                    return Err(err(format!("duplicate key `{key}`")).for_item(p.id.clone()));
                }
                if key == "regex" && value.len() > MAX_REGEX_BYTES {
                    return Err(
                        err(format!("regex longer than {MAX_REGEX_BYTES} bytes")).for_item(p.id.clone())
                    );
                }
                p.keys.push((key.to_string(), value.to_string(), line_no));
            }
        }
    }
    if let Some(p) = pending.take() {
        rules.push(build_rule(p, origin)?);
    }
    if !format_seen {
        return Err(DataError::new(origin, format!("missing `format = {FORMAT}`")));
    }
    let name = name.ok_or_else(|| DataError::new(origin, "missing `pack`"))?;
    let version = version.ok_or_else(|| DataError::new(origin, "missing `version`"))?;
    Ok(PackSpec { name, version, rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_respect_regex_hash() {
        assert_eq!(strip_comment("a = b # c"), "a = b ");
        assert_eq!(strip_comment("regex = [#]x"), "regex = [#]x");
        assert_eq!(strip_comment("regex = a\\#b"), "regex = a\\#b");
    }

    #[test]
    fn effects() {
        assert!(matches!(parse_effect("protect transaction/otp"), Ok(Effect::Protect { .. })));
        assert!(parse_effect("protect junk/fraud").is_err());
        assert!(parse_effect("protect transaction/fraud").is_err());
        assert!(parse_effect("block offers").is_err());
        assert!(matches!(
            parse_effect("block other unless transaction"),
            Ok(Effect::Block { unless_transaction: true, .. })
        ));
        assert!(matches!(parse_effect("block fraud"), Ok(Effect::Block { unless_transaction: false, .. })));
        assert!(parse_effect("block other unless promotion").is_err());
        assert!(parse_effect("hint promotion/offers 1.5").is_err());
        assert!(parse_effect("hint promotion/offers nan").is_err());
        assert!(matches!(parse_effect("hint promotion/offers 0.5"), Ok(Effect::Hint { .. })));
    }
}
