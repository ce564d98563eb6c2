"""Runs each importer RUNS times on a fresh database and prints medians and ratios."""
import os
import statistics
import subprocess
import sys
import time

n, runs, pg, out, opres, raw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
schema = "crates/opres-store/migrations/sqlite/0001_register.sql"


def fresh_sqlite():
    path = os.path.join(out, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def fresh_pg():
    subprocess.run(["psql", f"{pg}/postgres", "-qc", "DROP DATABASE IF EXISTS opres_bench"], check=True)
    subprocess.run(["psql", f"{pg}/postgres", "-qc", "CREATE DATABASE opres_bench"], check=True)
    return f"{pg}/opres_bench"


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def reported(cmd):
    return float(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])


jsonl = os.path.join(out, f"data-{n}.jsonl")
csv_stem = os.path.join(out, f"data-{n}")
csv_files = [csv_stem + ".institutions.csv", csv_stem + ".systems.csv", csv_stem + ".csv"]
cases = []
for engine, fresh in (("SQLite", fresh_sqlite), ("PostgreSQL", fresh_pg)):
    cases.append((engine, "opres import JSONL", lambda f=fresh: timed([opres, "--db", f(), "import", jsonl])))
    cases.append((engine, "opres import CSV", lambda f=fresh: timed([opres, "--db", f(), "import", *csv_files])))
    cases.append((engine, "raw prepared-insert loop (limit)", lambda f=fresh: reported([raw, jsonl, f()])))
cases.append(("SQLite", "Python csv + sqlite3 (peer)", lambda: reported(["python3", "bench/import/peer_sqlite.py", csv_stem + ".csv", fresh_sqlite(), schema])))

results = {}
for engine, name, run in cases:
    samples = [run() for _ in range(runs)]
    results[(engine, name)] = statistics.median(samples)
    print(f"{engine:11} {name:36} median {results[(engine, name)]:7.2f} s  ({', '.join(f'{s:.2f}' for s in samples)})", flush=True)

print()
print(f"{n} incidents, median of {runs} runs; ratio = time / opres import JSONL time on the same engine")
for engine in ("SQLite", "PostgreSQL"):
    base = results[(engine, "opres import JSONL")]
    for (e, name), t in results.items():
        if e == engine:
            print(f"{engine:11} {name:36} {t:7.2f} s   x{t / base:5.2f}   {int(n) / t:9.0f} incidents/s")
