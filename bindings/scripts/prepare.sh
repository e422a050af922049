#!/usr/bin/env bash
# Builds what the foreign-language suites run against, the same way every time (one cargo
# command, so features never alternate and nothing is rebuilt needlessly):
#   - target/<profile>/libsmsguard_ffi.so with the `test-panic` feature,
#   - the Kotlin, Swift and Python bindings generated from it (scripts/gen-bindings.sh),
#   - target/bindings/expected.tsv: the Rust engine's results for the test vectors.
# Profile: SMSGUARD_FFI_PROFILE=debug (default; no LTO, minutes faster) or release.
# Prints the paths as shell variables for `eval`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
profile="${SMSGUARD_FFI_PROFILE:-debug}"

# Build the example in the same feature resolution as gen-bindings.sh builds the library.
if [ "$profile" = release ]; then
    cargo build -q --release -p smsguard-ffi --features test-panic --example expected >&2
else
    cargo build -q -p smsguard-ffi -p uniffi-bindgen --features smsguard-ffi/test-panic --example expected >&2
fi
scripts/gen-bindings.sh --profile "$profile" --features test-panic >&2

vectors=()
[ -f testdata/inbox.jsonl ] && vectors+=("testdata/inbox.jsonl")
[ -f testdata/verdicts.jsonl ] && vectors+=("testdata/verdicts.jsonl")
vectors+=("bindings/testdata/messages.jsonl")
expected="$root/target/bindings/expected.tsv"
"target/$profile/examples/expected" "$expected" "${vectors[@]}" >&2

lib_dir="$root/target/$profile"
vec_list="$(IFS=:; echo "${vectors[*]/#/$root/}")"
echo "LIB_DIR='$lib_dir'"
echo "BINDINGS_DIR='$root/target/bindings'"
echo "EXPECTED='$expected'"
echo "VECTORS='$vec_list'"
