// The known-contact flag and the receiving SIM's carrier through the uniffi bindings, from the
// shared vectors testdata/contacts.jsonl and testdata/report_carriers.jsonl.
package smsguard.test

import com.smsguard.ffi.SmsGuard
import com.smsguard.ffi.SmsMessage
import com.smsguard.ffi.carrierFromMccMnc
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

class ContactsTest {
    /** Rows with their string fields (MiniJson) and the raw line for the boolean fields. */
    private fun rows(name: String): List<Pair<Map<String, String>, String>> {
        val dir = System.getProperty("smsguard.testdata") ?: error("smsguard.testdata not set")
        return File(dir, name).readLines().filter { it.isNotBlank() }.map { Pair(MiniJson.parseObject(it), it) }
    }

    private fun flag(line: String, key: String) = Regex("\"$key\"\\s*:\\s*true").containsMatchIn(line)

    /** Runs [check] on every row of a vector file (at least [min] rows) with one engine. */
    private fun eachRow(name: String, min: Int, check: (SmsGuard, Map<String, String>, String, String) -> Unit) {
        val rows = rows(name)
        assertTrue(rows.size >= min, name)
        SmsGuard().use { g -> for ((v, line) in rows) check(g, v, line, v.getValue("id")) }
    }

    @Test
    fun knownContactVectors() {
        eachRow("contacts.jsonl", 6) { g, v, line, id ->
            val got = g.classify(SmsMessage(v.getValue("sender"), v.getValue("body"), null, flag(line, "known_contact")))
            assertEquals(v.getValue("expect_action"), wire(got.action), id)
            assertEquals(v.getValue("expect_category"), wire(got.category), id)
            val reason = v.getValue("expect_reason")
            if (reason.isNotEmpty()) assertEquals(reason, got.reasons.first().code, id)
            else assertTrue(got.reasons.none { it.code.startsWith("known_contact") }, id)
            // the default stays "not a contact": the three-argument constructor still compiles
            if (!flag(line, "known_contact")) assertEquals(got, g.classify(SmsMessage(v.getValue("sender"), v.getValue("body"), null)), id)
        }
    }

    @Test
    fun carrierVectors() {
        eachRow("report_carriers.jsonl", 8) { g, v, line, id ->
            val carrier = carrierFromMccMnc(v.getValue("sim_operator"))
            assertEquals(v.getValue("expect_carrier"), wire(carrier), id)
            val plan = g.reportForCarrier(SmsMessage(v.getValue("sender"), v.getValue("body"), null), carrier)
            assertEquals(v.getValue("expect_first_channel"), plan.drafts.first().channel, id)
            assertEquals(flag(line, "expect_first_verified"), plan.drafts.first().verified, id)
        }
    }
}
