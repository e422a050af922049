package com.smsguard.app.core

object EngineTests {
    fun register() {}
}
