package com.smsguard.app

import android.app.Activity
import android.app.AlertDialog
import android.content.ClipboardManager
import android.content.Context
import android.os.Bundle
import android.widget.CheckBox
import android.widget.EditText
import android.widget.TextView
import com.smsguard.app.core.Retention

/**
 * Strict mode, the on-device model, rules export (to the clipboard) / import (pasted), how long
 * message bodies are kept, and "delete all data".
 */
class SettingsActivity : Activity() {
    private lateinit var strict: CheckBox
    private lateinit var model: CheckBox
    private lateinit var line: TextView
    private var loading = true
    private lateinit var retention: TextView

    private fun showRetention(days: Int) {
        retention.text = getString(R.string.retention_line, days)
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val root = Ui.vertical(this)
        root.addView(Ui.text(this, getString(R.string.settings_title), 18f))
        strict = CheckBox(this).apply { text = getString(R.string.setting_strict) }
        model = CheckBox(this).apply { text = getString(R.string.setting_model) }
        root.addView(strict)
        root.addView(model)
        line = Ui.text(this, "", 13f)
        root.addView(line)
        strict.setOnCheckedChangeListener { _, on -> if (!loading) set(strict = on, model = null) }
        model.setOnCheckedChangeListener { _, on -> if (!loading) set(strict = null, model = on) }
        root.addView(Ui.button(this, getString(R.string.rules_export)) {
            bg({ AppCore.client(this).rulesExport() }, onError = { line.text = Ui.describe(this, it) }) { text ->
                Ui.copy(this, text)
                line.text = getString(R.string.rules_exported)
            }
        })
        root.addView(Ui.button(this, getString(R.string.rules_import)) { importDialog() })

        // retention: message bodies kept N days (codes 24 h); verdicts and hashes stay
        retention = Ui.text(this, "", 14f)
        root.addView(retention)
        val days = Ui.horizontal(this)
        for (d in listOf(7, 30, 90)) {
            days.addView(Ui.weighted(Ui.button(this, getString(R.string.retention_days, d)) {
                bg({
                    val st = AppCore.store(this) ?: throw com.smsguard.app.core.StoreException("unavailable")
                    Retention.setBodyDays(st, d)
                    Retention.purge(st, System.currentTimeMillis())
                    d
                }) { showRetention(it) }
            }))
        }
        root.addView(days)
        root.addView(Ui.button(this, getString(R.string.delete_all)) {
            AlertDialog.Builder(this).setMessage(R.string.delete_all_confirm)
                .setPositiveButton(R.string.delete_all) { _, _ ->
                    bg({ AppCore.deleteAll(this) }) { ok -> line.text = getString(if (ok) R.string.delete_all_done else R.string.delete_all_partly) }
                }
                .setNegativeButton(R.string.cancel, null).show()
        })
        setContentView(root)
        bg({ AppCore.store(this)?.let { Retention.bodyDays(it) } ?: Retention.DEFAULT_BODY_DAYS }) { showRetention(it) }
        bg({ AppCore.client(this).settingsGet() }, onError = { line.text = Ui.describe(this, it) }) { show(it) }
    }

    private fun show(s: com.smsguard.app.core.Settings) {
        loading = true
        strict.isChecked = s.strict
        model.isChecked = s.model
        loading = false
    }

    private fun set(strict: Boolean?, model: Boolean?) {
        bg({ AppCore.client(this).settingsSet(strict, model) }, onError = { t ->
            line.text = Ui.describe(this, t)
            bg({ AppCore.client(this).settingsGet() }) { show(it) }
        }) {
            line.text = ""
            show(it)
        }
    }

    private fun importDialog() {
        val input = EditText(this).apply {
            hint = getString(R.string.rules_import_hint)
            minLines = 4
            val clip = (getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager).primaryClip
            if (clip != null && clip.itemCount > 0) setText(clip.getItemAt(0).coerceToText(this@SettingsActivity))
        }
        AlertDialog.Builder(this).setTitle(R.string.rules_import).setView(input)
            .setPositiveButton(R.string.ok) { _, _ ->
                val text = input.text.toString()
                bg({ AppCore.client(this).rulesImport(text, "clipboard") }, onError = { line.text = Ui.describe(this, it) }) { n ->
                    line.text = getString(R.string.rules_imported, n.toInt())
                }
            }
            .setNegativeButton(R.string.cancel, null).show()
    }
}
