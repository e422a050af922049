package com.smsguard.app.core

/** What the app posts after sorting a message. */
enum class NotifyDecision {
    /** Post nothing: the user's SMS app shows its own notification, which is left alone. */
    NONE,
    /** A silent notification in the "sorted" channel (folder · sender). */
    QUIET_SORTED,
    /** Count it into the silent "已拦截 N 条" summary. */
    SUMMARY,
}

/** A notification another app posted, as the listener sees it (text may be hidden on Android 15). */
class PostedNotification(
    val packageName: String,
    val title: String?,
    val text: String?,
    val postTimeMillis: Long,
)

/** A recently stored message the listener may match a notification against. */
class RecentMessage(val id: Long, val sender: String, val body: String, val receivedMillis: Long, val action: String)

object NotificationPolicy {
    /** How far apart a notification and the message it shows may be. */
    const val MATCH_WINDOW_MS = 10 * 60 * 1000L

    /** A notification text shorter than this is too weak to match on (unless it is the whole body). */
    const val MIN_MATCH_CHARS = 8

    /**
     * After sorting: transactions (codes above all) and personal messages get nothing from us —
     * the SMS app's notification stays, so a code is never hidden and never announced twice;
     * promotions get a silent line; junk counts into the silent summary.
     */
    fun afterClassify(v: Verdict): NotifyDecision = when (v.action) {
        "junk" -> NotifyDecision.SUMMARY
        "promotion" -> NotifyDecision.QUIET_SORTED
        else -> NotifyDecision.NONE
    }

    /**
     * The message to dismiss [n] for, or null to leave it. A notification is dismissed only when
     * it comes from the default SMS app, its text is visible, it matches exactly one recent message
     * and that message is junk. Anything ambiguous, hidden (Android 15 redacts codes for
     * listeners), grouped ("3 条新信息") or matching a non-junk message stays.
     */
    fun dismissFor(n: PostedNotification, defaultSmsPackage: String?, ownPackage: String, recent: List<RecentMessage>): RecentMessage? {
        if (defaultSmsPackage == null || n.packageName != defaultSmsPackage || n.packageName == ownPackage) return null
        val text = normal(n.text ?: return null)
        if (text.isEmpty()) return null
        val matches = recent.filter { m ->
            Math.abs(m.receivedMillis - n.postTimeMillis) <= MATCH_WINDOW_MS && textMatches(text, normal(m.body)) &&
                senderMatches(n.title, m.sender)
        }
        if (matches.size != 1) return null
        val m = matches[0]
        return if (m.action == "junk") m else null
    }

    private fun normal(s: String): String = s.replace(Regex("\\s+"), " ").trim()

    /** The notification shows the whole body, or a prefix of it (SMS apps truncate with "…"). */
    private fun textMatches(text: String, body: String): Boolean {
        if (body.isEmpty()) return false
        if (text == body) return true
        val t = text.trimEnd('…', '.').trimEnd()
        return t.length >= MIN_MATCH_CHARS && body.startsWith(t)
    }

    /** The title is the sender's number (any +86/0086 prefix aside) or a contact name we cannot check. */
    private fun senderMatches(title: String?, sender: String): Boolean {
        if (title == null || sender.isEmpty()) return true
        val digits = title.filter { it.isDigit() }
        if (digits.isEmpty()) return true // a contact name: the body match has to carry it
        return strip86(digits) == strip86(sender.filter { it.isDigit() })
    }

    private fun strip86(d: String): String = when {
        d.startsWith("0086") -> d.substring(4)
        d.startsWith("86") && d.length > 11 -> d.substring(2)
        else -> d
    }
}
