#!/usr/bin/env bash
# libFuzzer on the configuration parser, the SSH user name parser and a bundle's events.jsonl.
#   fuzz/run.sh                      # what CI runs: every harness, 25 s each
#   fuzz/run.sh 600                  # by hand: 10 minutes each
#   fuzz/run.sh 60 username          # one harness
# Each run starts from the reviewed seeds in fuzz/corpus/NAME and grows a scratch copy;
# a crash leaves its input in fuzz/artifacts/ and fails the script. Add such an input to
# fuzz/corpus/NAME (and a unit test) once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-25}
read -r -a harnesses <<< "${2:-configuration username bundle-events}"

# The harnesses start libFuzzer through LLVMFuzzerRunDriver from their own main (SwiftPM owns main).
# lld: gold crashes (an internal error) linking the fuzzer runtime into a SwiftPM executable.
build=(swift build -c release --build-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld)
if ! "${build[@]}" > .build-fuzz.log 2>&1; then
    grep -E "error" .build-fuzz.log | head -n 20 >&2
    echo "fuzz: the harnesses do not build (full log: fuzz/.build-fuzz.log)" >&2
    exit 1
fi
binaries=$("${build[@]}" --show-bin-path)

mkdir -p artifacts
status=0
for harness in "${harnesses[@]}"; do
    case "$harness" in
        configuration) binary=FuzzConfiguration; max_len=16384 ;;
        username) binary=FuzzUsername; max_len=1024 ;;
        bundle-events) binary=FuzzBundleEvents; max_len=8192 ;;
        *) echo "unknown harness $harness (configuration, username, bundle-events)" >&2; exit 2 ;;
    esac
    scratch=$(mktemp -d "/tmp/tracegate-fuzz-$harness.XXXXXX")
    cp corpus/"$harness"/* "$scratch"/
    echo "== $harness: $seconds s from $(ls corpus/"$harness" | wc -l) seeds"
    # Without the Swift runtime's own backtracer, libFuzzer's handler sees the trap and saves the input.
    if ! SWIFT_BACKTRACE=enable=no "$binaries/$binary" "$scratch" -max_total_time="$seconds" -max_len="$max_len" -timeout=5 \
            -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$harness-" 2> "$scratch.log"; then
        status=1
        tail -n 40 "$scratch.log"
        echo "== $harness: FAILED; the input is in fuzz/artifacts/" >&2
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$scratch.log" | tail -n 3
        echo "== $harness: no crash, no hang, no leak over the limit; corpus grew to $(ls "$scratch" | wc -l) inputs"
    fi
    rm -rf "$scratch" "$scratch.log"
done
exit $status
