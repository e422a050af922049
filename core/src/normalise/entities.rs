//! Entity recognition on normalised characters: hand-written scanners, one left-to-right pass,
//! each scanner bounded by its own small window, so the whole scan is linear.
//!
//! Precedence at one position: URL, pickup code and verification code (only after a keyword),
//! phone, amount, date/time, other number. Masked digits (`x`-runs, `*`-runs) count as digits.

use super::clean::is_han;
use super::{chars_start_with, EntityKind};

/// One entity as a span of character indices into the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
}

/// Placeholder words of word-segmented corpora and what they become (before folding).
const PLACEHOLDERS: &[(&str, Option<&str>)] = &[
    ("CELLPHONE", Some("xxxxxxxxxxx")),
    ("PHONE", Some("xxxxxxxxxxx")),
    ("HOTLINE", Some("xxxxxxxxxxx")),
    ("DIGIT", Some("xxx")),
    ("URL", Some("URL")),
    ("WECHAT", None),
    ("NAME", None),
    ("PLACE", None),
    ("BANK", None),
];

/// Rewrites upper-case placeholder words (`DIGIT`, `CELLPHONE`, glued `CELLPHONEWECHAT`) into the
/// `x`-mask convention. Returns the new text and whether a `URL` placeholder was seen; `None` when
/// there is nothing to rewrite. A label followed by a real number (`HOTLINE: 400…`) is left alone.
pub(super) fn rewrite_placeholders(body: &str) -> Option<(String, bool)> {
    if !body.bytes().any(|b| matches!(b, b'D' | b'P' | b'H' | b'U')) {
        return None;
    }
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len() + 16);
    let mut url = false;
    let mut changed = false;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase() || (i > 0 && bytes[i - 1].is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < bytes.len() && bytes[e].is_ascii_uppercase() {
            e += 1;
        }
        if e < bytes.len() && bytes[e].is_ascii_alphabetic() {
            i = e;
            continue;
        }
        // Decompose the run into placeholder words; all ASCII, so byte slicing is on boundaries.
        let run = &body[i..e];
        let mut parts: Vec<&str> = Vec::new();
        let mut rest = run;
        let mut mapped = false;
        while !rest.is_empty() {
            let Some((w, to)) = PLACEHOLDERS.iter().find(|(w, _)| rest.starts_with(w)) else { break };
            if let Some(to) = to {
                mapped = true;
                parts.push(to);
            } else {
                parts.push(w);
            }
            rest = &rest[w.len()..];
        }
        let label_before_number = body[e..]
            .chars()
            .find(|c| !matches!(c, ' ' | ':' | '：'))
            .is_some_and(|c| c.is_ascii_digit() || (run.ends_with("URL") && c.is_ascii_alphabetic()));
        if rest.is_empty() && mapped && (!label_before_number || run.ends_with("DIGIT")) {
            // Like digits, masks sit next to CJK without a space (the corpus is word-segmented).
            let mut pre = &body[copied..i];
            if parts.first().is_some_and(|p| p.starts_with('x')) {
                if let Some(p) =
                    pre.strip_suffix(' ').filter(|p| p.chars().next_back().is_some_and(|c| !c.is_ascii()))
                {
                    pre = p;
                }
            }
            out.push_str(pre);
            for (k, p) in parts.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                url |= *p == "URL";
                out.push_str(p);
            }
            copied = e;
            let after = body.get(e..).unwrap_or_default();
            if parts.last().is_some_and(|p| p.starts_with('x'))
                && after.starts_with(' ')
                && after.chars().nth(1).is_some_and(|c| !c.is_ascii())
            {
                copied = e + 1;
            }
            changed = true;
        }
        i = e;
    }
    if !changed {
        return None;
    }
    out.push_str(&body[copied..]);
    Some((out, url))
}

fn at(t: &[char], i: usize) -> char {
    t.get(i).copied().unwrap_or('\0')
}

fn before(t: &[char], i: usize) -> char {
    i.checked_sub(1).map_or('\0', |p| at(t, p))
}

fn ends_with(t: &[char], end: usize, pat: &str) -> bool {
    // Cheap rejection on the last character before counting.
    if end == 0 || pat.chars().next_back() != t.get(end - 1).copied() {
        return false;
    }
    let n = pat.chars().count();
    end >= n && chars_start_with(t, end - n, pat)
}

/// Units and counters after which a single `x` is a masked digit.
const SINGLE_X_UNITS: &str = "月日号年点时分秒元万千百亿个次天周岁张条件位折期楼层室房卫厅人名种间晚斤克%";

/// Which characters count as digits: ASCII digits, corpus masks made of `x` (a run of three or
/// more, two next to a digit or a CJK character, or one in a number-like place; never part of a
/// Latin word) and `*` runs next to
/// digits (`****1234`) or long ones next to CJK (`尾号****`).
fn digit_like(t: &[char]) -> Vec<bool> {
    let n = t.len();
    let mut d: Vec<bool> = t.iter().map(|c| c.is_ascii_digit()).collect();
    let mut i = 0;
    while i < n {
        if t[i] != 'x' {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && t[j] == 'x' {
            j += 1;
        }
        let (p, q) = (before(t, i), at(t, j));
        let bounded = !p.is_ascii_alphabetic() && !q.is_ascii_alphabetic();
        let len = j - i;
        // `xx:xx`, `xx.xx元`, `xx月`: two x next to a digit, CJK or a number separator.
        let near = |c: char| c.is_ascii_digit() || is_han(c) || matches!(c, ':' | '.' | '-' | '/');
        // A single `x` is a digit only in number-like places: before a unit or counter (`x月x日`,
        // `满x次`), in `x.x`, or after 第; so `x光` or `x型` stay letters.
        let single = len == 1
            && (SINGLE_X_UNITS.contains(q)
                || (q == '.' && (at(t, j + 1) == 'x' || at(t, j + 1).is_ascii_digit()))
                || (p == '.' && i >= 2 && d[i - 2])
                || p == '第');
        if bounded && (len >= 3 || (len == 2 && (near(p) || near(q))) || single) {
            d[i..j].iter_mut().for_each(|v| *v = true);
        }
        i = j;
    }
    i = 0;
    while i < n {
        if t[i] != '*' {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && t[j] == '*' {
            j += 1;
        }
        let adj_digit = (i > 0 && d[i - 1]) || d.get(j).copied().unwrap_or(false);
        let adj_han = is_han(before(t, i)) || is_han(at(t, j));
        if adj_digit || (j - i >= 3 && adj_han) {
            d[i..j].iter_mut().for_each(|v| *v = true);
        }
        i = j;
    }
    d
}

/// Scans the normalised characters for entities, in order and without overlaps.
pub(super) fn scan(t: &[char], url_placeholder: bool) -> Vec<Found> {
    let d = digit_like(t);
    let s = Scanner { t, d: &d };
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match s.entity_at(i, url_placeholder) {
            Some((end, kind)) if end > i => {
                let end = end.min(t.len());
                out.push(Found { start: i, end, kind });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

struct Scanner<'a> {
    t: &'a [char],
    d: &'a [bool],
}

/// Top-level domains of a bare host (`abc.top`). Rules' `{link}` uses the same list.
pub(crate) const TLDS: &[&str] = &[
    "cn", "com", "net", "org", "top", "xyz", "cc", "vip", "me", "io", "shop", "ink", "club", "info", "biz",
    "co", "tv", "wang", "ltd", "site", "online", "store", "tech", "fun", "link", "live", "pro", "app", "icu",
    "asia", "hk", "tw", "mobi", "work", "cloud", "im", "ly", "gl", "pw",
];

const CODE_KEYWORDS: &[&str] = &[
    "验证码",
    "校验码",
    "动态码",
    "动态密码",
    "确认码",
    "安全码",
    "激活码",
    "授权码",
    "认证码",
    "短信码",
    "登录码",
    "口令",
    "密码",
    "code",
    "otp",
];
const PICKUP_KEYWORDS: &[&str] =
    &["取件码", "取货码", "提货码", "取餐码", "取件号", "取货号", "提货号", "凭"];
const AMOUNT_KEYWORDS: &[&str] = &[
    "余额", "金额", "消费", "支出", "收入", "入账", "到账", "转账", "还款", "扣款", "支付", "付款", "退款",
    "充值", "额度", "借款", "贷款", "存入", "取出", "提现", "缴费", "应还", "欠款", "欠费", "话费", "红包",
    "奖金", "价格", "售价", "特价", "仅需", "只需", "交易",
];
/// Longest first, so `万元` wins over `万`.
const AMOUNT_UNITS: &[&str] = &[
    "万元", "亿元", "千元", "百元", "美元", "港元", "港币", "欧元", "日元", "块钱", "元", "块", "万", "亿",
    "rmb",
];
/// Characters allowed between a keyword and its value (`验证码：`, `验证码是`, `code is`).
fn is_window(c: char) -> bool {
    matches!(
        c,
        ' ' | ':' | '是' | '为' | '"' | '\'' | '“' | '”' | '[' | '【' | '(' | '「' | '『' | '<' | '=' | '#'
    )
}

fn url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '*'
}

impl Scanner<'_> {
    fn dg(&self, i: usize) -> bool {
        self.d.get(i).copied().unwrap_or(false)
    }

    fn c(&self, i: usize) -> char {
        at(self.t, i)
    }

    /// End of the run of digit-like characters starting at `i`.
    fn run_end(&self, mut i: usize) -> usize {
        while self.dg(i) {
            i += 1;
        }
        i
    }

    /// Whether a digit group is all masks (`xx`, `**`), which skips range checks.
    fn masked(&self, s: usize, e: usize) -> bool {
        (s..e).any(|k| !self.c(k).is_ascii_digit())
    }

    /// Value of a group of real digits (at most 9 digits are read; callers bound lengths).
    fn value(&self, s: usize, e: usize) -> u32 {
        (s..e.min(s + 9)).fold(0, |v, k| v * 10 + self.c(k).to_digit(10).unwrap_or(0))
    }

    fn in_range(&self, s: usize, e: usize, lo: u32, hi: u32) -> bool {
        self.masked(s, e) || (lo..=hi).contains(&self.value(s, e))
    }

    fn entity_at(&self, i: usize, url_placeholder: bool) -> Option<(usize, EntityKind)> {
        let c = self.c(i);
        let p = before(self.t, i);
        if (c.is_ascii_alphanumeric() || c == '*') && !host_char(p) && p != '/' && p != '@' {
            if let Some(e) = self.url(i) {
                return Some((e, EntityKind::Url));
            }
        }
        if url_placeholder
            && chars_start_with(self.t, i, "url")
            && !p.is_ascii_alphabetic()
            && !self.c(i + 3).is_ascii_alphabetic()
        {
            return Some((i + 3, EntityKind::Url));
        }
        let token_start = (c.is_ascii_alphanumeric() || self.dg(i))
            && !p.is_ascii_alphanumeric()
            && !(i > 0 && self.dg(i - 1));
        if token_start {
            if let Some(e) = self.pickup(i) {
                return Some((e, EntityKind::PickupCode));
            }
            if let Some(e) = self.code(i) {
                return Some((e, EntityKind::Code));
            }
        }
        let starts_number = self.dg(i) && !(i > 0 && self.dg(i - 1));
        if starts_number || (c == '+' && self.dg(i + 1)) {
            if let Some(e) = self.phone(i) {
                return Some((e, EntityKind::Phone));
            }
        }
        if starts_number || matches!(c, '¥' | '$' | '€' | '£' | '-' | '+' | '人' | 'r') {
            if let Some(e) = self.amount(i) {
                return Some((e, EntityKind::Amount));
            }
        }
        if starts_number {
            if let Some(e) = self.date(i) {
                return Some((e, EntityKind::Date));
            }
        }
        if self.dg(i) {
            return Some((self.number_end(i), EntityKind::Number));
        }
        None
    }

    // ---- URL ----

    fn url(&self, i: usize) -> Option<usize> {
        let t = self.t;
        let scheme = if chars_start_with(t, i, "https://") {
            Some(i + 8)
        } else if chars_start_with(t, i, "http://") {
            Some(i + 7)
        } else {
            None
        };
        if let Some(s) = scheme {
            let e = self.url_tail(s);
            return (e > s).then_some(e);
        }
        // Bare host: labels of [a-z0-9-*], the last one a known TLD (`www.` needs no TLD check).
        let mut e = i;
        while host_char(self.c(e)) {
            e += 1;
        }
        let mut host_end = e;
        while host_end > i && matches!(self.c(host_end - 1), '.' | '-') {
            host_end -= 1;
        }
        let host = &t[i..host_end];
        let last_dot = host.iter().rposition(|&c| c == '.')?;
        let tld = &host[last_dot + 1..];
        let www = chars_start_with(t, i, "www.") && tld.len() >= 2;
        let tld_ok = TLDS.iter().any(|d| d.chars().eq(tld.iter().copied()));
        // Labels must be non-empty, and the name must not be just digits (`12.50`).
        let labels_ok = !host.windows(2).any(|w| w[0] == '.' && w[1] == '.') && host[0] != '.';
        let has_letter_label = host[..last_dot].iter().any(|c| c.is_ascii_alphabetic() || *c == '*')
            || host[..last_dot].len() <= 2;
        if !(labels_ok && (www || (tld_ok && has_letter_label))) {
            return None;
        }
        // Optional port / path / query.
        let next = self.c(host_end);
        if matches!(next, '/' | ':' | '?' | '#') && host_end == e {
            return Some(self.url_tail(host_end));
        }
        Some(host_end)
    }

    /// Extends over URL characters and trims trailing punctuation that ends a sentence.
    fn url_tail(&self, mut e: usize) -> usize {
        let start = e;
        while url_char(self.c(e)) {
            e += 1;
        }
        while e > start && matches!(self.c(e - 1), '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\'') {
            e -= 1;
        }
        e
    }

    // ---- keyword context ----

    /// Whether one of `kws` ends just before `i`, allowing a short window (`：`, `是`, `is`).
    fn keyword_before(&self, i: usize, kws: &[&str], generic_ma: bool) -> bool {
        let t = self.t;
        let mut j = i;
        let mut steps = 0;
        let mut copula = false;
        while j > 0 && steps < 6 {
            let c = t[j - 1];
            if is_window(c) {
                copula |= c == '是' || c == '为';
                j -= 1;
                steps += 1;
            } else if c == 's'
                && before(t, j - 1) == 'i'
                && !before(t, j.saturating_sub(2)).is_ascii_alphabetic()
                && j >= 2
            {
                copula = true;
                j -= 2;
                steps += 2;
            } else {
                break;
            }
        }
        let hit = kws.iter().any(|kw| {
            ends_with(t, j, kw) && (!kw.is_ascii() || !before(t, j - kw.len()).is_ascii_alphabetic())
        });
        // `…码是 123456` / `…码为 123456`: any code word followed by a copula.
        hit || (generic_ma && copula && before(t, j) == '码')
    }

    /// Whether a code keyword follows (`123456是您的验证码`, `1234 is your code`).
    fn keyword_after(&self, e: usize, kws: &[&str]) -> bool {
        let mut k = e;
        let mut han_skipped = 0;
        for _ in 0..24 {
            let c = self.c(k);
            if kws.iter().any(|kw| kw.starts_with(c) && chars_start_with(self.t, k, kw)) {
                return true;
            }
            if is_window(c) || c.is_ascii_lowercase() || "您你的本次)】]』」".contains(c) {
                k += 1;
            } else if is_han(c) && han_skipped < 4 && !"的于在为是卡号".contains(c) {
                // `583920短信登录验证码`, `(716205)微信验证码`: a few qualifying characters,
                // but not `1234的卡…` (a card tail described further on).
                han_skipped += 1;
                k += 1;
            } else {
                return false;
            }
        }
        false
    }

    fn alnum_end(&self, mut i: usize) -> usize {
        while self.c(i).is_ascii_alphanumeric() || self.dg(i) {
            i += 1;
        }
        i
    }

    fn code(&self, i: usize) -> Option<usize> {
        let e = self.alnum_end(i);
        if !(4..=8).contains(&(e - i)) {
            return None;
        }
        if !(i..e).any(|k| self.dg(k)) {
            // Letters-only codes (`验证码：qgfdae`) only right after an explicit code word.
            return self.keyword_before(i, &CODE_KEYWORDS[..12], false).then_some(e);
        }
        (self.keyword_before(i, CODE_KEYWORDS, true) || self.keyword_after(e, CODE_KEYWORDS)).then_some(e)
    }

    fn pickup(&self, i: usize) -> Option<usize> {
        if !self.keyword_before(i, PICKUP_KEYWORDS, false) {
            return None;
        }
        let mut e = self.alnum_end(i);
        let mut groups = 1;
        while groups < 5 && self.c(e) == '-' && (self.c(e + 1).is_ascii_alphanumeric() || self.dg(e + 1)) {
            e = self.alnum_end(e + 1);
            groups += 1;
        }
        ((e - i) <= 20 && (i..e).any(|k| self.dg(k))).then_some(e)
    }

    // ---- phone ----

    fn phone(&self, i: usize) -> Option<usize> {
        let plus = self.c(i) == '+';
        let first = if plus { i + 1 } else { i };
        if !self.dg(first) {
            return None;
        }
        // Digit groups separated by one '-' or ' ' (e.g. `138 1234 5678`, `0755-12345678`).
        let mut groups: [(usize, usize); 5] = [(0, 0); 5];
        let mut count = 0;
        let mut j = first;
        while count < 5 {
            let e = self.run_end(j);
            groups[count] = (j, e);
            count += 1;
            if matches!(self.c(e), '-' | ' ') && self.dg(e + 1) {
                j = e + 1;
            } else {
                break;
            }
        }
        let end = (1..=count).rev().find(|&k| self.is_phone(&groups[..k], plus)).map(|k| groups[k - 1].1)?;
        // `10000.00元` is money, not the carrier's number.
        let money = (self.c(end) == '.' && self.dg(end + 1)) || self.unit_end(end).is_some();
        (!money).then_some(end)
    }

    fn real(&self, k: usize, want: char) -> bool {
        self.c(k) == want
    }

    /// Whether position `k` is the wanted digit, or a mask when masks are allowed.
    fn digit_or_mask(&self, k: usize, want: impl Fn(char) -> bool, masks: bool) -> bool {
        let c = self.c(k);
        want(c) || (masks && self.dg(k) && !c.is_ascii_digit())
    }

    fn is_phone(&self, groups: &[(usize, usize)], plus: bool) -> bool {
        // At most five groups (see `phone`); a fixed buffer avoids allocating per digit run.
        let mut buf = [0usize; 5];
        for (l, (s, e)) in buf.iter_mut().zip(groups) {
            *l = e - s;
        }
        let n = groups.len().min(5);
        let Some(&(s0, _)) = groups.first() else { return false };
        let is86 = self.real(s0, '8') && self.real(s0 + 1, '6');
        // Country code: `+86 …`, `0086…`, `86138…`.
        let (start, from) =
            if n > 1 && ((buf[0] == 2 && is86) || (buf[0] == 4 && chars_start_with(self.t, s0, "0086"))) {
                (groups.get(1).map_or(s0, |g| g.0), 1)
            } else if buf[0] == 13 && is86 {
                buf[0] -= 2;
                (s0 + 2, 0)
            } else if plus {
                return false;
            } else {
                (s0, 0)
            };
        let lens: &[usize] = buf.get(from..n).unwrap_or_default();
        let total: usize = lens.iter().sum();
        let digit_at = |n: usize| -> usize {
            // Position of the n-th digit across groups (skipping one separator per group).
            let mut left = n;
            let mut pos = start;
            for (g, l) in lens.iter().enumerate() {
                if left < *l {
                    return pos + left;
                }
                left -= l;
                pos += l + usize::from(g + 1 < lens.len());
            }
            pos
        };
        let grouped = lens.len() > 1;
        let l = lens;
        // Mobile: 1[3-9] + 9 digits; masks allowed (`xxxxxxxxxxx`, `138****5678`).
        if total == 11
            && matches!(l, [11] | [3, 4, 4] | [3, 8])
            && self.digit_or_mask(digit_at(0), |c| c == '1', true)
            && self.digit_or_mask(digit_at(1), |c| ('3'..='9').contains(&c), true)
        {
            return true;
        }
        if start != s0 {
            return false; // after a country code only mobiles are recognised
        }
        let prefix = |p: &str| p.chars().enumerate().all(|(k, c)| self.real(digit_at(k), c));
        // 400 / 800 service numbers.
        if total == 10
            && matches!(l, [10] | [3, 3, 4] | [3, 7] | [4, 3, 3] | [4, 6])
            && (prefix("400") || prefix("800"))
        {
            return true;
        }
        // Landlines: area code 0xx / 0xxx + 7–8 digits.
        if grouped
            && matches!(l, [3, 7] | [3, 8] | [4, 7] | [4, 8])
            && self.digit_or_mask(digit_at(0), |c| c == '0', true)
        {
            return true;
        }
        if !grouped && (total == 11 || total == 12) && prefix("0") && !prefix("00") {
            return true;
        }
        // 106 SMS ports and 5-digit service numbers (95xxx, 96xxx, carriers, public hotlines).
        if !grouped && (8..=21).contains(&total) && prefix("106") {
            return true;
        }
        if !grouped && total == 8 && prefix("1010") {
            return true;
        }
        if !grouped && total == 5 && !self.masked(start, start + 5) {
            return prefix("95")
                || prefix("96")
                || [
                    "10086", "10010", "10000", "10001", "10011", "10060", "12306", "12315", "12123", "12366",
                    "12333", "12110", "12381", "12321",
                ]
                .iter()
                .any(|n| prefix(n));
        }
        false
    }

    // ---- amount ----

    /// End of a number: digits, thousands separators (`1,234`) and one decimal part.
    fn number_end(&self, i: usize) -> usize {
        let mut e = self.run_end(i);
        while self.c(e) == ',' && self.run_end(e + 1) == e + 4 {
            e += 4;
        }
        if self.c(e) == '.' && self.dg(e + 1) {
            e = self.run_end(e + 1);
        }
        e
    }

    fn unit_end(&self, e: usize) -> Option<usize> {
        let k = if self.c(e) == ' ' { e + 1 } else { e };
        let u = AMOUNT_UNITS.iter().find(|u| chars_start_with(self.t, k, u))?;
        let end = k + u.chars().count();
        match *u {
            // `5万人` is a count, not money.
            "万" | "亿" if "人名个次户家位份件条台套".contains(self.c(end)) => None,
            "rmb" if self.c(end).is_ascii_alphabetic() => None,
            _ => Some(end),
        }
    }

    fn amount(&self, i: usize) -> Option<usize> {
        let t = self.t;
        let mut j = i;
        let mut prefixed = false;
        if matches!(self.c(j), '¥' | '$' | '€' | '£') {
            j += 1;
            prefixed = true;
        } else if chars_start_with(t, j, "人民币")
            || (chars_start_with(t, j, "rmb") && !before(t, j).is_ascii_alphabetic())
        {
            j += 3;
            prefixed = true;
        }
        if prefixed && matches!(self.c(j), ' ' | ':') {
            j += 1;
        }
        let signed = matches!(self.c(j), '-' | '+');
        if signed {
            if before(t, j).is_ascii_alphanumeric() || (!prefixed && self.dg(j.wrapping_sub(1))) {
                return None;
            }
            j += 1;
        }
        if !self.dg(j) || (j > 0 && self.dg(j - 1)) {
            return None;
        }
        let num_end = self.number_end(j);
        if let Some(u) = self.unit_end(num_end) {
            return Some(u);
        }
        if prefixed {
            return Some(num_end);
        }
        (!signed && self.keyword_before(i, AMOUNT_KEYWORDS, false)).then_some(num_end)
    }

    // ---- date / time ----

    fn time_at(&self, k: usize) -> Option<usize> {
        let he = self.run_end(k);
        if !(1..=2).contains(&(he - k)) || !self.in_range(k, he, 0, 24) {
            return None;
        }
        if matches!(self.c(he), '时' | '点') {
            return Some(self.cjk_minutes(he + 1));
        }
        if self.c(he) != ':' {
            return None;
        }
        let me = self.run_end(he + 1);
        if me - (he + 1) != 2 || !self.in_range(he + 1, me, 0, 59) {
            return None;
        }
        if self.c(me) == ':' {
            let se = self.run_end(me + 1);
            if se - (me + 1) == 2 && self.in_range(me + 1, se, 0, 60) {
                return Some(se);
            }
        }
        Some(me)
    }

    /// Optional `43分` (and `05秒`) after `08时` / `8点`.
    fn cjk_minutes(&self, k: usize) -> usize {
        let me = self.run_end(k);
        if me == k || me - k > 2 || self.c(me) != '分' || !self.in_range(k, me, 0, 59) {
            return k;
        }
        let se = self.run_end(me + 1);
        if se > me + 1 && se - (me + 1) <= 2 && self.c(se) == '秒' {
            return se + 1;
        }
        me + 1
    }

    /// Month (+ day) after a year or alone: `1月`, `1月2日`, `01月24号`.
    fn month_day(&self, k: usize) -> Option<usize> {
        let me = self.run_end(k);
        let len = me - k;
        if !((1..=2).contains(&len) || (self.masked(k, me) && (1..=4).contains(&len))) {
            return None;
        }
        if self.c(me) != '月' || !self.in_range(k, me, 1, 12) {
            return None;
        }
        let mut e = me + 1;
        let de = self.run_end(e);
        if de > e
            && de - e <= 4
            && (de - e <= 2 || self.masked(e, de))
            && self.in_range(e, de, 1, 31)
            && matches!(self.c(de), '日' | '号')
        {
            e = de + 1;
        }
        Some(e)
    }

    fn date(&self, i: usize) -> Option<usize> {
        let g = self.run_end(i);
        let len = g - i;
        let masked = self.masked(i, g);
        let small = len <= 2 || (masked && len <= 4);
        let sep = self.c(g);
        let mut end = match sep {
            '年' if len == 4 || (masked && (2..=4).contains(&len)) => {
                Some(if self.dg(g + 1) { self.month_day(g + 1).unwrap_or(g + 1) } else { g + 1 })
            }
            '月' => self.month_day(i),
            '日' if small && self.in_range(i, g, 1, 31) => Some(g + 1),
            '点' | '时' if small && self.in_range(i, g, 0, 24) => Some(self.cjk_minutes(g + 1)),
            ':' => self.time_at(i),
            '-' | '/' | '.' => {
                let me = self.run_end(g + 1);
                let ml = me - (g + 1);
                let month_ok = (1..=2).contains(&ml) && self.in_range(g + 1, me, 1, 12)
                    || (ml > 0 && ml <= 4 && self.masked(g + 1, me));
                if len == 4 && month_ok && self.c(me) == sep {
                    let de = self.run_end(me + 1);
                    let dl = de - (me + 1);
                    let day_ok = (1..=2).contains(&dl) && self.in_range(me + 1, de, 1, 31)
                        || (dl > 0 && dl <= 4 && self.masked(me + 1, de));
                    day_ok.then_some(de)
                } else if small
                    && sep != '.'
                    && self.in_range(i, g, 1, 12)
                    && (1..=2).contains(&ml)
                    && self.in_range(g + 1, me, 1, 31)
                    && !matches!(self.c(me), '/' | '-' | '.' | ',')
                    && !self.dg(me)
                {
                    // `1/2` is a date; `01-24` only when a time follows (else it may be a range).
                    let time_follows = self.c(me) == ' ' && self.time_at(me + 1).is_some();
                    (sep == '/' || time_follows).then_some(me)
                } else {
                    None
                }
            }
            _ => None,
        }?;
        // A time right after the date: `01月24日16:47`, `2026-01-02 08:30`.
        if sep != ':' {
            let k = if self.c(end) == ' ' { end + 1 } else { end };
            if self.dg(k) {
                if let Some(te) = self.time_at(k) {
                    end = te;
                }
            }
        }
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(EntityKind, String)> {
        let t: Vec<char> = s.chars().collect();
        scan(&t, false).into_iter().map(|f| (f.kind, t[f.start..f.end].iter().collect())).collect()
    }

    #[test]
    fn basic_entities() {
        use EntityKind::*;
        assert_eq!(kinds("致电13812345678"), vec![(Phone, "13812345678".into())]);
        assert_eq!(kinds("验证码:482913"), vec![(Code, "482913".into())]);
        assert_eq!(kinds("消费12.50元"), vec![(Amount, "12.50元".into())]);
        assert_eq!(kinds("2026-01-02到期"), vec![(Date, "2026-01-02".into())]);
        assert_eq!(kinds("尾号xxxx"), vec![(Number, "xxxx".into())]);
        assert_eq!(kinds("戳t.cn/abc退订"), vec![(Url, "t.cn/abc".into())]);
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            rewrite_placeholders("打 CELLPHONE 送 DIGIT 元"),
            Some(("打xxxxxxxxxxx送xxx元".into(), false))
        );
        assert_eq!(rewrite_placeholders("满 DIGIT DIGIT"), Some(("满xxx xxx".into(), false)));
        assert_eq!(rewrite_placeholders("HOTLINE: 4001234567"), None);
        assert_eq!(rewrite_placeholders("iPHONE"), None);
    }
}
