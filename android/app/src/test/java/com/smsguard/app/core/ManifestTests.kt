package com.smsguard.app.core

import com.smsguard.app.core.Harness.test
import java.io.File

/**
 * What targetSdk 34 demands but an API 23 compile jar cannot check, read from the manifest and the
 * sources (smsguard.app = android/app/src/main): explicit `exported`, immutable PendingIntents,
 * a channel and the runtime POST_NOTIFICATIONS check before every notify, export flags on
 * registerReceiver, backups excluded, and a listener that dismisses only what the policy matched.
 * Each check also runs on a bad snippet, so it is known to fail when it should.
 */
object ManifestTests {
    private fun appDir(): File = File(System.getProperty("smsguard.app") ?: throw AssertionFailed("smsguard.app not set"))

    private fun sources(): Map<String, String> =
        appDir().resolve("java").walkTopDown().filter { it.isFile && it.name.endsWith(".kt") }.associate { it.name to it.readText() }

    /** Components (activity, activity-alias, service, receiver, provider) without an explicit android:exported. */
    fun componentsWithoutExported(manifest: String): List<String> =
        Regex("<(activity|activity-alias|service|receiver|provider)\\b([^>]*)>", RegexOption.DOT_MATCHES_ALL).findAll(manifest)
            .filter { !Regex("android:exported\\s*=\\s*\"(true|false)\"").containsMatchIn(it.groupValues[2]) }
            .map { Regex("android:name\\s*=\\s*\"([^\"]+)\"").find(it.groupValues[2])?.groupValues?.get(1) ?: it.groupValues[1] }
            .toList()

    /** The text of each call `name(...)` in [src], balanced parentheses. */
    fun calls(src: String, name: String): List<String> {
        val out = ArrayList<String>()
        var i = src.indexOf("$name(")
        while (i >= 0) {
            var depth = 0
            var j = i + name.length
            while (j < src.length) {
                if (src[j] == '(') depth++
                if (src[j] == ')') {
                    depth--
                    if (depth == 0) break
                }
                j++
            }
            out.add(src.substring(i, minOf(j + 1, src.length)))
            i = src.indexOf("$name(", j)
        }
        return out
    }

    fun mutablePendingIntents(src: String): List<String> =
        listOf("PendingIntent.getActivity", "PendingIntent.getBroadcast", "PendingIntent.getService", "PendingIntent.getForegroundService")
            .flatMap { calls(src, it) }.filter { !it.contains("FLAG_IMMUTABLE") }

    /** registerReceiver calls without RECEIVER_EXPORTED / RECEIVER_NOT_EXPORTED (required from API 34). */
    fun receiversWithoutExportFlag(src: String): List<String> =
        calls(src, "registerReceiver").filter { !it.contains("RECEIVER_NOT_EXPORTED") && !it.contains("RECEIVER_EXPORTED") }

    /** Function bodies (Kotlin `fun`), by name. */
    fun functions(src: String): Map<String, String> {
        val out = LinkedHashMap<String, String>()
        val heads = Regex("\\bfun\\s+(?:<[^>]*>\\s*)?([A-Za-z0-9_.]+)\\s*\\(").findAll(src).toList()
        for ((k, h) in heads.withIndex()) {
            val end = if (k + 1 < heads.size) heads[k + 1].range.first else src.length
            out[h.groupValues[1]] = src.substring(h.range.first, end)
        }
        return out
    }

    /**
     * Functions that post a notification (`.notify(`) without first checking the runtime
     * permission (`canPost(`) and creating the channel (`ensureChannels(`) in the same body.
     */
    fun unguardedNotify(src: String): List<String> = functions(src).filter { (_, body) ->
        val n = body.indexOf(".notify(")
        n >= 0 && !(body.indexOf("canPost(").let { it in 0 until n } && body.indexOf("ensureChannels(").let { it in 0 until n })
    }.keys.toList()

    fun register() {
        test("targetSdk 34: every manifest component declares android:exported") {
            val manifest = appDir().resolve("AndroidManifest.xml").readText()
            eq(emptyList<String>(), componentsWithoutExported(manifest))
            eq(listOf(".Bad"), componentsWithoutExported("<application><activity android:name=\".Bad\" />\n<service android:exported=\"false\" android:name=\".Ok\"/></application>"))
        }

        test("targetSdk 34: every PendingIntent is immutable and every registerReceiver has an export flag") {
            val src = sources()
            check(src.values.any { it.contains("PendingIntent.getActivity") }) { "the scan sees the sources" }
            for ((name, text) in src) {
                eq(emptyList<String>(), mutablePendingIntents(text), "$name PendingIntent")
                eq(emptyList<String>(), receiversWithoutExportFlag(text), "$name registerReceiver")
            }
            eq(1, mutablePendingIntents("val p = PendingIntent.getBroadcast(ctx, 0, Intent(a, b), PendingIntent.FLAG_UPDATE_CURRENT)").size)
            eq(0, mutablePendingIntents("PendingIntent.getActivity(ctx, 0, i, f(x) or FLAG_IMMUTABLE)").size)
            eq(1, receiversWithoutExportFlag("ctx.registerReceiver(r, IntentFilter(\"x\"))").size)
            eq(0, receiversWithoutExportFlag("ctx.registerReceiver(r, IntentFilter(\"x\"), RECEIVER_NOT_EXPORTED)").size)
        }

        test("targetSdk 34: no notification before its channel and the POST_NOTIFICATIONS check; the permission is requested at run time") {
            val src = sources()
            val posting = src.filter { it.value.contains(".notify(") }
            check(posting.isNotEmpty())
            for ((name, text) in posting) eq(emptyList<String>(), unguardedNotify(text), name)
            check(src.values.any { it.contains("createNotificationChannel") }) { "a channel is created" }
            check(src.values.any { t -> calls(t, "requestPermissions").isNotEmpty() && t.contains("POST_NOTIFICATIONS") }) { "runtime request" }
            check(appDir().resolve("AndroidManifest.xml").readText().contains("android.permission.POST_NOTIFICATIONS"))
            eq(listOf("post"), unguardedNotify("fun post(ctx: Context) {\n nm.notify(1, n)\n ensureChannels(ctx, nm)\n}\nfun ok() { if (!canPost(c)) return\n ensureChannels(c, nm)\n nm.notify(2, n) }"))
        }

        test("backups: allowBackup off and both backup rule files exclude every domain") {
            val manifest = appDir().resolve("AndroidManifest.xml").readText()
            check(manifest.contains("android:allowBackup=\"false\""))
            check(manifest.contains("android:fullBackupContent=\"@xml/backup_rules\""))
            check(manifest.contains("android:dataExtractionRules=\"@xml/data_extraction_rules\""))
            val domains = listOf("root", "file", "database", "sharedpref", "external")
            val full = appDir().resolve("res/xml/backup_rules.xml").readText()
            for (d in domains) check(full.contains("<exclude domain=\"$d\" path=\".\" />")) { "fullBackupContent $d" }
            check(!full.contains("<include"))
            val rules = appDir().resolve("res/xml/data_extraction_rules.xml").readText()
            for (section in listOf("cloud-backup", "device-transfer")) {
                val body = rules.substringAfter("<$section>").substringBefore("</$section>")
                for (d in domains) check(body.contains("<exclude domain=\"$d\" path=\".\" />")) { "$section $d" }
            }
            check(!rules.contains("<include"))
        }

        test("listener: cancelNotification only for what NotificationPolicy.dismissFor matched") {
            val src = sources().getValue("JunkNotificationListener.kt")
            val cancels = calls(src, "cancelNotification")
            eq(1, cancels.size, "one dismissal site")
            val fn = functions(src).values.single { it.contains("cancelNotification(") }
            val policy = fn.indexOf("NotificationPolicy.dismissFor(")
            check(policy in 0 until fn.indexOf("cancelNotification(")) { "the policy decides first" }
            check(Regex("dismissFor\\([^\\n]*\\)\\s*\\?:\\s*return").containsMatchIn(fn)) { "no match: return before dismissing" }
        }
    }
}
