// The uniffi (JNA) bindings on the host JVM: results must agree exactly with the Rust engine.
package smsguard.test

import com.smsguard.ffi.Action
import com.smsguard.ffi.GuardConfig
import com.smsguard.ffi.SmsGuard
import com.smsguard.ffi.SmsGuardException
import com.smsguard.ffi.SmsMessage
import com.smsguard.ffi.UserRuleEffect
import com.smsguard.ffi.UserRuleKind
import com.smsguard.ffi.Verdict
import com.smsguard.ffi.debugPanic
import com.smsguard.ffi.libraryVersion
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/** Lower-case wire name of a uniffi enum (`PUBLIC_SERVICES` -> `public_services`). */
fun wire(e: Enum<*>): String = e.name.lowercase()

fun msg(v: Vector) = SmsMessage(v.sender, v.body, null)

/** Asserts that a verdict from the bindings is the Rust engine's verdict, field for field. */
fun assertSameAsRust(e: Expected, v: Verdict) {
    val at = "vector ${e.id}"
    assertEquals(e.action, wire(v.action), "$at action")
    assertEquals(e.category, wire(v.category), "$at category")
    assertEquals(e.subcategory, v.subcategory?.let(::wire), "$at subcategory")
    assertEquals(e.scoreBits, v.score.toRawBits(), "$at score")
    assertEquals(e.senderKind, wire(v.senderKind), "$at sender kind")
    assertEquals(e.consent, v.consent?.let(::wire), "$at consent")
    assertEquals(e.codes, v.reasons.map { it.code }, "$at reason codes")
    assertEquals(e.signature, v.signature, "$at signature")
}

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsGuardTest {
    private val guard = SmsGuard()

    @AfterAll
    fun closeGuard() = guard.close()

    @Test
    fun everyVectorHasARustResult() {
        assertTrue(Vectors.vectors.size >= 5, "too few vectors: ${Vectors.vectors.size}")
        for (v in Vectors.vectors) {
            val e = assertNotNull(Vectors.expected[v.id], "no Rust result for ${v.id}")
            // Both sides read the same message (JSON and TSV escaping agree).
            assertEquals(v.sender, e.sender, "${v.id} sender")
            assertEquals(v.body, e.body, "${v.id} body")
        }
    }

    @Test
    fun classifyAgreesWithRust() {
        for (v in Vectors.vectors) assertSameAsRust(Vectors.expected.getValue(v.id), guard.classify(msg(v)))
    }

    @Test
    fun explainJsonAgreesWithRust() {
        for (v in Vectors.vectors) {
            assertEquals(Vectors.expected.getValue(v.id).explainJson, guard.explainJson(msg(v)), "vector ${v.id}")
        }
    }

    @Test
    fun explainRecordCarriesTheSameVerdict() {
        for (v in Vectors.vectors) {
            val x = guard.explain(msg(v))
            assertEquals(guard.classify(msg(v)), x.verdict, "vector ${v.id}")
            assertTrue(x.normaliserVersion >= 1u)
        }
    }

    @Test
    fun batchEqualsOneByOne() {
        val msgs = Vectors.vectors.map(::msg)
        assertEquals(msgs.map { guard.classify(it) }, guard.classifyBatch(msgs))
        assertEquals(emptyList(), guard.classifyBatch(emptyList()))
    }

    @Test
    fun concurrentCallsAgree() {
        val msgs = Vectors.vectors.map(::msg)
        val want = msgs.map { guard.classify(it) }
        val pool = Executors.newFixedThreadPool(4)
        try {
            val jobs = (1..8).map { Callable { (1..20).all { msgs.map { m -> guard.classify(m) } == want } } }
            assertTrue(pool.invokeAll(jobs).all { it.get() })
        } finally {
            pool.shutdown()
        }
    }

    @Test
    fun panicComesBackAsInternalErrorWithoutItsText() {
        val before = guard.classify(msg(Vectors.vectors.first()))
        val e = assertFailsWith<SmsGuardException.Internal> { debugPanic("from kotlin") }
        // The panic's text may quote an SMS: it never crosses the boundary.
        assertTrue(!e.message.orEmpty().contains("from kotlin"), "panic text crossed: ${e.message}")
        // The library keeps working after a caught panic.
        assertEquals(before, guard.classify(msg(Vectors.vectors.first())))
    }

    @Test
    fun embeddedModelIsOnByDefault() {
        SmsGuard.withConfig(GuardConfig(emptyList(), null, false)).use { g -> assertEquals(null, g.version().model) }
        SmsGuard().use { g ->
            val model = g.version().model
            assertTrue(model != null && model.startsWith("embbag"), "model in use: $model")
            val e = g.explain(SmsMessage("10690000999", "【某书店】周末全场新书八折，回T退订", null))
            assertTrue(e.model != null, "explanations carry the model's score")
        }
    }

    @Test
    fun modelUpdateIsCheckedAndARefusedOneLeavesTheModelInUse() {
        val dir = java.io.File(System.getProperty("smsguard.testdata") ?: error("smsguard.testdata not set"), "model")
        val archive = java.io.File(dir, "tiny.nnef.tar").readBytes()
        val manifest = java.io.File(dir, "tiny.manifest.json").readText()
        SmsGuard.withConfig(GuardConfig(emptyList(), null, true)).use { g ->
            val embedded = g.version().model
            val corrupt = archive.copyOf().also { it[it.size / 2] = (it[it.size / 2].toInt() xor 1).toByte() }
            val e = assertFailsWith<SmsGuardException.InvalidData> { g.loadModel(corrupt, manifest) }
            assertTrue(e.origin.startsWith("model") && e.detail.contains("sha256"), "reason: ${e.message}")
            assertEquals(embedded, g.version().model, "the embedded model stays in use")
            assertFailsWith<SmsGuardException.InvalidData> { g.loadModel(archive, "{ not json") }
            assertEquals(embedded, g.version().model)

            val name = g.loadModel(archive, manifest)
            assertEquals(name, g.version().model)
            assertTrue(name != embedded, "the update is a different model: $name")
        }
    }

    @Test
    fun userBlockedSenderGoesToJunk() {
        val sender = "10690000321"
        val body = "【星火文具】新品上架，全场八折"
        // In-memory state: the same API as a state file, nothing written.
        SmsGuard.withConfig(GuardConfig(emptyList(), null)).use { g ->
            assertEquals(null, g.statePath())
            val before = g.classify(SmsMessage(sender, body, null))
            g.rulesAdd(UserRuleEffect.BLOCK, UserRuleKind.SENDER, sender)
            val after = g.classify(SmsMessage(sender, body, null))
            assertEquals(Action.JUNK, after.action, "blocked sender: $after")
            assertTrue(before.action != Action.JUNK || before.reasons != after.reasons)
            // Other senders are unaffected.
            assertEquals(before.action, g.classify(SmsMessage("10690000999", body, null)).action)
        }
    }

    @Test
    fun loneSurrogateIsRefusedBeforeTheCall() {
        // uniffi's Kotlin encodes strings strictly: malformed UTF-16 (possible in SMS bodies
        // reassembled from UCS-2 parts) throws on the Kotlin side and never reaches Rust. The
        // README tells apps to replace lone surrogates first; the JNI path replaces them itself.
        assertFailsWith<java.nio.charset.CharacterCodingException> { guard.classify(SmsMessage("", "\ud800 x", null)) }
        // The object is unaffected.
        assertEquals(Action.NONE, guard.classify(SmsMessage("", "", null)).action)
    }

    @Test
    fun oddInputIsHandled() {
        val odd = listOf(
            "\u0000\u0001\u001f",
            "验证码".repeat(30_000),
            "【" + "很长的签名".repeat(100) + "】",
        )
        for (body in odd) {
            val v = guard.classify(SmsMessage("", body, null))
            assertEquals(v, guard.classifyBatch(listOf(SmsMessage("", body, null))).single())
        }
    }

    @Test
    fun closedObjectIsRefused() {
        val g = SmsGuard()
        g.close()
        assertFailsWith<IllegalStateException> { g.classify(SmsMessage("1", "x", null)) }
    }

    @Test
    fun versionIsReported() {
        val v = libraryVersion()
        assertTrue(v.library.isNotEmpty())
        assertTrue(v.normaliser >= 1u)
        assertEquals(v.library, guard.version().library)
    }
}
