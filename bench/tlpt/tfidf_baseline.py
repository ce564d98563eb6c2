"""Python peer for the TLPT recurrence benchmark: a scikit-learn TF-IDF cosine over character n-grams
(char_wb 2-3, sublinear tf), the usual language-agnostic baseline for mixed Japanese/English text.

It reads what the Rust benchmark exported (the same 100k generated history, the same queries, the same
calibration findings) and the hand-labelled pairs, and measures the same things the same way:
latency of scoring one new finding against the whole history (top 5), a threshold calibrated for best F1 on
generated pairs, and precision/recall on the labelled pairs at that threshold (and at the oracle best).

To give the peer its best shot, the vectoriser is fitted on the history *and* the labelled pairs' text (so
their n-grams are in its vocabulary), and scoring uses the column-compressed matrix as an inverted index
(only the columns of the query's n-grams are read), not a full sparse product.

    python tfidf_baseline.py OUT_DIR PAIRS_JSONL
"""

import json
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate(scores, threshold):
    tp = sum(1 for s, y in scores if s >= threshold and y)
    fp = sum(1 for s, y in scores if s >= threshold and not y)
    fn = sum(1 for s, y in scores if s < threshold and y)
    tn = len(scores) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "true_positives": tp, "false_positives": fp, "false_negatives": fn,
            "true_negatives": tn, "precision": precision, "recall": recall, "f1": f1}


def best_threshold(scores):
    best = evaluate(scores, 1.0 + 1e-12)
    for s, _ in scores:
        r = evaluate(scores, s)
        if r["f1"] > best["f1"] or (r["f1"] == best["f1"] and r["threshold"] > best["threshold"]):
            best = r
    return best


def show(label, r):
    print(f"{label:<34} threshold {r['threshold']:.3f}  precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
          f"F1 {r['f1']:.3f}  (TP {r['true_positives']} FP {r['false_positives']} FN {r['false_negatives']} "
          f"TN {r['true_negatives']})")


def main():
    out, pairs_path = sys.argv[1], sys.argv[2]
    history = load(f"{out}/history.jsonl")
    queries = load(f"{out}/queries.jsonl")
    calib = load(f"{out}/calibration.jsonl")
    pairs = load(pairs_path)
    print(f"# scikit-learn TF-IDF (char_wb 2-3) peer: history {len(history)} findings, {len(queries)} queries")

    text = lambda f: f["title"] + "\n" + f["description"]
    pair_texts = [text(p[side]) for p in pairs for side in ("a", "b")]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, min_df=1, dtype=np.float32)
    t = time.perf_counter()
    X = vec.fit_transform([h["text"] for h in history] + pair_texts)[: len(history)].tocsc()
    build_ms = (time.perf_counter() - t) * 1000
    print(f"vectoriser fitted and history indexed in {build_ms:.0f} ms ({X.shape[1]} features)")

    lat = []
    for q in queries:
        t = time.perf_counter()
        qv = vec.transform([q["text"]])
        s = X[:, qv.indices] @ qv.data
        top = np.argpartition(-s, 5)[:5]
        top = top[np.argsort(-s[top])]
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, round((len(lat) - 1) * p))]
    print(f"latency per finding (ms): p50 {pct(0.5):.3f}  p90 {pct(0.9):.3f}  p99 {pct(0.99):.3f}  "
          f"mean {sum(lat) / len(lat):.3f}  max {lat[-1]:.3f}")

    # Calibration on generated pairs, sampled exactly as the Rust benchmark samples them.
    C = vec.transform([c["text"] for c in calib]).tocsr()
    n = len(calib)
    gen = []
    for i in range(n):
        for other in ((i * 7919 + 13) % n, (i + 1) % n):
            if other != i:
                gen.append((float(C[i].multiply(C[other]).sum()), calib[i]["family"] == calib[other]["family"]))
        for j in range(i + 1, n):
            if calib[j]["family"] == calib[i]["family"]:
                gen.append((float(C[i].multiply(C[j]).sum()), True))
                break
    calibrated = best_threshold(gen)
    show("generated pairs, best F1", calibrated)

    A = vec.transform([text(p["a"]) for p in pairs])
    B = vec.transform([text(p["b"]) for p in pairs])
    sims = np.asarray(A.multiply(B).sum(axis=1)).ravel()
    scored = [(float(s), p["same"]) for s, p in zip(sims, pairs)]
    labelled_cal = evaluate(scored, calibrated["threshold"])
    labelled_best = best_threshold(scored)
    show("labelled pairs, calibrated threshold", labelled_cal)
    show("labelled pairs, best F1 (oracle)", labelled_best)
    by_lang = {}
    for lang in ("ja", "en", "mixed"):
        sub = [(float(s), p["same"]) for s, p in zip(sims, pairs) if p["lang"] == lang]
        by_lang[lang] = evaluate(sub, calibrated["threshold"])
        show(f"  {lang}, calibrated threshold", by_lang[lang])

    summary = {"build_ms": build_ms, "p50_ms": pct(0.5), "p99_ms": pct(0.99), "mean_ms": sum(lat) / len(lat),
               "generated_best": calibrated, "labelled_calibrated": labelled_cal, "labelled_best": labelled_best,
               "labelled_calibrated_by_lang": by_lang}
    with open(f"{out}/python_summary.json", "w", encoding="utf-8") as f:
        json.dump(summary, f)


if __name__ == "__main__":
    main()
