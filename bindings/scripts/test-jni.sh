#!/usr/bin/env bash
# JNI suite: com.smsguard.oem.SmsGuardNative and its harness on the host JVM (no JNA, no JUnit,
# as on an OEM image). Ends with `jni: N passed, N failed`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v javac >/dev/null 2>&1 || eval "$("$root/bindings/scripts/ensure-tools.sh")"
eval "$("$root/bindings/scripts/prepare.sh")"
work="$root/target/bindings/jni-test"
mkdir -p "$work"
javac -nowarn -d "$work" "$root"/bindings/java/com/smsguard/oem/*.java \
    "$root/bindings/foreign-tests/java/com/smsguard/oem/SmsGuardNativeTest.java"
java -Djava.library.path="$LIB_DIR" -Dsmsguard.expected="$EXPECTED" \
    -Dsmsguard.testdata="$root/testdata" -cp "$work" com.smsguard.oem.SmsGuardNativeTest
