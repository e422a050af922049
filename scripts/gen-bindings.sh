#!/usr/bin/env bash
# Builds smsguard-ffi and generates its Kotlin, Swift and Python bindings with the workspace's
# pinned uniffi-bindgen (same uniffi version as the library).
#
#   scripts/gen-bindings.sh [--profile debug|release] [--features F] [--out DIR]
#
# Output (default DIR = target/bindings):
#   DIR/kotlin/com/smsguard/ffi/smsguard_ffi.kt      Kotlin (JNA); load libsmsguard_ffi.so via jna.library.path
#   DIR/python/smsguard_ffi.py + libsmsguard_ffi.so  Python: PYTHONPATH=DIR/python, `import smsguard_ffi`
#   DIR/swift/Sources/SmsGuardFFI/SmsGuardFFI.swift  Swift sources of the SwiftPM target
#   DIR/swift/Headers/{SmsGuardFFIFFI.h,module.modulemap}  headers for the XCFramework
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
features=()
out=target/bindings
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) profile=$2; shift 2 ;;
        --features) features=(--features "smsguard-ffi/$2"); shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: $0 [--profile debug|release] [--features F] [--out DIR]" >&2; exit 2 ;;
    esac
done
case "$profile" in
    debug | release) ;;
    *) echo "unknown profile $profile" >&2; exit 2 ;;
esac

# Bindings are generated from the debug library: the release one is stripped, and uniffi reads
# its metadata from symbols (the API and checksums are the same in every profile). The debug
# library is built in the same cargo command as the bindgen, a release library alone (as
# shipping builds and size.sh do), so uniffi's features resolve the same way on every run of
# each and nothing is rebuilt needlessly.
cargo build -p smsguard-ffi -p uniffi-bindgen "${features[@]}"
if [ "$profile" = release ]; then
    cargo build --release -p smsguard-ffi "${features[@]}"
fi

so=libsmsguard_ffi.so
[ "$(uname)" = Darwin ] && so=libsmsguard_ffi.dylib
meta="target/debug/$so"
lib="target/$profile/$so"
bindgen="target/debug/uniffi-bindgen"

rm -rf "$out"
mkdir -p "$out"
for lang in kotlin python swift; do
    "$bindgen" generate --library "$meta" --language "$lang" --out-dir "$out/$lang.tmp" --no-format
done

mv "$out/kotlin.tmp" "$out/kotlin"

mkdir -p "$out/python"
mv "$out/python.tmp/"*.py "$out/python/"
cp "$lib" "$out/python/"
rm -rf "$out/python.tmp"

# SwiftPM / XCFramework layout: the module map must be called module.modulemap in the headers dir.
mkdir -p "$out/swift/Sources/SmsGuardFFI" "$out/swift/Headers"
mv "$out/swift.tmp/SmsGuardFFI.swift" "$out/swift/Sources/SmsGuardFFI/"
mv "$out/swift.tmp/SmsGuardFFIFFI.h" "$out/swift/Headers/"
mv "$out/swift.tmp/SmsGuardFFIFFI.modulemap" "$out/swift/Headers/module.modulemap"
rm -rf "$out/swift.tmp"

echo "bindings for $lib in $out" >&2
