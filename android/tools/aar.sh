# The OEM AAR, smsguard-android-<version>.aar (sourced after common.sh by android/build.sh and
# scripts/package.sh). The app and the kit take their .so files and JNI classes from this one
# file, so what the APK runs is byte for byte what OEMs get.

# One version for the crate, the AAR and the XCFramework: the workspace's.
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"$/\1/p' "$REPO/Cargo.toml")
AAR_DIR=$BUILD/aar
AAR=$AAR_DIR/smsguard-android-$VERSION.aar
OEM_JAVA=$REPO/bindings/java

# zip_dir DIR OUT: a reproducible zip of DIR's files (sorted, fixed timestamps, no extra
# attributes), so the same inputs give the same bytes and checksums.
zip_dir() {
    local dir=$1 out=$2
    rm -f "$out"
    find "$dir" -exec touch -h -d '1980-01-01 00:00:00' {} +
    (cd "$dir" && find . -type f -printf '%P\n' | LC_ALL=C sort | TZ=UTC zip -X -q -@ "$out")
}

# build_aar: both .so files (build_so, one cargo build per ABI shared with everything else) and
# the AAR around them; rebuilt only when an input changed. Sets AAR.
build_aar() {
    local abi so h stage=$AAR_DIR/stage
    local -a sos=()
    for abi in "${ABIS[@]}"; do
        so=$(build_so "${RUST_TARGET[$abi]}" "$CACHE/target-android" "${SO_PROFILE[$abi]}")
        sos+=("$so")
    done
    h=$( (inputs_hash "${sos[@]}" "$OEM_JAVA" "$ANDROID_DIR/aar" "$TOOLS/aar.sh"; echo "$VERSION") | sha256sum)
    if [ -f "$AAR" ] && [ "$(cat "$AAR_DIR/stamp" 2>/dev/null)" = "$h" ]; then
        return 0
    fi
    rm -rf "$AAR_DIR" && mkdir -p "$stage/classes"
    # Java 8 bytecode against API 23's android.jar (API 24 has no more for these classes).
    local -a src
    mapfile -t src < <(find "$OEM_JAVA" -name '*.java' | sort)
    javac -nowarn -source 8 -target 8 -Xlint:-options -encoding UTF-8 -bootclasspath "$ANDROID_JAR" \
        -d "$AAR_DIR/classes" "${src[@]}"
    zip_dir "$AAR_DIR/classes" "$stage/classes.jar"
    rm -rf "$stage/classes"
    cp "$ANDROID_DIR/aar/AndroidManifest.xml" "$ANDROID_DIR/aar/proguard.txt" "$stage/"
    : > "$stage/R.txt" # no resources
    local i=0
    for abi in "${ABIS[@]}"; do
        mkdir -p "$stage/jni/$abi"
        cp "${sos[$i]}" "$stage/jni/$abi/libsmsguard_ffi.so"
        i=$((i + 1))
    done
    zip_dir "$stage" "$AAR"
    echo "$h" > "$AAR_DIR/stamp"
}
