#!/usr/bin/env python3
"""bench/oversight.py - issue 15's benchmark: a watched session against the same session
unwatched. Keystroke echo p99 and bulk throughput of an engineer's session, first with
nobody watching, then with three watchers (`ssh -tt gateway watch ID`), one of them
stopped with SIGSTOP for the whole run. Goal: within 10 % of the unwatched figures (a
watcher reads a copy through a bounded queue; a stalled one skips ahead and must never
slow the session).

Runs against a gateway that is already running, whose policy lets ENGINEER reach TARGET
and WATCHER list and watch that target's sessions, e.g.:

    oversight:
      - {to: {user: carol}, sessions: {targets: {names: [db-01]}}, may: [list, watch]}

Usage:
    bench/oversight.py --gateway 127.0.0.1:2222 \\
        --engineer-key keys/bob --engineer LOGIN@TARGET \\
        --watcher-key keys/carol --watcher carol \\
        [--known-hosts FILE] [--keystrokes 500] [--bulk 256M] [--runs 3] [--json OUT]

Each client is the real OpenSSH client on a real pseudo-terminal (python's pty). Not a
test: it prints the figures and whether they meet the goal, and exits 1 when they do not.
"""
import argparse, json, os, pty, re, select, signal, statistics, subprocess, sys, time

def ssh_base(args, key, user):
    host, port = args.gateway.rsplit(":", 1)
    base = ["ssh", "-p", port, "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "LogLevel=ERROR"]
    if args.known_hosts:
        base += ["-o", "UserKnownHostsFile=" + args.known_hosts, "-o", "StrictHostKeyChecking=yes"]
    else:
        base += ["-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no"]
    return base + ["-l", user, host]

class Terminal:
    """A program on a pty; output is drained continuously unless stopped."""
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.output = bytearray()

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.output.extend(data)
        return data

    def expect(self, needle, timeout=20):
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline:
                raise RuntimeError("did not see %r; saw %r" % (needle, bytes(self.output[-400:])))
            self.read(0.1)

    def write(self, data):
        os.write(self.fd, data)

    def close(self):
        for sig in (signal.SIGCONT, signal.SIGTERM):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)

def session_id(args, command_marker):
    """The id of the engineer's session running COMMAND_MARKER, as the watcher's `live` lists it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        out = subprocess.run(ssh_base(args, args.watcher_key, args.watcher) + ["live"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if command_marker in line or (command_marker == "shell" and " shell " in line):
                return line.split()[0]
        time.sleep(0.2)
    raise RuntimeError("the engineer's session never appeared in live")

def start_watchers(args, sid):
    """Three watchers, the first stopped. Their ssh clients run at `nice -n WATCHER_NICE`
    and their terminals are read by a process of their own at the same niceness: on a
    2-core machine they stand for watchers on their own machines, and neither their clients'
    decryption nor this script's reading of their screens is measured as the gateway's cost
    (a watched run still pays whatever the gateway does for them)."""
    watchers = []
    for index in range(3):
        t = Terminal(["nice", "-n", str(args.watcher_nice)] + ssh_base(args, args.watcher_key, args.watcher)
                     + ["-tt", "watch " + sid])
        t.expect(b"tracegate: watching")
        watchers.append(t)
    os.kill(watchers[0].pid, signal.SIGSTOP)  # the stalled watcher: its client reads nothing
    return watchers, start_drainer([t.fd for t in watchers[1:]], args.watcher_nice)

def start_drainer(fds, niceness):
    """A child process that reads the running watchers' terminals until they close."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.nice(niceness)
        while fds:
            ready, _, _ = select.select(fds, [], [], 1.0)
            for fd in ready:
                try:
                    if not os.read(fd, 65536):
                        fds.remove(fd)
                except OSError:
                    fds.remove(fd)
    finally:
        os._exit(0)

def stop_watchers(watchers, drainer):
    if drainer:
        os.kill(drainer, signal.SIGKILL)
        os.waitpid(drainer, 0)
    for t in watchers:
        t.close()

def echo_p99(args, watched):
    engineer = Terminal(ssh_base(args, args.engineer_key, args.engineer) + ["-tt"])
    watchers, drainer = [], None
    try:
        engineer.write(b"echo READY$((40+2))\r")
        engineer.expect(b"READY42", 30)
        # Raw, no echo of its own: cat echoes each byte back, one round trip per keystroke.
        engineer.write(b"stty raw -echo; echo GO$((6*7)); cat\r")
        engineer.expect(b"GO42")
        if watched:
            watchers, drainer = start_watchers(args, session_id(args, "shell"))
        latencies = []
        for i in range(args.keystrokes):
            byte = bytes([97 + i % 26])
            before = len(engineer.output)
            started = time.perf_counter()
            engineer.write(byte)
            while byte not in engineer.output[before:]:
                engineer.read(5)
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        return latencies[int(len(latencies) * 0.99) - 1] * 1000
    finally:
        stop_watchers(watchers, drainer)
        engineer.close()

def bulk_mib_per_s(args, watched):
    marker = "bench-bulk-%d" % os.getpid()
    command = ": %s; sleep %d; head -c %s /dev/zero | tr '\\0' x; echo %s-done" % (marker, 3 if watched else 0, args.bulk, marker)
    engineer = Terminal(ssh_base(args, args.engineer_key, args.engineer) + ["-tt", command])
    watchers, drainer = [], None
    try:
        if watched:
            watchers, drainer = start_watchers(args, session_id(args, marker))
        started, first = None, len(engineer.output)
        done = (marker + "-done").encode()
        # Only the newest bytes are searched for the end mark: searching the whole output on
        # every read made the loop quadratic, and the script, not the session, the bottleneck.
        while done not in engineer.output[max(first, len(engineer.output) - 65536 - len(done)):]:
            data = engineer.read(10)
            # The clock starts at the bulk's first byte: the watchers' join notices arrive on
            # the same terminal during the pause before it and must not start it early.
            if started is None and b"x" in data:
                started = time.perf_counter()
                first = len(engineer.output) - len(data) + data.index(b"x")
        elapsed = time.perf_counter() - started
        return (len(engineer.output) - first) / elapsed / 1048576
    finally:
        stop_watchers(watchers, drainer)
        engineer.close()

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--engineer-key", required=True)
    parser.add_argument("--engineer", required=True, help="LOGIN@TARGET")
    parser.add_argument("--watcher-key", required=True)
    parser.add_argument("--watcher", required=True)
    parser.add_argument("--known-hosts")
    parser.add_argument("--keystrokes", type=int, default=500)
    parser.add_argument("--bulk", default="256M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--watcher-nice", type=int, default=19,
                        help="niceness of the watchers' ssh clients and of their reader (0: compete as equals)")
    args = parser.parse_args()

    results = {}
    for name, measure in (("echo_p99_ms", echo_p99), ("bulk_mib_s", bulk_mib_per_s)):
        # Unwatched and watched runs alternate, so that the machine's drift over the workload
        # falls on both sides alike.
        values = {False: [], True: []}
        for _ in range(args.runs):
            for watched in (False, True):
                values[watched].append(measure(args, watched))
        for watched in (False, True):
            results["%s_%s" % (name, "watched" if watched else "unwatched")] = statistics.median(values[watched])
    echo_ratio = results["echo_p99_ms_watched"] / results["echo_p99_ms_unwatched"]
    bulk_ratio = results["bulk_mib_s_watched"] / results["bulk_mib_s_unwatched"]
    results.update(echo_ratio=echo_ratio, bulk_ratio=bulk_ratio,
                   meets_goal=echo_ratio <= 1.10 and bulk_ratio >= 0.90)
    print("keystroke echo p99: %.2f ms unwatched, %.2f ms with 3 watchers (1 stopped): %.2fx"
          % (results["echo_p99_ms_unwatched"], results["echo_p99_ms_watched"], echo_ratio))
    print("bulk throughput:    %.1f MiB/s unwatched, %.1f MiB/s with 3 watchers (1 stopped): %.2fx"
          % (results["bulk_mib_s_unwatched"], results["bulk_mib_s_watched"], bulk_ratio))
    print("goal (within 10 %%): %s" % ("met" if results["meets_goal"] else "NOT met"))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    sys.exit(0 if results["meets_goal"] else 1)

if __name__ == "__main__":
    main()
