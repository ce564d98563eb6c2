"""scikit-learn TF-IDF + LinearSVC on exactly the folds opres used (bench/out/split.json)."""
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC
from sklearn.metrics import f1_score, accuracy_score

rows = json.load(open(sys.argv[1]))
def model():
    # Word unigrams+bigrams and character 2-3-grams (Japanese needs no segmenter this way).
    return make_pipeline(make_union(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                                    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)),
                         LinearSVC(C=1.0))
gold, pred = [], []
for k in range(5):
    tr = [r for r in rows if r["fold"] != k]; te = [r for r in rows if r["fold"] == k]
    m = model().fit([r["text"] for r in tr], [r["trend"] for r in tr])
    pred += list(m.predict([r["text"] for r in te])); gold += [r["trend"] for r in te]
full = model().fit([r["text"] for r in rows], [r["trend"] for r in rows])
docs = [rows[i % len(rows)]["text"] for i in range(10000)]
times = []
for _ in range(5):
    t0 = time.perf_counter(); full.predict(docs); times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"macro_f1": f1_score(gold, pred, average="macro"), "accuracy": accuracy_score(gold, pred),
                  "docs_per_sec": len(docs) / times[2]}))
