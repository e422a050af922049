#!/usr/bin/env bash
# Kotlin suite: the generated uniffi Kotlin bindings + JUnit 5 tests on the host JVM (JNA), and
# the JNA-vs-JNI benchmark. Ends with `kotlin: N passed, N failed`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
eval "$("$root/bindings/scripts/ensure-tools.sh")"
eval "$("$root/bindings/scripts/prepare.sh")"
work="$root/target/bindings/kotlin-test"
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" "$root"/bindings/java/com/smsguard/oem/*.java
cp="$JNA_JAR:$JUNIT_CP:$KOTLIN_LIB/kotlin-stdlib.jar:$KOTLIN_LIB/kotlin-test.jar:$work/classes"
"$KOTLINC" -nowarn -cp "$cp" -d "$work/tests.jar" \
    "$BINDINGS_DIR/kotlin/com/smsguard/ffi/smsguard_ffi.kt" "$root"/bindings/foreign-tests/kotlin/*.kt
java -Djna.library.path="$LIB_DIR" -Djava.library.path="$LIB_DIR" \
    -Dsmsguard.expected="$EXPECTED" -Dsmsguard.vectors="$VECTORS" -Dsmsguard.testdata="$root/testdata" \
    -cp "$work/tests.jar:$cp" smsguard.test.MainKt
