#!/usr/bin/env bash
# Runs a three-node Tracegate cluster on one machine, everything on loopback:
#   PostgreSQL 15 (Debian's binaries)  127.0.0.1:5433   the shared trail
#   HAProxy (config/examples/haproxy.cfg, addresses changed)  127.0.0.1:2322 -> the nodes
#   gw-1, gw-2, gw-3                    127.0.0.1:2231-2233, /readyz on 127.0.0.1:9231-9233
#   a demo target (sshd)                127.0.0.1:2301
# On a fresh Debian 12 machine with the Swift 6 toolchain, as root (it installs packages, and
# runs PostgreSQL as the unprivileged `postgres` user). Prints the ssh line and
# `tracegate cluster status`; Ctrl-C stops everything it started.
# Node state, keys, logs and configurations go under var/cluster-demo/; PostgreSQL's data
# directory is a temporary one, removed on exit (each node ships its whole trail again into
# the next run's database).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/cluster.sh
. scripts/lib/cluster.sh

demo=$PWD/var/cluster-demo
haproxy_port=2322
haproxy_source=127.0.0.2   # the address HAProxy connects from: the one the nodes trust
postgres_port=5433         # not 5432, so as not to meet a PostgreSQL the machine already runs
target_port=2301
nodes=(gw-1 gw-2 gw-3)
postgres_bin=/usr/lib/postgresql/15/bin
children=()                # pids of the nodes and HAProxy, for the trap
pgdir=""

install_packages() {
    local packages=(libssh-dev libsqlite3-dev pkg-config libqrencode-dev openssh-server openssh-client
                    cmake make gcc libssl-dev zlib1g-dev dpkg-dev debian-archive-keyring
                    libpq-dev postgresql haproxy)
    local missing=() package
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if ((${#missing[@]})); then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
    # Debian starts a PostgreSQL of its own on 5432 when it installs the package; ours is separate.
}

# As scripts/demo.sh: libssh 0.12 from Debian's source package, the pinned dependency versions.
build_tracegate() {
    PKG_CONFIG_PATH=$(scripts/build-libssh.sh)
    export PKG_CONFIG_PATH
    swift build -c release --product tracegate --force-resolved-versions
    tracegate=$(swift build -c release --force-resolved-versions --show-bin-path)/tracegate
}

# Stops what this script started, newest first; runs on Ctrl-C, on errors and on exit.
stop_everything() {
    # Deaf to further Ctrl-C and TERM while cleaning up: a second Ctrl-C, or the one the
    # terminal sends the whole process group, must not cut the cleanup short.
    trap '' INT TERM
    trap - EXIT
    echo
    echo "stopping the cluster demo…"
    local pid
    for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
    cluster_stop_postgres "$postgres_bin" "$pgdir"
    [ -n "$pgdir" ] && rm -rf "$pgdir"
    if [ -f "$demo/target_sshd.pid" ]; then
        kill "$(cat "$demo/target_sshd.pid")" 2>/dev/null || true
        rm -f "$demo/target_sshd.pid"
    fi
    echo "stopped; the nodes' own trails stay in $demo/gw-*/state/audit.db"
}

# PostgreSQL (scripts/lib/cluster.sh) in a temporary directory. The password is generated
# once and kept 0600 in $demo.
start_postgres() {
    pgdir=$(mktemp -d /tmp/tracegate-cluster-pg.XXXXXX)
    make_postgres_password "$demo/postgres-password"
    cluster_start_postgres "$postgres_bin" "$pgdir" "$postgres_port" "$demo/postgres-password" "$demo/initdb.log"
}

# The demo engineer's key and the demo target's host key (the policy names both).
make_demo_keys() {
    [ -f "$demo/demo_user" ] || ssh-keygen -q -t ed25519 -N "" -C demo@tracegate -f "$demo/demo_user"
    [ -f "$demo/target_host_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -f "$demo/target_host_ed25519"
}

# A real sshd as the demo target, trusting the nodes' upstream key (created by gw-1's
# `keys show` on first use).
start_target() {
    "$tracegate" keys show --config "$demo/gw-1/tracegate.yaml" | grep '^ssh-' > "$demo/target_authorized_keys"
    mkdir -p /run/sshd
    cat > "$demo/target_sshd_config" <<CONFIG
ListenAddress 127.0.0.1:$target_port
HostKey $demo/target_host_ed25519
AuthorizedKeysFile $demo/target_authorized_keys
PidFile $demo/target_sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
CONFIG
    /usr/sbin/sshd -f "$demo/target_sshd_config"
}

# One policy for the whole cluster: every node's configuration ends with this file, unchanged.
write_policy() {
    local target_key
    target_key=$(ssh-keygen -l -f "$demo/target_host_ed25519.pub" | cut -d' ' -f2)
    cat > "$demo/policy.yaml" <<POLICY
organizations: [retailer, provider]
users:
  - {name: demo, org: retailer, keys_file: "$demo/demo_user.pub"}
targets:
  - {name: demo, address: "127.0.0.1:$target_port", host_key: "$target_key", default_login: root, owner: retailer}
grants:
  - {to: {user: demo}, targets: {names: [demo]}, logins: [root]}
POLICY
}

# Node N: its own port, /readyz port and state directory; HAProxy's address trusted for
# PROXY v2 headers; the trail shipped to PostgreSQL (the password from the 0600 file).
write_node_config() {
    local node=$1 index=$2
    install -d -m 0700 "$demo/$node" "$demo/$node/state"
    {
        cluster_node_config "$node" $((2230 + index)) $((9230 + index)) "$demo/$node/state" \
            "$haproxy_source" "$postgres_port" "$demo/postgres-password"
        echo "limits: {drain_timeout: 5s}    # Ctrl-C ends open sessions after 5 s instead of 30"
        cat "$demo/policy.yaml"
    } > "$demo/$node/tracegate.yaml"
}

# The nodes share one host key and upstream key (engineers and targets see one gateway):
# the first node creates them, the others get a copy before their first start.
share_keys() {
    local node
    for node in "${nodes[@]:1}"; do
        rm -rf "$demo/$node/state/keys"
        cp -a "$demo/gw-1/state/keys" "$demo/$node/state/keys"
    done
}

start_node() {
    local node=$1 index=$2
    "$tracegate" serve --config "$demo/$node/tracegate.yaml" 2>"$demo/$node/serve.log" &
    children+=($!)
    wait_for_port $((2230 + index)) $! "$node (log: $demo/$node/serve.log)"
}

# The tested example, with loopback addresses: the frontend, HAProxy's source, our three
# servers; logs to stderr (a demo machine may have no syslog) and no daemon mode (-db).
start_haproxy() {
    cluster_haproxy_config config/examples/haproxy.cfg "$haproxy_port" "$haproxy_source" \
        gw-1:2231:9231 gw-2:2232:9232 gw-3:2233:9233 > "$demo/haproxy.cfg"
    haproxy -c -q -f "$demo/haproxy.cfg"
    haproxy -db -f "$demo/haproxy.cfg" 2>"$demo/haproxy.log" &
    children+=($!)
    wait_for_port "$haproxy_port" $! "haproxy (log: $demo/haproxy.log)"
}

# The heartbeat comes every 2 s: wait until all three nodes have reported once.
print_cluster_status() {
    local tries status=""
    for tries in $(seq 1 50); do
        status=$("$tracegate" cluster status --config "$demo/gw-1/tracegate.yaml" 2>&1) || true
        [ "$(grep -c '^gw-[0-9]  seen' <<<"$status")" -ge 3 ] && break
        sleep 0.2
    done
    echo "$status"
}

main() {
    [ "$(id -u)" -eq 0 ] || { echo "run as root: it installs packages and runs PostgreSQL as the postgres user" >&2; exit 1; }
    install_packages
    build_tracegate
    install -d -m 0700 var "$demo"
    trap stop_everything INT TERM EXIT

    start_postgres
    make_demo_keys
    write_policy
    local index
    for index in 1 2 3; do write_node_config "gw-$index" "$index"; done
    start_target
    share_keys
    "$tracegate" cluster migrate --config "$demo/gw-1/tracegate.yaml"
    for index in 1 2 3; do start_node "gw-$index" "$index"; done
    start_haproxy

    echo "[127.0.0.1]:$haproxy_port $(cut -d' ' -f1,2 "$demo/gw-1/state/keys/host_ed25519.pub")" > "$demo/known_hosts"
    cat <<HELP

Three Tracegate nodes are running behind HAProxy on 127.0.0.1:$haproxy_port. In another terminal:

  ssh -i $demo/demo_user -o UserKnownHostsFile=$demo/known_hosts -p $haproxy_port demo@127.0.0.1
  ssh -i $demo/demo_user -o UserKnownHostsFile=$demo/known_hosts -p $haproxy_port root@demo@127.0.0.1 'hostname'

  $tracegate cluster status --config $demo/gw-1/tracegate.yaml
  $tracegate audit events --config $demo/gw-1/tracegate.yaml       # every node's events
  $tracegate audit verify --config $demo/gw-1/tracegate.yaml       # every node's chain

Logs: $demo/gw-*/serve.log and $demo/haproxy.log. Stop with Ctrl-C.
(Each node's file differs from the others in its name and ports, so \`cluster status\` shows
their configuration hashes as a MISMATCH here.)

HELP
    print_cluster_status
    wait
}

main "$@"
