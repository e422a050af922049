package com.smsguard.app.core

import com.smsguard.app.core.Harness.test
import java.io.File

object StoreTests {
    fun tmpDb(): File = File.createTempFile("smsguard-store", ".db").also { it.deleteOnExit() }

    fun verdict(action: String, category: String) =
        Verdict(action, category, 0.8, null, "mobile", null, listOf(Reason("r", "理由", "reason")))

    fun register() {
        test("store: insert, get, list newest first, counts for every folder") {
            JdbcSql("jdbc:sqlite:" + tmpDb().path).use { sql ->
                val st = MessageStore(sql)
                eq(mapOf("allow" to 0L, "transaction" to 0L, "promotion" to 0L, "junk" to 0L), st.counts())
                val a = st.insert(Message("13800000001", "晚上一起吃饭吗", "2024-01-01T00:00:00Z"), 10, verdict("allow", "personal"))
                val b = st.insert(Message("", "", null), 20, verdict("junk", "fraud"), providerId = 77)
                val c = st.insert(Message("10690001", "x".repeat(10_000), null), 30, verdict("junk", "other"), subscriptionId = 2L)
                eq(mapOf("allow" to 1L, "transaction" to 0L, "promotion" to 0L, "junk" to 2L), st.counts())
                eq(listOf(c, b), st.list("junk").map { it.id })
                val got = st.get(a)!!
                eq("晚上一起吃饭吗", got.body)
                eq("2024-01-01T00:00:00Z", got.receivedAt)
                eq("理由", got.verdict.firstReason!!.zh)
                eq(10_000, st.get(c)!!.body.length)
                eq(2L, st.get(c)!!.subscriptionId)
                eq(null, got.subscriptionId)
                check(st.hasProviderId(77))
                check(!st.hasProviderId(78))
                st.updateVerdict(b, verdict("allow", "personal"), 42L)
                eq(42L, st.get(b)!!.feedbackId)
                eq(2L, st.counts()["allow"])
                st.updateVerdict(b, verdict("junk", "fraud"), "fb-1")
                eq("fb-1", st.get(b)!!.feedbackId)
            }
        }

        test("store: a received message is adopted by its inbox row, not added twice") {
            JdbcSql("jdbc:sqlite:" + tmpDb().path).use { sql ->
                val st = MessageStore(sql)
                st.insert(Message("10690002", "正文", null), 1_000_000, verdict("promotion", "offers"))
                check(!st.adoptReceived(InboxRow(5, "10690002", "正文", 1_000_000 + 3_600_000)))
                check(!st.adoptReceived(InboxRow(5, "10690003", "正文", 1_000_000)))
                check(st.adoptReceived(InboxRow(5, "10690002", "正文", 1_000_500)))
                check(st.hasProviderId(5))
                eq(1L, st.total())
            }
        }

        test("store: meta and the blocked counter") {
            JdbcSql("jdbc:sqlite:" + tmpDb().path).use { sql ->
                val st = MessageStore(sql)
                eq(null, st.meta("k"))
                st.setMeta("k", "v")
                eq("v", st.meta("k"))
                eq(1L, st.bumpBlocked())
                eq(2L, st.bumpBlocked())
                st.clearBlocked()
                eq(1L, st.bumpBlocked())
            }
        }

        test("store: an unreadable database file is a StoreException, not a crash") {
            val f = tmpDb()
            f.writeBytes(ByteArray(4096) { (it * 31).toByte() })
            throws<StoreException> { JdbcSql("jdbc:sqlite:" + f.path).use { MessageStore(it) } }
        }

        test("store: a full database fails the insert with StoreException and keeps earlier rows") {
            JdbcSql("jdbc:sqlite:" + tmpDb().path).use { sql ->
                val st = MessageStore(sql)
                st.insert(Message("1", "kept", null), 1, verdict("allow", "personal"))
                val pages = sql.query("PRAGMA page_count", emptyList()) { it.long(0) }.first()
                sql.exec("PRAGMA max_page_count = $pages")
                throws<StoreException> {
                    repeat(50) { st.insert(Message("2", "y".repeat(10_000), null), 2, verdict("junk", "other")) }
                }
                eq("kept", st.list("allow").single().body)
            }
        }
    }
}
