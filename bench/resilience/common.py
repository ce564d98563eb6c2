"""Shared parsing for the two Python references: reads the map and scenario JSON that the Rust engine
exports (MapData / Scenario), and computes each service's breach threshold exactly as the engine does.

Semantics (the same as crates/opres-resilience/src/engine.rs):
- nodes are services, then processes, then resources, in file order; `depends_on` lists dependencies,
  for a failover gate primary first and standby second;
- every lost resource goes down at the scenario start and is back after its sampled restoration time;
- a node's restoration time is max(own loss, gate value): AND = max of dependencies, OR = min,
  k-of-n = k-th smallest, failover = min(primary, max(switchover time, standby)) when the switchover works
  (probability p) and the primary is down, else the primary's;
- a service breaches a tolerance when its restoration time exceeds the tightest of: maximum duration,
  limit / hourly rate for transactions, value, users and complaints, and minutes to the next cut-off (JST).
"""

import datetime as dt
import json
import math

Z95 = 1.6448536269514722
JST = dt.timezone(dt.timedelta(hours=9))


def load(map_path, scenario_path):
    with open(map_path, encoding="utf-8") as f:
        data = json.load(f)
    with open(scenario_path, encoding="utf-8") as f:
        scenario = json.load(f)
    records = data.get("services", []) + data.get("processes", []) + data.get("resources", [])
    index = {r["id"]: i for i, r in enumerate(records)}
    n_services = len(data.get("services", []))
    n_res_start = n_services + len(data.get("processes", []))
    nodes = []
    for r in records:
        gate = r.get("gate", {"type": "and"})
        ch = [index[d] for d in r.get("depends_on", [])]
        kind = gate["type"]
        k = len(ch) if kind == "and" else gate.get("k", 1)
        nodes.append({
            "id": r["id"],
            "children": ch,
            "gate": kind,
            "k": k,
            "p": gate.get("switchover_probability", 1.0),
            "t": gate.get("switchover_minutes", 0.0),
        })
    kind = scenario["kind"]
    if kind["type"] != "outage":
        raise SystemExit("the references support outage scenarios only")
    losses = []
    for loss in kind["losses"]:
        losses.append((index[loss["resource"]], loss["restoration"]))
    start = dt.datetime.fromisoformat(scenario["start"].replace("Z", "+00:00"))
    services = []
    for s in data.get("services", []):
        ths = []
        for t in s["tolerances"]:
            if t.get("rlo_percent") is not None:
                raise SystemExit("the references do not model recovery level objectives")
            ths.append(threshold(t, s.get("rates", {}), start))
        services.append({"id": s["id"], "node": index[s["id"]], "thresholds": ths})
    return {"nodes": nodes, "losses": losses, "services": services, "n_res_start": n_res_start}


def minutes_to_cutoff(start, hhmm):
    h, m = (int(x) for x in hhmm.split(":")[:2])
    local = start.astimezone(JST)
    at = local.replace(hour=h, minute=m, second=0, microsecond=0)
    if at < local:
        at += dt.timedelta(days=1)
    return (at - local).total_seconds() / 60.0


def threshold(t, rates, start):
    th = t["max_duration_minutes"]
    for limit_key, rate_key in [
        ("max_transactions", "transactions_per_hour"),
        ("max_value_yen", "value_per_hour_yen"),
        ("max_users", "users_per_hour"),
        ("max_complaints", "complaints_per_hour"),
    ]:
        limit = t.get(limit_key)
        rate = rates.get(rate_key, 0.0)
        if limit is not None and rate > 0:
            th = min(th, limit / rate * 60.0)
    if t.get("cutoff"):
        th = min(th, minutes_to_cutoff(start, t["cutoff"]))
    return th


def lognormal_params(r):
    return math.log(r["median_minutes"]), math.log(r["p95_minutes"] / r["median_minutes"]) / Z95


def pert_params(r):
    a, c, b = r["min_minutes"], r["mode_minutes"], r["max_minutes"]
    return a, b, 1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a)


def wilson(count, n, z=1.959963984540054):
    if n == 0:
        return 0.0, 0.0, 1.0
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)
