"""Connection set-up through Tracegate with a certificate against the plain key (issue 17).

Reads RESULTS/raw/connect-cert/{tracegate,tracegate-cert}/connect.json (bench-connect.py
output) and prints one line per phase and the verdict; exits 1 when the certificate's median
p50 is more than 5 % above the key's in any phase.
"""
import json
import sys

base = sys.argv[1]
key, cert = (json.load(open(f"{base}/{v}/connect.json"))["phases"] for v in ("tracegate", "tracegate-cert"))
worst = 0.0
for phase in key:
    k, c = key[phase]["median"], cert[phase]["median"]
    ratio = (c["p50_ms"] or 0) / (k["p50_ms"] or 1)
    worst = max(worst, ratio)
    print(f"{phase:>10}: key p50 {k['p50_ms']:.1f} ms {k['conns_per_s']:.1f} conn/s | "
          f"certificate p50 {c['p50_ms']:.1f} ms {c['conns_per_s']:.1f} conn/s | p50 ratio {ratio:.3f}")
print(f"certificate set-up p50 is {(worst - 1) * 100:+.1f} % against the plain key (target: at most +5 %)")
sys.exit(0 if worst <= 1.05 else 1)
