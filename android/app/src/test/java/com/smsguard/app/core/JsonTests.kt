package com.smsguard.app.core

import com.smsguard.app.core.Harness.test

object JsonTests {
    fun register() {
        test("json: round-trips escapes, unicode, surrogate pairs and nesting") {
            val v = Json.obj(
                "s" to "quote \" backslash \\ slash / nl \n cr \r tab \t bs \b ff \u000c nul \u0000 bell \u0007",
                "zh" to "【测试银行】您的验证码是 123456，请勿告诉他人",
                "emoji" to "\uD83D\uDE00 grin, \uD83C\uDDE8\uD83C\uDDF3 flag",
                "sep" to "line\u2028para\u2029",
                "n" to listOf(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1.5, -2.25e-7, true, false, null),
                "deep" to Json.obj("a" to listOf(Json.obj("b" to listOf(listOf<Any?>(), Json.obj())))),
            )
            val text = Json.write(v)
            check(!text.contains('\n') && !text.contains('\u0000')) { "control characters must be escaped: $text" }
            eq<Any?>(v, Json.parse(text), "round trip")
            eq<Any?>(text, Json.write(Json.parse(text)), "stable output")
        }

        test("json: reads standard escapes and \\u surrogate pairs") {
            eq<Any?>("A\u00e9\u4e2d\uD83D\uDE00/", Json.parse("\"\\u0041\\u00E9\\u4e2d\\ud83d\\ude00\\/\""))
            eq<Any?>(mapOf("a" to listOf(1L, 2.5, "x")), Json.parse(" { \"a\" : [ 1 , 2.5 , \"x\" ] } "))
            eq<Any?>(12345678901234L, Json.parse("12345678901234"))
            eq<Any?>(1.0E300, Json.parse("1e300"))
            eq<Any?>(1.8446744073709552E19, Json.parse("18446744073709551616")) // past Long: a double
        }

        test("json: refuses malformed input") {
            val bad = listOf(
                "", " ", "{", "}", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{a:1}", "'x'", "\"abc",
                "\"\\x\"", "\"\\u12\"", "\"\\uZZZZ\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                "\"tab\there\"", "\"nl\nhere\"", "01", "-", "1.", ".5", "1e", "+1", "NaN", "tru", "nul",
                "[1] x", "{} {}", "\"\uD800\"", "[" .repeat(300) + "]".repeat(300),
            )
            for (b in bad) throws<Json.ParseException> { Json.parse(b) }
        }

        test("json: writer replaces unpaired surrogates, refuses non-JSON values") {
            eq("\"a\uFFFDb\uFFFD\"", Json.write("a\uD800b\uDC00"))
            throws<IllegalArgumentException> { Json.write(Double.NaN) }
            throws<IllegalArgumentException> { Json.write(Object()) }
            throws<IllegalArgumentException> { Json.write(mapOf(1 to 2)) }
        }

        test("json: 10,000-character body survives") {
            val body = "借".repeat(5000) + "x\"\\".repeat(1666) + "\uD83D\uDE00"
            eq<Any?>(body, Json.parse(Json.write(body)))
        }
    }
}
