package com.smsguard.app

import android.app.Activity
import android.app.AlertDialog
import android.content.Context
import android.content.Intent
import android.os.Bundle
import android.text.format.DateUtils
import android.view.View
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import com.smsguard.app.core.Share
import com.smsguard.app.core.UnsubscribeGate
import com.smsguard.app.core.Reason
import com.smsguard.app.core.ReportOption
import com.smsguard.app.core.ReportPlan
import com.smsguard.app.core.SendIntents
import com.smsguard.app.core.SentCheck
import com.smsguard.app.core.SentRow
import com.smsguard.app.core.StoreException
import com.smsguard.app.core.StoredMessage
import com.smsguard.app.core.UnsubscribeDraft

/**
 * One message: the full explanation (zh, English on demand) and the actions — 举报 (report_plan
 * drafts, SMS app opened with ACTION_SENDTO, recorded when the user confirms), 退订 (only when
 * the core offers a reply), 不是垃圾 / 是垃圾 (feedback, re-sorted, undoable).
 */
class MessageActivity : Activity() {
    companion object {
        private const val EXTRA_ID = "id"
        private const val EXTRA_REPORT = "report"

        /** [report]: open the report choices at once (share target, "report the selected"). */
        fun intent(ctx: Context, id: Long, report: Boolean = false): Intent =
            Intent(ctx, MessageActivity::class.java).putExtra(EXTRA_ID, id).putExtra(EXTRA_REPORT, report)
    }

    private var id = -1L
    private var english = false
    private lateinit var content: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        id = intent.getLongExtra(EXTRA_ID, -1L)
        autoReport = intent.getBooleanExtra(EXTRA_REPORT, false)
        english = Ui.english(this)
        val scroll = ScrollView(this)
        content = Ui.vertical(this)
        scroll.addView(content)
        setContentView(scroll)
        load()
    }

    private class Loaded(val m: StoredMessage, val plan: ReportPlan?, val options: List<ReportOption>, val unsub: UnsubscribeDraft?, val offerUnsub: Boolean)

    private var autoReport = false

    private fun load() {
        bg({
            val actions = AppCore.actions(this) ?: throw StoreException("unavailable")
            val m = AppCore.store(this)?.get(id) ?: throw StoreException("message not found")
            val (plan, options) = try {
                // dual SIM: the receiving SIM's operator; the core maps it and orders the drafts
                actions.reportOptions(id, simOperator = AppCore.simOperator(this, m.subscriptionId))
            } catch (e: com.smsguard.app.core.EngineException) {
                Pair(null, emptyList())
            }
            val unsub = try {
                actions.unsubscribeDraft(id)
            } catch (e: com.smsguard.app.core.EngineException) {
                null
            }
            Loaded(m, plan, options, unsub, UnsubscribeGate.offer(m.verdict, m.sender, unsub))
        }) { l ->
            show(l)
            if (autoReport) {
                autoReport = false
                // not reportable (a transaction, consented marketing…): the detail says why
                if (l.options.isNotEmpty() && l.plan != null) report(l.plan, l.options)
            }
        }
    }

    private fun reasonsText(rs: List<Reason>): String = rs.joinToString("\n") { "• " + it.text(english) }

    private fun show(l: Loaded) {
        content.removeAllViews()
        val m = l.m
        shown = m
        val v = m.verdict
        val sender = m.sender.ifEmpty { getString(R.string.unknown_sender) }
        val time = DateUtils.formatDateTime(this, m.receivedMillis, DateUtils.FORMAT_SHOW_DATE or DateUtils.FORMAT_SHOW_TIME or DateUtils.FORMAT_SHOW_YEAR)
        content.addView(Ui.text(this, "$sender\n$time", 16f))
        content.addView(Ui.text(this, Ui.folderName(this, v.action) + " · " + Ui.categoryName(this, v.category), 18f))
        if (v.signature != null) content.addView(Ui.text(this, getString(R.string.detail_signature, v.signature), 14f))
        content.addView(Ui.text(this, getString(R.string.detail_score, Math.round(v.score * 100).toInt()), 13f))
        val body = TextView(this).apply {
            text = if (m.body.isEmpty()) getString(R.string.empty_body) else m.body
            textSize = 16f
            setTextIsSelectable(true)
            setPadding(0, 24, 0, 24)
        }
        content.addView(body)
        content.addView(Ui.text(this, getString(R.string.detail_reasons), 15f))
        val reasons = Ui.text(this, reasonsText(v.reasons), 14f)
        content.addView(reasons)
        content.addView(Ui.button(this, getString(if (english) R.string.show_chinese else R.string.show_english)) {
            english = !english
            show(l)
        })

        val plan = l.plan
        if (l.options.isNotEmpty() && plan != null) {
            content.addView(Ui.button(this, getString(R.string.action_report)) { report(plan, l.options) })
        } else if (plan?.notReportable != null) {
            content.addView(Ui.text(this, getString(R.string.not_reportable, plan.notReportable.text(english)), 13f))
        }
        val unsub = l.unsub
        val unsubIntent = SendIntents.unsubscribe(unsub)
        if (!l.offerUnsub && (v.action == "junk" || v.action == "promotion") && m.sender.isNotEmpty()) {
            // fraud or a personal number: a reply would confirm the number is live; block instead
            content.addView(Ui.button(this, getString(R.string.action_block_sender)) {
                bg({ AppCore.client(this).rulesAdd("block", "sender", m.sender) }) { Ui.toast(this, getString(R.string.blocked_sender)) }
            })
        }
        if (l.offerUnsub && unsub != null && unsubIntent != null) {
            content.addView(Ui.button(this, getString(R.string.action_unsubscribe) + " (" + unsub.body + " → " + unsub.destination + ")") {
                warnThen(unsub.warnings) {
                    if (Ui.openSms(this, unsubIntent)) {
                        pending = Pending(null, unsub.destination, unsub.body, System.currentTimeMillis(), null)
                    }
                }
            })
        }
        val kind = if (v.action == "junk") "not_junk" else "is_junk"
        content.addView(Ui.button(this, getString(if (kind == "not_junk") R.string.action_not_junk else R.string.action_is_junk)) {
            bg({ AppCore.actions(this)!!.feedback(id, kind) }) { r ->
                Ui.toast(this, getString(R.string.feedback_done, Ui.folderName(this, r.verdict.action)))
                if (r.warnings.isNotEmpty()) {
                    AlertDialog.Builder(this).setTitle(R.string.warnings).setMessage(reasonsText(r.warnings))
                        .setPositiveButton(R.string.ok, null).show()
                }
                load()
            }
        })
        if (m.feedbackId != null) {
            content.addView(Ui.button(this, getString(R.string.action_undo)) {
                bg({ AppCore.actions(this)!!.undoFeedback(id) }) {
                    Ui.toast(this, getString(R.string.feedback_undone))
                    load()
                }
            })
        }
    }

    /** A draft handed to the SMS app: [channel] null = the unsubscribe reply. */
    private class Pending(val channel: String?, val destination: String, val body: String, val openedAt: Long, val reportId: Long?)

    private var pending: Pending? = null

    /**
     * Back from the SMS app: ACTION_SENDTO returns nothing, so look for the draft in
     * content://sms/sent (when READ_SMS is granted) and record it; otherwise ask the user.
     */
    override fun onResume() {
        super.onResume()
        val p = pending ?: return
        pending = null
        bg({ sentRows(p.openedAt) }) { rows ->
            when {
                SentCheck.wasSent(p.destination, p.body, p.openedAt, rows) -> record(p)
                // the unsubscribe reply: the user's word is enough to revoke consent
                p.channel == null -> Ui.confirm(this, getString(R.string.unsubscribe_confirm)) { record(p) }
                // a report stays "drafted" until content://sms/sent shows it (checked again on every start)
                else -> Ui.toast(this, getString(R.string.report_drafted))
            }
        }
    }

    private fun sentRows(since: Long): List<SentRow> {
        if (checkSelfPermission("android.permission.READ_SMS") != android.content.pm.PackageManager.PERMISSION_GRANTED) return emptyList()
        val c = contentResolver.query(
            android.net.Uri.parse("content://sms/sent"), arrayOf("address", "body", "date"),
            "date >= ?", arrayOf((since - SentCheck.SKEW_MS).toString()), "date DESC",
        ) ?: return emptyList()
        try {
            val out = ArrayList<SentRow>()
            while (c.moveToNext() && out.size < 50) out.add(SentRow(c.getString(0), c.getString(1), c.getLong(2)))
            return out
        } finally {
            c.close()
        }
    }

    private fun record(p: Pending) {
        val channel = p.channel
        if (channel == null) {
            bg({ AppCore.actions(this)!!.unsubscribeSent(id) }) {
                Ui.toast(this, getString(R.string.unsubscribe_recorded))
                load()
            }
        } else {
            bg({
                p.reportId?.let { AppCore.store(this)?.markSent(it, System.currentTimeMillis()) }
                AppCore.actions(this)!!.reportSent(id, channel)
            }) { recorded ->
                Ui.toast(this, getString(if (recorded) R.string.report_recorded else R.string.report_already))
            }
        }
    }

    private fun warnThen(warnings: List<Reason>, then: () -> Unit) {
        if (warnings.isEmpty()) {
            then()
            return
        }
        AlertDialog.Builder(this).setTitle(R.string.warnings).setMessage(reasonsText(warnings))
            .setPositiveButton(R.string.ok) { _, _ -> then() }
            .setNegativeButton(R.string.cancel, null).show()
    }

    private var shown: StoredMessage? = null

    /** "Copy for the 12321 website": number, time received (local), the verbatim text — the form's order. */
    private fun web12321(o: ReportOption): String {
        val m = shown ?: return o.copyText
        val time = java.text.SimpleDateFormat("yyyy-MM-dd HH:mm", java.util.Locale.ROOT).format(java.util.Date(m.receivedMillis))
        return Share.copyFor12321Web(m.sender, time, m.body)
    }

    private fun report(plan: ReportPlan, options: List<ReportOption>) {
        val labels = options.map { o ->
            o.channel + (o.destination?.let { " · $it" } ?: "") + (if (o.verified) "" else " " + getString(R.string.report_unverified))
        }.toTypedArray()
        warnThen(plan.warnings) {
            AlertDialog.Builder(this).setTitle(R.string.report_pick).setItems(labels) { _, which -> reportWith(options[which]) }.show()
        }
    }

    private fun reportWith(o: ReportOption) {
        val sms = o.sms
        val copyText = if (o.channel == "12321_web") web12321(o) else o.copyText
        val b = AlertDialog.Builder(this).setMessage((if (sms == null) getString(R.string.report_copy_hint) + "\n\n" else "") + copyText)
            .setNeutralButton(R.string.action_copy) { _, _ -> Ui.copy(this, copyText) }
            .setNegativeButton(R.string.cancel, null)
        if (sms != null) {
            b.setPositiveButton(R.string.action_open_sms) { _, _ ->
                val at = System.currentTimeMillis()
                if (Ui.openSms(this, sms)) {
                    val dest = o.destination ?: ""
                    val body = o.body
                    val channel = o.channel
                    pending = Pending(channel, dest, body, at, null)
                    bg({ AppCore.store(this)?.reportDrafted(id, channel, dest, body, at) }) { rid ->
                        pending?.takeIf { it.openedAt == at }?.let { pending = Pending(it.channel, it.destination, it.body, it.openedAt, rid) }
                    }
                }
            }
        }
        b.show()
    }
}
