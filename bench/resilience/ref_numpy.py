"""Vectorised reference: numpy, one array of restoration times per node (one entry per sample), nodes in
topological order, samples in batches. With --reachable-only it evaluates only the nodes that the lost
resources can reach (networkx ancestors), which is what the Rust engine does.

python ref_numpy.py MAP.json SCENARIO.json SAMPLES SEED OUT.json [--reachable-only] [--batch B]
"""

import json
import sys
import time

import networkx as nx
import numpy as np

from common import load, lognormal_params, pert_params, wilson


def draw(rng, r, n):
    t = r["type"]
    if t == "fixed":
        return np.full(n, float(r["minutes"]))
    if t == "log_normal":
        mu, sigma = lognormal_params(r)
        return rng.lognormal(mu, sigma, n)
    if t == "pert":
        a, b, alpha, beta = pert_params(r)
        return a + (b - a) * rng.beta(alpha, beta, n)
    if t == "triangular":
        return rng.triangular(r["min_minutes"], r["mode_minutes"], r["max_minutes"], n)
    raise ValueError(t)


def main():
    map_path, scenario_path, samples, seed, out = sys.argv[1:6]
    samples, seed = int(samples), int(seed)
    reachable_only = "--reachable-only" in sys.argv
    batch = int(sys.argv[sys.argv.index("--batch") + 1]) if "--batch" in sys.argv else 1024
    m = load(map_path, scenario_path)
    nodes = m["nodes"]
    g = nx.DiGraph()
    g.add_nodes_from(range(len(nodes)))
    for i, node in enumerate(nodes):
        for c in node["children"]:
            g.add_edge(c, i)
    order = list(nx.topological_sort(g))
    if reachable_only:
        keep = set()
        for n, _ in m["losses"]:
            keep.add(n)
            keep |= nx.descendants(g, n)  # edges point from dependency to dependant
        order = [v for v in order if v in keep]
    rng = np.random.default_rng(seed)
    breaches = {s["id"]: 0 for s in m["services"]}
    t0 = time.perf_counter()
    c0 = time.process_time()
    done = 0
    while done < samples:
        b = min(batch, samples - done)
        zero = np.zeros(b)
        own = {n: draw(rng, r, b) for n, r in m["losses"]}
        r = {}
        for v in order:
            node = nodes[v]
            ch = node["children"]
            gate = node["gate"]
            if not ch:
                gv = zero
            elif gate == "and":
                gv = r.get(ch[0], zero)
                for c in ch[1:]:
                    gv = np.maximum(gv, r.get(c, zero))
            elif gate == "or":
                gv = r.get(ch[0], zero)
                for c in ch[1:]:
                    gv = np.minimum(gv, r.get(c, zero))
            elif gate == "k_of_n":
                stack = np.stack([r.get(c, zero) for c in ch])
                gv = np.partition(stack, node["k"] - 1, axis=0)[node["k"] - 1]
            else:
                rp = r.get(ch[0], zero)
                rs = r.get(ch[1], zero)
                works = rng.random(b) < node["p"]
                gv = np.where(works & (rp > 0), np.minimum(rp, np.maximum(node["t"], rs)), rp)
            if v in own:
                gv = np.maximum(gv, own[v])
            r[v] = gv
        for s in m["services"]:
            d = r.get(s["node"], zero)
            th = min(s["thresholds"])
            breaches[s["id"]] += int(np.count_nonzero(d > th))
        done += b
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    tool = "numpy_reachable" if reachable_only else "numpy"
    result = {
        "tool": tool,
        "samples": samples,
        "seconds": elapsed,
        "samples_per_s": samples / elapsed,
        "cpu_s": cpu,
        "samples_per_cpu_s": samples / max(cpu, 1e-9),
        "evaluated_nodes": len(order),
        "services": {k: {"breaches": v, "p": wilson(v, samples)} for k, v in breaches.items()},
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({k: result[k] for k in ("tool", "samples", "seconds", "samples_per_s", "samples_per_cpu_s", "evaluated_nodes")}))


if __name__ == "__main__":
    main()
