#!/bin/sh
# Runs kigen's fuzz targets (tests/fuzz/, README "Fuzzing"); called by the Makefile.
#   scripts/fuzz.sh have-libfuzzer CC        exit 0 when CC links -fsanitize=fuzzer
#   scripts/fuzz.sh replay OBJDIR TARGET...  every corpus file once through OBJDIR's driver
#   scripts/fuzz.sh run SECONDS TARGET...    libFuzzer, SECONDS per target, one after another
#   scripts/fuzz.sh merge TARGET...          adds to tests/fuzz/corpus/<target> the fewest
#                                            inputs of build/fuzz/work/<target> that reach
#                                            edges the committed corpus does not (named by
#                                            their sha1, as libFuzzer names them)
# run starts from tests/fuzz/corpus/<target> and keeps what it finds in
# build/fuzz/work/<target> (the committed corpus is never written); a crash, leak, timeout
# or broken invariant stops with its input in build/fuzz/artifacts/ and exit status 1.
# Each target's numbers (runs, coverage, corpus) are printed and kept in build/fuzz/<target>.log.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_DIR="$ROOT/build/fuzz"

have_libfuzzer() {
    probe_dir=$(mktemp -d)
    printf '%s\n' '#include <stddef.h>' \
        'int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);' \
        'int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)' \
        '{ return data == NULL && size > 0; }' >"$probe_dir/probe.c"
    status=0
    "$1" -fsanitize=fuzzer,address,undefined -o "$probe_dir/probe" "$probe_dir/probe.c" \
        >/dev/null 2>&1 || status=1
    rm -rf "$probe_dir"
    return $status
}

replay() {
    objdir=$1
    shift
    for target in "$@"; do
        "$ROOT/$objdir/fuzz-replay-$target" "$ROOT/tests/fuzz/corpus/$target"
    done
}

# The numbers of a finished run, from libFuzzer's log.
summary() {
    target=$1 seconds=$2 log=$3
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    features=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corpus=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
    echo "fuzz $target: ${runs:-?} runs in ${seconds}s ($(( ${runs:-0} / seconds ))/s)," \
        "coverage ${cov:-?} edges, ${features:-?} features, corpus ${corpus:-?}," \
        "peak RSS ${peak:-?} MB, nothing found"
}

# One target: libFuzzer for SECONDS, new inputs into build/fuzz/work/<target>.
run_one() {
    seconds=$1 target=$2
    work="$FUZZ_DIR/work/$target"
    log="$FUZZ_DIR/$target.log"
    dict="$ROOT/tests/fuzz/$target.dict"
    mkdir -p "$work" "$FUZZ_DIR/artifacts"
    # max_len: a few KiB, the size of the seeds (a record over the reader's 64 KiB limit
    # is in the corpus for the replay; mutating inputs that large would slow every run)
    case $target in
        template) max_len=8192 ;;
        *) max_len=4096 ;;
    esac
    set -- -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/artifacts/$target-"
    [ -f "$dict" ] && set -- "$@" -dict="$dict"
    echo "fuzz $target: libFuzzer for ${seconds}s (log: build/fuzz/$target.log)"
    if ! "$FUZZ_DIR/fuzz_$target" "$@" "$work" "$ROOT/tests/fuzz/corpus/$target" >"$log" 2>&1
    then
        tail -n 40 "$log" >&2
        echo "fuzz $target: FOUND a failure; its input is in build/fuzz/artifacts/" >&2
        echo "HINT: reproduce with build/fuzz/fuzz_$target build/fuzz/artifacts/$target-...," \
            "then add it to tests/fuzz/corpus/$target/ with the fix and its test" >&2
        exit 1
    fi
    summary "$target" "$seconds" "$log"
}

run() {
    seconds=$1
    shift
    for target in "$@"; do
        run_one "$seconds" "$target"
    done
}

# Edges only (-use_counters=0): hit counts would keep hundreds of near-copies.
merge() {
    for target in "$@"; do
        case $target in
            template) max_len=8192 ;;
            *) max_len=4096 ;;
        esac
        before=$(ls "$ROOT/tests/fuzz/corpus/$target" | wc -l)
        "$FUZZ_DIR/fuzz_$target" -merge=1 -use_counters=0 -max_len=$max_len \
            "$ROOT/tests/fuzz/corpus/$target" "$FUZZ_DIR/work/$target" \
            >"$FUZZ_DIR/$target-merge.log" 2>&1
        after=$(ls "$ROOT/tests/fuzz/corpus/$target" | wc -l)
        echo "fuzz $target: $((after - before)) inputs added to tests/fuzz/corpus/$target"
    done
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    have-libfuzzer) have_libfuzzer "$@" ;;
    replay) replay "$@" ;;
    run) run "$@" ;;
    merge) merge "$@" ;;
    *) echo "usage: scripts/fuzz.sh have-libfuzzer CC | replay OBJDIR TARGET... |" \
        "run SECONDS TARGET... | merge TARGET..." >&2; exit 2 ;;
esac
