"""Search relevance: judges the fixed corpus for each query of relevance/queries.jsonl (grade 2:
the incident's accepted trend is one the query asks for, 1: a secondary trend, or the named
reference), writes relevance/qrels.jsonl, runs SQLite FTS5 (trigram) on the same texts and
scores it and the opres runs given as JSON files: nDCG@10 and recall@20 (of min(relevant, 20))."""
import json, math, sqlite3, sys
here = sys.argv[1]
corpus = [json.loads(l) for l in open(f"{here}/corpus.jsonl")]
queries = [json.loads(l) for l in open(f"{here}/queries.jsonl")]
def judge(q):
    r = q["relevant"]
    if "refs" in r:
        return {x: 2 for x in r["refs"]}
    g = {}
    for d in corpus:
        if d["trend"] in r["trends"]: g[d["id"]] = 2
        elif set(d["secondary"]) & set(r["trends"]): g[d["id"]] = 1
    return g
qrels = {q["id"]: judge(q) for q in queries}
with open(f"{here}/qrels.jsonl", "w") as f:
    for q in queries:
        f.write(json.dumps({"id": q["id"], "judged": qrels[q["id"]]}, ensure_ascii=False, sort_keys=True) + "\n")
db = sqlite3.connect(":memory:")
db.execute("CREATE VIRTUAL TABLE inc USING fts5(id UNINDEXED, title, body, tokenize='trigram')")
db.executemany("INSERT INTO inc VALUES (?,?,?)", ((d["id"], d["title"], d["body"]) for d in corpus))
def fts(q):
    # Every word required; trigram MATCH needs 3+ characters, shorter words fall back to LIKE;
    # a reference is looked up by id as opres does.
    words = [w.strip('"') for w in q.split() if w.strip('"')]
    if any(d["id"] == q.strip().upper() for d in corpus):
        return [q.strip().upper()]
    long = [w for w in words if len(w) >= 3]; short = [w for w in words if len(w) < 3]
    sql = "SELECT id FROM inc WHERE 1"; args = []
    if long:
        sql += " AND inc MATCH ?"; args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
    for w in short:
        sql += " AND (title LIKE ? OR body LIKE ?)"; args += [f"%{w}%"] * 2
    sql += " ORDER BY bm25(inc, 2.0, 1.0) LIMIT 20" if long else " LIMIT 20"
    return [r[0] for r in db.execute(sql, args)]
def ndcg(ranked, g, k=10):
    dcg = sum(g.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(g.values(), reverse=True)[:k]
    idcg = sum(v / math.log2(i + 2) for i, v in enumerate(ideal))
    return dcg / idcg if idcg else 0.0
def recall(ranked, g, k=20):
    rel = [d for d, v in g.items() if v > 0]
    return len(set(ranked[:k]) & set(rel)) / min(len(rel), k) if rel else 0.0
systems = {"fts5-trigram": {q["id"]: fts(q["query"]) for q in queries}}
for path in sys.argv[2:]:
    name, file = path.split("=", 1)
    systems[name] = json.load(open(file))
res = {}
for name, runs in systems.items():
    per = {lang: [(ndcg(runs.get(q["id"], []), qrels[q["id"]]), recall(runs.get(q["id"], []), qrels[q["id"]]))
                  for q in queries if lang == "all" or q["lang"] == lang] for lang in ("all", "ja", "en")}
    res[name] = {lang: {"ndcg@10": round(sum(a for a, _ in v) / len(v), 3), "recall@20": round(sum(b for _, b in v) / len(v), 3), "queries": len(v)} for lang, v in per.items()}
    readme = queries[0]["id"]
    res[name]["readme_query_ndcg@10"] = round(ndcg(runs.get(readme, []), qrels[readme]), 3)
print(json.dumps(res, indent=1, ensure_ascii=False))
