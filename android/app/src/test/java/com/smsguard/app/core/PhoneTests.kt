package com.smsguard.app.core

import com.smsguard.app.core.Harness.test
import com.smsguard.oem.SmsGuardNative
import java.io.File

/**
 * Issue "Android app on real Chinese phones": reconciliation, vendors, dual SIM carriers, saved
 * contacts, the share target, report states, safe 退订 and retention — against the REAL engine
 * and real SQLite (JDBC). The shared vectors come from testdata/ (smsguard.testdata). Every
 * message here is invented.
 */
object PhoneTests {
    private class Env(contacts: KnownContacts = KnownContacts.NONE) : AutoCloseable {
        val dir: File = File.createTempFile("smsguard-phone", "").also { it.delete(); it.mkdirs() }
        val statePath = File(dir, "state.json").path
        val native = JniNative(SmsGuardNative.openSession(statePath, null))
        val client = SmsGuardClient(native)
        val sql = JdbcSql("jdbc:sqlite:" + File(dir, "messages.db").path)
        val store = MessageStore(sql)
        val sorter = Sorter(client, store, ListLogger(), contacts)
        val actions = MessageActions(client, store)
        override fun close() {
            sql.close()
            native.close()
            dir.deleteRecursively()
        }
    }

    private fun env(contacts: KnownContacts = KnownContacts.NONE, block: (Env) -> Unit) = Env(contacts).use(block)

    private fun vectors(name: String): List<Map<String, Any?>> {
        val dir = System.getProperty("smsguard.testdata") ?: throw AssertionFailed("smsguard.testdata not set")
        return File(dir, name).readLines().filter { it.isNotBlank() }.map { Json.parse(it).asObj(name) }
    }

    private const val T0 = 1_733_000_000_000L
    private const val LOAN = "你上次问的贷款，利息低至3厘，当天放款，加我微信详聊"
    private const val SCAM = "恭喜您中奖了！请点击 http://prize.example 领取iPhone"
    private const val BANK = "95566"
    private const val BANK_PROMO = "【北辰银行】信用卡分期限时优惠，手续费低至5折，详询网点。回T退订"
    private const val BANK_OTP = "【北辰银行】验证码 530917，3分钟内有效，请勿告诉他人。"

    private fun row(id: Long, sender: String, body: String, t: Long) = InboxRow(id, sender, body, t)

    fun register() {
        test("reconcile: an inbox with gaps and duplicates is sorted in order, each message once, never twice") {
            env { e ->
                // the receiver saw message 2 (it has no provider id yet); 3 and 5 are missing ids (gaps)
                e.sorter.onReceived(listOf(SmsPart("13900000002", "明天上午十点开会，记得带电脑", T0 + 2000)), T0 + 2000)
                val inbox = listOf(
                    row(1, "13900000001", "晚上回家吃饭吗？我买了鱼", T0 + 1000),
                    row(2, "13900000002", "明天上午十点开会，记得带电脑", T0 + 2000),
                    row(4, "13912340007", SCAM, T0 + 4000),
                    row(4, "13912340007", SCAM, T0 + 4000), // the cursor repeats a row
                    row(6, "1069011122233", "【悦享商城】会员日全场满199减50，回T退订", T0 + 6000),
                    row(7, BANK, BANK_OTP, T0 + 7000),
                )
                val r = Reconciler.run(e.sorter, e.store, inbox.iterator(), inbox.size, batchSize = 2)
                eq(4, r.missed, "missed")
                eq(1, r.alreadyKnown, "the receiver's copy adopted")
                eq(1, r.duplicates, "duplicate rows")
                eq(5L, e.store.total(), "each message stored once")
                eq(4, Reconciler.missed(e.store), "错过 N 条")
                // stored in inbox order (ids grow with the inbox dates)
                val all = MessageStore.FOLDERS.flatMap { e.store.list(it) }.filter { it.providerId != null && it.providerId != 2L }
                eq(listOf(1L, 4L, 6L, 7L), all.sortedBy { it.id }.map { it.providerId }, "order kept")
                eq("junk", e.store.list("junk").single().verdict.action)
                // a second run (the periodic job) over the same inbox classifies nothing again
                val again = Reconciler.run(e.sorter, e.store, inbox.iterator(), inbox.size)
                eq(0, again.missed)
                eq(5L, e.store.total())
                eq(4, Reconciler.missed(e.store), "the count waits for the user")
                eq(T0 + 7000 - Reconciler.OVERLAP_MS, Reconciler.since(e.store))
                Reconciler.acknowledge(e.store)
                eq(0, Reconciler.missed(e.store))
            }
        }

        test("vendors: each vendor's auto-start screens, guarded, ending with app details; MIUI note on Xiaomi only") {
            for (m in listOf("Xiaomi", "Redmi", "OPPO", "OnePlus", "vivo", "HUAWEI", "HONOR", "Google", null)) {
                val s = Vendors.screens(m)
                eq(Vendors.APP_DETAILS, s.last().action, "$m: app details last")
                if (Vendors.vendor(m) != "other") check(s.first().pkg != null) { "$m: a vendor screen first" }
            }
            eq("com.miui.securitycenter", Vendors.screens("Xiaomi").first().pkg)
            check(Vendors.needsMiuiNotificationSmsNote("Redmi"))
            check(!Vendors.needsMiuiNotificationSmsNote("OPPO"))
            // nothing vendor-specific resolves: the fallback is taken; a throwing check is skipped
            val screens = Vendors.screens("vivo")
            eq(Vendors.APP_DETAILS, Vendors.firstResolvable(screens) { it.action == Vendors.APP_DETAILS }?.action)
            eq(screens[1], Vendors.firstResolvable(screens) { if (it == screens[0]) throw SecurityException("x") else true })
        }

        test("carriers: each SIM's MCC-MNC through the core picks the plan's first number (testdata/report_carriers.jsonl)") {
            env { e ->
                val rows = vectors("report_carriers.jsonl")
                check(rows.size >= 8)
                for (v in rows) {
                    val id = v.str("id")
                    eq(v.str("expect_carrier"), e.client.carrier(v.str("sim_operator")), "$id carrier")
                    val s = e.sorter.onReceived(listOf(SmsPart(v.str("sender"), v.str("body"), T0)), T0).sorted.single()
                    val (plan, options) = e.actions.reportOptions(s.id!!, simOperator = v.str("sim_operator"))
                    eq(v.str("expect_first_channel"), plan.drafts.first().channel, "$id first")
                    eq(v["expect_first_verified"], plan.drafts.first().verified, "$id verified")
                    eq(v.str("expect_first_channel"), options.first().channel, "$id option")
                    check(options.any { !it.verified }) { "$id: unverified formats stay marked" }
                }
                // an absent SIM (no operator at all) is unknown: 12321 first
                eq("unknown", e.client.carrier(null))
            }
        }

        test("contacts: the known-contact vectors through the app's client (testdata/contacts.jsonl)") {
            env { e ->
                for (v in vectors("contacts.jsonl")) {
                    val m = Message(v.str("sender"), v.str("body"), null, v["known_contact"] == true)
                    val got = e.client.classify(m)
                    eq(v.str("expect_action"), got.action, v.str("id"))
                    eq(v.str("expect_category"), got.category, v.str("id"))
                    val want = v.str("expect_reason")
                    if (want.isNotEmpty()) eq(want, got.firstReason?.code, v.str("id") + " reason")
                }
            }
        }

        test("contacts: with READ_CONTACTS a saved number is trusted (+86 and spaces aside); without it nothing changes; a user block wins") {
            val book = KnownContacts(listOf("+86 139-1234-0004", "not a number", null, ""))
            check(book.isKnown("13912340004"))
            check(book.isKnown("008613912340004"))
            check(!book.isKnown("13912340005"))
            check(!book.isKnown(""))
            env(book) { e ->
                val s = e.sorter.onReceived(listOf(SmsPart("+8613912340004", LOAN, T0)), T0).sorted.single()
                eq("allow", s.verdict.action)
                eq("known_contact", s.verdict.firstReason?.code)
                check(e.store.get(s.id!!)!!.knownContact) { "the flag is stored" }
                // the stored message keeps the flag when re-sorted (undo re-classifies)
                eq("allow", e.actions.undoFeedback(s.id).action)
                e.client.rulesAdd("block", "sender", "13912340004")
                val blocked = e.client.classify(e.store.get(s.id)!!.message)
                eq("junk", blocked.action)
                check(blocked.reasons.any { it.code == "known_contact_blocked" }) { "says why" }
            }
            env { e -> eq("junk", e.sorter.onReceived(listOf(SmsPart("13912340004", LOAN, T0)), T0).sorted.single().verdict.action) }
        }

        test("share: the sender is found by the shared text, or asked for; several picks are reported one after another") {
            val inbox = listOf(
                row(1, "13912340007", SCAM, T0),
                row(2, "10690001", "【悦享商城】会员日全场满199减50，回T退订", T0 + 1),
                row(3, "13912340007", SCAM, T0 + 5),
                row(4, "13800000000", "好的", T0 + 6),
                row(5, "13800000001", "好的", T0 + 7),
            )
            eq(3L, Share.find("  $SCAM\n", inbox).row?.providerId, "newest exact match")
            eq(2L, Share.find("会员日全场满199减50", inbox).row?.providerId, "a shared part")
            eq(null, Share.find("好的", inbox).row, "two senders: ask")
            eq(null, Share.find("从未收到过的短信内容在这里", inbox).row, "not in the inbox: ask")
            eq(null, Share.find("   ", inbox).row)
            val q = ReportQueue(listOf(9L, 4L, 9L, 7L))
            eq(3, q.total)
            eq(listOf<Long?>(9L, 4L, 7L, null), listOf(q.next(), q.next(), q.next(), q.next()))
            eq("被举报号码：13912340007\n接收时间：2024-12-01 08:30\n短信内容：$SCAM", Share.copyFor12321Web("13912340007", "2024-12-01 08:30", SCAM))
        }

        test("share: the 12321 website copy from the core holds number, time received and the verbatim text, in that order") {
            env { e ->
                val s = e.sorter.onReceived(listOf(SmsPart("13912340007", SCAM, T0)), T0).sorted.single()
                val web = e.actions.reportOptions(s.id!!).second.single { it.channel == "12321_web" }
                check(web.sms == null) { "copy only" }
                val lines = web.copyText.split("\n")
                check(lines[0].contains("13912340007") && lines[1].contains(Times.iso(T0)) && lines[2].endsWith(SCAM)) { web.copyText }
            }
        }

        test("reports: recorded as drafted, sent only when content://sms/sent has the destination and body") {
            env { e ->
                val s = e.sorter.onReceived(listOf(SmsPart("13912340007", SCAM, T0)), T0).sorted.single()
                val o = e.actions.reportOptions(s.id!!, simOperator = "46000").second.first()
                val rid = e.store.reportDrafted(s.id, o.channel, o.destination!!, o.body, T0 + 10)
                eq("drafted", e.store.reports().single().state)
                // not sent yet, another number, edited text, or sent before the draft: still drafted
                val wrong = listOf(
                    SentRow("10010", o.body, T0 + 20),
                    SentRow(o.destination, o.body + "。", T0 + 20),
                    SentRow(o.destination, o.body, T0 - 3_600_000),
                )
                eq(0, ReportStates.reconcileSent(e.store, wrong, T0 + 30))
                eq("drafted", e.store.reports().single().state)
                eq(1, ReportStates.reconcileSent(e.store, wrong + SentRow("+86" + o.destination, o.body + "\n", T0 + 25), T0 + 30))
                val r = e.store.reports().single()
                eq(rid, r.id)
                eq("sent", r.state)
                eq(T0 + 30, r.sentMillis)
                // the history shows both states
                e.store.reportDrafted(s.id, "12321_sms", "12321", o.body, T0 + 40)
                eq(listOf("drafted", "sent"), e.store.reports().map { it.state })
            }
        }

        test("退订: only marketing with a signature from a 106/95 port; fraud and personal numbers get none") {
            env { e ->
                fun gate(sender: String, body: String): Boolean {
                    val m = Message(sender, body)
                    return UnsubscribeGate.offer(e.client.classify(m), sender, e.client.unsubscribe(m))
                }
                check(gate("1069011122233", "【悦享商城】会员日全场满199减50，爆款低至5折。回T退订")) { "106 marketing" }
                check(gate(BANK, BANK_PROMO)) { "95 bank marketing" }
                check(!gate("13912340009", "【悦享商城】会员日全场满199减50，爆款低至5折。回T退订")) { "a personal number" }
                check(!gate("1069011122233", "会员日全场满199减50，爆款低至5折。回T退订")) { "no signature" }
                check(!gate("10690099", "【速贷金融】无抵押贷款20万当天放款，点击 http://sudai.example 申请，回T退订")) { "fraud" }
                check(!gate(BANK, BANK_OTP)) { "a code" }
            }
        }

        test("退订: after unsubscribing a bank's marketing, its OTP is still a transaction (the real core)") {
            env { e ->
                val promo = e.sorter.onReceived(listOf(SmsPart(BANK, BANK_PROMO, T0)), T0).sorted.single()
                check(e.actions.unsubscribeDraft(promo.id!!) != null)
                e.actions.unsubscribeSent(promo.id)
                eq("junk", e.client.classify(Message(BANK, BANK_PROMO)).action)
                val otp = e.client.classify(Message(BANK, BANK_OTP))
                eq("transaction", otp.action)
                eq("otp", otp.category)
            }
        }

        test("retention: bodies go after N days (default 30, a setting), code bodies after 24 h; verdict and hash stay") {
            env { e ->
                val day = 86_400_000L
                val now = T0 + 40 * day
                val old = e.sorter.onReceived(listOf(SmsPart("13900000001", "晚上回家吃饭吗？我买了鱼", T0)), T0).sorted.single().id!!
                val otp = e.sorter.onReceived(listOf(SmsPart(BANK, BANK_OTP, now - 25 * 3_600_000L)), now - 25 * 3_600_000L).sorted.single().id!!
                val freshOtp = e.sorter.onReceived(listOf(SmsPart(BANK, BANK_OTP.replace("530917", "118204"), now - 3_600_000L)), now - 3_600_000L).sorted.single().id!!
                val recent = e.sorter.onReceived(listOf(SmsPart("13912340007", SCAM, now - 10 * day)), now - 10 * day).sorted.single().id!!
                eq(Retention.DEFAULT_BODY_DAYS, Retention.bodyDays(e.store))
                eq(2, Retention.purge(e.store, now))
                for (id in listOf(old, otp)) {
                    val m = e.store.get(id)!!
                    check(m.bodyDropped && m.body.isEmpty()) { "$id dropped" }
                    check(m.bodyHash != null && m.bodyHash!!.length == 64)
                }
                eq("otp", e.store.get(otp)!!.verdict.category, "the verdict stays")
                eq(MessageStore.hash(BANK_OTP), e.store.get(otp)!!.bodyHash)
                check(!e.store.get(freshOtp)!!.bodyDropped && !e.store.get(recent)!!.bodyDropped)
                eq(4L, e.store.total(), "rows stay for the counts")
                Retention.setBodyDays(e.store, 7)
                eq(1, Retention.purge(e.store, now))
                check(e.store.get(recent)!!.bodyDropped)
                throws<IllegalArgumentException> { Retention.setBodyDays(e.store, 0) }
                eq(0, Retention.purge(e.store, now), "nothing twice")
            }
        }

        test("delete all data: database rows, state file, set-aside copies and caches are gone") {
            env { e ->
                e.sorter.onReceived(listOf(SmsPart("13912340007", SCAM, T0)), T0)
                e.client.rulesAdd("block", "keyword", "贷款")
                e.store.reportDrafted(1, "12321_sms", "12321", "x", T0)
                val files = File(e.dir, "files").also { it.mkdirs() }
                val cache = File(e.dir, "cache").also { it.mkdirs() }
                File(files, "other.json").writeText("{}")
                File(e.statePath + ".corrupt-1").writeText("{}")
                File(cache, "sub").mkdirs()
                File(cache, "sub/x.tmp").writeText("x")
                check(File(e.statePath).exists())
                val left = DataWipe.wipe(e.store, listOf(files, cache, File(e.statePath)))
                eq(emptyList<File>(), left)
                eq(0L, e.store.total())
                eq(0, e.store.reports().size)
                eq(null, e.store.meta(Reconciler.META_SEEN))
                check(files.listFiles()!!.isEmpty() && cache.listFiles()!!.isEmpty())
                check(!File(e.statePath + ".corrupt-1").exists()) { "the set-aside copy" }
                check(!File(e.statePath).exists()) { "the engine's state file" }
            }
        }

        test("store: a version-1 database is upgraded in place (contact, retention columns, report log)") {
            val f = StoreTests.tmpDb()
            JdbcSql("jdbc:sqlite:" + f.path).use { sql ->
                sql.exec(
                    "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, provider_id INTEGER UNIQUE, sender TEXT NOT NULL, " +
                        "body TEXT NOT NULL, received_at TEXT, received_ms INTEGER NOT NULL, action TEXT NOT NULL, " +
                        "category TEXT NOT NULL, verdict_json TEXT NOT NULL, feedback_id TEXT, sub_id INTEGER)",
                )
                sql.exec(
                    "INSERT INTO messages (sender, body, received_ms, action, category, verdict_json) VALUES ('1', 'old', 5, 'allow', 'personal', ?)",
                    listOf(Json.write(StoreTests.verdict("allow", "personal").toJson())),
                )
            }
            JdbcSql("jdbc:sqlite:" + f.path).use { sql ->
                val st = MessageStore(sql)
                val m = st.list("allow").single()
                eq("old", m.body)
                check(!m.knownContact && !m.bodyDropped)
                eq(0, st.reports().size)
            }
        }
    }
}
