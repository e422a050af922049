#!/usr/bin/env bash
# Builds the signed Android APK, android/build/smsguard.apk, without Gradle, Google's Maven, the
# SDK manager or the NDK (see README.md, "Building the APK"):
#
#   android/build.sh          install what is missing, build both .so files and the APK
#   android/build.sh tools    only install/fetch the tools (idempotent)
#
# Tools come from Debian (bookworm; android.jar 23 + dx from bullseye and framework-res 33 from
# trixie through a private apt state), npm (kotlin-compiler 2.0.21) and rustup; all of it is kept
# in ${SMSGUARD_CACHE:-~/.cache/smsguard}/android, the Rust target dir in .../target-android.
# Each step reruns only when its inputs changed, so a warm rebuild takes seconds.
#
# Signed with the machine's debug key (~/.cache/smsguard/android/debug.keystore), or with a release
# key: SMSGUARD_KEYSTORE=path SMSGUARD_KEYSTORE_ALIAS=alias SMSGUARD_KEYSTORE_PASS=… [SMSGUARD_KEY_PASS=…]
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/tools/common.sh"
source "$TOOLS/aar.sh"

# SMSGUARD_ANDROID_APP: another app source tree (same layout), e.g. a throwaway test app.
APP=${SMSGUARD_ANDROID_APP:-$ANDROID_DIR/app/src/main}
MANIFEST=$APP/AndroidManifest.xml
STUBS=$ANDROID_DIR/stubs
T0=$(date +%s)

step "tools"
ensure_tools
[ "${1:-}" != tools ] || { step; exit 0; }
[ -f "$MANIFEST" ] || { echo "no $MANIFEST" >&2; exit 1; }
mkdir -p "$BUILD"

# --- the OEM AAR: native libraries, JNI classes, consumer rules ---------------------------------

# The app consumes the AAR the kit ships (scripts/package.sh), as a Gradle build would: its jni/
# libraries, its classes.jar and its proguard.txt. One build of each .so serves both.
step "aar: smsguard-android-$VERSION (rust: ${ABIS[*]})"
build_aar
rm -rf "$BUILD/aar-x" && mkdir -p "$BUILD/aar-x"
unzip -q "$AAR" classes.jar proguard.txt 'jni/*' -d "$BUILD/aar-x"
for abi in "${ABIS[@]}"; do
    mkdir -p "$BUILD/lib/$abi"
    # Copy only when it changed: the APK step keys on the content anyway, but a stable mtime
    # keeps `ls -l` honest about what was rebuilt.
    cmp -s "$BUILD/aar-x/jni/$abi/libsmsguard_ffi.so" "$BUILD/lib/$abi/libsmsguard_ffi.so" \
        || cp "$BUILD/aar-x/jni/$abi/libsmsguard_ffi.so" "$BUILD/lib/$abi/libsmsguard_ffi.so"
done
AAR_CLASSES=$BUILD/aar-x/classes.jar
AAR_RULES=$BUILD/aar-x/proguard.txt

# --- Java/Kotlin -> classes.dex ----------------------------------------------------------------

# Skip a step when the hash of its inputs (and of this script and common.sh) matches the last run
# in this checkout, or restore its outputs from the cache when any checkout built them from the
# same inputs: CI clones start with an empty android/build, and kotlinc + ProGuard + dx take
# minutes. The hashes name files relative to the checkout, so they match across clones.
STEPS=$AC/steps
fresh() { [ -f "$BUILD/$1.stamp" ] && [ "$(cat "$BUILD/$1.stamp")" = "$2" ]; }
stamp() { # stamp NAME HASH OUTPUT...: marks the step done here and keeps its outputs in the cache
    local name=$1 h=$2
    shift 2
    mkdir -p "$STEPS"
    tar -C "$BUILD" -cf "$STEPS/$name-$h.tar.tmp$$" "$@" && mv "$STEPS/$name-$h.tar.tmp$$" "$STEPS/$name-$h.tar"
    # Keep the newest few per step: enough for branches built in turn, bounded on disk.
    find "$STEPS" -name "$name-*.tar" -printf '%T@ %p\n' | sort -rn | tail -n +6 | cut -d' ' -f2- | xargs -r rm -f
    echo "$h" > "$BUILD/$name.stamp"
}
restore() { # restore NAME HASH OUTPUT...: the cached outputs of that step, if any
    local name=$1 h=$2 f=$STEPS/$1-$2.tar
    shift 2
    [ -f "$f" ] || return 1
    (cd "$BUILD" && rm -rf "$@") && tar -C "$BUILD" -xf "$f" && touch "$f" && echo "$h" > "$BUILD/$name.stamp"
}
SELF=("$ANDROID_DIR/build.sh" "$TOOLS/common.sh" "$TOOLS/aar.sh")

CLASSES=$BUILD/classes
KOTLIN_STDLIB=$AC/kotlin-stdlib-$KOTLIN_VERSION.jar
if [ ! -f "$KOTLIN_STDLIB" ]; then
    # dx cannot read module-info.class: drop META-INF/versions from a copy of the stdlib.
    cp "$KOTLIN_HOME/lib/kotlin-stdlib.jar" "$KOTLIN_STDLIB.tmp"
    zip -q -d "$KOTLIN_STDLIB.tmp" 'META-INF/versions/*'
    mv "$KOTLIN_STDLIB.tmp" "$KOTLIN_STDLIB"
fi

h=$(inputs_hash "${SELF[@]}" "$MANIFEST" "$APP/res" "$APP/java" "$AAR_CLASSES" "$STUBS")
CLASSES_OUT=(classes aapt-rules.pro stubs-classes)
if fresh classes "$h"; then
    step "classes: unchanged"
elif restore classes "$h" "${CLASSES_OUT[@]}"; then
    step "classes: from the cache"
else
    step "aapt: R.java"
    rm -rf "$BUILD/gen" "$CLASSES" "$BUILD/stubs-classes"
    mkdir -p "$BUILD/gen" "$CLASSES" "$BUILD/stubs-classes"
    # -G: keep rules for every class the manifest and layouts name (ProGuard cannot see those).
    aapt package -f -m -J "$BUILD/gen" -M "$MANIFEST" -S "$APP/res" -I "$FRAMEWORK_RES" \
        -G "$BUILD/aapt-rules.pro"

    step "javac: R, stubs"
    javac_flags=(-nowarn -source 8 -target 8 -Xlint:-options -encoding UTF-8 -bootclasspath "$ANDROID_JAR")
    mapfile -t stub_src < <(find "$STUBS" -name '*.java' 2>/dev/null | sort)
    if [ "${#stub_src[@]}" -gt 0 ]; then
        javac "${javac_flags[@]}" -d "$BUILD/stubs-classes" "${stub_src[@]}"
    fi
    mapfile -t java_src < <(find "$BUILD/gen" -name '*.java' | sort)
    javac "${javac_flags[@]}" -d "$CLASSES" "${java_src[@]}"

    step "kotlinc"
    # The Android classpath: the compile-only stubs for newer APIs (never dexed) first, since some
    # replace an API-23 class to add newer members; then android.jar API 23.
    cp_compile=$BUILD/stubs-classes:$ANDROID_JAR:$KOTLIN_STDLIB:$AAR_CLASSES:$CLASSES
    mapfile -t kt_src < <(find "$APP/java" -name '*.kt' 2>/dev/null | sort)
    mapfile -t app_java < <(find "$APP/java" -name '*.java' 2>/dev/null | sort)
    if [ "${#kt_src[@]}" -gt 0 ]; then
        # Class-file lambdas: dx (Java 7 era) cannot read invokedynamic.
        "$KOTLIN_HOME/bin/kotlinc" -jvm-target 1.8 -no-stdlib -no-reflect -Xlambdas=class \
            -Xsam-conversions=class -nowarn -cp "$cp_compile" -d "$CLASSES" "${kt_src[@]}" "${app_java[@]}" || {
            echo "kotlinc failed. The app compiles against android.jar API 23: Java 8 library calls that" \
                "Android added in API 24 (Math.floorDiv, java.util.function, streams…) are invisible;" \
                "use the Kotlin stdlib's equivalents, or add a compile-only stub under android/stubs." >&2
            exit 1
        }
    fi
    if [ "${#app_java[@]}" -gt 0 ]; then
        javac "${javac_flags[@]}" -cp "$cp_compile" -d "$CLASSES" "${app_java[@]}"
    fi
    stamp classes "$h" "${CLASSES_OUT[@]}"
fi

h=$(inputs_hash "${SELF[@]}" "$CLASSES" "$BUILD/aapt-rules.pro" "$ANDROID_DIR/proguard.pro" "$AAR_CLASSES" "$AAR_RULES")
if fresh dex "$h"; then
    step "dex: unchanged"
elif restore dex "$h" dex; then
    step "dex: from the cache"
else
    step "proguard: app + AAR + kotlin-stdlib"
    rm -f "$BUILD/app-shrunk.jar"
    proguard @"$ANDROID_DIR/proguard.pro" @"$BUILD/aapt-rules.pro" @"$AAR_RULES" \
        -injars "$CLASSES" -injars "$AAR_CLASSES" -injars "$KOTLIN_STDLIB(!META-INF/**)" -outjars "$BUILD/app-shrunk.jar" \
        -libraryjars "$BUILD/stubs-classes" -libraryjars "$ANDROID_JAR" > "$BUILD/proguard.log"

    step "dx: classes.dex"
    mkdir -p "$BUILD/dex"
    java -Xmx1g -jar "$DX_JAR" --dex --min-sdk-version="$MIN_SDK" \
        --output="$BUILD/dex/classes.dex" "$BUILD/app-shrunk.jar"
    stamp dex "$h" dex
fi

# --- package, align, sign ----------------------------------------------------------------------

APK=$BUILD/smsguard.apk
h=$( (inputs_hash "${SELF[@]}" "$MANIFEST" "$APP/res" "$BUILD/dex" "$BUILD/lib" "$KEYSTORE"; echo "$KEY_ALIAS") | sha256sum)
if fresh apk "$h" && [ -f "$APK" ]; then
    step "apk: unchanged"
else
    step "aapt: package"
    rm -rf "$BUILD/apk-root" "$BUILD"/*.unsigned.apk "$BUILD"/*.aligned.apk
    mkdir -p "$BUILD/apk-root"
    cp "$BUILD/dex/classes.dex" "$BUILD/apk-root/"
    cp -r "$BUILD/lib" "$BUILD/apk-root/lib"
    # Stored, not deflated: resources.arsc (required from targetSdk 30) and the .so files (so
    # the package manager can map them from the APK; zipalign -p then page-aligns them).
    aapt package -f -M "$MANIFEST" -S "$APP/res" -I "$FRAMEWORK_RES" -0 arsc -0 so \
        -F "$BUILD/smsguard.unsigned.apk" "$BUILD/apk-root"

    step "zipalign + apksigner ($KEY_KIND key)"
    zipalign -f -p 4 "$BUILD/smsguard.unsigned.apk" "$BUILD/smsguard.aligned.apk"
    apksigner sign "${SIGN_ARGS[@]}" --out "$APK.tmp" "$BUILD/smsguard.aligned.apk"
    mv "$APK.tmp" "$APK"
    rm -f "$BUILD/smsguard.unsigned.apk" "$BUILD/smsguard.aligned.apk" "$APK.tmp.idsig"
    echo "$h" > "$BUILD/apk.stamp" # not cached: seconds, and a release-signed APK stays here
fi
step
echo "built $APK ($(stat -c %s "$APK") bytes) in $(($(date +%s) - T0))s"
