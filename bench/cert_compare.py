"""Connection set-up through Tracegate with a certificate against the plain key (issue 17).

Reads RESULTS/raw/connect-cert/{tracegate,tracegate-cert}/connect-N.json (bench-connect.py
output, one run each, the two variants interleaved by bench/run) and prints one line per
phase: the median over runs of each run's p50, connections per second, and the CPU per
connection of the gateway and of the targets (where the certificate's extra work lands: the
gateway signs it, the target's sshd checks the CA's signature). Exits 1 when the
certificate's median p50 is more than 5 % above the key's in any phase.
"""
import glob
import json
import statistics
import sys

base = sys.argv[1]


def runs(variant):
    files = sorted(glob.glob(f"{base}/{variant}/connect-*.json"))
    if not files:
        raise SystemExit(f"no runs in {base}/{variant}")
    return [json.load(open(f))["phases"] for f in files]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(phase_runs):
    results = [r for p in phase_runs for r in p["runs"]]
    cpu = {}
    for result in results:
        for group, value in (result.get("cpu_ms_per_conn") or {}).items():
            cpu.setdefault(group, []).append(value)
    return {
        "p50": median([r["latency_ms"].get("p50") for r in results]),
        "rate": median([r["conns_per_s"] for r in results]),
        "cpu": {group: median(values) for group, values in cpu.items()},
        "runs": len(results),
    }


key_runs, cert_runs = runs("tracegate"), runs("tracegate-cert")
worst = 0.0
for phase in key_runs[0]:
    k = summary([r[phase] for r in key_runs])
    c = summary([r[phase] for r in cert_runs])
    ratio = (c["p50"] or 0) / (k["p50"] or 1)
    worst = max(worst, ratio)
    cpu = "  ".join(
        f"{group} {k['cpu'].get(group) or 0:.1f}->{c['cpu'].get(group) or 0:.1f}"
        for group in sorted(set(k["cpu"]) | set(c["cpu"])))
    print(f"{phase:>14}: key p50 {k['p50']:.1f} ms {k['rate']:.1f} conn/s | certificate p50 {c['p50']:.1f} ms "
          f"{c['rate']:.1f} conn/s | p50 ratio {ratio:.3f} | CPU ms/conn {cpu} ({k['runs']}+{c['runs']} runs)")
print(f"certificate set-up p50 is {(worst - 1) * 100:+.1f} % against the plain key (target: at most +5 %)")
sys.exit(0 if worst <= 1.05 else 1)
