package com.smsguard.app.core

/** A database error the UI explains ("storage full or unreadable"); never carries message text. */
class StoreException(message: String, cause: Throwable? = null) : Exception(message, cause)

/** One result row; columns by index in SELECT order. */
interface Row {
    fun string(i: Int): String?
    fun long(i: Int): Long
    fun double(i: Int): Double
}

/**
 * The little SQL the store needs. Android wraps SQLiteDatabase, the host tests JDBC SQLite: the
 * same statements run on both. Arguments are String, Long, Double or null; query arguments are
 * compared with columns only (Android binds query arguments as text). Implementations throw
 * [StoreException] for any database failure.
 */
interface Sql {
    fun exec(sql: String, args: List<Any?> = emptyList())
    fun insert(sql: String, args: List<Any?>): Long
    fun <T> query(sql: String, args: List<Any?>, map: (Row) -> T): List<T>
    fun <T> transaction(block: () -> T): T
}

class StoredMessage(
    val id: Long,
    val providerId: Long?,
    val sender: String,
    val body: String,
    val receivedAt: String?,
    val receivedMillis: Long,
    val verdict: Verdict,
    val feedbackId: Any?,
    /** The receiving SIM (the broadcast's `subscription` extra), null when unknown or imported. */
    val subscriptionId: Long?,
    /** The sender was a saved contact when it was sorted. */
    val knownContact: Boolean = false,
    /** The body was dropped by the retention rules ([bodyHash] and the verdict stay). */
    val bodyDropped: Boolean = false,
    val bodyHash: String? = null,
) {
    val message: Message get() = Message(sender, body, receivedAt, knownContact)
}

/** One row of the report log: [state] `drafted` until found in content://sms/sent, then `sent`. */
class ReportEntry(
    val id: Long,
    val messageId: Long,
    val channel: String,
    val destination: String,
    val bodyHash: String,
    val state: String,
    val draftedMillis: Long,
    val sentMillis: Long?,
)

/** One inbox row of `content://sms/inbox`. */
class InboxRow(val providerId: Long, val sender: String?, val body: String?, val dateMillis: Long)

/**
 * The app's private message store: what it sorted and the verdict. The user's decisions (rules,
 * consent, feedback, reports) live in the engine's state file, so losing this database loses
 * only the sorted copy, which the inbox import rebuilds.
 */
class MessageStore(private val sql: Sql) {
    companion object {
        val FOLDERS = listOf("allow", "transaction", "promotion", "junk")

        /**
         * The folder a verdict's action goes to. The engine answers `none` for a message with no
         * text to judge (empty or only control characters): it is not filtered, so 个人 shows it
         * rather than no folder at all.
         */
        fun folderOf(action: String): String = if (action in FOLDERS) action else "allow"
        const val VERSION = 2L
        private const val COLS =
            "id, provider_id, sender, body, received_at, received_ms, verdict_json, feedback_id, sub_id, contact, body_dropped, body_hash"

        /** SHA-256 (hex) of a body: what stays when the body is dropped (matches, duplicates). */
        fun hash(body: String): String {
            val d = java.security.MessageDigest.getInstance("SHA-256").digest(body.toByteArray(Charsets.UTF_8))
            val sb = StringBuilder(64)
            for (b in d) sb.append("0123456789abcdef"[(b.toInt() shr 4) and 15]).append("0123456789abcdef"[b.toInt() and 15])
            return sb.toString()
        }
    }

    init {
        sql.transaction {
            sql.exec(
                "CREATE TABLE IF NOT EXISTS messages (" +
                    "id INTEGER PRIMARY KEY AUTOINCREMENT, provider_id INTEGER UNIQUE, sender TEXT NOT NULL, " +
                    "body TEXT NOT NULL, received_at TEXT, received_ms INTEGER NOT NULL, action TEXT NOT NULL, " +
                    "category TEXT NOT NULL, verdict_json TEXT NOT NULL, feedback_id TEXT, sub_id INTEGER)",
            )
            sql.exec("CREATE INDEX IF NOT EXISTS messages_action ON messages(action, received_ms)")
            sql.exec("CREATE INDEX IF NOT EXISTS messages_time ON messages(received_ms)")
            sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            // v2: contact flag, retention (dropped bodies keep a hash), the report log
            val have = sql.query("PRAGMA table_info(messages)", emptyList()) { it.string(1) ?: "" }.toSet()
            for ((col, type) in listOf("contact" to "INTEGER NOT NULL DEFAULT 0", "body_dropped" to "INTEGER NOT NULL DEFAULT 0", "body_hash" to "TEXT")) {
                if (col !in have) sql.exec("ALTER TABLE messages ADD COLUMN $col $type")
            }
            sql.exec(
                "CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, " +
                    "channel TEXT NOT NULL, destination TEXT NOT NULL, body_hash TEXT NOT NULL, state TEXT NOT NULL, " +
                    "drafted_ms INTEGER NOT NULL, sent_ms INTEGER)",
            )
        }
    }

    private fun row(r: Row): StoredMessage {
        val verdict = try {
            Verdict.from(Json.parse(r.string(6) ?: "{}"))
        } catch (e: Exception) {
            throw StoreException("unreadable verdict in row", e)
        }
        val fb = r.string(7)?.let { decodeId(it) }
        val pid = r.string(1)?.toLongOrNull()
        val sub = r.string(8)?.toLongOrNull()
        return StoredMessage(
            r.long(0), pid, r.string(2) ?: "", r.string(3) ?: "", r.string(4), r.long(5), verdict, fb, sub,
            r.long(9) != 0L, r.long(10) != 0L, r.string(11),
        )
    }

    private fun encodeId(id: Any?): String? = if (id == null) null else Json.write(id)
    private fun decodeId(s: String): Any? = try { Json.parse(s) } catch (e: Exception) { s }

    fun insert(m: Message, receivedMillis: Long, verdict: Verdict, providerId: Long? = null, subscriptionId: Long? = null): Long = sql.insert(
        "INSERT INTO messages (provider_id, sender, body, received_at, received_ms, action, category, verdict_json, sub_id, contact, body_hash) " +
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        listOf(
            providerId, m.sender ?: "", m.body, m.receivedAt, receivedMillis, folderOf(verdict.action), verdict.category,
            Json.write(verdict.toJson()), subscriptionId, if (m.knownContact) 1L else 0L, hash(m.body),
        ),
    )

    fun get(id: Long): StoredMessage? =
        sql.query("SELECT $COLS FROM messages WHERE id = ?", listOf(id)) { row(it) }.firstOrNull()

    /** Newest first. */
    fun list(folder: String, limit: Int = 500, offset: Int = 0): List<StoredMessage> = sql.query(
        "SELECT $COLS FROM messages WHERE action = ? ORDER BY received_ms DESC, id DESC LIMIT ${limit.coerceAtLeast(0)} OFFSET ${offset.coerceAtLeast(0)}",
        listOf(folder),
    ) { row(it) }

    /** Count per folder; every folder is present (0 when empty). */
    fun counts(): Map<String, Long> {
        val m = LinkedHashMap<String, Long>()
        for (f in FOLDERS) m[f] = 0L
        sql.query("SELECT action, COUNT(*) FROM messages GROUP BY action", emptyList()) { Pair(it.string(0) ?: "", it.long(1)) }
            .forEach { (a, n) -> if (a in m) m[a] = n }
        return m
    }

    fun total(): Long = sql.query("SELECT COUNT(*) FROM messages", emptyList()) { it.long(0) }.first()

    /** After feedback or undo: the message moves to the verdict's folder. */
    fun updateVerdict(id: Long, verdict: Verdict, feedbackId: Any?) {
        sql.exec(
            "UPDATE messages SET action = ?, category = ?, verdict_json = ?, feedback_id = ? WHERE id = ?",
            listOf(folderOf(verdict.action), verdict.category, Json.write(verdict.toJson()), encodeId(feedbackId), id),
        )
    }

    fun recent(sinceMillis: Long): List<RecentMessage> = sql.query(
        "SELECT id, sender, body, received_ms, action FROM messages WHERE received_ms >= ? ORDER BY received_ms DESC LIMIT 200",
        listOf(sinceMillis),
    ) { RecentMessage(it.long(0), it.string(1) ?: "", it.string(2) ?: "", it.long(3), it.string(4) ?: "") }

    fun findByProvider(providerId: Long): Long? =
        sql.query("SELECT id FROM messages WHERE provider_id = ?", listOf(providerId)) { it.long(0) }.firstOrNull()

    fun hasProviderId(providerId: Long): Boolean =
        sql.query("SELECT 1 FROM messages WHERE provider_id = ?", listOf(providerId)) { 1 }.isNotEmpty()

    /**
     * A message the receiver stored (no provider id yet) that is this inbox row: same sender and
     * body, received within [windowMs]. It gets the provider id, so reconciling does not add it twice.
     */
    fun adoptReceived(row: InboxRow, windowMs: Long = 5 * 60 * 1000L): Boolean {
        val ids = sql.query(
            "SELECT id, received_ms FROM messages WHERE provider_id IS NULL AND sender = ? AND body = ?",
            listOf(row.sender ?: "", row.body ?: ""),
        ) { Pair(it.long(0), it.long(1)) }.filter { Math.abs(it.second - row.dateMillis) <= windowMs }
        val id = ids.firstOrNull()?.first ?: return false
        sql.exec("UPDATE messages SET provider_id = ? WHERE id = ?", listOf(row.providerId, id))
        return true
    }

    /**
     * Retention: bodies older than [bodyDays] days are dropped, and verification-code bodies after
     * [otpHours] hours; the row, its verdict and the body's hash stay (folder counts, duplicate
     * checks). Returns how many bodies were dropped.
     */
    fun purgeBodies(nowMillis: Long, bodyDays: Int = Retention.DEFAULT_BODY_DAYS, otpHours: Int = Retention.OTP_HOURS): Int = sql.transaction {
        val old = nowMillis - bodyDays.coerceAtLeast(1) * 86_400_000L
        val otp = nowMillis - otpHours.coerceAtLeast(1) * 3_600_000L
        val ids = sql.query(
            "SELECT id FROM messages WHERE body_dropped = 0 AND (received_ms < ? OR (action = 'transaction' AND category = 'otp' AND received_ms < ?))",
            listOf(old, otp),
        ) { it.long(0) }
        for (id in ids) sql.exec("UPDATE messages SET body = '', body_dropped = 1 WHERE id = ?", listOf(id))
        ids.size
    }

    /** Everything this store holds (messages, meta, the report log): "delete all data". */
    fun wipe() = sql.transaction {
        sql.exec("DELETE FROM messages")
        sql.exec("DELETE FROM meta")
        sql.exec("DELETE FROM reports")
    }

    /** After [wipe]: give the freed pages back, so deleted bodies do not linger in the file. */
    fun vacuum() = sql.exec("VACUUM")

    /** A report handed to the SMS app: recorded as drafted; [markSent] once it is seen in content://sms/sent. */
    fun reportDrafted(messageId: Long, channel: String, destination: String, body: String, atMillis: Long): Long = sql.insert(
        "INSERT INTO reports (message_id, channel, destination, body_hash, state, drafted_ms) VALUES (?, ?, ?, ?, 'drafted', ?)",
        listOf(messageId, channel, destination, hash(body.trim()), atMillis),
    )

    fun markSent(reportId: Long, atMillis: Long) =
        sql.exec("UPDATE reports SET state = 'sent', sent_ms = ? WHERE id = ? AND state = 'drafted'", listOf(atMillis, reportId))

    /** Newest first. */
    fun reports(limit: Int = 200): List<ReportEntry> = sql.query(
        "SELECT id, message_id, channel, destination, body_hash, state, drafted_ms, sent_ms FROM reports ORDER BY drafted_ms DESC, id DESC LIMIT ${limit.coerceAtLeast(0)}",
        emptyList(),
    ) { ReportEntry(it.long(0), it.long(1), it.string(2) ?: "", it.string(3) ?: "", it.string(4) ?: "", it.string(5) ?: "", it.long(6), it.string(7)?.toLongOrNull()) }

    fun pendingReports(): List<ReportEntry> = reports(1000).filter { it.state == "drafted" }

    fun meta(key: String): String? = sql.query("SELECT v FROM meta WHERE k = ?", listOf(key)) { it.string(0) }.firstOrNull()

    fun setMeta(key: String, value: String?) {
        if (value == null) sql.exec("DELETE FROM meta WHERE k = ?", listOf(key))
        else sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", listOf(key, value))
    }

    /** The "已拦截 N 条" counter: junk dismissed since the user last looked at the junk folder. */
    fun bumpBlocked(): Long = sql.transaction {
        val n = (meta("blocked")?.toLongOrNull() ?: 0L) + 1
        setMeta("blocked", n.toString())
        n
    }

    fun clearBlocked() = setMeta("blocked", null)

    fun <T> transaction(block: () -> T): T = sql.transaction(block)
}
