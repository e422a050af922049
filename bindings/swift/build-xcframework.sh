#!/usr/bin/env bash
# Builds SmsGuardFFI.xcframework and a SwiftPM package around it. macOS with Xcode only (it
# cannot run on the Linux build machine). Output: target/swift-package/
#   Package.swift
#   SmsGuardFFI.xcframework/   static libraries (device arm64; simulator arm64+x86_64) + headers
#   Sources/SmsGuardFFI/SmsGuardFFI.swift   the generated Swift API (module `SmsGuardFFI`)
#
# With `--into DIR` (e.g. ios/SmsGuardKit) it also copies the XCFramework and the generated Swift
# into that SwiftPM package, which expects SmsGuardFFI.xcframework and Sources/SmsGuardFFI/.
#
# Prerequisites: rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
set -euo pipefail
into=""
if [ "${1:-}" = --into ]; then
    into="$(cd "${2:?--into needs a directory}" && pwd)"
fi
[ "$(uname)" = Darwin ] || { echo "build-xcframework.sh needs macOS and Xcode" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out=target/swift-package
lib=libsmsguard_ffi.a

for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
    cargo build --release -p smsguard-ffi --target "$t"
done

# Swift sources, header and module map come from the host build (the API is the same on every
# target); gen-bindings.sh lays them out as Sources/ and Headers/.
scripts/gen-bindings.sh --profile release --out target/swift-bindings

rm -rf "$out"
mkdir -p "$out/sim"
lipo -create -output "$out/sim/$lib" \
    "target/aarch64-apple-ios-sim/release/$lib" "target/x86_64-apple-ios/release/$lib"
xcodebuild -create-xcframework \
    -library "target/aarch64-apple-ios/release/$lib" -headers target/swift-bindings/swift/Headers \
    -library "$out/sim/$lib" -headers target/swift-bindings/swift/Headers \
    -output "$out/SmsGuardFFI.xcframework"
rm -rf "$out/sim"
cp -R target/swift-bindings/swift/Sources "$out/"
cp bindings/swift/Package.swift "$out/"
if [ -n "$into" ]; then
    rm -rf "$into/SmsGuardFFI.xcframework" "$into/Sources/SmsGuardFFI"
    cp -R "$out/SmsGuardFFI.xcframework" "$into/"
    mkdir -p "$into/Sources"
    cp -R "$out/Sources/SmsGuardFFI" "$into/Sources/"
    echo "copied into $into" >&2
fi
echo "SwiftPM package in $out (add it as a local package, or zip the xcframework for a binaryTarget url)"
