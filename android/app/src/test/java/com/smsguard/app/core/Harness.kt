package com.smsguard.app.core

/** A tiny test runner (no JUnit needed): each test is a name and a block; prints `N passed, M failed`. */
object Harness {
    private val tests = ArrayList<Pair<String, () -> Unit>>()

    fun test(name: String, block: () -> Unit) {
        tests.add(Pair(name, block))
    }

    fun run(filter: String?): Int {
        var passed = 0
        var failed = 0
        for ((name, block) in tests) {
            if (filter != null && !name.contains(filter)) continue
            try {
                block()
                passed++
                println("ok   $name")
            } catch (t: Throwable) {
                failed++
                println("FAIL $name: $t")
                t.stackTrace.take(6).forEach { println("       at $it") }
            }
        }
        println("$passed passed, $failed failed")
        return failed
    }
}

class AssertionFailed(message: String) : AssertionError(message)

fun check(cond: Boolean, msg: () -> String = { "check failed" }) {
    if (!cond) throw AssertionFailed(msg())
}

fun <T> eq(expected: T, actual: T, what: String = "value") {
    if (expected != actual) throw AssertionFailed("$what: expected <$expected>, got <$actual>")
}

inline fun <reified E : Throwable> throws(block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionFailed("expected ${E::class.java.simpleName}, got $e")
    }
    throw AssertionFailed("expected ${E::class.java.simpleName}, nothing thrown")
}

class ListLogger : Logger {
    val lines = ArrayList<String>()
    override fun log(line: String) {
        lines.add(line)
    }
}

fun main(args: Array<String>) {
    JsonTests.register()
    LogicTests.register()
    StoreTests.register()
    EngineTests.register()
    PhoneTests.register()
    ManifestTests.register()
    val failed = Harness.run(args.firstOrNull())
    System.exit(if (failed == 0) 0 else 1)
}
