package com.smsguard.app.core

import com.smsguard.oem.SmsGuardNative

/** [Native] over the JNI session (`SmsGuardNative.openSession(statePath, configJson)`). */
class JniNative(private val session: SmsGuardNative) : Native, AutoCloseable {
    override fun call(req: String): String = session.call(req)

    override fun close() {
        session.close()
    }
}
