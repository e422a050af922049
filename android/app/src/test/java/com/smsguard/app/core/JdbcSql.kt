package com.smsguard.app.core

import java.sql.Connection
import java.sql.DriverManager
import java.sql.PreparedStatement
import java.sql.ResultSet
import java.sql.SQLException

/** The host [Sql]: SQLite through JDBC (Debian libxerial-sqlite-jdbc-java), the same SQL as Android. */
class JdbcSql(url: String) : Sql, AutoCloseable {
    private val conn: Connection = try {
        DriverManager.getConnection(url)
    } catch (e: SQLException) {
        throw StoreException("cannot open database", e)
    }
    private var depth = 0

    private fun bind(st: PreparedStatement, args: List<Any?>) {
        args.forEachIndexed { i, a ->
            when (a) {
                null -> st.setNull(i + 1, java.sql.Types.NULL)
                is String -> st.setString(i + 1, a)
                is Long -> st.setLong(i + 1, a)
                is Int -> st.setLong(i + 1, a.toLong())
                is Double -> st.setDouble(i + 1, a)
                else -> st.setString(i + 1, a.toString())
            }
        }
    }

    private inline fun <T> guard(block: () -> T): T = try {
        block()
    } catch (e: SQLException) {
        throw StoreException("database error (${e.errorCode})", e)
    }

    override fun exec(sql: String, args: List<Any?>) = guard {
        conn.prepareStatement(sql).use { st ->
            bind(st, args)
            st.execute()
        }
        Unit
    }

    override fun insert(sql: String, args: List<Any?>): Long = guard {
        conn.prepareStatement(sql).use { st ->
            bind(st, args)
            st.executeUpdate()
        }
        conn.createStatement().use { s -> s.executeQuery("SELECT last_insert_rowid()").use { rs -> rs.next(); rs.getLong(1) } }
    }

    override fun <T> query(sql: String, args: List<Any?>, map: (Row) -> T): List<T> = guard {
        conn.prepareStatement(sql).use { st ->
            // as on Android, query arguments are bound as text
            bind(st, args.map { it?.toString() })
            st.executeQuery().use { rs ->
                val row = RsRow(rs)
                val out = ArrayList<T>()
                while (rs.next()) out.add(map(row))
                out
            }
        }
    }

    override fun <T> transaction(block: () -> T): T {
        if (depth > 0) return block()
        guard { conn.autoCommit = false }
        depth++
        try {
            val r = block()
            guard { conn.commit() }
            return r
        } catch (t: Throwable) {
            try { conn.rollback() } catch (e: SQLException) { /* already failing */ }
            throw t
        } finally {
            depth--
            try { conn.autoCommit = true } catch (e: SQLException) { /* closed */ }
        }
    }

    override fun close() {
        conn.close()
    }

    private class RsRow(val rs: ResultSet) : Row {
        override fun string(i: Int): String? = rs.getString(i + 1)
        override fun long(i: Int): Long = rs.getLong(i + 1)
        override fun double(i: Int): Double = rs.getDouble(i + 1)
    }
}
