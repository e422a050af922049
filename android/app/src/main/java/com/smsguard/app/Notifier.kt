package com.smsguard.app

import android.app.Notification
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.util.Log
import com.smsguard.app.core.NotifyDecision
import com.smsguard.app.core.ReceiveOutcome
import com.smsguard.app.core.Text

/**
 * Posting what core.NotificationPolicy decided. API 26+ channels and the Builder(Context, String)
 * constructor are reached by reflection (android.jar is API 23); everything is silent: the
 * user's SMS app already makes the sound, and codes are never re-announced (policy: NONE).
 */
object Notifier {
    private const val CH_SORTED = "sorted"
    private const val CH_SUMMARY = "summary"
    private const val ID_SUMMARY = 1
    private const val IMPORTANCE_LOW = 2
    private const val FLAG_IMMUTABLE = 0x04000000
    const val POST_NOTIFICATIONS = "android.permission.POST_NOTIFICATIONS"

    fun canPost(ctx: Context): Boolean =
        Build.VERSION.SDK_INT < 33 || ctx.checkSelfPermission(POST_NOTIFICATIONS) == PackageManager.PERMISSION_GRANTED

    private fun ensureChannels(ctx: Context, nm: NotificationManager) {
        if (Build.VERSION.SDK_INT < 26) return
        try {
            val chClass = Class.forName("android.app.NotificationChannel")
            val ctor = chClass.getConstructor(String::class.java, CharSequence::class.java, Int::class.javaPrimitiveType)
            val create = NotificationManager::class.java.getMethod("createNotificationChannel", chClass)
            val setSound = chClass.getMethod("setSound", android.net.Uri::class.java, android.media.AudioAttributes::class.java)
            val vib = chClass.getMethod("enableVibration", Boolean::class.javaPrimitiveType)
            for ((id, name) in listOf(CH_SORTED to R.string.channel_sorted, CH_SUMMARY to R.string.channel_summary)) {
                val ch = ctor.newInstance(id, ctx.getString(name), IMPORTANCE_LOW)
                setSound.invoke(ch, null, null)
                vib.invoke(ch, false)
                create.invoke(nm, ch)
            }
        } catch (e: ReflectiveOperationException) {
            Log.w(AppCore.TAG, "notify: channel setup failed (" + e.javaClass.simpleName + ")")
        }
    }

    @Suppress("DEPRECATION")
    private fun builder(ctx: Context, channel: String): Notification.Builder {
        if (Build.VERSION.SDK_INT >= 26) {
            try {
                return Notification.Builder::class.java.getConstructor(Context::class.java, String::class.java)
                    .newInstance(ctx, channel)
            } catch (e: ReflectiveOperationException) {
                // fall through: an old-style builder still posts (without a channel it may be dropped)
            }
        }
        return Notification.Builder(ctx).setPriority(Notification.PRIORITY_LOW)
    }

    private fun open(ctx: Context, intent: Intent, code: Int): PendingIntent =
        PendingIntent.getActivity(ctx, code, intent, PendingIntent.FLAG_UPDATE_CURRENT or FLAG_IMMUTABLE)

    fun afterReceive(ctx: Context, outcome: ReceiveOutcome) {
        if (!canPost(ctx)) return
        val nm = ctx.getSystemService(Context.NOTIFICATION_SERVICE) as NotificationManager
        ensureChannels(ctx, nm)
        for (s in outcome.sorted) {
            when (s.decision) {
                NotifyDecision.NONE -> {}
                NotifyDecision.QUIET_SORTED -> {
                    val sender = s.message.sender?.takeIf { it.isNotEmpty() } ?: ctx.getString(R.string.unknown_sender)
                    val title = ctx.getString(R.string.notif_sorted, Ui.folderName(ctx, s.verdict.action), sender)
                    val intent = if (s.id != null) MessageActivity.intent(ctx, s.id) else Intent(ctx, MainActivity::class.java)
                    val n = builder(ctx, CH_SORTED)
                        .setSmallIcon(android.R.drawable.ic_dialog_email)
                        .setContentTitle(title)
                        .setContentText(Text.preview(s.message.body, 60))
                        .setOnlyAlertOnce(true)
                        .setAutoCancel(true)
                        .setContentIntent(open(ctx, intent, (s.id ?: 0L).toInt()))
                        .build()
                    nm.notify(100 + ((s.id ?: 0L) % 100_000L).toInt(), n)
                }
                NotifyDecision.SUMMARY -> {
                    val count = try {
                        AppCore.store(ctx)?.bumpBlocked() ?: 1L
                    } catch (e: Exception) {
                        1L
                    }
                    showSummary(ctx, nm, count)
                }
            }
        }
    }

    /** The quiet "已拦截 N 条" line; opens the junk folder. */
    fun showSummary(ctx: Context, nm: NotificationManager, count: Long) {
        // every path that posts checks the runtime permission and creates its channel first
        if (!canPost(ctx)) return
        ensureChannels(ctx, nm)
        val n = builder(ctx, CH_SUMMARY)
            .setSmallIcon(android.R.drawable.ic_dialog_info)
            .setContentTitle(ctx.getString(R.string.notif_blocked, count.toInt()))
            .setContentText(ctx.getString(R.string.notif_blocked_text))
            .setOnlyAlertOnce(true)
            .setAutoCancel(true)
            .setContentIntent(open(ctx, MainActivity.intent(ctx, "junk"), 1))
            .build()
        nm.notify(ID_SUMMARY, n)
    }

    fun clearSummary(ctx: Context) {
        (ctx.getSystemService(Context.NOTIFICATION_SERVICE) as NotificationManager).cancel(ID_SUMMARY)
    }
}
