#!/usr/bin/env bash
# iOS suite: SmsGuardKit (ios/SmsGuardKit) built and tested with `swift test` on Linux, against
# the host-built library, inside a Debian trixie root that holds Swift 6.0.3 (Debian's
# `swiftlang`). The root lives in the user's cache, never in the system:
#   ${SMSGUARD_SWIFT_ROOT:-~/.cache/smsguard/swift-trixie}/root
# A second run reuses it and downloads nothing.
#
#   ios/test.sh              set up the root if needed, build the library + bindings, test
#   ios/test.sh toolchain    only set up the root
#   ios/test.sh memory       measure the extension configuration's heap and peak RSS
#
# Library: bindings/scripts/prepare.sh (the same cargo command as the Kotlin suite, so after
# that suite it builds nothing: target/debug/libsmsguard_ffi.so with `test-panic`, the Swift
# bindings, and the Rust engine's results for the shared vectors).
# Needs root (unshare + chroot). Exit code: swift test's. Ends with `ios: N passed, N failed`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SMSGUARD_SWIFT_ROOT:-$HOME/.cache/smsguard/swift-trixie}"
root="$cache/root"
ready="$root/.smsguard-swift-ready"
pkg="$repo/ios/SmsGuardKit"
mode="${1:-test}"
t0=$(date +%s)
stamp() { echo "[ios $(($(date +%s) - t0))s] $*" >&2; }

mirror() {
    local m
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$m" ] || m=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    echo "${m:-http://deb.debian.org/debian}"
}

# Run a command in the root: own mount namespace (no mount outlives it), fresh /proc (swift
# finds its runtime through /proc/self/exe), the host's /dev, and the repository bound at the
# same absolute path (so -rpath and paths in messages are the same inside and out).
in_root() {
    unshare -m --propagation private /bin/bash -c '
        set -e
        r=$1; b=$2; shift 2
        mount -t proc proc "$r/proc"
        mount --rbind /dev "$r/dev"
        mkdir -p "$r$b"
        mount --bind "$b" "$r$b"
        exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive /bin/bash -c "$*"
    ' _ "$root" "$repo" "$@"
}

setup_root() {
    if [ -f "$ready" ]; then
        stamp "swift root: reusing $root"
        return
    fi
    [ "$(id -u)" = 0 ] || { echo "ios/test.sh needs root (debootstrap, unshare, chroot)" >&2; exit 2; }
    # A half-built root (interrupted run) is rebuilt; never delete a tree with mounts in it.
    if grep -q " $root[/ ]" /proc/self/mountinfo; then
        echo "refusing to rebuild $root: something is mounted under it" >&2
        exit 2
    fi
    rm -rf "$root"
    mkdir -p "$cache"
    if ! command -v debootstrap >/dev/null; then
        stamp "installing debootstrap (host package)"
        apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
    fi
    stamp "swift root: debootstrap trixie (minbase) into $root"
    unshare -m --propagation private \
        debootstrap --variant=minbase trixie "$root" "$(mirror)" >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    # A throwaway root: no fsync per unpacked file (about 3x faster).
    echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/99-unsafe-io"
    stamp "swift root: apt-get install swiftlang"
    in_root 'apt-get update -qq && apt-get install -y -q --no-install-recommends swiftlang libc6-dev && apt-get clean' \
        >"$cache/swiftlang-install.log" 2>&1 ||
        { tail -20 "$cache/swiftlang-install.log" >&2; exit 1; }
    in_root 'swift --version' 2>&1 | head -1 >&2
    touch "$ready"
    stamp "swift root: ready"
}

case "$mode" in
    test | memory | toolchain) ;;
    *) echo "usage: ios/test.sh [test|memory|toolchain]" >&2; exit 2 ;;
esac

# The root in the background while cargo runs (both take about a minute on a fresh machine).
mkdir -p "$repo/target/ios"
setup_root >"$repo/target/ios/toolchain.log" 2>&1 &
root_pid=$!
if [ "$mode" = toolchain ]; then
    wait "$root_pid" || { cat "$repo/target/ios/toolchain.log" >&2; exit 1; }
    cat "$repo/target/ios/toolchain.log" >&2
    exit 0
fi

# The library, bindings and expected results: the Kotlin suite's build, reused as is.
stamp "library: bindings/scripts/prepare.sh"
eval "$("$repo/bindings/scripts/prepare.sh")"
# The CLI writes state files for the tests. scripts/test.sh passes the one the Rust suite built.
cli="${SMSGUARD_CLI:-}"
if [ -z "$cli" ] || [ ! -x "$cli" ]; then
    stamp "cli: cargo build -p smsguard-cli"
    (cd "$repo" && cargo build -q -p smsguard-cli)
    cli="$repo/target/debug/smsguard"
fi
work="$repo/target/ios"
mkdir -p "$work/bin"
cp "$cli" "$work/bin/smsguard"   # inside the repository: the root sees it at the same path

if ! wait "$root_pid"; then
    cat "$work/toolchain.log" >&2
    echo "ios: setting up the Swift root failed" >&2
    exit 1
fi
cat "$work/toolchain.log" >&2

# Generated bindings into the package. SwiftPM does not notice a changed module map or a
# relinked library: start its build over when the generated files changed.
gen="$BINDINGS_DIR/swift"
scratch="$work/swiftpm"
mkdir -p "$pkg/Sources/SmsGuardFFI" "$pkg/Sources/SmsGuardFFIFFI"
changed=0
sync_file() {
    cmp -s "$1" "$2" || { cp "$1" "$2"; changed=1; }
}
sync_file "$gen/Sources/SmsGuardFFI/SmsGuardFFI.swift" "$pkg/Sources/SmsGuardFFI/SmsGuardFFI.swift"
sync_file "$gen/Headers/SmsGuardFFIFFI.h" "$pkg/Sources/SmsGuardFFIFFI/SmsGuardFFIFFI.h"
sync_file "$gen/Headers/module.modulemap" "$pkg/Sources/SmsGuardFFIFFI/module.modulemap"
[ "$changed" = 0 ] || rm -rf "$scratch"
mkdir -p "$scratch"

link="-Xlinker -L$LIB_DIR -Xlinker -rpath -Xlinker $LIB_DIR"
envs="SMSGUARD_EXPECTED='$EXPECTED' SMSGUARD_CLI='$work/bin/smsguard'"
# Swift 6 language mode (strict concurrency); warnings are errors, as clippy's are for Rust.
stamp "swift build (Swift 6 language mode, warnings as errors)"
if ! in_root "cd '$pkg' && swift build --build-tests --scratch-path '$scratch' -Xswiftc -warnings-as-errors $link" \
    >"$work/swift-build.log" 2>&1; then
    grep -E "error:|warning:" -A3 "$work/swift-build.log" | head -80 >&2
    tail -5 "$work/swift-build.log" >&2
    echo "ios: swift build failed (full log: $work/swift-build.log)" >&2
    echo "ios: 0 passed, 1 failed"
    exit 1
fi

memory() {
    local probe="$scratch/debug/smsguard-memprobe" state="$work/memprobe/state.json"
    rm -rf "$work/memprobe"
    mkdir -p "$work/memprobe"
    in_root "'$probe' write '$state' && '$probe' measure '$state' --rules-only 2000 && '$probe' measure '$state' 2000"
}
if [ "$mode" = memory ]; then
    memory
    exit
fi

stamp "swift test"
set +e
in_root "cd '$pkg' && $envs swift test --skip-build --scratch-path '$scratch' $link" 2>&1 | tee "$work/swift-test.log"
rc=${PIPESTATUS[0]}
set -e

# Counts from both runners' own lines (XCTest: one `Test Case '…' passed|failed` per test;
# Swift Testing: `✔ Test f() passed` / `✘ Test f() failed`, parameterised tests once each).
log="$work/swift-test.log"
xp=$(grep -cE "^Test Case '.*' passed" "$log" || true)
xf=$(grep -cE "^Test Case '.*' failed" "$log" || true)
sp=$(grep -cE "^[^ ]+ Test [^ ]+\(.*\) passed after" "$log" || true)
sf=$(grep -cE "^[^ ]+ Test [^ ]+\(.*\) failed after" "$log" || true)
xs=$(grep -cE "^Test Case '.*' skipped" "$log" || true)
echo "ios: XCTest $xp passed, $xf failed, $xs skipped; Swift Testing $sp passed, $sf failed"
if [ "$rc" -eq 0 ] && [ "$xf" -eq 0 ] && [ "$sf" -eq 0 ] && [ "$xs" -eq 0 ] && [ $((xp + sp)) -gt 0 ]; then
    stamp "memory of the extension configuration"
    memory || rc=1
else
    [ "$rc" -ne 0 ] || rc=1
fi
echo "ios: $((xp + sp)) passed, $((xf + sf + xs)) failed (swift test exit code $rc; ${SECONDS}s)"
exit "$rc"
