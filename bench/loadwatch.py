#!/usr/bin/env python3
"""loadwatch.py - how busy the machine is, and how much of it is someone else.

Usage: loadwatch.py OUT.jsonl [INTERVAL_S]

Every INTERVAL_S seconds (default 5) appends one JSON line:
  t          unix time
  busy_pct   CPU busy over the interval, % of all cores (from /proc/stat)
  ours_pct   CPU charged to the benchmark's cgroups (cgroup v2 names that
             start with "sshbench": the harness's targets, jump host and
             clients, the gateway, bench/run itself), % of all cores
  other_pct  busy_pct - ours_pct: other users of the machine (their builds,
             tests); approximate, since a cgroup removed during the interval
             loses its last share and interrupt time is charged loosely
  loadavg    the 1, 5, 15 minute load averages
bench/run also writes phase marks into the same file; report.py summarises
other_pct per workload. Standard library only. Stops on SIGTERM.
"""
import json
import os
import signal
import sys
import time


def cgroup2_root():
    with open("/proc/mounts") as f:
        for line in f:
            parts = line.split()
            if len(parts) > 2 and parts[2] == "cgroup2":
                return parts[1]
    return None


def ours_usec(root):
    """{cgroup name: CPU usec} for the benchmark's cgroups that exist now."""
    total = {}
    if not root:
        return total
    try:
        names = os.listdir(root)
    except OSError:
        return total
    for name in names:
        if not name.startswith("sshbench"):
            continue
        try:
            with open(os.path.join(root, name, "cpu.stat")) as f:
                for line in f:
                    if line.startswith("usage_usec"):
                        total[name] = int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def cpu_busy_ticks():
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    # user nice system idle iowait irq softirq [steal guest...]: guest time is
    # already inside user, and steal is not this machine's work
    return sum(vals[:7]) - idle


def main():
    out = sys.argv[1]
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    hz = os.sysconf("SC_CLK_TCK")
    ncpu = os.cpu_count() or 1
    root = cgroup2_root()
    running = [True]
    signal.signal(signal.SIGTERM, lambda s, f: running.__setitem__(0, False))
    signal.signal(signal.SIGINT, lambda s, f: running.__setitem__(0, False))
    t0, b0, o0 = time.time(), cpu_busy_ticks(), ours_usec(root)
    while running[0]:
        end = time.time() + interval
        while running[0] and time.time() < end:
            time.sleep(0.2)
        t1, b1, o1 = time.time(), cpu_busy_ticks(), ours_usec(root)
        dt = t1 - t0
        if dt <= 0.5:
            break
        busy = 100.0 * (b1 - b0) / hz / dt / ncpu
        # a new cgroup counts whole; one that vanished loses its last share
        used = sum(v - o0.get(k, 0) for k, v in o1.items())
        ours = max(0.0, 100.0 * used / 1e6 / dt / ncpu)
        rec = {"t": round(t1, 1), "busy_pct": round(busy, 1), "ours_pct": round(min(ours, busy), 1),
               "other_pct": round(max(0.0, busy - ours), 1),
               "loadavg": open("/proc/loadavg").read().split()[:3]}
        with open(out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        t0, b0, o0 = t1, b1, o1


if __name__ == "__main__":
    main()
