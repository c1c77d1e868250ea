#!/usr/bin/env python3
"""report.py - the bench/run report: every figure for direct | ssh -J |
Tracegate side by side, the ratios Tracegate / ssh -J and Tracegate / direct,
issue 6's targets checked (PASS / FAIL), the machine and how loaded it was.

Usage: report.py RESULTS [--compare OTHER/report.json]

Reads what bench/run left in RESULTS (raw/WORKLOAD/VARIANT/*.json from the
harness's run-all.sh, ansible.json, audit-bench.txt, meta.txt, load.jsonl,
report-harness.md) and writes RESULTS/report.md and RESULTS/report.json, then
prints the Markdown. With --compare, adds a column with the Tracegate figures
of an earlier report.json and their ratio (to compare commits).
Standard library only.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

VARIANTS = [("direct", "direct"), ("jump", "ssh -J"), ("tracegate", "Tracegate")]
HOP = {"direct": None, "jump": "jump", "tracegate": "gateway"}  # the middle hop's cgroup / tree


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def g(obj, *path):
    for k in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


class Figures:
    def __init__(self):
        self.rows = []  # dicts

    def add(self, section, metric, unit, values, higher_better, key):
        vals = {v: num(values.get(v)) for v, _ in VARIANTS}
        if all(x is None for x in vals.values()):
            return
        row = {"key": key, "workload": section, "metric": metric, "unit": unit,
               "higher_is_better": higher_better}
        row.update(vals)
        t, j, d = vals["tracegate"], vals["jump"], vals["direct"]
        row["tracegate_over_jump"] = round(t / j, 3) if t is not None and j else None
        row["tracegate_over_direct"] = round(t / d, 3) if t is not None and d else None
        self.rows.append(row)

    def get(self, key, variant):
        for r in self.rows:
            if r["key"] == key:
                return r.get(variant)
        return None


def variant_file(results, workload, variant, name):
    return load_json(os.path.join(results, "raw", workload, variant, name))


def collect(results):
    F = Figures()
    phases = connect_rows(F, results, "connect", "connect", "")
    connect_rows(F, results, "connect-pq", "connect_pq", ", kex sntrup761x25519 on every hop")
    connect_rows(F, results, "connect-c25519", "connect_c25519", ", kex curve25519-sha256 from the client")
    return rest_rows(F, results, phases)


def connect_rows(F, results, workload, keyp, title):
    conn = {v: variant_file(results, workload, v, "connect.json") for v, _ in VARIANTS}
    phases = []
    for v, _ in VARIANTS:
        for ph in (g(conn[v], "phases") or {}):
            if ph not in phases:
                phases.append(ph)
    for ph in phases:
        tot = next((g(conn[v], "phases", ph, "total") for v, _ in VARIANTS
                    if g(conn[v], "phases", ph, "total")), None)
        sec = ("connect %s (%s conns)" % (ph, tot) if ph != "sequential" else "connect sequential") + title
        med = {v: g(conn[v], "phases", ph, "median") for v, _ in VARIANTS}
        F.add(sec, "sessions/s", "1/s", {v: g(med[v], "conns_per_s") for v, _ in VARIANTS}, True,
              keyp + ".%s.rate" % ph)
        F.add(sec, "p50 latency", "ms", {v: g(med[v], "p50_ms") for v, _ in VARIANTS}, False,
              keyp + ".%s.p50" % ph)
        F.add(sec, "p99 latency", "ms", {v: g(med[v], "p99_ms") for v, _ in VARIANTS}, False,
              keyp + ".%s.p99" % ph)
        F.add(sec, "failed connections", "", {v: g(med[v], "failed") for v, _ in VARIANTS}, False,
              keyp + ".%s.failed" % ph)
        F.add(sec, "middle hop CPU per session", "ms",
              {v: g(med[v], "cpu_ms_per_conn", HOP[v]) if HOP[v] else None for v, _ in VARIANTS},
              False, keyp + ".%s.hop_cpu" % ph)
        F.add(sec, "targets CPU per session", "ms",
              {v: g(med[v], "cpu_ms_per_conn", "targets") for v, _ in VARIANTS}, False,
              keyp + ".%s.targets_cpu" % ph)
        F.add(sec, "client CPU per session", "ms",
              {v: g(med[v], "cpu_ms_per_conn", "client") for v, _ in VARIANTS}, False,
              keyp + ".%s.client_cpu" % ph)
    return phases


def rest_rows(F, results, phases):
    # -- throughput
    for tag in ("default", "aes128-gcm"):
        tp = {v: variant_file(results, "throughput", v, "throughput-%s.json" % tag) for v, _ in VARIANTS}
        size = next((g(tp[v], "size") for v, _ in VARIANTS if g(tp[v], "size")), "")
        name = ("default algorithms as each hop negotiates them (not like for like; see the algos step)"
                if tag == "default" else tag + " on every hop (like for like)")
        sec = "throughput %s, %s" % (size, name)
        for d in ("down", "up"):
            F.add(sec, d, "MiB/s", {v: g(tp[v], "directions", d, "mib_per_s") for v, _ in VARIANTS},
                  True, "throughput.%s.%s" % (tag, d))
        for d in ("down", "up"):
            F.add(sec, "%s: middle hop CPU per GiB" % d, "s",
                  {v: g(tp[v], "directions", d, "cpu_s_per_gib", HOP[v]) if HOP[v] else None
                   for v, _ in VARIANTS}, False, "throughput.%s.%s.hop_cpu" % (tag, d))
            F.add(sec, "%s: client CPU per GiB" % d, "s",
                  {v: g(tp[v], "directions", d, "cpu_s_per_gib", "client") for v, _ in VARIANTS},
                  False, "throughput.%s.%s.client_cpu" % (tag, d))
    # -- interactive
    it = {v: variant_file(results, "interactive", v, "interactive.json") for v, _ in VARIANTS}
    n = next((g(it[v], "n") or g(it[v], "round_trips") for v, _ in VARIANTS if it[v]), None)
    sec = "interactive echo, pty, 1 byte" + (" x %s" % n if n else "")
    F.add(sec, "p50 round trip", "us", {v: g(it[v], "median", "p50_us") for v, _ in VARIANTS},
          False, "interactive.p50")
    F.add(sec, "p99 round trip", "us", {v: g(it[v], "median", "p99_us") for v, _ in VARIANTS},
          False, "interactive.p99")
    F.add(sec, "sessions ok", "", {v: g(it[v], "median", "sessions_ok") for v, _ in VARIANTS},
          True, "interactive.ok")
    F.add(sec, "sessions failed (an echo late by > 5 s)", "",
          {v: g(it[v], "median", "sessions_failed") for v, _ in VARIANTS}, False, "interactive.failed")
    # -- file transfer
    fx = {v: variant_file(results, "filexfer", v, "filexfer.json") for v, _ in VARIANTS}
    size = next((g(fx[v], "size") for v, _ in VARIANTS if g(fx[v], "size")), "")
    for k, label in (("scp-up", "scp up"), ("scp-down", "scp down"), ("sftp-up", "sftp up"),
                     ("sftp-down", "sftp down"), ("scp-legacy-up", "scp -O up"),
                     ("scp-legacy-down", "scp -O down")):
        F.add("file transfer %s" % size, label, "MiB/s",
              {v: g(fx[v], "transfers", k, "mib_per_s") for v, _ in VARIANTS}, True, "filexfer.%s" % k)
    # -- scale
    sc = {v: variant_file(results, "scale", v, "scale.json") for v, _ in VARIANTS}
    levels = sorted({int(n) for v, _ in VARIANTS for n in (g(sc[v], "levels") or {})})
    for lv in levels:
        L = {v: g(sc[v], "levels", str(lv)) for v, _ in VARIANTS}
        sec = "scale: %d idle pty sessions" % lv
        F.add(sec, "sessions ready", "", {v: g(L[v], "sessions_ready") for v, _ in VARIANTS}, True,
              "scale.%d.ready" % lv)
        F.add(sec, "ramp-up (8 opening at once)", "s", {v: g(L[v], "ramp_s") for v, _ in VARIANTS},
              False, "scale.%d.ramp" % lv)
        F.add(sec, "middle hop RSS per session", "KiB",
              {v: g(L[v], "mem", HOP[v], "rss_kb_per_session") if HOP[v] else None for v, _ in VARIANTS},
              False, "scale.%d.hop_rss" % lv)
        F.add(sec, "middle hop PSS per session", "KiB",
              {v: g(L[v], "mem", HOP[v], "pss_kb_per_session") if HOP[v] else None for v, _ in VARIANTS},
              False, "scale.%d.hop_pss" % lv)
        F.add(sec, "middle hop RSS total", "MiB",
              {v: round(g(L[v], "mem", HOP[v], "rss_kb_after") / 1024, 1)
               if HOP[v] and num(g(L[v], "mem", HOP[v], "rss_kb_after")) is not None else None
               for v, _ in VARIANTS}, False, "scale.%d.hop_rss_total" % lv)
        F.add(sec, "targets PSS per session", "KiB",
              {v: g(L[v], "mem", "targets", "pss_kb_per_session") for v, _ in VARIANTS}, False,
              "scale.%d.targets_pss" % lv)
        F.add(sec, "closed cleanly (1 = yes)", "",
              {v: (1 if g(L[v], "drained") else 0) if L[v] and "drained" in L[v] else None
               for v, _ in VARIANTS}, True, "scale.%d.drained" % lv)
    # -- ansible
    an = load_json(os.path.join(results, "ansible.json"))
    if an:
        sec = "ansible ad-hoc, %s hosts, forks %s" % (an.get("hosts"), an.get("forks"))
        for label, shown in (("ping", "-m ping"), ("command", "-m command -a 'uname -a'")):
            F.add(sec, shown, "s", {v: g(an, "variants", v, label, "median_s") for v, _ in VARIANTS},
                  False, "ansible.%s" % label)
    return F, levels, phases, an


# ------------------------------------------------------------------ audit


def walk(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk(v, path + (str(k),))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, path + (str(i),))
    else:
        yield path, obj


def parse_audit_table(text):
    rows, inside = [], False
    for line in text.splitlines():
        if re.match(r"\s*queries\b.*millisecond", line, re.I):
            inside = True
            continue
        if not inside:
            continue
        if re.match(r"\s*query\s+p50\s+p99", line):
            continue
        m = re.match(r"\s+(\S.*?)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9]+)\s*$", line)
        if not m:
            if rows:
                break
            continue
        rows.append({"query": m.group(1), "p50_ms": float(m.group(2)), "p99_ms": float(m.group(3)),
                     "max_ms": float(m.group(4)), "rows": int(m.group(5))})
    return rows


def parse_audit(results):
    if os.path.exists(os.path.join(results, "audit-bench.unavailable")):
        return {"available": False, "note": "audit store: not available in this build"}
    path = os.path.join(results, "audit-bench.txt")
    if not os.path.exists(path):
        return {"available": None, "note": "audit store: not run"}
    text = open(path, errors="replace").read()
    out = {"available": True, "raw": "audit-bench.txt", "events_per_s": None,
           "query_p50_ms": None, "query_p99_ms": None, "queries": None, "parsed_from": None}
    docs = []
    try:
        docs = [json.loads(text)]
    except ValueError:
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    docs.append(json.loads(line))
                except ValueError:
                    pass
    if docs:
        eps, p50s, p99s = [], [], []
        for doc in docs:
            for p, v in walk(doc):
                if num(v) is None or not p:
                    continue
                key = p[-1].lower().replace("_", "").replace("-", "")
                ctx = "/".join(p).lower()
                if key in ("eventspersecond", "eventspers", "eventsps"):
                    eps.append(v)
                elif "quer" in ctx and key in ("p50", "p50ms", "medianms"):
                    p50s.append(v)
                elif "quer" in ctx and key in ("p99", "p99ms"):
                    p99s.append(v)
        if eps or p99s:
            out.update(parsed_from="json", events_per_s=max(eps) if eps else None,
                       query_p50_ms=statistics.median(p50s) if p50s else None,
                       query_p99_ms=max(p99s) if p99s else None, queries=len(p99s) or None)
            return out
    # tracegate audit bench's own text: "Write: ... = N events/s durable", then a table
    # "queries (R runs each, milliseconds):" with columns query p50 p99 max rows
    table = parse_audit_table(text)
    if table:
        m = re.search(r"=\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*events/s", text)
        cpu = re.search(r"writer thread CPU\s*([0-9.]+)\s*(?:µs|us) per event", text)
        dur = re.search(r"recordDurably blocked[^\n]*?p50\s*([0-9.]+)\s*ms,\s*p99\s*([0-9.]+)\s*ms", text)
        conns = re.search(r"([0-9]+) connections in the table", text)
        out.update(parsed_from="tracegate audit bench text", queries=len(table), query_table=table,
                   events_per_s=float(m.group(1).replace(",", "")) if m else None,
                   query_p50_ms=round(statistics.median(q["p50_ms"] for q in table), 2),
                   query_p99_ms=max(q["p99_ms"] for q in table),
                   worst_query=max(table, key=lambda q: q["p99_ms"])["query"],
                   writer_cpu_us_per_event=float(cpu.group(1)) if cpu else None,
                   durable_wait_p50_ms=float(dur.group(1)) if dur else None,
                   durable_wait_p99_ms=float(dur.group(2)) if dur else None,
                   connections_in_table=int(conns.group(1)) if conns else None)
        return out
    # other text: "... 23456 events/s ..." and one line per query with p50 / p99
    m = re.findall(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:durable\s+)?events/s", text)
    if m:
        out["events_per_s"] = max(float(x.replace(",", "")) for x in m)
    p50s, p99s = [], []
    for line in text.splitlines():
        low = line.lower()
        if "events/s" in low or "p99" not in low:
            continue
        a = re.search(r"p50\D{0,3}([0-9]+(?:\.[0-9]+)?)\s*(ms|us|µs|s)?", low)
        b = re.search(r"p99\D{0,3}([0-9]+(?:\.[0-9]+)?)\s*(ms|us|µs|s)?", low)
        if not b:
            continue

        def ms(mt):
            v, u = float(mt.group(1)), (mt.group(2) or "ms")
            return v / 1000 if u in ("us", "µs") else v * 1000 if u == "s" else v
        if "durable" in low or "write" in low:
            continue
        p99s.append(ms(b))
        if a:
            p50s.append(ms(a))
    if p99s:
        out.update(query_p50_ms=statistics.median(p50s) if p50s else None,
                   query_p99_ms=max(p99s), queries=len(p99s))
    out["parsed_from"] = "text (heuristic; check audit-bench.txt)" if (m or p99s) else None
    if not (m or p99s):
        out["note"] = "audit bench ran, but its output could not be read; see audit-bench.txt"
    return out


# ------------------------------------------------------------------ targets


def exact_ratio(F, key, v):
    """Tracegate's figure over variant v's. Exact: a verdict on a rounded ratio would pass
    0.847 against 0.85 (shown with three decimals by fmt_target)."""
    t, o = F.get(key, "tracegate"), F.get(key, v)
    return t / o if t is not None and o else None


def like_for_like(F, levels, phases):
    """Issue 22's headline: the same kex, cipher and MAC forced on every hop of direct, ssh -J
    and Tracegate, so that a ratio compares relaying and nothing else. Figures measured with
    each hop's default algorithms come second, labelled as such (`targets`)."""
    L = []

    def add(name, value, unit, goal, ok, basis):
        L.append({"target": name, "value": value, "unit": unit, "goal": goal,
                  "result": "n/a" if ok is None else ("PASS" if ok else "FAIL"), "basis": basis})

    def ratio(key, v="direct"):
        return exact_ratio(F, key, v)

    def fg(key, v):
        return fmt(F.get(key, v))

    for d in ("down", "up"):
        key = "throughput.aes128-gcm.%s" % d
        r = ratio(key)
        add("aes128-gcm throughput %s >= 0.85 x direct" % d, r, "x direct", ">= 0.85",
            None if r is None else r >= 0.85,
            "%s vs %s MiB/s" % (fg(key, "tracegate"), fg(key, "direct")))
        r = ratio(key, "jump")
        add("aes128-gcm throughput %s >= 1.6 x ssh -J" % d, r, "x ssh -J", ">= 1.6",
            None if r is None else r >= 1.6,
            "%s vs %s MiB/s" % (fg(key, "tracegate"), fg(key, "jump")))
        key = "throughput.aes128-gcm.%s.hop_cpu" % d
        r = ratio(key, "jump")
        add("aes128-gcm %s: gateway CPU per GiB <= 1.2 x the jump sshd's" % d, r, "x jump sshd", "<= 1.2",
            None if r is None else r <= 1.2,
            "%s vs %s s per GiB" % (fg(key, "tracegate"), fg(key, "jump")))
    for q, goal in (("p99", 1.15), ("p50", 1.2)):
        key = "interactive.%s" % q
        r = ratio(key)
        add("interactive echo %s <= %s x direct" % (q, goal), r, "x direct", "<= %s" % goal,
            None if r is None else r <= goal,
            "%s vs %s us (the harness runs this workload with each hop's default algorithms; "
            "a cipher costs little on 1-byte echoes)" % (fg(key, "tracegate"), fg(key, "direct")))
    conc = [p for p in phases if p.startswith("concurrent-")]
    ph = "concurrent-32" if "concurrent-32" in conc else (conc[-1] if conc else None)
    for kp, what in (("connect_c25519", "kex curve25519-sha256"), ("connect_samekex", "the same kex")):
        if ph is None or F.get("%s.%s.rate" % (kp, ph), "tracegate") is None:
            continue
        for v, name in (("direct", "direct"), ("jump", "ssh -J")):
            r = ratio("%s.%s.rate" % (kp, ph), v)
            add("set-up rate at %s, %s on every hop, x %s" % (ph, what, name), r, "x %s" % name,
                "no worse than before", None,
                "%s vs %s sessions/s" % (fg("%s.%s.rate" % (kp, ph), "tracegate"),
                                         fg("%s.%s.rate" % (kp, ph), v)))
            r = ratio("%s.%s.p99" % (kp, ph), v)
            add("set-up p99 at %s, %s on every hop, x %s" % (ph, what, name), r, "x %s" % name,
                "no worse than before", None,
                "%s vs %s ms" % (fg("%s.%s.p99" % (kp, ph), "tracegate"), fg("%s.%s.p99" % (kp, ph), v)))
    lv = 1000 if 1000 in levels else (levels[-1] if levels else None)
    v = F.get("scale.%s.hop_rss" % lv, "tracegate") if lv else None
    add("gateway RSS per idle session at %s <= 128 KiB" % lv, v, "KiB", "<= 128",
        None if v is None else v <= 128, "jump sshd: %s KiB per session" % fg("scale.%s.hop_rss" % lv, "jump"))
    return L


def targets(F, levels, phases, audit):
    T = []

    def add(name, value, unit, goal, ok, basis):
        T.append({"target": name, "value": value, "unit": unit, "goal": goal,
                  "result": "n/a" if ok is None else ("PASS" if ok else "FAIL"), "basis": basis})

    def fg(key, v):
        return fmt(F.get(key, v))

    def ratio(key, v="jump"):
        return exact_ratio(F, key, v)

    conc = [p for p in phases if p.startswith("concurrent-")]
    ph = "concurrent-32" if "concurrent-32" in conc else (conc[-1] if conc else None)
    note = "" if ph == "concurrent-32" else " (measured at %s, not 32)" % ph
    r = ratio("connect.%s.rate" % ph) if ph else None
    add("session setup rate, 32 concurrent, >= 1.5 x ssh -J" + note, r, "x ssh -J", ">= 1.5",
        None if r is None else r >= 1.5,
        "%s vs %s sessions/s" % (fg("connect.%s.rate" % ph, "tracegate"), fg("connect.%s.rate" % ph, "jump")))
    r = ratio("connect.%s.p99" % ph) if ph else None
    add("session setup p99, 32 concurrent, <= ssh -J" + note, r, "x ssh -J", "<= 1.0",
        None if r is None else r <= 1.0,
        "%s vs %s ms" % (fg("connect.%s.p99" % ph, "tracegate"), fg("connect.%s.p99" % ph, "jump")))
    r = ratio("connect_pq.%s.rate" % ph) if ph else None
    if r is not None:
        add("(extra, not an issue target) setup rate at %s with kex sntrup761x25519 on every hop, "
            ">= 1.5 x ssh -J" % ph, r, "x ssh -J", ">= 1.5", r >= 1.5,
            "%s vs %s sessions/s: like for like, the same post-quantum exchange on every hop"
            % (fg("connect_pq.%s.rate" % ph, "tracegate"), fg("connect_pq.%s.rate" % ph, "jump")))
    r = ratio("connect_c25519.%s.rate" % ph) if ph else None
    if r is not None:
        add("(extra, not an issue target) setup rate at %s with kex curve25519-sha256 on every hop, "
            ">= 1.5 x ssh -J" % ph, r, "x ssh -J", ">= 1.5", r >= 1.5,
            "%s vs %s sessions/s: like for like, since Tracegate negotiates curve25519 and OpenSSH "
            "sntrup761x25519" % (fg("connect_c25519.%s.rate" % ph, "tracegate"),
                                 fg("connect_c25519.%s.rate" % ph, "jump")))
    for d in ("down", "up"):
        key = "throughput.default.%s" % d
        r = ratio(key)
        add("throughput %s >= 1.3 x ssh -J" % d, r, "x ssh -J", ">= 1.3", None if r is None else r >= 1.3,
            "%s vs %s MiB/s (default cipher)" % (fg(key, "tracegate"), fg(key, "jump")))
        r = ratio(key, "direct")
        add("throughput %s >= 0.7 x direct" % d, r, "x direct", ">= 0.7", None if r is None else r >= 0.7,
            "%s vs %s MiB/s (default cipher)" % (fg(key, "tracegate"), fg(key, "direct")))
    r = ratio("interactive.p99")
    lost = F.get("interactive.failed", "tracegate")
    add("interactive p99 <= ssh -J", r, "x ssh -J", "<= 1.0",
        None if r is None else (r <= 1.0 and not lost),
        "%s vs %s us%s" % (fg("interactive.p99", "tracegate"), fg("interactive.p99", "jump"),
                           "; %s of %s Tracegate sessions failed: an echo did not come back within 5 s"
                           % (lost, lost + (F.get("interactive.ok", "tracegate") or 0)) if lost else ""))
    lv = 1000 if 1000 in levels else (levels[-1] if levels else None)
    v = F.get("scale.%s.hop_rss" % lv, "tracegate") if lv else None
    note = "" if lv == 1000 else " (measured at %s sessions, not 1000)" % lv
    add("gateway RSS per idle session at 1000 <= 256 KiB" + note, v, "KiB", "<= 256",
        None if v is None else v <= 256,
        "ssh -J's jump sshd: %s KiB RSS, %s KiB PSS per session" % (
            fg("scale.%s.hop_rss" % lv, "jump"), fg("scale.%s.hop_pss" % lv, "jump")))
    if lv:
        ready = F.get("scale.%s.ready" % lv, "tracegate")
        drained = F.get("scale.%s.drained" % lv, "tracegate")
        ok = None if ready is None else (ready >= lv and drained == 1)
        add("%d sessions all open, then all close cleanly" % lv, ready, "sessions ready",
            "= %d, drained" % lv, ok, "closed cleanly: %s" % ({1: "yes", 0: "no"}.get(drained, "-")))
    for label in ("ping", "command"):
        r = ratio("ansible.%s" % label)
        add("ansible -m %s through Tracegate no slower than ssh -J" % label, r, "x ssh -J", "<= 1.0",
            None if r is None else r <= 1.0,
            "%s vs %s s" % (fg("ansible.%s" % label, "tracegate"), fg("ansible.%s" % label, "jump")))
    eps, p99 = audit.get("events_per_s"), audit.get("query_p99_ms")
    why = audit.get("note") or "tracegate audit bench" + (
        " (read heuristically: check audit-bench.txt)" if "heuristic" in str(audit.get("parsed_from")) else "")
    add("audit writer >= 20,000 durable events/s", eps, "events/s", ">= 20000",
        None if eps is None else eps >= 20000, why)
    add("auditors' queries p99 < 100 ms at 1 million connections", p99, "ms", "< 100",
        None if p99 is None else p99 < 100,
        why if p99 is None else "worst p99 over %s queries (%s)%s" % (
            audit.get("queries"), audit.get("worst_query", "?"),
            "" if not audit.get("connections_in_table") or audit["connections_in_table"] >= 1000000
            else "; only %s connections in the table, not 1 million" % audit["connections_in_table"]))
    return T


# ------------------------------------------------------------------ load


def load_summary(results):
    recs = []
    p = os.path.join(results, "load.jsonl")
    if os.path.exists(p):
        for line in open(p):
            try:
                recs.append(json.loads(line))
            except ValueError:
                pass
    samples = [r for r in recs if "other_pct" in r]
    marks = [r for r in recs if "phase" in r]
    phases = {}
    for m in marks:
        ph = phases.setdefault(m["phase"], {})
        ph[m["mark"]] = m["t"]
        if m["mark"] == "start":
            ph["loadavg_start"] = m["loadavg"][0]
    out = {"samples": len(samples), "phases": {}}
    if samples:
        o = [s["other_pct"] for s in samples]
        out["other_pct_mean"] = round(statistics.fmean(o), 1)
        out["other_pct_max"] = max(o)
        out["loadavg1_max"] = max(float(s["loadavg"][0]) for s in samples)
    for name, ph in phases.items():
        if "start" not in ph or "end" not in ph:
            continue
        inside = [s["other_pct"] for s in samples if ph["start"] <= s["t"] <= ph["end"] + 2.5]
        out["phases"][name] = {
            "seconds": round(ph["end"] - ph["start"], 1),
            "other_pct_mean": round(statistics.fmean(inside), 1) if inside else None,
            "other_pct_max": max(inside) if inside else None,
            "loadavg1_start": ph.get("loadavg_start")}
    wl = os.path.join(results, "wait-load.txt")
    if os.path.exists(wl):
        out["wait"] = open(wl).read().strip()
    return out


# ------------------------------------------------------------------ output


def fmt_target(t):
    """A target's measured value: ratios ("x direct") with three decimals, since their
    verdicts are taken on the exact value."""
    v = t["value"]
    if isinstance(v, float) and t["unit"].startswith("x"):
        return "%.3f" % v
    return fmt(v)


def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return "%.0f" % v
        if abs(v) >= 100:
            return "%.1f" % v
        return "%.2f" % v if abs(v) < 10 else "%.1f" % v
    return str(v)


def read_meta(results):
    meta = {}
    p = os.path.join(results, "meta.txt")
    if os.path.exists(p):
        for line in open(p):
            k, _, v = line.rstrip("\n").partition("=")
            if k:
                meta[k] = v
    return meta


def markdown(meta, F, T, LL, load, audit, an, results, compare):
    L = []
    date = meta.get("date", "?")
    L.append("# Tracegate benchmark: direct | ssh -J | Tracegate (%s)" % date)
    L.append("")
    if meta.get("quick") == "1":
        L.append("> **Quick smoke run** (`--quick`): tiny sizes and counts, one run each. It checks the "
                 "plumbing; its figures mean nothing.")
        L.append("")
    dirty = meta.get("dirty", "0")
    commit = meta.get("commit", "?")
    if dirty == "unknown":
        commit += " (HEAD at run time; %s)" % meta.get("built_from", "an existing binary")
    elif meta.get("built_from"):
        commit += " (built from %s)" % meta["built_from"]
    elif dirty not in ("", "0"):
        commit += " (work tree had %s uncommitted changes outside bench/ and docs/, built as they were: "\
                  "see git-status.txt)" % dirty
    mem = meta.get("mem_total_kb")
    L.append("- **Command:** `%s`" % meta.get("command", "bench/run"))
    L.append("- **Commit:** %s" % commit)
    L.append("- **Machine:** %s, kernel %s, %s x %s, %s RAM" % (
        meta.get("os", "?"), meta.get("kernel", "?"), meta.get("nproc", "?"), meta.get("cpu_model", "?"),
        "%.1f GiB" % (int(mem) / 2**20) if mem and mem.isdigit() else "?"))
    L.append("- **Software:** %s; libssh %s; %s%s" % (
        meta.get("openssh", "?"), meta.get("libssh", "?"), meta.get("swift", "?"),
        "; " + meta["ansible"] if meta.get("ansible") else ""))
    audit_db = meta.get("audit_db_bytes", "?")
    L.append("- **Gateway:** release build, default algorithms, log level info, %s target sshd; "
             "audit store written during the run: %s; recordings: %s files" % (
                 meta.get("targets", "?"),
                 "no (this build has none)" if audit_db == "none" else "yes (%s bytes)" % audit_db,
                 meta.get("recording_files", "?")))
    if meta.get("build_flags"):
        L.append("- **Build flags:** `%s`" % meta["build_flags"])
    L.append("- **Parameters:** %s" % meta.get("params", "?"))
    if meta.get("hop_core"):
        L.append("- **Layout:** the hop on a core of its own: jump sshd and gateway on CPU %s; clients, targets "
                 "and harness on %s. The default layout shares every core between the client, the hop and the "
                 "target" % (meta["hop_core"], meta.get("other_cores", "?")))
    ld = []
    if load.get("wait"):
        ld.append(load["wait"])
    if "other_pct_mean" in load:
        ld.append("CPU taken by other users of the machine during the run: mean %s %%, max %s %% of all "
                  "cores (5 s samples; per workload below)" % (load["other_pct_mean"], load["other_pct_max"]))
    if ld:
        L.append("- **Load:** " + "; ".join(ld))
    if meta.get("failed"):
        L.append("- **Failed steps:** %s" % meta["failed"])
    L.append("")
    L.append("## Like for like: the same kex, cipher and MAC on every hop (issue 22)")
    L.append("")
    L.append("Direct, ssh -J and Tracegate forced to the same algorithms on every hop (aes128-gcm for "
             "throughput, whose MAC is built in; the kex named for set-up), so that a ratio measures the "
             "relay and nothing else. This is the comparison to read first.")
    L.append("")
    L.append("| target | measured | goal | result | basis |")
    L.append("|---|---|---|---|---|")
    for t in LL:
        L.append("| %s | %s %s | %s | **%s** | %s |" % (t["target"], fmt_target(t), t["unit"], t["goal"],
                                                       t["result"], t["basis"]))
    L.append("")
    L.append("## Default algorithms (each hop negotiates its own): issue 6's targets")
    L.append("")
    L.append("Second, and not like for like: here each hop negotiates its defaults, so a hop may use a "
             "cheaper cipher or kex than another (e.g. chacha20 direct against AES-GCM through the gateway).")
    L.append("")
    L.append("| target | measured | goal | result | basis |")
    L.append("|---|---|---|---|---|")
    for t in T:
        L.append("| %s | %s %s | %s | **%s** | %s |" % (t["target"], fmt_target(t), t["unit"], t["goal"],
                                                       t["result"], t["basis"]))
    L.append("")
    L.append("## Figures")
    L.append("")
    L.append("MiB = 2^20 bytes. Medians over the runs of each workload. \"Middle hop\" is the jump host's "
             "sshd (ssh -J) or the gateway process (Tracegate); ratios > 1 are better for rates, "
             "< 1 for times, memory and CPU.")
    L.append("")
    hdr = ["workload", "metric", "unit"] + [name for _, name in VARIANTS] + \
        ["Tracegate / ssh -J", "Tracegate / direct"]
    if compare:
        hdr += ["Tracegate %s" % compare.get("meta", {}).get("commit", "before"), "now / before"]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "---|" * len(hdr))
    before = {r["key"]: r.get("tracegate") for r in (compare or {}).get("figures", [])}
    last = None
    for r in F.rows:
        cells = [r["workload"] if r["workload"] != last else "", r["metric"], r["unit"]]
        last = r["workload"]
        cells += [fmt(r[v]) for v, _ in VARIANTS]
        cells += [fmt(r["tracegate_over_jump"]), fmt(r["tracegate_over_direct"])]
        if compare:
            b = before.get(r["key"])
            cells += [fmt(b), fmt(round(r["tracegate"] / b, 3)) if b and r["tracegate"] is not None else "–"]
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    L.append("Audit store (`tracegate audit bench`): " + (
        audit.get("note") if audit.get("available") is not True or audit.get("note") else
        "%s durable events/s; auditors' queries p50 %s ms (median over the queries), worst p99 %s ms "
        "over %s queries (raw: audit-bench.txt)" % (
            fmt(audit.get("events_per_s")), fmt(audit.get("query_p50_ms")), fmt(audit.get("query_p99_ms")),
            audit.get("queries"))))
    L.append("")
    if audit.get("query_table"):
        extra = []
        if audit.get("writer_cpu_us_per_event") is not None:
            extra.append("writer thread CPU %s µs per event" % fmt(audit["writer_cpu_us_per_event"]))
        if audit.get("durable_wait_p99_ms") is not None:
            extra.append("a durable write blocked its connection thread p50 %s ms, p99 %s ms" % (
                fmt(audit["durable_wait_p50_ms"]), fmt(audit["durable_wait_p99_ms"])))
        if audit.get("connections_in_table"):
            extra.append("%s connections in the table" % audit["connections_in_table"])
        if extra:
            L.append("; ".join(extra) + ".")
            L.append("")
        L.append("| auditor's query | p50 ms | p99 ms | max ms | rows |")
        L.append("|---|---|---|---|---|")
        for q in audit["query_table"]:
            L.append("| %s | %s | %s | %s | %s |" % (q["query"], fmt(q["p50_ms"]), fmt(q["p99_ms"]),
                                                  fmt(q["max_ms"]), q["rows"]))
        L.append("")
    if load.get("phases"):
        L.append("## Machine load per workload")
        L.append("")
        L.append("CPU used by processes outside this benchmark while each step ran (% of all cores, "
                 "mean / max of 5 s samples), and the 1-minute load average when it started.")
        L.append("")
        L.append("| step | seconds | other users' CPU % | load avg at start |")
        L.append("|---|---|---|---|")
        for name, ph in load["phases"].items():
            L.append("| %s | %s | %s / %s | %s |" % (name, ph["seconds"], fmt(ph["other_pct_mean"]),
                                                    fmt(ph["other_pct_max"]), ph["loadavg1_start"]))
        L.append("")
    hp = os.path.join(results, "report-harness.md")
    if os.path.exists(hp):
        L.append("## Every figure of the harness (`../shared/bench/report.py`)")
        L.append("")
        L.append("Columns direct, jump, tracegate; the ratios there are to direct.")
        L.append("")
        L.append(open(hp).read().rstrip())
        L.append("")
    L.append("Raw results: `raw/WORKLOAD/VARIANT/` (each with `run.log`: the exact client commands).")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("results")
    ap.add_argument("--compare")
    a = ap.parse_args()
    results = os.path.abspath(a.results)
    meta = read_meta(results)
    F, levels, phases, an = collect(results)
    audit = parse_audit(results)
    T = targets(F, levels, phases, audit)
    LL = like_for_like(F, levels, phases)
    load = load_summary(results)
    compare = load_json(a.compare) if a.compare else None
    md = markdown(meta, F, T, LL, load, audit, an, results, compare)
    with open(os.path.join(results, "report.md"), "w") as f:
        f.write(md)
    doc = {"schema": 2, "meta": meta, "like_for_like": LL, "targets": T, "figures": F.rows, "audit": audit,
           "load": load, "ansible": an}
    with open(os.path.join(results, "report.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
