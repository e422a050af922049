#!/usr/bin/env bash
# The project's one test command (README): installs what a fresh machine lacks, then runs every
# test suite the project has. Each suite prints its own summary; this script ends with one line
# `N passed, N failed` over the suites.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
failed_names=()

suite() {
    local name=$1
    shift
    echo "=== suite: $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_names+=("$name")
    fi
}

need() {
    command -v "$1" >/dev/null 2>&1 || { echo "missing required tool: $1 ($2)" >&2; exit 2; }
}

need cargo "install Rust with rustup"

# Rust: unit, vector, property and CLI integration tests of the whole workspace.
suite rust cargo test --workspace --locked

# Speed as instruction counts (valgrind's callgrind on a release `bench`), held to the budget in
# scripts/instructions-budget.json: timings on shared machines are too noisy to catch a regression.
# The release build is kept in ~/.cache/smsguard/target-host-release.
suite instructions scripts/instructions.sh

# Bindings: the generated uniffi Kotlin (JNA) and Python bindings and the plain-JNI Java class,
# each against the host-built library (debug, with the test-panic feature) and compared exactly
# with the Rust engine's results. Each suite installs what a fresh machine lacks (a JDK, JNA and
# JUnit 5 from Debian, kotlin-compiler from npm into .tools/: bindings/scripts/ensure-tools.sh).
suite kotlin bindings/scripts/test-kotlin.sh
suite jni bindings/scripts/test-jni.sh
suite python-bindings bindings/scripts/test-python.sh

# Android: the app's plain-Kotlin logic on the host JVM against the library the Kotlin suite
# built (target/debug, test-panic).
suite android-app env SMSGUARD_LIBRARY="$PWD/target/debug/libsmsguard_ffi.so" android/test.sh

# iOS: SmsGuardKit (ios/SmsGuardKit) built and tested by Swift 6 in a Debian trixie root kept in
# ~/.cache/smsguard (never in the system), against the library the Kotlin suite built and the CLI
# the Rust suite built.
suite ios env SMSGUARD_CLI="$PWD/target/debug/smsguard" ios/test.sh

# Android APK: build, sign and check it (android/README.md): signature and key, manifest, dex,
# both .so files (16 KB LOAD alignment, JNI exports, bionic imports) run under qemu-user/natively,
# and the panic proof. Builds are cached in ~/.cache/smsguard and reused by fresh clones; only the
# shipped arm64 library pays fat LTO, the emulator and test-panic ones use the cheap android-quick
# profile (timings: android/README.md). SMSGUARD_ANDROID_APK=0 skips it.
if [ "${SMSGUARD_ANDROID_APK:-1}" != 0 ]; then
    suite android-apk bash -c 'android/build.sh && android/check-apk.sh'

    # OEM kit (docs/oem-integration.md): dist/ from the AAR the APK was just built from (no second
    # build of any .so), read back as Gradle/Xcode would meet it: Maven layout, POM and checksums,
    # the JNI contract on each .so, bindings/public-surface.txt, the sample integration, the AAR's
    # arm64 .so under qemu-user, the XCFramework and its SwiftPM checksum. The iOS static library
    # costs ~5.5 min once per machine cache (~/.cache/smsguard/target-ios). SMSGUARD_OEM_KIT=0
    # skips it.
    if [ "${SMSGUARD_OEM_KIT:-1}" != 0 ]; then
        suite oem-kit bash -c 'scripts/package.sh && scripts/check-kit.sh'
    fi
fi

# Fuzzing smoke: every cargo-fuzz target for 10 s (nightly and cargo-fuzz installed into
# ~/.cache/smsguard/tools when missing; corpora kept there and growing). The long run and its
# totals: scripts/fuzz.sh 1800, README "Fuzzing".
suite fuzz-smoke scripts/fuzz.sh 10

# Python: the training pipeline's tests (the script makes its own venv).
if [ -x models/run_tests.sh ]; then
    suite python models/run_tests.sh
fi

echo
if [ "$failed" -gt 0 ]; then
    echo "failed suites: ${failed_names[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
