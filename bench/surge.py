#!/usr/bin/env python3
"""bench/surge.py - a crisis day in two minutes: many engineers' shells stay open while
automation opens short exec sessions at a steady rate (issue 7, item 5).

Phases, against one set of ssh_config aliases (normally the gateway's g-t1..g-tN):
 1. hold: open --hold interactive pty sessions (`printf R; exec cat`), --parallel at a time,
    and keep them open through the whole run;
 2. steady: for --duration seconds, start --rate new `ssh ALIAS true` sessions per second
    (evenly spaced, round-robin over the aliases), each timed from spawn to exit;
 3. surge (optional, --surge-factor F): the same for --surge-duration seconds at F x rate,
    to find where the machine saturates;
 4. check: every held session must still echo a line typed into it; then all close.

Reported per phase: sessions started / ok / failed, the rate actually achieved (a launcher
that falls behind its schedule shows as lag), setup latency p50 / p99 / max, and CPU seconds
per new session of each cgroup named with --cpu-cgroup (gateway, targets) and of the clients,
so that saturation can be attributed. Exit status 1 if any session failed.

Usage:
  bench/surge.py -F SSH_CONFIG -H ALIAS[,ALIAS...] [--hold 400] [--parallel 16]
                 [--rate 50] [--duration 120] [--surge-factor 8] [--surge-duration 30]
                 [--max-inflight 600] [--cpu-cgroup NAME=PATH]... [--gateway-pid PID]
                 [--json OUT.json]
"""
import argparse
import json
import os
import selectors
import subprocess
import sys
import threading
import time

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench")
sys.path.insert(0, os.environ.get("TRACEGATE_BENCH_HARNESS", HARNESS))
import benchlib as bl  # noqa: E402


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class HeldSession:
    """One engineer's open shell: an ssh -tt whose remote side echoes what it reads."""

    def __init__(self, cfg, host):
        cmd = bl.ssh_cmd(cfg, host, "printf R; exec cat", tty=True)
        self.proc = bl.spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.started = time.monotonic()
        self.buffer = b""

    def read_available(self):
        try:
            data = os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return True
        if not data:
            return False
        self.buffer += data
        return True


def open_held(cfg, hosts, count, parallel, timeout):
    """Opens `count` sessions, at most `parallel` in set-up at once; returns (ready, failed, setup times)."""
    sel = selectors.DefaultSelector()
    ready, failed, setup = [], 0, []
    pending = {}
    next_host = 0
    deadline = time.monotonic() + timeout
    while (len(ready) + failed < count) and time.monotonic() < deadline:
        while len(pending) < parallel and len(ready) + failed + len(pending) < count:
            session = HeldSession(cfg, hosts[next_host % len(hosts)])
            next_host += 1
            pending[session.proc.stdout.fileno()] = session
            sel.register(session.proc.stdout, selectors.EVENT_READ, session)
        for key, _ in sel.select(0.5):
            session = key.data
            alive = session.read_available()
            if b"R" in session.buffer:
                setup.append(time.monotonic() - session.started)
                session.buffer = b""
                sel.unregister(session.proc.stdout)
                del pending[key.fd]
                ready.append(session)
            elif not alive:
                sel.unregister(session.proc.stdout)
                del pending[key.fd]
                bl.reap(session.proc)
                failed += 1
    for session in pending.values():
        sel.unregister(session.proc.stdout)
        bl.reap(session.proc)
        failed += 1
    return ready, failed, setup


def check_held(sessions, timeout):
    """Types a distinct line into every held session; counts those that echo it back."""
    sel = selectors.DefaultSelector()
    waiting = {}
    for index, session in enumerate(sessions):
        token = b"surge-%d\n" % index
        session.buffer = b""
        try:
            session.proc.stdin.write(token)
            session.proc.stdin.flush()
        except OSError:
            continue
        waiting[session.proc.stdout.fileno()] = (session, token.strip())
        sel.register(session.proc.stdout, selectors.EVENT_READ)
    ok = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for key, _ in sel.select(0.5):
            session, token = waiting[key.fd]
            alive = session.read_available()
            if token in session.buffer or not alive:
                ok += token in session.buffer
                sel.unregister(key.fileobj)
                del waiting[key.fd]
    return ok


class ExecLauncher:
    """Starts `ssh ALIAS true` on a fixed schedule and times each one in a reaper thread."""

    def __init__(self, cfg, hosts, max_inflight):
        self.cfg, self.hosts, self.max_inflight = cfg, hosts, max_inflight
        self.lock = threading.Lock()
        self.inflight = {}
        self.results = []  # (latency_s, ok)
        self.skipped = 0
        self.next_host = 0
        self.stop = False
        self.reaper = threading.Thread(target=self._reap, daemon=True)
        self.reaper.start()

    def launch(self):
        with self.lock:
            if len(self.inflight) >= self.max_inflight:
                self.skipped += 1   # the machine is saturated: counted, not queued
                return
            host = self.hosts[self.next_host % len(self.hosts)]
            self.next_host += 1
        cmd = bl.ssh_cmd(self.cfg, host, "true", extra=["-o", "ConnectTimeout=30"])
        proc = bl.spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with self.lock:
            self.inflight[proc.pid] = (proc, time.monotonic())

    def _reap(self):
        while not self.stop:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                time.sleep(0.002)
                continue
            now = time.monotonic()
            with self.lock:
                entry = self.inflight.pop(pid, None)
            if entry is None:
                continue
            proc, started = entry
            proc.returncode = os.waitstatus_to_exitcode(status)
            bl.forget(proc)
            with self.lock:
                self.results.append((now - started, proc.returncode == 0))

    def drain(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if not self.inflight:
                    return 0
            time.sleep(0.05)
        with self.lock:
            left = list(self.inflight.values())
        for proc, _ in left:
            bl.kill_group(proc)
        return len(left)

    def take(self):
        with self.lock:
            results, skipped = self.results, self.skipped
            self.results, self.skipped = [], 0
        return results, skipped


def run_phase(name, launcher, rate, duration, cgroups, client_cg, gateway_pid, drain_timeout=60):
    interval = 1.0 / rate
    cpu_before = {k: bl.cg_cpu_s(v) for k, v in cgroups.items()}
    client_before = client_cg.snap()
    start = time.monotonic()
    launched, max_lag, rss_peak = 0, 0.0, rss_kb(gateway_pid) if gateway_pid else None
    while True:
        due = start + launched * interval
        now = time.monotonic()
        # A saturated machine cannot launch on schedule: the phase still ends on time, and
        # the rate it reached is what is reported.
        if due - start >= duration or now - start >= duration:
            break
        if due > now:
            time.sleep(due - now)
        max_lag = max(max_lag, time.monotonic() - due)
        launcher.launch()
        launched += 1
        if gateway_pid and launched % max(1, int(rate)) == 0:
            rss_peak = max(rss_peak or 0, rss_kb(gateway_pid) or 0)
    elapsed_launch = time.monotonic() - start
    stuck = launcher.drain(drain_timeout)
    results, skipped = launcher.take()
    latencies = sorted(r[0] for r in results)
    ok = sum(1 for r in results if r[1])
    cpu = {k: round(bl.cg_cpu_s(v) - cpu_before[k], 2) for k, v in cgroups.items()}
    client_after = client_cg.snap()
    if client_after is not None and client_before is not None:
        cpu["clients"] = round(client_after - client_before, 2)
    phase = {
        "phase": name, "target_rate_per_s": rate, "duration_s": duration,
        "launched": launched - skipped, "skipped_saturated": skipped, "ok": ok,
        "failed": len(results) - ok + stuck, "still_running_after_drain": stuck,
        "achieved_rate_per_s": round((launched - skipped) / elapsed_launch, 1),
        "ok_rate_per_s": round(ok / (time.monotonic() - start), 1),
        "launcher_max_lag_s": round(max_lag, 3),
        "setup_p50_ms": round(bl.pct(latencies, 50) * 1000, 1) if latencies else None,
        "setup_p99_ms": round(bl.pct(latencies, 99) * 1000, 1) if latencies else None,
        "setup_max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "cpu_s": cpu,
        "cpu_ms_per_session": {k: round(v * 1000 / max(1, ok), 1) for k, v in cpu.items()},
        "gateway_rss_peak_kb": rss_peak,
        "loadavg_after": open("/proc/loadavg").read().split()[:3],
    }
    print("== %s: %s" % (name, json.dumps(phase)), flush=True)
    return phase


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-F", dest="cfg", required=True)
    ap.add_argument("-H", dest="hosts", required=True)
    ap.add_argument("--hold", type=int, default=400)
    ap.add_argument("--parallel", type=int, default=16)
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--duration", type=float, default=120)
    ap.add_argument("--surge-factor", type=float, default=0)
    ap.add_argument("--surge-duration", type=float, default=30)
    ap.add_argument("--max-inflight", type=int, default=600)
    ap.add_argument("--cpu-cgroup", action="append", default=[])
    ap.add_argument("--gateway-pid", type=int)
    ap.add_argument("--json")
    a = ap.parse_args()

    bl.install_cleanup()
    bl.raise_nofile()
    hosts = bl.split_hosts(a.hosts)
    cgroups = bl.parse_cgroups(a.cpu_cgroup)
    client_cg = bl.ClientCgroup()
    report = {"hosts": hosts, "hold": a.hold, "rate": a.rate, "duration": a.duration,
              "machine_before": bl.machine_state(), "phases": []}
    rss_idle = rss_kb(a.gateway_pid) if a.gateway_pid else None

    t0 = time.monotonic()
    held, hold_failed, hold_setup = open_held(a.cfg, hosts, a.hold, a.parallel, timeout=max(120, a.hold))
    hold_setup.sort()
    report["hold_phase"] = {
        "ready": len(held), "failed": hold_failed, "seconds": round(time.monotonic() - t0, 1),
        "setup_p50_ms": round(bl.pct(hold_setup, 50) * 1000, 1) if hold_setup else None,
        "setup_p99_ms": round(bl.pct(hold_setup, 99) * 1000, 1) if hold_setup else None,
        "gateway_rss_kb_idle": rss_idle,
        "gateway_rss_kb_holding": rss_kb(a.gateway_pid) if a.gateway_pid else None,
    }
    print("== hold: %s" % json.dumps(report["hold_phase"]), flush=True)

    launcher = ExecLauncher(a.cfg, hosts, a.max_inflight)
    report["phases"].append(run_phase("steady", launcher, a.rate, a.duration, cgroups, client_cg, a.gateway_pid))
    if a.surge_factor > 0:
        report["phases"].append(run_phase("surge x%g" % a.surge_factor, launcher, a.rate * a.surge_factor,
                                          a.surge_duration, cgroups, client_cg, a.gateway_pid))
    launcher.stop = True

    echoed = check_held(held, timeout=60)
    report["held_still_echoing"] = echoed
    print("== held sessions still echoing: %d of %d" % (echoed, len(held)), flush=True)
    for session in held:
        bl.reap(session.proc)
    time.sleep(3)
    report["gateway_rss_kb_after"] = rss_kb(a.gateway_pid) if a.gateway_pid else None
    report["machine_after"] = bl.machine_state()
    client_cg.close()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=2)
    failures = hold_failed + (len(held) - echoed) + report["phases"][0]["failed"]
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
