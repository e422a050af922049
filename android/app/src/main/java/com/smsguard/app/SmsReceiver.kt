package com.smsguard.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.telephony.SmsMessage
import android.util.Log
import com.smsguard.app.core.SmsPart

/**
 * SMS_RECEIVED (companion mode: the default SMS app gets SMS_DELIVER and shows the message; we
 * can only sort and notify). Decoding here, sorting on the background thread within goAsync's
 * ~10 s; all logic is in core.Sorter.
 */
class SmsReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != "android.provider.Telephony.SMS_RECEIVED") return
        val parts = decode(intent)
        // dual SIM: the receiving SIM picks the carrier's report number later
        val sub = intent.getIntExtra("subscription", -1).let { if (it >= 0) it.toLong() else null }
        val app = context.applicationContext
        val pending = goAsync()
        AppCore.executor.execute {
            try {
                val outcome = AppCore.sorter(app).onReceived(parts, System.currentTimeMillis(), sub)
                Notifier.afterReceive(app, outcome)
                JunkNotificationListener.recheck()
            } catch (t: Throwable) {
                Log.w(AppCore.TAG, "receive: failed (" + t.javaClass.simpleName + ")")
            } finally {
                pending.finish()
            }
        }
    }

    /** One SmsPart per PDU in order; null for a PDU that does not decode (never logged with content). */
    private fun decode(intent: Intent): List<SmsPart?> {
        val pdus = try {
            intent.extras?.get("pdus") as? Array<*>
        } catch (e: RuntimeException) {
            null
        } ?: return emptyList()
        val format = intent.getStringExtra("format")
        return pdus.map { pdu ->
            try {
                val m = SmsMessage.createFromPdu(pdu as ByteArray, format)
                SmsPart(m.originatingAddress, m.messageBody, m.timestampMillis)
            } catch (e: Exception) {
                null
            }
        }
    }
}
