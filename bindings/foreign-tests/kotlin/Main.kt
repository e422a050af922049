// Runs the JUnit 5 tests through the launcher API, then the JNA-vs-JNI benchmark, and prints
// the `N passed, N failed` summary line (the console launcher's output is not one).
package smsguard.test

import com.smsguard.ffi.SmsGuard
import com.smsguard.ffi.SmsMessage
import com.smsguard.oem.SmsGuardNative
import org.junit.platform.engine.discovery.DiscoverySelectors.selectClass
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder
import org.junit.platform.launcher.core.LauncherFactory
import org.junit.platform.launcher.listeners.SummaryGeneratingListener
import java.io.PrintWriter
import kotlin.system.exitProcess

/** Median of `rounds` timings of `calls` calls, in µs per call. */
fun bench(rounds: Int, calls: Int, f: (Int) -> Unit): Double {
    repeat(calls * 2) { f(it) } // warm-up (JIT, caches)
    val per = (1..rounds).map {
        val t = System.nanoTime()
        for (i in 0 until calls) f(i)
        (System.nanoTime() - t) / 1000.0 / calls
    }.sorted()
    return per[per.size / 2]
}

fun benchmark() {
    val msgs = Vectors.vectors.filter { it.body.isNotEmpty() }
    SmsGuard().use { jna ->
        SmsGuardNative.open().use { jni ->
            val uniffi = bench(7, 2000) { i -> val m = msgs[i % msgs.size]; jna.classify(SmsMessage(m.sender, m.body, null)) }
            val native = bench(7, 2000) { i -> val m = msgs[i % msgs.size]; jni.classify(m.sender, m.body) }
            println("benchmark: classify via uniffi/JNA %.1f µs/call, via JNI %.1f µs/call (JNA/JNI %.1fx)".format(uniffi, native, uniffi / native))
        }
    }
}

fun main() {
    val listener = SummaryGeneratingListener()
    val request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SmsGuardTest::class.java), selectClass(StateTest::class.java), selectClass(ContactsTest::class.java)).build()
    LauncherFactory.create().execute(request, listener)
    val s = listener.summary
    s.printFailuresTo(PrintWriter(System.out, true), 20)
    if (System.getProperty("smsguard.bench") != "0") benchmark()
    val failed = s.testsFailedCount + s.testsAbortedCount
    println("kotlin: ${s.testsSucceededCount} passed, $failed failed")
    exitProcess(if (failed == 0L && s.testsSucceededCount > 0) 0 else 1)
}
