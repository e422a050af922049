package com.smsguard.app.core

/** Where core logic writes diagnostics. Lines never contain message text or phone numbers. */
interface Logger {
    fun log(line: String)
}

/** One decoded PDU of an SMS_RECEIVED broadcast (null in the list = a part that did not decode). */
class SmsPart(val sender: String?, val body: String?, val timestampMillis: Long)

/** An assembled message and the time the phone reported for its first part. */
class Assembled(val sender: String, val body: String, val timestampMillis: Long)

object Multipart {
    /**
     * Joins the parts of one SMS_RECEIVED broadcast into messages. The framework hands the parts
     * of a concatenated SMS in order; parts from the same sender are joined in that order (a
     * broadcast normally carries one message, but a sender change starts a new one). Null parts
     * (undecodable PDUs) are skipped with a log line that names no text and no number. A missing
     * sender becomes "" (the engine reads it as unknown); a missing body becomes "".
     */
    fun assemble(parts: List<SmsPart?>, logger: Logger? = null): List<Assembled> {
        val out = ArrayList<Assembled>()
        var sender: String? = null
        var time = 0L
        var body: StringBuilder? = null
        var skipped = false
        for (p in parts) {
            if (p == null) {
                skipped = true
                continue
            }
            val s = (p.sender ?: "").trim()
            if (body == null || s != sender) {
                if (body != null) out.add(Assembled(sender ?: "", body.toString(), time))
                sender = s
                time = p.timestampMillis
                body = StringBuilder()
            }
            body.append(p.body ?: "")
        }
        if (body != null) out.add(Assembled(sender ?: "", body.toString(), time))
        if (skipped) logger?.log("sms: skipped an undecodable part")
        return out
    }
}

object Times {
    /** Epoch milliseconds as ISO-8601 UTC (`2024-05-01T08:30:00Z`), without java.time (API 26) or Math.floorDiv (not in android.jar 23). */
    fun iso(millis: Long): String {
        val secs = millis.floorDiv(1000L)
        val days = secs.floorDiv(86400L)
        val sod = secs.mod(86400L)
        // civil_from_days (H. Hinnant)
        val z = days + 719468
        val era = z.floorDiv(146097L)
        val doe = z - era * 146097
        val yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        var y = yoe + era * 400
        val doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        val mp = (5 * doy + 2) / 153
        val d = doy - (153 * mp + 2) / 5 + 1
        val m = if (mp < 10) mp + 3 else mp - 9
        if (m <= 2) y += 1
        return String.format(
            java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02dZ",
            y, m, d, sod / 3600, (sod / 60) % 60, sod % 60,
        )
    }
}

object Text {
    /** At most [max] characters of [s] on one line, never splitting a surrogate pair. */
    fun preview(s: String, max: Int): String {
        val flat = s.replace('\n', ' ').replace('\r', ' ').trim()
        if (flat.length <= max) return flat
        var end = max
        if (end > 0 && Character.isHighSurrogate(flat[end - 1])) end--
        return flat.substring(0, end) + "…"
    }
}
