// Test vectors and the Rust engine's expected results, shared by the Kotlin tests.
package smsguard.test

import java.io.File

/** One test message as the JSONL vectors give it. */
data class Vector(val id: String, val sender: String, val body: String)

/** What the Rust engine said about a vector (a line of expected.tsv, see examples/expected.rs). */
data class Expected(
    val id: String,
    val sender: String,
    val body: String,
    val action: String,
    val category: String,
    val scoreBits: Int,
    val senderKind: String,
    val consent: String?,
    val codes: List<String>,
    val signature: String?,
    val explainJson: String,
    val subcategory: String?,
)

object Vectors {
    val vectors: List<Vector> by lazy {
        val files = (System.getProperty("smsguard.vectors") ?: error("smsguard.vectors not set")).split(":")
        files.flatMap { path ->
            File(path).readLines().filter { it.isNotBlank() }.map { line ->
                val o = MiniJson.parseObject(line)
                Vector(o["id"] ?: error("$path: no id"), o["sender"] ?: "", o["body"] ?: error("$path: no body"))
            }
        }
    }

    val expected: Map<String, Expected> by lazy {
        val path = System.getProperty("smsguard.expected") ?: error("smsguard.expected not set")
        File(path).readLines().filter { it.isNotEmpty() }.associate { line ->
            val f = line.split('\t').map(::unescape)
            require(f.size == 12) { "expected.tsv: ${f.size} fields" }
            f[0] to Expected(
                f[0], f[1], f[2], f[3], f[4], java.lang.Long.parseLong(f[5], 16).toInt(), f[6],
                f[7].ifEmpty { null }, if (f[8].isEmpty()) emptyList() else f[8].split(','),
                f[9].ifEmpty { null }, f[10], f[11].ifEmpty { null },
            )
        }
    }

    private fun unescape(s: String): String {
        val out = StringBuilder(s.length)
        var i = 0
        while (i < s.length) {
            val c = s[i]
            if (c == '\\' && i + 1 < s.length) {
                when (s[i + 1]) {
                    't' -> out.append('\t')
                    'n' -> out.append('\n')
                    'r' -> out.append('\r')
                    else -> out.append(s[i + 1])
                }
                i += 2
            } else {
                out.append(c)
                i++
            }
        }
        return out.toString()
    }
}

/** Just enough JSON to read flat objects of string (and ignored scalar) fields. */
object MiniJson {
    fun parseObject(text: String): Map<String, String> {
        val p = Parser(text)
        return p.obj()
    }

    private class Parser(val s: String) {
        var i = 0

        fun ws() { while (i < s.length && s[i].isWhitespace()) i++ }

        fun expect(c: Char) {
            ws()
            require(i < s.length && s[i] == c) { "expected '$c' at $i" }
            i++
        }

        fun obj(): Map<String, String> {
            val m = LinkedHashMap<String, String>()
            expect('{')
            ws()
            if (s[i] == '}') { i++; return m }
            while (true) {
                ws()
                val k = str()
                expect(':')
                ws()
                if (s[i] == '"') m[k] = str() else scalar()
                ws()
                if (s[i] == ',') { i++; continue }
                expect('}')
                return m
            }
        }

        fun scalar() { while (i < s.length && s[i] !in ",}") i++ }

        fun str(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                val c = s[i++]
                when (c) {
                    '"' -> return out.toString()
                    '\\' -> {
                        when (val e = s[i++]) {
                            'n' -> out.append('\n'); 't' -> out.append('\t'); 'r' -> out.append('\r')
                            'b' -> out.append('\b'); 'f' -> out.append('\u000c')
                            'u' -> { out.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                            else -> out.append(e)
                        }
                    }
                    else -> out.append(c)
                }
            }
        }
    }
}
