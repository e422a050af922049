package com.smsguard.app

import android.app.Activity
import android.os.Bundle
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import com.smsguard.app.core.ConsentEntry

/** The consent ledger, newest first: revoke what was granted, grant what was revoked, add a signature. */
class ConsentActivity : Activity() {
    private lateinit var list: LinearLayout
    private lateinit var error: android.widget.TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val root = Ui.vertical(this)
        root.addView(Ui.text(this, getString(R.string.consent_title), 18f))
        val add = Ui.horizontal(this)
        val input = EditText(this).apply { hint = getString(R.string.consent_add_hint) }
        add.addView(Ui.weighted(input))
        add.addView(Ui.button(this, getString(R.string.consent_grant)) { change(input.text.toString().trim(), null, grant = true) })
        add.addView(Ui.button(this, getString(R.string.consent_revoke)) { change(input.text.toString().trim(), null, grant = false) })
        root.addView(add)
        error = Ui.text(this, "", 13f)
        root.addView(error)
        list = Ui.vertical(this)
        root.addView(ScrollView(this).apply { addView(list) })
        setContentView(root)
        load()
    }

    private fun change(signature: String?, port: String?, grant: Boolean) {
        val sig = signature?.trim('【', '】', ' ')?.ifEmpty { null }
        if (sig == null && port == null) return
        bg({
            val c = AppCore.client(this)
            if (grant) c.consentGrant(sig, port) else c.consentRevoke(sig, port)
        }, onError = { error.text = Ui.describe(this, it) }) {
            error.text = ""
            load()
        }
    }

    private fun load() {
        bg({ AppCore.client(this).consentList() }) { show(it) }
    }

    private fun show(entries: List<ConsentEntry>) {
        list.removeAllViews()
        if (entries.isEmpty()) list.addView(Ui.text(this, getString(R.string.consent_empty)))
        for (e in entries) {
            val row = Ui.horizontal(this)
            val name = listOfNotNull(e.signature?.let { "【$it】" }, e.port).joinToString(" ")
            val state = getString(if (e.state == "granted") R.string.consent_granted else R.string.consent_revoked)
            row.addView(Ui.weighted(Ui.text(this, "$name\n$state · ${e.at ?: ""} · ${e.how ?: ""}", 14f)))
            val grant = e.state != "granted"
            row.addView(Ui.button(this, getString(if (grant) R.string.consent_grant else R.string.consent_revoke)) {
                change(e.signature, e.port, grant)
            })
            list.addView(row)
        }
    }
}
