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
