#!/usr/bin/env bash
# Compares the normaliser's Traditional → Simplified table (core/src/normalise/t2s.rs) with the
# table on main before issue 12 and with the `fast2s` crate: characters recovered on Traditional
# versions of real messages, ns/message, and the bytes each adds to a stripped release binary.
# Needs ../shared/data (notify-samples, mudou_spam) and `pip install opencc` (OpenCC's s2t makes
# the Traditional texts). Everything it writes goes to a temp dir; no corpus text is kept.
#   scripts/t2s-compare/run.sh            (about 3 minutes on 2 cores; numbers in ARCHITECTURE.md)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${SMSGUARD_DATA:-$root/../shared/data}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$here/make_traditional.py" "$data" "$work/eval.tsv"
git -C "$root" show 6955646:core/src/normalise/t2s.rs > "$work/t2s_old.rs"
mkdir -p "$work/crate/src/bin"
sed -e "s#@NEW@#$root/core/src/normalise/t2s.rs#" -e "s#@OLD@#$work/t2s_old.rs#" "$here/lib.rs.in" > "$work/crate/src/lib.rs"
cp "$here/Cargo.toml.in" "$work/crate/Cargo.toml"
cp "$here/src/bin/"*.rs "$work/crate/src/bin/"
(cd "$work/crate" && CARGO_TARGET_DIR="$work/target" cargo build -q --release --bins)
"$work/target/release/eval" "$work/eval.tsv"
echo "stripped release binary sizes (bytes):"
for b in none old new fast2s; do
    printf '  %-7s %s\n' "$b" "$(stat -c %s "$work/target/release/size_$b")"
done
