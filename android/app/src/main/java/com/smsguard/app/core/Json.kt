package com.smsguard.app.core

/**
 * A small strict JSON reader/writer (RFC 8259) in plain Kotlin: the host JVM has no org.json and
 * the app must run the same code on both. Values are Kotlin values:
 * object = [Map] (insertion order kept), array = [List], string = [String], number = [Long] when
 * integral and in range, else [Double], true/false = [Boolean], null = null.
 *
 * The reader refuses what the engine (serde_json) would refuse: trailing data, leading zeros,
 * bare control characters in strings, bad escapes, unpaired surrogate escapes, nesting deeper
 * than [MAX_DEPTH]. The writer never emits an unpaired surrogate (it writes U+FFFD instead), so
 * whatever a broken PDU decodes to still crosses JNI as valid UTF-8.
 */
object Json {
    const val MAX_DEPTH = 256

    class ParseException(message: String, val offset: Int) : Exception("$message at offset $offset")

    fun parse(text: String): Any? {
        val p = Parser(text)
        p.skipWs()
        val v = p.value(0)
        p.skipWs()
        if (p.pos != text.length) throw ParseException("trailing data", p.pos)
        return v
    }

    fun write(value: Any?): String {
        val sb = StringBuilder()
        write(value, sb, 0)
        return sb.toString()
    }

    /** A JSON object from pairs, nulls kept (use [obj] without the null pairs to omit keys). */
    fun obj(vararg pairs: Pair<String, Any?>): Map<String, Any?> {
        val m = LinkedHashMap<String, Any?>()
        for ((k, v) in pairs) m[k] = v
        return m
    }

    private fun write(value: Any?, sb: StringBuilder, depth: Int) {
        if (depth > MAX_DEPTH) throw IllegalArgumentException("nesting too deep")
        when (value) {
            null -> sb.append("null")
            is String -> writeString(value, sb)
            is Boolean -> sb.append(if (value) "true" else "false")
            is Int, is Long, is Short, is Byte -> sb.append(value.toString())
            is Double -> writeDouble(value, sb)
            is Float -> writeDouble(value.toDouble(), sb)
            is Map<*, *> -> {
                sb.append('{')
                var first = true
                for ((k, v) in value) {
                    if (!first) sb.append(',')
                    first = false
                    writeString(k as? String ?: throw IllegalArgumentException("object key is not a string"), sb)
                    sb.append(':')
                    write(v, sb, depth + 1)
                }
                sb.append('}')
            }
            is List<*> -> {
                sb.append('[')
                for ((i, v) in value.withIndex()) {
                    if (i > 0) sb.append(',')
                    write(v, sb, depth + 1)
                }
                sb.append(']')
            }
            is Array<*> -> write(value.toList(), sb, depth)
            else -> throw IllegalArgumentException("not a JSON value: " + value.javaClass.name)
        }
    }

    private fun writeDouble(d: Double, sb: StringBuilder) {
        if (d.isNaN() || d.isInfinite()) throw IllegalArgumentException("not a JSON number")
        if (d == Math.floor(d) && Math.abs(d) < 1e15) sb.append(d.toLong().toString()) else sb.append(d.toString())
    }

    private const val HEX = "0123456789abcdef"

    private fun writeString(s: String, sb: StringBuilder) {
        sb.append('"')
        var i = 0
        val n = s.length
        while (i < n) {
            val c = s[i]
            when {
                c == '"' -> sb.append("\\\"")
                c == '\\' -> sb.append("\\\\")
                c == '\n' -> sb.append("\\n")
                c == '\r' -> sb.append("\\r")
                c == '\t' -> sb.append("\\t")
                c == '\b' -> sb.append("\\b")
                c == '\u000c' -> sb.append("\\f")
                c < ' ' || c == '\u2028' || c == '\u2029' || c == '\u007f' -> {
                    sb.append("\\u")
                    val code = c.code
                    sb.append(HEX[(code shr 12) and 15]).append(HEX[(code shr 8) and 15])
                    sb.append(HEX[(code shr 4) and 15]).append(HEX[code and 15])
                }
                Character.isHighSurrogate(c) -> {
                    if (i + 1 < n && Character.isLowSurrogate(s[i + 1])) {
                        sb.append(c).append(s[i + 1])
                        i++
                    } else {
                        sb.append('\uFFFD')
                    }
                }
                Character.isLowSurrogate(c) -> sb.append('\uFFFD')
                else -> sb.append(c)
            }
            i++
        }
        sb.append('"')
    }

    private class Parser(val s: String) {
        var pos = 0

        fun fail(msg: String): Nothing = throw ParseException(msg, pos)

        fun skipWs() {
            while (pos < s.length) {
                val c = s[pos]
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++ else break
            }
        }

        fun value(depth: Int): Any? {
            if (depth > MAX_DEPTH) fail("nesting too deep")
            if (pos >= s.length) fail("unexpected end")
            return when (val c = s[pos]) {
                '{' -> obj(depth)
                '[' -> arr(depth)
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> if (c == '-' || c in '0'..'9') number() else fail("unexpected character")
            }
        }

        fun literal(word: String, v: Any?): Any? {
            if (!s.startsWith(word, pos)) fail("bad literal")
            pos += word.length
            return v
        }

        fun obj(depth: Int): Map<String, Any?> {
            pos++ // {
            val m = LinkedHashMap<String, Any?>()
            skipWs()
            if (pos < s.length && s[pos] == '}') {
                pos++
                return m
            }
            while (true) {
                skipWs()
                if (pos >= s.length || s[pos] != '"') fail("expected a key")
                val k = string()
                skipWs()
                if (pos >= s.length || s[pos] != ':') fail("expected ':'")
                pos++
                skipWs()
                m[k] = value(depth + 1)
                skipWs()
                if (pos >= s.length) fail("unexpected end")
                when (s[pos]) {
                    ',' -> pos++
                    '}' -> {
                        pos++
                        return m
                    }
                    else -> fail("expected ',' or '}'")
                }
            }
        }

        fun arr(depth: Int): List<Any?> {
            pos++ // [
            val l = ArrayList<Any?>()
            skipWs()
            if (pos < s.length && s[pos] == ']') {
                pos++
                return l
            }
            while (true) {
                skipWs()
                l.add(value(depth + 1))
                skipWs()
                if (pos >= s.length) fail("unexpected end")
                when (s[pos]) {
                    ',' -> pos++
                    ']' -> {
                        pos++
                        return l
                    }
                    else -> fail("expected ',' or ']'")
                }
            }
        }

        fun hex4(): Int {
            if (pos + 4 > s.length) fail("short \\u escape")
            var v = 0
            for (k in 0 until 4) {
                val d = Character.digit(s[pos + k], 16)
                if (d < 0) fail("bad \\u escape")
                v = v * 16 + d
            }
            pos += 4
            return v
        }

        fun string(): String {
            pos++ // opening quote
            val sb = StringBuilder()
            while (true) {
                if (pos >= s.length) fail("unterminated string")
                val c = s[pos]
                when {
                    c == '"' -> {
                        pos++
                        return sb.toString()
                    }
                    c == '\\' -> {
                        pos++
                        if (pos >= s.length) fail("unterminated escape")
                        when (s[pos++]) {
                            '"' -> sb.append('"')
                            '\\' -> sb.append('\\')
                            '/' -> sb.append('/')
                            'b' -> sb.append('\b')
                            'f' -> sb.append('\u000c')
                            'n' -> sb.append('\n')
                            'r' -> sb.append('\r')
                            't' -> sb.append('\t')
                            'u' -> {
                                val u = hex4()
                                if (u in 0xD800..0xDBFF) {
                                    if (pos + 6 <= s.length && s[pos] == '\\' && s[pos + 1] == 'u') {
                                        pos += 2
                                        val lo = hex4()
                                        if (lo !in 0xDC00..0xDFFF) fail("unpaired surrogate")
                                        sb.append(u.toChar()).append(lo.toChar())
                                    } else {
                                        fail("unpaired surrogate")
                                    }
                                } else if (u in 0xDC00..0xDFFF) {
                                    fail("unpaired surrogate")
                                } else {
                                    sb.append(u.toChar())
                                }
                            }
                            else -> {
                                pos--
                                fail("bad escape")
                            }
                        }
                    }
                    c < ' ' -> fail("control character in string")
                    Character.isHighSurrogate(c) -> {
                        if (pos + 1 < s.length && Character.isLowSurrogate(s[pos + 1])) {
                            sb.append(c).append(s[pos + 1])
                            pos += 2
                        } else {
                            fail("unpaired surrogate")
                        }
                    }
                    Character.isLowSurrogate(c) -> fail("unpaired surrogate")
                    else -> {
                        sb.append(c)
                        pos++
                    }
                }
            }
        }

        fun number(): Any {
            val start = pos
            if (s[pos] == '-') pos++
            if (pos >= s.length) fail("bad number")
            if (s[pos] == '0') {
                pos++
            } else if (s[pos] in '1'..'9') {
                while (pos < s.length && s[pos] in '0'..'9') pos++
            } else {
                fail("bad number")
            }
            var integral = true
            if (pos < s.length && s[pos] == '.') {
                integral = false
                pos++
                if (pos >= s.length || s[pos] !in '0'..'9') fail("bad fraction")
                while (pos < s.length && s[pos] in '0'..'9') pos++
            }
            if (pos < s.length && (s[pos] == 'e' || s[pos] == 'E')) {
                integral = false
                pos++
                if (pos < s.length && (s[pos] == '+' || s[pos] == '-')) pos++
                if (pos >= s.length || s[pos] !in '0'..'9') fail("bad exponent")
                while (pos < s.length && s[pos] in '0'..'9') pos++
            }
            val text = s.substring(start, pos)
            if (integral) {
                val l = text.toLongOrNull()
                if (l != null) return l
            }
            return text.toDouble()
        }
    }
}

/** Typed reads from parsed JSON; a wrong type is a [Json.ParseException]-like [JsonShapeException]. */
class JsonShapeException(message: String) : Exception(message)

@Suppress("UNCHECKED_CAST")
fun Any?.asObj(what: String = "value"): Map<String, Any?> =
    this as? Map<String, Any?> ?: throw JsonShapeException("$what is not an object")

fun Any?.asList(what: String = "value"): List<Any?> = this as? List<Any?> ?: throw JsonShapeException("$what is not an array")

fun Map<String, Any?>.str(key: String): String =
    this[key] as? String ?: throw JsonShapeException("'$key' is not a string")

fun Map<String, Any?>.strOrNull(key: String): String? = this[key] as? String

fun Map<String, Any?>.bool(key: String): Boolean =
    this[key] as? Boolean ?: throw JsonShapeException("'$key' is not a boolean")

fun Map<String, Any?>.long(key: String): Long = when (val v = this[key]) {
    is Long -> v
    is Double -> if (v == Math.floor(v)) v.toLong() else throw JsonShapeException("'$key' is not an integer")
    else -> throw JsonShapeException("'$key' is not a number")
}

fun Map<String, Any?>.double(key: String): Double = when (val v = this[key]) {
    is Long -> v.toDouble()
    is Double -> v
    else -> throw JsonShapeException("'$key' is not a number")
}

fun Map<String, Any?>.objOrNull(key: String): Map<String, Any?>? = this[key]?.asObj(key)

fun Map<String, Any?>.list(key: String): List<Any?> = this[key]?.asList(key) ?: emptyList()
