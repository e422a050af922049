package com.smsguard.app

import android.app.Activity
import android.app.AlertDialog
import android.content.ClipboardManager
import android.content.Context
import android.os.Bundle
import android.widget.CheckBox
import android.widget.EditText
import android.widget.TextView

/** Strict mode, the on-device model, and rules export (to the clipboard) / import (pasted). */
class SettingsActivity : Activity() {
    private lateinit var strict: CheckBox
    private lateinit var model: CheckBox
    private lateinit var line: TextView
    private var loading = true

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
        setContentView(root)
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
