package com.smsguard.app

import android.app.Activity
import android.os.Bundle
import android.widget.ArrayAdapter
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.Spinner
import android.widget.TextView
import com.smsguard.app.core.Rule

/** The user's allow/block rules; a refused rule shows the library's own sentence in place. */
class RulesActivity : Activity() {
    private val kinds = listOf("keyword", "signature", "sender", "regex")
    private val effects = listOf("block", "allow")
    private lateinit var list: LinearLayout
    private lateinit var error: TextView

    private fun kindName(k: String) = getString(
        when (k) {
            "keyword" -> R.string.kind_keyword
            "signature" -> R.string.kind_signature
            "sender" -> R.string.kind_sender
            else -> R.string.kind_regex
        },
    )

    private fun effectName(e: String) = getString(if (e == "allow") R.string.effect_allow else R.string.effect_block)

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val root = Ui.vertical(this)
        root.addView(Ui.text(this, getString(R.string.rules_title), 18f))
        val kind = Spinner(this).apply {
            adapter = ArrayAdapter(this@RulesActivity, android.R.layout.simple_spinner_dropdown_item, kinds.map { kindName(it) })
        }
        val effect = Spinner(this).apply {
            adapter = ArrayAdapter(this@RulesActivity, android.R.layout.simple_spinner_dropdown_item, effects.map { effectName(it) })
        }
        val value = EditText(this).apply { hint = getString(R.string.rule_value_hint) }
        val pick = Ui.horizontal(this)
        pick.addView(Ui.weighted(kind))
        pick.addView(Ui.weighted(effect))
        root.addView(pick)
        root.addView(value)
        error = Ui.text(this, "", 13f).apply { setTextColor(0xFFB00020.toInt()) }
        root.addView(error)
        root.addView(Ui.button(this, getString(R.string.rule_add)) {
            val k = kinds[kind.selectedItemPosition.coerceAtLeast(0)]
            val e = effects[effect.selectedItemPosition.coerceAtLeast(0)]
            val v = value.text.toString()
            bg({ AppCore.client(this).rulesAdd(e, k, v) }, onError = { error.text = Ui.describe(this, it) }) { r ->
                error.text = r.warnings.joinToString("\n") { it.text(Ui.english(this)) }
                value.setText("")
                load()
            }
        })
        list = Ui.vertical(this)
        root.addView(ScrollView(this).apply { addView(list) })
        setContentView(root)
        load()
    }

    private fun load() {
        bg({ AppCore.client(this).rulesList() }) { show(it) }
    }

    private fun show(rules: List<Rule>) {
        list.removeAllViews()
        if (rules.isEmpty()) list.addView(Ui.text(this, getString(R.string.rules_empty)))
        for (r in rules) {
            val row = Ui.horizontal(this)
            row.addView(Ui.weighted(Ui.text(this, effectName(r.effect) + " · " + kindName(r.kind) + "\n" + r.value, 14f)))
            row.addView(Ui.button(this, getString(R.string.rule_remove)) {
                bg({ AppCore.client(this).rulesRemove(r.id) }, onError = { error.text = Ui.describe(this, it) }) { load() }
            })
            list.addView(row)
        }
    }
}
