"""The peer of the gap-assessment import benchmark: a plain Python `json` reader that builds the
same tree from the NIST SP 800-53 LOW resolved catalog as opres's OSCAL import (groups as grouping
nodes; controls and their nested enhancements as assessable nodes with parent, reference, title and
the statement's prose), without validation. Median of N runs, in milliseconds."""
import json, statistics, sys, time

def prose(parts):
    out = []
    for p in parts or []:
        if p.get("name") in ("statement", "item"):
            if p.get("prose"):
                out.append(p["prose"])
            out.extend(prose(p.get("parts")))
    return out

def build(catalog):
    nodes = []
    def control(c, parent):
        label = next((p["value"] for p in c.get("props", []) if p.get("name") == "label"), c["id"])
        nodes.append({"id": c["id"], "parent": parent, "reference": label, "title": c.get("title", ""),
                      "description": " ".join(prose(c.get("parts"))), "assessable": True})
        for sub in c.get("controls", []):
            control(sub, c["id"])
    for g in catalog["catalog"].get("groups", []):
        nodes.append({"id": g["id"], "parent": None, "reference": g["id"], "title": g.get("title", ""), "assessable": False})
        for c in g.get("controls", []):
            control(c, g["id"])
    return nodes

path, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30
times, n = [], 0
for _ in range(repeats):
    t = time.perf_counter()
    with open(path, "rb") as f:
        nodes = build(json.load(f))
    times.append((time.perf_counter() - t) * 1000)
    n = sum(1 for x in nodes if x["assessable"])
print(f"python_import_ms_median {statistics.median(times):.2f} (assessable {n}, {repeats} runs)")
