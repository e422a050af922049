package com.smsguard.app

import android.app.Activity
import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.text.format.DateUtils
import android.view.View
import android.view.ViewGroup
import android.widget.BaseAdapter
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ListView
import android.widget.TextView
import com.smsguard.app.core.ImportResult
import com.smsguard.app.core.Reconciler
import com.smsguard.app.core.ReportQueue
import com.smsguard.app.core.ScreenIntent
import com.smsguard.app.core.Vendors
import com.smsguard.app.core.MessageStore
import com.smsguard.app.core.StoredMessage
import com.smsguard.app.core.Text

/**
 * The inbox: four folders with counts, the sorted messages, the status lines (permissions,
 * notification access, storage), the first-run import with progress, and the way to the other
 * screens. Logic is in core (Sorter.import, MessageStore).
 */
class MainActivity : Activity() {
    companion object {
        private const val REQ_PERMS = 1
        private const val REQ_QUEUE = 2
        private const val EXTRA_FOLDER = "folder"

        fun intent(ctx: Context, folder: String): Intent =
            Intent(ctx, MainActivity::class.java).putExtra(EXTRA_FOLDER, folder).addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP)
    }

    private var folder = "junk"
    private val folderButtons = LinkedHashMap<String, Button>()
    private lateinit var status: TextView
    private lateinit var accessLine: TextView
    private lateinit var accessButton: Button
    private lateinit var importLine: TextView
    private lateinit var importButton: Button
    private lateinit var emptyLine: TextView
    private val adapter = MessagesAdapter()
    private var importing = false
    private var askedStartOver = false
    private var english = false
    private lateinit var missedBox: LinearLayout
    private lateinit var reportSelected: Button
    private val selected = LinkedHashSet<Long>()
    private var queue: ReportQueue? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        english = Ui.english(this)
        folder = intent?.getStringExtra(EXTRA_FOLDER) ?: "allow"
        val root = Ui.vertical(this)

        status = Ui.text(this, "", 13f)
        root.addView(status)
        accessLine = Ui.text(this, "", 13f)
        root.addView(accessLine)
        accessButton = Ui.button(this, getString(R.string.notif_access_button)) {
            startActivity(Intent(JunkNotificationListener.SETTINGS_ACTION))
        }
        root.addView(accessButton)

        val folders = Ui.horizontal(this)
        for (f in MessageStore.FOLDERS) {
            val b = Ui.button(this, Ui.folderName(this, f)) { selectFolder(f) }
            folderButtons[f] = b
            folders.addView(Ui.weighted(b))
        }
        root.addView(folders)

        val importRow = Ui.horizontal(this)
        importButton = Ui.button(this, getString(R.string.import_button)) { startImport(full = true) }
        importRow.addView(importButton)
        importLine = Ui.text(this, "", 13f)
        importRow.addView(Ui.weighted(importLine))
        root.addView(importRow)

        missedBox = Ui.vertical(this)
        root.addView(missedBox)
        reportSelected = Ui.button(this, "") {
            queue = ReportQueue(adapter.items.map { it.id }.filter { it in selected })
            reportNext()
        }
        reportSelected.visibility = View.GONE
        root.addView(reportSelected)

        emptyLine = Ui.text(this, getString(R.string.empty_folder))
        root.addView(emptyLine)
        val list = ListView(this)
        list.adapter = adapter
        list.setOnItemClickListener { _, _, pos, _ ->
            val id = adapter.items[pos].id
            if (selected.isNotEmpty()) toggle(id) else startActivity(MessageActivity.intent(this, id))
        }
        // 垃圾: long-press selects several to report one after another
        list.setOnItemLongClickListener { _, _, pos, _ ->
            if (folder == "junk") toggle(adapter.items[pos].id)
            folder == "junk"
        }
        list.layoutParams = LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, 0, 1f)
        root.addView(list)

        val nav = Ui.horizontal(this)
        nav.addView(Ui.weighted(Ui.button(this, getString(R.string.menu_consent)) { startActivity(Intent(this, ConsentActivity::class.java)) }))
        nav.addView(Ui.weighted(Ui.button(this, getString(R.string.menu_rules)) { startActivity(Intent(this, RulesActivity::class.java)) }))
        nav.addView(Ui.weighted(Ui.button(this, getString(R.string.menu_settings)) { startActivity(Intent(this, SettingsActivity::class.java)) }))
        nav.addView(Ui.weighted(Ui.button(this, getString(R.string.menu_reports)) { startActivity(Intent(this, ReportsActivity::class.java)) }))
        root.addView(nav)
        root.addView(Ui.text(this, getString(R.string.background_hint), 12f))
        setContentView(root)

        val wanted = arrayListOf("android.permission.RECEIVE_SMS", "android.permission.READ_SMS")
        if (Build.VERSION.SDK_INT >= 33) wanted.add(Notifier.POST_NOTIFICATIONS)
        // optional: saved contacts are never sorted as junk or promotion; refusing changes nothing else
        wanted.add("android.permission.READ_CONTACTS")
        val missing = wanted.filter { checkSelfPermission(it) != PackageManager.PERMISSION_GRANTED }
        if (missing.isNotEmpty() && savedInstanceState == null) requestPermissions(missing.toTypedArray(), REQ_PERMS)
        AppCore.scheduleReconcile(this)
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        intent.getStringExtra(EXTRA_FOLDER)?.let { folder = it }
    }

    override fun onResume() {
        super.onResume()
        refresh()
        // reconcile: OEM task killers stop receivers; what the inbox has that we missed is sorted now
        if (canReadSms()) startImport(full = false)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<String>, grantResults: IntArray) {
        refresh()
        if (canReadSms()) startImport(full = false)
    }

    private fun canReadSms() = checkSelfPermission("android.permission.READ_SMS") == PackageManager.PERMISSION_GRANTED

    private fun toggle(id: Long) {
        if (!selected.remove(id)) selected.add(id)
        reportSelected.text = getString(R.string.report_selected, selected.size)
        reportSelected.visibility = if (selected.isEmpty()) View.GONE else View.VISIBLE
        adapter.notifyDataSetChanged()
    }

    private fun selectFolder(f: String) {
        selected.clear()
        reportSelected.visibility = View.GONE
        folder = f
        refresh()
    }

    private fun refresh() {
        val lines = ArrayList<String>()
        if (checkSelfPermission("android.permission.RECEIVE_SMS") != PackageManager.PERMISSION_GRANTED) lines.add(getString(R.string.receive_no_permission))
        if (!Notifier.canPost(this)) lines.add(getString(R.string.notif_permission_off))
        val granted = JunkNotificationListener.isGranted(this)
        accessLine.text = getString(if (granted) R.string.notif_access_on else R.string.notif_access_off)
        accessButton.visibility = if (granted) View.GONE else View.VISIBLE
        if (!canReadSms() && !importing) importLine.text = getString(R.string.import_no_permission)
        importButton.isEnabled = canReadSms() && !importing
        val f = folder
        bg({
            AppCore.client(this) // opens the session, so a damaged state file is known below
            val store = AppCore.store(this) ?: throw com.smsguard.app.core.StoreException("unavailable")
            if (f == "junk") store.clearBlocked()
            Triple(store.counts(), store.list(f), Reconciler.missed(store))
        }, onError = {
            lines.add(getString(R.string.db_error))
            stateLines(lines)
            status.text = lines.joinToString("\n")
            status.visibility = View.VISIBLE
        }) { (counts, items, missed) ->
            stateLines(lines)
            missedLine(missed)
            for ((k, b) in folderButtons) {
                b.text = getString(R.string.folder_count, Ui.folderName(this, k), (counts[k] ?: 0L).toInt())
                b.isSelected = k == f
                b.alpha = if (k == f) 1f else 0.6f
            }
            if (f == "junk") Notifier.clearSummary(this)
            adapter.items = items
            adapter.notifyDataSetChanged()
            emptyLine.visibility = if (items.isEmpty()) View.VISIBLE else View.GONE
            status.text = lines.joinToString("\n")
            status.visibility = if (lines.isEmpty()) View.GONE else View.VISIBLE
        }
    }

    /** The state-file lines, known once the session is open; asks once whether to start over. */
    private fun stateLines(lines: MutableList<String>) {
        if (AppCore.stateWasReset) lines.add(getString(R.string.state_reset))
        if (AppCore.stateUnreadable) {
            lines.add(getString(R.string.state_unreadable))
            if (!askedStartOver) {
                askedStartOver = true
                android.app.AlertDialog.Builder(this).setMessage(R.string.state_unreadable)
                    .setPositiveButton(R.string.state_start_over) { _, _ -> bg({ AppCore.startOver(this) }) { refresh() } }
                    .setNegativeButton(R.string.cancel, null).show()
            }
        }
    }

    /** Full: the whole inbox (first run / button). Otherwise only what arrived since the last import. */
    private fun startImport(full: Boolean) {
        if (importing) return
        importing = true
        importButton.isEnabled = false
        bg({ runImport(full) }, onError = { t ->
            importing = false
            importLine.text = Ui.describe(this, t)
            refresh()
        }, on = AppCore.importExecutor) { r ->
            importing = false
            importLine.text = when {
                r == null -> getString(R.string.import_empty)
                r.storeFailed -> getString(R.string.db_error)
                r.engineFailed -> getString(R.string.import_failed)
                r.imported == 0 && r.alreadyKnown == 0 -> getString(R.string.import_empty)
                else -> getString(R.string.import_done, r.imported + r.alreadyKnown)
            }
            refresh()
        }
    }

    private fun runImport(full: Boolean): ImportResult? =
        AppCore.reconcile(this, full) { done, all -> runOnUiThread { importLine.text = getString(R.string.import_progress, done, all) } }?.import

    /** "错过 N 条" with the vendor's auto-start / battery screen (each guarded by resolveActivity). */
    private fun missedLine(n: Int) {
        missedBox.removeAllViews()
        if (n <= 0) return
        missedBox.addView(Ui.text(this, getString(R.string.missed_n, n), 14f))
        val screen = Vendors.firstResolvable(Vendors.screens(Build.MANUFACTURER)) { s -> intentFor(s).resolveActivity(packageManager) != null }
        if (screen != null) {
            missedBox.addView(Ui.button(this, getString(R.string.missed_fix)) {
                try {
                    startActivity(intentFor(screen))
                } catch (e: RuntimeException) {
                    startActivity(intentFor(ScreenIntent(null, null, Vendors.APP_DETAILS)))
                }
            })
        }
        if (Vendors.needsMiuiNotificationSmsNote(Build.MANUFACTURER)) missedBox.addView(Ui.text(this, getString(R.string.miui_notification_sms), 12f))
        missedBox.addView(Ui.button(this, getString(R.string.ok)) {
            bg({ AppCore.store(this)?.let { Reconciler.acknowledge(it) } }) { missedBox.removeAllViews() }
        })
    }

    private fun intentFor(s: ScreenIntent): Intent = when {
        s.pkg != null && s.cls != null -> Intent().setComponent(ComponentName(s.pkg, s.cls))
        s.action == Vendors.APP_DETAILS -> Intent(s.action, Uri.parse("package:$packageName"))
        else -> Intent(s.action)
    }.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)

    /** "Report the selected": one after another, each from its detail screen. */
    private fun reportNext() {
        val q = queue ?: return
        val next = q.next()
        if (next == null) {
            queue = null
            selected.clear()
            refresh()
            return
        }
        @Suppress("DEPRECATION")
        startActivityForResult(MessageActivity.intent(this, next, report = true), REQ_QUEUE)
    }

    @Deprecated("Activity API")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        if (requestCode == REQ_QUEUE) reportNext()
    }

    private inner class MessagesAdapter : BaseAdapter() {
        var items: List<StoredMessage> = emptyList()
        override fun getCount() = items.size
        override fun getItem(position: Int): Any = items[position]
        override fun getItemId(position: Int) = items[position].id

        override fun getView(position: Int, convertView: View?, parent: ViewGroup?): View {
            val m = items[position]
            val ctx = this@MainActivity
            val tv = (convertView as? TextView) ?: Ui.text(ctx, "").apply {
                val p = (8 * resources.displayMetrics.density).toInt()
                setPadding(p, p, p, p)
            }
            val sender = m.sender.ifEmpty { getString(R.string.unknown_sender) }
            val time = DateUtils.formatDateTime(ctx, m.receivedMillis, DateUtils.FORMAT_SHOW_DATE or DateUtils.FORMAT_SHOW_TIME)
            val reason = m.verdict.firstReason?.text(english) ?: ""
            val body = if (m.body.isEmpty()) getString(R.string.empty_body) else Text.preview(m.body, 60)
            val mark = if (m.id in selected) "☑ " else ""
            val shownBody = if (m.bodyDropped) getString(R.string.body_dropped) else body
            tv.text = "$mark$sender · $time · ${Ui.categoryName(ctx, m.verdict.category)}\n$reason\n$shownBody"
            return tv
        }
    }
}
