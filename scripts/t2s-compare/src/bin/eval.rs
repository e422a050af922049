use std::time::Instant;

const NAMES: [&str; 3] = ["new-table", "old-table", "fast2s"];

fn main() {
    let path = std::env::args().nth(1).expect("usage: eval EVAL.tsv");
    let text = std::fs::read_to_string(path).expect("readable");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).filter(|v: &Vec<&str>| v.len() == 3).collect();
    println!("{} messages; per converter and label: Traditional characters recovered as the original", rows.len());
    for (which, name) in NAMES.iter().enumerate() {
        for label in ["spam", "ham"] {
            let (mut trad, mut ok, mut changed) = (0u64, 0u64, 0u64);
            for r in rows.iter().filter(|r| r[0] == label) {
                let out = t2s_compare::convert(which, r[2]);
                let (s, t, o): (Vec<char>, Vec<char>, Vec<char>) = (r[1].chars().collect(), r[2].chars().collect(), out.chars().collect());
                if s.len() != t.len() || o.len() != t.len() {
                    continue;
                }
                for i in 0..s.len() {
                    if t[i] != s[i] {
                        trad += 1;
                        ok += u64::from(o[i] == s[i]);
                    } else if o[i] != s[i] {
                        changed += 1;
                    }
                }
            }
            println!("  {name:<9} {label:<4} {ok}/{trad} = {:.2} %  (characters of the original changed: {changed})", 100.0 * ok as f64 / trad.max(1) as f64);
        }
    }
    let msgs: Vec<&str> = rows.iter().map(|r| r[2]).collect();
    for round in 0..2 {
        for (which, name) in NAMES.iter().enumerate() {
            let mut best = f64::MAX;
            for _ in 0..5 {
                let t0 = Instant::now();
                let mut n = 0usize;
                for _ in 0..20 {
                    for m in &msgs {
                        n += t2s_compare::convert(which, m).len();
                    }
                }
                std::hint::black_box(n);
                best = best.min(t0.elapsed().as_nanos() as f64 / (20 * msgs.len()) as f64);
            }
            println!("  speed round {round} {name:<9} {best:.0} ns/message (best of 5)");
        }
    }
}
