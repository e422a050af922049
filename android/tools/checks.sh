# Check helpers shared by android/check-apk.sh and scripts/check-kit.sh (sourced after
# common.sh): counted checks, and the qemu-user/native harness that loads a libsmsguard_ffi.so
# through its JNI exports and classifies the harness's fixed test messages.

passed=0 failed=0
check() { # check NAME CMD...: runs CMD quietly; its output is shown only when it fails
    local name=$1
    shift
    if out=$("$@" 2>&1); then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        sed 's/^/       /' <<< "$out" | tail -20
        failed=$((failed + 1))
    fi
}
has() { grep -qF -- "$1" "$2" || { echo "missing: $1"; return 1; }; }

# Run the libraries: arm64 under qemu-user, x86_64 natively.
# The harness (tools/qemu/harness.c) is a glibc program; shim libc/libm/libdl/liblog.so stand in
# for bionic's (glibc plus the bionic-only functions in shim.c). Built per ABI into the cache,
# again only when their sources change.
declare -A CLANG_TARGET=([arm64-v8a]=aarch64-linux-gnu [x86_64]=x86_64-linux-gnu)
declare -A GLIBC=([arm64-v8a]=/usr/aarch64-linux-gnu/lib [x86_64]=/lib/x86_64-linux-gnu)
harness_build() { # harness_build ABI -> prints the dir with harness and shim/
    local abi=$1 dir=$AC/harness/$1 h l
    h=$(inputs_hash "$TOOLS/qemu" "$TOOLS/common.sh" "$TOOLS/checks.sh")
    if ! [ -f "$dir/stamp" ] || [ "$(cat "$dir/stamp")" != "$h" ]; then
        rm -rf "$dir" && mkdir -p "$dir/shim"
        local cf=("--target=${CLANG_TARGET[$abi]}" -O1 -Wall -fuse-ld=lld) g=${GLIBC[$abi]}
        clang "${cf[@]}" -fPIC -shared -Wl,-soname,libc.so "$TOOLS/qemu/shim.c" -o "$dir/shim/libc.so" >&2
        for l in m dl log; do
            clang "${cf[@]}" -shared -nostdlib "-Wl,-soname,lib$l.so" -Wl,--no-as-needed \
                "$g/libc.so.6" "$g/libm.so.6" -o "$dir/shim/lib$l.so" >&2
        done
        clang "${cf[@]}" "$TOOLS/qemu/harness.c" -o "$dir/harness" -ldl >&2
        echo "$h" > "$dir/stamp"
    fi
    echo "$dir"
}
# has_packed_relocations LIB.so: true when its dynamic section has DT_ANDROID_RELA (APS2).
has_packed_relocations() {
    readelf -d "$1" | grep -qE '^ *0x0*60000011 '
}
# relocation_counts LIB.so: "count type" per dynamic relocation type, packed ones decoded.
relocation_counts() {
    llvm-readelf -r "$1" | awk '$3 ~ /^R_/ { n[$3]++ } END { for (t in n) print n[t], t }' | sort -k2
}
run_harness() { # run_harness LABEL ABI LIB.so: the harness's own checks count as checks
    local label=$1 abi=$2 so=$3 dir out rc=0 p f twin
    # A library with packed relocations (android-clang) runs as its twin: the same link with
    # plain relocations, which the glibc loader can read; the packer must have kept every one.
    if has_packed_relocations "$so"; then
        twin=$AC/twins/$(sha256sum "$so" | cut -d' ' -f1).so
        check "$label: unpacked twin of this exact file exists" bash -c "test -f '$twin' || {
            echo 'no $twin: the link that made this file kept no twin (an older wrapper, or'
            echo 'pruned); delete the .so from its cargo target dir so the next build relinks it'; exit 1; }"
        [ -f "$twin" ] || return 0
        check "$label: packed relocations decode to the twin's, type by type" \
            diff <(relocation_counts "$so") <(relocation_counts "$twin")
        so=$twin
    fi
    dir=$(harness_build "$abi")
    if [ "$abi" = arm64-v8a ]; then
        out=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$dir/shim:${GLIBC[$abi]}" \
            "$dir/harness" "$so" 2>&1) || rc=$?
    else
        out=$(LD_LIBRARY_PATH=$dir/shim "$dir/harness" "$so" 2>&1) || rc=$?
    fi
    grep -v '^harness:' <<< "$out" | sed "s/^\(ok  \|FAIL\) /\1 $label: /"
    p=$(grep -c '^ok ' <<< "$out" || true)
    f=$(grep -c '^FAIL' <<< "$out" || true)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "FAIL $label: harness exited $rc"
    fi
    passed=$((passed + p)) failed=$((failed + f))
}

