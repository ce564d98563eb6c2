"""Reads the results of bench/resilience/run and prints the side-by-side table and P(breach) agreement.

python compare.py OUT_DIR
"""

import glob
import json
import math
import os
import sys

from common import wilson


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def agreement(rust, ref):
    """Services whose 95% Wilson intervals overlap, and the largest two-proportion |z|."""
    n1 = rust["samples"]
    n2 = ref["samples"]
    overlap = 0
    total = 0
    max_z = 0.0
    for s in rust["services"]:
        sid = s["service"]
        if sid not in ref["services"]:
            continue
        total += 1
        c1 = s["breach"]["count"]
        c2 = ref["services"][sid]["breaches"]
        _, lo1, hi1 = wilson(c1, n1)
        _, lo2, hi2 = wilson(c2, n2)
        if lo1 <= hi2 and lo2 <= hi1:
            overlap += 1
        p = (c1 + c2) / (n1 + n2)
        se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
        if se > 0:
            max_z = max(max_z, abs(c1 / n1 - c2 / n2) / se)
    return overlap, total, max_z


def main():
    out = sys.argv[1]
    rows = load_jsonl(os.path.join(out, "rust.jsonl"))
    setup = {r["size"]: r for r in rows if r["phase"] == "setup"}
    sims = {}
    for r in rows:
        if r["phase"] == "simulate":
            sims.setdefault(r["size"], {})[r["threads"]] = r
    print()
    print("Throughput in samples per second of wall time (and per CPU-second, which the shared machine's other")
    print("load disturbs less). Rust 1T/2T: the engine on 1 and 2 threads; numpy: all nodes; numpy reachable: only")
    print("the nodes the lost resources can reach; networkx: plain, sample by sample. 2T/1T: median wall time")
    print("(best of the repeats in brackets).")
    print()
    print("| resources | nodes | evaluated | SPOF s | Rust 1T | Rust 2T | 2T/1T wall (best) | 1T / 2T CPU-s per 1M samples | identical | "
          "numpy | numpy reachable | networkx | Rust÷numpy | Rust÷numpy reachable | numpy÷networkx |")
    print("|" + "---|" * 15)
    agree_lines = []
    for size in sorted(setup):
        st = setup[size]
        sm = sims.get(size, {})
        r1 = sm.get(1, {}).get("samples_per_s", float("nan"))
        r2 = sm.get(2, {}).get("samples_per_s", float("nan"))
        ident = all(x.get("identical_to_1_thread", False) for x in sm.values())
        refs = {}
        for path in glob.glob(os.path.join(out, f"py_*_{size}.json")):
            with open(path, encoding="utf-8") as f:
                d = json.load(f)
            refs[d["tool"]] = d
        sps = {k: v["samples_per_s"] for k, v in refs.items()}
        cps = {k: v.get("samples_per_cpu_s", float("nan")) for k, v in refs.items()}
        b1 = sm.get(1, {}).get("samples_per_s_best", float("nan"))
        b2 = sm.get(2, {}).get("samples_per_s_best", float("nan"))
        c1 = sm.get(1, {}).get("samples_per_cpu_s", float("nan"))
        c2 = sm.get(2, {}).get("samples_per_cpu_s", float("nan"))

        def both(w, c):
            return f"{w:,.0f} ({c:,.0f})"

        def ratio(a, b, ca, cb):
            return f"{a / b:,.1f} ({ca / cb:,.1f})"

        nan = float("nan")
        npy, npr, nxs = (sps.get(k, nan) for k in ("numpy", "numpy_reachable", "networkx"))
        cnpy, cnpr, cnxs = (cps.get(k, nan) for k in ("numpy", "numpy_reachable", "networkx"))
        print(f"| {size:,} | {st['nodes']:,} | {st['evaluated_nodes']:,} | {st['spof_median_s']:.4f} | {both(r1, c1)} | "
              f"{both(r2, c2)} | {r2 / r1:.2f} ({b2 / b1:.2f}) | {1e6 / c1:.2f} / {1e6 / c2:.2f} | {ident} | {both(npy, cnpy)} | "
              f"{both(npr, cnpr)} | {nxs:,.1f} ({cnxs:,.1f}) | {ratio(r1, npy, c1, cnpy)} | "
              f"{ratio(r1, npr, c1, cnpr)} | {ratio(npy, nxs, cnpy, cnxs)} |")
        with open(os.path.join(out, f"rust_{size}.json"), encoding="utf-8") as f:
            rust = json.load(f)
        for tool, d in sorted(refs.items()):
            ov, tot, mz = agreement(rust, d)
            agree_lines.append(f"| {size:,} | {tool} | {d['samples']:,} | {rust['samples']:,} | {ov}/{tot} | {mz:.2f} |")
    print()
    print("Analyses on the same maps (seconds; SPOF is the median of the repeats):")
    print()
    print("| resources | generate | SPOF | concentration | CSV export | CSV import (validated) | compile scenario |")
    print("|---|---|---|---|---|---|---|")
    for size in sorted(setup):
        st = setup[size]
        cells = [st.get(k, float("nan")) for k in
                 ("generate_s", "spof_median_s", "concentration_s", "csv_export_s", "csv_import_s", "compile_s")]
        print(f"| {size:,} | " + " | ".join(f"{c:.4f}" for c in cells) + " |")
    print()
    print("P(breach) agreement per service (Rust against each reference): 95% Wilson intervals overlapping, and the")
    print("largest two-proportion |z| over services (|z| < 3.5 expected for ~20 services if the semantics agree).")
    print()
    print("| resources | reference | reference samples | Rust samples | intervals overlap | max abs z |")
    print("|---|---|---|---|---|---|")
    for line in agree_lines:
        print(line)


if __name__ == "__main__":
    main()
