//! A bound on the time one message's rule regexes may take.
//!
//! Rule packs arrive as updates and user rules, so a pack can hold regexes whose search cost is
//! large: the PikeVM costs (haystack bytes) × (active NFA states), and a hostile pack with 64
//! regexes like `(码[0-9]{1,6}.{0,40}){1,8}` cost ≈ 20 ms a message. No static check both admits
//! the default pack and stops such a pack (a bound of bytes × NFA states is ~300× looser than
//! the default pack's real cost), and regex-automata's engines cannot be interrupted. So:
//!
//! - The PikeVM (the compact build) runs only when its worst case, (bytes + 1) × NFA states, is
//!   small ([`PIKEVM_STEPS_MAX`]), so one run cannot overshoot the budget by much.
//! - Everything else walks a lazy DFA here, byte by byte: a byte costs one table lookup, and
//!   building a new DFA state (where the time goes) is counted and can stop the search.
//! - A [`Budget`] counts that work and, every [`CHECK_EVERY`] units, looks at the thread's CPU
//!   time (not wall time: a preempted thread has not used its budget). Once the budget is spent,
//!   searches stop and the rules they would have decided are left out; the evaluation says it is
//!   incomplete and the policy never hides a message on such an evaluation alone.
//!
//! The default pack never comes near the budget (evaluate p99 ≈ 22 µs on real messages, at most
//! a few hundred µs on 10,000-character adversarial ones; `examples/worst_case.rs`).

use std::time::Duration;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson::NFA;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind};

/// CPU time one message's rule regexes may take in a release build. The whole classify stays
/// under 1 ms: normalising and the model take well under 100 µs even on a 10,000-character body.
pub const RULE_TIME_BUDGET: Duration = Duration::from_micros(500);

/// Debug builds do the same work ~20–40× slower; the same budget there would make debug and
/// release verdicts differ, so tests of long messages would test a different engine.
pub(crate) fn default_budget() -> Duration {
    if cfg!(debug_assertions) {
        RULE_TIME_BUDGET * 40
    } else {
        RULE_TIME_BUDGET
    }
}

/// Work units (≈ NFA-state visits) between two looks at the clock. Reading a thread's CPU time
/// is a system call (~0.3 µs): typical messages (p50 ≈ 4,000 units) never make one. At the
/// measured worst ~10 ns a unit, the work before the first look is at most ~0.2 ms.
const CHECK_EVERY: u64 = 20_000;

/// The slowest a unit was measured: a PikeVM step through an NFA of nested repetitions (visiting
/// every state on every byte). Typical rule patterns take 0.1–2.5 ns a unit.
const WORST_NS_PER_UNIT: u64 = 10;

/// The largest worst case, in units, of one PikeVM run (it cannot be interrupted): at most
/// [`RULE_TIME_BUDGET`] at the slowest rate measured. Typical SMS stay well under it (a
/// 150-byte field and a 300-state NFA are 45,000), so only long fields and costly patterns walk
/// the lazy DFA, whose caches cost memory.
pub(crate) const PIKEVM_STEPS_MAX: u64 = 50_000;

/// Lazy-DFA cache of one rule regex: the DFA clears and refills it rather than grow.
const CACHE_BYTES: usize = 256 * 1024;

/// The rule-regex work one message has done, and whether it may do more.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: Option<Duration>,
    /// The thread's CPU time at the first look at the clock.
    started: Option<Duration>,
    /// CPU time since then spent building regexes (once per regex, not per message: it must not
    /// leave the first message after a cold start undecided).
    excluded: Duration,
    units: u64,
    next_check: u64,
    spent: bool,
}

impl Budget {
    /// `None`: unbounded (tools that must see every rule, e.g. tests of a pack).
    pub(crate) fn new(limit: Option<Duration>) -> Budget {
        Budget {
            limit,
            started: None,
            excluded: Duration::ZERO,
            units: 0,
            next_check: CHECK_EVERY,
            spent: false,
        }
    }

    /// Whether more work may start.
    pub(crate) fn allows(&self) -> bool {
        !self.spent
    }

    /// Count work done; looks at the clock every [`CHECK_EVERY`] units.
    pub(crate) fn charge(&mut self, units: u64) {
        self.units = self.units.saturating_add(units);
        if self.units < self.next_check {
            return;
        }
        self.next_check = self.units.saturating_add(CHECK_EVERY);
        if let Some(limit) = self.limit {
            if self.used() >= limit {
                self.spent = true;
            }
        }
    }

    /// CPU time used since the first look at the clock (which this may be), builds left out.
    fn used(&mut self) -> Duration {
        let now = thread_cpu_time();
        let started = *self.started.get_or_insert(now);
        now.saturating_sub(started).saturating_sub(self.excluded)
    }

    /// Whether an uninterruptible search of worst case `units` may start: small ones always; a
    /// larger one only if, at the slowest rate measured, it ends within the budget.
    pub(crate) fn affords(&mut self, units: u64) -> bool {
        if self.spent {
            return false;
        }
        let Some(limit) = self.limit else { return true };
        if units < CHECK_EVERY {
            return true;
        }
        let left = limit.saturating_sub(self.used());
        Duration::from_nanos(units.saturating_mul(WORST_NS_PER_UNIT)) <= left
    }

    /// Runs `build` (compiling a regex) without counting its time.
    pub(crate) fn excluding<T>(&mut self, build: impl FnOnce() -> T) -> T {
        if self.started.is_none() {
            // The clock has not started: nothing before it counts anyway.
            return build();
        }
        let before = thread_cpu_time();
        let built = build();
        self.excluded = self.excluded.saturating_add(thread_cpu_time().saturating_sub(before));
        built
    }

    /// Units counted so far (for tests and benches).
    pub(crate) fn units(&self) -> u64 {
        self.units
    }
}

#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(u64::try_from(t.tv_sec).unwrap_or(0), u32::try_from(t.tv_nsec).unwrap_or(0))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(std::time::Instant::now).elapsed()
}

/// How a pool makes a search cache (each engine's cache is tied to the engine it came from).
pub(crate) type CacheFn<C> =
    Box<dyn Fn() -> C + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// One lazy DFA with its pool of caches (evaluation may run on several threads).
struct Lazy {
    dfa: DFA,
    caches: Pool<Cache, CacheFn<Cache>>,
    /// Units charged for building one DFA state: the NFA's state count (a state's epsilon
    /// closure visits each NFA state at most once).
    build_cost: u64,
}

impl std::fmt::Debug for Lazy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lazy").field("build_cost", &self.build_cost).finish_non_exhaustive()
    }
}

/// What a search can end in besides an answer.
enum Stop {
    /// The budget is spent.
    Budget,
    /// The DFA cannot decide (it does not happen with the pack format's syntax; a bug is
    /// treated like a spent budget, never as a match).
    Unsupported,
}

impl Lazy {
    fn build(nfa: NFA) -> Option<Lazy> {
        let build_cost = u64::try_from(nfa.states().len()).unwrap_or(u64::MAX);
        let kind = if nfa.is_reverse() { MatchKind::All } else { MatchKind::LeftmostFirst };
        let dfa = DFA::builder()
            .configure(
                DFA::config().match_kind(kind).cache_capacity(CACHE_BYTES).skip_cache_capacity_check(true),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let for_pool = dfa.clone();
        let caches: Pool<Cache, CacheFn<Cache>> = Pool::new(Box::new(move || for_pool.create_cache()));
        Some(Lazy { dfa, caches, build_cost })
    }

    /// The next state, counting a state build.
    fn step(
        &self,
        cache: &mut Cache,
        sid: LazyStateID,
        byte: u8,
        budget: &mut Budget,
    ) -> Result<LazyStateID, Stop> {
        if !sid.is_tagged() {
            let next = self.dfa.next_state_untagged(cache, sid, byte);
            if !next.is_unknown() {
                return Ok(next);
            }
        }
        // A state may be built (from a match state, which is tagged, that cannot be told: count
        // one anyway).
        if !budget.allows() {
            return Err(Stop::Budget);
        }
        budget.charge(self.build_cost);
        self.dfa.next_state(cache, sid, byte).map_err(|_| Stop::Unsupported)
    }

    fn eoi(&self, cache: &mut Cache, sid: LazyStateID, budget: &mut Budget) -> Result<LazyStateID, Stop> {
        if !budget.allows() {
            return Err(Stop::Budget);
        }
        budget.charge(self.build_cost);
        self.dfa.next_eoi_state(cache, sid).map_err(|_| Stop::Unsupported)
    }

    fn start(
        &self,
        cache: &mut Cache,
        input: &Input<'_>,
        budget: &mut Budget,
        reverse: bool,
    ) -> Result<LazyStateID, Stop> {
        if !budget.allows() {
            return Err(Stop::Budget);
        }
        budget.charge(self.build_cost);
        let sid = if reverse {
            self.dfa.start_state_reverse(cache, input)
        } else {
            self.dfa.start_state_forward(cache, input)
        };
        sid.map_err(|_| Stop::Unsupported)
    }

    /// Whether the pattern matches anywhere in `text` (stops at the first match).
    fn is_match(&self, text: &[u8], budget: &mut Budget) -> Result<bool, Stop> {
        let mut cache = self.caches.get();
        budget.charge(u64::try_from(text.len()).unwrap_or(u64::MAX));
        let mut sid = self.start(&mut cache, &Input::new(text), budget, false)?;
        let mut at = 0;
        while at < text.len() {
            if let Some(answer) = tagged(sid) {
                return answer;
            }
            // Known transitions between untagged states are one table lookup a byte; leave the
            // tight loop only for a state to build or a match, dead or quit state.
            let mut prev = sid;
            while at < text.len() {
                prev = sid;
                sid = self.dfa.next_state_untagged(&cache, sid, text[at]);
                at += 1;
                if sid.is_tagged() {
                    break;
                }
            }
            if sid.is_unknown() {
                sid = self.step(&mut cache, prev, text[at - 1], budget)?;
            }
        }
        if let Some(answer) = tagged(sid) {
            return answer;
        }
        Ok(self.eoi(&mut cache, sid, budget)?.is_match())
    }

    /// The end of the leftmost-first match starting at or after `from` (forward DFA).
    fn match_end(&self, text: &[u8], from: usize, budget: &mut Budget) -> Result<Option<usize>, Stop> {
        let mut cache = self.caches.get();
        budget.charge(u64::try_from(text.len().saturating_sub(from)).unwrap_or(u64::MAX));
        let input = Input::new(text).range(from..);
        let mut sid = self.start(&mut cache, &input, budget, false)?;
        let mut end = None;
        let mut at = from;
        while at < text.len() {
            if sid.is_tagged() {
                if sid.is_dead() {
                    return Ok(end);
                }
                if sid.is_quit() {
                    return Err(Stop::Unsupported);
                }
            }
            sid = self.step(&mut cache, sid, text[at], budget)?;
            // Matches are reported one byte late: this state means a match ended before `at`.
            if sid.is_match() {
                end = Some(at);
            }
            at += 1;
        }
        if sid.is_dead() {
            return Ok(end);
        }
        if sid.is_quit() {
            return Err(Stop::Unsupported);
        }
        if self.eoi(&mut cache, sid, budget)?.is_match() {
            end = Some(text.len());
        }
        Ok(end)
    }

    /// The leftmost start of a match ending exactly at `end` and starting at or after `from`
    /// (reverse DFA, all matches, anchored at `end`).
    fn match_start(
        &self,
        text: &[u8],
        from: usize,
        end: usize,
        budget: &mut Budget,
    ) -> Result<Option<usize>, Stop> {
        let mut cache = self.caches.get();
        budget.charge(u64::try_from(end.saturating_sub(from)).unwrap_or(u64::MAX));
        let input = Input::new(text).range(from..end).anchored(Anchored::Yes);
        let mut sid = self.start(&mut cache, &input, budget, true)?;
        let mut start = None;
        let mut at = end;
        while at > from {
            if sid.is_tagged() {
                if sid.is_dead() {
                    return Ok(start);
                }
                if sid.is_quit() {
                    return Err(Stop::Unsupported);
                }
            }
            at -= 1;
            sid = self.step(&mut cache, sid, text[at], budget)?;
            if sid.is_match() {
                start = Some(at + 1);
            }
        }
        if sid.is_dead() {
            return Ok(start);
        }
        if sid.is_quit() {
            return Err(Stop::Unsupported);
        }
        if self.eoi(&mut cache, sid, budget)?.is_match() {
            start = Some(from);
        }
        Ok(start)
    }

    /// Without the NFA (the forward one is the PikeVM's).
    fn memory_usage(&self) -> usize {
        self.dfa.memory_usage() + self.caches.get().memory_usage()
    }
}

/// What a tagged state says about an is-match search: `None` to go on.
fn tagged(sid: LazyStateID) -> Option<Result<bool, Stop>> {
    if sid.is_match() {
        Some(Ok(true))
    } else if sid.is_dead() {
        Some(Ok(false))
    } else if sid.is_quit() {
        Some(Err(Stop::Unsupported))
    } else {
        None
    }
}

/// A rule regex as lazy DFAs: forward for "does it match", plus reverse for "where" (built only
/// for rules that mark a context).
#[derive(Debug)]
pub(crate) struct LazyRegex {
    forward: Lazy,
    reverse: Option<Lazy>,
}

impl LazyRegex {
    /// Over `forward` (shared with the PikeVM) and, for spans, a reverse NFA of the pattern.
    pub(crate) fn build(forward: NFA, reverse: Option<NFA>) -> Option<LazyRegex> {
        let forward = Lazy::build(forward)?;
        let reverse = match reverse {
            Some(nfa) => Some(Lazy::build(nfa)?),
            None => None,
        };
        Some(LazyRegex { forward, reverse })
    }

    /// `None` when the budget ran out first.
    pub(crate) fn is_match(&self, text: &str, budget: &mut Budget) -> Option<bool> {
        self.forward.is_match(text.as_bytes(), budget).ok()
    }

    /// Byte ranges of the non-overlapping leftmost-first matches (empty ones left out), as
    /// `meta::Regex::find_iter` gives them; `None` when the budget ran out first.
    pub(crate) fn spans(&self, text: &str, budget: &mut Budget) -> Option<Vec<(usize, usize)>> {
        let reverse = self.reverse.as_ref()?;
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut from = 0;
        while from <= bytes.len() {
            let Some(end) = self.forward.match_end(bytes, from, budget).ok()? else { break };
            let start = reverse.match_start(bytes, from, end, budget).ok()?.unwrap_or(end);
            if end > start {
                out.push((start, end));
                from = end;
            } else {
                // An empty match: go on from the next character.
                from = text
                    .get(end..)
                    .and_then(|r| r.chars().next())
                    .map_or(bytes.len() + 1, |c| end + c.len_utf8());
            }
        }
        Some(out)
    }

    pub(crate) fn memory_usage(&self) -> usize {
        self.forward.memory_usage()
            + self.reverse.as_ref().map_or(0, |r| r.memory_usage() + r.dfa.get_nfa().memory_usage())
    }
}
