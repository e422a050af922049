//! Gaps between words (decorations, whitespace, split symbols) and evasion variants.
//! Works on folded characters; every function is one linear pass.

use super::{chars_start_with, is_decoration};

/// Evasions undone so far, in first-seen order, without duplicates.
#[derive(Debug, Default)]
pub(super) struct Evasions(Vec<&'static str>);

impl Evasions {
    pub(super) fn add(&mut self, name: &'static str) {
        if !self.0.contains(&name) {
            self.0.push(name);
        }
    }

    pub(super) fn into_vec(self) -> Vec<String> {
        self.0.into_iter().map(str::to_owned).collect()
    }
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Symbols that spammers put between single characters (`加-微-信`, `加.微.信`, `加/微/信`).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '.'
            | '/'
            | '_'
            | '|'
            | '·'
            | '*'
            | '~'
            | '\\'
            | '='
            | '#'
            | '^'
            | '`'
            | '•'
            | '—'
            | '–'
            | '…'
            | '‧'
            | '∙'
            | '⋅'
    )
}

/// Literal `\ue310`-style escapes for private-use emoji (left as text by one corpus's export)
/// are decorations; remove them (only the private-use range, so other backslashes stay).
pub(super) fn remove_escaped_pua(s: &str, ev: &mut Evasions) -> Option<String> {
    if !s.contains("\\u") {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find("\\u") {
        // Everything up to `k + 6` is ASCII when it is an escape, so slicing stays on boundaries.
        let hex = rest.get(k + 2..k + 6).and_then(|h| u32::from_str_radix(h, 16).ok());
        match hex {
            Some(v)
                if (0xE000..=0xF8FF).contains(&v)
                    && rest.as_bytes().get(k + 2).is_some_and(u8::is_ascii_hexdigit) =>
            {
                ev.add("decorations");
                out.push_str(&rest[..k]);
                rest = &rest[k + 6..];
            }
            _ => {
                out.push_str(&rest[..k + 2]);
                rest = &rest[k + 2..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// A CJK character standing alone between non-CJK neighbours (`加` in `加 微 信`).
fn single_han(t: &[char], i: usize) -> bool {
    let Some(&c) = t.get(i) else { return false };
    is_han(c)
        && !i.checked_sub(1).and_then(|p| t.get(p)).is_some_and(|&p| is_han(p))
        && !t.get(i + 1).is_some_and(|&n| is_han(n))
}

/// Decorations that split words are removed, whitespace runs become one space (none at the ends),
/// spaces between CJK characters are removed, and separator symbols between CJK characters are
/// removed when one side is a single character (so `北京-上海` keeps its dash).
pub(super) fn clean_gaps(t: &[char], ev: &mut Evasions) -> Vec<char> {
    let n = t.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    // Index of the last single CJK character joined to its left neighbour, and chain length.
    let mut chain_end = usize::MAX;
    let mut chain = 0usize;
    let (mut chain_hit, mut segmented) = (false, false);
    while i < n {
        let c = t[i];
        if is_word(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < n && !is_word(t[i]) {
            i += 1;
        }
        let run = &t[start..i];
        let between_words = start > 0 && i < n;
        let soft = run.iter().all(|&c| c.is_whitespace() || is_decoration(c) || is_separator(c));
        let has_deco = run.iter().any(|&c| is_decoration(c));
        let has_sep = run.iter().any(|&c| is_separator(c));
        if between_words && soft {
            let (l, r) = (start - 1, i);
            // `验证码 604218` and `验证码604218` are the same message: no space between CJK and
            // digits, so rules and masked n-grams see one form.
            // Only plain numbers: `?b=1 领取` keeps its space so a URL stays visibly separate.
            let han_digit = (is_han(t[l]) && t[r].is_ascii_digit() && numeric_token(t, r, true))
                || (t[l].is_ascii_digit() && is_han(t[r]) && numeric_token(t, l, false));
            if han_digit && !has_sep {
                if has_deco {
                    ev.add("decorations");
                }
                continue;
            }
            if is_han(t[l]) && is_han(t[r]) {
                let (sl, sr) = (single_han(t, l), single_han(t, r));
                // Symbols go only inside a chain of two or more split points (`加-微-信`,
                // `请加/微/信`); one symbol is meaningful (`元/月`, `男/女`, `北京-上海`).
                let chained = has_sep && (split_continues(t, r, true) || split_continues(t, l, false));
                if !has_sep || chained {
                    if has_deco {
                        ev.add("decorations");
                    }
                    if has_sep {
                        ev.add("split_chars");
                    }
                    if sl && sr {
                        chain = if chain_end == l { chain + 1 } else { 2 };
                        chain_end = r;
                        // `加 微 信`: three or more single characters in a row were split apart.
                        chain_hit |= chain >= 3;
                    } else if !sl && !sr && run.iter().all(|c| c.is_whitespace()) {
                        // Spaces between multi-character words: word-segmented text, where runs
                        // of one-character words are normal and not an evasion.
                        segmented = true;
                    }
                    continue;
                }
            }
            if has_deco {
                ev.add("decorations");
            }
            push_collapsed(&mut out, run.iter().copied().filter(|&c| !is_decoration(c)));
        } else {
            let before = out.len();
            push_collapsed(&mut out, run.iter().copied());
            if start == 0 && out.first() == Some(&' ') {
                out.remove(0);
            }
            if i == n && out.len() > before && out.last() == Some(&' ') {
                out.pop();
            }
        }
    }
    if chain_hit && !segmented {
        ev.add("split_chars");
    }
    out
}

/// Whether the ASCII token (up to whitespace or a non-ASCII character) that starts at `i`
/// (`forward`) or ends at `i` is a plain number such as `300`, `12.50`, `0755-1234567`.
fn numeric_token(t: &[char], i: usize, forward: bool) -> bool {
    let plain = |c: &char| c.is_ascii_digit() || matches!(c, '.' | ',' | ':' | '-' | '/' | '%' | '+');
    let in_token = |c: &&char| c.is_ascii() && !c.is_ascii_whitespace();
    if forward {
        t.get(i..).unwrap_or_default().iter().take_while(in_token).all(plain)
    } else {
        t.get(..=i).unwrap_or_default().iter().rev().take_while(in_token).all(plain)
    }
}

/// Whether the CJK character at `i` is a single character followed (`forward`) or preceded by
/// another split point: a gap of only spaces, symbols and decorations, then a CJK character.
fn split_continues(t: &[char], i: usize, forward: bool) -> bool {
    let soft = |c: char| c.is_whitespace() || is_decoration(c) || is_separator(c);
    let mut k = i;
    let mut gap = 0;
    loop {
        let next = if forward { k.checked_add(1) } else { k.checked_sub(1) };
        let Some(c) = next.and_then(|n| t.get(n)).copied() else { return false };
        let Some(n) = next else { return false };
        k = n;
        if is_word(c) {
            return gap > 0 && is_han(c);
        }
        if !soft(c) {
            return false;
        }
        gap += 1;
    }
}

/// Pushes `run` with every whitespace run turned into one space.
fn push_collapsed(out: &mut Vec<char>, run: impl Iterator<Item = char>) {
    let mut last_space = false;
    for c in run {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

fn is_ascii_letter_at(t: &[char], i: Option<usize>) -> bool {
    i.and_then(|i| t.get(i)).is_some_and(|c| c.is_ascii_alphabetic())
}

/// WeChat spelled with look-alike or sound-alike characters, always an evasion.
const WECHAT_VARIANTS: &[&str] =
    &["薇信", "徽信", "危信", "微芯", "薇芯", "威芯", "徽芯", "v信", "微x", "威x"];
/// Latin spellings of WeChat, as whole Latin tokens only (`vx`, not the `vx` in `vxworks`).
const WECHAT_LATIN: &[&str] = &["vx", "wx", "weixin", "vxin", "weix"];
/// Characters before which `+` / `伽` / `咖` stand for 加 (add me on …).
const ADD_VARIANTS: &[char] = &['+', '伽', '咖', '枷', '珈'];

/// Length of a contact token (`微信`, `qq`, a lone `v`) starting at `i`, if any.
fn contact_at(t: &[char], i: usize) -> Option<usize> {
    if chars_start_with(t, i, "微信") {
        return Some(2);
    }
    if chars_start_with(t, i, "qq") && !is_ascii_letter_at(t, Some(i + 2)) {
        return Some(2);
    }
    if t.get(i) == Some(&'v') && !is_ascii_letter_at(t, Some(i + 1)) {
        return Some(1);
    }
    None
}

/// Characters that, right before a Latin token, mean we are inside a URL or an identifier.
fn url_context(c: Option<&char>) -> bool {
    c.is_some_and(|c| matches!(c, '/' | '.' | '=' | '?' | '&' | '@' | '_' | '-' | '#' | '%'))
}

/// Undoes evasion variants; `None` when nothing changed (the common case, no allocation).
pub(super) fn undo_variants(t: &[char], ev: &mut Evasions) -> Option<Vec<char>> {
    // Most messages contain none of the characters a variant starts with: skip the rebuild.
    let candidate = |c: &char| {
        c.is_ascii_alphabetic()
            || matches!(c, '薇' | '徽' | '危' | '微' | '威' | '扣' | '企')
            || ADD_VARIANTS.contains(c)
    };
    if !t.iter().any(candidate) {
        return None;
    }
    let mut out: Vec<char> = Vec::with_capacity(t.len() + 4);
    let mut changed = false;
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        if !candidate(&c) {
            out.push(c);
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| t.get(p));
        // Latin tokens: vx / wx / weixin.
        if c.is_ascii_alphabetic() && !prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
            let mut e = i;
            while t.get(e).is_some_and(|c| c.is_ascii_alphabetic()) {
                e += 1;
            }
            let tok = &t[i..e];
            let is_variant = WECHAT_LATIN.iter().any(|w| w.chars().eq(tok.iter().copied()))
                && !url_context(prev)
                && !t.get(e).is_some_and(|c| matches!(c, '.' | '/' | '=' | '?' | '&' | '@'));
            // A lone `v` right after 加 / + is WeChat too (`加v`, `+v`).
            let lone_v = tok == ['v']
                && prev.is_some_and(|&p| p == '加' || ADD_VARIANTS.contains(&p))
                && !t.get(e).is_some_and(|&c| c == '信' || c == 'x');
            if is_variant || lone_v {
                changed = true;
                ev.add("variant:wechat");
                out.extend(['微', '信']);
                i = e;
                continue;
            }
        }
        if let Some(v) = WECHAT_VARIANTS.iter().find(|v| chars_start_with(t, i, v)) {
            let len = v.chars().count();
            // `v信` / `微x` only as a token of their own, not inside a Latin word.
            let latin_edge = v.starts_with('v') && prev.is_some_and(|p| p.is_ascii_alphabetic())
                || v.ends_with('x') && is_ascii_letter_at(t, Some(i + len));
            if !latin_edge {
                changed = true;
                ev.add("variant:wechat");
                out.extend(['微', '信']);
                i += len;
                continue;
            }
        }
        // 威信 is also an ordinary word (prestige): only when used as a contact.
        if chars_start_with(t, i, "威信") {
            let before = prev.is_some_and(|&p| p == '加' || ADD_VARIANTS.contains(&p));
            let after = t.get(i + 2).is_some_and(|&n| n == '号' || n == ':' || n.is_ascii_alphanumeric());
            if before || after {
                changed = true;
                ev.add("variant:wechat");
                out.extend(['微', '信']);
                i += 2;
                continue;
            }
        }
        if chars_start_with(t, i, "扣扣") {
            changed = true;
            ev.add("variant:qq");
            out.extend(['q', 'q']);
            i += 2;
            continue;
        }
        if chars_start_with(t, i, "企鹅号") || chars_start_with(t, i, "企鹅群") {
            changed = true;
            ev.add("variant:qq");
            out.extend(['q', 'q']);
            i += 2;
            continue;
        }
        if ADD_VARIANTS.contains(&c) && contact_at(t, i + 1).is_some() {
            // `+86…` never reaches here: a contact token must follow directly.
            changed = true;
            ev.add("variant:add");
            out.push('加');
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaps(s: &str) -> (String, Vec<String>) {
        let t: Vec<char> = s.chars().collect();
        let mut ev = Evasions::default();
        let out = clean_gaps(&t, &mut ev);
        (out.into_iter().collect(), ev.into_vec())
    }

    #[test]
    fn gap_rules() {
        assert_eq!(gaps("加 微 信").0, "加微信");
        assert_eq!(gaps("加 微 信").1, vec!["split_chars"]);
        assert_eq!(gaps("北京-上海").0, "北京-上海");
        assert_eq!(gaps("加-微-信").0, "加微信");
        assert_eq!(gaps("hello   world").0, "hello world");
        assert_eq!(gaps("  前后  ").0, "前后");
        assert_eq!(gaps("v❤信").0, "v信");
        assert_eq!(gaps("好！❤").0, "好！❤");
    }

    #[test]
    fn variants() {
        let t: Vec<char> = "+vx".chars().collect();
        let mut ev = Evasions::default();
        let once: String = undo_variants(&t, &mut ev).unwrap_or_default().into_iter().collect();
        assert_eq!(once, "+微信");
        let t: Vec<char> = "vxworks".chars().collect();
        assert!(undo_variants(&t, &mut ev).is_none());
    }
}
