# The iOS device static library and the uniffi bindgen, built on Linux (sourced after common.sh by
# scripts/package.sh). Route and numbers: ../shared/TOOLCHAIN-NOTES.md, "Rust targets and the iOS
# static library". Both target dirs live in the cache, built from the same source mirror as the
# Android libraries, so a fresh clone reuses them (a cold iOS build is ~5.5 min on 2 cores).

IOS_TRIPLE=aarch64-apple-ios
IOS_TARGET_DIR=$CACHE/target-ios
IOS_DEPLOYMENT_TARGET=16.0 # the iOS app's and SmsGuardKit's minimum
HOST_TOOLS_TARGET_DIR=$CACHE/target-host-tools

ensure_ios_tools() {
    rustup target list --installed | grep -qx "$IOS_TRIPLE" || rustup target add "$IOS_TRIPLE"
}

# ios_cc: a clang wrapper for cc-rs (tract-linalg's assembly), written into the cache and only
# rewritten when its content changes: its path is part of cargo's fingerprint.
ios_cc() {
    local d=$CACHE/ios-toolchain f want
    f=$d/$IOS_TRIPLE-cc
    want="#!/bin/sh
exec clang --target=arm64-apple-ios$IOS_DEPLOYMENT_TARGET -isystem $(clang -print-resource-dir)/include \"\$@\""
    mkdir -p "$d/sdk" # SDKROOT: any empty directory, so cc-rs does not call xcrun
    if [ ! -x "$f" ] || [ "$(cat "$f")" != "$want" ]; then
        printf '%s\n' "$want" > "$f.tmp" && chmod +x "$f.tmp" && mv "$f.tmp" "$f"
    fi
    echo "$f"
}

# build_ios_a: libsmsguard_ffi.a for aarch64-apple-ios (release, staticlib only: a cdylib would
# need Apple's linker). Prints its path.
build_ios_a() {
    local cc src
    cc=$(ios_cc)
    mkdir -p "$AC"
    exec 9> "$AC/src.lock"
    flock 9
    src=$(mirror_sources)
    cd "$src"
    env CARGO_TARGET_DIR="$IOS_TARGET_DIR" "CC_${IOS_TRIPLE//-/_}=$cc" "AR_${IOS_TRIPLE//-/_}=llvm-ar" \
        IPHONEOS_DEPLOYMENT_TARGET=$IOS_DEPLOYMENT_TARGET SDKROOT="$CACHE/ios-toolchain/sdk" \
        cargo rustc --manifest-path "$src/Cargo.toml" --release --locked -p smsguard-ffi --lib \
        --crate-type staticlib --target "$IOS_TRIPLE" >&2
    flock -u 9
    cd - >/dev/null
    echo "$IOS_TARGET_DIR/$IOS_TRIPLE/release/libsmsguard_ffi.a"
}

# uniffi_generate LIBRARY LANGUAGE OUT: the workspace's pinned uniffi-bindgen (built once into the
# cache) reading the metadata of the library that ships, so headers and checksums match it.
uniffi_generate() {
    local lib=$1 lang=$2 out=$3 src
    mkdir -p "$AC"
    exec 9> "$AC/src.lock"
    flock 9
    src=$(mirror_sources)
    (cd "$src" && CARGO_TARGET_DIR="$HOST_TOOLS_TARGET_DIR" cargo build --quiet --locked -p uniffi-bindgen >&2 \
        && "$HOST_TOOLS_TARGET_DIR/debug/uniffi-bindgen" generate --library "$lib" --language "$lang" \
            --out-dir "$out" --no-format >&2)
    flock -u 9
}
