package com.smsguard.app.core

import com.smsguard.app.core.Harness.test
import com.smsguard.oem.SmsGuardNative
import java.io.File

/**
 * The app's core logic against the REAL engine (libsmsguard_ffi.so through SmsGuardNative's JSON
 * session), with the store on JDBC SQLite. Every message here is invented for these tests.
 */
object EngineTests {
    private fun tmpState(): String {
        val dir = File.createTempFile("smsguard-state", "")
        dir.delete()
        dir.mkdirs()
        dir.deleteOnExit()
        return File(dir, "state.json").path
    }

    private class Env : AutoCloseable {
        val statePath = tmpState()
        val native = JniNative(SmsGuardNative.openSession(statePath, null))
        val client = SmsGuardClient(native)
        val sql = JdbcSql("jdbc:sqlite:" + StoreTests.tmpDb().path)
        val store = MessageStore(sql)
        val log = ListLogger()
        val sorter = Sorter(client, store, log)
        val actions = MessageActions(client, store)
        override fun close() {
            sql.close()
            native.close()
        }
    }

    private fun env(block: (Env) -> Unit) {
        Env().use(block)
    }

    // invented texts
    private const val SCAM_SENDER = "13987654321"
    private val SCAM_PARTS = listOf(
        "【速贷金融】尊敬的客户，您已获得无抵押信用贷款额度200000元，日息低至万分之二，不看征信当天放款，",
        "请点击 http://sudai-loan.example.cn/apply 填写身份证号和银行卡号完成认证，",
        "逾期未领取额度将作废，客服微信 sudai888。",
    )
    private const val OTP_SENDER = "1069055512345"
    private const val OTP_TEXT = "【星河银行】您的验证码为 482913，用于登录手机银行，5分钟内有效，请勿告诉他人。"
    private const val SHOP_SENDER = "1069011122233"
    private const val SHOP_1 = "【悦享商城】会员日全场满199减50，爆款低至5折，详情见App首页。回T退订"
    private const val SHOP_2 = "【悦享商城】周末限时秒杀，精选好物1元起，先到先得。回T退订"
    private const val PERSONAL = "今晚七点老地方吃饭，别迟到哈"

    fun register() {
        test("receive: the verdict is logged as action/category, never sender or text") {
            env { e ->
                val t = 1_700_000_000_000L
                val parts = SCAM_PARTS.mapIndexed { i, p -> SmsPart(SCAM_SENDER, p, t + i) }
                val v = e.sorter.onReceived(parts, t).sorted.single().verdict
                val line = "sms: sorted ${v.action}/${v.category}"
                check(e.log.lines.contains(line)) { "missing '$line' in ${e.log.lines}" }
                for (l in e.log.lines) {
                    check(!l.contains(SCAM_SENDER) && SCAM_PARTS.none { p -> l.contains(p.take(6)) }) { l }
                }
            }
        }
        test("engine: version answers through the JSON session") {
            env { e ->
                val v = e.client.version()
                eq(1L, v["api"], "api version")
                check(v["library"] is String)
            }
        }

        test("engine: multipart loan scam lands in junk with a 12321 draft 号码*内容 holding the verbatim text") {
            env { e ->
                val t = 1_717_000_000_000L
                val parts = SCAM_PARTS.mapIndexed { i, s -> SmsPart(SCAM_SENDER, s, t + i) }
                val out = e.sorter.onReceived(parts, t + 500)
                check(!out.storeFailed && !out.engineFailed)
                val s = out.sorted.single()
                val text = SCAM_PARTS.joinToString("")
                eq(text, s.message.body, "joined body")
                eq("junk", s.verdict.action, "action (reasons ${s.verdict.reasons.map { it.code }})")
                eq(NotifyDecision.SUMMARY, s.decision)
                eq(1L, e.store.counts()["junk"])
                val (plan, options) = e.actions.reportOptions(s.id!!, "china_mobile")
                check(plan.reportable) { "reportable" }
                val d12321 = plan.drafts.filter { it.kind == "sms" && it.destination == "12321" }
                check(d12321.isNotEmpty()) { "a 12321 draft among ${plan.drafts.map { it.channel }}" }
                for (d in d12321) {
                    check(d.body.endsWith("*$text")) { "12321 body is 号码*内容 with the verbatim text: ${d.body}" }
                    check(d.body.substringBefore('*').filter { it.isDigit() }.endsWith(SCAM_SENDER)) { "号码 part: ${d.body.substringBefore('*')}" }
                }
                val sms = options.filter { it.sms != null }
                check(sms.isNotEmpty()) { "at least one SMS report option" }
                for (o in sms) {
                    eq("smsto:" + o.destination, o.sms!!.uri)
                    eq(o.body, o.sms.body)
                }
                // the user confirms: recorded once per channel
                val ch = sms.first().channel
                eq(true, e.actions.reportSent(s.id, ch))
                eq(false, e.actions.reportSent(s.id, ch))
                // the listener would dismiss the SMS app's notification of it, and nothing else
                val n = PostedNotification("com.android.mms", SCAM_SENDER, text.take(40) + "…", t + 1000)
                eq(s.id, NotificationPolicy.dismissFor(n, "com.android.mms", "com.smsguard.app", e.store.recent(t - 60_000))?.id)
            }
        }

        test("engine: an OTP gets no report action, no notification of ours, is never dismissed") {
            env { e ->
                val t = 1_717_000_100_000L
                val s = e.sorter.onReceived(listOf(SmsPart(OTP_SENDER, OTP_TEXT, t)), t).sorted.single()
                eq("transaction", s.verdict.action)
                eq("otp", s.verdict.category)
                eq(NotifyDecision.NONE, s.decision)
                val (plan, options) = e.actions.reportOptions(s.id!!, "china_mobile")
                check(!plan.reportable)
                eq(0, options.size, "report options")
                val err = throws<EngineException> { e.actions.reportSent(s.id, "12321") }
                eq("invalid_data", err.kind)
                check(!err.detail.contains("482913") && !err.detail.contains(OTP_SENDER)) { "error quotes no text or number" }
                eq(null, e.actions.unsubscribeDraft(s.id))
                val n = PostedNotification("com.android.mms", OTP_SENDER, OTP_TEXT, t + 1000)
                eq(null, NotificationPolicy.dismissFor(n, "com.android.mms", "com.smsguard.app", e.store.recent(t - 60_000)))
            }
        }

        test("engine: unsubscribe revokes consent; the next marketing message from that signature is junk") {
            env { e ->
                val t = 1_717_000_200_000L
                val first = e.sorter.onReceived(listOf(SmsPart(SHOP_SENDER, SHOP_1, t)), t).sorted.single()
                eq("promotion", first.verdict.action, "before unsubscribing")
                val draft = e.actions.unsubscribeDraft(first.id!!)
                check(draft != null) { "an opt-out reply is offered" }
                eq("T", draft!!.body.trim().uppercase())
                val intent = SendIntents.unsubscribe(draft)!!
                check(intent.uri.startsWith("smsto:") && intent.uri.endsWith(SHOP_SENDER.takeLast(8))) { intent.uri }
                val revoked = e.actions.unsubscribeSent(first.id)
                eq("revoked", revoked?.state)
                val ledger = e.client.consentList()
                eq("revoked", ledger.first().state)
                eq("悦享商城", ledger.first().signature)
                val next = e.sorter.onReceived(listOf(SmsPart(SHOP_SENDER, SHOP_2, t + 60_000)), t + 60_000).sorted.single()
                eq("junk", next.verdict.action, "after unsubscribing")
                eq("revoked", next.verdict.consent)
                // granting again brings it back to promotions
                e.client.consentGrant("悦享商城")
                eq("promotion", e.client.classify(Message(SHOP_SENDER, SHOP_2)).action)
                eq("granted", e.client.consentList().first().state, "newest first")
            }
        }

        test("engine: import of 5,000 messages in batches keeps order and counts") {
            env { e ->
                val n = 5000
                fun body(i: Int): String = when (i % 5) {
                    0 -> "【星河银行】您的验证码为 ${100000 + i}，5分钟内有效，请勿告诉他人。"
                    1 -> "周六${i % 28 + 1}号一起去爬山吧，早上八点出发"
                    2 -> "【悦享商城】第${i}期会员专享券已到账，满100减20。回T退订"
                    3 -> "【速贷金融】无抵押贷款额度${i}元秒批，点击 http://sudai-loan.example.cn/$i 领取"
                    else -> "【顺达快递】您的包裹 SD$i 已到驿站，凭取件码 ${i % 9000 + 1000} 领取。"
                }
                fun sender(i: Int): String = when (i % 5) {
                    0 -> "1069055512345"
                    1 -> "139" + (10000000 + i)
                    2 -> SHOP_SENDER
                    3 -> "137" + (20000000 + i)
                    else -> "1069077788899"
                }
                val rows = (0 until n).map { InboxRow(10_000L + it, sender(it), body(it), 1_600_000_000_000L + it * 60_000L) }
                val seen = ArrayList<Int>()
                val r = e.sorter.import(rows.iterator(), n, 200) { done, total -> eq(n, total); seen.add(done) }
                check(!r.storeFailed && !r.engineFailed)
                eq(n, r.imported)
                eq(0, r.alreadyKnown)
                eq(25, r.batches)
                eq((1..25).map { it * 200 }, seen, "progress")
                eq(n.toLong(), r.counts.values.sum(), "counts sum")
                eq(r.counts, e.store.counts())
                // order: store ids follow the inbox order, and each verdict belongs to its own message
                val all = e.sql.query("SELECT provider_id, action, category, body FROM messages ORDER BY id", emptyList()) {
                    Triple(it.long(0), it.string(1) + "/" + it.string(2), it.string(3))
                }
                eq(rows.map { it.providerId }, all.map { it.first }, "provider order")
                for ((i, row) in all.withIndex()) {
                    eq(body(i), row.third, "body $i")
                    if (i % 5 == 0) eq("transaction/otp", row.second, "otp at $i")
                }
                for (i in listOf(1, 2, 3, 4, 2501, 4999)) {
                    val v = e.client.classify(Message(sender(i), body(i), Times.iso(rows[i].dateMillis)))
                    eq(v.action + "/" + v.category, all[i].second, "verdict of $i")
                }
                // a second run (reconcile) adds nothing
                val again = e.sorter.import(rows.iterator(), n, 200)
                eq(0, again.imported)
                eq(n, again.alreadyKnown)
                eq(n.toLong(), e.store.total())
            }
        }

        test("engine: import works with an empty inbox and adopts what the receiver stored") {
            env { e ->
                val r0 = e.sorter.import(emptyList<InboxRow>().iterator(), 0)
                eq(0, r0.imported)
                eq(0, r0.batches)
                val t = 1_717_000_300_000L
                e.sorter.onReceived(listOf(SmsPart("13900001111", PERSONAL, t)), t)
                val r = e.sorter.import(listOf(InboxRow(1, "13900001111", PERSONAL, t + 800)).iterator(), 1)
                eq(0, r.imported)
                eq(1, r.alreadyKnown)
                eq(1L, e.store.total())
            }
        }

        test("engine: bad input never throws (empty, 10,000 chars, undecodable part, unknown sender, broken surrogates)") {
            env { e ->
                val t = 1_717_000_400_000L
                val inputs = listOf(
                    listOf(SmsPart("10690000", "", t)),
                    listOf(SmsPart("", "x", t)),
                    listOf(SmsPart(null, null, 0)),
                    listOf(SmsPart("unknown", "借".repeat(10_000), t)),
                    listOf(SmsPart("+8613900002222", "a\uD800b\uDC00c", t)),
                    listOf(null),
                    listOf(SmsPart("13900003333", "前半段", t), null, SmsPart("13900003333", "后半段", t)),
                    listOf(SmsPart("\u0000\u001f", "\u0000控制字符\u0007", t)),
                    emptyList(),
                )
                for (p in inputs) {
                    val out = e.sorter.onReceived(p, t)
                    check(!out.engineFailed && !out.storeFailed) { "input ${inputs.indexOf(p)}" }
                }
                val long = e.store.list("allow") + e.store.list("junk") + e.store.list("promotion") + e.store.list("transaction")
                check(long.any { it.body.length == 10_000 })
                check(long.any { it.body == "前半段后半段" })
                // an empty body is judged `none` (nothing to judge) and shown in 个人, not lost from every folder
                val empty = e.store.list("allow").filter { it.body.isEmpty() }
                check(empty.isNotEmpty()) { "the empty message is in allow" }
                check(empty.all { it.verdict.action == "none" || it.verdict.action == "allow" })
                eq(e.store.total(), e.store.counts().values.sum(), "every stored message is in a folder")
                for (line in e.log.lines) check(!line.any { it.isDigit() } && !line.contains("半段")) { line }
                // the raw entry: garbage in gives ok:false, never an exception
                for (raw in listOf("", "{", "[]", "{\"v\":1}", "{\"v\":9,\"op\":\"classify\"}", "{\"v\":1,\"op\":\"nope\"}", "{\"v\":1,\"op\":\"classify\"}")) {
                    val resp = Json.parse(e.native.call(raw)).asObj()
                    eq(false, resp["ok"], "ok for $raw")
                    eq("bad_request", resp.objOrNull("error")?.str("kind"), "kind for $raw")
                }
            }
        }

        test("engine: no store or a full store loses the verdict copy only, never throws") {
            env { e ->
                val t = 1_717_000_500_000L
                val noStore = Sorter(e.client, null, e.log).onReceived(listOf(SmsPart(SCAM_SENDER, SCAM_PARTS[0], t)), t)
                check(noStore.storeFailed)
                check(e.log.lines.any { it.startsWith("store: unavailable") }) { "the lost copy is logged" }
                eq("junk", noStore.sorted.single().verdict.action)
                eq(null, noStore.sorted.single().id)
                val pages = e.sql.query("PRAGMA page_count", emptyList()) { it.long(0) }.first()
                e.sql.exec("PRAGMA max_page_count = $pages")
                var failed = false
                repeat(40) {
                    val out = e.sorter.onReceived(listOf(SmsPart(SCAM_SENDER, "y".repeat(10_000), t)), t)
                    if (out.storeFailed) failed = true
                }
                check(failed) { "the full database was noticed" }
                val rows = e.sorter.import((0 until 300).map { InboxRow(it.toLong(), "1", "z".repeat(5000), t) }.iterator(), 300)
                check(rows.storeFailed)
                for (line in e.log.lines) check(!line.contains(SCAM_SENDER) && !line.contains("yyyy")) { line }
            }
        }

        test("engine: a full database loses no rule, consent or feedback the user saved") {
            env { e ->
                val t = 1_717_000_550_000L
                val kept = e.sorter.onReceived(listOf(SmsPart("13900006666", PERSONAL, t)), t).sorted.single()
                e.actions.feedback(kept.id!!, "is_junk")
                e.client.rulesAdd("allow", "keyword", "家长会")
                e.client.consentGrant("悦享商城")
                val pages = e.sql.query("PRAGMA page_count", emptyList()) { it.long(0) }.first()
                e.sql.exec("PRAGMA max_page_count = $pages")
                var full = false
                repeat(40) {
                    val out = e.sorter.onReceived(listOf(SmsPart(SCAM_SENDER, "y".repeat(10_000), t)), t)
                    if (out.storeFailed) full = true
                    eq(1, out.sorted.size, "sorted even when not kept")
                }
                check(full) { "the database filled up" }
                check(e.log.lines.any { it.startsWith("store: insert failed") }) { "a clear log line" }
                // what the user saved is in the state file, not the database: a new session has it
                JniNative(SmsGuardNative.openSession(e.statePath, null)).use { n ->
                    val c = SmsGuardClient(n)
                    eq(listOf("家长会"), c.rulesList().map { it.value })
                    check(c.consentList().any { it.signature == "悦享商城" }) { "consent kept" }
                    eq(1, c.feedbackList().size, "feedback kept")
                }
                eq("junk", e.store.get(kept.id!!)!!.verdict.action, "the re-sorted row is still there")
            }
        }

        test("state: a damaged state file is never overwritten; sorting goes on; start over keeps it aside") {
            val path = tmpState()
            val damaged = ByteArray(300) { (it * 7 + 1).toByte() }
            File(path).writeBytes(damaged)
            val log = ListLogger()
            val o = StateFile.open(path, log)
            o.native.use { n ->
                check(o.unreadable) { "unreadable is reported" }
                val c = SmsGuardClient(n)
                eq("transaction", c.classify(Message(OTP_SENDER, OTP_TEXT)).action, "sorting with defaults")
                c.rulesAdd("block", "keyword", "老地方") // in memory only
            }
            check(File(path).readBytes().contentEquals(damaged)) { "the damaged file is untouched" }
            check(log.lines.any { it.startsWith("state: unreadable") }) { "a clear log line" }
            val (aside, fresh) = StateFile.startOver(path, log)
            check(File(aside).readBytes().contentEquals(damaged)) { "kept as $aside" }
            check(aside.startsWith("$path.corrupt-")) { aside }
            fresh.native.use { n ->
                check(!fresh.unreadable)
                SmsGuardClient(n).rulesAdd("allow", "keyword", "家长会")
            }
            StateFile.open(path, log).native.use { n -> eq(listOf("家长会"), SmsGuardClient(n).rulesList().map { it.value }) }
            for (line in log.lines) check(!line.any { it.isDigit() } && !line.contains(path)) { line }
        }

        test("engine: feedback re-sorts the stored message, undo restores it") {
            env { e ->
                val t = 1_717_000_600_000L
                val s = e.sorter.onReceived(listOf(SmsPart("13900004444", PERSONAL, t)), t).sorted.single()
                eq("allow", s.verdict.action)
                val r = e.actions.feedback(s.id!!, "is_junk")
                eq("junk", r.verdict.action)
                eq("junk", e.store.get(s.id)!!.verdict.action)
                check(e.store.get(s.id)!!.feedbackId != null)
                eq(1, e.client.feedbackList().size)
                val back = e.actions.undoFeedback(s.id)
                eq("allow", back.action)
                eq("allow", e.store.get(s.id)!!.verdict.action)
                eq(null, e.store.get(s.id)!!.feedbackId)
                eq(0, e.client.feedbackList().size)
                // not_junk on the scam moves it out of junk
                val scam = e.sorter.onReceived(listOf(SmsPart(SCAM_SENDER, SCAM_PARTS.joinToString(""), t)), t).sorted.single()
                val nj = e.actions.feedback(scam.id!!, "not_junk")
                check(nj.verdict.action != "junk") { "after not_junk: ${nj.verdict.action}" }
                eq(0L, e.store.counts()["junk"])
            }
        }

        test("engine: rules add/list/remove; a bad rule is refused with a readable detail") {
            env { e ->
                val bad = throws<EngineException> { e.client.rulesAdd("block", "regex", "(unclosed") }
                eq("invalid_data", bad.kind)
                check(bad.detail.isNotBlank())
                val empty = throws<EngineException> { e.client.rulesAdd("block", "keyword", "") }
                eq("invalid_data", empty.kind)
                val added = e.client.rulesAdd("block", "keyword", "老地方")
                eq(1, e.client.rulesList().size)
                eq("junk", e.client.classify(Message("13900005555", PERSONAL)).action)
                val exported = e.client.rulesExport()
                e.client.rulesRemove(added.id)
                eq(0, e.client.rulesList().size)
                eq("allow", e.client.classify(Message("13900005555", PERSONAL)).action)
                eq(1L, e.client.rulesImport(exported, "test"))
                eq(1, e.client.rulesList().size)
                val sigBlock = e.client.rulesAdd("block", "signature", "星河银行")
                check(sigBlock.warnings.isNotEmpty()) { "blocking a signature warns that its codes go too" }
            }
        }

        test("engine: settings strict and model round-trip") {
            env { e ->
                val s0 = e.client.settingsGet()
                val s1 = e.client.settingsSet(strict = !s0.strict)
                eq(!s0.strict, s1.strict)
                eq(s1, e.client.settingsGet())
                e.client.settingsSet(strict = true)
                eq("junk", e.client.classify(Message(SHOP_SENDER, SHOP_1)).action, "strict: marketing without consent")
            }
        }
    }
}
