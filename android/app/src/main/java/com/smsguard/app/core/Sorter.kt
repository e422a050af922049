package com.smsguard.app.core

/** One message the receiver sorted. [id] is null when the store could not keep it. */
class Sorted(val id: Long?, val message: Message, val verdict: Verdict, val decision: NotifyDecision)

class ReceiveOutcome(val sorted: List<Sorted>, val storeFailed: Boolean, val engineFailed: Boolean)

class ImportResult(
    val imported: Int,
    val alreadyKnown: Int,
    val batches: Int,
    val counts: Map<String, Long>,
    val storeFailed: Boolean,
    val engineFailed: Boolean,
)

/**
 * Receiving and importing: the logic behind SmsReceiver and the first-run import, free of
 * android.*. Failures are reported in the outcome (and logged without text or numbers); nothing
 * here throws for bad input.
 */
class Sorter(
    private val client: SmsGuardClient,
    private val store: MessageStore?,
    private val logger: Logger? = null,
    /** Saved contacts (empty without READ_CONTACTS): their messages carry the known-contact flag. */
    private val contacts: KnownContacts = KnownContacts.NONE,
) {

    /** Classifies and stores the parts of one SMS_RECEIVED broadcast ([subscriptionId]: the receiving SIM). */
    fun onReceived(parts: List<SmsPart?>, nowMillis: Long, subscriptionId: Long? = null): ReceiveOutcome {
        val assembled = try {
            Multipart.assemble(parts, logger)
        } catch (e: Exception) {
            logger?.log("sms: could not assemble parts (${e.javaClass.simpleName})")
            return ReceiveOutcome(emptyList(), storeFailed = false, engineFailed = false)
        }
        val out = ArrayList<Sorted>()
        var storeFailed = false
        var engineFailed = false
        for (a in assembled) {
            val ts = if (a.timestampMillis > 0) a.timestampMillis else nowMillis
            val msg = Message(a.sender, a.body, Times.iso(ts), contacts.isKnown(a.sender))
            val verdict = try {
                client.classify(msg)
            } catch (e: EngineException) {
                logger?.log("sms: classify refused (${e.kind})")
                engineFailed = true
                continue
            } catch (e: RuntimeException) {
                logger?.log("sms: classify failed (${e.javaClass.simpleName})")
                engineFailed = true
                continue
            }
            var id: Long? = null
            if (store != null) {
                try {
                    id = store.insert(msg, nowMillis, verdict, subscriptionId = subscriptionId)
                } catch (e: StoreException) {
                    logger?.log("store: insert failed (${e.message})")
                    storeFailed = true
                }
            } else {
                logger?.log("store: unavailable; verdict shown, not kept")
                storeFailed = true
            }
            // The verdict only (action/category are fixed identifiers): what a device smoke test
            // reads from logcat; never the sender or the text.
            logger?.log("sms: sorted ${verdict.action}/${verdict.category}")
            out.add(Sorted(id, msg, verdict, NotificationPolicy.afterClassify(verdict)))
        }
        return ReceiveOutcome(out, storeFailed, engineFailed)
    }

    /**
     * Imports inbox rows in batches of [batchSize] through `classify_batch`, in the order given,
     * skipping rows already stored (by provider id, or a message the receiver stored). Calls
     * [progress] after every batch with (rows seen, [total]). Stops at the first store or engine
     * failure; what was imported stays.
     */
    fun import(rows: Iterator<InboxRow>, total: Int, batchSize: Int = 200, progress: ((Int, Int) -> Unit)? = null): ImportResult {
        val st = store ?: return ImportResult(0, 0, 0, emptyMap(), storeFailed = true, engineFailed = false)
        var imported = 0
        var known = 0
        var seen = 0
        var batches = 0
        val size = batchSize.coerceAtLeast(1)
        try {
            while (rows.hasNext()) {
                val batch = ArrayList<InboxRow>(size)
                while (batch.size < size && rows.hasNext()) batch.add(rows.next())
                seen += batch.size
                val fresh = st.transaction {
                    batch.filter { r ->
                        val old = st.hasProviderId(r.providerId) || st.adoptReceived(r)
                        if (old) known++
                        !old
                    }
                }
                if (fresh.isNotEmpty()) {
                    val msgs = fresh.map { Message(it.sender ?: "", it.body ?: "", Times.iso(it.dateMillis), contacts.isKnown(it.sender)) }
                    val verdicts = client.classifyBatch(msgs)
                    st.transaction {
                        for (i in fresh.indices) st.insert(msgs[i], fresh[i].dateMillis, verdicts[i], fresh[i].providerId)
                    }
                    imported += fresh.size
                }
                batches++
                progress?.invoke(seen, total)
            }
        } catch (e: StoreException) {
            logger?.log("import: store failed after $imported (${e.message})")
            return ImportResult(imported, known, batches, safeCounts(st), storeFailed = true, engineFailed = false)
        } catch (e: EngineException) {
            logger?.log("import: engine refused a batch (${e.kind})")
            return ImportResult(imported, known, batches, safeCounts(st), storeFailed = false, engineFailed = true)
        }
        return ImportResult(imported, known, batches, safeCounts(st), storeFailed = false, engineFailed = false)
    }

    private fun safeCounts(st: MessageStore): Map<String, Long> = try {
        st.counts()
    } catch (e: StoreException) {
        emptyMap()
    }
}

/**
 * The detail screen's actions: the engine call, then the store follows the returned verdict.
 * The engine's state file is written first, so a store failure loses no user decision.
 */
class MessageActions(private val client: SmsGuardClient, private val store: MessageStore) {

    /** `not_junk` / `is_junk`: records the feedback and re-sorts the stored message. */
    fun feedback(id: Long, kind: String): FeedbackResult {
        val m = store.get(id) ?: throw StoreException("message not found")
        val r = client.feedback(kind, m.message)
        store.updateVerdict(id, r.verdict, r.entry.id)
        return r
    }

    /** Undoes the message's feedback and re-sorts it with a fresh classification. */
    fun undoFeedback(id: Long): Verdict {
        val m = store.get(id) ?: throw StoreException("message not found")
        if (m.feedbackId != null) client.feedbackUndo(m.feedbackId)
        val v = client.classify(m.message)
        store.updateVerdict(id, v, null)
        return v
    }

    /** [simOperator]: the receiving SIM's MCC-MNC; the core picks the carrier from it. */
    fun reportOptions(id: Long, carrier: String? = null, simOperator: String? = null): Pair<ReportPlan, List<ReportOption>> {
        val m = store.get(id) ?: throw StoreException("message not found")
        val plan = client.reportPlan(m.message, carrier, simOperator)
        return Pair(plan, SendIntents.reportOptions(plan))
    }

    fun reportSent(id: Long, channel: String): Boolean {
        val m = store.get(id) ?: throw StoreException("message not found")
        return client.reportSent(m.message, channel)
    }

    fun unsubscribeDraft(id: Long): UnsubscribeDraft? {
        val m = store.get(id) ?: throw StoreException("message not found")
        return client.unsubscribe(m.message)
    }

    fun unsubscribeSent(id: Long): ConsentEntry? {
        val m = store.get(id) ?: throw StoreException("message not found")
        return client.unsubscribeSent(m.message)
    }
}
