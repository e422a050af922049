#!/usr/bin/env bash
# Installs what the foreign-language suites need on a fresh machine (as root), idempotently:
# a JDK, JNA and JUnit 5 from Debian, and the Kotlin compiler from the npm package
# `kotlin-compiler` unpacked into the gitignored .tools/. Prints the paths as shell variables
# (eval "$(bindings/scripts/ensure-tools.sh)").
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
kotlin_version=2.4.20

apt_missing=()
command -v javac >/dev/null 2>&1 || apt_missing+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || apt_missing+=(libjna-java)
[ -f /usr/share/java/junit-platform-launcher.jar ] || apt_missing+=(junit5)
if [ "${#apt_missing[@]}" -gt 0 ]; then
    echo "installing ${apt_missing[*]}" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt_missing[@]}" >&2
fi

kotlin_home="$root/.tools/package"
if [ ! -x "$kotlin_home/bin/kotlinc-jvm" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch kotlin-compiler" >&2; exit 2; }
    echo "fetching kotlin-compiler@$kotlin_version" >&2
    mkdir -p "$root/.tools"
    (cd "$root/.tools" && npm pack --silent "kotlin-compiler@$kotlin_version" >&2 \
        && tar xzf "kotlin-compiler-$kotlin_version.tgz")
fi

j=/usr/share/java
echo "KOTLINC='$kotlin_home/bin/kotlinc-jvm'"
echo "KOTLIN_LIB='$kotlin_home/lib'"
echo "JNA_JAR='$j/jna.jar'"
echo "JUNIT_CP='$j/junit-jupiter-api.jar:$j/junit-jupiter-engine.jar:$j/junit-platform-launcher.jar:$j/junit-platform-engine.jar:$j/junit-platform-commons.jar:$j/opentest4j.jar:$j/apiguardian-api.jar'"
