//! Parser of the `institutions.tsv` format (see [`Institutions::parse`]).

use super::{
    key, Entry, Institution, InstitutionKind, Institutions, SenderPattern, CONTAINED_ALIAS_CHARS, NAME_CHARS,
};
use crate::error::DataError;
use crate::sender::SenderKind;

const HEADER: [&str; 4] = ["name", "kind", "aliases", "senders"];

/// Longest number a pattern may hold (a 106 port has at most 20 digits).
const MAX_PATTERN_DIGITS: usize = 20;

pub(super) fn parse(text: &str, origin: &str) -> Result<Institutions, DataError> {
    let mut table = Institutions::default();
    let mut seen_header = false;
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let err = |item: Option<&str>, message: String| {
            let e = DataError::new(origin, message).at_line(line_no);
            match item {
                Some(item) => e.for_item(item),
                None => e,
            }
        };
        let line = match raw_line.find('#') {
            Some(i) => &raw_line[..i],
            None => raw_line,
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut columns: Vec<&str> = line.split('\t').map(str::trim).collect();
        // A tab before a trailing comment leaves an empty extra column: not an error.
        while columns.len() > HEADER.len() && columns.last().is_some_and(|c| c.is_empty()) {
            columns.pop();
        }
        if !seen_header {
            if columns != HEADER {
                return Err(err(None, format!("expected the header `{}`", HEADER.join("<TAB>"))));
            }
            seen_header = true;
            continue;
        }
        let name = columns.first().copied().unwrap_or_default();
        let item = if name.is_empty() { None } else { Some(name) };
        if columns.len() != HEADER.len() {
            let problem = if columns.len() < HEADER.len() {
                format!("missing column `{}` (expected 4 tab-separated columns)", HEADER[columns.len()])
            } else {
                format!("{} columns, expected 4 tab-separated columns", columns.len())
            };
            return Err(err(item, problem));
        }
        if name.is_empty() {
            return Err(err(None, "empty name".to_string()));
        }
        let kind = InstitutionKind::parse(columns[1]).ok_or_else(|| {
            let known: Vec<&str> = InstitutionKind::ALL.iter().map(|k| k.as_str()).collect();
            err(item, format!("unknown kind `{}` (one of {})", columns[1], known.join(", ")))
        })?;
        let index = table.entries.len();
        let mut aliases = vec![name];
        aliases.extend(list(columns[2]).map_err(|m| err(item, format!("aliases: {m}")))?);
        for alias in aliases {
            let k = key(alias);
            let chars = k.chars().count();
            if !NAME_CHARS.contains(&chars) {
                return Err(err(item, format!("alias `{alias}` must be 2–16 characters")));
            }
            if k.chars().any(super::is_bracket) {
                return Err(err(item, format!("alias `{alias}` contains a bracket")));
            }
            match table.by_alias.get(&k) {
                Some(&other) if other == index => {} // repeated within the line: harmless
                Some(&other) => {
                    let owner = &table.entries[other].institution.name;
                    return Err(err(item, format!("duplicate alias `{alias}`, already used by `{owner}`")));
                }
                None => {
                    if chars >= CONTAINED_ALIAS_CHARS {
                        if let Some(first) = k.chars().next() {
                            table.long_aliases.entry(first).or_default().push((k.clone(), index));
                        }
                    }
                    table.by_alias.insert(k, index);
                }
            }
        }
        let senders = list(columns[3])
            .map_err(|m| err(item, format!("senders: {m}")))?
            .into_iter()
            .map(|p| pattern(p).map_err(|m| err(item, m)))
            .collect::<Result<Vec<_>, _>>()?;
        table.entries.push(Entry { institution: Institution { name: name.to_string(), kind }, senders });
    }
    if !seen_header {
        return Err(DataError::new(origin, "empty table: no header line"));
    }
    // Longest first so that the most specific alias wins; stable, so ties keep table order.
    for list in table.long_aliases.values_mut() {
        list.sort_by_key(|(alias, _)| std::cmp::Reverse(alias.len()));
    }
    // Keep the index small for the phone.
    table.by_alias.shrink_to_fit();
    Ok(table)
}

/// A comma-separated list; empty column → empty list, empty items are errors.
fn list(column: &str) -> Result<Vec<&str>, String> {
    if column.is_empty() {
        return Ok(Vec::new());
    }
    column
        .split(',')
        .map(str::trim)
        .enumerate()
        .map(|(i, item)| if item.is_empty() { Err(format!("empty item #{}", i + 1)) } else { Ok(item) })
        .collect()
}

fn pattern(p: &str) -> Result<SenderPattern, String> {
    if let Some(kind) = p.strip_prefix("kind:") {
        return SenderKind::parse(kind)
            .map(SenderPattern::Kind)
            .ok_or_else(|| format!("bad sender pattern `{p}`: unknown sender kind"));
    }
    let (digits, prefix) = match p.strip_suffix('*') {
        Some(d) => (d, true),
        None => (p, false),
    };
    if digits.is_empty() || digits.len() > MAX_PATTERN_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "bad sender pattern `{p}`: expected digits (`95588`), a digit prefix (`1069*`) or `kind:<sender kind>`"
        ));
    }
    Ok(if prefix {
        SenderPattern::Prefix(digits.to_string())
    } else {
        SenderPattern::Exact(digits.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "name\tkind\taliases\tsenders\n";

    fn parse_err(body: &str) -> DataError {
        match parse(&format!("{HEAD}{body}"), "test.tsv") {
            Ok(_) => panic!("table should be rejected"),
            Err(e) => e,
        }
    }

    #[test]
    fn unknown_kind_names_line_item_and_problem() {
        let e = parse_err("甲乙银行\tbank\t甲乙\t95000\n丙丁银行\tbnak\t\t95001\n");
        assert_eq!(e.origin, "test.tsv");
        assert_eq!(e.line, Some(3));
        assert_eq!(e.item.as_deref(), Some("丙丁银行"));
        assert!(e.message.contains("unknown kind `bnak`"), "{e}");
    }

    #[test]
    fn bad_pattern_is_rejected() {
        for bad in ["95x88", "kind:bank", "*", "1069**", "+8613800000000"] {
            let e = parse_err(&format!("甲乙银行\tbank\t\t{bad}\n"));
            assert_eq!(e.line, Some(2), "{bad}");
            assert!(e.message.contains("bad sender pattern"), "{bad}: {e}");
        }
    }

    #[test]
    fn duplicate_alias_across_institutions_names_both() {
        let e = parse_err("甲乙银行\tbank\t甲乙\t95000\n# comment\n\n甲乙快递\tcourier\t甲乙\t95001\n");
        assert_eq!(e.line, Some(5));
        assert_eq!(e.item.as_deref(), Some("甲乙快递"));
        assert!(e.message.contains("duplicate alias `甲乙`") && e.message.contains("甲乙银行"), "{e}");
    }

    #[test]
    fn duplicate_alias_is_found_after_folding() {
        let e = parse_err("Acme Pay\tpayment\t\t95000\n甲乙\tother\tACMEPAY\t\n");
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("duplicate alias"), "{e}");
    }

    #[test]
    fn missing_and_extra_columns() {
        let e = parse_err("甲乙银行\tbank\t甲乙\n");
        assert_eq!((e.line, e.item.as_deref()), (Some(2), Some("甲乙银行")));
        assert!(e.message.contains("missing column `senders`"), "{e}");
        let e = parse_err("甲乙银行\tbank\t甲乙\t95000\textra\n");
        assert!(e.message.contains("5 columns"), "{e}");
    }

    #[test]
    fn header_is_required() {
        let e = parse("甲乙银行\tbank\t\t95000\n", "t.tsv").err();
        assert_eq!(e.as_ref().and_then(|e| e.line), Some(1));
        assert!(parse("# only a comment\n", "t.tsv").is_err());
    }

    #[test]
    fn bad_alias_lengths_and_empty_items() {
        let e = parse_err("甲乙银行\tbank\t甲\t95000\n");
        assert!(e.message.contains("2–16 characters"), "{e}");
        let e = parse_err("甲乙银行\tbank\t甲乙,,丙丁\t95000\n");
        assert!(e.message.contains("aliases: empty item #2"), "{e}");
    }

    #[test]
    fn comments_blank_lines_and_crlf_are_accepted() {
        let text = "# institutions\r\nname\tkind\taliases\tsenders\r\n\r\n甲乙银行\tbank\t甲乙\t95000,106*,kind:port106 # unsure\r\n";
        let t = parse(text, "t.tsv").map_err(|e| e.to_string());
        let t = t.as_ref().map(Institutions::len);
        assert_eq!(t, Ok(1));
    }
}
