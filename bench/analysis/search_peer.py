"""SQLite FTS5 (trigram tokenizer) over the same texts: top 10 by bm25 with snippets."""
import json, sqlite3, sys, time
db = sqlite3.connect(":memory:")
db.execute("CREATE VIRTUAL TABLE inc USING fts5(id UNINDEXED, title, body, tokenize='trigram')")
t0 = time.perf_counter()
with open(sys.argv[1]) as f:
    db.executemany("INSERT INTO inc VALUES (?,?,?)", ((r["id"], r["title"], r["body"]) for r in map(json.loads, f)))
db.commit()
build = time.perf_counter() - t0
queries = [q.strip() for q in open(sys.argv[2]) if q.strip()]
lat, hits = [], 0
for _ in range(20):
    for q in queries:
        # Each whitespace-separated word as a quoted phrase, all required (as opres does).
        m = " AND ".join('"' + w.replace('"', '""') + '"' for w in q.split())
        t0 = time.perf_counter()
        rows = db.execute("SELECT id, snippet(inc, 2, '<b>', '</b>', '…', 16) FROM inc WHERE inc MATCH ? "
                          "ORDER BY bm25(inc, 2.0, 1.0) LIMIT 10", (m,)).fetchall()
        lat.append((time.perf_counter() - t0) * 1e3); hits += len(rows)
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))]
print(json.dumps({"index_build_secs": build, "queries": len(lat), "hits": hits, "p50_ms": pct(0.5), "p99_ms": pct(0.99)}))
