package com.smsguard.app

import android.app.Activity
import android.app.AlertDialog
import android.content.Intent
import android.os.Bundle
import android.text.InputType
import android.widget.EditText
import com.smsguard.app.core.Message
import com.smsguard.app.core.Share
import com.smsguard.app.core.StoreException
import com.smsguard.app.core.Times

/**
 * Share target (ACTION_SEND text/plain): the user shares a message from their SMS app. The sender
 * is found by matching the text in content://sms/inbox (core.Share.find); when it cannot be told,
 * the app asks. The message is sorted and stored, then the detail screen offers the usual drafts.
 */
class ShareActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val text = if (intent?.action == Intent.ACTION_SEND) intent.getStringExtra(Intent.EXTRA_TEXT) else null
        if (text.isNullOrBlank()) {
            Ui.toast(this, getString(R.string.share_empty))
            finish()
            return
        }
        bg({ Share.find(text, AppCore.recentInbox(this)) }, onError = { ask(text) }) { m ->
            val row = m.row
            if (row != null) store(row.sender ?: "", row.body ?: text, row.dateMillis, row.providerId) else ask(text)
        }
    }

    private fun ask(text: String) {
        val input = EditText(this).apply {
            hint = getString(R.string.share_sender_hint)
            inputType = InputType.TYPE_CLASS_PHONE
        }
        AlertDialog.Builder(this).setTitle(R.string.share_sender_title).setView(input)
            .setPositiveButton(R.string.ok) { _, _ -> store(input.text.toString().trim(), text, System.currentTimeMillis(), null) }
            .setNegativeButton(R.string.cancel) { _, _ -> finish() }
            .setOnCancelListener { finish() }
            .show()
    }

    private fun store(sender: String, body: String, at: Long, providerId: Long?) {
        bg({
            val store = AppCore.store(this) ?: throw StoreException("unavailable")
            val known = providerId?.let { pid -> store.findByProvider(pid) }
            known ?: run {
                val msg = Message(sender, body, Times.iso(at), AppCore.contacts(this).isKnown(sender))
                store.insert(msg, at, AppCore.client(this).classify(msg), providerId)
            }
        }) { id ->
            startActivity(MessageActivity.intent(this, id, report = true))
            finish()
        }
    }
}
