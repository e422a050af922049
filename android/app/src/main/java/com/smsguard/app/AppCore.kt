package com.smsguard.app

import android.app.job.JobInfo
import android.app.job.JobScheduler
import android.content.ComponentName
import android.content.Context
import android.content.pm.PackageManager
import android.database.Cursor
import android.net.Uri
import android.os.Build
import android.provider.ContactsContract
import android.telephony.TelephonyManager
import android.database.sqlite.SQLiteDatabase
import android.database.sqlite.SQLiteException
import android.database.sqlite.SQLiteOpenHelper
import android.database.sqlite.SQLiteStatement
import android.util.Log
import com.smsguard.app.core.DataWipe
import com.smsguard.app.core.InboxRow
import com.smsguard.app.core.KnownContacts
import com.smsguard.app.core.Logger
import com.smsguard.app.core.ReconcileResult
import com.smsguard.app.core.Reconciler
import com.smsguard.app.core.ReportStates
import com.smsguard.app.core.Retention
import com.smsguard.app.core.SentRow
import com.smsguard.app.core.MessageActions
import com.smsguard.app.core.MessageStore
import com.smsguard.app.core.Row
import com.smsguard.app.core.SmsGuardClient
import com.smsguard.app.core.Sorter
import com.smsguard.app.core.Sql
import com.smsguard.app.core.StateFile
import com.smsguard.app.core.StoreException
import java.io.File
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * The process-wide wiring: one engine session on the app-private state file, one message store,
 * one background thread for everything that touches them (receiver, listener, screens).
 */
object AppCore {
    const val TAG = "smsguard"

    val executor: ExecutorService = Executors.newSingleThreadExecutor()

    /** The inbox import has its own thread, so a long import never delays the receiver's ~10 s. */
    val importExecutor: ExecutorService = Executors.newSingleThreadExecutor()

    val log: Logger = object : Logger {
        override fun log(line: String) {
            Log.i(TAG, line)
        }
    }

    @Volatile private var client: SmsGuardClient? = null
    @Volatile private var store: MessageStore? = null

    /**
     * The state file could not be read (damaged or from a newer version). Until the user decides,
     * the app sorts with an in-memory session (no user rules or consent) and leaves the file alone.
     */
    @Volatile var stateUnreadable = false

    /** The user agreed to start over: the damaged file was moved to <path>.corrupt-N. */
    @Volatile var stateWasReset = false

    /** The last store failure, for the screens' "storage full or unreadable" line. */
    @Volatile var storeFailed = false

    private fun statePath(ctx: Context) = File(ctx.filesDir, "smsguard-state.json").path

    @Synchronized
    fun client(ctx: Context): SmsGuardClient {
        client?.let { return it }
        val opened = StateFile.open(statePath(ctx), log)
        if (opened.unreadable) stateUnreadable = true
        val c = SmsGuardClient(opened.native)
        client = c
        return c
    }

    /** After the user's yes: set the damaged file aside (kept as <path>.corrupt-N) and reopen on a fresh one. */
    @Synchronized
    fun startOver(ctx: Context) {
        val (_, opened) = StateFile.startOver(statePath(ctx), log)
        stateUnreadable = opened.unreadable
        stateWasReset = true
        client = SmsGuardClient(opened.native)
    }

    /** The message store, or null when the database cannot be opened (the UI explains). */
    @Synchronized
    fun store(ctx: Context): MessageStore? {
        store?.let { return it }
        return try {
            val s = MessageStore(AndroidSql(ctx.applicationContext))
            store = s
            storeFailed = false
            s
        } catch (e: StoreException) {
            log.log("store: cannot open (${e.message})")
            storeFailed = true
            null
        }
    }

    fun sorter(ctx: Context): Sorter = Sorter(client(ctx), store(ctx), log, contacts(ctx))

    @Volatile private var contactsCache: Pair<Long, KnownContacts>? = null

    /**
     * The saved contacts' numbers (READ_CONTACTS is optional: without it nothing is a contact and
     * nothing changes). Re-read at most every 10 minutes; never logged.
     */
    fun contacts(ctx: Context): KnownContacts {
        if (ctx.checkSelfPermission("android.permission.READ_CONTACTS") != PackageManager.PERMISSION_GRANTED) return KnownContacts.NONE
        val now = System.currentTimeMillis()
        contactsCache?.let { (at, c) -> if (now - at < 10 * 60_000L) return c }
        val numbers = ArrayList<String?>()
        try {
            ctx.contentResolver.query(
                ContactsContract.CommonDataKinds.Phone.CONTENT_URI,
                arrayOf(ContactsContract.CommonDataKinds.Phone.NUMBER), null, null, null,
            )?.use { c -> while (c.moveToNext()) numbers.add(c.getString(0)) }
        } catch (e: RuntimeException) {
            log.log("contacts: unreadable (" + e.javaClass.simpleName + ")")
        }
        val k = KnownContacts(numbers)
        contactsCache = Pair(now, k)
        return k
    }

    /** The SIM's MCC-MNC (`getSimOperator`; per SIM through API 24 createForSubscriptionId), or null. */
    fun simOperator(ctx: Context, subscriptionId: Long?): String? = try {
        val tm = ctx.getSystemService(Context.TELEPHONY_SERVICE) as TelephonyManager
        val forSim = if (subscriptionId != null && Build.VERSION.SDK_INT >= 24) {
            try {
                TelephonyManager::class.java.getMethod("createForSubscriptionId", Int::class.javaPrimitiveType)
                    .invoke(tm, subscriptionId.toInt()) as? TelephonyManager
            } catch (e: ReflectiveOperationException) {
                null
            }
        } else {
            null
        }
        (forSim ?: tm).simOperator?.takeIf { it.isNotEmpty() }
    } catch (e: RuntimeException) {
        null
    }

    /**
     * Reconcile with content://sms/inbox since the last message seen (OEM task killers stop the
     * receiver), then apply retention and look for drafted reports in content://sms/sent. Needs
     * READ_SMS; null without it or when the inbox has nothing new.
     */
    fun reconcile(ctx: Context, full: Boolean, progress: ((Int, Int) -> Unit)? = null): ReconcileResult? {
        val store = store(ctx) ?: throw StoreException("unavailable")
        try {
            Retention.purge(store, System.currentTimeMillis())
        } catch (e: StoreException) {
            log.log("retention: purge failed (" + e.message + ")")
        }
        if (ctx.checkSelfPermission("android.permission.READ_SMS") != PackageManager.PERMISSION_GRANTED) return null
        try {
            ReportStates.reconcileSent(store, sentRows(ctx, System.currentTimeMillis() - 7 * 86_400_000L), System.currentTimeMillis())
        } catch (e: RuntimeException) {
            log.log("reports: sent check failed (" + e.javaClass.simpleName + ")")
        }
        val since = if (full) 0L else Reconciler.since(store)
        val cursor: Cursor = ctx.contentResolver.query(
            Uri.parse("content://sms/inbox"), arrayOf("_id", "address", "body", "date"),
            "date >= ?", arrayOf(since.toString()), "date ASC, _id ASC",
        ) ?: return null
        cursor.use { c ->
            val total = c.count
            if (total == 0) return null
            val rows = object : Iterator<InboxRow> {
                override fun hasNext(): Boolean = c.position < total - 1
                override fun next(): InboxRow {
                    c.moveToNext()
                    return InboxRow(c.getLong(0), if (c.isNull(1)) null else c.getString(1), if (c.isNull(2)) null else c.getString(2), c.getLong(3))
                }
            }
            return Reconciler.run(sorter(ctx), store, rows, total, 200, progress)
        }
    }

    /** Rows of content://sms/sent since [since] (READ_SMS checked by the caller), newest first, at most 200. */
    fun sentRows(ctx: Context, since: Long): List<SentRow> {
        if (ctx.checkSelfPermission("android.permission.READ_SMS") != PackageManager.PERMISSION_GRANTED) return emptyList()
        val c = ctx.contentResolver.query(
            Uri.parse("content://sms/sent"), arrayOf("address", "body", "date"),
            "date >= ?", arrayOf(since.toString()), "date DESC",
        ) ?: return emptyList()
        c.use {
            val out = ArrayList<SentRow>()
            while (it.moveToNext() && out.size < 200) out.add(SentRow(it.getString(0), it.getString(1), it.getLong(2)))
            return out
        }
    }

    /** Inbox rows for the share target's match (READ_SMS), newest first, the last 30 days. */
    fun recentInbox(ctx: Context): List<InboxRow> {
        if (ctx.checkSelfPermission("android.permission.READ_SMS") != PackageManager.PERMISSION_GRANTED) return emptyList()
        val c = ctx.contentResolver.query(
            Uri.parse("content://sms/inbox"), arrayOf("_id", "address", "body", "date"),
            "date >= ?", arrayOf((System.currentTimeMillis() - 30 * 86_400_000L).toString()), "date DESC",
        ) ?: return emptyList()
        c.use {
            val out = ArrayList<InboxRow>()
            while (it.moveToNext() && out.size < 2000) out.add(InboxRow(it.getLong(0), it.getString(1), it.getString(2), it.getLong(3)))
            return out
        }
    }

    /**
     * "Delete all data": the database rows, the engine's state file (and set-aside copies), every
     * other private file and the caches; then a fresh engine session on no state.
     */
    @Synchronized
    fun deleteAll(ctx: Context): Boolean {
        val left = DataWipe.wipe(store(ctx), listOf(ctx.cacheDir, ctx.filesDir, File(statePath(ctx))))
        try {
            store(ctx)?.vacuum()
        } catch (e: StoreException) {
            log.log("wipe: vacuum failed")
        }
        client = null
        contactsCache = null
        stateUnreadable = false
        stateWasReset = false
        log.log("wipe: all data deleted (" + left.size + " left)")
        return left.isEmpty()
    }

    /** The periodic reconcile (JobScheduler; every ~6 h on any network state, survives reboots without RECEIVE_BOOT_COMPLETED). */
    fun scheduleReconcile(ctx: Context) {
        try {
            val js = ctx.getSystemService(Context.JOB_SCHEDULER_SERVICE) as JobScheduler
            if (js.allPendingJobs.any { it.id == ReconcileJob.JOB_ID }) return
            val job = JobInfo.Builder(ReconcileJob.JOB_ID, ComponentName(ctx, ReconcileJob::class.java))
                .setPeriodic(6 * 3_600_000L)
                .build()
            js.schedule(job)
        } catch (e: RuntimeException) {
            log.log("job: schedule failed (" + e.javaClass.simpleName + ")")
        }
    }

    fun actions(ctx: Context): MessageActions? = store(ctx)?.let { MessageActions(client(ctx), it) }
}

/** [Sql] over the app's private SQLite database. Query arguments are bound as text. */
class AndroidSql(ctx: Context) : Sql {
    private class Helper(ctx: Context) : SQLiteOpenHelper(ctx, "messages.db", null, 1) {
        override fun onCreate(db: SQLiteDatabase) {} // MessageStore creates its tables
        override fun onUpgrade(db: SQLiteDatabase, oldVersion: Int, newVersion: Int) {}
    }

    private val db: SQLiteDatabase = guard { Helper(ctx).writableDatabase }

    private inline fun <T> guard(block: () -> T): T = try {
        block()
    } catch (e: SQLiteException) {
        AppCore.storeFailed = true
        throw StoreException("database error (${e.javaClass.simpleName})", e)
    } catch (e: IllegalStateException) {
        AppCore.storeFailed = true
        throw StoreException("database closed", e)
    }

    override fun exec(sql: String, args: List<Any?>) = guard {
        if (args.isEmpty()) db.execSQL(sql) else db.execSQL(sql, args.toTypedArray())
    }

    private fun bind(st: SQLiteStatement, args: List<Any?>) {
        args.forEachIndexed { i, a ->
            when (a) {
                null -> st.bindNull(i + 1)
                is Long -> st.bindLong(i + 1, a)
                is Int -> st.bindLong(i + 1, a.toLong())
                is Double -> st.bindDouble(i + 1, a)
                else -> st.bindString(i + 1, a.toString())
            }
        }
    }

    override fun insert(sql: String, args: List<Any?>): Long = guard {
        val st = db.compileStatement(sql)
        try {
            bind(st, args)
            st.executeInsert()
        } finally {
            st.close()
        }
    }

    override fun <T> query(sql: String, args: List<Any?>, map: (Row) -> T): List<T> = guard {
        val c = db.rawQuery(sql, args.map { it?.toString() ?: "" }.toTypedArray())
        try {
            val row = object : Row {
                override fun string(i: Int): String? = if (c.isNull(i)) null else c.getString(i)
                override fun long(i: Int): Long = c.getLong(i)
                override fun double(i: Int): Double = c.getDouble(i)
            }
            val out = ArrayList<T>()
            while (c.moveToNext()) out.add(map(row))
            out
        } finally {
            c.close()
        }
    }

    override fun <T> transaction(block: () -> T): T {
        guard { db.beginTransaction() }
        try {
            val r = block()
            guard { db.setTransactionSuccessful() }
            return r
        } finally {
            guard { db.endTransaction() }
        }
    }
}
