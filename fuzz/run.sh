#!/usr/bin/env bash
# libFuzzer on every parser of untrusted input: the configuration, the SSH user name, the user
# CA key file, the gateway shell's command lines, the file ledger's SFTP and scp streams,
# the web page's inputs, a bundle's events.jsonl, the PROXY protocol v2 header, the verification code.
#   fuzz/run.sh                      # every harness, 25 s each (CI: scripts/test.sh gives fewer)
#   fuzz/run.sh 600                  # by hand: 10 minutes each
#   fuzz/run.sh 60 username          # one harness
# Each run starts from the reviewed seeds in fuzz/corpus/NAME and grows a scratch copy;
# a crash leaves its input in fuzz/artifacts/ and fails the script. Add such an input to
# fuzz/corpus/NAME (and a unit test) once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-25}
read -r -a harnesses <<< "${2:-configuration username cakeyfile shellcommand sftp scp oversight webinput bundle-events proxyheader onetimecode}"

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
        cakeyfile) binary=FuzzCAKeyFile; max_len=8192 ;;
        shellcommand) binary=FuzzShellCommand; max_len=8192 ;;
        sftp) binary=FuzzSFTP; max_len=65536 ;;
        scp) binary=FuzzScp; max_len=16384 ;;
        oversight) binary=FuzzOversightCommand; max_len=2048 ;;
        webinput) binary=FuzzWebInput; max_len=4096 ;;
        bundle-events) binary=FuzzBundleEvents; max_len=8192 ;;
        proxyheader) binary=FuzzProxyHeader; max_len=2048 ;;
        onetimecode) binary=FuzzOneTimeCode; max_len=256 ;;
        *) echo "unknown harness $harness (configuration, username, cakeyfile, shellcommand, sftp, scp, oversight, webinput, bundle-events, proxyheader, onetimecode)" >&2; exit 2 ;;
    esac
    # The ledger's harnesses run shorter (CI's total stays small); by hand, pass a longer time.
    run_seconds=$seconds
    if [ -z "${2:-}" ] && { [ "$harness" = sftp ] || [ "$harness" = scp ]; }; then
        run_seconds=$(( seconds * 3 / 5 ))
    fi
    scratch=$(mktemp -d "/tmp/tracegate-fuzz-$harness.XXXXXX")
    cp corpus/"$harness"/* "$scratch"/
    echo "== $harness: $run_seconds s from $(ls corpus/"$harness" | wc -l) seeds"
    # Without the Swift runtime's own backtracer, libFuzzer's handler sees the trap and saves the input.
    if ! SWIFT_BACKTRACE=enable=no "$binaries/$binary" "$scratch" -max_total_time="$run_seconds" -max_len="$max_len" -timeout=5 \
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
