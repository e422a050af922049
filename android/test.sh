#!/usr/bin/env bash
# Host-JVM tests of the app's plain-Kotlin logic (android/app/src/main/java/**/core/**) against the
# REAL host-built engine (libsmsguard_ffi.so through com.smsguard.oem.SmsGuardNative), with the
# message store on SQLite through JDBC. Nothing here needs an Android device or android.jar.
#   android/test.sh [NAME-FILTER]
# Environment:
#   SMSGUARD_LIBRARY=/abs/libsmsguard_ffi.so  use this library (no cargo build)
#   CARGO_TARGET_DIR=...                      where cargo builds it otherwise (default: <repo>/target)
# Ends with `N passed, M failed`; exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/android/app/src"
eval "$("$root/bindings/scripts/ensure-tools.sh")"

# The message store's SQL runs on real SQLite through JDBC (Debian's sqlite-jdbc and its JNI
# library), the way the APK build fetches Debian jars: `apt-get download` + `dpkg -x` into the
# cache outside the clone, never installed into the system. A fresh machine fetches it once.
sqlite_dir="${SMSGUARD_CACHE:-$HOME/.cache/smsguard}/android-test/sqlite-jdbc"
sqlite_jar="$sqlite_dir/usr/share/java/sqlite-jdbc.jar"
sqlite_jni="$sqlite_dir/usr/lib/x86_64-linux-gnu/jni"
if [ ! -f "$sqlite_jar" ] || [ ! -f "$sqlite_jni/libsqlitejdbc.so" ]; then
    echo "fetching libxerial-sqlite-jdbc-java into $sqlite_dir" >&2
    debs="$sqlite_dir.debs"
    rm -rf "$debs" "$sqlite_dir" && mkdir -p "$debs"
    fetch() { (cd "$debs" && apt-get download -q libxerial-sqlite-jdbc-java libxerial-sqlite-jdbc-jni >&2); }
    # A fresh machine may have no package lists yet.
    fetch || { apt-get update -q >&2 && fetch; }
    for d in "$debs"/*.deb; do dpkg -x "$d" "$sqlite_dir"; done
    rm -rf "$debs"
    [ -f "$sqlite_jar" ] && [ -f "$sqlite_jni/libsqlitejdbc.so" ] || { echo "sqlite-jdbc debs lack the jar or libsqlitejdbc.so" >&2; exit 2; }
fi

if [ -n "${SMSGUARD_LIBRARY:-}" ]; then
    lib="$SMSGUARD_LIBRARY"
else
    target="${CARGO_TARGET_DIR:-$root/target}"
    (cd "$root" && CARGO_TARGET_DIR="$target" cargo build -q -p smsguard-ffi --features test-panic >&2)
    lib="$target/debug/libsmsguard_ffi.so"
fi
[ -f "$lib" ] || { echo "no library at $lib" >&2; exit 2; }

work="${CARGO_TARGET_DIR:-$root/target}/android-app-test"
rm -rf "$work" && mkdir -p "$work/java"
javac -nowarn --release 8 -d "$work/java" "$root"/bindings/java/com/smsguard/oem/*.java
mapfile -t sources < <(find "$app/main/java" -path '*/core/*' -name '*.kt'; find "$app/test/java" -name '*.kt')
# the same flags as the APK build: JVM 1.8 bytecode, lambdas and SAM conversions as classes
"$KOTLINC" -nowarn -jvm-target 1.8 -Xlambdas=class -Xsam-conversions=class \
    -cp "$work/java:$sqlite_jar" -d "$work/tests.jar" "${sources[@]}"

# the core must not touch android.* (it runs on the host JVM)
if grep -rln '^import android\.' "$app/main/java" --include='*.kt' | grep '/core/'; then
    echo "core/ imports android.*" >&2
    exit 1
fi

java -Dsmsguard.library="$lib" -Djava.library.path="$sqlite_jni" \
    -Dsmsguard.testdata="$root/testdata" -Dsmsguard.app="$app/main" \
    -cp "$work/tests.jar:$work/java:$sqlite_jar:$KOTLIN_LIB/kotlin-stdlib.jar" \
    com.smsguard.app.core.HarnessKt "$@"
