//! `classify --jsonl`: JSONL in, JSONL out, one output line per input line, streaming.
//!
//! Contract (DESIGN.md "Batch I/O"):
//! - input line: `{"id"?, "sender"?, "body", "received_at"?, "known_contact"?}`; other keys are ignored;
//! - output line: `id` (echoed byte for byte, omitted when absent) then the verdict fields
//!   `action, category, subcategory, score, signature, sender_kind, consent, reasons`;
//! - a line that cannot be classified becomes `{"line": N, "error": "…"}` (1-based), and the
//!   batch goes on. Error texts name the problem, never the line's content.
//!
//! Choices documented here:
//! - Lines end with `\n`; a trailing `\r` is removed (CRLF files). A last line without `\n` counts.
//! - A UTF-8 BOM at the start of the first line is skipped.
//! - A blank (or whitespace-only) line gets an error object, so that output line N always
//!   answers input line N.
//! - `"id": null` is an id and is echoed as `null`; `"sender": null` and `"received_at": null`
//!   mean absent. `received_at` may be a string or a number (epoch seconds), kept verbatim.
//! - Lines longer than [`MAX_LINE_BYTES`] are skipped without being held in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::panic::{self, AssertUnwindSafe};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use smsguard_core::{Engine, SmsMessage};

use crate::progress::Progress;
use crate::CliError;

/// Longest accepted line (without its line ending). An SMS is at most a few KiB even as a long
/// concatenated message; anything bigger is not an SMS and is never buffered.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

const READ_BUFFER: usize = 64 * 1024;

/// How a line read by [`LineReader`] ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStatus {
    /// The line is in the buffer.
    Complete,
    /// The line was longer than the cap; the buffer is empty and the line was skipped.
    TooLong,
}

/// Reads `\n`-terminated lines, holding at most `cap` bytes of one line in memory.
pub struct LineReader<R> {
    inner: BufReader<R>,
    cap: usize,
    /// Bytes consumed so far (for the progress bar).
    consumed: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, cap: usize) -> Self {
        LineReader { inner: BufReader::with_capacity(READ_BUFFER, inner), cap, consumed: 0 }
    }

    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Read the next line (without `\n`) into `buf`; `None` at end of input. `before_block` runs
    /// whenever the reader must go to the underlying source, i.e. might wait for more input: the
    /// caller flushes its output there, so that an interactive peer gets each answer at once.
    pub fn next_line(
        &mut self,
        buf: &mut Vec<u8>,
        before_block: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<Option<LineStatus>> {
        buf.clear();
        let mut seen_any = false;
        let mut too_long = false;
        loop {
            if self.inner.buffer().is_empty() {
                before_block()?;
            }
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(seen_any.then_some(status(too_long)));
            }
            seen_any = true;
            let newline = chunk.iter().position(|&b| b == b'\n');
            let part = &chunk[..newline.unwrap_or(chunk.len())];
            if !too_long {
                if buf.len() + part.len() > self.cap {
                    too_long = true;
                    buf.clear();
                    buf.shrink_to(self.cap);
                } else {
                    buf.extend_from_slice(part);
                }
            }
            let used = newline.map_or(chunk.len(), |i| i + 1);
            self.inner.consume(used);
            self.consumed += used as u64;
            if newline.is_some() {
                return Ok(Some(status(too_long)));
            }
        }
    }
}

fn status(too_long: bool) -> LineStatus {
    if too_long {
        LineStatus::TooLong
    } else {
        LineStatus::Complete
    }
}

/// The fields of an input line, unparsed, so that we choose the error texts (serde's would quote
/// the content) and echo `id` verbatim.
#[derive(Deserialize)]
struct RawInput<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    sender: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    body: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    received_at: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    known_contact: Option<&'a RawValue>,
}

/// `Some` for any value present, `null` included (a plain `Option` would turn `null` into `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// The JSON type of a raw value, for error messages.
fn type_name(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn json_problem(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => "invalid JSON: the line ends inside a value".into(),
        _ => format!("invalid JSON at column {}", e.column()),
    }
}

/// One parsed input line: the id to echo and the message.
#[derive(Debug)]
pub struct Input<'a> {
    pub id: Option<&'a RawValue>,
    pub message: SmsMessage,
}

/// Parse one line (already without `\r\n` and BOM). Errors say what is wrong, never what is there.
pub fn parse_line(bytes: &[u8]) -> Result<Input<'_>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("blank line".into());
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))?;
    let whole: &RawValue = serde_json::from_str(text).map_err(|e| json_problem(&e))?;
    if !whole.get().starts_with('{') {
        return Err(format!("not a JSON object (got {})", type_name(whole)));
    }
    let raw: RawInput<'_> = serde_json::from_str(whole.get()).map_err(|e| {
        // With every field raw, the only data error left is a repeated key; its message names
        // the key (from our struct), never the content.
        let msg = e.to_string();
        match msg.split(" at line ").next() {
            Some(m) if m.starts_with("duplicate field") => m.to_string(),
            _ => "invalid JSON object".to_string(),
        }
    })?;
    let body = match raw.body {
        None => return Err("missing \"body\"".into()),
        Some(v) if !v.get().starts_with('"') => {
            return Err(format!("\"body\" must be a string (got {})", type_name(v)))
        }
        Some(v) => serde_json::from_str::<String>(v.get())
            .map_err(|_| "\"body\" has an invalid string escape".to_string())?,
    };
    let sender = match raw.sender {
        None => String::new(),
        Some(v) if v.get() == "null" => String::new(),
        Some(v) if !v.get().starts_with('"') => {
            return Err(format!("\"sender\" must be a string (got {})", type_name(v)))
        }
        Some(v) => serde_json::from_str::<String>(v.get())
            .map_err(|_| "\"sender\" has an invalid string escape".to_string())?,
    };
    let received_at = match raw.received_at {
        None => None,
        Some(v) => match type_name(v) {
            "null" => None,
            "a number" => Some(v.get().to_string()),
            "a string" => Some(
                serde_json::from_str::<String>(v.get())
                    .map_err(|_| "\"received_at\" has an invalid string escape".to_string())?,
            ),
            other => return Err(format!("\"received_at\" must be a string or a number (got {other})")),
        },
    };
    let known_contact = match raw.known_contact.map(|v| v.get()) {
        None | Some("null") | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err("\"known_contact\" must be true or false".into()),
    };
    Ok(Input { id: raw.id, message: SmsMessage { sender, body, received_at, known_contact } })
}

/// One output line for a message: `id` first, then the answer's own fields (a verdict, a report
/// plan, …).
#[derive(Serialize)]
struct Output<'a, T> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a RawValue>,
    #[serde(flatten)]
    answer: &'a T,
}

#[derive(Serialize)]
struct LineError<'a> {
    line: u64,
    error: &'a str,
}

/// Strip what does not belong to the JSON: a trailing `\r`, and a BOM on the first line.
fn trim_line(buf: &[u8], line_no: u64) -> &[u8] {
    let buf = buf.strip_suffix(b"\r").unwrap_or(buf);
    if line_no == 1 {
        buf.strip_prefix("\u{feff}".as_bytes()).unwrap_or(buf)
    } else {
        buf
    }
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub messages: u64,
    pub errors: u64,
}

/// Answer every line of `input` (e.g. classify it) and write one JSON line per input line to `out`.
pub fn process<R: Read, W: Write, T: Serialize>(
    input: R,
    input_name: &str,
    out: &mut W,
    mut on_progress: impl FnMut(u64, &Counts),
    mut answer: impl FnMut(&SmsMessage) -> T,
) -> Result<Counts, CliError> {
    let mut reader = LineReader::new(input, MAX_LINE_BYTES);
    let mut buf = Vec::new();
    let mut counts = Counts::default();
    let mut line_no: u64 = 0;
    loop {
        let mut flush_failed = false;
        let next = reader.next_line(&mut buf, &mut || out.flush().inspect_err(|_| flush_failed = true));
        let status = match next {
            Ok(Some(s)) => s,
            Ok(None) => break,
            Err(e) if flush_failed => return Err(CliError::io("stdout", e)),
            Err(e) => return Err(CliError::io(input_name, e)),
        };
        line_no += 1;
        let result = match status {
            LineStatus::TooLong => Err(format!("line longer than {MAX_LINE_BYTES} bytes")),
            LineStatus::Complete => parse_line(trim_line(&buf, line_no)),
        };
        let written = match result {
            Ok(input) => {
                // `classify` never fails; should a bug make it panic, that line gets an error
                // object and the batch goes on (the engine is immutable, so nothing is left
                // half-updated).
                match panic::catch_unwind(AssertUnwindSafe(|| answer(&input.message))) {
                    Ok(answer) => {
                        counts.messages += 1;
                        write_json(out, &Output { id: input.id, answer: &answer })
                    }
                    Err(_) => {
                        counts.errors += 1;
                        let error = "internal error while classifying (a bug: please report)";
                        write_json(out, &LineError { line: line_no, error })
                    }
                }
            }
            Err(problem) => {
                counts.errors += 1;
                write_json(out, &LineError { line: line_no, error: &problem })
            }
        };
        written.map_err(|e| CliError::io("stdout", e))?;
        on_progress(reader.consumed(), &counts);
    }
    out.flush().map_err(|e| CliError::io("stdout", e))?;
    Ok(counts)
}

fn write_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    // `From` keeps the kind of an I/O error (a broken pipe must stay recognisable).
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// `classify --jsonl INPUT`: INPUT is a path or `-` for stdin.
pub fn run(engine: &Engine, input: &str, summary: bool) -> Result<(), CliError> {
    run_with(input, summary, |m| engine.classify(m))
}

/// JSONL in, one answer per line out: INPUT is a path or `-` for stdin.
pub fn run_with<T: Serialize>(
    input: &str,
    summary: bool,
    mut answer: impl FnMut(&SmsMessage) -> T,
) -> Result<(), CliError> {
    let stderr_tty = io::stderr().is_terminal();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(READ_BUFFER, stdout.lock());
    let counts = if input == "-" {
        process(io::stdin().lock(), "stdin", &mut out, |_, _| {}, &mut answer)?
    } else {
        let file = File::open(input).map_err(|e| CliError::io(input, e))?;
        // Progress only for a regular file on a terminal: never on pipes or redirected stderr.
        let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        let mut progress = match size {
            Some(total) if stderr_tty && total > 0 => Some(Progress::new(total)),
            _ => None,
        };
        let on_progress = |done, c: &Counts| {
            if let Some(p) = progress.as_mut() {
                p.update(done, c.messages + c.errors);
            }
        };
        let counts = process(file, input, &mut out, on_progress, &mut answer);
        if let Some(p) = progress.as_mut() {
            p.finish();
        }
        counts?
    };
    if summary || stderr_tty {
        eprintln!("{} messages, {} errors", counts.messages, counts.errors);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize) -> Vec<(LineStatus, Vec<u8>)> {
        let mut r = LineReader::new(input, cap);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Ok(Some(s)) = r.next_line(&mut buf, &mut || Ok(())) {
            out.push((s, buf.clone()));
        }
        out
    }

    #[test]
    fn reader_splits_lines_and_keeps_a_last_line_without_newline() {
        let got = lines(b"a\n\nbc\r\nd", 10);
        let texts: Vec<&[u8]> = got.iter().map(|(_, b)| b.as_slice()).collect();
        assert_eq!(texts, vec![&b"a"[..], b"", b"bc\r", b"d"]);
        assert!(lines(b"", 10).is_empty());
        assert_eq!(lines(b"x\n", 10).len(), 1);
    }

    #[test]
    fn reader_skips_long_lines_and_goes_on() {
        let got = lines(b"0123456789AB\nok\n", 10);
        assert_eq!(got[0], (LineStatus::TooLong, Vec::new()));
        assert_eq!(got[1], (LineStatus::Complete, b"ok".to_vec()));
        // Exactly at the cap is fine.
        assert_eq!(lines(b"0123456789", 10)[0].0, LineStatus::Complete);
    }

    #[test]
    fn parse_errors_name_the_problem_not_the_text() {
        let secret = "验证码123456";
        let cases = [
            format!("\"{secret}\""),
            format!("[\"{secret}\"]"),
            format!("{{\"body\": 5, \"x\": \"{secret}\"}}"),
            format!("{{\"sender\": \"{secret}\"}}"),
            format!("{{\"body\": \"{secret}\""),
            format!("{{\"body\": \"{secret}\", \"body\": \"{secret}\"}}"),
            format!("{{\"body\": \"{secret}\", \"sender\": [\"{secret}\"]}}"),
            format!("not json {secret}"),
        ];
        for case in &cases {
            let err = parse_line(case.as_bytes()).expect_err(case);
            assert!(!err.contains("123456") && !err.contains("验证码"), "{err}");
        }
    }

    /// A model that panics on one word: stands in for any bug inside the engine.
    #[derive(Debug)]
    struct Fragile;

    impl smsguard_core::model::Model for Fragile {
        fn name(&self) -> &str {
            "fragile"
        }
        fn predict(
            &self,
            input: &smsguard_core::model::ModelInput<'_>,
        ) -> Option<smsguard_core::model::ModelScore> {
            assert!(!input.normalised.text.contains("boom"), "model bug");
            None
        }
    }

    #[test]
    fn a_panic_in_the_engine_costs_one_line_not_the_batch() {
        let engine = Engine::new().with_model(std::sync::Arc::new(Fragile));
        let input =
            "{\"id\":1,\"body\":\"fine\"}\n{\"id\":2,\"body\":\"boom\"}\n{\"id\":3,\"body\":\"ok\"}\n";
        let mut out = Vec::new();
        let counts = process(input.as_bytes(), "test", &mut out, |_, _| {}, |m| engine.classify(m))
            .expect("batch runs");
        // The engine catches its own panic: that message is kept in the inbox with the reason
        // `internal_error` (never hidden), and no panic text reaches the output.
        assert_eq!((counts.messages, counts.errors), (3, 0));
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("{\"id\":1,"));
        assert!(lines[1].starts_with("{\"id\":2,\"action\":\"allow\""), "{}", lines[1]);
        assert!(lines[1].contains("internal_error") && !lines[1].contains("model bug"), "{}", lines[1]);
        assert!(lines[2].starts_with("{\"id\":3,"));
    }

    #[test]
    fn a_panic_outside_the_engine_still_costs_one_line_not_the_batch() {
        let input = "{\"id\":1,\"body\":\"fine\"}\n{\"id\":2,\"body\":\"boom\"}\n";
        let mut out = Vec::new();
        let counts = process(
            input.as_bytes(),
            "test",
            &mut out,
            |_, _| {},
            |m| {
                assert!(!m.body.contains("boom"), "bug outside the engine");
                serde_json::json!({ "chars": m.body.chars().count() })
            },
        )
        .expect("batch runs");
        assert_eq!((counts.messages, counts.errors), (1, 1));
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            text.lines().nth(1).unwrap_or("").starts_with("{\"line\":2,\"error\":\"internal error"),
            "{text}"
        );
    }

    #[test]
    fn parse_accepts_optional_fields() {
        let i = parse_line(br#"{"id":null,"body":"hi","sender":null,"received_at":1732780800}"#);
        let i = i.expect("valid line");
        assert_eq!(i.id.map(RawValue::get), Some("null"));
        assert_eq!(i.message.sender, "");
        assert_eq!(i.message.received_at.as_deref(), Some("1732780800"));
        let i = parse_line(br#"{"body":"hi"}"#).expect("valid line");
        assert!(i.id.is_none());
    }
}
