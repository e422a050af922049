#!/usr/bin/env bash
# The OEM kit (docs/oem-integration.md): writes dist/ from this checkout.
#
#   scripts/package.sh                      everything below
#   SMSGUARD_PACKAGE_IOS=0 scripts/package.sh   the Android half only
#
#   dist/maven/com/smsguard/smsguard-android/<v>/smsguard-android-<v>.{aar,pom} (+ .md5 .sha1
#        .sha256 .sha512) and maven-metadata.xml: a Maven repository for Gradle
#   dist/SmsGuardFFI.xcframework              ios-arm64 static library + uniffi header/modulemap
#   dist/SmsGuardFFI-<v>.xcframework.zip (+ .sha256 = its SwiftPM checksum)
#   dist/swift/                               SwiftPM package: binaryTarget(url:checksum:) + Swift API
#   dist/SIZES.md                             the size of each artifact in bytes
#
# The AAR is the one android/build.sh puts in the APK (android/tools/aar.sh); the Rust builds are
# cached in ~/.cache/smsguard (target-android, target-ios), so a warm run takes seconds. Set
# SMSGUARD_DOWNLOAD_BASE to the https URL the zip will be served from (dist/swift/Package.swift).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/../android/tools/common.sh"
source "$TOOLS/aar.sh"
source "$REPO/scripts/lib/ios.sh"

DIST=${SMSGUARD_DIST:-$REPO/dist}
GROUP=com.smsguard
ARTIFACT=smsguard-android
DOWNLOAD_BASE=${SMSGUARD_DOWNLOAD_BASE:-https://downloads.example.invalid/smsguard/$VERSION}
IOS=${SMSGUARD_PACKAGE_IOS:-1}
T0=$(date +%s)
[ -n "$VERSION" ] || { echo "no [workspace.package] version in Cargo.toml" >&2; exit 1; }

step "tools"
ensure_tools
[ "$IOS" = 0 ] || ensure_ios_tools
rm -rf "$DIST"
mkdir -p "$DIST"

# checksums FILE...: FILE.md5/.sha1/.sha256/.sha512 holding the bare hex digest, as Maven
# repositories do (Gradle verifies the strongest one present).
checksums() {
    local f a
    for f in "$@"; do
        for a in md5 sha1 sha256 sha512; do
            "${a}sum" "$f" | cut -d' ' -f1 > "$f.$a"
        done
    done
}

step "aar + maven repository ($GROUP:$ARTIFACT:$VERSION)"
build_aar
MVN=$DIST/maven/${GROUP//.//}/$ARTIFACT
mkdir -p "$MVN/$VERSION"
cp "$AAR" "$MVN/$VERSION/"
# No dependencies: the JNI class needs nothing but the platform (no JNA, no Kotlin).
cat > "$MVN/$VERSION/$ARTIFACT-$VERSION.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>$GROUP</groupId>
  <artifactId>$ARTIFACT</artifactId>
  <version>$VERSION</version>
  <packaging>aar</packaging>
  <name>smsguard</name>
  <description>On-device SMS filter: the plain-JNI API com.smsguard.oem.SmsGuardNative and libsmsguard_ffi.so for arm64-v8a and x86_64</description>
  <licenses>
    <license>
      <name>MPL-2.0</name>
      <url>https://www.mozilla.org/MPL/2.0/</url>
    </license>
  </licenses>
</project>
POM
cat > "$MVN/maven-metadata.xml" <<META
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>$GROUP</groupId>
  <artifactId>$ARTIFACT</artifactId>
  <versioning>
    <latest>$VERSION</latest>
    <release>$VERSION</release>
    <versions>
      <version>$VERSION</version>
    </versions>
  </versioning>
</metadata>
META
checksums "$MVN/$VERSION/$ARTIFACT-$VERSION.aar" "$MVN/$VERSION/$ARTIFACT-$VERSION.pom" "$MVN/maven-metadata.xml"

sizes=("AAR|maven/${GROUP//.//}/$ARTIFACT/$VERSION/$ARTIFACT-$VERSION.aar|$(stat -c %s "$AAR")")
for abi in "${ABIS[@]}"; do
    n=$(unzip -p "$AAR" "jni/$abi/libsmsguard_ffi.so" | wc -c)
    sizes+=("$abi .so (${SO_PROFILE[$abi]} profile)|jni/$abi/libsmsguard_ffi.so|$n")
done

if [ "$IOS" != 0 ]; then
    step "rust: libsmsguard_ffi.a $IOS_TRIPLE (release)"
    a=$(build_ios_a)

    step "xcframework + zip + SwiftPM package"
    gen=$AC/oem-swift
    rm -rf "$gen"
    uniffi_generate "$a" swift "$gen"
    XCF=$DIST/SmsGuardFFI.xcframework
    mkdir -p "$XCF/ios-arm64/Headers"
    cp "$a" "$XCF/ios-arm64/libsmsguard_ffi.a"
    cp "$gen/SmsGuardFFIFFI.h" "$XCF/ios-arm64/Headers/"
    cp "$gen/SmsGuardFFIFFI.modulemap" "$XCF/ios-arm64/Headers/module.modulemap"
    # The keys xcodebuild -create-xcframework writes (TOOLCHAIN-NOTES); the simulator slice
    # cannot be built here (no aarch64-apple-ios-sim std for Linux hosts).
    python3 - "$XCF/Info.plist" <<'PY'
import plistlib, sys
lib = {"LibraryIdentifier": "ios-arm64", "LibraryPath": "libsmsguard_ffi.a", "HeadersPath": "Headers",
       "SupportedArchitectures": ["arm64"], "SupportedPlatform": "ios"}
with open(sys.argv[1], "wb") as f:
    plistlib.dump({"AvailableLibraries": [lib], "CFBundlePackageType": "XFWK",
                   "XCFrameworkFormatVersion": "1.0"}, f, sort_keys=True)
PY
    ZIP=$DIST/SmsGuardFFI-$VERSION.xcframework.zip
    stage=$AC/oem-xcf-stage
    rm -rf "$stage" && mkdir -p "$stage"
    cp -r "$XCF" "$stage/"
    zip_dir "$stage" "$ZIP"
    rm -rf "$stage"
    # SwiftPM's checksum of a binary target is the SHA-256 of the zip (swift package compute-checksum).
    checksum=$(sha256sum "$ZIP" | cut -d' ' -f1)
    echo "$checksum" > "$ZIP.sha256"
    # The package of bindings/swift with the binary target fetched from where the zip is served.
    mkdir -p "$DIST/swift/Sources/SmsGuardFFI"
    cp "$gen/SmsGuardFFI.swift" "$DIST/swift/Sources/SmsGuardFFI/"
    url="$DOWNLOAD_BASE/$(basename "$ZIP")"
    sed "s|\.binaryTarget(name: \"SmsGuardFFIFFI\", path: \"SmsGuardFFI.xcframework\")|.binaryTarget(name: \"SmsGuardFFIFFI\", url: \"$url\", checksum: \"$checksum\")|" \
        "$REPO/bindings/swift/Package.swift" > "$DIST/swift/Package.swift"
    grep -qF "checksum: \"$checksum\"" "$DIST/swift/Package.swift" \
        || { echo "bindings/swift/Package.swift: no binaryTarget line to rewrite" >&2; exit 1; }
    sizes+=("iOS static library (release)|SmsGuardFFI.xcframework/ios-arm64/libsmsguard_ffi.a|$(stat -c %s "$a")")
    sizes+=("XCFramework, zipped|$(basename "$ZIP")|$(stat -c %s "$ZIP")")
fi

step "sizes"
{
    echo "# smsguard $VERSION: artifact sizes"
    echo
    echo "Written by scripts/package.sh. Bytes on disk (a .so is its size inside the AAR, uncompressed)."
    echo
    echo "| artifact | file | bytes | MiB |"
    echo "|---|---|---:|---:|"
    for s in "${sizes[@]}"; do
        IFS='|' read -r what file n <<< "$s"
        awk -v w="$what" -v f="$file" -v n="$n" 'BEGIN {printf "| %s | `%s` | %d | %.2f |\n", w, f, n, n / 1048576}'
    done
} > "$DIST/SIZES.md"
step
sed -n '/^| artifact/,$p' "$DIST/SIZES.md"
echo "dist/ for $VERSION written in $(($(date +%s) - T0))s"
