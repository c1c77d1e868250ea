#!/usr/bin/env python3
"""bench/cluster.py - the measuring half of bench/cluster (issue 19's benchmark line).

Subcommands (bench/cluster runs them; PostgreSQL is reached through psql with the PG*
environment variables the script exports):

  wait-up SOCKET BACKEND COUNT [--timeout S]
      until COUNT servers of BACKEND are UP in HAProxy's `show stat` (stats socket SOCKET)
  setup --ssh-config F --hosts A,B --conc C --total N --nodes K --json OUT
        [--measure NAME=PID]... [--haproxy-socket S] [--backend B] [--warmup W] [--timeout S]
      N complete `ssh -F F ALIAS true` sessions with C in flight at all times, through HAProxy;
      wall time of each (p50/p99), sessions/s, and the CPU seconds of every measured process
      tree (/proc/PID/stat utime+stime, plus cutime+cstime: children it reaped) from before the
      first session until PostgreSQL's trail has stopped growing (the shipping of the phase's
      events counts); HAProxy's per-server session counters tell how many sessions each node
      served
  ship --node NAME --events E --json OUT [--database D] [--measure NAME=PID]... [--timeout S]
       [--log F] [--pidfile F] -- BIN serve --config FILE
      starts the node (its CPU counted from zero), polls `SELECT max(id) FROM events WHERE node = NAME` every 50 ms until it reaches E;
      reports events/s from the poll's start (the node was just started) and from the first
      shipped row, and CPU seconds per 1,000 events; then stops the node
  count-events DB
      prints the number of events and the largest id in a node's SQLite trail
  report RESULTS [--cores C] [--machines 1,2,3,4]
      RESULTS/report.txt and RESULTS/report.json from RESULTS/raw/*.json and RESULTS/meta.txt
"""
import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ /proc
def proc_table():
    """pid -> (ppid, own cpu ticks, reaped children's cpu ticks)"""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rindex(")") + 2:].split()
        # rest[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17
        table[int(name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14]))
    return table


def tree_cpu_s(root, table):
    """CPU seconds of ROOT and its live descendants, with what each reaped (cutime+cstime)."""
    if root not in table:
        return None
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        _, own, reaped = table[pid]
        total += own + reaped
        todo.extend(children.get(pid, []))
    return total / TICK


def snapshot(measure):
    table = proc_table()
    out = {}
    for name, pids in measure.items():
        values = [tree_cpu_s(p, table) for p in pids]
        out[name] = sum(v for v in values if v is not None)
    return out


def parse_measure(items):
    measure = {}
    for item in items:
        name, _, pids = item.partition("=")
        measure[name] = [int(p) for p in pids.replace(",", " ").split()]
    return measure


def machine_busy_s():
    """CPU seconds the whole machine spent outside idle and iowait, all cores."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / TICK


# ------------------------------------------------------------------ HAProxy
def haproxy_stat(sock_path, backend):
    """server name -> (status, total sessions) for BACKEND's servers."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(sock_path)
    s.sendall(b"show stat\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    lines = data.decode().splitlines()
    head = lines[0].lstrip("# ").split(",")
    col = {n: i for i, n in enumerate(head)}
    out = {}
    for line in lines[1:]:
        f = line.split(",")
        if len(f) < len(head) or f[0] != backend or f[1] in ("FRONTEND", "BACKEND"):
            continue
        out[f[1]] = (f[col["status"]], int(f[col["stot"]] or 0))
    return out


def cmd_wait_up(a):
    deadline = time.monotonic() + a.timeout
    seen = {}
    while time.monotonic() < deadline:
        try:
            seen = haproxy_stat(a.socket, a.backend)
            if sum(1 for st, _ in seen.values() if st.startswith("UP")) >= a.count:
                return 0
        except OSError:
            pass
        time.sleep(0.2)
    print("HAProxy servers not all UP after %ss: %s" % (a.timeout, seen), file=sys.stderr)
    return 1


# ------------------------------------------------------------------ PostgreSQL
def psql(sql, database=None):
    r = subprocess.run(["psql", "-XAtq"] + (["-d", database] if database else []) + ["-c", sql], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError("psql: " + r.stderr.strip())
    return r.stdout.strip()


def settle(timeout=60.0, quiet=1.0):
    """Waits until the shared trail has not grown for QUIET seconds (the shippers look every
    200 ms): the phase's events are in PostgreSQL. Returns the seconds waited."""
    t0 = time.monotonic()
    last, since = None, time.monotonic()
    while time.monotonic() - t0 < timeout:
        n = psql("SELECT count(*) FROM events")
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.1)
    return time.monotonic() - t0


# ------------------------------------------------------------------ set-up rate
def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def one_session(cfg, alias, timeout):
    t0 = time.perf_counter()
    try:
        r = subprocess.run(["ssh", "-F", cfg, alias, "true"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout after %ss" % timeout
    if r.returncode != 0:
        return None, "rc=%d %s" % (r.returncode, r.stderr.decode(errors="replace").strip()[-200:])
    return time.perf_counter() - t0, None


def run_sessions(cfg, hosts, conc, total, timeout):
    lat, errors = [], []
    lock = threading.Lock()

    def task(i):
        dt, err = one_session(cfg, hosts[i % len(hosts)], timeout)
        with lock:
            (lat.append(dt) if dt is not None else errors.append(err))

    with ThreadPoolExecutor(max_workers=conc) as ex:
        list(ex.map(task, range(total)))
    return lat, errors


def cmd_setup(a):
    hosts = a.hosts.split(",")
    measure = parse_measure(a.measure)
    if a.warmup:
        run_sessions(a.ssh_config, hosts, min(a.conc, a.warmup), a.warmup, a.timeout)
        settle()
    stat0 = haproxy_stat(a.haproxy_socket, a.backend) if a.haproxy_socket else {}
    cpu0, busy0 = snapshot(measure), machine_busy_s()
    children0 = os.times()
    t0 = time.perf_counter()
    lat, errors = run_sessions(a.ssh_config, hosts, a.conc, a.total, a.timeout)
    elapsed = time.perf_counter() - t0
    settled = settle()
    cpu1, busy1 = snapshot(measure), machine_busy_s()
    children1 = os.times()
    stat1 = haproxy_stat(a.haproxy_socket, a.backend) if a.haproxy_socket else {}
    ok = len(lat)
    cpu = {k: round(cpu1[k] - cpu0[k], 3) for k in measure}
    cpu["ssh clients"] = round((children1.children_user + children1.children_system)
                               - (children0.children_user + children0.children_system), 3)
    per_node = {name: stat1[name][1] - stat0.get(name, ("", 0))[1] for name in stat1}
    res = {
        "nodes": a.nodes, "concurrency": a.conc, "total": a.total, "ok": ok,
        "failed": len(errors), "errors_sample": sorted(set(errors))[:5],
        "elapsed_s": round(elapsed, 3), "settle_s": round(settled, 2),
        "sessions_per_s": round(ok / elapsed, 2) if elapsed > 0 else None,
        "latency_ms": {k: (round(1000 * pct(lat, p), 1) if lat else None)
                       for k, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
        "cpu_s": cpu,
        "cpu_ms_per_session": {k: (round(1000 * v / ok, 2) if ok else None) for k, v in cpu.items()},
        "sessions_per_node": per_node,
        "cpu_ms_per_node_session": {k: (round(1000 * cpu[k] / per_node[k], 2) if per_node.get(k) else None)
                                    for k in measure if k in per_node},
        "machine_busy_s": round(busy1 - busy0, 2),
        "machine_busy_cores": round((busy1 - busy0) / (elapsed + settled), 2),
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)
    L = res["latency_ms"]
    print("  %d node(s), %2d concurrent: %4d ok %3d failed  %7.2f sessions/s  p50 %6.1f ms  p99 %6.1f ms"
          % (a.nodes, a.conc, ok, len(errors), res["sessions_per_s"] or 0, L["p50"] or 0, L["p99"] or 0))
    print("    CPU ms per session: " + "  ".join("%s %.2f" % (k, v or 0) for k, v in res["cpu_ms_per_session"].items()))
    print("    sessions per node: " + "  ".join("%s %d" % kv for kv in sorted(per_node.items())))
    for e in res["errors_sample"]:
        print("    error: " + e)
    return 0 if ok and not errors else 1


# ------------------------------------------------------------------ shipping
def cmd_ship(a):
    measure = parse_measure(a.measure)
    cpu0 = snapshot(measure)
    t0 = time.perf_counter()
    log = open(a.log, "w") if a.log else subprocess.DEVNULL
    node = subprocess.Popen(a.command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % node.pid)
    measure[a.node] = [node.pid]
    cpu0[a.node] = 0.0   # a new process
    first = None
    shipped = 0
    sql = "SELECT coalesce(max(id), 0) FROM events WHERE node = '%s'" % a.node.replace("'", "''")
    while time.perf_counter() - t0 < a.timeout and node.poll() is None:
        try:
            shipped = int(psql(sql, a.database))
        except RuntimeError:
            shipped = 0   # the node may not have created its first rows yet
        now = time.perf_counter()
        if shipped and first is None:
            first = (now - t0, shipped)
        if shipped >= a.events:
            break
        time.sleep(0.05)
    done = time.perf_counter() - t0
    cpu1 = snapshot(measure)
    cpu = {k: round(cpu1[k] - cpu0[k], 3) for k in measure}
    node.terminate()
    try:
        node.wait(15)
    except subprocess.TimeoutExpired:
        node.kill()
        node.wait()
    if a.pidfile:
        os.unlink(a.pidfile)
    complete = shipped >= a.events
    counted = min(shipped, a.events)   # beyond: the node's own gateway.start events
    res = {
        "node": a.node, "events": a.events, "shipped": shipped, "complete": complete,
        "seconds_from_start": round(done, 3),
        "first_row_after_s": round(first[0], 3) if first else None,
        "events_per_s_from_start": round(counted / done, 1) if done > 0 else None,
        "events_per_s_after_first_row": (round((counted - first[1]) / (done - first[0]), 1)
                                         if first and done > first[0] and counted > first[1] else None),
        "cpu_s": cpu,
        "cpu_ms_per_1000_events": {k: round(1e6 * v / counted, 2) if counted else None for k, v in cpu.items()},
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)
    print("  shipped %d of %d events in %.2f s: %s events/s from the node's start, %s events/s after the first row (%.2f s)"
          % (shipped, a.events, done, res["events_per_s_from_start"], res["events_per_s_after_first_row"],
             res["first_row_after_s"] or 0))
    print("    CPU ms per 1,000 events: " + "  ".join("%s %.1f" % (k, v or 0) for k, v in res["cpu_ms_per_1000_events"].items()))
    return 0 if complete else 1


def cmd_count_events(a):
    db = sqlite3.connect(a.db)
    n, m = db.execute("SELECT count(*), coalesce(max(id), 0) FROM events").fetchone()
    print(n, m)


# ------------------------------------------------------------------ report
def cmd_report(a):
    raw = os.path.join(a.results, "raw")
    meta = {}
    if os.path.exists(os.path.join(a.results, "meta.txt")):
        for line in open(os.path.join(a.results, "meta.txt")):
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    setups, ship = [], None
    for name in sorted(os.listdir(raw)) if os.path.isdir(raw) else []:
        with open(os.path.join(raw, name)) as f:
            data = json.load(f)
        if name.startswith("setup-"):
            setups.append(data)
        elif name == "ship.json":
            ship = data
    setups.sort(key=lambda r: (r["nodes"], r["concurrency"]))
    out = []
    w = out.append
    w("Tracegate cluster benchmark (bench/cluster)%s" % ("  --quick: plumbing check, not a measurement" if meta.get("quick") == "1" else ""))
    for k in ("date", "commit", "binary", "command", "nproc", "cpu_model", "postgres", "haproxy", "openssh"):
        if k in meta:
            w("  %-10s %s" % (k, meta[k]))
    w("")
    w("Connection set-up through HAProxy (complete `ssh ALIAS true` sessions; CPU in ms per session,")
    w("every node's CPU summed as `gateway`; per node: its CPU over the sessions HAProxy sent it)")
    w("  nodes conc    ok fail  sessions/s  p50 ms  p99 ms | gateway haproxy postgres targets clients | per node (ms/session)              | machine busy (cores)")
    for r in setups:
        c = r["cpu_ms_per_session"]
        gw = sum(v for k, v in c.items() if k.startswith("gw-") and v is not None)
        per = "  ".join("%s %s" % (k, v) for k, v in sorted(r["cpu_ms_per_node_session"].items()))
        w("  %5d %4d %5d %4d %11.2f %7.1f %7.1f | %7.2f %7.2f %8.2f %7.2f %7.2f | %-34s | %.2f of %s" % (
            r["nodes"], r["concurrency"], r["ok"], r["failed"], r["sessions_per_s"] or 0,
            r["latency_ms"]["p50"] or 0, r["latency_ms"]["p99"] or 0, gw, c.get("haproxy") or 0,
            c.get("postgres") or 0, c.get("targets") or 0, c.get("ssh clients") or 0, per,
            r["machine_busy_cores"], meta.get("nproc", "?")))
        r["gateway_cpu_ms_per_session"] = round(gw, 2)
    w("")
    if ship:
        w("Events shipped into an empty PostgreSQL (a node started on a `tracegate audit bench` trail)")
        w("  the trail's %d events (max id in PostgreSQL %d: the node's own start events follow them) in %s s from the node's start:" % (
            ship["events"], ship["shipped"], ship["seconds_from_start"]))
        w("  %s events/s; after the first shipped row (%s s after the start): %s events/s" % (
            ship["events_per_s_from_start"], ship["first_row_after_s"], ship["events_per_s_after_first_row"]))
        if not ship["complete"]:
            w("  INCOMPLETE: the node had not shipped the whole trail when the wait ended")
        w("  CPU ms per 1,000 events: " + "  ".join("%s %s" % kv for kv in ship["cpu_ms_per_1000_events"].items()))
        w("")
    prediction = None
    if setups:
        # The most CPU a session cost the gateway in any phase: the conservative figure.
        worst = max(setups, key=lambda r: r["gateway_cpu_ms_per_session"])
        gw_ms = worst["gateway_cpu_ms_per_session"]
        ha_ms = max(r["cpu_ms_per_session"].get("haproxy") or 0 for r in setups)
        pg_ms = max(r["cpu_ms_per_session"].get("postgres") or 0 for r in setups)
        machines = [int(x) for x in a.machines.split(",")]
        prediction = {
            "assumption": ("gateway nodes alone on N machines of C cores each, all cores usable, CPU the "
                           "only limit, a session costing each node what it cost here (the highest gateway "
                           "CPU per session of all phases); HAProxy, PostgreSQL and the clients on other "
                           "machines; no saturation of the network, of HAProxy or of PostgreSQL"),
            "gateway_cpu_ms_per_session": gw_ms, "from_phase": {"nodes": worst["nodes"], "concurrency": worst["concurrency"]},
            "sessions_per_s_per_core": round(1000 / gw_ms, 1) if gw_ms else None,
            "cores_per_machine": a.cores,
            "sessions_per_s": {str(n): round(n * a.cores * 1000 / gw_ms, 1) if gw_ms else None for n in machines},
            "haproxy_cpu_ms_per_session": ha_ms,
            "haproxy_sessions_per_s_per_core": round(1000 / ha_ms, 1) if ha_ms else None,
            "postgres_cpu_ms_per_session": pg_ms,
            "postgres_sessions_per_s_per_core": round(1000 / pg_ms, 1) if pg_ms else None,
        }
        w("Prediction (an extrapolation, not a measurement). Here the %s cores are shared by every node," % meta.get("nproc", "?"))
        w("HAProxy, PostgreSQL, the targets and the ssh clients, so the rates above are this machine's, not")
        import textwrap
        w(textwrap.fill("a node's. Assumption: " + prediction["assumption"] + ".", 96))
        if gw_ms:
            w("  gateway CPU per session %.2f ms (%d node(s), %d concurrent) -> %.1f sessions/s per core" % (
                gw_ms, worst["nodes"], worst["concurrency"], 1000 / gw_ms))
            for n in machines:
                w("  %d machine(s) x %d cores: about %s sessions/s" % (n, a.cores, prediction["sessions_per_s"][str(n)]))
        if ha_ms:
            w("  HAProxy %.2f ms per session: one core forwards about %.0f sessions/s" % (ha_ms, 1000 / ha_ms))
        if pg_ms:
            w("  PostgreSQL %.2f ms per session (its events shipped): one core takes about %.0f sessions/s" % (pg_ms, 1000 / pg_ms))
        w("  Whichever of these is smallest for a given N is the cluster's limit.")
    text = "\n".join(out) + "\n"
    with open(os.path.join(a.results, "report.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(a.results, "report.json"), "w") as f:
        json.dump({"meta": meta, "setup": setups, "ship": ship, "prediction": prediction}, f, indent=1)
    sys.stdout.write(text)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("wait-up")
    p.add_argument("socket"); p.add_argument("backend"); p.add_argument("count", type=int)
    p.add_argument("--timeout", type=float, default=30)
    p = sub.add_parser("setup")
    p.add_argument("--ssh-config", required=True); p.add_argument("--hosts", required=True)
    p.add_argument("--conc", type=int, required=True); p.add_argument("--total", type=int, required=True)
    p.add_argument("--nodes", type=int, required=True); p.add_argument("--json", required=True)
    p.add_argument("--measure", action="append", default=[])
    p.add_argument("--haproxy-socket"); p.add_argument("--backend", default="tracegate")
    p.add_argument("--warmup", type=int, default=0); p.add_argument("--timeout", type=float, default=60)
    p = sub.add_parser("ship")
    p.add_argument("--node", required=True); p.add_argument("--events", type=int, required=True)
    p.add_argument("--json", required=True); p.add_argument("--measure", action="append", default=[])
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--database", help="the database the node ships to (default: $PGDATABASE)")
    p.add_argument("--log", help="the node's output"); p.add_argument("--pidfile", help="the node's pid, for cleanup")
    p.add_argument("command", nargs="+", help="-- BIN serve --config FILE: the node, started here")
    p = sub.add_parser("count-events")
    p.add_argument("db")
    p = sub.add_parser("report")
    p.add_argument("results"); p.add_argument("--cores", type=int, default=2)
    p.add_argument("--machines", default="1,2,3,4")
    a = ap.parse_args()
    return {"wait-up": cmd_wait_up, "setup": cmd_setup, "ship": cmd_ship,
            "count-events": cmd_count_events, "report": cmd_report}[a.cmd](a) or 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
