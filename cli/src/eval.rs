//! `smsguard eval FILE`: run labelled messages through the engine and print how it did.
//!
//! Input formats, by content: a TSV with a header naming `category`/`action`, `sender` and
//! `text`/`body` columns (the notify-samples layout: `category subcategory sender text source`), or
//! JSONL `{"body"|"text", "sender"?, "action", "category"?, "predicted"?}`. Label `fraud`/`spam`
//! means junk, `ham`/`personal` allow. Unreadable rows are counted and skipped, never fatal.
//!
//! With `--by FIELD` (e.g. `family` or `source`, string fields of the JSONL rows), the headline
//! numbers are also given per value of that field, so one file holding several families (the
//! validation split) is read per family; rows without the field count under `(none)`.
//!
//! With `--predicted`, the rows' own `predicted` action (written by another classifier, e.g. the
//! TF-IDF baseline in models/) is scored instead of the engine's, so both are measured by this
//! same code.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Serialize;
use smsguard_core::{Action, Category, Engine, SmsMessage};

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub message: SmsMessage,
    pub action: Action,
    pub category: Option<Category>,
    /// Another classifier's answer carried by the row (`predicted`, `predicted_category`).
    pub predicted: Option<(Action, Category)>,
    /// The value of the `--by` field, when asked for and present (JSONL rows only).
    pub group: Option<String>,
}

/// Map a label as corpora write it onto an action.
fn parse_action(label: &str) -> Option<Action> {
    match label.trim().to_ascii_lowercase().as_str() {
        "fraud" | "spam" | "junk" | "smishing" => Some(Action::Junk),
        "ham" | "personal" | "allow" => Some(Action::Allow),
        other => Action::parse(other).filter(|a| *a != Action::None),
    }
}

/// Subcategories that name our categories directly; others (e.g. notify-samples' `travel`, or the
/// impersonated domain of a fraud row) are not category labels and are left out of category metrics.
fn parse_category(action: Action, label: &str) -> Option<Category> {
    Category::parse(label.trim()).filter(|c| c.fits(action))
}

#[derive(Debug, Default)]
pub struct Dataset {
    pub rows: Vec<Labelled>,
    /// (line number, problem) of rows that could not be read.
    pub skipped: Vec<(usize, String)>,
}

/// Read labelled rows; with `by`, each JSONL row's `by` field (a string) becomes its group.
pub fn read(reader: impl BufRead, by: Option<&str>) -> std::io::Result<Dataset> {
    let mut data = Dataset::default();
    let mut header: Option<Vec<String>> = None;
    for (i, line) in reader.split(b'\n').enumerate() {
        let n = i + 1;
        let line = line?;
        let Ok(line) = String::from_utf8(line) else {
            data.skipped.push((n, "not UTF-8".into()));
            continue;
        };
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if line.trim_start().starts_with('{') {
            match parse_json_row(line, by) {
                Ok(row) => data.rows.push(row),
                Err(e) => data.skipped.push((n, e)),
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        match &header {
            None => header = Some(cols.iter().map(|c| c.trim().to_ascii_lowercase()).collect()),
            Some(h) => match parse_tsv_row(h, &cols) {
                Ok(row) => data.rows.push(row),
                Err(e) => data.skipped.push((n, e)),
            },
        }
    }
    Ok(data)
}

fn parse_json_row(line: &str, by: Option<&str>) -> Result<Labelled, String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str());
    let body = field("body").or_else(|| field("text")).ok_or("no body/text")?;
    let label = field("action").or_else(|| field("label")).ok_or("no action/label")?;
    let action = parse_action(label).ok_or("unknown action label")?;
    let category = field("category").and_then(|c| parse_category(action, c));
    let sender = field("sender").unwrap_or_default();
    let predicted = match field("predicted") {
        None => None,
        Some(p) => {
            let a = parse_action(p).ok_or("unknown predicted action")?;
            let c = field("predicted_category").and_then(|c| parse_category(a, c));
            Some((a, c.unwrap_or(Category::None)))
        }
    };
    let group = by.map(|k| field(k).unwrap_or("(none)").to_string());
    Ok(Labelled { message: SmsMessage::new(sender, body), action, category, predicted, group })
}

fn parse_tsv_row(header: &[String], cols: &[&str]) -> Result<Labelled, String> {
    let col = |names: &[&str]| {
        names.iter().find_map(|n| header.iter().position(|h| h == n)).and_then(|i| cols.get(i).copied())
    };
    let label = col(&["action", "category", "label"]).ok_or("no label column")?;
    let action = parse_action(label).ok_or("unknown action label")?;
    let body = col(&["body", "text"]).ok_or("no text column")?;
    let sender = col(&["sender"]).unwrap_or_default();
    // With an `action` column, `category` is the category; in notify-samples `subcategory` is.
    let category =
        if header.iter().any(|h| h == "action") { col(&["category"]) } else { col(&["subcategory"]) }
            .and_then(|c| parse_category(action, c));
    Ok(Labelled { message: SmsMessage::new(sender, body), action, category, predicted: None, group: None })
}

const ACTIONS: [Action; 5] =
    [Action::Allow, Action::Transaction, Action::Promotion, Action::Junk, Action::None];

#[derive(Debug, Default, Serialize)]
pub struct ActionMetrics {
    pub action: String,
    pub support: u64,
    pub predicted: u64,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub messages: u64,
    pub skipped: u64,
    /// confusion[expected][predicted], in the order allow, transaction, promotion, junk, none.
    pub confusion: Vec<Vec<u64>>,
    pub actions: Vec<ActionMetrics>,
    /// Category confusion where the label names a category: "expected -> predicted" → count.
    pub categories: BTreeMap<String, u64>,
    pub category_accuracy: Option<f64>,
    /// The two numbers that matter.
    pub ham: u64,
    pub ham_to_junk: u64,
    pub ham_to_junk_rate: Option<f64>,
    /// Transaction/personal that left the inbox (junk or promotion): not hidden, but misfiled.
    pub ham_to_spam: u64,
    pub ham_to_spam_rate: Option<f64>,
    pub spam: u64,
    pub spam_caught: u64,
    pub spam_caught_rate: Option<f64>,
    /// Expected junk that went to junk (not just promotion).
    pub junk: u64,
    pub junk_to_junk: u64,
    pub junk_to_junk_rate: Option<f64>,
    /// With `--by`: the headline numbers per value of that field.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, GroupMetrics>,
}

/// The headline numbers of one group (`--by`).
#[derive(Debug, Default, Clone, Serialize)]
pub struct GroupMetrics {
    pub messages: u64,
    pub ham: u64,
    pub ham_to_junk: u64,
    pub ham_to_promotion: u64,
    pub spam: u64,
    pub spam_caught: u64,
    pub junk: u64,
    pub junk_to_junk: u64,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn idx(a: Action) -> usize {
    ACTIONS.iter().position(|x| *x == a).unwrap_or(4)
}

/// Score the engine on every row.
pub fn evaluate(engine: &Engine, data: &Dataset) -> Report {
    score(data, |row| {
        let v = engine.classify(&row.message);
        Some((v.action, v.category))
    })
}

/// Score the predictions the rows carry; rows without one count as skipped.
pub fn evaluate_predicted(data: &Dataset) -> Report {
    score(data, |row| row.predicted)
}

fn score(data: &Dataset, mut classify: impl FnMut(&Labelled) -> Option<(Action, Category)>) -> Report {
    let mut confusion = vec![vec![0u64; 5]; 5];
    let mut r = Report { skipped: data.skipped.len() as u64, ..Report::default() };
    let (mut cat_total, mut cat_right) = (0u64, 0u64);
    for row in &data.rows {
        let Some((action, category)) = classify(row) else {
            r.skipped += 1;
            continue;
        };
        let left_inbox = matches!(action, Action::Junk | Action::Promotion);
        r.messages += 1;
        if let Some(g) = &row.group {
            let m = r.groups.entry(g.clone()).or_default();
            m.messages += 1;
            if matches!(row.action, Action::Allow | Action::Transaction) {
                m.ham += 1;
                m.ham_to_junk += u64::from(action == Action::Junk);
                m.ham_to_promotion += u64::from(action == Action::Promotion);
            } else {
                m.spam += 1;
                m.spam_caught += u64::from(left_inbox);
            }
            if row.action == Action::Junk {
                m.junk += 1;
                m.junk_to_junk += u64::from(action == Action::Junk);
            }
        }
        confusion[idx(row.action)][idx(action)] += 1;
        let is_ham = matches!(row.action, Action::Allow | Action::Transaction);
        if is_ham {
            r.ham += 1;
            r.ham_to_junk += u64::from(action == Action::Junk);
            r.ham_to_spam += u64::from(left_inbox);
        } else {
            r.spam += 1;
            r.spam_caught += u64::from(left_inbox);
        }
        if row.action == Action::Junk {
            r.junk += 1;
            r.junk_to_junk += u64::from(action == Action::Junk);
        }
        if let Some(c) = row.category {
            cat_total += 1;
            cat_right += u64::from(category == c && action == row.action);
            *r.categories.entry(format!("{c} -> {category}")).or_default() += 1;
        }
    }
    for (i, a) in ACTIONS.iter().enumerate().take(4) {
        let support: u64 = confusion[i].iter().sum();
        let predicted: u64 = confusion.iter().map(|row| row[i]).sum();
        r.actions.push(ActionMetrics {
            action: a.to_string(),
            support,
            predicted,
            precision: ratio(confusion[i][i], predicted),
            recall: ratio(confusion[i][i], support),
        });
    }
    r.category_accuracy = ratio(cat_right, cat_total);
    r.ham_to_junk_rate = ratio(r.ham_to_junk, r.ham);
    r.ham_to_spam_rate = ratio(r.ham_to_spam, r.ham);
    r.spam_caught_rate = ratio(r.spam_caught, r.spam);
    r.junk_to_junk_rate = ratio(r.junk_to_junk, r.junk);
    r.confusion = confusion;
    r
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

pub fn print(r: &Report) {
    println!("{} messages ({} rows skipped)", r.messages, r.skipped);
    println!();
    println!("confusion by action (rows: expected, columns: predicted)");
    print!("{:>12}", "");
    for a in ACTIONS {
        print!("{:>12}", a.as_str());
    }
    println!();
    for (i, a) in ACTIONS.iter().enumerate().take(4) {
        print!("{:>12}", a.as_str());
        for c in &r.confusion[i] {
            print!("{c:>12}");
        }
        println!();
    }
    println!();
    println!("{:>12} {:>8} {:>10} {:>10} {:>10}", "action", "support", "predicted", "precision", "recall");
    for m in &r.actions {
        println!(
            "{:>12} {:>8} {:>10} {:>10} {:>10}",
            m.action,
            m.support,
            m.predicted,
            pct(m.precision),
            pct(m.recall)
        );
    }
    if !r.categories.is_empty() {
        println!();
        println!("categories (expected -> predicted), accuracy {}", pct(r.category_accuracy));
        for (k, n) in &r.categories {
            println!("  {n:>6}  {k}");
        }
    }
    println!();
    println!(
        "transaction/personal sent to junk: {} of {} = {}",
        r.ham_to_junk,
        r.ham,
        pct(r.ham_to_junk_rate)
    );
    println!(
        "transaction/personal out of inbox: {} of {} = {}",
        r.ham_to_spam,
        r.ham,
        pct(r.ham_to_spam_rate)
    );
    println!(
        "spam caught (junk or promotion):   {} of {} = {}",
        r.spam_caught,
        r.spam,
        pct(r.spam_caught_rate)
    );
    println!(
        "junk sent to junk:                 {} of {} = {}",
        r.junk_to_junk,
        r.junk,
        pct(r.junk_to_junk_rate)
    );
    if !r.groups.is_empty() {
        println!();
        println!(
            "{:<28} {:>7} {:>7} {:>14} {:>14} {:>14}",
            "group", "ham", "spam", "ham->junk", "ham->promotion", "spam caught"
        );
        for (name, g) in &r.groups {
            let cell = |n: u64, of: u64| {
                if of == 0 {
                    "-".to_string()
                } else {
                    format!("{n} {}", pct(ratio(n, of)))
                }
            };
            println!(
                "{:<28} {:>7} {:>7} {:>14} {:>14} {:>14}",
                name,
                g.ham,
                g.spam,
                cell(g.ham_to_junk, g.ham),
                cell(g.ham_to_promotion, g.ham),
                cell(g.spam_caught, g.spam)
            );
        }
    }
}
