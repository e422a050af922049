# Shared by android/build.sh and android/check-apk.sh (sourced, not run): paths, the tool
# installer and the Rust cross-build. Everything fetched lives in the cache outside the clone, so
# CI's fresh clones reuse it and nothing downloaded can be committed by accident.

ANDROID_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$ANDROID_DIR/.." && pwd)
TOOLS=$ANDROID_DIR/tools
CACHE=${SMSGUARD_CACHE:-$HOME/.cache/smsguard}
AC=$CACHE/android
SDK=$AC/sdk # bullseye/trixie .debs unpacked, never installed
BUILD=$ANDROID_DIR/build

MIN_SDK=24
KOTLIN_VERSION=2.0.21 # 2.1+ stdlib has invokedynamic lambdas that dx cannot read
KOTLIN_HOME=$AC/kotlin-$KOTLIN_VERSION/node_modules/kotlin-compiler
ANDROID_JAR=$SDK/usr/share/java/com.android.android-23.jar
DX_JAR=$SDK/usr/share/java/com.android.dx-10.0.0.jar
FRAMEWORK_RES=$SDK/usr/share/android-framework-res/framework-res.apk # API 33
# Signing: a debug key generated once per machine cache (outside the clone, so every build here
# is signed by the same key and installs over the last one), or a release key from the
# environment (android/README.md, "Install on a phone"): SMSGUARD_KEYSTORE (path),
# SMSGUARD_KEYSTORE_ALIAS, SMSGUARD_KEYSTORE_PASS and optionally SMSGUARD_KEY_PASS (the key's own
# password, default the store's). Passwords go to apksigner/keytool by variable name, never on a
# command line.
DEBUG_KEYSTORE=$AC/debug.keystore
if [ -n "${SMSGUARD_KEYSTORE:-}" ]; then
    KEYSTORE=$(readlink -f "$SMSGUARD_KEYSTORE")
    KEY_ALIAS=${SMSGUARD_KEYSTORE_ALIAS:?SMSGUARD_KEYSTORE needs SMSGUARD_KEYSTORE_ALIAS}
    : "${SMSGUARD_KEYSTORE_PASS:?SMSGUARD_KEYSTORE needs SMSGUARD_KEYSTORE_PASS}"
    export SMSGUARD_KEYSTORE_PASS SMSGUARD_KEY_PASS=${SMSGUARD_KEY_PASS:-$SMSGUARD_KEYSTORE_PASS}
    KEY_KIND=release
else
    KEYSTORE=$DEBUG_KEYSTORE KEY_ALIAS=androiddebugkey KEY_KIND=debug
    export SMSGUARD_KEYSTORE_PASS=android SMSGUARD_KEY_PASS=android # the well-known debug passwords
fi
SIGN_ARGS=(--ks "$KEYSTORE" --ks-key-alias "$KEY_ALIAS" --ks-pass env:SMSGUARD_KEYSTORE_PASS
    --key-pass env:SMSGUARD_KEY_PASS)

# key_cert_sha256: SHA-256 of the signing certificate (DER), as apksigner --print-certs shows it.
key_cert_sha256() {
    keytool -exportcert -keystore "$KEYSTORE" -alias "$KEY_ALIAS" -storepass:env SMSGUARD_KEYSTORE_PASS \
        | sha256sum | cut -d' ' -f1
}

# ABI name in the APK -> Rust target.
declare -A RUST_TARGET=([arm64-v8a]=aarch64-linux-android [x86_64]=x86_64-linux-android)
ABIS=(arm64-v8a x86_64)
# Cargo profile per ABI: arm64 is what phones run (release: fat LTO, size matters); x86_64 is
# only for the emulator, so it takes the cheap profile (Cargo.toml, android-quick).
declare -A SO_PROFILE=([arm64-v8a]=release [x86_64]=android-quick)

export PATH=$HOME/.cargo/bin:$PATH

# --- timing ------------------------------------------------------------------------------------

_step_name="" _step_t0=0
step() { # step NAME: ends the previous step (prints its time) and starts the next
    local now
    now=$(date +%s.%N)
    [ -z "$_step_name" ] || awk -v n="$_step_name" -v t="$now" -v t0="$_step_t0" 'BEGIN {printf "   %-34s %7.1fs\n", n, t - t0}'
    _step_name=${1:-} _step_t0=$now
    [ -z "$_step_name" ] || echo "== $_step_name"
}

# --- tools -------------------------------------------------------------------------------------

APT_PACKAGES=(aapt apksigner zipalign proguard-cli dexdump clang lld llvm binutils zip unzip rsync qemu-user-static libc6-dev-arm64-cross libgcc-12-dev-arm64-cross)

debian_mirror() { # the mirror this machine's own apt uses
    local m
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$m" ] || m=$(sed -n 's/^deb \([^ ]*\) .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
    echo "${m:-http://deb.debian.org/debian}"
}

apt_private() { # apt_private SUITE CMD...: apt with its own sources and state; the system's untouched
    local suite=$1 d=$AC/apt-$1
    shift
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    echo "deb $(debian_mirror) $suite main" > "$d/sources.list"
    # Sandbox user root: the private dirs are root's, and _apt could not write them.
    "$@" -q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache"
}

ensure_tools() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    command -v javac >/dev/null 2>&1 && command -v keytool >/dev/null 2>&1 || missing+=(default-jdk-headless)
    command -v npm >/dev/null 2>&1 || missing+=(npm) # any npm will do: it only fetches kotlin-compiler
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "apt: installing ${missing[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
            --no-install-recommends "${missing[@]}" >/dev/null
    fi

    # android.jar API 23 and dx exist only in bullseye, framework-res API 33 in trixie: download
    # the .debs with a private apt state and unpack them into the cache.
    if [ ! -f "$ANDROID_JAR" ] || [ ! -f "$DX_JAR" ] || [ ! -f "$FRAMEWORK_RES" ]; then
        mkdir -p "$AC/debs" "$SDK"
        apt_private bullseye apt-get update >/dev/null
        apt_private trixie apt-get update >/dev/null
        rm -f "$AC"/debs/*.deb
        (cd "$AC/debs" && apt_private bullseye apt-get download libandroid-23-java dalvik-exchange \
            && apt_private trixie apt-get download android-framework-res) >/dev/null
        local d
        for d in "$AC"/debs/*.deb; do dpkg -x "$d" "$SDK"; done
        [ -f "$ANDROID_JAR" ] && [ -f "$DX_JAR" ] && [ -f "$FRAMEWORK_RES" ] \
            || { echo "unpacked SDK debs lack android.jar, dx or framework-res" >&2; return 1; }
    fi

    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
        echo "npm: kotlin-compiler@$KOTLIN_VERSION"
        npm install --silent --no-audit --no-fund --prefix "$AC/kotlin-$KOTLIN_VERSION" \
            "kotlin-compiler@$KOTLIN_VERSION" >/dev/null
    fi

    local installed t
    installed=$(rustup target list --installed)
    for t in "${RUST_TARGET[@]}"; do
        grep -qx "$t" <<< "$installed" || rustup target add "$t"
    done

    # One debug key per machine cache, so a rebuilt APK installs over the previous one.
    if [ ! -f "$DEBUG_KEYSTORE" ]; then
        keytool -genkeypair -keystore "$DEBUG_KEYSTORE" -storepass android -keypass android \
            -alias androiddebugkey -keyalg RSA -keysize 2048 -validity 10000 \
            -dname "CN=Android Debug,O=Android,C=US" >/dev/null 2>&1
    fi
}

# --- Rust --------------------------------------------------------------------------------------

# Cargo keeps a build only while everything it hashes stays the same, and several of those are
# paths: the target's linker is part of every unit's fingerprint (all ~115 dependencies go dirty,
# "ConfigSettingsChanged", when it moves), the CC_<triple> path is watched by cc-rs build scripts
# (tract-linalg), and a workspace crate's identity is its directory. CI builds each change in a
# fresh clone at a new path, so none of these may point into the checkout:
#   - the linker/compiler wrappers run from a copy in the cache whose path is the hash of their
#     content (toolchain_dir), so a changed wrapper still rebuilds everything it affects;
#   - the sources are mirrored into one fixed directory in the cache (mirror_sources), copying
#     only files whose content differs, so unchanged files keep their mtime and cargo rebuilds
#     exactly what changed; with nothing changed a fresh clone's build takes seconds.

# toolchain_dir: the cache copy of android-clang, its wrappers and crt sources, named by their
# hash. The bionic list is not part of the name: it only decides whether a link is allowed, so a
# new entry must not dirty every crate (check-apk.sh checks the shipped imports against the
# checkout's list anyway). build_so copies it in under the mirror lock, before each build.
toolchain_dir() {
    local h d
    h=$(inputs_hash "$TOOLS/android-clang" "$TOOLS/crt" "$TOOLS/bin" | cut -c1-16)
    d=$AC/toolchain/$h
    if [ ! -f "$d/.complete" ]; then
        rm -rf "$d" "$d.tmp"
        mkdir -p "$d.tmp"
        cp -r "$TOOLS/android-clang" "$TOOLS/crt" "$TOOLS/bin" "$d.tmp/"
        touch "$d.tmp/.complete"
        mv "$d.tmp" "$d"
    fi
    echo "$d"
}

# mirror_sources: the Rust workspace (everything but .git, android/ and ignored files) copied to
# $AC/src; a file is rewritten only when its content differs, and files gone from the checkout
# go from the mirror. Prints the mirror's path.
mirror_sources() {
    local d=$AC/src
    mkdir -p "$d"
    rsync -rlc --delete --exclude=/.git --exclude=/android --filter=':- .gitignore' "$REPO/" "$d/" >&2
    echo "$d"
}

# build_so TRIPLE TARGET_DIR PROFILE [CARGO_ARGS...]: the cdylib for one Android target in a cargo
# profile (release for what ships on phones, android-quick for the rest), linked by android-clang, built from the source mirror. Prints the path of the .so. Only the cdylib
# crate type is built: the staticlib would run LTO a second time for nothing. Holds a lock on the
# mirror for the build, so two checkouts cannot swap sources under each other.
build_so() {
    local triple=$1 target_dir=$2 profile=$3
    shift 3
    local up=${triple^^} tc src
    up=${up//-/_}
    tc=$(toolchain_dir)
    mkdir -p "$AC"
    exec 9> "$AC/src.lock"
    flock 9
    cmp -s "$TOOLS/bionic-api24.txt" "$tc/bionic-api24.txt" || cp "$TOOLS/bionic-api24.txt" "$tc/bionic-api24.txt"
    src=$(mirror_sources)
    # From inside the mirror, so cargo's config discovery (.cargo/config.toml up from the working
    # directory) does not depend on where the checkout is either.
    cd "$src"
    env CARGO_TARGET_DIR="$target_dir" SMSGUARD_TWINS="$AC/twins" \
        "CARGO_TARGET_${up}_LINKER=$tc/bin/${triple}24-link" \
        "CC_${triple//-/_}=$tc/bin/${triple}24-cc" \
        "AR_${triple//-/_}=llvm-ar" \
        cargo rustc --manifest-path "$src/Cargo.toml" --profile "$profile" --locked -p smsguard-ffi --lib \
        --crate-type cdylib --target "$triple" "$@" >&2
    flock -u 9
    echo "$target_dir/$triple/$profile/libsmsguard_ffi.so"
}

# --- inputs ------------------------------------------------------------------------------------

# inputs_hash PATH...: one hash over the names and contents of the files under PATHs (missing
# paths count as empty), so a step reruns exactly when one of its inputs changed. Names inside
# the checkout count relative to it, so the same tree at another path has the same hash.
inputs_hash() {
    local p
    for p in "$@"; do
        if [ -d "$p" ]; then
            find "$p" -type f -print0 | sort -z | xargs -0r sha256sum
        elif [ -f "$p" ]; then
            sha256sum "$p"
        else
            echo "missing $p"
        fi
    done | sed "s|$REPO/||" | sha256sum | cut -d' ' -f1
}
