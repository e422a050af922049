#!/usr/bin/env bash
# Measures the shipped library: the stripped release cdylib for this host (x86_64 here), and
# breaks it down by crate and by section (results: bindings/README.md, Size).
#
#   bindings/size.sh            release and release-size profiles, breakdown of release
#   bindings/size.sh --quick    release only, no breakdown
#
# The breakdown needs symbols, so it builds an unstripped copy of the same profile in a
# separate target dir (target/size-analysis) and attributes each symbol's bytes to the crate
# in its demangled path (cargo-bloat's method; inlined code counts for the caller's crate).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
lib=libsmsguard_ffi.so

size_of() { stat -c %s "$1"; }
# The cdylib alone, as the Android build (android/tools/common.sh, build_so) and so the kit build
# it: with the staticlib and rlib in the same rustc run, LTO keeps what any of them exports and
# the .so comes out ~1.2 MB larger than what ships.
build_cdylib() { cargo rustc -q -p smsguard-ffi --lib --crate-type cdylib "$@"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }

build_cdylib --release
echo "release (opt-level 3, LTO, 1 CGU, unwind, stripped): $(size_of "target/release/$lib") bytes ($(mb "$(size_of "target/release/$lib")"))"
[ "${1:-}" = --quick ] && exit 0

build_cdylib --profile release-size
echo "release-size (opt-level s, otherwise the same): $(size_of "target/release-size/$lib") bytes ($(mb "$(size_of "target/release-size/$lib")"))"

CARGO_TARGET_DIR=target/size-analysis CARGO_PROFILE_RELEASE_STRIP=false build_cdylib --release
unstripped="target/size-analysis/release/$lib"
echo
echo "sections of the release library (bytes):"
size -A "target/release/$lib" | awk '$1 ~ /^\./ && $2 > 10000 { printf "  %-20s %10d\n", $1, $2 }'
echo
echo "code and data by crate (unstripped copy, symbols >= 1 byte):"
nm --size-sort -S --demangle=rust "$unstripped" 2>/dev/null | python3 -c '
import re, sys
by = {}
total = 0
for line in sys.stdin:
    parts = line.rstrip("\n").split(" ", 3)
    if len(parts) < 4:
        continue
    size = int(parts[1], 16)
    name = parts[3].lstrip("<&*")
    name = re.sub(r"^(dyn |mut |impl )", "", name)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    crate = m.group(1) if m else ("[C/ffi symbols]" if "::" not in name else "[other]")
    by[crate] = by.get(crate, 0) + size
    total += size
for crate, size in sorted(by.items(), key=lambda x: -x[1])[:15]:
    print(f"  {crate:28s} {size:10d}  {100 * size / total:5.1f} %")
print("  %-28s %10d" % ("total in symbols", total))
'
