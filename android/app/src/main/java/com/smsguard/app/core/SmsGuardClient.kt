package com.smsguard.app.core

/** The one JNI entry (`SmsGuardNative.call`): a JSON request in, a JSON response out. */
interface Native {
    fun call(req: String): String
}

/** A refused request (`{"ok":false}`), or a response this client cannot read (kind `internal`). */
class EngineException(
    val kind: String,
    val detail: String,
    val origin: String? = null,
    val line: Long? = null,
    val item: String? = null,
) : Exception("$kind: $detail")

/**
 * An SMS as the engine takes it. [receivedAt] is kept verbatim by the engine. [knownContact]: the
 * sender is a saved contact (only known with READ_CONTACTS): junk or promotion from it goes to the
 * inbox unless the user blocked it.
 */
data class Message(val sender: String?, val body: String, val receivedAt: String? = null, val knownContact: Boolean = false) {
    fun toJson(): Map<String, Any?> {
        val m = LinkedHashMap<String, Any?>()
        m["sender"] = sender ?: ""
        m["body"] = body
        if (receivedAt != null) m["received_at"] = receivedAt
        if (knownContact) m["known_contact"] = true
        return m
    }
}

data class Reason(val code: String, val zh: String, val en: String) {
    fun text(english: Boolean): String = if (english) en else zh

    companion object {
        fun from(v: Any?): Reason {
            val o = v.asObj("reason")
            return Reason(o.str("code"), o.strOrNull("zh") ?: "", o.strOrNull("en") ?: "")
        }

        fun listFrom(v: Any?): List<Reason> = (v as? List<*>)?.map { from(it) } ?: emptyList()
    }
}

data class Verdict(
    val action: String,
    val category: String,
    val score: Double,
    val signature: String?,
    val senderKind: String,
    val consent: String?,
    val reasons: List<Reason>,
) {
    val firstReason: Reason? get() = reasons.firstOrNull()
    val isOtp: Boolean get() = action == "transaction" && category == "otp"

    fun toJson(): Map<String, Any?> = Json.obj(
        "action" to action, "category" to category, "score" to score, "signature" to signature,
        "sender_kind" to senderKind, "consent" to consent,
        "reasons" to reasons.map { Json.obj("code" to it.code, "zh" to it.zh, "en" to it.en) },
    )

    companion object {
        fun from(v: Any?): Verdict {
            val o = v.asObj("verdict")
            return Verdict(
                action = o.str("action"),
                category = o.strOrNull("category") ?: "other",
                score = if (o["score"] == null) 0.0 else o.double("score"),
                signature = o.strOrNull("signature"),
                senderKind = o.strOrNull("sender_kind") ?: "unknown",
                consent = o.strOrNull("consent"),
                reasons = Reason.listFrom(o["reasons"]),
            )
        }
    }
}

data class Draft(
    val channel: String,
    val kind: String,
    val destination: String?,
    val body: String,
    val segments: Long,
    val verified: Boolean,
)

data class ReportPlan(
    val key: String?,
    val reportable: Boolean,
    val notReportable: Reason?,
    val drafts: List<Draft>,
    val warnings: List<Reason>,
    val text: String?,
    val action: String?,
    val category: String?,
)

data class UnsubscribeDraft(
    val destination: String,
    val body: String,
    val segments: Long,
    val signature: String?,
    val warnings: List<Reason>,
)

data class ConsentEntry(val signature: String?, val port: String?, val state: String, val at: String?, val how: String?) {
    companion object {
        fun from(v: Any?): ConsentEntry {
            val o = v.asObj("consent entry")
            return ConsentEntry(o.strOrNull("signature"), o.strOrNull("port"), o.str("state"), o["at"]?.toString(), o.strOrNull("how"))
        }
    }
}

/** [id] is passed back to the engine exactly as it came (number or string). */
data class Rule(val id: Any?, val kind: String, val value: String, val effect: String, val createdAt: String?) {
    companion object {
        fun from(v: Any?): Rule {
            val o = v.asObj("rule")
            return Rule(o["id"], o.str("kind"), o.str("value"), o.str("effect"), o["created_at"]?.toString())
        }
    }
}

data class FeedbackEntry(val id: Any?, val kind: String, val signature: String?, val sender: String?, val at: String?) {
    companion object {
        fun from(v: Any?): FeedbackEntry {
            val o = v.asObj("feedback entry")
            return FeedbackEntry(o["id"], o.str("kind"), o.strOrNull("signature"), o.strOrNull("sender"), o["at"]?.toString())
        }
    }
}

data class FeedbackResult(val entry: FeedbackEntry, val verdict: Verdict, val warnings: List<Reason>)

data class Settings(val strict: Boolean, val model: Boolean)

data class AddedRule(val id: Any?, val warnings: List<Reason>)

/**
 * The typed client over the request API v1 (see /tmp/smsguard-api.md → the lead's api module).
 * Every method either returns the typed result or throws [EngineException]; it never returns a
 * half-read value. Thread-safety is the native session's (it is thread-safe).
 */
class SmsGuardClient(private val native: Native) {

    /** Sends one request; returns `result` or throws the engine's error as [EngineException]. */
    fun request(op: String, fields: Map<String, Any?> = emptyMap()): Any? {
        val req = LinkedHashMap<String, Any?>()
        req["v"] = 1L
        req["op"] = op
        req.putAll(fields)
        val raw = native.call(Json.write(req))
        val resp = try {
            Json.parse(raw).asObj("response")
        } catch (e: Exception) {
            throw EngineException("internal", "unreadable response to '$op'")
        }
        if (resp["ok"] == true) return resp["result"]
        val err = resp["error"] as? Map<*, *> ?: throw EngineException("internal", "response to '$op' has no result")
        throw EngineException(
            kind = err["kind"] as? String ?: "internal",
            detail = err["detail"] as? String ?: "",
            origin = err["origin"] as? String,
            line = (err["line"] as? Long),
            item = err["item"] as? String,
        )
    }

    private inline fun <T> read(op: String, block: () -> T): T = try {
        block()
    } catch (e: JsonShapeException) {
        throw EngineException("internal", "unexpected result of '$op': ${e.message}")
    }

    fun version(): Map<String, Any?> = read("version") { request("version").asObj() }

    fun classify(m: Message): Verdict = read("classify") { Verdict.from(request("classify", mapOf("message" to m.toJson()))) }

    fun classifyBatch(ms: List<Message>): List<Verdict> = read("classify_batch") {
        val out = request("classify_batch", mapOf("messages" to ms.map { it.toJson() })).asList().map { Verdict.from(it) }
        if (out.size != ms.size) throw EngineException("internal", "classify_batch returned ${out.size} of ${ms.size}")
        out
    }

    /** The explanation document (has `verdict`), as parsed JSON. */
    fun explain(m: Message): Map<String, Any?> = read("explain") { request("explain", mapOf("message" to m.toJson())).asObj() }

    /**
     * The report plan. [simOperator]: the receiving SIM's MCC-MNC (`getSimOperator`); the core maps
     * it to the carrier whose number comes first ([carrier], a carrier name, wins when given).
     */
    fun reportPlan(m: Message, carrier: String? = null, simOperator: String? = null): ReportPlan = read("report_plan") {
        val f = LinkedHashMap<String, Any?>()
        f["message"] = m.toJson()
        if (carrier != null) f["carrier"] = carrier
        if (simOperator != null) f["sim_operator"] = simOperator
        val o = request("report_plan", f).asObj()
        ReportPlan(
            key = o["key"]?.toString(),
            reportable = o["reportable"] == true,
            notReportable = o["not_reportable"]?.let { Reason.from(it) },
            drafts = o.list("drafts").map {
                val d = it.asObj("draft")
                Draft(
                    d.str("channel"), d.strOrNull("kind") ?: "sms", d.strOrNull("destination"), d.str("body"),
                    if (d["segments"] == null) 1 else d.long("segments"), d["verified"] == true,
                )
            },
            warnings = Reason.listFrom(o["warnings"]),
            text = o.strOrNull("text"),
            action = o.strOrNull("action"),
            category = o.strOrNull("category"),
        )
    }

    /** True when newly recorded, false when it was already recorded for that channel. */
    fun reportSent(m: Message, channel: String): Boolean = read("report_sent") {
        request("report_sent", mapOf("message" to m.toJson(), "channel" to channel)).asObj().bool("recorded")
    }

    /** The opt-out reply, or null when the core offers none (fraud, personal numbers, no signature…). */
    fun unsubscribe(m: Message): UnsubscribeDraft? = read("unsubscribe") {
        val r = request("unsubscribe", mapOf("message" to m.toJson())) ?: return@read null
        val o = r.asObj()
        UnsubscribeDraft(
            o.str("destination"), o.str("body"), if (o["segments"] == null) 1 else o.long("segments"),
            o.strOrNull("signature"), Reason.listFrom(o["warnings"]),
        )
    }

    /** Records the sent reply; the consent entry it revoked, or null. */
    fun unsubscribeSent(m: Message): ConsentEntry? = read("unsubscribe_sent") {
        val o = request("unsubscribe_sent", mapOf("message" to m.toJson())).asObj()
        o["consent"]?.let { ConsentEntry.from(it) }
    }

    fun consentList(): List<ConsentEntry> = read("consent_list") { request("consent_list").asList().map { ConsentEntry.from(it) } }

    private fun sigPort(signature: String?, port: String?): Map<String, Any?> {
        val f = LinkedHashMap<String, Any?>()
        if (signature != null) f["signature"] = signature
        if (port != null) f["port"] = port
        return f
    }

    fun consentGrant(signature: String?, port: String? = null): ConsentEntry =
        read("consent_grant") { ConsentEntry.from(request("consent_grant", sigPort(signature, port))) }

    fun consentRevoke(signature: String?, port: String? = null): ConsentEntry =
        read("consent_revoke") { ConsentEntry.from(request("consent_revoke", sigPort(signature, port))) }

    fun consentForget(signature: String?, port: String? = null): Boolean =
        read("consent_forget") { request("consent_forget", sigPort(signature, port)).asObj().bool("found") }

    fun rulesList(): List<Rule> = read("rules_list") { request("rules_list").asList().map { Rule.from(it) } }

    fun rulesAdd(effect: String, kind: String, value: String): AddedRule = read("rules_add") {
        val o = request("rules_add", mapOf("effect" to effect, "kind" to kind, "value" to value)).asObj()
        AddedRule(o["id"], Reason.listFrom(o["warnings"]))
    }

    fun rulesRemove(id: Any?): Rule = read("rules_remove") { Rule.from(request("rules_remove", mapOf("id" to id))) }

    fun rulesExport(): String = read("rules_export") { request("rules_export").asObj().str("text") }

    fun rulesImport(text: String, origin: String? = null): Long = read("rules_import") {
        val f = LinkedHashMap<String, Any?>()
        f["text"] = text
        if (origin != null) f["origin"] = origin
        request("rules_import", f).asObj().long("added")
    }

    /** [kind]: `not_junk` or `is_junk`. */
    fun feedback(kind: String, m: Message): FeedbackResult = read("feedback") {
        val o = request("feedback", mapOf("kind" to kind, "message" to m.toJson())).asObj()
        FeedbackResult(FeedbackEntry.from(o["entry"]), Verdict.from(o["verdict"]), Reason.listFrom(o["warnings"]))
    }

    fun feedbackUndo(id: Any?): FeedbackEntry = read("feedback_undo") { FeedbackEntry.from(request("feedback_undo", mapOf("id" to id))) }

    fun feedbackList(): List<FeedbackEntry> = read("feedback_list") { request("feedback_list").asList().map { FeedbackEntry.from(it) } }

    fun settingsGet(): Settings = read("settings_get") {
        val o = request("settings_get").asObj()
        Settings(o.bool("strict"), o.bool("model"))
    }

    fun settingsSet(strict: Boolean? = null, model: Boolean? = null): Settings = read("settings_set") {
        val f = LinkedHashMap<String, Any?>()
        if (strict != null) f["strict"] = strict
        if (model != null) f["model"] = model
        val o = request("settings_set", f).asObj()
        Settings(o.bool("strict"), o.bool("model"))
    }

    /** The carrier name (`china_mobile` … `unknown`) of a SIM's MCC-MNC: the core's mapping, not a copy. */
    fun carrier(simOperator: String?): String = read("carrier") {
        request("carrier", mapOf("sim_operator" to (simOperator ?: ""))).asObj().str("carrier")
    }

    fun stateInfo(): Map<String, Any?> = read("state_info") { request("state_info").asObj() }
}
