"""Reads wrk --latency output into one JSON line; with --summary, prints the table of a run."""
import json
import re
import sys


def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def parse(engine, target, path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: (.*)", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"engine": engine, "target": target, "requests": total, "rps": round(rps, 1),
            "p50_ms": round(pct["50"], 2), "p99_ms": round(pct["99"], 2),
            "non_2xx": int(errors.group(1)) if errors else 0, "socket_errors": sock.group(1) if sock else ""}


def summary(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    print(f"{'engine':<9} {'target':<19} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of ceiling':>10} {'non-2xx':>8}")
    for engine in ["sqlite", "postgres"]:
        ceiling = next((r["rps"] for r in rows if r["engine"] == engine and r["target"] == "static"), None)
        for r in (r for r in rows if r["engine"] == engine):
            share = f"{r['rps'] / ceiling:.1%}" if ceiling else "-"
            print(f"{engine:<9} {r['target']:<19} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {share:>10} {r['non_2xx']:>8}")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2])
    else:
        print(json.dumps(parse(sys.argv[1], sys.argv[2], sys.argv[3])))
