package com.smsguard.app

import android.app.Notification
import android.content.ComponentName
import android.content.Context
import android.provider.Settings
import android.provider.Telephony
import android.service.notification.NotificationListenerService
import android.service.notification.StatusBarNotification
import android.util.Log
import com.smsguard.app.core.NotificationPolicy
import com.smsguard.app.core.PostedNotification

/**
 * Optional notification access: dismisses the default SMS app's notification of a message we
 * sorted as junk, and only when core.NotificationPolicy matches it to exactly one stored junk
 * message (a hidden, grouped or ambiguous notification — e.g. Android 15's redacted codes — stays).
 * The quiet "已拦截 N 条" summary is Notifier's.
 */
class JunkNotificationListener : NotificationListenerService() {
    companion object {
        @Volatile private var instance: JunkNotificationListener? = null

        /** After a message is sorted: its notification may already be showing. */
        fun recheck() {
            instance?.scanActive()
        }

        fun isGranted(ctx: Context): Boolean {
            val flat = Settings.Secure.getString(ctx.contentResolver, "enabled_notification_listeners") ?: return false
            val me = ComponentName(ctx, JunkNotificationListener::class.java)
            return flat.split(':').any { ComponentName.unflattenFromString(it) == me }
        }

        const val SETTINGS_ACTION = "android.settings.ACTION_NOTIFICATION_LISTENER_SETTINGS"
    }

    override fun onListenerConnected() {
        instance = this
        AppCore.executor.execute { scanActive() }
    }

    override fun onDestroy() {
        instance = null
        super.onDestroy()
    }

    override fun onNotificationPosted(sbn: StatusBarNotification) {
        AppCore.executor.execute { consider(sbn) }
    }

    private fun scanActive() {
        val active = try {
            activeNotifications
        } catch (e: Exception) {
            null
        } ?: return
        for (sbn in active) consider(sbn)
    }

    private fun consider(sbn: StatusBarNotification) {
        try {
            val store = AppCore.store(this) ?: return
            val defaultSms = Telephony.Sms.getDefaultSmsPackage(this)
            if (sbn.packageName != defaultSms) return
            val extras = sbn.notification.extras ?: return
            val title = extras.getCharSequence(Notification.EXTRA_TITLE)?.toString()
            val text = (extras.getCharSequence(Notification.EXTRA_BIG_TEXT) ?: extras.getCharSequence(Notification.EXTRA_TEXT))?.toString()
            val n = PostedNotification(sbn.packageName, title, text, sbn.postTime)
            val recent = store.recent(sbn.postTime - NotificationPolicy.MATCH_WINDOW_MS)
            val match = NotificationPolicy.dismissFor(n, defaultSms, packageName, recent) ?: return
            cancelNotification(sbn.key)
            Log.i(AppCore.TAG, "listener: dismissed a junk notification (message " + match.id + ")")
        } catch (e: Exception) {
            Log.w(AppCore.TAG, "listener: skipped (" + e.javaClass.simpleName + ")")
        }
    }
}
