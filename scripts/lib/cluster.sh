# Shell functions shared by scripts/cluster-demo.sh and bench/cluster: a throwaway PostgreSQL
# from Debian's binaries, HAProxy from config/examples/haproxy.cfg with loopback addresses,
# and the head of a clustered node's configuration. Sourced, not run; every function takes
# its ports and paths as arguments, so the demo's fixed ports and the benchmark's free ones
# both fit. Needs root (PostgreSQL runs as the unprivileged `postgres` user).

# PostgreSQL's commands run as `postgres` from /, a directory that user may enter.
as_postgres() {
    (cd / && runuser -u postgres -- "$@")
}

# Returns once something accepts on 127.0.0.1:$1; fails if process $2 dies first.
wait_for_port() {
    local port=$1 pid=$2 name=$3 tries
    for tries in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$name exited; see its log" >&2; return 1; }
        sleep 0.1
    done
    echo "$name did not accept on port $port within 30 s" >&2
    return 1
}

# A port nothing is bound to at the moment on 127.0.0.1, below the kernel's ephemeral range
# (ip_local_port_range): a port chosen now and listened on later must not be taken meanwhile
# as the source port of some outgoing connection (ssh clients, HAProxy to the nodes).
free_port() {
    python3 - <<'PY'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for port in random.sample(range(10000, max(low, 10001)), min(2000, max(low - 10000, 1))):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port below %d" % low)
PY
}

# cluster_start_postgres BIN PGDIR PORT PASSWORD_FILE INITDB_LOG
# Creates a cluster in PGDIR/data (PGDIR: an empty directory the caller made, and removes),
# superuser `tracegate` with the password in PASSWORD_FILE (scram-sha-256 over TCP), starts
# it on 127.0.0.1:PORT (its socket in PGDIR, its log PGDIR/server.log) and creates the
# database `tracegate`. PostgreSQL refuses to run as root: PGDIR goes to `postgres`, and the
# password reaches initdb through a copy that user can read, deleted at once.
cluster_start_postgres() {
    local bin=$1 pgdir=$2 port=$3 password_file=$4 initdb_log=$5
    chown postgres:postgres "$pgdir"
    install -m 0600 -o postgres -g postgres "$password_file" "$pgdir/pwfile"
    as_postgres "$bin/initdb" -D "$pgdir/data" -U tracegate --pwfile "$pgdir/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >"$initdb_log"
    rm -f "$pgdir/pwfile"
    as_postgres "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
        -o "-k $pgdir -h 127.0.0.1 -p $port" start >/dev/null
    PGPASSWORD=$(cat "$password_file") "$bin/createdb" -h 127.0.0.1 -p "$port" -U tracegate tracegate
}

# cluster_stop_postgres BIN PGDIR: stops it if it runs (fast: open sessions are cut).
cluster_stop_postgres() {
    local bin=$1 pgdir=$2
    if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
        as_postgres "$bin/pg_ctl" -D "$pgdir/data" stop -m fast -w >/dev/null || true
    fi
}

# A new random password in FILE (mode 0600), unless FILE exists.
make_postgres_password() {
    [ -f "$1" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$1")
}

# cluster_haproxy_config EXAMPLE PORT SOURCE [NAME:SSH_PORT:CHECK_PORT]...
# Prints the tested example (EXAMPLE: config/examples/haproxy.cfg) with loopback addresses:
# the frontend on 127.0.0.1:PORT, HAProxy's source address SOURCE (the one the nodes trust),
# one server line per argument (127.0.0.1:SSH_PORT, health check on CHECK_PORT); logs to
# stderr (a machine may have no syslog). Lines in $HAPROXY_EXTRA_GLOBAL (e.g. a stats socket)
# go at the end of the `global` section. Run HAProxy with -db (no daemon mode).
cluster_haproxy_config() {
    local example=$1 port=$2 source=$3
    shift 3
    awk -v port="$port" -v source="$source" -v servers="$*" -v extra="${HAPROXY_EXTRA_GLOBAL:-}" '
        /^[[:space:]]*#/ { next }
        /^global/ { print; if (extra != "") print extra; next }
        /^[[:space:]]*log \/dev\/log/ { print "    log stderr format raw local0 info"; next }
        /^[[:space:]]*bind / { print "    bind 127.0.0.1:" port; next }
        /^[[:space:]]*source / { print "    source " source; next }
        /^[[:space:]]*server / {
            if (!done) {
                n = split(servers, list, " ")
                for (i = 1; i <= n; i++) {
                    split(list[i], s, ":")
                    printf "    server %s 127.0.0.1:%d check port %d\n", s[1], s[2], s[3]
                }
            }
            done = 1; next
        }
        { print }
    ' "$example"
}

# cluster_node_config NODE LISTEN_PORT METRICS_PORT STATE_DIR PROXY_SOURCE POSTGRES_PORT PASSWORD_FILE [DATABASE]
# Prints the head of a clustered node's tracegate.yaml (the caller appends limits and the
# policy): its own port and /readyz port on 127.0.0.1, its state directory, HAProxy's address
# trusted for PROXY v2 headers, the trail shipped to the database `tracegate` (the password
# from the 0600 file; DATABASE, default `tracegate`).
cluster_node_config() {
    local node=$1 listen=$2 metrics=$3 state=$4 proxy_source=$5 postgres_port=$6 password_file=$7
    local database=${8:-tracegate}
    cat <<NODE
listen: 127.0.0.1:$listen
state_dir: "$state"
metrics: {listen: "127.0.0.1:$metrics"}
proxy_protocol: {from: [$proxy_source]}
cluster:
  node: $node
  postgres: "postgresql://tracegate@127.0.0.1:$postgres_port/$database"
  password_file: "$password_file"
NODE
}
