//! Versioned JSON requests over a [`Session`]: one entry point for front ends that grow with an
//! app (the JNI surface's `call`), instead of one hand-written export per operation.
//!
//! Request `{"v": 1, "op": "<op>", …fields}` → response `{"ok": true, "result": …}` or
//! `{"ok": false, "error": {"kind", "detail", "origin"?, "line"?, "item"?}}`. Kinds:
//! `bad_request` (malformed JSON, unknown op or version, a missing or mistyped field),
//! `invalid_data` (a refused value or change: show `detail` in place), `io`, `state_unreadable`,
//! `update_refused` (a signed update was not applied: `item` is the reason code, e.g.
//! `not_newer`, `bad_signature`), `internal`. Ops and fields are listed in `bindings/README.md` ("Requests"). `handle` never
//! panics and never quotes message text or phone numbers in an error.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::consent::{ConsentEntry, ConsentState, Timestamp};
use crate::feedback::{FeedbackEntry, FeedbackKind, FeedbackTarget};
use crate::message::SmsMessage;
use crate::session::Session;
use crate::store::StateError;
use crate::update::UpdateError;
use crate::user_rules::{RuleEffect, RuleTarget, UserRule};

/// The request version this library speaks.
pub const API_VERSION: u64 = 1;
/// A request larger than this is refused (a batch of a few thousand messages fits easily).
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

/// Why a request failed, as the response's `error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub kind: &'static str,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

impl ApiError {
    fn new(kind: &'static str, detail: impl Into<String>) -> Self {
        ApiError { kind, detail: detail.into(), origin: None, line: None, item: None }
    }

    fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::new("bad_request", detail)
    }
}

impl From<StateError> for ApiError {
    fn from(e: StateError) -> Self {
        match e {
            StateError::Corrupt { .. } | StateError::NewerVersion { .. } => {
                ApiError::new("state_unreadable", e.to_string())
            }
            StateError::Io { .. } | StateError::Locked { .. } | StateError::Conflict { .. } => {
                ApiError::new("io", e.to_string())
            }
            StateError::Data(d) => ApiError {
                kind: "invalid_data",
                detail: d.message,
                origin: Some(d.origin),
                line: d.line,
                item: d.item,
            },
            other => {
                let origin = match other {
                    StateError::Rule(_) => "user rules",
                    StateError::Consent(_) => "consent",
                    _ => "feedback",
                };
                ApiError { origin: Some(origin.into()), ..ApiError::new("invalid_data", other.to_string()) }
            }
        }
    }
}

impl From<UpdateError> for ApiError {
    fn from(e: UpdateError) -> Self {
        match e {
            UpdateError::State(e) => e.into(),
            e => ApiError {
                item: Some(e.reason().into()),
                origin: Some("update".into()),
                ..ApiError::new("update_refused", e.to_string())
            },
        }
    }
}

/// Handle one request (JSON text) at time `now`; returns the response (JSON text).
pub fn handle(session: &Session, request: &str, now: Timestamp) -> String {
    let outcome = catch_unwind(AssertUnwindSafe(|| handle_value(session, request, now)))
        // A panic's message may quote the data being processed: never pass it on.
        .unwrap_or_else(|_| Err(ApiError::new("internal", "internal error (a bug in smsguard)")));
    let response = match outcome {
        Ok(result) => json!({"ok": true, "result": result}),
        Err(e) => json!({"ok": false, "error": e}),
    };
    response.to_string()
}

fn handle_value(session: &Session, request: &str, now: Timestamp) -> Result<Value, ApiError> {
    if request.len() > MAX_REQUEST_BYTES {
        return Err(ApiError::bad_request(format!("request larger than {MAX_REQUEST_BYTES} bytes")));
    }
    let value: Value = serde_json::from_str(request)
        .map_err(|e| ApiError::bad_request(format!("not JSON (line {} column {})", e.line(), e.column())))?;
    let req = Request(value.as_object().ok_or_else(|| ApiError::bad_request("request is not an object"))?);
    match req.0.get("v").and_then(Value::as_u64) {
        Some(API_VERSION) => {}
        Some(v) => return Err(ApiError::bad_request(format!("version {v} is not supported (1)"))),
        None => return Err(ApiError::bad_request("missing `v` (the request version, 1)")),
    }
    let op = req.str("op")?;
    dispatch(session, op, &req, now)
}

fn dispatch(s: &Session, op: &str, req: &Request<'_>, now: Timestamp) -> Result<Value, ApiError> {
    Ok(match op {
        "version" => json!({
            "library": env!("CARGO_PKG_VERSION"),
            "normaliser": crate::normalise::NORMALISER_VERSION,
            "model": s.engine().model_name(),
            "api": API_VERSION,
        }),
        "classify" => to_value(&s.classify(&req.message("message")?)),
        "classify_batch" => {
            let engine = s.engine();
            let verdicts: Vec<_> = req.messages("messages")?.iter().map(|m| engine.classify(m)).collect();
            to_value(&verdicts)
        }
        "explain" => to_value(&s.engine().explain(&req.message("message")?)),
        "report_plan" => {
            // `carrier` (a Carrier name; before carriers were named, any channel name) wins over
            // `sim_operator` (the receiving SIM's MCC-MNC, mapped here so every app maps alike).
            let carrier = match (req.opt_str("carrier")?, req.opt_str("sim_operator")?) {
                (Some(c), _) => Some(c),
                (None, Some(op)) => Some(crate::report::Carrier::from_mcc_mnc(op).as_str()),
                (None, None) => None,
            };
            to_value(&s.report_plan(&req.message("message")?, carrier))
        }
        "carrier" => {
            json!({ "carrier": crate::report::Carrier::from_mcc_mnc(req.str("sim_operator")?).as_str() })
        }
        "report_sent" => {
            let recorded = s.report_sent(&req.message("message")?, req.str("channel")?, now)?;
            json!({ "recorded": recorded })
        }
        "unsubscribe" => to_value(&s.unsubscribe(&req.message("message")?)),
        "unsubscribe_sent" => {
            let msg = req.message("message")?;
            let reply = s.unsubscribe(&msg).ok_or_else(|| {
                ApiError::new("invalid_data", "no unsubscribe reply is offered for this message")
            })?;
            s.record_unsubscribe(&reply, now)?;
            let key_sig = reply.signature.as_deref();
            let port = if key_sig.is_none() { Some(reply.destination.as_str()) } else { None };
            let consent = s.snapshot().consents.get(key_sig, port).map(consent_json);
            json!({ "reply": to_value(&reply), "consent": consent })
        }
        "consent_list" => Value::Array(s.snapshot().consents.list().into_iter().map(consent_json).collect()),
        "consent_grant" | "consent_revoke" => {
            let state = if op == "consent_grant" { ConsentState::Granted } else { ConsentState::Revoked };
            consent_json(&s.consent_set(req.opt_str("signature")?, req.opt_str("port")?, state, now)?)
        }
        "consent_forget" => {
            json!({ "found": s.consent_forget(req.opt_str("signature")?, req.opt_str("port")?)? })
        }
        "rules_list" => Value::Array(s.snapshot().rules.list().iter().map(rule_json).collect()),
        "rules_add" => {
            let effect = RuleEffect::parse(req.str("effect")?)
                .ok_or_else(|| ApiError::bad_request("`effect` must be allow or block"))?;
            let target = RuleTarget::parse(req.str("kind")?, req.str("value")?).map_err(StateError::from)?;
            let (id, warnings) = s.rules_add(target, effect, now)?;
            json!({ "id": id, "warnings": warnings })
        }
        "rules_remove" => rule_json(&s.rules_remove(req.id("id")?)?),
        "rules_export" => json!({ "text": s.snapshot().rules.export_json() }),
        "rules_import" => {
            let origin = req.opt_str("origin")?.unwrap_or("imported rules");
            json!({ "added": s.rules_import(req.str("text")?, origin, now)? })
        }
        "feedback" => {
            let kind = FeedbackKind::parse(req.str("kind")?)
                .ok_or_else(|| ApiError::bad_request("`kind` must be not_junk or is_junk"))?;
            let out = s.feedback(kind, &req.message("message")?, now)?;
            json!({ "entry": feedback_json(&out.entry), "verdict": out.verdict, "warnings": out.warnings })
        }
        "feedback_undo" => feedback_json(&s.feedback_undo(req.id("id")?)?),
        "feedback_list" => Value::Array(s.snapshot().feedback.list().iter().map(feedback_json).collect()),
        "settings_get" => settings_json(s),
        "settings_set" => {
            if let Some(strict) = req.opt_bool("strict")? {
                s.set_strict(strict)?;
            }
            if let Some(model) = req.opt_bool("model")? {
                s.set_model(model)?;
            }
            settings_json(s)
        }
        "update_apply" => {
            // A path, not bytes: the app downloads the bundle to a file and hands it over.
            let path = std::path::PathBuf::from(req.str("path")?);
            let bytes = crate::update::read_bundle_file(&path)
                .map_err(|e| ApiError::new("io", format!("{}: {e}", path.display())))?;
            to_value(&s.apply_update(&bytes)?)
        }
        "update_status" => json!({
            "updates_dir": s.updates_dir().map(|p| p.display().to_string()),
            "in_use": to_value(&s.updates()),
            "problems": s.problems(),
        }),
        "state_info" => json!({
            "path": s.path().map(|p| p.display().to_string()),
            "generation": s.generation(),
            "problems": s.problems(),
        }),
        _ => return Err(ApiError::bad_request(format!("unknown op `{}`", truncate(op)))),
    })
}

/// An op name echoed in an error is the caller's own input, but keep it short.
fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

fn to_value<T: Serialize>(v: &T) -> Value {
    // Our types serialise to JSON without failing (string keys, finite floats).
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn settings_json(s: &Session) -> Value {
    json!({ "strict": s.snapshot().settings.strict, "model": s.model_on() })
}

fn consent_json(e: &ConsentEntry) -> Value {
    json!({ "signature": e.signature, "port": e.port, "state": e.state, "at": e.at, "how": e.how })
}

fn rule_json(r: &UserRule) -> Value {
    json!({
        "id": r.id,
        "kind": r.target.kind_str(),
        "value": r.target.value(),
        "effect": r.effect.as_str(),
        "created_at": r.created_at,
    })
}

fn feedback_json(e: &FeedbackEntry) -> Value {
    let (signature, sender) = match &e.target {
        FeedbackTarget::Signature(s) => (Some(s), None),
        FeedbackTarget::Sender(s) => (None, Some(s)),
    };
    json!({ "id": e.id, "kind": e.kind.as_str(), "signature": signature, "sender": sender, "at": e.at })
}

/// Typed access to a request's fields; a wrong or missing field is a `bad_request` naming it.
struct Request<'a>(&'a Map<String, Value>);

impl Request<'_> {
    fn str(&self, key: &str) -> Result<&str, ApiError> {
        self.opt_str(key)?.ok_or_else(|| ApiError::bad_request(format!("missing `{key}`")))
    }

    fn opt_str(&self, key: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::bad_request(format!("`{key}` must be a string"))),
        }
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::bad_request(format!("`{key}` must be true or false"))),
        }
    }

    fn id(&self, key: &str) -> Result<u32, ApiError> {
        self.0
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| ApiError::bad_request(format!("`{key}` must be a rule or feedback id")))
    }

    fn message(&self, key: &str) -> Result<SmsMessage, ApiError> {
        message_from(self.0.get(key).ok_or_else(|| ApiError::bad_request(format!("missing `{key}`")))?, key)
    }

    fn messages(&self, key: &str) -> Result<Vec<SmsMessage>, ApiError> {
        let list = self
            .0
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::bad_request(format!("`{key}` must be a list of messages")))?;
        list.iter().enumerate().map(|(i, v)| message_from(v, &format!("{key}[{i}]"))).collect()
    }
}

/// `{"sender"?, "body", "received_at"?, "known_contact"?}`; a null or absent sender reads as
/// empty, an absent `known_contact` as false.
fn message_from(v: &Value, what: &str) -> Result<SmsMessage, ApiError> {
    let o =
        v.as_object().ok_or_else(|| ApiError::bad_request(format!("`{what}` must be a message object")))?;
    let field = |k: &str| -> Result<Option<String>, ApiError> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::bad_request(format!("`{what}.{k}` must be a string"))),
        }
    };
    let body = field("body")?.ok_or_else(|| ApiError::bad_request(format!("`{what}.body` is missing")))?;
    let known_contact = match o.get("known_contact") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::bad_request(format!("`{what}.known_contact` must be true or false")))
        }
    };
    Ok(SmsMessage {
        sender: field("sender")?.unwrap_or_default(),
        body,
        received_at: field("received_at")?,
        known_contact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionConfig;

    fn call(s: &Session, req: Value) -> Value {
        serde_json::from_str(&handle(s, &req.to_string(), 100)).unwrap_or(Value::Null)
    }

    fn memory() -> Session {
        match Session::open(SessionConfig::default(), None) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn malformed_requests_get_bad_request_and_never_echo_text() {
        let s = memory();
        for (req, needle) in [
            ("{not json", "not JSON"),
            ("[]", "not an object"),
            (r#"{"op":"classify"}"#, "missing `v`"),
            (r#"{"v":2,"op":"classify"}"#, "version 2"),
            (r#"{"v":1,"op":"nope"}"#, "unknown op"),
            (r#"{"v":1,"op":"classify"}"#, "missing `message`"),
            (r#"{"v":1,"op":"classify","message":{"sender":"13800000000"}}"#, "body"),
            (r#"{"v":1,"op":"classify","message":{"body":5}}"#, "must be a string"),
            (r#"{"v":1,"op":"rules_remove","id":-1}"#, "id"),
        ] {
            let r: Value = serde_json::from_str(&handle(&s, req, 1)).unwrap_or(Value::Null);
            assert_eq!(r["ok"], false, "{req}");
            assert_eq!(r["error"]["kind"], "bad_request", "{req}");
            let detail = r["error"]["detail"].as_str().unwrap_or("");
            assert!(detail.contains(needle), "{req}: {detail}");
            assert!(!detail.contains("13800000000"));
        }
    }

    #[test]
    fn classify_batch_keeps_order_and_matches_classify() {
        let s = memory();
        let msgs = json!([
            {"sender": "95588", "body": "【某某银行】您的验证码为123456，请勿泄露"},
            {"body": "周末一起吃饭吗"},
            {"sender": "", "body": ""},
        ]);
        let r = call(&s, json!({"v": 1, "op": "classify_batch", "messages": msgs}));
        let list = r["result"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), 3);
        for (i, m) in msgs.as_array().into_iter().flatten().enumerate() {
            let one = call(&s, json!({"v": 1, "op": "classify", "message": m}));
            assert_eq!(one["result"], list[i]);
        }
        assert_eq!(list[0]["action"], "transaction");
        assert_eq!(list[2]["action"], "none");
    }

    #[test]
    fn a_refused_change_is_invalid_data_with_a_readable_detail() {
        let s = memory();
        let r = call(
            &s,
            json!({"v": 1, "op": "rules_add", "effect": "block", "kind": "keyword", "value": "a,b"}),
        );
        assert_eq!(r["error"]["kind"], "invalid_data");
        assert_eq!(r["error"]["origin"], "user rules");
        assert!(r["error"]["detail"].as_str().unwrap_or("").contains("comma"));
        let r = call(&s, json!({"v": 1, "op": "rules_list"}));
        assert_eq!(r["result"], json!([]));
        let r = call(
            &s,
            json!({"v": 1, "op": "rules_add", "effect": "block", "kind": "signature", "value": "某商城"}),
        );
        assert_eq!(r["result"]["id"], 1);
        assert_eq!(r["result"]["warnings"][0]["code"], "block_hides_transactions");
    }

    #[test]
    fn update_apply_reads_a_file_and_refusals_carry_their_reason() {
        use crate::update::{Keyring, SigningKey, UpdateKind};
        let dir = std::env::temp_dir().join(format!("smsguard-api-update-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let key = SigningKey::from_random("api-test", [5; 32]);
        let public = key.public().and_then(|p| p.key()).expect("key");
        let config =
            SessionConfig { keys: Keyring::empty().with_key("api-test", public), ..SessionConfig::default() };
        let session = Session::open(config, Some(&dir.join("state.json"))).expect("opens");
        let pack = "format = smsguard-rules/1\npack = upd\nversion = 2\n\n[x.y]\nany = 测试词\neffect = block fraud\nreason = x\nzh = 测\nen = T\n";
        let bundle = dir.join("rules.bundle");
        std::fs::write(&bundle, key.sign(UpdateKind::Rules, 2, pack.as_bytes(), None, 0).expect("signs"))
            .expect("write");
        let request = json!({"v": 1, "op": "update_apply", "path": bundle}).to_string();
        let ok: Value = serde_json::from_str(&handle(&session, &request, 0)).expect("json");
        assert_eq!(ok["result"]["version"], 2, "{ok}");
        let again: Value = serde_json::from_str(&handle(&session, &request, 0)).expect("json");
        assert_eq!(again["error"]["kind"], "update_refused", "{again}");
        assert_eq!(again["error"]["item"], "not_newer");
        let status: Value =
            serde_json::from_str(&handle(&session, r#"{"v":1,"op":"update_status"}"#, 0)).expect("json");
        assert_eq!(status["result"]["in_use"][0]["kind"], "rules", "{status}");
        let missing = json!({"v": 1, "op": "update_apply", "path": dir.join("nope")}).to_string();
        let missing: Value = serde_json::from_str(&handle(&session, &missing, 0)).expect("json");
        assert_eq!(missing["error"]["kind"], "io");
    }
}
