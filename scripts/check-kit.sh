#!/usr/bin/env bash
# Checks the OEM kit in dist/ (run scripts/package.sh first) the way a consumer's build meets it,
# without Gradle or Xcode: the Maven repository (layout, POM coordinates, every checksum), the
# AAR (listing, manifest, Java 8 classes without JNA, consumer rules that survive a shrink), the
# JNI contract both ways on every packaged .so, the public-surface list, the APK carrying the
# same .so files, the sample OEM integration compiled against android.jar + the AAR's classes,
# the arm64 .so run under qemu-user, and the XCFramework (Info.plist, every LibraryPath, every
# Mach-O member built for iOS, header vs library exports, zip, SwiftPM checksum). Ends with
# "N passed, M failed".
#
#   scripts/check-kit.sh                    check dist/
#   scripts/check-kit.sh --update-surface   rewrite bindings/public-surface.txt from dist/ (a
#                                           deliberate API change: add a CHANGELOG entry and bump
#                                           the version in Cargo.toml too)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/../android/tools/common.sh"
source "$TOOLS/checks.sh"
source "$TOOLS/aar.sh"

DIST=${SMSGUARD_DIST:-$REPO/dist}
SURFACE=$REPO/bindings/public-surface.txt
MVN=$DIST/maven/com/smsguard/smsguard-android
KIT_AAR=$MVN/$VERSION/smsguard-android-$VERSION.aar
POM=$MVN/$VERSION/smsguard-android-$VERSION.pom
XCF=$DIST/SmsGuardFFI.xcframework
ZIP=$DIST/SmsGuardFFI-$VERSION.xcframework.zip
WORK=$REPO/target/check-kit
[ -f "$KIT_AAR" ] || { echo "no $KIT_AAR: run scripts/package.sh first" >&2; exit 2; }
rm -rf "$WORK" && mkdir -p "$WORK"
T0=$(date +%s)

# --- the public surface (also what --update-surface writes) -------------------------------------

unzip -q "$KIT_AAR" -d "$WORK/aar"
CLASSES_JAR=$WORK/aar/classes.jar
SWIFT_API=$DIST/swift/Sources/SmsGuardFFI/SmsGuardFFI.swift

# jni_natives JAR: "name descriptor" of every native method of SmsGuardNative, from the bytecode.
jni_natives() {
    javap -p -s -cp "$1" com.smsguard.oem.SmsGuardNative \
        | awk '/ native / { match($0, / native[A-Za-z0-9]*\(/); name = substr($0, RSTART + 1, RLENGTH - 2)
                            getline; sub(/^ *descriptor: /, ""); print name, $0 }' | LC_ALL=C sort
}
surface() {
    echo "# The public surface of smsguard's OEM kit, checked by scripts/check-kit.sh."
    echo "# A change here is an API change: update it with --update-surface, add a CHANGELOG.md"
    echo "# entry and bump [workspace.package] version (semver; one version for crate, AAR, XCFramework)."
    echo "# jni: the native methods of com.smsguard.oem.SmsGuardNative (name, JVM descriptor)."
    jni_natives "$CLASSES_JAR" | sed 's/^/jni /'
    echo "# java: the public API of the AAR's classes (javap -public)."
    local c
    for c in $(unzip -Z1 "$CLASSES_JAR" '*.class' | sed 's/\.class$//; s|/|.|g' | LC_ALL=C sort); do
        javap -public -cp "$CLASSES_JAR" "$c" | grep -v -e '^Compiled from' -e '^}$' | sed "s|^|java $c: |; s/  */ /g"
    done
    echo "# uniffi: every export and the checksum of its signature (from the generated Swift)."
    sed -n 's/.*uniffi_smsguard_ffi_checksum_\([a-z0-9_]*\)() != \([0-9]*\).*/uniffi \1 \2/p' "$SWIFT_API" | LC_ALL=C sort
}
if [ "${1:-}" = --update-surface ]; then
    surface > "$SURFACE"
    echo "wrote $SURFACE: now add a CHANGELOG.md entry and bump the version"
    exit 0
fi

step "maven repository and POM"
check "layout com/smsguard/smsguard-android/$VERSION/{aar,pom}" test -f "$KIT_AAR" -a -f "$POM"
verify_checksums() { # every FILE.{md5,sha1,sha256,sha512} beside FILE holds FILE's digest
    local f a n=0
    for f in "$@"; do
        for a in md5 sha1 sha256 sha512; do
            [ -f "$f.$a" ] || { echo "missing $f.$a"; return 1; }
            [ "$(cat "$f.$a")" = "$("${a}sum" "$f" | cut -d' ' -f1)" ] || { echo "wrong $f.$a"; return 1; }
            n=$((n + 1))
        done
    done
    [ "$n" -gt 0 ]
}
check "checksums of the AAR, the POM and maven-metadata.xml" verify_checksums "$KIT_AAR" "$POM" "$MVN/maven-metadata.xml"
cp "$POM" "$POM".{md5,sha1,sha256,sha512} "$WORK/"
check "checksum check passes on a copy" verify_checksums "$WORK/$(basename "$POM")"
echo 0000000000000000000000000000000000000000 > "$WORK/$(basename "$POM").sha1"
check "a wrong .sha1 is caught" bash -c "$(declare -f verify_checksums); verify_checksums '$WORK/$(basename "$POM")' | grep -q 'wrong .*sha1'"
pom_field() { python3 -c "import sys, xml.etree.ElementTree as E
ns = {'m': 'http://maven.apache.org/POM/4.0.0'}
r = E.parse(sys.argv[1]).getroot()
print(' '.join((r.find('m:' + t, ns).text or '') if t != 'dependencies' else
               ('deps' if r.find('m:dependencies', ns) is not None else 'nodeps') for t in sys.argv[2:]))" "$POM" "$@"; }
check "POM: com.smsguard:smsguard-android:$VERSION, packaging aar" \
    test "$(pom_field groupId artifactId version packaging)" = "com.smsguard smsguard-android $VERSION aar"
check "POM: no dependencies (no JNA, no Kotlin)" test "$(pom_field dependencies)" = nodeps
check "maven-metadata.xml lists $VERSION" has "<version>$VERSION</version>" "$MVN/maven-metadata.xml"
check "crate, AAR and XCFramework share the workspace version" bash -c \
    "cargo metadata --no-deps --format-version 1 --manifest-path '$REPO/Cargo.toml' | grep -q '\"name\":\"smsguard-ffi\",\"version\":\"$VERSION\"' && test -f '$ZIP'"
check "CHANGELOG.md has a section for $VERSION" grep -q "^## \[$VERSION\]" "$REPO/CHANGELOG.md"

step "aar: listing, manifest, classes, consumer rules"
unzip -Z1 "$KIT_AAR" | LC_ALL=C sort > "$WORK/aar.list"
printf '%s\n' AndroidManifest.xml R.txt classes.jar jni/arm64-v8a/libsmsguard_ffi.so \
    jni/x86_64/libsmsguard_ffi.so proguard.txt | LC_ALL=C sort > "$WORK/aar.want"
check "AAR holds exactly manifest, classes.jar, R.txt, proguard.txt, jni/{arm64-v8a,x86_64}" \
    diff "$WORK/aar.want" "$WORK/aar.list"
check "R.txt empty" test ! -s "$WORK/aar/R.txt"
check "manifest: library package com.smsguard.oem, minSdk 24, no permissions or components" python3 -c "
import sys, xml.etree.ElementTree as E
A = '{http://schemas.android.com/apk/res/android}'
m = E.parse(sys.argv[1]).getroot()
assert m.get('package') == 'com.smsguard.oem', m.get('package')
assert m.find('uses-sdk').get(A + 'minSdkVersion') == '24'
assert m.find('application') is None and m.find('uses-permission') is None" "$WORK/aar/AndroidManifest.xml"
unzip -Z1 "$CLASSES_JAR" > "$WORK/classes.list"
check "classes.jar: SmsGuardNative (+Result), SmsGuardException (+Kind), nothing else" diff \
    <(printf '%s\n' 'com/smsguard/oem/SmsGuardException$Kind.class' com/smsguard/oem/SmsGuardException.class \
        'com/smsguard/oem/SmsGuardNative$Result.class' com/smsguard/oem/SmsGuardNative.class) \
    <(LC_ALL=C sort "$WORK/classes.list")
mkdir -p "$WORK/classes" && unzip -q "$CLASSES_JAR" -d "$WORK/classes"
check "classes.jar: Java 8 bytecode (class file major 52)" bash -c \
    "for c in \$(find '$WORK/classes' -name '*.class'); do javap -v \"\$c\" | grep -q 'major version: 52' || { echo \"\$c\"; exit 1; }; done"
check "classes.jar: no JNA (com/sun/jna) referenced" bash -c "! grep -rqa 'com/sun/jna' '$WORK/classes'"
# The consumer rules alone, on the classes alone: what survives is what an app shrunk with them keeps.
check "proguard.txt alone keeps the native methods, SmsGuardException(String) and Kind" bash -c "
    $(declare -f jni_natives)
    proguard -dontobfuscate -dontoptimize -dontpreverify -dontnote -dontwarn 'java.**' @'$WORK/aar/proguard.txt' \
        -injars '$CLASSES_JAR' -outjars '$WORK/shrunk.jar' -libraryjars '$ANDROID_JAR' >/dev/null
    diff <(cut -d' ' -f1 <<< \"\$(jni_natives '$CLASSES_JAR')\") <(cut -d' ' -f1 <<< \"\$(jni_natives '$WORK/shrunk.jar')\")
    javap -p -cp '$WORK/shrunk.jar' com.smsguard.oem.SmsGuardException | grep -q 'SmsGuardException(java.lang.String)'
    javap -p -cp '$WORK/shrunk.jar' 'com.smsguard.oem.SmsGuardException\$Kind' | grep -q 'valueOf'"

step "JNI contract: SmsGuardNative's native methods vs each .so's exports"
jni_natives "$CLASSES_JAR" | cut -d' ' -f1 > "$WORK/natives.txt"
# nativeDebugPanic is declared for the test-panic builds only (bindings/src/jni.rs); it must NOT be
# exported by a packaged library, and the public-surface list records it like every method.
grep -vx nativeDebugPanic "$WORK/natives.txt" > "$WORK/natives.shipped"
contract() { # contract NATIVES EXPORTS: both ways, names only (JNI binds by name)
    local rc=0 m
    while read -r m; do grep -qx "$m" "$2" || { echo "declared native, not exported: $m (UnsatisfiedLinkError)"; rc=1; }; done < "$1"
    while read -r m; do grep -qx "$m" "$1" || { echo "exported, no native method: $m"; rc=1; }; done < "$2"
    return $rc
}
check "SmsGuardNative declares at least 10 native methods" test "$(wc -l < "$WORK/natives.shipped")" -ge 10
for abi in "${ABIS[@]}"; do
    so=$WORK/aar/jni/$abi/libsmsguard_ffi.so
    llvm-nm -D --defined-only "$so" | awk '{print $3}' \
        | sed -n 's/^Java_com_smsguard_oem_SmsGuardNative_//p' | LC_ALL=C sort > "$WORK/$abi.jni"
    check "$abi: every native method exported and every JNI export declared ($(wc -l < "$WORK/$abi.jni") symbols)" \
        contract "$WORK/natives.shipped" "$WORK/$abi.jni"
done
# The check must fail on a library missing one symbol (and on one with an extra symbol).
sed 1d "$WORK/arm64-v8a.jni" > "$WORK/broken-missing.jni"
check "contract check catches a .so missing $(head -1 "$WORK/arm64-v8a.jni")" bash -c "$(declare -f contract); ! contract '$WORK/natives.shipped' '$WORK/broken-missing.jni' >/dev/null"
{ cat "$WORK/arm64-v8a.jni"; echo nativeGone; } > "$WORK/broken-extra.jni"
check "contract check catches an export without a native method" bash -c "$(declare -f contract); ! contract '$WORK/natives.shipped' '$WORK/broken-extra.jni' >/dev/null"

step "public surface (bindings/public-surface.txt)"
if [ -f "$SWIFT_API" ]; then
    surface > "$WORK/surface.txt"
    check "uniffi exports listed ($(grep -c '^uniffi ' "$WORK/surface.txt") with signature checksums)" \
        test "$(grep -c '^uniffi ' "$WORK/surface.txt")" -ge 20
    check "public surface unchanged (else: scripts/check-kit.sh --update-surface, CHANGELOG.md, version bump)" \
        diff -u "$SURFACE" "$WORK/surface.txt"
    # A signature change shows as a new checksum: the same comparison must fail on it.
    awk '/^uniffi / && !done { $3 = $3 + 1; done = 1 } 1' "$WORK/surface.txt" > "$WORK/surface-changed.txt"
    check "a changed signature checksum is caught" bash -c "! diff -q '$SURFACE' '$WORK/surface-changed.txt'"
else
    check "dist/swift (the uniffi surface) present: run scripts/package.sh with iOS" false
fi

step "the APK carries the AAR's libraries"
APK=$BUILD/smsguard.apk
if [ -f "$APK" ]; then
    unzip -q "$APK" 'lib/*' -d "$WORK/apk"
    for abi in "${ABIS[@]}"; do
        check "$abi: APK's libsmsguard_ffi.so is the AAR's, byte for byte" \
            cmp "$WORK/apk/lib/$abi/libsmsguard_ffi.so" "$WORK/aar/jni/$abi/libsmsguard_ffi.so"
    done
else
    echo "skip (no $APK: android/build.sh builds it from this AAR)"
fi

step "sample OEM integration (examples/oem-android) compiled as a consumer"
mapfile -t sample < <(find "$REPO/examples/oem-android" -name '*.java' | sort)
check "javac -source 8 against android.jar + the AAR's classes.jar (${#sample[@]} files)" \
    javac -Werror -Xlint:all,-options -source 8 -target 8 -encoding UTF-8 -bootclasspath "$ANDROID_JAR" \
    -cp "$CLASSES_JAR" -d "$WORK/sample" "${sample[@]}"

step "run: the AAR's arm64 .so under qemu-user"
run_harness "AAR arm64 (qemu)" arm64-v8a "$WORK/aar/jni/arm64-v8a/libsmsguard_ffi.so"

step "xcframework, zip, SwiftPM"
if [ -d "$XCF" ]; then
    python3 - "$XCF" > "$WORK/plist.txt" <<'PY' || true
import os, plistlib, sys
root = sys.argv[1]
p = plistlib.load(open(os.path.join(root, "Info.plist"), "rb"))
print("type", p.get("CFBundlePackageType"), p.get("XCFrameworkFormatVersion"))
for lib in p["AvailableLibraries"]:
    d = os.path.join(root, lib["LibraryIdentifier"])
    print("lib", lib["LibraryIdentifier"], lib.get("SupportedPlatform"), ",".join(lib.get("SupportedArchitectures", [])),
          lib.get("SupportedPlatformVariant", "device"),
          "library-present" if os.path.isfile(os.path.join(d, lib["LibraryPath"])) else "library-MISSING",
          "headers-present" if os.path.isfile(os.path.join(d, lib.get("HeadersPath", "-"), "module.modulemap")) else "headers-MISSING")
PY
    check "Info.plist: XFWK, format 1.0" has "type XFWK 1.0" "$WORK/plist.txt"
    check "Info.plist: ios-arm64 device slice, its LibraryPath and HeadersPath present" \
        has "lib ios-arm64 ios arm64 device library-present headers-present" "$WORK/plist.txt"
    check "every LibraryPath present" bash -c "! grep -q MISSING '$WORK/plist.txt' && grep -q '^lib ' '$WORK/plist.txt'"
    A=$XCF/ios-arm64/libsmsguard_ffi.a
    python3 "$REPO/scripts/lib/macho_archive.py" "$A" > "$WORK/members.txt"
    # Rust's prebuilt std/compiler_builtins objects carry the older LC_VERSION_MIN_IPHONEOS (iOS
    # device, minimum 10.0); ours and the cc-built ones LC_BUILD_VERSION platform ios 16.0.
    ios_members() { # MEMBERS: every Mach-O member arm64, platform ios, minimum iOS <= 16.0
        awk '$2 == "not-macho" { next } { n++ } $2 != "arm64" || $3 != "ios" || $4 + 0 > 16.0 { print "bad member:", $0; bad = 1 }
             END { exit bad || n < 10 }' "$1"
    }
    check "every Mach-O member of the .a: arm64, platform ios, min iOS <= 16.0 ($(grep -c LC_BUILD_VERSION "$WORK/members.txt") LC_BUILD_VERSION, $(grep -c LC_VERSION_MIN "$WORK/members.txt") LC_VERSION_MIN_IPHONEOS)" \
        ios_members "$WORK/members.txt"
    { cat "$WORK/members.txt"; echo 'x.o arm64 macos 11.0 LC_BUILD_VERSION'; } > "$WORK/members-bad.txt"
    check "member check catches a macOS object" bash -c "$(declare -f ios_members); ! ios_members '$WORK/members-bad.txt' >/dev/null"
    H=$XCF/ios-arm64/Headers
    check "module.modulemap: module SmsGuardFFIFFI over SmsGuardFFIFFI.h" bash -c \
        "grep -q 'module SmsGuardFFIFFI' '$H/module.modulemap' && grep -q 'header \"SmsGuardFFIFFI.h\"' '$H/module.modulemap' && test -f '$H/SmsGuardFFIFFI.h'"
    sed -n 's/.* \(uniffi_smsguard_ffi_[a-z0-9_]*\)(.*/\1/p' "$H/SmsGuardFFIFFI.h" | LC_ALL=C sort -u > "$WORK/header.fns"
    # Debian's llvm-nm 14 cannot read the LLVM 22 bitcode some std members embed and exits 1
    # after listing the rest; a member it could not read only makes the comparison below fail.
    { llvm-nm --defined-only "$A" 2>/dev/null || true; } | awk '$2 == "T" {print $3}' | sed -n 's/^_\(uniffi_smsguard_ffi_\)/\1/p' \
        | LC_ALL=C sort -u > "$WORK/a.fns"
    check "every function the header declares is defined in the .a ($(wc -l < "$WORK/header.fns"))" \
        bash -c "test -s '$WORK/header.fns' && comm -23 '$WORK/header.fns' '$WORK/a.fns' | { ! grep .; }"
    check "no test-panic export in the .a" bash -c "! grep -q panic '$WORK/a.fns'"
    check "zip holds SmsGuardFFI.xcframework/ and exactly its files" diff \
        <(cd "$DIST" && find SmsGuardFFI.xcframework -type f | LC_ALL=C sort) <(unzip -Z1 "$ZIP" | LC_ALL=C sort)
    mkdir -p "$WORK/unzipped" && unzip -q "$ZIP" -d "$WORK/unzipped"
    check "zip content equals dist/SmsGuardFFI.xcframework" diff -r "$XCF" "$WORK/unzipped/SmsGuardFFI.xcframework"
    sum=$(sha256sum "$ZIP" | cut -d' ' -f1)
    swiftpm_checksum() { [ "$(cat "$2")" = "$(sha256sum "$1" | cut -d' ' -f1)" ]; } # ZIP SUMFILE
    check "SwiftPM checksum file is the zip's sha256" swiftpm_checksum "$ZIP" "$ZIP.sha256"
    sha256sum "$POM" | cut -d' ' -f1 > "$WORK/wrong.sha256"
    check "a wrong SwiftPM checksum is caught" bash -c "$(declare -f swiftpm_checksum); ! swiftpm_checksum '$ZIP' '$WORK/wrong.sha256'"
    check "dist/swift/Package.swift: binaryTarget SmsGuardFFIFFI with the zip's checksum" \
        grep -q "binaryTarget(name: \"SmsGuardFFIFFI\", url: \"https://.*/$(basename "$ZIP")\", checksum: \"$sum\")" "$DIST/swift/Package.swift"
    check "ios/SmsGuardKit: binaryTarget SmsGuardFFIFFI on Apple, the host library on Linux" bash -c "
        grep -q '.binaryTarget(name: \"SmsGuardFFIFFI\", path: \"SmsGuardFFI.xcframework\")' '$REPO/ios/SmsGuardKit/Package.swift' &&
        grep -q '.systemLibrary(name: \"SmsGuardFFIFFI\"' '$REPO/ios/SmsGuardKit/Package.swift'"
else
    check "dist/SmsGuardFFI.xcframework present (SMSGUARD_PACKAGE_IOS=0 skipped it)" false
fi
check "SIZES.md lists every artifact" bash -c "for w in AAR arm64-v8a x86_64 'iOS static library' 'XCFramework, zipped'; do grep -q \"^| \$w\" '$DIST/SIZES.md' || { echo \"no \$w\"; exit 1; }; done"

step
echo "check-kit: $(($(date +%s) - T0))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
