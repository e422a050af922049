#!/usr/bin/env bash
# Fuzz every parser and the engine with cargo-fuzz (libFuzzer), SECONDS per target.
#
#   scripts/fuzz.sh            # 30 s per target: the smoke run of the test command
#   scripts/fuzz.sh 1800       # the long run (README "Fuzzing" table)
#   scripts/fuzz.sh 60 classify rule_pack
#
# Installs what a fresh machine lacks: the nightly toolchain (rustup) and cargo-fuzz, into
# ${SMSGUARD_CACHE:-~/.cache/smsguard}/tools. The instrumented build, the corpora (which grow
# run after run) and any crash artifacts live in the cache too, never in the clone. Seeds come
# from testdata/ and the shipped data. Limits: a run that takes > 1 s is a timeout, > 256 MB RSS
# is an OOM; both fail like a crash. Prints one line per target and exits non-zero on any finding.
# In a long run (>= 300 s a target), every input of the target's corpus is then replayed once and timed: the units over 10 ms and the
# slowest are reported (not failed: the instrumented build is slower than release and these
# machines are shared; README "Fuzzing" keeps the long run's figures).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_PER_TARGET=${1:-30}
shift || true
ALL=(classify rule_pack user_rules state_file model_archive report api_request update_bundle)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi

CACHE=${SMSGUARD_CACHE:-$HOME/.cache/smsguard}
TOOLS=$CACHE/tools
export CARGO_TARGET_DIR=$CACHE/fuzz-target
CORPORA=$CACHE/fuzz-corpus
ARTIFACTS=$CACHE/fuzz-artifacts
mkdir -p "$TOOLS" "$CORPORA" "$ARTIFACTS"
export PATH="$TOOLS/bin:$PATH"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz into $TOOLS"
    cargo install cargo-fuzz --locked --root "$TOOLS"
fi

seed() {
    local target=$1 dir=$CORPORA/$1
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
    case $target in
        classify | report)
            python3 - "$dir" testdata/inbox.jsonl bindings/testdata/messages.jsonl <<'EOF'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
n = 0
for f in sys.argv[2:]:
    for line in open(f, encoding="utf-8"):
        if line.strip():
            m = json.loads(line)
            (out / f"seed{n}").write_text(m.get("sender", "") + "\x01" + m.get("body", ""), encoding="utf-8")
            n += 1
EOF
            ;;
        rule_pack) cp core/data/default.rules testdata/rules/*.rules testdata/rules/broken/*.rules "$dir"/ ;;
        user_rules)
            printf '%s' '{"format": "smsguard-user-rules", "version": 1, "rules": [{"target": {"kind": "regex", "value": "优惠[0-9]{2,4}"}, "effect": "block"}, {"target": {"kind": "sender", "value": "10690000"}, "effect": "allow"}]}' >"$dir/seed0"
            ;;
        state_file)
            printf '%s' '{"format":"smsguard-state","version":1,"generation":2,"state":{"settings":{"strict":false},"consents":{"entries":[{"signature":"某店","state":"granted","at":1796298364,"how":"user"}],"history":[]},"rules":{"rules":[{"id":1,"target":{"kind":"keyword","value":"秒批贷款"},"effect":"block","created_at":1796298364}],"next_id":2},"feedback":{"entries":[],"next_id":0},"reports":{"records":[]}}}' >"$dir/seed0"
            ;;
        model_archive) cp models/smsguard.nnef.tar testdata/model/tiny.nnef.tar "$dir"/ ;;
        api_request)
            printf '%s' '{"v": 1, "op": "classify", "message": {"sender": "95588", "body": "验证码123456"}}' >"$dir/seed0"
            printf '%s' '{"v": 1, "op": "rules_add", "effect": "block", "kind": "regex", "value": "贷款.{0,4}秒批"}' >"$dir/seed1"
            printf '%s' '{"v": 1, "op": "feedback", "kind": "is_junk", "message": {"sender": "1065900", "body": "【某店】大促，回T退订"}}' >"$dir/seed2"
            ;;
        update_bundle) printf 'smsguard-update1' >"$dir/seed0" ;;
    esac
}

cd fuzz
echo "fuzz: building ${#TARGETS[@]} targets (nightly, coverage only: the core forbids unsafe code)"
cargo +nightly fuzz build --sanitizer none
cd "$ROOT"

failed=0
total=0
SLOW_MS=10
# Replays the corpus of $1 through its fuzz binary; prints "<units over SLOW_MS> <slowest ms>".
slow_units() {
    local bin=$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/$1
    if [ "$SECONDS_PER_TARGET" -lt 300 ] || [ ! -x "$bin" ]; then echo "- -"; return; fi
    # Each batch runs twice in one process and the second time counts: the first pays the
    # one-time work (rules compiled, model loaded, each regex built on first use).
    find "$CORPORA/$1" -type f -print0 | xargs -0 -n 200 sh -c '"$0" -rss_limit_mb=256 "$@" "$@"' "$bin" 2>&1 |
        sed -n 's/^Executed \(.*\) in \([0-9]*\) ms$/\1 \2/p' |
        awk -v lim="$SLOW_MS" '{ t[$1] = $2 } END { for (f in t) { if (t[f] > lim) n++; if (t[f] > max) max = t[f] }; printf "%d %d\n", n, max }'
}

printf '%-15s %12s %8s %10s %8s  %s\n' target executions seconds ">${SLOW_MS}ms" "max ms" result
for t in "${TARGETS[@]}"; do
    seed "$t"
    log=$ARTIFACTS/$t.log
    mkdir -p "$ARTIFACTS/$t"
    # The outer timeout: without a sanitizer, libFuzzer's timeout handler can deadlock in malloc
    # when the alarm lands inside it (seen once), which would hang the run instead of failing it.
    if (cd fuzz && timeout -k 10 $((SECONDS_PER_TARGET + 300)) cargo +nightly fuzz run --sanitizer none "$t" "$CORPORA/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=1 -rss_limit_mb=256 -print_final_stats=1 \
        -artifact_prefix="$ARTIFACTS/$t/" >"$log" 2>&1); then
        result=ok
    else
        result="FINDING (see $log and $ARTIFACTS/$t/)"
        failed=$((failed + 1))
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=${execs:-0}
    total=$((total + execs))
    read -r slow slowest < <(slow_units "$t")
    printf '%-15s %12s %8s %10s %8s  %s\n' "$t" "$execs" "$SECONDS_PER_TARGET" "$slow" "$slowest" "$result"
done
echo "fuzz: $total executions in total, $failed target(s) with findings"
[ "$failed" -eq 0 ]
