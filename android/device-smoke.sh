#!/usr/bin/env bash
# Smoke test of the APK on a real device or an emulator, for whoever has one (it has never run
# on the machine that builds the APK: no device, no emulator there). Needs `adb` (Debian: adb).
#
#   android/device-smoke.sh [APK]      default android/build/smsguard.apk
#
# ANDROID_SERIAL picks the device when several are attached. Steps: install over any previous
# build (adb install -r: fails if the APK is signed by another key than the installed one),
# grant RECEIVE_SMS, READ_SMS and (Android 13+) POST_NOTIFICATIONS, start the app once (an app
# never started gets no broadcasts), then on an emulator inject two invented SMS through the
# emulator console (`adb emu sms send`) and read the verdicts back; on a phone, asks you to
# send those texts from another phone. Verdicts are read from the app's notifications (a
# promotion gets a quiet "推广 · sender" line, junk the "已拦截 N 条" summary: the app logs no
# verdicts), failures from logcat with the app's tag `smsguard`, whose lines never carry SMS
# text or numbers; the script checks that too.
set -euo pipefail
ANDROID_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
APK=${1:-$ANDROID_DIR/build/smsguard.apk}
PKG=com.smsguard.app
TAG=smsguard
# Invented messages (never real ones): a store's promotion from a 106 port and a prize scam.
PROMO_FROM=10690000123
PROMO_TEXT='【乐购商城】会员日全场满199减50，今晚24点截止，回T退订'
JUNK_FROM=13800000000
JUNK_TEXT='恭喜您获得年度幸运大奖88000元，请点击 http://prize-claim.example 填写银行卡领取'

command -v adb >/dev/null || { echo "adb not found (Debian: apt-get install adb)" >&2; exit 2; }
[ -f "$APK" ] || { echo "no $APK: run android/build.sh first" >&2; exit 2; }
[ "$(adb get-state 2>/dev/null)" = device ] || { echo "no device: adb devices lists none ready" >&2; exit 2; }
dsh() { adb shell "$@" | tr -d '\r'; }

failed=0
check() { # check NAME CMD...: one line per check
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "ok   $name"; else echo "FAIL $name"; failed=$((failed + 1)); fi
}
indent() { sed 's/^/  /'; }

sdk=$(dsh getprop ro.build.version.sdk)
abi=$(dsh getprop ro.product.cpu.abi)
echo "device: Android API $sdk, $abi"

check "adb install -r (if this fails: another key signed the installed app; adb uninstall $PKG)" \
    adb install -r "$APK"
[ "$failed" -eq 0 ] || exit 1
perms=(RECEIVE_SMS READ_SMS)
[ "$sdk" -lt 33 ] || perms+=(POST_NOTIFICATIONS)
for p in "${perms[@]}"; do
    check "pm grant $p" dsh pm grant "$PKG" "android.permission.$p"
done

adb logcat -c
check "app starts" dsh am start -W -n "$PKG/.MainActivity"
sleep 3
check "app process running" dsh pidof "$PKG"

if adb emu help >/dev/null 2>&1; then
    adb emu sms send "$PROMO_FROM" "$PROMO_TEXT" >/dev/null
    sleep 2
    adb emu sms send "$JUNK_FROM" "$JUNK_TEXT" >/dev/null
    echo "injected 2 SMS through the emulator console"
else
    echo "not an emulator: from another phone send this device these two texts, then press Enter"
    printf '  %s\n' "$PROMO_TEXT" "$JUNK_TEXT"
    read -r _
fi
sleep 8

notes=$(dsh dumpsys notification --noredact | awk -v p="$PKG" '
    /NotificationRecord\(/ { ours = index($0, "pkg=" p) > 0 }
    ours && /android\.title=/ { sub(/.*android\.title=[A-Za-z]* *\(?/, ""); sub(/\)$/, ""); print }')
echo "the app's notifications:"
indent <<< "${notes:-(none)}"
check "promotion sorted into 推广 (quiet notification)" grep -qE '^(推广|Promotions) · ' <<< "$notes"
check "scam counted in the 已拦截 summary" grep -qE '^(已拦截 [0-9]+ 条|[0-9]+ blocked)$' <<< "$notes"

log=$(adb logcat -d -v brief "$TAG:V" AndroidRuntime:E '*:S' | tr -d '\r')
echo "logcat ($TAG, AndroidRuntime):"
indent <<< "${log:-(empty)}"
check "no crash" bash -c '! grep -q "FATAL EXCEPTION"' <<< "$log"
check "promotion verdict in logcat" grep -q 'sms: sorted promotion/' <<< "$log"
check "junk verdict in logcat" grep -q 'sms: sorted junk/' <<< "$log"
check "no receive/classify/store failure logged" \
    bash -c '! grep -qE "receive: failed|classify (failed|refused)|store: (insert failed|unavailable|cannot open)"' <<< "$log"
check "no SMS text or sender number in the log" \
    bash -c "! grep -qE '$PROMO_FROM|$JUNK_FROM|会员日|幸运大奖|prize-claim'" <<< "$log"
check "app process still running" dsh pidof "$PKG"

echo "device-smoke: $failed failed"
[ "$failed" -eq 0 ]
