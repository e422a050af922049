package com.smsguard.app

import android.app.Activity
import android.os.Bundle
import android.text.format.DateUtils
import android.widget.ScrollView
import com.smsguard.app.core.StoreException

/** The report history: each report drafted, and sent once it was seen in content://sms/sent. */
class ReportsActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val scroll = ScrollView(this)
        val root = Ui.vertical(this)
        scroll.addView(root)
        setContentView(scroll)
        root.addView(Ui.text(this, getString(R.string.reports_title), 18f))
        bg({
            // look again in content://sms/sent first, so the states are current
            AppCore.store(this)?.let { st -> com.smsguard.app.core.ReportStates.reconcileSent(st, AppCore.sentRows(this, System.currentTimeMillis() - 7 * 86_400_000L), System.currentTimeMillis()) }
            AppCore.store(this)?.reports() ?: throw StoreException("unavailable")
        }) { list ->
            if (list.isEmpty()) root.addView(Ui.text(this, getString(R.string.reports_empty), 14f))
            for (r in list) {
                val time = DateUtils.formatDateTime(this, r.draftedMillis, DateUtils.FORMAT_SHOW_DATE or DateUtils.FORMAT_SHOW_TIME)
                val state = getString(if (r.state == "sent") R.string.report_state_sent else R.string.report_state_drafted)
                val line = Ui.text(this, "$time · ${r.channel} → ${r.destination} · $state", 14f)
                line.setOnClickListener { startActivity(MessageActivity.intent(this, r.messageId)) }
                root.addView(line)
            }
        }
    }
}
