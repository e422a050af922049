// User state through the uniffi (JNA) bindings, with temp state files. Every message is invented.
package smsguard.test

import com.smsguard.ffi.Action
import com.smsguard.ffi.Consent
import com.smsguard.ffi.ConsentSource
import com.smsguard.ffi.FeedbackKind
import com.smsguard.ffi.GuardConfig
import com.smsguard.ffi.RulePack
import com.smsguard.ffi.SmsGuard
import com.smsguard.ffi.SmsGuardException
import com.smsguard.ffi.SmsMessage
import com.smsguard.ffi.UserRuleEffect
import com.smsguard.ffi.UserRuleKind
import com.smsguard.ffi.setAsideState
import java.io.File
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

const val PROMO_SENDER = "1069012345678"
const val PROMO = "【潮汐优选】双十二会员日，全场满199减60，回T退订"
const val BANK_SENDER = "95566"
const val BANK = "【北辰银行】您尾号8831的卡于12月01日支出238.50元，余额1024.00元。"

class StateTest {
    private fun statePath(): String =
        File(Files.createTempDirectory("smsguard-kt").toFile(), "state.json").path

    private fun promo() = SmsMessage(PROMO_SENDER, PROMO, null)

    @Test
    fun grantAndRevokeChangeClassifyAndPersist() {
        val path = statePath()
        SmsGuard.open(path).use { g ->
            assertEquals(path, g.statePath())
            assertEquals(Action.PROMOTION, g.classify(promo()).action)
            g.consentRevoke("潮汐优选", null)
            val revoked = g.classify(promo())
            assertEquals(Action.JUNK, revoked.action, "revoked: $revoked")
            assertEquals(Consent.REVOKED, revoked.consent)
            g.consentGrant("潮汐优选", null)
            assertEquals(Consent.GRANTED, g.classify(promo()).consent)
            assertEquals(Action.PROMOTION, g.classify(promo()).action)
        }
        // Reopening reads the file.
        SmsGuard.open(path).use { g ->
            assertEquals(listOf("潮汐优选"), g.consentList().map { it.signature })
            assertEquals(Consent.GRANTED, g.classify(promo()).consent)
            assertTrue(g.consentForget("潮汐优选", null))
            assertEquals(Action.PROMOTION, g.classify(promo()).action)
        }
    }

    @Test
    fun revokedMarketingIsReportableAndReportSentDedupes() {
        SmsGuard.open(statePath()).use { g ->
            g.consentRevoke("潮汐优选", null)
            val plan = g.report(promo())
            assertTrue(plan.reportable, "plan: $plan")
            val cm = assertNotNull(plan.drafts.find { it.destination == "10086999" }, "no 10086999 draft")
            assertEquals("$PROMO_SENDER*$PROMO", cm.body)
            assertTrue(g.reportSent(promo(), cm.channel))
            assertFalse(g.reportSent(promo(), cm.channel), "second record of the same channel")
            val again = g.report(promo())
            assertFalse(again.reportable)
            assertEquals("report_already_sent", again.notReportable?.code)
            // The batch offers a repeated message once.
            val other = SmsMessage("1069012340000", "【潮汐优选】年货节满299减80，回T退订", null)
            val batch = g.reportBatch(listOf(other, other))
            assertEquals(listOf(true, false), batch.map { it.reportable })
        }
    }

    @Test
    fun aTransactionIsNeverReportable() {
        SmsGuard.open(statePath()).use { g ->
            val bank = SmsMessage(BANK_SENDER, BANK, null)
            assertEquals(Action.TRANSACTION, g.classify(bank).action)
            val plan = g.report(bank)
            assertFalse(plan.reportable)
            assertTrue(plan.drafts.isEmpty())
            assertEquals("report_not_transaction", plan.notReportable?.code)
            assertFailsWith<SmsGuardException.InvalidData> { g.reportSent(bank, "china_mobile") }
        }
    }

    @Test
    fun unsubscribeSentRevokes() {
        SmsGuard.open(statePath()).use { g ->
            val reply = assertNotNull(g.unsubscribe(promo()))
            assertEquals("T", reply.body)
            assertEquals(PROMO_SENDER, reply.destination)
            g.unsubscribeSent(reply)
            assertEquals(Consent.REVOKED, g.classify(promo()).consent)
            assertEquals(ConsentSource.UNSUBSCRIBE, g.consentList().single().how)
            assertNull(g.unsubscribe(SmsMessage(BANK_SENDER, BANK, null)))
        }
    }

    @Test
    fun rulesFeedbackAndStrict() {
        SmsGuard.open(statePath()).use { g ->
            val loan = SmsMessage(PROMO_SENDER, "【云杉小贷】无抵押低息贷款，最快当天放款，回T退订", null)
            val id = g.rulesAdd(UserRuleEffect.BLOCK, UserRuleKind.KEYWORD, "当天放款")
            assertEquals(Action.JUNK, g.classify(loan).action)
            val exported = g.rulesExportJson()
            assertEquals(id, g.rulesRemove(id).id)
            assertTrue(g.rulesList().isEmpty())
            assertEquals(1u, g.rulesImportJson(exported, "backup.json"))
            assertFailsWith<SmsGuardException.InvalidData> { g.rulesImportJson("{broken", "bad.json") }
            val f = g.feedback(FeedbackKind.IS_JUNK, promo())
            assertEquals("潮汐优选", f.signature)
            assertEquals(Action.JUNK, g.classify(promo()).action)
            g.feedbackUndo(f.id)
            assertEquals(Action.PROMOTION, g.classify(promo()).action)
            g.setStrict(true)
            assertTrue(g.strict())
            assertEquals(Action.JUNK, g.classify(promo()).action)
        }
    }

    @Test
    fun corruptStateFileIsActionableAndUntouched() {
        val path = statePath()
        val text = "{\"format\": \"smsguard-state\", \"version\": 1, \"gen"
        File(path).writeText(text)
        val e = assertFailsWith<SmsGuardException.StateUnreadable> { SmsGuard.open(path) }
        assertEquals(path, e.path)
        assertEquals(text, File(path).readText())
        // The user chose to start over: the file goes aside, a fresh state opens.
        val aside = setAsideState(path)
        assertEquals(text, File(aside).readText())
        SmsGuard.open(path).use { g -> assertTrue(g.consentList().isEmpty()) }
    }

    @Test
    fun brokenRulePackIsInvalidData() {
        val pack = "format = smsguard-rules/1\npack = test\nversion = 1\n\n[test.loan]\nany = 贷款\n" +
            "effect = explode everything\nreason = test_loan\nzh = 贷款\nen = Loan\n"
        val e = assertFailsWith<SmsGuardException.InvalidData> {
            SmsGuard.withConfig(GuardConfig(listOf(RulePack("broken.rules", pack)), null))
        }
        assertEquals("broken.rules", e.origin)
        assertEquals(7u, e.line)
    }
}
