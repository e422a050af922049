package com.smsguard.app.core

/** What an `ACTION_SENDTO` intent carries: `smsto:<destination>` and the `sms_body` extra. */
data class SmsIntentData(val uri: String, val body: String)

/** One way to report that the detail screen offers. [sms] is null for copy-only channels. */
data class ReportOption(val channel: String, val destination: String?, val body: String, val sms: SmsIntentData?, val copyText: String, val verified: Boolean)

object SendIntents {
    /**
     * The intent data for texting [body] to [destination], or null when there is no usable
     * destination. The destination is percent-encoded except digits, letters and '+', so a
     * stray '#', ';' or space cannot change the URI's meaning.
     */
    fun smsto(destination: String?, body: String): SmsIntentData? {
        val d = destination?.trim() ?: return null
        if (d.isEmpty()) return null
        val sb = StringBuilder("smsto:")
        for (b in d.toByteArray(Charsets.UTF_8)) {
            val c = b.toInt() and 0xff
            if ((c in '0'.code..'9'.code) || (c in 'a'.code..'z'.code) || (c in 'A'.code..'Z'.code) || c == '+'.code) {
                sb.append(c.toChar())
            } else {
                sb.append('%').append("0123456789ABCDEF"[c shr 4]).append("0123456789ABCDEF"[c and 15])
            }
        }
        return SmsIntentData(sb.toString(), body)
    }

    /**
     * The report choices for a plan: none when the plan is not reportable or the message is a
     * transaction (reporting codes/notices can blacklist the user's own number); an SMS draft
     * opens the SMS app, a copy draft (12321's website/app/WeChat) only offers its text.
     */
    fun reportOptions(plan: ReportPlan): List<ReportOption> {
        if (!plan.reportable || plan.action == "transaction") return emptyList()
        return plan.drafts.map { d ->
            val sms = if (d.kind == "sms") smsto(d.destination, d.body) else null
            ReportOption(d.channel, d.destination, d.body, sms, d.body, d.verified)
        }
    }

    /** The unsubscribe reply to open, or null when the core offers none. */
    fun unsubscribe(draft: UnsubscribeDraft?): SmsIntentData? = draft?.let { smsto(it.destination, it.body) }
}

/** One row of `content://sms/sent`. */
class SentRow(val address: String?, val body: String?, val dateMillis: Long)

object SentCheck {
    /** How much earlier than the tap a sent row may be dated (clock and provider skew). */
    const val SKEW_MS = 60_000L

    /**
     * Whether the user's SMS app sent [body] to [destination] after [openedAtMillis]: a sent row to the same number
     * (+86/0086 aside) with the same body (surrounding blanks aside). The report/unsubscribe is then
     * recorded without asking; without READ_SMS, or when nothing matches, the app asks the user.
     */
    fun wasSent(destination: String, body: String, openedAtMillis: Long, sent: List<SentRow>): Boolean {
        val dest = digits(destination)
        if (dest.isEmpty()) return false
        val text = body.trim()
        return sent.any { r ->
            r.dateMillis >= openedAtMillis - SKEW_MS && digits(r.address ?: "") == dest && (r.body ?: "").trim() == text
        }
    }

    private fun digits(s: String): String {
        val d = s.filter { it.isDigit() }
        return when {
            s.trim().startsWith("+86") -> d.removePrefix("86")
            d.startsWith("0086") -> d.substring(4)
            else -> d
        }
    }
}
