#!/usr/bin/env bash
# Checks android/build/smsguard.apk (run android/build.sh first) without a device:
# signature and signing certificate (the kept key's, unchanged since the last check), manifest
# (badging + xmltree), dex, the two .so files (16 KB LOAD alignment, JNI exports, stored
# uncompressed, imports on the reviewed bionic list), and both .so files run by
# tools/qemu/harness.c through their JNI exports (arm64 under qemu-user, x86_64 natively, each in a
# glibc process with bionic shims), then an arm64 build with the test-panic feature (cheap
# android-quick profile, its own target dir) that proves a panic comes back as a Java exception.
# Ends with "N passed, M failed".
#
#   SMSGUARD_ANDROID_PANIC_CHECK=0 skips the test-panic build and run.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/tools/common.sh"
source "$TOOLS/checks.sh"

APK=${1:-$BUILD/smsguard.apk}
[ -f "$APK" ] || { echo "no $APK: run android/build.sh first" >&2; exit 2; }
WORK=$BUILD/check
rm -rf "$WORK"
mkdir -p "$WORK"
T0=$(date +%s)

step "apk: signature, manifest, dex"
apksigner verify --verbose "$APK" > "$WORK/apksigner.txt" 2>&1 || true
check "apksigner verify" grep -q '^Verifies$' "$WORK/apksigner.txt"
check "signed with APK Signature Scheme v2" has 'Verified using v2 scheme (APK Signature Scheme v2): true' "$WORK/apksigner.txt"
check "zipalign -c -p 4" zipalign -c -p 4 "$APK"
# Upgrades: Android installs an APK over another only with the same signing certificate, so the
# APK must carry the kept key's certificate, and the same one as the last APK checked here with
# that kind of key (a regenerated debug key would break `adb install -r` on every phone).
apksigner verify --print-certs "$APK" 2>/dev/null \
    | sed -n 's/^Signer #1 certificate SHA-256 digest: //p' > "$WORK/signer.txt" || true
key_cert_sha256 > "$WORK/key.txt" || true
check "signed by the $KEY_KIND key's certificate" bash -c "[ -s '$WORK/signer.txt' ] && cmp '$WORK/signer.txt' '$WORK/key.txt'"
last=$AC/last-signer-$KEY_KIND.sha256
if [ -s "$last" ]; then
    check "same certificate as the last $KEY_KIND-signed APK checked here" cmp "$last" "$WORK/signer.txt"
elif [ -s "$WORK/signer.txt" ] && cmp -s "$WORK/signer.txt" "$WORK/key.txt"; then
    cp "$WORK/signer.txt" "$last" # the first APK checked with this key: its certificate is the key's
fi

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
# Every `native` method of the Java class the app ships must resolve in each .so (an unexported
# one would throw UnsatisfiedLinkError on the phone at first call), except the test-only panic.
mapfile -t JNI_METHODS < <(sed -n 's/.*\bnative\b[^(]* \(native[A-Za-z0-9]*\)(.*/\1/p' \
    "$REPO/bindings/java/com/smsguard/oem/SmsGuardNative.java" | grep -vx nativeDebugPanic | sort -u)
check "SmsGuardNative.java declares JNI methods" test "${#JNI_METHODS[@]}" -ge 10
declare -A MACHINE=([arm64-v8a]=AArch64 [x86_64]="X86-64")
for abi in "${ABIS[@]}"; do
    so=$WORK/apk/lib/$abi/libsmsguard_ffi.so
    check "$abi: in the APK" test -f "$so"
    [ -f "$so" ] || continue
    check "$abi: stored uncompressed" bash -c "unzip -v '$APK' 'lib/$abi/libsmsguard_ffi.so' | grep -q ' Stored '"
    check "$abi: ELF machine ${MACHINE[$abi]}" bash -c "readelf -h '$so' | grep -q 'Machine:.*${MACHINE[$abi]}'"
    check "$abi: every LOAD segment 16 KB aligned" bash -c \
        "readelf -lW '$so' | awk '\$1 == \"LOAD\" { n++; if (\$NF != \"0x4000\") bad++ } END { exit !(n > 0 && !bad) }'"
    llvm-nm -D --defined-only "$so" | awk '{print $3}' > "$WORK/$abi.exports"
    check "$abi: the ${#JNI_METHODS[@]} JNI exports SmsGuardNative.java declares" bash -c "for f in ${JNI_METHODS[*]}; do
        grep -qx Java_com_smsguard_oem_SmsGuardNative_\$f '$WORK/$abi.exports' || { echo \"no \$f\"; exit 1; }; done"
    check "$abi: no test-panic export in the shipped library" \
        bash -c "! grep -q nativeDebugPanic '$WORK/$abi.exports'"
    # The linker checked this at build time; check the shipped file again.
    llvm-nm -D --undefined-only "$so" | awk '$1 == "U" {sub(/@.*/, "", $2); print $2}' > "$WORK/$abi.imports"
    check "$abi: strong imports all on tools/bionic-api24.txt" bash -c \
        "awk 'NR == FNR { if (\$0 !~ /^#/) ok[\$1] = 1; next } !(\$1 in ok) { print \"not in bionic list: \" \$1; bad = 1 } END { exit bad }' '$TOOLS/bionic-api24.txt' '$WORK/$abi.imports'"
    check "$abi: stripped" bash -c "! readelf -SW '$so' | grep -q ' .symtab '"
    # tools/android-clang packs them (APS2, API 23+): ~420 KB less per library.
    check "$abi: dynamic relocations packed (DT_ANDROID_RELA)" has_packed_relocations "$so"
done

step "run: arm64 .so under qemu-user"
run_harness "arm64 (qemu)" arm64-v8a "$WORK/apk/lib/arm64-v8a/libsmsguard_ffi.so"
step "run: x86_64 .so natively"
run_harness "x86_64" x86_64 "$WORK/apk/lib/x86_64/libsmsguard_ffi.so"

if [ "${SMSGUARD_ANDROID_PANIC_CHECK:-1}" != 0 ]; then
    step "rust: arm64 .so with test-panic"
    # Own target dir: the cdylib's file name carries no feature hash, so sharing the release
    # dir would swap libraries between the two builds.
    so=$(build_so aarch64-linux-android "$CACHE/target-android-test" android-quick --features test-panic)
    step "run: test-panic build under qemu-user"
    run_harness "arm64 test-panic (qemu)" arm64-v8a "$so"
fi

step
echo "check-apk: $(($(date +%s) - T0))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
