package com.smsguard.app.core

import com.smsguard.oem.SmsGuardException
import com.smsguard.oem.SmsGuardNative

/** An engine session, and whether the user's state file had to be left out of it. */
class OpenedState(val native: JniNative, val unreadable: Boolean)

/**
 * The engine's state file (consent, rules, feedback, reports, settings) is what the user saved; the
 * message database is only a sorted copy. A damaged or newer state file is never overwritten: the
 * app sorts with an in-memory session (defaults only) until the user agrees to start over, and even
 * then the file is kept as `<path>.corrupt-N`.
 */
object StateFile {
    fun open(path: String, logger: Logger?): OpenedState = try {
        OpenedState(JniNative(SmsGuardNative.openSession(path, null)), unreadable = false)
    } catch (e: SmsGuardException) {
        if (e.kind != SmsGuardException.Kind.STATE_UNREADABLE) throw e
        logger?.log("state: unreadable; sorting without it until the user decides")
        OpenedState(JniNative(SmsGuardNative.openSession(null, null)), unreadable = true)
    }

    /** After the user's yes: moves the damaged file to `<path>.corrupt-N` (returned) and opens a fresh one. */
    fun startOver(path: String, logger: Logger?): Pair<String, OpenedState> {
        val aside = SmsGuardNative.setAsideState(path)
        logger?.log("state: set aside; starting over")
        return Pair(aside, open(path, logger))
    }
}
