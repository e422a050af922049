package com.smsguard.app

import android.app.Activity
import android.app.AlertDialog
import android.content.ClipData
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.util.Log
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import android.widget.Toast
import com.smsguard.app.core.EngineException
import com.smsguard.app.core.SmsIntentData
import com.smsguard.app.core.StoreException

/** Small view builders and the background/foreground hop every screen uses. */
object Ui {
    fun folderName(ctx: Context, action: String): String = ctx.getString(
        when (action) {
            "allow" -> R.string.folder_allow
            "transaction" -> R.string.folder_transaction
            "promotion" -> R.string.folder_promotion
            else -> R.string.folder_junk
        },
    )

    fun categoryName(ctx: Context, category: String): String {
        val id = ctx.resources.getIdentifier("cat_$category", "string", ctx.packageName)
        return if (id != 0) ctx.getString(id) else category
    }

    fun english(ctx: Context): Boolean = ctx.resources.configuration.locale?.language == "en"

    fun vertical(ctx: Context): LinearLayout = LinearLayout(ctx).apply {
        orientation = LinearLayout.VERTICAL
        val p = (12 * ctx.resources.displayMetrics.density).toInt()
        setPadding(p, p, p, p)
    }

    fun horizontal(ctx: Context): LinearLayout = LinearLayout(ctx).apply { orientation = LinearLayout.HORIZONTAL }

    fun text(ctx: Context, s: CharSequence, sizeSp: Float = 15f): TextView = TextView(ctx).apply {
        text = s
        textSize = sizeSp
        setTextIsSelectable(false)
    }

    fun button(ctx: Context, label: CharSequence, onClick: () -> Unit): Button = Button(ctx).apply {
        text = label
        setAllCaps(false)
        setOnClickListener { onClick() }
    }

    fun weighted(v: View): View {
        v.layoutParams = LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f)
        return v
    }

    /** A readable line for a failure: the engine's own sentence for refused values, else ours. */
    fun describe(ctx: Context, t: Throwable): String = when (t) {
        is EngineException -> if (t.kind == "invalid_data" && t.detail.isNotEmpty()) t.detail else ctx.getString(R.string.engine_error) + " (" + t.kind + ")"
        is StoreException -> ctx.getString(R.string.db_error)
        else -> ctx.getString(R.string.engine_error)
    }

    fun toast(ctx: Context, s: CharSequence) {
        Toast.makeText(ctx, s, Toast.LENGTH_LONG).show()
    }

    fun copy(ctx: Context, text: String) {
        val cm = ctx.getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
        cm.primaryClip = ClipData.newPlainText("smsguard", text)
        toast(ctx, ctx.getString(R.string.copied))
    }

    /** Opens the user's SMS app with the draft; false when no app can take it. */
    fun openSms(a: Activity, d: SmsIntentData): Boolean {
        val i = Intent(Intent.ACTION_SENDTO, Uri.parse(d.uri))
        i.putExtra("sms_body", d.body)
        return try {
            a.startActivity(i)
            true
        } catch (e: android.content.ActivityNotFoundException) {
            toast(a, a.getString(R.string.no_sms_app))
            false
        }
    }

    fun confirm(a: Activity, question: String, onYes: () -> Unit) {
        AlertDialog.Builder(a).setMessage(question)
            .setPositiveButton(R.string.sent_yes) { _, _ -> onYes() }
            .setNegativeButton(R.string.sent_no, null)
            .show()
    }
}

/** Runs [work] on the app's background thread, then [done] (or a readable error) on the UI thread. */
fun <T> Activity.bg(
    work: () -> T,
    onError: ((Throwable) -> Unit)? = null,
    on: java.util.concurrent.Executor = AppCore.executor,
    done: (T) -> Unit,
) {
    val activity = this
    on.execute {
        try {
            val r = work()
            activity.runOnUiThread { if (!activity.isFinishing) done(r) }
        } catch (t: Throwable) {
            Log.w(AppCore.TAG, "ui: background work failed (" + t.javaClass.simpleName + ")")
            activity.runOnUiThread {
                if (!activity.isFinishing) {
                    if (onError != null) onError(t) else Ui.toast(activity, Ui.describe(activity, t))
                }
            }
        }
    }
}
