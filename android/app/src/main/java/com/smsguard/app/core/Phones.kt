package com.smsguard.app.core

import java.io.File

/**
 * What real Chinese phones need beyond the first version (issue "Android app on real Chinese
 * phones"): reconciling with the inbox after an OEM task killer stopped us, the vendors'
 * auto-start screens, saved contacts, the share target, report states, safe 退订 and retention.
 * Plain Kotlin: the Android classes only feed it cursors and start the intents it names.
 */

/** What a reconcile found: [missed] new messages sorted now (not seen by the receiver). */
class ReconcileResult(val missed: Int, val alreadyKnown: Int, val duplicates: Int, val newestMillis: Long, val import: ImportResult)

object Reconciler {
    const val META_SEEN = "imported_until"
    const val META_MISSED = "missed"

    /** How far before the last seen message to look again (rows written late, clock changes). */
    const val OVERLAP_MS = 24 * 3_600_000L

    /** The `date >=` bound for the inbox query: 0 on the first run. */
    fun since(store: MessageStore): Long = store.meta(META_SEEN)?.toLongOrNull()?.let { (it - OVERLAP_MS).coerceAtLeast(0L) } ?: 0L

    /**
     * Classifies the inbox rows the receiver did not see, in the inbox's order, each once: rows
     * repeated in the cursor (same provider id) are skipped, rows already stored (by provider id
     * or as the receiver's copy) are not classified again. The missed count adds up in the store
     * until the user has seen it ([acknowledge]).
     */
    fun run(sorter: Sorter, store: MessageStore, rows: Iterator<InboxRow>, total: Int, batchSize: Int = 200, progress: ((Int, Int) -> Unit)? = null): ReconcileResult {
        var newest = store.meta(META_SEEN)?.toLongOrNull() ?: 0L
        var dups = 0
        val seen = HashSet<Long>()
        val unique = object : Iterator<InboxRow> {
            var next: InboxRow? = null
            override fun hasNext(): Boolean {
                while (next == null && rows.hasNext()) {
                    val r = rows.next()
                    if (seen.add(r.providerId)) next = r else dups++
                }
                return next != null
            }
            override fun next(): InboxRow {
                if (!hasNext()) throw NoSuchElementException()
                val r = next!!
                next = null
                if (r.dateMillis > newest) newest = r.dateMillis
                return r
            }
        }
        val r = sorter.import(unique, total, batchSize, progress)
        if (!r.storeFailed && !r.engineFailed) {
            store.setMeta(META_SEEN, newest.toString())
            if (r.imported > 0) store.setMeta(META_MISSED, (missed(store) + r.imported).toString())
        }
        return ReconcileResult(r.imported, r.alreadyKnown, dups, newest, r)
    }

    /** "错过 N 条": sorted late because the receiver did not run. */
    fun missed(store: MessageStore): Int = store.meta(META_MISSED)?.toIntOrNull() ?: 0

    fun acknowledge(store: MessageStore) = store.setMeta(META_MISSED, null)
}

/** An activity to try: a component (package + class) or an action; the app checks resolveActivity. */
data class ScreenIntent(val pkg: String?, val cls: String?, val action: String? = null)

object Vendors {
    /** The app's own details screen: always there, the last resort. */
    const val APP_DETAILS = "android.settings.APPLICATION_DETAILS_SETTINGS"

    /**
     * The auto-start / battery screens per vendor (`Build.MANUFACTURER`, case-insensitive), most
     * specific first. Component names change between ROM versions, so the app tries each with
     * resolveActivity and falls back to [APP_DETAILS]. From public ROM docs and app-store guides,
     * unverified on devices here.
     */
    fun screens(manufacturer: String?): List<ScreenIntent> = when (vendor(manufacturer)) {
        "xiaomi" -> listOf(
            ScreenIntent("com.miui.securitycenter", "com.miui.permcenter.autostart.AutoStartManagementActivity"),
            ScreenIntent("com.miui.powerkeeper", "com.miui.powerkeeper.ui.HiddenAppsConfigActivity"),
        )
        "oppo" -> listOf(
            ScreenIntent("com.coloros.safecenter", "com.coloros.safecenter.permission.startup.StartupAppListActivity"),
            ScreenIntent("com.coloros.safecenter", "com.coloros.safecenter.startupapp.StartupAppListActivity"),
            ScreenIntent("com.oppo.safe", "com.oppo.safe.permission.startup.StartupAppListActivity"),
        )
        "vivo" -> listOf(
            ScreenIntent("com.vivo.permissionmanager", "com.vivo.permissionmanager.activity.BgStartUpManagerActivity"),
            ScreenIntent("com.iqoo.secure", "com.iqoo.secure.ui.phoneoptimize.BgStartUpManager"),
        )
        "huawei" -> listOf(
            ScreenIntent("com.huawei.systemmanager", "com.huawei.systemmanager.startupmgr.ui.StartupNormalAppListActivity"),
            ScreenIntent("com.huawei.systemmanager", "com.huawei.systemmanager.optimize.process.ProtectActivity"),
        )
        else -> emptyList()
    } + ScreenIntent(null, null, "android.settings.IGNORE_BATTERY_OPTIMIZATION_SETTINGS") + ScreenIntent(null, null, APP_DETAILS)

    /** The vendor family: Redmi/POCO are Xiaomi, OnePlus/realme ColorOS, iQOO vivo, Honor EMUI-like. */
    fun vendor(manufacturer: String?): String = when (manufacturer?.trim()?.lowercase(java.util.Locale.ROOT)) {
        "xiaomi", "redmi", "poco" -> "xiaomi"
        "oppo", "oneplus", "realme" -> "oppo"
        "vivo", "iqoo" -> "vivo"
        "huawei", "honor" -> "huawei"
        else -> "other"
    }

    /** MIUI gates SMS from 106 ports behind its own 通知类短信 permission: explain it on Xiaomi. */
    fun needsMiuiNotificationSmsNote(manufacturer: String?): Boolean = vendor(manufacturer) == "xiaomi"

    /** The first screen that resolves (the app passes its resolveActivity check). */
    fun firstResolvable(screens: List<ScreenIntent>, resolves: (ScreenIntent) -> Boolean): ScreenIntent? = screens.firstOrNull { s ->
        try {
            resolves(s)
        } catch (e: RuntimeException) {
            false
        }
    }
}

/** Phone numbers as the address book and the SMS provider write them, compared alike. */
object PhoneNumbers {
    /** Digits only, a mainland +86/0086/86 country prefix removed; "" for names and empty. */
    fun key(raw: String?): String {
        val s = raw?.trim() ?: return ""
        val d = s.filter { it in '0'..'9' }
        if (d.isEmpty() || s.any { it.isLetter() }) return ""
        return when {
            s.startsWith("+86") -> d.removePrefix("86")
            d.startsWith("0086") -> d.substring(4)
            d.startsWith("86") && d.length == 13 -> d.substring(2)
            else -> d
        }
    }
}

/**
 * The saved contacts' numbers, looked up by [PhoneNumbers.key]. Without READ_CONTACTS the app
 * passes [NONE]: nothing is a contact, nothing changes.
 */
class KnownContacts(numbers: Collection<String?>) {
    private val keys: Set<String> = numbers.map { PhoneNumbers.key(it) }.filter { it.length >= 5 }.toHashSet()

    fun isKnown(sender: String?): Boolean {
        val k = PhoneNumbers.key(sender)
        return k.length >= 5 && k in keys
    }

    val size: Int get() = keys.size

    companion object {
        val NONE = KnownContacts(emptyList())
    }
}

/** The shared text matched to an inbox row, or why not (the app then asks for the sender). */
class ShareMatch(val row: InboxRow?, val candidates: Int)

object Share {
    private fun normal(s: String): String = s.replace(Regex("\\s+"), " ").trim()

    /**
     * The inbox row whose body is the shared text (blanks aside): the newest exact match; a
     * unique row that contains the text (≥ 8 characters: SMS apps may share a part) otherwise.
     * No row, or several different senders: [ShareMatch.row] is null and the app asks.
     */
    fun find(shared: String, inbox: List<InboxRow>): ShareMatch {
        val text = normal(shared)
        if (text.isEmpty()) return ShareMatch(null, 0)
        val exact = inbox.filter { normal(it.body ?: "") == text }
        val pool = if (exact.isNotEmpty()) exact else if (text.length >= 8) inbox.filter { normal(it.body ?: "").contains(text) } else emptyList()
        val senders = pool.map { PhoneNumbers.key(it.sender).ifEmpty { it.sender ?: "" } }.toSet()
        if (pool.isEmpty() || senders.size != 1) return ShareMatch(null, pool.size)
        return ShareMatch(pool.maxByOrNull { it.dateMillis }, pool.size)
    }

    /**
     * 12321's web form asks, in this order, for the reported number, the time received and the
     * message text (verbatim: 12321 asks that it is never edited). One field per line for pasting.
     */
    fun copyFor12321Web(sender: String, receivedLocal: String, text: String): String =
        "被举报号码：$sender\n接收时间：$receivedLocal\n短信内容：$text"
}

/** "Report one after another": the messages picked in 垃圾, in the order shown. */
class ReportQueue(ids: List<Long>) {
    private val ids: List<Long> = LinkedHashSet(ids).toList()
    private var at = 0

    val total: Int get() = ids.size
    val done: Int get() = at

    /** The next message to report, or null when all were offered. */
    fun next(): Long? = if (at < ids.size) ids[at++] else null
}

object UnsubscribeGate {
    /**
     * 退订 is offered only for marketing that carries a signature and comes from a 106 port or a
     * 95xxx service number, with no warning from the core: replying to fraud or a personal number
     * confirms the number is live, so those get report and block only.
     */
    fun offer(v: Verdict, sender: String?, draft: UnsubscribeDraft?): Boolean {
        if (draft == null || draft.warnings.isNotEmpty()) return false
        val marketing = v.action == "promotion" || v.category == "unsolicited_marketing"
        if (!marketing || v.signature.isNullOrEmpty()) return false
        val key = PhoneNumbers.key(sender)
        return v.senderKind == "port106" || (v.senderKind == "service" && key.startsWith("95"))
    }
}

/** Reports recorded as drafted, then as sent when found in content://sms/sent. */
object ReportStates {
    /** Marks each drafted report found among [sent] (same destination and body, after it was drafted). Returns how many. */
    fun reconcileSent(store: MessageStore, sent: List<SentRow>, nowMillis: Long): Int {
        var n = 0
        for (r in store.pendingReports()) {
            val found = sent.any { s ->
                s.dateMillis >= r.draftedMillis - SentCheck.SKEW_MS &&
                    PhoneNumbers.key(s.address) == PhoneNumbers.key(r.destination) && PhoneNumbers.key(r.destination).isNotEmpty() &&
                    MessageStore.hash((s.body ?: "").trim()) == r.bodyHash
            }
            if (found) {
                store.markSent(r.id, nowMillis)
                n++
            }
        }
        return n
    }
}

object Retention {
    const val DEFAULT_BODY_DAYS = 30
    const val OTP_HOURS = 24
    const val META_BODY_DAYS = "retention_days"

    fun bodyDays(store: MessageStore): Int = store.meta(META_BODY_DAYS)?.toIntOrNull()?.takeIf { it in 1..3650 } ?: DEFAULT_BODY_DAYS

    fun setBodyDays(store: MessageStore, days: Int) {
        require(days in 1..3650) { "retention days out of range" }
        store.setMeta(META_BODY_DAYS, days.toString())
    }

    fun purge(store: MessageStore, nowMillis: Long): Int = store.purgeBodies(nowMillis, bodyDays(store), OTP_HOURS)
}

object DataWipe {
    /**
     * "Delete all data": the database's rows, then each path: a directory loses everything in it
     * (the app's files and caches), a file is deleted with its siblings `<name>.*` (the engine's
     * state file, its set-aside `.corrupt-N` copies and lock). The app then reopens the engine on
     * no state. Returns what could not be deleted (empty = everything is gone).
     */
    fun wipe(store: MessageStore?, paths: List<File>): List<File> {
        try {
            store?.wipe()
        } catch (e: StoreException) {
            // the files go anyway
        }
        val left = ArrayList<File>()
        fun rm(f: File) {
            if (f.exists() && !f.deleteRecursively()) left.add(f)
        }
        for (p in paths) {
            if (p.isDirectory) {
                p.listFiles()?.forEach { rm(it) }
            } else {
                rm(p)
                p.parentFile?.listFiles()?.filter { it.name.startsWith(p.name + ".") }?.forEach { rm(it) }
            }
        }
        return left
    }
}
