"""Joins the opres and peer measurements of bench/interchange/run into one table with ratios."""
import json
import sys

def load(p):
    with open(p, encoding="utf-8") as f:
        return {(r["what"], r["format"]): r for r in map(json.loads, f)}

opres, peer = load(sys.argv[1]), load(sys.argv[2])
n = next(iter(opres.values()))["n"]
print(f"\n{n} incidents, median seconds (opres validates every record; the peer only parses)")
print(f"{'step':<8}{'format':<8}{'opres':>9}{'peer':>9}{'peer/opres':>12}{'MB':>8}")
for key in sorted(opres, key=lambda k: (k[1], k[0])):
    o = opres[key]
    p = peer.get(key)
    mb = f"{o['bytes'] / 1e6:.0f}" if "bytes" in o else ""
    if p:
        print(f"{key[0]:<8}{key[1]:<8}{o['seconds']:>9.2f}{p['seconds']:>9.2f}{p['seconds'] / max(o['seconds'], 1e-9):>11.1f}x{mb:>8}")
    else:
        print(f"{key[0]:<8}{key[1]:<8}{o['seconds']:>9.2f}{'-':>9}{'-':>12}{mb:>8}")
