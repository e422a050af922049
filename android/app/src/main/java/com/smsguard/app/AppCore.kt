package com.smsguard.app

import android.content.Context
import android.database.sqlite.SQLiteDatabase
import android.database.sqlite.SQLiteException
import android.database.sqlite.SQLiteOpenHelper
import android.database.sqlite.SQLiteStatement
import android.util.Log
import com.smsguard.app.core.Logger
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

    fun sorter(ctx: Context): Sorter = Sorter(client(ctx), store(ctx), log)

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
