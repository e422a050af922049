//! Step 3: signature/keyword rules. A versioned, human-editable rule-pack format compiled into
//! one multi-keyword matcher per field (the prefilter) plus per-rule regex-automata verification.
//! The default pack (`core/data/default.rules`) is embedded in the library.
//!
//! # The pack format (`smsguard-rules/1`)
//! ```text
//! # comment lines start with #; blank lines ignored; UTF-8. A `#` after whitespace ends a line
//! # (so write `[#]` or `\#` for a literal # in a regex).
//! format = smsguard-rules/1          # required first setting; unknown format → error
//! pack = default                     # pack name [a-z0-9_-]+
//! version = 2026.11.28               # free text, reported by explain
//!
//! [otp.code]                         # rule id [a-z0-9_.-]+, unique across all compiled packs
//! field = text                       # what keywords/regex look at: text (normalised, default) |
//!                                    #   masked | body (raw) | sender (normalised sender) | signature
//! any = 验证码, 校验码, 动态码          # keywords: at least one must occur (literal, comma-separated,
//!                                    #   matched on the field as is: write them normalised)
//! all = 元, 余额                      # each must occur
//! not = 退订                         # none may occur
//! regex = 码[是为:]?[0-9]{4,8}        # verification regex (regex-automata syntax, linear time);
//!                                    #   no Unicode \d \w \s (huge): use [0-9] etc.
//! sender_kind = port106, service     # sender kind is one of (SenderKind strings)
//! signature = institution            # any | none | institution | spoofed | expected |
//!                                    #   name:<sig>[,name:<sig>…] | kind:<institution kind>
//! has = code                         # entities present (url, phone, amount, code, date,
//!                                    #   pickup_code, number), all required
//! marks = otp_context               # optional: the rule marks a context when it matches; the
//!                                    #   places its regex matched are the context's spans
//! unless = order_shipped             # optional: no hit when the message has one of these contexts
//! unless_quoted = antifraud_reminder # optional: no hit when the rule matches only inside spans
//!                                    #   of these contexts (e.g. scam words an anti-fraud
//!                                    #   reminder quotes); `not` keywords still count anywhere
//! effect = protect transaction/otp   # protect <action>/<category> | block <category> |
//!                                    #   block <category> unless transaction |
//!                                    #   hint <action>/<category> <weight 0..1>
//! priority = 100                     # optional; defaults: protect 100, block 50, hint 0
//! reason = otp_code                  # stable reason code [a-z0-9_]+
//! zh = 包含验证码                     # readable reason, Chinese (required)
//! en = Contains a verification code  # readable reason, English (required)
//! ```
//! A rule needs `any`/`all` keywords or a `regex`; keyword-less regex rules are allowed but run
//! on every message (counted by [`RuleSet::keywordless_rule_count`]).
//!
//! # Contexts
//! A rule with `marks = <name>` (it needs a regex) gives the message the context `<name>` when it
//! matches, with spans where its regex matched; its own effect applies as usual. Other rules, in
//! any pack compiled together, refer to it: `unless = <name>` drops their hit when the message
//! has the context; `unless_quoted = <name>` drops it when the rule no longer matches once the
//! context's spans (on the rule's field) are blanked out, i.e. when every word it needs occurs
//! inside them. Blanking keeps distances, so words on both sides of a span still combine. A
//! marking rule cannot itself use `unless*` (contexts are found in one pass first), and naming a
//! context no rule marks is an error. The default pack marks `antifraud_reminder` (clauses that
//! warn about a scam: "we never ask you to click a link for a refund") and `order_shipped` (a
//! shipment notice with an order or tracking number).
//!
//! # Matching
//! Per field, one Aho-Corasick automaton over every keyword of every rule (overlapping search)
//! finds the set of keywords present in one pass. Keywords map to candidate rules; candidates are
//! verified in priority order (all/not, sender kind, signature, entities, then their own regex:
//! one regex-automata NFA, compiled once, searched in linear time by the bounded backtracker or
//! PikeVM, or by a lazy DFA when that would cost more). Rules without keywords are verified on
//! every message. Hits come highest priority first; ties: protect before block before hint, then
//! rule order.
//!
//! # Time
//! The embedded pack's cost is measured (`examples/worst_case.rs`: at most a few hundred µs on
//! 10,000-character adversarial messages). Every other pack (updates, an OEM's own, user rules)
//! runs its regexes within a CPU-time budget per message ([`RULE_TIME_BUDGET`], see `bounded`):
//! a rule the budget does not reach is left out, [`Evaluation::complete`] says so, and the policy
//! then hides nothing without a block rule that matched (reason `rules_incomplete`).
//!
//! Why not one `meta::Regex` (`MatchKind::All`) over the keywords, as first planned: measured on
//! ~21k real messages with ~780 keywords, its lazy DFA needs a large cache (with 2 MiB it gives up
//! and falls back to the PikeVM: p50 219 µs, p99 5 ms per message; with 16 MiB still p50 ~27 µs).
//! Aho-Corasick (already linked through regex-automata's literal optimisations) does it in one
//! pass with ~0.1 MiB: whole evaluate p50 7–11 µs, p99 ~90 µs, 1.8 MiB for the default pack.

mod bounded;
pub(crate) mod format;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use aho_corasick::{AhoCorasick, MatchKind};
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::{
    self,
    pikevm::{self, PikeVM},
    WhichCaptures, NFA,
};
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::Input;
use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::normalise::{EntityKind, Normalised};
use crate::sender::{Sender, SenderKind};
use crate::signature::{SenderFit, SignatureCheck};
use crate::verdict::{Action, Category, Reason};

use bounded::{Budget, LazyRegex, PIKEVM_STEPS_MAX};
use format::{Field, SigCond};

pub(crate) use bounded::CacheFn;
pub use bounded::RULE_TIME_BUDGET;
pub use format::FORMAT;

/// What a matching rule asks of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// Hard allow into `action` (allow or transaction). Protective: beats blocks of lower priority.
    Protect { action: Action, category: Category },
    /// Hard block: junk with this category. With `unless_transaction` (what "is junk" feedback
    /// generates) the block yields when the message would otherwise be a transaction: one tap on a
    /// brand's marketing must not hide that brand's verification codes or account alerts.
    Block {
        category: Category,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        unless_transaction: bool,
    },
    /// Soft evidence for `action`/`category`, weight in 0..=1.
    Hint { action: Action, category: Category, weight: f32 },
}

impl Effect {
    /// Tie-break rank among equal priorities: protect first.
    fn rank(&self) -> u8 {
        match self {
            Effect::Protect { .. } => 0,
            Effect::Block { .. } => 1,
            Effect::Hint { .. } => 2,
        }
    }
}

/// One rule that matched a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleHit {
    /// `pack/rule-id`, stable.
    pub rule: String,
    pub effect: Effect,
    /// Higher wins among hard effects.
    pub priority: i32,
    pub reason: Reason,
}

/// What the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    pub body: &'a str,
    pub normalised: &'a Normalised,
    pub sender: &'a Sender,
    pub signature: &'a SignatureCheck,
}

impl RuleInput<'_> {
    fn field(&self, f: Field) -> &str {
        match f {
            Field::Text => &self.normalised.text,
            Field::Masked => &self.normalised.masked,
            Field::Body => self.body,
            Field::Sender => &self.sender.normalised,
            Field::Signature => self.signature.signature().map(|s| s.name.as_str()).unwrap_or(""),
        }
    }
}

/// Size limits for compiled regexes: a hostile pack gets an error, not an OOM or a hang.
const RULE_NFA_LIMIT: usize = 256 * 1024;
/// All verification regexes together (the default pack uses ~1.3 MiB).
const REGEX_TOTAL_LIMIT: usize = 32 * 1024 * 1024;
/// Keyword entries (`any`/`all`/`not` items, repeats counted) of all packs together. Each pack
/// is bounded by its size, but not the sum over packs, and every entry costs index memory and
/// automaton states. The default pack has 1238 entries (812 distinct keywords) and a user pack
/// at most ~2000 rules of one keyword each (plus feedback): 20k leaves ~4× headroom. Not more:
/// aho-corasick 1.1's automaton build is itself superlinear in keywords (its state `Remapper`,
/// 90% of the time at 20k), ~1 s for 20k keywords and ~5.5 s for 50k in a desktop release
/// build (examples/rules_compile_scaling.rs), and a phone is slower.
pub const MAX_KEYWORDS_TOTAL: usize = 20_000;
/// Packs compiled together: the engine uses two (default, user); hosts replacing the default
/// pack may split theirs. Bounds the total pack text to 16 × the 1 MiB per-pack limit.
pub const MAX_PACKS: usize = 16;

#[derive(Debug)]
struct CompiledRule {
    /// `pack/id`.
    name: String,
    field: Field,
    any: Vec<usize>,
    all: Vec<usize>,
    not: Vec<usize>,
    regex: Option<RuleRegex>,
    sender_kinds: Vec<SenderKind>,
    signature: Option<SigCond>,
    has: Vec<EntityKind>,
    /// The context this rule marks (index into [`RuleSet::contexts`]).
    marks: Option<usize>,
    unless: Vec<usize>,
    unless_quoted: Vec<usize>,
    effect: Effect,
    priority: i32,
    reason: Reason,
}

/// A rule's verification regex: one NFA, searched in ways that find the same matches. The
/// compact build (bounded backtracker or PikeVM: little memory, fast on an SMS) runs on fields of
/// SMS length when that is cheap enough (see [`RuleRegex::search`]); otherwise the lazy DFAs of
/// [`bounded`] run, whose work is counted and can stop, so a long field or a costly pattern never
/// means an uninterruptible PikeVM crawl (~2.8 µs a byte was measured on 10,000 repeated
/// keywords, `examples/worst_case.rs`).
#[derive(Debug)]
struct RuleRegex {
    /// Built at pack compile for a pack from outside; on first use for the embedded pack (see
    /// [`Build`]). `None` inside: the build failed, and the rule does not match.
    compact: std::sync::OnceLock<Option<Compact>>,
    /// The pattern as written (macros not expanded), for the lazy-DFA build.
    pattern: String,
    spans: bool,
    /// Built the first time the compact build would cost too much.
    lazy: std::sync::OnceLock<Option<Box<LazyRegex>>>,
    /// The embedded pack's regexes: their cost is measured (`examples/worst_case.rs`, the
    /// tests), so they always run to the end, on the compact build up to [`LONG_FIELD_BYTES`]
    /// as before the budget existed (its caches are warm after one message, where a cold lazy
    /// DFA builds a state a byte). Every other pack's run within the budget.
    vetted: bool,
}

/// Fields longer than this (bytes) make even the embedded pack walk the lazy DFA (a real SMS of a
/// few parts is shorter: 500 Chinese characters are 1,500 bytes).
const LONG_FIELD_BYTES: usize = 1_024;

/// A rule regex compiled to one NFA, run here by the bounded backtracker (fastest on an SMS) or
/// the PikeVM; [`LazyRegex`] walks a lazy DFA over the same NFA. Both engines here visit each
/// (NFA state, byte) pair at most once.
pub(crate) struct Compact {
    backtracker: BoundedBacktracker,
    backtrack_caches: Pool<backtrack::Cache, CacheFn<backtrack::Cache>>,
    pikevm: PikeVM,
    caches: Pool<pikevm::Cache, CacheFn<pikevm::Cache>>,
    /// NFA states: the most the PikeVM may visit per byte.
    steps_per_byte: u64,
}

impl fmt::Debug for Compact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compact").field("steps_per_byte", &self.steps_per_byte).finish_non_exhaustive()
    }
}

impl Compact {
    pub(crate) fn new(nfa: NFA) -> Result<Compact, RegexError> {
        let steps_per_byte = u64::try_from(nfa.states().len()).unwrap_or(u64::MAX).max(1);
        let other = |e: thompson::BuildError| RegexError::Other(e.to_string());
        let backtracker = BoundedBacktracker::new_from_nfa(nfa.clone()).map_err(other)?;
        let pikevm = PikeVM::new_from_nfa(nfa).map_err(other)?;
        let (b, p) = (backtracker.clone(), pikevm.clone());
        let backtrack_caches: Pool<_, CacheFn<_>> = Pool::new(Box::new(move || b.create_cache()));
        let caches: Pool<_, CacheFn<_>> = Pool::new(Box::new(move || p.create_cache()));
        Ok(Compact { backtracker, backtrack_caches, pikevm, caches, steps_per_byte })
    }

    /// Its worst case on `text`, in [`Budget`] units, when that is small enough to run.
    fn affordable(&self, text: &str) -> Option<u64> {
        let cost = u64::try_from(text.len())
            .unwrap_or(u64::MAX)
            .saturating_add(1)
            .saturating_mul(self.steps_per_byte);
        (cost <= PIKEVM_STEPS_MAX).then_some(cost)
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        if text.len() <= self.backtracker.max_haystack_len() {
            if let Ok(found) =
                self.backtracker.try_is_match(&mut self.backtrack_caches.get(), Input::new(text))
            {
                return found;
            }
        }
        self.pikevm.is_match(&mut self.caches.get(), Input::new(text))
    }

    /// Byte ranges of its leftmost-first matches, empty ones left out.
    pub(crate) fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        if text.len() <= self.backtracker.max_haystack_len() {
            let mut cache = self.backtrack_caches.get();
            let found: Result<Vec<(usize, usize)>, _> = self
                .backtracker
                .try_find_iter(&mut cache, Input::new(text))
                .map(|m| m.map(|m| (m.start(), m.end())))
                .collect();
            if let Ok(found) = found {
                return found.into_iter().filter(|(start, end)| end > start).collect();
            }
        }
        let mut cache = self.caches.get();
        self.pikevm
            .find_iter(&mut cache, Input::new(text))
            .map(|m| (m.start(), m.end()))
            .filter(|(start, end)| end > start)
            .collect()
    }

    /// The leftmost-first match in `input` with its capture groups in `caps` (which must come
    /// from [`Compact::create_captures`]); `caps` says no match when there is none.
    pub(crate) fn captures(&self, input: &Input<'_>, caps: &mut Captures) {
        if input.haystack().len() <= self.backtracker.max_haystack_len()
            && self.backtracker.try_search(&mut self.backtrack_caches.get(), input, caps).is_ok()
        {
            return;
        }
        self.pikevm.search(&mut self.caches.get(), input, caps);
    }

    pub(crate) fn create_captures(&self) -> Captures {
        self.pikevm.create_captures()
    }

    /// Whether [`Compact::captures`] runs the backtracker on a text of this size.
    #[cfg(test)]
    pub(crate) fn backtracks(&self, text_len: usize) -> bool {
        text_len <= self.backtracker.max_haystack_len()
    }

    fn nfa(&self) -> &NFA {
        self.pikevm.get_nfa()
    }

    fn memory_usage(&self) -> usize {
        self.nfa().memory_usage()
            + self.caches.get().memory_usage()
            + self.backtrack_caches.get().memory_usage()
    }
}

/// When a pack's verification regexes are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Build {
    /// At pack compile: every pack from outside (updates, user rules, `--rules`), so that a bad
    /// regex is an error naming its rule before anything is saved or used.
    Now,
    /// The first time a message makes the rule a candidate: only the embedded default pack,
    /// whose every regex the unit tests build. Building all ~100 of them was most of a cold
    /// start (~25 ms of the receiver's or extension's first message), for the few a message needs.
    OnFirstUse,
}

impl RuleRegex {
    fn new(pattern: &str, spans: bool, build: Build) -> Result<RuleRegex, RegexError> {
        let compact = std::sync::OnceLock::new();
        if build == Build::Now {
            let _ = compact.set(Some(compile_rule_regex(pattern, spans)?));
            if spans {
                // Where a long field matches is found backwards from each match's end: that NFA
                // must build too (it is built again on first use; the default pack's are tested).
                compile_nfa(pattern, WhichCaptures::None, true)?;
            }
        }
        let vetted = build == Build::OnFirstUse;
        Ok(RuleRegex {
            compact,
            pattern: pattern.to_string(),
            spans,
            lazy: std::sync::OnceLock::new(),
            vetted,
        })
    }

    fn compact(&self) -> Option<&Compact> {
        self.compact
            .get_or_init(|| {
                compile_rule_regex(&self.pattern, self.spans)
                    .map_err(|e| log::error!("a default-pack regex failed to build: {e}"))
                    .ok()
            })
            .as_ref()
    }

    /// The lazy-DFA build, over the compact build's NFA (plus a reverse NFA for a rule that
    /// marks a context). The pattern compiled once already, so only a limit could fail here; then
    /// the rule is left undecided. Building is not counted against the budget (it happens once
    /// per regex).
    fn lazy(&self, compact: &Compact, budget: &mut Budget) -> Option<&LazyRegex> {
        if let Some(built) = self.lazy.get() {
            return built.as_deref();
        }
        budget
            .excluding(|| {
                self.lazy.get_or_init(|| {
                    let reverse = if self.spans {
                        Some(compile_nfa(&self.pattern, WhichCaptures::None, true).ok()?)
                    } else {
                        None
                    };
                    LazyRegex::build(compact.nfa().clone(), reverse).map(Box::new)
                })
            })
            .as_deref()
    }

    /// [`RuleRegex::compact`], its first build not counted against the budget.
    fn compact_within(&self, budget: &mut Budget) -> Option<&Compact> {
        if let Some(built) = self.compact.get() {
            return built.as_ref();
        }
        budget.excluding(|| self.compact())
    }

    /// Runs the search `text` gets: the compact build when it is cheap enough (the embedded pack:
    /// up to [`LONG_FIELD_BYTES`]; any other: its worst case fits the budget), else the lazy DFA,
    /// counted against `budget` unless vetted. `nothing` when the regex did not build; `None` when
    /// the budget ran out first.
    fn search<T>(
        &self,
        text: &str,
        budget: &mut Budget,
        nothing: T,
        compact_search: impl FnOnce(&Compact) -> T,
        lazy_search: impl FnOnce(&LazyRegex, &mut Budget) -> Option<T>,
    ) -> Option<T> {
        if !self.vetted && !budget.allows() {
            return None;
        }
        let Some(compact) = self.compact_within(budget) else { return Some(nothing) };
        if self.vetted {
            if text.len() <= LONG_FIELD_BYTES {
                return Some(compact_search(compact));
            }
            return lazy_search(self.lazy(compact, budget)?, &mut Budget::new(None));
        }
        if let Some(cost) = compact.affordable(text).filter(|cost| budget.affords(*cost)) {
            budget.charge(cost);
            return Some(compact_search(compact));
        }
        lazy_search(self.lazy(compact, budget)?, budget)
    }

    /// Whether it matches `text`; `None` when the budget ran out first.
    fn is_match(&self, text: &str, budget: &mut Budget) -> Option<bool> {
        self.search(text, budget, false, |c| c.is_match(text), |l, b| l.is_match(text, b))
    }

    /// Byte ranges where it matches `text` (empty matches left out); `None` when the budget ran
    /// out first.
    fn spans(&self, text: &str, budget: &mut Budget) -> Option<Vec<(usize, usize)>> {
        self.search(text, budget, Vec::new(), |c| c.spans(text), |l, b| l.spans(text, b))
    }

    /// Bytes of the builds made so far and of one search cache each (the NFA is counted once).
    fn memory_usage(&self) -> usize {
        self.compact.get().and_then(Option::as_ref).map_or(0, Compact::memory_usage)
            + self.lazy.get().and_then(Option::as_deref).map_or(0, LazyRegex::memory_usage)
    }
}

/// A context of one message.
#[derive(Debug, Clone)]
enum Context {
    Absent,
    /// Where its marking rules matched.
    Present(Vec<Span>),
    /// The budget ran out before its marking rule, or where it matched, was decided: rules that
    /// name it are left undecided too.
    Unknown,
}

/// What [`RuleSet::evaluate_within`] found.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The rules that match, highest priority first.
    pub hits: Vec<RuleHit>,
    /// False when the time budget ran out before every candidate rule was decided (the ones
    /// left out may have matched).
    pub complete: bool,
}

/// Where a context's marking rule matched: a byte range of one field.
#[derive(Debug, Clone, Copy)]
struct Span {
    field: Field,
    start: usize,
    end: usize,
}

/// Keywords of one field: the multi-pattern matcher and, per keyword, the rules it triggers.
#[derive(Debug, Default)]
struct FieldIndex {
    keywords: Vec<String>,
    postings: Vec<Vec<usize>>,
    matcher: Option<AhoCorasick>,
}

/// Interns keywords while compiling: keyword → its index in [`FieldIndex::keywords`]. A linear
/// search made compile quadratic in keywords (80k keywords: 32 s in a debug build), and packs
/// are untrusted updates. Dropped after compiling: evaluation never looks keywords up by text.
#[derive(Default)]
struct Interner {
    index: HashMap<String, usize>,
}

impl Interner {
    fn intern(&mut self, fi: &mut FieldIndex, k: &str) -> usize {
        if let Some(&i) = self.index.get(k) {
            return i;
        }
        let i = fi.keywords.len();
        fi.keywords.push(k.to_string());
        fi.postings.push(Vec::new());
        self.index.insert(k.to_string(), i);
        i
    }
}

/// Compiled rules from one or more packs.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<CompiledRule>,
    fields: [FieldIndex; 5],
    /// Rules without keywords: verified on every message.
    direct: Vec<usize>,
    packs: Vec<(String, String)>,
    /// Context names (`marks =`), in order of first use.
    contexts: Vec<String>,
}

/// Why a rule regex does not compile. `Display` is the pack compiler's message, which may quote
/// the pattern (a pack's own text, shown to whoever wrote it); [`RegexError::explanation`] never
/// quotes it, for user regexes, whose text must not reach logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RegexError {
    /// A Unicode `\d`, `\w`, `\s` or negation (the letter after the backslash).
    HugeClass(char),
    /// The compiled program would exceed this many bytes.
    TooLarge {
        limit: usize,
    },
    /// A syntax error: what is wrong (no pattern text) and the parser's full report.
    Syntax {
        explanation: String,
        report: String,
    },
    Other(String),
}

impl RegexError {
    fn from_syntax(se: &regex_syntax::Error) -> RegexError {
        let explanation = match se {
            regex_syntax::Error::Parse(p) => p.kind().to_string(),
            regex_syntax::Error::Translate(t) => t.kind().to_string(),
            _ => "does not compile".to_string(),
        };
        let text = se.to_string();
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        RegexError::Syntax { explanation, report: lines.join(" ¦ ") }
    }

    fn from_nfa(e: &thompson::BuildError) -> RegexError {
        match e.size_limit() {
            Some(limit) => RegexError::TooLarge { limit },
            None => RegexError::Other(e.to_string()),
        }
    }

    /// What is wrong, without quoting the pattern.
    pub(crate) fn explanation(&self) -> String {
        match self {
            RegexError::Syntax { explanation, .. } => format!("error: {explanation}"),
            RegexError::Other(_) => "does not compile".to_string(),
            e => e.to_string(),
        }
    }
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegexError::HugeClass(e) => {
                write!(f, "`\\{e}` is a huge Unicode class; write it out ([0-9], [a-z0-9_], [ \\t])")
            }
            RegexError::TooLarge { limit } => write!(
                f,
                "regex too large (compiled size limit {limit} bytes exceeded): use [0-9] instead of \
                 Unicode classes, shorten repetitions and bounded gaps"
            ),
            RegexError::Syntax { report, .. } => write!(f, "bad regex: {report}"),
            RegexError::Other(e) => write!(f, "bad regex: {e}"),
        }
    }
}

/// The first Unicode `\d`, `\w`, `\s` (or negation) in `re`: huge classes that blow the size
/// budget (the letter after the backslash).
fn huge_class(re: &str) -> Option<char> {
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(e @ ('d' | 'D' | 'w' | 'W' | 's' | 'S')) = chars.next() {
                return Some(e);
            }
        }
    }
    None
}

/// What `{link}` stands for in a rule regex: a scheme, `www.`, or a bare host whose last label is
/// one of the normaliser's top-level domains (so rules and the URL entity agree on what a link is),
/// followed by a path or a non-letter. Text is folded (lower case) before rules see it.
fn link_pattern() -> String {
    format!(r"(?:https?://|www\.|[a-z0-9-]+\.(?:{})(?:/|[^a-z]|$))", crate::normalise::TLDS.join("|"))
}

/// Rule regexes may write `{link}` for "a link" (not valid regex syntax otherwise, so unambiguous).
fn expand_macros(re: &str) -> std::borrow::Cow<'_, str> {
    if re.contains("{link}") {
        std::borrow::Cow::Owned(re.replace("{link}", &link_pattern()))
    } else {
        std::borrow::Cow::Borrowed(re)
    }
}

/// `spans`: whether match offsets are needed (a rule that marks a context). Without them the
/// NFA has no capture states, which reports matches but not where they are.
pub(crate) fn compile_rule_regex(re: &str, spans: bool) -> Result<Compact, RegexError> {
    if let Some(e) = huge_class(re) {
        return Err(RegexError::HugeClass(e));
    }
    let captures = if spans { WhichCaptures::Implicit } else { WhichCaptures::None };
    Compact::new(compile_nfa(re, captures, false)?)
}

/// One NFA for a rule regex (macros expanded). Verification runs on a few candidate rules over
/// one short SMS: the PikeVM is fast enough there, and no prefilter is needed (the keyword
/// matcher already is one). Costly searches walk a lazy DFA over the same NFA (`bounded`).
fn compile_nfa(re: &str, captures: WhichCaptures, reverse: bool) -> Result<NFA, RegexError> {
    let re = expand_macros(re);
    let hir = syntax::parse_with(&re, &syntax::Config::new().nest_limit(64))
        .map_err(|e| RegexError::from_syntax(&e))?;
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .which_captures(captures)
                .nfa_size_limit(Some(RULE_NFA_LIMIT))
                .reverse(reverse),
        )
        .build_from_hir(&hir)
        .map_err(|e| RegexError::from_nfa(&e))
}

impl RuleSet {
    /// The default pack embedded in the library, compiled once.
    pub fn embedded() -> &'static RuleSet {
        static EMBEDDED: once_cell::sync::Lazy<RuleSet> = once_cell::sync::Lazy::new(|| {
            RuleSet::compile(&[("default.rules", DEFAULT_PACK)]).unwrap_or_else(|e| {
                // Tested in CI; if it ever fails, run without rules rather than crash the host.
                log::error!("embedded rule pack failed to compile: {e}");
                RuleSet::default()
            })
        });
        &EMBEDDED
    }

    /// Compile packs given as `(origin, text)`; later packs may not reuse a rule id of an earlier one.
    pub fn compile(packs: &[(&str, &str)]) -> Result<RuleSet, DataError> {
        if let Some((origin, _)) = packs.get(MAX_PACKS) {
            return Err(DataError::new(
                *origin,
                format!("more than {MAX_PACKS} rule packs compiled together"),
            ));
        }
        let mut set = RuleSet::default();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut interners: [Interner; 5] = Default::default();
        let mut regex_bytes = 0usize;
        let mut keyword_entries = 0usize;
        for (origin, text) in packs {
            let pack = format::parse_pack(text, origin)?;
            if set.packs.iter().any(|(n, _)| *n == pack.name) {
                return Err(DataError::new(*origin, format!("pack name `{}` used twice", pack.name)));
            }
            for spec in pack.rules {
                if let Some(first) = seen.get(&spec.id) {
                    return Err(DataError::new(*origin, format!("rule id already defined in {first}"))
                        .at_line(spec.line)
                        .for_item(spec.id));
                }
                if set.rules.len() >= format::MAX_RULES {
                    return Err(DataError::new(
                        *origin,
                        format!("more than {} rules in all", format::MAX_RULES),
                    ));
                }
                seen.insert(spec.id.clone(), origin.to_string());
                // The embedded pack's exact text: its regexes are built when first needed.
                let build = if *text == DEFAULT_PACK { Build::OnFirstUse } else { Build::Now };
                let regex = match &spec.regex {
                    None => None,
                    Some((re, line)) => {
                        let err =
                            |m: String| DataError::new(*origin, m).at_line(*line).for_item(spec.id.clone());
                        let compiled = RuleRegex::new(re, spec.marks.is_some(), build)
                            .map_err(|e| err(e.to_string()))?;
                        regex_bytes += compiled.memory_usage();
                        if regex_bytes > REGEX_TOTAL_LIMIT {
                            return Err(err(format!(
                                "regexes of all packs exceed {REGEX_TOTAL_LIMIT} bytes in all; simplify them"
                            )));
                        }
                        Some(compiled)
                    }
                };
                keyword_entries += spec.any.len() + spec.all.len() + spec.not.len();
                if keyword_entries > MAX_KEYWORDS_TOTAL {
                    return Err(DataError::new(
                        *origin,
                        format!("more than {MAX_KEYWORDS_TOTAL} keywords (any/all/not items) in all packs"),
                    )
                    .at_line(spec.line)
                    .for_item(spec.id));
                }
                let idx = set.rules.len();
                let fi = &mut set.fields[spec.field.index()];
                let interner = &mut interners[spec.field.index()];
                let any: Vec<usize> = spec.any.iter().map(|k| interner.intern(fi, k)).collect();
                let all: Vec<usize> = spec.all.iter().map(|k| interner.intern(fi, k)).collect();
                let not: Vec<usize> = spec.not.iter().map(|k| interner.intern(fi, k)).collect();
                // Index the rule under the keywords that must be present for it to match. Rules
                // are added in order, so a repeated keyword of this rule is the last posting
                // (searching the whole list was quadratic for a keyword shared by many rules).
                if !any.is_empty() {
                    for &k in &any {
                        if fi.postings[k].last() != Some(&idx) {
                            fi.postings[k].push(idx);
                        }
                    }
                } else if let Some(&k) = all.first() {
                    fi.postings[k].push(idx);
                } else {
                    set.direct.push(idx);
                }
                let mut context = |name: &String| match set.contexts.iter().position(|c| c == name) {
                    Some(i) => i,
                    None => {
                        set.contexts.push(name.clone());
                        set.contexts.len() - 1
                    }
                };
                let marks = spec.marks.as_ref().map(&mut context);
                let unless: Vec<usize> = spec.unless.iter().map(&mut context).collect();
                let unless_quoted: Vec<usize> = spec.unless_quoted.iter().map(&mut context).collect();
                set.rules.push(CompiledRule {
                    name: format!("{}/{}", pack.name, spec.id),
                    field: spec.field,
                    any,
                    all,
                    not,
                    regex,
                    sender_kinds: spec.sender_kinds,
                    signature: spec.signature,
                    has: spec.has,
                    marks,
                    unless,
                    unless_quoted,
                    effect: spec.effect,
                    priority: spec.priority,
                    reason: Reason::new(spec.reason, spec.zh, spec.en),
                });
            }
            set.packs.push((pack.name, pack.version));
        }
        let origins: Vec<&str> = packs.iter().map(|(o, _)| *o).collect();
        // A context no rule marks is a typo: the rules that depend on it would never yield.
        for (i, name) in set.contexts.iter().enumerate() {
            if !set.rules.iter().any(|r| r.marks == Some(i)) {
                return Err(DataError::new(
                    origins.join(", "),
                    format!("context `{name}` is used in `unless`/`unless_quoted` but no rule marks it"),
                ));
            }
        }
        for field in Field::ALL {
            let fi = &mut set.fields[field.index()];
            if fi.keywords.is_empty() {
                continue;
            }
            // Standard (overlapping) semantics: every keyword occurrence is reported, also keywords
            // inside other keywords. Pack size limits bound the automaton.
            let ac =
                AhoCorasick::builder().match_kind(MatchKind::Standard).build(&fi.keywords).map_err(|e| {
                    DataError::new(origins.join(", "), format!("keywords of field `{}`: {e}", field.as_str()))
                })?;
            fi.matcher = Some(ac);
        }
        log::debug!(
            "compiled {} rules ({} keywords, {} keyword-less) from {} pack(s)",
            set.rule_count(),
            set.keyword_count(),
            set.keywordless_rule_count(),
            set.packs.len()
        );
        Ok(set)
    }

    /// All rules that match, in priority order (highest first), within the default time budget
    /// ([`RULE_TIME_BUDGET`]; see [`RuleSet::evaluate_within`]).
    pub fn evaluate(&self, input: &RuleInput<'_>) -> Vec<RuleHit> {
        self.evaluate_bounded(input).hits
    }

    /// [`RuleSet::evaluate_within`] the default time budget: what the engine runs.
    pub fn evaluate_bounded(&self, input: &RuleInput<'_>) -> Evaluation {
        self.evaluate_within(input, Some(bounded::default_budget()))
    }

    /// All rules that match, with regex work bounded by `limit` of the thread's CPU time (`None`:
    /// unbounded). Rules are verified in priority order, so the budget goes to protections first;
    /// a rule whose regex the budget did not reach is left out and the evaluation is incomplete.
    pub fn evaluate_within(&self, input: &RuleInput<'_>, limit: Option<Duration>) -> Evaluation {
        let mut present: [Vec<bool>; 5] = Default::default();
        let mut candidate = vec![false; self.rules.len()];
        for field in Field::ALL {
            let fi = &self.fields[field.index()];
            let Some(ac) = &fi.matcher else { continue };
            let mut set = vec![false; fi.keywords.len()];
            for m in ac.find_overlapping_iter(input.field(field)) {
                let k = m.pattern().as_usize();
                if let Some(seen) = set.get_mut(k) {
                    if *seen {
                        continue;
                    }
                    *seen = true;
                }
                for &r in fi.postings.get(k).map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(c) = candidate.get_mut(r) {
                        *c = true;
                    }
                }
            }
            present[field.index()] = set;
        }
        for &r in &self.direct {
            if let Some(c) = candidate.get_mut(r) {
                *c = true;
            }
        }
        let rank = |i: usize, r: &CompiledRule| (Reverse(r.priority), r.effect.rank(), i);
        let mut order: Vec<(usize, &CompiledRule)> =
            self.rules.iter().enumerate().filter(|(i, _)| candidate[*i]).collect();
        order.sort_by_key(|(i, r)| rank(*i, r));
        let mut budget = Budget::new(limit);
        let mut hits: Vec<(usize, &CompiledRule)> = Vec::new();
        let mut undecided: Vec<usize> = Vec::new();
        for (i, rule) in order {
            match rule_matches(rule, input, &present[rule.field.index()], &mut budget) {
                Some(true) => hits.push((i, rule)),
                Some(false) => {}
                None => undecided.push(i),
            }
        }
        if !self.contexts.is_empty() {
            let contexts = self.contexts_of(&hits, &undecided, input, &mut budget);
            let mut kept = Vec::with_capacity(hits.len());
            for (i, rule) in hits {
                match self.yields_to_context(rule, input, &contexts, &mut budget) {
                    Some(false) => kept.push((i, rule)),
                    Some(true) => {}
                    None => undecided.push(i),
                }
            }
            hits = kept;
        }
        let hits = hits
            .into_iter()
            .map(|(_, r)| RuleHit {
                rule: r.name.clone(),
                effect: r.effect,
                priority: r.priority,
                reason: r.reason.clone(),
            })
            .collect();
        if !undecided.is_empty() {
            log::debug!(
                "rule budget spent after {} units: {} rule(s) undecided",
                budget.units(),
                undecided.len()
            );
        }
        Evaluation { hits, complete: undecided.is_empty() }
    }

    /// The contexts the matching rules mark: per context, whether it is present and its spans
    /// (field, byte range) where the marking rule's regex matched. A context whose marking rule
    /// or spans the budget did not reach is [`Context::Unknown`].
    fn contexts_of(
        &self,
        hits: &[(usize, &CompiledRule)],
        undecided: &[usize],
        input: &RuleInput<'_>,
        budget: &mut Budget,
    ) -> Vec<Context> {
        let mut out: Vec<Context> = vec![Context::Absent; self.contexts.len()];
        for (_, rule) in hits {
            let Some(slot) = rule.marks.and_then(|c| out.get_mut(c)) else { continue };
            let text = input.field(rule.field);
            let Some(found) = rule.regex.as_ref().map_or(Some(Vec::new()), |re| re.spans(text, budget))
            else {
                *slot = Context::Unknown;
                continue;
            };
            let found = found.into_iter().map(|(start, end)| Span { field: rule.field, start, end });
            match slot {
                Context::Unknown => {}
                Context::Present(spans) => spans.extend(found),
                Context::Absent => *slot = Context::Present(found.collect()),
            }
        }
        for &i in undecided {
            if let Some(slot) = self.rules.get(i).and_then(|r| r.marks).and_then(|c| out.get_mut(c)) {
                *slot = Context::Unknown;
            }
        }
        out
    }

    /// Whether `rule` stands down: the message has a context of its `unless`, or everything that
    /// made it match lies inside spans of a context of its `unless_quoted` (it no longer matches
    /// with those spans blanked out of its field: keywords of `any`/`all` and the regex are checked
    /// again; `not` keywords still count anywhere in the message).
    ///
    /// `None` when that cannot be told: a context it names is [`Context::Unknown`], or the budget
    /// ran out re-checking its regex.
    fn yields_to_context(
        &self,
        rule: &CompiledRule,
        input: &RuleInput<'_>,
        contexts: &[Context],
        budget: &mut Budget,
    ) -> Option<bool> {
        let named = |c: &usize| contexts.get(*c).unwrap_or(&Context::Absent);
        if rule.unless.iter().chain(&rule.unless_quoted).any(|c| matches!(named(c), Context::Unknown)) {
            return None;
        }
        if rule.unless.iter().any(|c| matches!(named(c), Context::Present(_))) {
            return Some(true);
        }
        let mut quoted: Vec<(usize, usize)> = rule
            .unless_quoted
            .iter()
            .filter_map(|c| match named(c) {
                Context::Present(spans) => Some(spans),
                _ => None,
            })
            .flatten()
            .filter(|s| s.field == rule.field)
            .map(|s| (s.start, s.end))
            .collect();
        if quoted.is_empty() {
            return Some(false);
        }
        quoted.sort_unstable();
        // The field with the quoted spans blanked out: each quoted character becomes an
        // ideographic space (U+3000, which normalised text never holds), so no keyword or word of
        // a regex matches inside a quote, while distances (`.{0,20}`) stay as they were: words on
        // both sides of a quote still combine.
        let text = input.field(rule.field);
        let mut rest = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in quoted {
            let (start, end) = (start.max(at), end.min(text.len()));
            if start >= end {
                continue;
            }
            let (Some(before), Some(inside)) = (text.get(at..start), text.get(start..end)) else {
                return Some(false);
            };
            rest.push_str(before);
            rest.extend(inside.chars().map(|_| '\u{3000}'));
            at = end;
        }
        rest.push_str(text.get(at..).unwrap_or(""));
        let fi = &self.fields[rule.field.index()];
        let keyword = |k: &usize| fi.keywords.get(*k).is_some_and(|w| rest.contains(w.as_str()));
        if !(rule.any.is_empty() || rule.any.iter().any(keyword)) || !rule.all.iter().all(keyword) {
            return Some(true);
        }
        match &rule.regex {
            None => Some(false),
            Some(re) => re.is_match(&rest, budget).map(|still| !still),
        }
    }

    /// Number of compiled rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Number of distinct keywords over all fields.
    pub fn keyword_count(&self) -> usize {
        self.fields.iter().map(|f| f.keywords.len()).sum()
    }

    /// Rules without keywords (their regex runs on every message).
    pub fn keywordless_rule_count(&self) -> usize {
        self.direct.len()
    }

    /// `(pack name, version)` of every compiled pack, in order.
    pub fn pack_versions(&self) -> &[(String, String)] {
        &self.packs
    }

    /// Heap bytes of the keyword automata and the verification regexes built so far (the
    /// embedded pack builds its regexes on first use), plus one fresh search cache per regex
    /// (caches grow a little with use; `examples/rules_memory.rs` measures the real total with a
    /// counting allocator).
    pub fn memory_bytes(&self) -> usize {
        let keywords: usize =
            self.fields.iter().filter_map(|f| f.matcher.as_ref()).map(|m| m.memory_usage()).sum();
        let regexes: usize =
            self.rules.iter().filter_map(|r| r.regex.as_ref()).map(RuleRegex::memory_usage).sum();
        keywords + regexes
    }
}

/// Whether `rule` matches; `None` when the budget ran out before its regex was decided.
fn rule_matches(
    rule: &CompiledRule,
    input: &RuleInput<'_>,
    present: &[bool],
    budget: &mut Budget,
) -> Option<bool> {
    let has_kw = |k: &usize| present.get(*k).copied().unwrap_or(false);
    if !rule.any.is_empty() && !rule.any.iter().any(has_kw) {
        return Some(false);
    }
    if !rule.all.iter().all(has_kw) || rule.not.iter().any(has_kw) {
        return Some(false);
    }
    if !rule.sender_kinds.is_empty() && !rule.sender_kinds.contains(&input.sender.kind) {
        return Some(false);
    }
    if let Some(cond) = &rule.signature {
        let sig = input.signature;
        let ok = match cond {
            SigCond::Any => sig.signature().is_some(),
            SigCond::None => sig.signature().is_none(),
            SigCond::Institution => sig.institution.is_some(),
            SigCond::Spoofed => sig.fit == SenderFit::Spoofed,
            SigCond::Expected => sig.fit == SenderFit::Expected,
            SigCond::Names(names) => sig.signature().is_some_and(|s| names.contains(&s.name)),
            SigCond::Kind(k) => sig.institution.as_ref().is_some_and(|i| i.kind == *k),
        };
        if !ok {
            return Some(false);
        }
    }
    if !rule.has.iter().all(|k| input.normalised.has(*k)) {
        return Some(false);
    }
    match &rule.regex {
        None => Some(true),
        Some(re) => re.is_match(input.field(rule.field), budget),
    }
}

/// The default pack's source (also shipped for people who want to read or extend it).
pub const DEFAULT_PACK: &str = include_str!("../data/default.rules");

#[cfg(test)]
mod tests {
    use super::*;

    fn lazy_of(compact: &Compact, pattern: &str, spans: bool) -> LazyRegex {
        let reverse = spans.then(|| compile_nfa(pattern, WhichCaptures::None, true).expect("reverse NFA"));
        LazyRegex::build(compact.nfa().clone(), reverse).expect("lazy build")
    }

    /// Every regex of the default pack finds the same with either build, on real-length and on
    /// long fields: the lazy DFAs are only a bounded way to the same answer.
    #[test]
    fn lazy_build_agrees_with_the_compact_one() {
        let vectors = include_str!("../../testdata/verdicts.jsonl");
        let bodies: Vec<String> = vectors
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("body").and_then(|b| b.as_str()).map(crate::normalise::fold))
            .collect();
        assert!(bodies.len() >= 20, "vectors missing");
        let long = bodies.join("\n");
        let texts: Vec<String> = bodies
            .iter()
            .flat_map(|b| [b.clone(), format!("{}{b}", "。".repeat(400))])
            .chain([long])
            .collect();
        let set = RuleSet::embedded();
        let mut checked = 0;
        let mut budget = Budget::new(None);
        for rule in &set.rules {
            let Some(re) = &rule.regex else { continue };
            let compact =
                compile_rule_regex(&re.pattern, re.spans).unwrap_or_else(|e| panic!("{}: {e}", rule.name));
            let lazy = lazy_of(&compact, &re.pattern, re.spans);
            for text in &texts {
                assert_eq!(Some(compact.is_match(text)), lazy.is_match(text, &mut budget), "{}", rule.name);
                if re.spans {
                    assert_eq!(Some(compact.spans(text)), lazy.spans(text, &mut budget), "{}", rule.name);
                }
            }
            checked += 1;
        }
        assert!(checked > 50, "only {checked} regex rules");
    }

    /// Hand-made patterns the default pack does not have: empty matches, anchors, alternatives
    /// that prefer the shorter branch, look-arounds at the field's ends.
    #[test]
    fn lazy_build_agrees_on_edge_patterns() {
        let patterns = ["a*", "^码", "码$", "(?m)^x", "(a|ab)(c|bcd)", "[0-9]{2,4}?", "", "x?", "(?i)ab|cd"];
        let texts = ["", "a", "baa", "码a码", "abcd", "x\nx", "12345678", "AbCD ab cd", "码"];
        let mut budget = Budget::new(None);
        for p in patterns {
            let compact = compile_rule_regex(p, true).unwrap_or_else(|e| panic!("{p}: {e}"));
            let lazy = lazy_of(&compact, p, true);
            for t in texts {
                assert_eq!(Some(compact.is_match(t)), lazy.is_match(t, &mut budget), "{p} on {t:?}");
                assert_eq!(Some(compact.spans(t)), lazy.spans(t, &mut budget), "{p} on {t:?}");
            }
        }
    }

    fn costly_pack(extra: &str) -> String {
        let mut pack = format!("format = smsguard-rules/1\npack = costly\nversion = 1\n{extra}");
        for r in 0..16 {
            pack.push_str(&format!(
                "\n[costly.r{r}]\nregex = (码[0-9]{{1,6}}.{{0,40}}){{1,8}}{r}\neffect = hint junk/fraud 0.1\n\
                 reason = costly\nzh = 测\nen = t\n"
            ));
        }
        pack
    }

    fn evaluate_on(set: &RuleSet, body: &str, limit: Option<Duration>) -> Evaluation {
        let normalised = crate::normalise::normalise(body);
        let sender = crate::sender::classify_sender("10690000");
        let signature = crate::signature::SignatureCheck::none();
        set.evaluate_within(
            &RuleInput { body, normalised: &normalised, sender: &sender, signature: &signature },
            limit,
        )
    }

    /// A pack whose regexes cost far more than a message's budget (like the bench's adversarial
    /// pack): with no time left the evaluation stops and says so, after deciding the cheap
    /// protection that comes first by priority; without a budget every rule is decided.
    #[test]
    fn a_costly_pack_is_cut_short_and_says_so() {
        let protect =
            "\n[keep.code]\nany = 验证码\neffect = protect transaction/otp\nreason = otp\nzh = 测\nen = t\n";
        let set = RuleSet::compile(&[("costly.rules", &costly_pack(protect))]).expect("pack compiles");
        let body = (0..400).map(|i| format!("码{i}")).collect::<String>() + "，验证码";
        let all = evaluate_on(&set, &body, None);
        assert!(all.complete);
        assert_eq!(all.hits.len(), 17, "{:?}", all.hits);
        let cut = evaluate_on(&set, &body, Some(Duration::ZERO));
        assert!(!cut.complete);
        assert!(cut.hits.len() < all.hits.len(), "{} hits", cut.hits.len());
        assert_eq!(cut.hits.first().map(|h| h.rule.as_str()), Some("costly/keep.code"));
    }

    /// The embedded pack's cost is measured, not budgeted: with no time at all it still decides
    /// every rule, on a real-length field and on a long one (where it walks the lazy DFA).
    #[test]
    fn the_embedded_pack_always_decides_every_rule() {
        let set = RuleSet::compile(&[("default.rules", DEFAULT_PACK)]).expect("default pack");
        let short = "【某银行】您的验证码为482913，请勿泄露。退订回T";
        let long = short.repeat(40);
        for body in [short, long.as_str()] {
            let e = evaluate_on(&set, body, Some(Duration::ZERO));
            assert!(e.complete, "{} bytes", body.len());
            assert!(e.hits.iter().any(|h| h.rule == "default/otp.code"), "{:?}", e.hits);
        }
    }

    /// When the budget runs out before a context's marking rule is decided, a rule that stands
    /// down in that context is left undecided too, not kept as if the context were absent.
    #[test]
    fn an_undecided_context_leaves_its_rules_undecided() {
        let marks = "\n[ctx.warning]\nregex = (码[0-9]{1,6}.{0,20}){1,4}提醒\nmarks = warning\neffect = hint allow/personal 0.1\n\
                     reason = ctx\nzh = 测\nen = t\n\
                     \n[block.word]\nany = 提醒\nunless = warning\neffect = block fraud\nreason = word\nzh = 测\nen = t\n";
        let set = RuleSet::compile(&[("costly.rules", &costly_pack(marks))]).expect("pack compiles");
        let body = (0..400).map(|i| format!("码{i}")).collect::<String>() + "提醒";
        let blocked = |e: &Evaluation| e.hits.iter().any(|h| h.rule == "costly/block.word");
        let all = evaluate_on(&set, &body, None);
        assert!(
            all.complete && !blocked(&all),
            "the context is there: the block stands down: {:?}",
            all.hits
        );
        let cut = evaluate_on(&set, &body, Some(Duration::ZERO));
        assert!(!cut.complete);
        assert!(!blocked(&cut), "an undecided context must not let the block through");

        // Where a context matches is found backwards too: a marking regex whose reverse build
        // is too large is refused at compile, never left undecided on every long message.
        let big = marks.replace("{0,20}){1,4}", "{0,40}){1,8}");
        let err = RuleSet::compile(&[("costly.rules", &costly_pack(&big))]).expect_err("reverse too large");
        assert!(err.to_string().contains("ctx.warning") && err.to_string().contains("too large"), "{err}");
    }

    /// The embedded pack defers its regexes to first use (cold start), and every one of them
    /// builds (so deferring cannot turn a rule off); any other text, even the default pack with
    /// one more line, builds them all at compile, so a bad regex is an error there.
    #[test]
    fn only_the_embedded_pack_builds_its_regexes_on_first_use() {
        let built = |set: &RuleSet| {
            set.rules.iter().filter_map(|r| r.regex.as_ref()).filter(|re| re.compact.get().is_some()).count()
        };
        let lazy = RuleSet::compile(&[("default.rules", DEFAULT_PACK)]).expect("default pack");
        let regexes = lazy.rules.iter().filter(|r| r.regex.is_some()).count();
        assert!(regexes > 50, "only {regexes} regex rules");
        assert_eq!(built(&lazy), 0, "the embedded pack built regexes at compile");
        for rule in &lazy.rules {
            if let Some(re) = &rule.regex {
                assert!(re.compact().is_some(), "{} does not build", rule.name);
            }
        }
        assert_eq!(built(&lazy), regexes);
        let copy = format!("{DEFAULT_PACK}\n# a local copy\n");
        let eager = RuleSet::compile(&[("copy.rules", copy.as_str())]).expect("copy compiles");
        assert_eq!(built(&eager), regexes, "a pack from outside must build every regex at compile");
    }
}
