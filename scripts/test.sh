#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs the whole test suite; this is what CI runs.
#   scripts/test.sh                      # everything
#   scripts/test.sh --filter Integration # extra arguments go to `swift test`
# Run as root: the integration tests start real sshd targets, which need root to log in as
# other users (TRACEGATE_TEST_LOGIN picks the login; default the current user).
# TRACEGATE_SKIP_SLOW=1 skips the 500 MB transfer test.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    libssh-dev libsqlite3-dev pkg-config                    # the gateway's C libraries
    cmake make gcc libssl-dev zlib1g-dev                    # libssh 0.12 from source (scripts/build-libssh.sh)
    dpkg-dev debian-archive-keyring                         # dpkg-source; the archive keys apt checks it with
    openssh-server openssh-client rsync sqlite3             # real targets and real clients
    python3 procps iproute2 asciinema                       # pty driver, process and socket tools
    python3-paramiko                                        # fuzz/ssh_fuzz.py, the hostile client; paramiko's SFTP client
    python3-venv                                            # a private venv for ssh-audit (below)
    libqrencode-dev qrencode oathtool                       # second factor: QR library, its CLI and TOTP codes in tests
    chromium chromium-driver python3-selenium               # the web page's browser tests (WebPageTests)
    libjs-xterm node-xterm                                  # xterm.js for the web page's replay
    librsvg2-bin                                            # postmortem bundle: SVG to PNG in tests
    haproxy                                                 # the load balancer in front of nodes (ProxyProtocolTests)
    libpq-dev postgresql                                    # cluster: libpq for ClusterStore; a throwaway server in tests
)

# apt-get update costs half a minute; skip it when everything is already installed.
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
if ((${#missing[@]} > 0)); then
    echo "installing: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# promtool (Debian's prometheus package) checks a real scrape of the gateway's /metrics.
# Without recommends it is one binary and a few small web assets (~20 MB, ~20 s to install).
if ! command -v promtool >/dev/null; then
    echo "installing: prometheus (for promtool)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
fi

# sshd refuses to start as root without its privilege separation directory, which a
# fresh container lacks (the OpenSSHServer helper creates it too; this covers other uses).
if [[ $(id -u) -eq 0 ]]; then
    mkdir -p /run/sshd
    chmod 0755 /run/sshd
fi

# ssh-audit (PyPI, 3.x), the outside judge of the gateway's SSH configuration
# (SSHAuditTests), in a venv of the repository's own; only when it is not there yet.
if [[ ! -x .build-venv/bin/ssh-audit ]] && ! command -v ssh-audit >/dev/null; then
    echo "installing ssh-audit into .build-venv/"
    python3 -m venv .build-venv
    .build-venv/bin/pip install --quiet 'ssh-audit>=3,<4'
fi

# libssh 0.12 (post-quantum key exchange), built once from Debian's source package and cached
# (scripts/build-libssh.sh says where, and how long it took). Every build and test of this
# tree uses this PKG_CONFIG_PATH: SwiftPM rebuilds what a changed pkg-config answer touches,
# and IntegrationTests checks that the binary carries the libssh pkg-config names.
PKG_CONFIG_PATH=$(scripts/build-libssh.sh)
export PKG_CONFIG_PATH
swift build --build-tests --force-resolved-versions

# libFuzzer on every parser of untrusted input (fuzz/run.sh lists them), a few seconds each
# (fuzz/run.sh 600 by hand). The tests leave about two thirds of the two cores idle (they
# wait on servers, clients and clocks), so the fuzzers' build and runs go beside them at the
# lowest priority instead of after them: about four minutes less, and a test that wakes up
# takes its core back at once. Their output follows the tests'.
# In a process group of their own (setsid), so that a Ctrl-C or a failure of this script ends
# them with it rather than leaving them running.
fuzz_pid=
stop_fuzzers() {
    if [[ -n $fuzz_pid ]]; then kill -- "-$fuzz_pid" 2> /dev/null || true; fi
}
trap stop_fuzzers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if (($# == 0)); then
    fuzz_log=$(mktemp /tmp/tracegate-fuzz-run.XXXXXX)
    setsid --wait nice -n 19 bash fuzz/run.sh 10 > "$fuzz_log" 2>&1 &
    fuzz_pid=$!
fi
status=0
swift test --skip-build "$@" || status=$?
if [[ -n $fuzz_pid ]]; then
    fuzz_status=0
    wait "$fuzz_pid" || fuzz_status=$?
    fuzz_pid=
    cat "$fuzz_log"
    rm -f "$fuzz_log"
    if ((fuzz_status != 0)); then
        echo "fuzz: a harness failed (above)" >&2
        ((status != 0)) || status=$fuzz_status
    fi
fi
exit "$status"
