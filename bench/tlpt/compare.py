"""Prints the TLPT recurrence benchmark side by side: opres against the scikit-learn TF-IDF peer."""

import json
import sys


def main():
    out = sys.argv[1]
    rs = json.load(open(f"{out}/opres_summary.json", encoding="utf-8"))
    py = json.load(open(f"{out}/python_summary.json", encoding="utf-8"))
    print()
    print(f"## Recurrence matching: {rs['history']} historical findings, {rs['queries']} new findings")
    print(f"{'':<44}{'opres':>12}{'TF-IDF (py)':>14}{'ratio':>9}")
    for key, label in (("p50_ms", "latency per finding, median (ms)"), ("p99_ms", "latency per finding, p99 (ms)"),
                       ("build_ms", "index build (ms)")):
        print(f"{label:<44}{rs[key]:>12.2f}{py[key]:>14.2f}{py[key] / rs[key]:>8.1f}x")
    for key, label in (("labelled_calibrated", "labelled pairs, calibrated threshold"),
                       ("labelled_best", "labelled pairs, best F1 (oracle)")):
        for m in ("precision", "recall", "f1"):
            print(f"{label + ' ' + m:<44}{rs[key][m]:>12.3f}{py[key][m]:>14.3f}")
    print(f"{'opres at its default threshold: precision':<44}{rs['labelled_default']['precision']:>12.3f}")
    print(f"{'opres at its default threshold: recall':<44}{rs['labelled_default']['recall']:>12.3f}")
    for lang in ("ja", "en", "mixed"):
        r, p = rs["labelled_default_by_lang"][lang], py["labelled_calibrated_by_lang"][lang]
        print(f"{'  ' + lang + ' F1 (opres default / py calibrated)':<44}{r['f1']:>12.3f}{p['f1']:>14.3f}")


if __name__ == "__main__":
    main()
