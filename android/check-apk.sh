#!/usr/bin/env bash
# Checks android/build/smsguard.apk (run android/build.sh first) without a device:
# signature, manifest (badging + xmltree), dex, the two .so files (16 KB LOAD alignment, JNI
# exports, stored uncompressed, imports on the reviewed bionic list), and the arm64 .so run under
# qemu-user by tools/qemu/harness.c: a release copy from the APK, then a build with the
# test-panic feature (its own target dir, arm64 only) that proves a panic comes back as a Java
# exception. Ends with "N passed, M failed".
#
#   SMSGUARD_ANDROID_PANIC_CHECK=0 skips the test-panic build (~5 min on 2 cores when cold).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/tools/common.sh"

APK=${1:-$BUILD/smsguard.apk}
[ -f "$APK" ] || { echo "no $APK: run android/build.sh first" >&2; exit 2; }
WORK=$BUILD/check
rm -rf "$WORK"
mkdir -p "$WORK"
T0=$(date +%s)

passed=0 failed=0
check() { # check NAME CMD...: runs CMD quietly; its output is shown only when it fails
    local name=$1
    shift
    if out=$("$@" 2>&1); then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        sed 's/^/       /' <<< "$out" | tail -20
        failed=$((failed + 1))
    fi
}
has() { grep -qF -- "$1" "$2" || { echo "missing: $1"; return 1; }; }

step "apk: signature, manifest, dex"
apksigner verify --verbose "$APK" > "$WORK/apksigner.txt" 2>&1 || true
check "apksigner verify" grep -q '^Verifies$' "$WORK/apksigner.txt"
check "signed with APK Signature Scheme v2" has 'Verified using v2 scheme (APK Signature Scheme v2): true' "$WORK/apksigner.txt"
check "zipalign -c -p 4" zipalign -c -p 4 "$APK"

aapt dump badging "$APK" > "$WORK/badging.txt" 2>&1 || true
check "package com.smsguard.app" grep -q "^package: name='com.smsguard.app'" "$WORK/badging.txt"
check "minSdk 24" has "sdkVersion:'24'" "$WORK/badging.txt"
check "targetSdk 34" has "targetSdkVersion:'34'" "$WORK/badging.txt"
for p in RECEIVE_SMS READ_SMS POST_NOTIFICATIONS; do
    check "permission $p" has "uses-permission: name='android.permission.$p'" "$WORK/badging.txt"
done
check "native-code arm64-v8a x86_64" has "native-code: 'arm64-v8a' 'x86_64'" "$WORK/badging.txt"

aapt dump xmltree "$APK" AndroidManifest.xml > "$WORK/manifest.txt"
# Which component (receiver/service/other) each line belongs to, then what it declares.
awk '
    /E: (activity|activity-alias|provider|application)/ { comp = "" }
    /E: receiver/ { comp = "receiver" }
    /E: service/ { comp = "service" }
    comp == "receiver" && /"android.provider.Telephony.SMS_RECEIVED"/ { print "receiver SMS_RECEIVED" }
    comp == "service" && /android:permission\(.*"android.permission.BIND_NOTIFICATION_LISTENER_SERVICE"/ { print "service BIND_NOTIFICATION_LISTENER_SERVICE" }
' "$WORK/manifest.txt" > "$WORK/components.txt"
check "SMS receiver with SMS_RECEIVED filter" has "receiver SMS_RECEIVED" "$WORK/components.txt"
check "notification listener service (BIND_NOTIFICATION_LISTENER_SERVICE)" \
    has "service BIND_NOTIFICATION_LISTENER_SERVICE" "$WORK/components.txt"

unzip -q -o "$APK" classes.dex 'lib/*' -d "$WORK/apk"
check "dexdump -c classes.dex" dexdump -c "$WORK/apk/classes.dex"
dexdump "$WORK/apk/classes.dex" 2>/dev/null | sed -n "s/^  Class descriptor *: '\(.*\)'/\1/p" > "$WORK/classes.txt"
# Every class the manifest names, and the ones the Rust side looks up, must survive ProGuard.
pkg=$(sed -n "s/^package: name='\([^']*\)'.*/\1/p" "$WORK/badging.txt")
mapfile -t components < <(awk '/E: (activity|receiver|service|provider)/ { want = 1; next }
    want && /A: android:name/ { match($0, /="[^"]*"/); print substr($0, RSTART + 2, RLENGTH - 3); want = 0 }' \
    "$WORK/manifest.txt")
missing_classes() {
    local c d rc=0
    for c in "$@"; do
        [[ $c == .* ]] && c=$pkg$c
        d="L${c//.//};"
        grep -qxF "$d" "$WORK/classes.txt" || { echo "missing in classes.dex: $c"; rc=1; }
    done
    return $rc
}
check "dex has the manifest's ${#components[@]} components" missing_classes "${components[@]}"
check "dex has the JNI classes" missing_classes com.smsguard.oem.SmsGuardNative \
    'com.smsguard.oem.SmsGuardNative$Result' com.smsguard.oem.SmsGuardException \
    'com.smsguard.oem.SmsGuardException$Kind'

step "native libraries"
declare -A MACHINE=([arm64-v8a]=AArch64 [x86_64]="X86-64")
for abi in "${ABIS[@]}"; do
    so=$WORK/apk/lib/$abi/libsmsguard_ffi.so
    check "$abi: in the APK" test -f "$so"
    [ -f "$so" ] || continue
    check "$abi: stored uncompressed" bash -c "unzip -v '$APK' 'lib/$abi/libsmsguard_ffi.so' | grep -q ' Stored '"
    check "$abi: ELF machine ${MACHINE[$abi]}" bash -c "readelf -h '$so' | grep -q 'Machine:.*${MACHINE[$abi]/X86-64/X86-64}'"
    check "$abi: every LOAD segment 16 KB aligned" bash -c \
        "readelf -lW '$so' | awk '\$1 == \"LOAD\" { n++; if (\$NF != \"0x4000\") bad++ } END { exit !(n > 0 && !bad) }'"
    llvm-nm -D --defined-only "$so" | awk '{print $3}' > "$WORK/$abi.exports"
    check "$abi: JNI exports" bash -c "for f in nativeOpen nativeClassify nativeClose nativeVersion; do
        grep -qx Java_com_smsguard_oem_SmsGuardNative_\$f '$WORK/$abi.exports' || { echo \"no \$f\"; exit 1; }; done"
    check "$abi: no test-panic export in the shipped library" \
        bash -c "! grep -q nativeDebugPanic '$WORK/$abi.exports'"
    # The linker checked this at build time; check the shipped file again.
    llvm-nm -D --undefined-only "$so" | awk '$1 == "U" {sub(/@.*/, "", $2); print $2}' > "$WORK/$abi.imports"
    check "$abi: strong imports all on tools/bionic-api24.txt" bash -c \
        "awk 'NR == FNR { if (\$0 !~ /^#/) ok[\$1] = 1; next } !(\$1 in ok) { print \"not in bionic list: \" \$1; bad = 1 } END { exit bad }' '$TOOLS/bionic-api24.txt' '$WORK/$abi.imports'"
    check "$abi: stripped" bash -c "! readelf -SW '$so' | grep -q ' .symtab '"
done

# --- qemu-user: run the arm64 library ----------------------------------------------------------

QW=$AC/qemu # built harness and shims (rebuilt when their source changes)
X=/usr/aarch64-linux-gnu
qemu_build() {
    local h
    h=$(inputs_hash "$TOOLS/qemu" "$TOOLS/common.sh")
    [ -f "$QW/stamp" ] && [ "$(cat "$QW/stamp")" = "$h" ] && return 0
    rm -rf "$QW" && mkdir -p "$QW/shim"
    # Stand-ins for bionic's libc/libm/libdl/liblog.so: glibc plus the bionic-only functions.
    local cf=(--target=aarch64-linux-gnu -O1 -Wall -fuse-ld=lld)
    clang "${cf[@]}" -fPIC -shared -Wl,-soname,libc.so "$TOOLS/qemu/shim.c" -o "$QW/shim/libc.so"
    for l in m dl log; do
        clang "${cf[@]}" -shared -nostdlib -Wl,-soname,lib$l.so -Wl,--no-as-needed \
            "$X/lib/libc.so.6" "$X/lib/libm.so.6" -o "$QW/shim/lib$l.so"
    done
    clang "${cf[@]}" "$TOOLS/qemu/harness.c" -o "$QW/harness" -ldl
    echo "$h" > "$QW/stamp"
}
qemu_run() { # qemu_run LABEL LIB.so: the harness's own checks count as checks
    local label=$1 so=$2 out rc=0
    out=$(qemu-aarch64-static -L "$X" -E LD_LIBRARY_PATH="$QW/shim:$X/lib" "$QW/harness" "$so" 2>&1) || rc=$?
    sed 's/^/       /' <<< "$out" | grep -v 'harness:' || true
    local p f
    p=$(grep -c '^ok ' <<< "$out" || true)
    f=$(grep -c '^FAIL' <<< "$out" || true)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $label: harness exited $rc"; fi
    echo "     $label: $p passed, $f failed"
    passed=$((passed + p)) failed=$((failed + f))
}

step "qemu: arm64 .so from the APK"
qemu_build
qemu_run "qemu release" "$WORK/apk/lib/arm64-v8a/libsmsguard_ffi.so"

if [ "${SMSGUARD_ANDROID_PANIC_CHECK:-1}" != 0 ]; then
    step "rust: arm64 .so with test-panic"
    # Own target dir: the cdylib's file name carries no feature hash, so sharing the release
    # dir would swap libraries between the two builds.
    so=$(build_so aarch64-linux-android "$CACHE/target-android-test" --features test-panic)
    step "qemu: test-panic build"
    qemu_run "qemu test-panic" "$so"
fi

step
echo "check-apk: $(($(date +%s) - T0))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
