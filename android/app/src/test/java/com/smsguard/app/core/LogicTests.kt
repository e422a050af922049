package com.smsguard.app.core

import com.smsguard.app.core.Harness.test

object LogicTests {
    fun register() {
        test("multipart: parts joined in order, sender and first timestamp kept") {
            val parts = listOf(
                SmsPart("+8613800001111", "第一段，", 1000L),
                SmsPart("+8613800001111", "第二段，", 1001L),
                SmsPart("+8613800001111", "第三段。", 1002L),
            )
            val out = Multipart.assemble(parts)
            eq(1, out.size)
            eq("+8613800001111", out[0].sender)
            eq("第一段，第二段，第三段。", out[0].body)
            eq(1000L, out[0].timestampMillis)
        }

        test("multipart: undecodable part skipped, log line has no text or number") {
            val log = ListLogger()
            val out = Multipart.assemble(listOf(SmsPart("10690000123", "您好，", 5L), null, SmsPart("10690000123", "再见", 6L)), log)
            eq("您好，再见", out.single().body)
            eq(1, log.lines.size)
            val line = log.lines[0]
            check(!line.any { it.isDigit() } && !line.contains("您好")) { line }
        }

        test("multipart: empty, null sender and null body") {
            eq(0, Multipart.assemble(emptyList()).size)
            eq(0, Multipart.assemble(listOf(null, null)).size)
            val out = Multipart.assemble(listOf(SmsPart(null, null, 0L)))
            eq("", out.single().sender)
            eq("", out.single().body)
        }

        test("multipart: a sender change starts a new message") {
            val out = Multipart.assemble(listOf(SmsPart("1", "a", 1), SmsPart("2", "b", 2), SmsPart("2", "c", 3)))
            eq(listOf("a", "bc"), out.map { it.body })
        }

        test("times: ISO-8601 UTC without java.time") {
            eq("1970-01-01T00:00:00Z", Times.iso(0))
            eq("2024-02-29T23:59:59Z", Times.iso(1709251199000L))
            eq("2000-03-01T00:00:00Z", Times.iso(951868800000L))
            eq("1969-12-31T23:59:59Z", Times.iso(-1000L))
            // against the JDK for a sweep of instants
            val r = java.util.Random(7)
            repeat(2000) {
                val ms = (r.nextLong() % 4_000_000_000_000L)
                val jdk = java.time.Instant.ofEpochSecond(Math.floorDiv(ms, 1000L)).toString()
                eq(jdk, Times.iso(ms), "iso($ms)")
            }
        }

        test("text: preview never splits a surrogate pair") {
            eq("ab…", Text.preview("ab\uD83D\uDE00cd", 3))
            eq("a b", Text.preview(" a\nb ", 10))
        }

        test("intents: smsto uri and body; bad destinations give nothing") {
            eq(SmsIntentData("smsto:12321", "号码*内容"), SendIntents.smsto("12321", "号码*内容"))
            eq("smsto:%2B8610086999".replace("%2B", "+"), SendIntents.smsto(" +8610086999 ", "x")!!.uri)
            eq("smsto:1%23%3B%202", SendIntents.smsto("1#; 2 ", "x")!!.uri)
            eq(null, SendIntents.smsto("", "x"))
            eq(null, SendIntents.smsto(null, "x"))
        }

        test("intents: report options never for transactions or unreportable plans") {
            val drafts = listOf(
                Draft("12321", "sms", "12321", "10690000*正文", 1, false),
                Draft("12321_web", "copy", null, "10690000*正文", 1, true),
            )
            fun plan(reportable: Boolean, action: String) = ReportPlan("k", reportable, null, drafts, emptyList(), "正文", action, "other")
            eq(0, SendIntents.reportOptions(plan(false, "junk")).size)
            eq(0, SendIntents.reportOptions(plan(true, "transaction")).size)
            val opts = SendIntents.reportOptions(plan(true, "junk"))
            eq(2, opts.size)
            eq("smsto:12321", opts[0].sms!!.uri)
            eq(null, opts[1].sms)
            eq("10690000*正文", opts[1].copyText)
        }

        test("sent check: a matching row in content://sms/sent after the tap confirms the draft") {
            val t = 1_000_000L
            check(SentCheck.wasSent("10086999", "13912345678*正文", t, listOf(SentRow("10086999", " 13912345678*正文 ", t + 5_000))))
            check(SentCheck.wasSent("10086999", "13912345678*正文", t, listOf(SentRow("+86 10086999", "13912345678*正文", t - 30_000))))
            check(!SentCheck.wasSent("10086999", "13912345678*正文", t, listOf(SentRow("10086999", "13912345678*正文", t - 3_600_000))))
            check(!SentCheck.wasSent("10086999", "13912345678*正文", t, listOf(SentRow("10086998", "13912345678*正文", t + 1))))
            check(!SentCheck.wasSent("10086999", "13912345678*正文", t, listOf(SentRow("10086999", "13912345678*正", t + 1))))
            check(!SentCheck.wasSent("10086999", "13912345678*正文", t, listOf(SentRow(null, null, t + 1))))
            check(!SentCheck.wasSent("10086999", "13912345678*正文", t, emptyList()))
            check(!SentCheck.wasSent("", "T", t, listOf(SentRow("", "T", t))))
            check(SentCheck.wasSent("+8610690001", "T", t, listOf(SentRow("10690001", "T", t))))
        }

        test("notify: codes and personal get nothing, promotions quiet, junk into the summary") {
            fun v(a: String, c: String) = Verdict(a, c, 0.9, null, "port106", null, emptyList())
            eq(NotifyDecision.NONE, NotificationPolicy.afterClassify(v("transaction", "otp")))
            eq(NotifyDecision.NONE, NotificationPolicy.afterClassify(v("transaction", "finance")))
            eq(NotifyDecision.NONE, NotificationPolicy.afterClassify(v("allow", "personal")))
            eq(NotifyDecision.NONE, NotificationPolicy.afterClassify(v("none", "other")))
            eq(NotifyDecision.QUIET_SORTED, NotificationPolicy.afterClassify(v("promotion", "offers")))
            eq(NotifyDecision.SUMMARY, NotificationPolicy.afterClassify(v("junk", "fraud")))
        }

        test("listener: dismiss only a unique visible match to junk from the default SMS app") {
            val now = 1_700_000_000_000L
            val junk = RecentMessage(1, "13912345678", "【某某贷】无抵押秒批额度二十万，点击领取 x.cn/abc 回T退订", now, "junk")
            val otp = RecentMessage(2, "10690000", "【某银行】验证码 482913，五分钟内有效，切勿告知他人。", now, "transaction")
            val recent = listOf(junk, otp)
            fun n(pkg: String, title: String?, text: String?, t: Long = now + 2000) = PostedNotification(pkg, title, text, t)
            val sms = "com.android.mms"
            eq(junk, NotificationPolicy.dismissFor(n(sms, "+86 139 1234 5678", junk.body), sms, "com.smsguard.app", recent))
            eq(junk, NotificationPolicy.dismissFor(n(sms, "13912345678", "【某某贷】无抵押秒批额度二十万…"), sms, "com.smsguard.app", recent))
            // a code is never dismissed, whether its text shows or is hidden (Android 15)
            eq(null, NotificationPolicy.dismissFor(n(sms, "10690000", otp.body), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "10690000", "Sensitive notification content hidden"), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "10690000", null), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "10690000", ""), sms, "com.smsguard.app", recent))
            // not from the default SMS app, no default SMS app, too old, wrong sender, too short, grouped
            eq(null, NotificationPolicy.dismissFor(n("com.other", "13912345678", junk.body), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "13912345678", junk.body), null, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "13912345678", junk.body, now + 3_600_000), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "13800000000", junk.body), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "13912345678", "【某某"), sms, "com.smsguard.app", recent))
            eq(null, NotificationPolicy.dismissFor(n(sms, "2 条新信息", "13912345678 等"), sms, "com.smsguard.app", recent))
            // ambiguous: the same text as junk and as a personal message
            val twin = RecentMessage(3, "13912345678", junk.body, now, "allow")
            eq(null, NotificationPolicy.dismissFor(n(sms, "13912345678", junk.body), sms, "com.smsguard.app", recent + twin))
        }
    }
}
