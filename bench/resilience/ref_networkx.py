"""Plain reference: networkx graph, one sample at a time, every node in topological order.

python ref_networkx.py MAP.json SCENARIO.json SAMPLES SEED OUT.json
"""

import json
import random
import sys
import time

import networkx as nx

from common import load, lognormal_params, pert_params, wilson


def draw(rng, r):
    t = r["type"]
    if t == "fixed":
        return r["minutes"]
    if t == "log_normal":
        mu, sigma = lognormal_params(r)
        return rng.lognormvariate(mu, sigma)
    if t == "pert":
        a, b, alpha, beta = pert_params(r)
        return a + (b - a) * rng.betavariate(alpha, beta)
    if t == "triangular":
        return rng.triangular(r["min_minutes"], r["max_minutes"], r["mode_minutes"])
    raise ValueError(t)


def main():
    map_path, scenario_path, samples, seed, out = sys.argv[1:6]
    samples, seed = int(samples), int(seed)
    m = load(map_path, scenario_path)
    g = nx.DiGraph()
    for i, node in enumerate(m["nodes"]):
        g.add_node(i, **node)
        for c in node["children"]:
            g.add_edge(c, i)  # dependency -> dependant
    order = list(nx.topological_sort(g))
    rng = random.Random(seed)
    breaches = {s["id"]: 0 for s in m["services"]}
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(samples):
        own = {n: draw(rng, r) for n, r in m["losses"]}
        r = {}
        for v in order:
            node = g.nodes[v]
            ch = node["children"]
            if not ch:
                gv = 0.0
            elif node["gate"] == "and":
                gv = max(r[c] for c in ch)
            elif node["gate"] == "or":
                gv = min(r[c] for c in ch)
            elif node["gate"] == "k_of_n":
                gv = sorted(r[c] for c in ch)[node["k"] - 1]
            else:
                rp = r[ch[0]]
                if rp > 0 and rng.random() < node["p"]:
                    gv = min(rp, max(node["t"], r[ch[1]]))
                else:
                    gv = rp
            r[v] = max(own.get(v, 0.0), gv)
        for s in m["services"]:
            d = r[s["node"]]
            if any(d > th for th in s["thresholds"]):
                breaches[s["id"]] += 1
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    result = {
        "tool": "networkx",
        "samples": samples,
        "seconds": elapsed,
        "samples_per_s": samples / elapsed,
        "cpu_s": cpu,
        "samples_per_cpu_s": samples / max(cpu, 1e-9),
        "services": {k: {"breaches": v, "p": wilson(v, samples)} for k, v in breaches.items()},
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({k: result[k] for k in ("tool", "samples", "seconds", "samples_per_s", "samples_per_cpu_s")}))


if __name__ == "__main__":
    main()
