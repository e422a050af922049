#!/usr/bin/env bash
# Instruction counts of the engine, the number CI holds a budget on: wall-clock times on shared
# machines move by tens of percent from run to run, instruction counts by well under one.
#
#   scripts/instructions.sh            measure, print, compare with scripts/instructions-budget.json
#   scripts/instructions.sh --update   measure and write the budget file (commit it with the why)
#
# Each configuration (the embedded model on, rules only) runs `smsguard bench` under valgrind's
# callgrind twice, with N1 and N2 iterations over the same 33-message mix. The difference of the
# two totals divided by the extra messages is what one message costs in steady state (the bench's
# own clock reads are a few hundred of it); what is left of the N1 run is the fixed cost: process
# start, engine build, rules compile, model load, the first classify and the bench's second model
# load. A stripped release binary is enough: nothing here needs symbols.
#
# Fails when a count is over its budget by more than the tolerance, or under it by more than the
# tolerance (a real gain: write it down with --update so that the next regression shows).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=check
case "${1:-}" in
    "") ;;
    --update) mode=update ;;
    *) echo "usage: scripts/instructions.sh [--update]" >&2; exit 2 ;;
esac

BUDGET=scripts/instructions-budget.json
N1=10
N2=60
# Toolchain or libc updates move the counts by a few percent; a regression worth stopping is more.
TOLERANCE=0.05

if ! command -v valgrind >/dev/null 2>&1; then
    echo "installing valgrind" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q valgrind >&2
fi

# The release build lives in the machine cache, so that CI's fresh clones only rebuild our crates.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${SMSGUARD_CACHE:-$HOME/.cache/smsguard}/target-host-release}
cargo build --release --locked -q -p smsguard-cli
bin=$CARGO_TARGET_DIR/release/smsguard

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# instructions ITERATIONS [FLAGS...]: total instructions (Ir) of one bench run.
instructions() {
    local n=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bin" "$@" bench --iterations "$n" \
        >/dev/null 2>"$work/log" || { cat "$work/log" >&2; return 1; }
    awk '/^summary:/ { print $2 }' "$work/out"
}

# Mix size from the bench itself, so a new demo message cannot skew the per-message count.
mix=$("$bin" bench --iterations 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages_in_mix"])')

measure() { # measure NAME [FLAGS...]: prints "NAME per_message fixed"
    local name=$1 a b
    shift
    a=$(instructions "$N1" "$@")
    b=$(instructions "$N2" "$@")
    python3 -c "
a, b, n1, n2, mix = $a, $b, $N1, $N2, $mix
per = (b - a) / ((n2 - n1) * mix)
print('$name', round(per), round(a - per * n1 * mix))"
}

{
    measure model
    measure rules --no-model
} > "$work/measured"

python3 - "$mode" "$BUDGET" "$work/measured" "$TOLERANCE" "$(rustc --version)" <<'EOF'
import json, sys

mode, budget_path, measured_path, tolerance, rustc = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
measured = {}
for line in open(measured_path):
    name, per, fixed = line.split()
    measured[f"{name}.per_message"] = int(per)
    measured[f"{name}.fixed"] = int(fixed)
measured["model_share.per_message"] = measured["model.per_message"] - measured["rules.per_message"]

if mode == "update":
    with open(budget_path, "w") as f:
        json.dump({"measured_with": rustc, "instructions": measured}, f, indent=2)
        f.write("\n")
    for k, v in measured.items():
        print(f"{k:28} {v:>12,}")
    print(f"written to {budget_path}")
    sys.exit(0)

budget = json.load(open(budget_path))["instructions"]
bad = 0
print(f"{'count':28} {'measured':>12} {'budget':>12} {'change':>8}")
for k, v in measured.items():
    b = budget.get(k)
    if b is None:
        print(f"{k:28} {v:>12,} {'(none)':>12}")
        bad += 1
        continue
    change = (v - b) / b
    off = abs(change) > tolerance
    bad += off
    print(f"{k:28} {v:>12,} {b:>12,} {change:>+8.1%}{'  <- off by more than %d %%' % round(tolerance * 100) if off else ''}")
if bad:
    print(f"instructions: {bad} count(s) off budget (rustc now: {rustc}). A regression: find it "
          f"(callgrind_annotate on a build with symbols, README 'Measured (rules, memory)'). A gain: "
          f"scripts/instructions.sh --update and commit the budget.")
    sys.exit(1)
print("instructions: all counts within budget")
EOF
