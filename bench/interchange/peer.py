"""Python peer for bench/interchange/run: the same files, read and written with the standard
library (json, csv) and openpyxl, without validation. Prints one JSON line per measurement."""
import csv
import json
import os
import statistics
import sys
import time

n, runs, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
formats = os.environ.get("FORMATS", "jsonl,json,csv,xlsx").split(",")
csv.field_size_limit(1 << 30)


def timed(fn):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def report(what, fmt, seconds, count):
    if count != n:
        raise SystemExit(f"{fmt} {what}: {count} incidents, expected {n}")
    print(json.dumps({"what": what, "format": fmt, "n": n, "seconds": round(seconds, 3)}), flush=True)


def path(ext):
    return os.path.join(out, f"incidents-{n}.{ext}")


def peer_path(ext):
    return os.path.join(out, f"peer-{n}.{ext}")


if "jsonl" in formats:
    def read_jsonl():
        with open(path("jsonl"), encoding="utf-8") as f:
            return [r for r in map(json.loads, f) if r.get("record") == "incident"]
    s, rows = timed(read_jsonl)
    report("read", "jsonl", s, len(rows))

    def write_jsonl():
        with open(peer_path("jsonl"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False))
                f.write("\n")
        return len(rows)
    s, c = timed(write_jsonl)
    report("write", "jsonl", s, c)

if "json" in formats:
    def read_json():
        with open(path("json"), encoding="utf-8") as f:
            return json.load(f)["incidents"]
    s, rows = timed(read_json)
    report("read", "json", s, len(rows))

    def write_json():
        with open(peer_path("json"), "w", encoding="utf-8") as f:
            json.dump({"incidents": rows}, f, ensure_ascii=False)
        return len(rows)
    s, c = timed(write_json)
    report("write", "json", s, c)

if "csv" in formats:
    def read_csv():
        with open(path("csv"), encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    s, rows = timed(read_csv)
    report("read", "csv", s, len(rows))

    def write_csv():
        with open(peer_path("csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        return len(rows)
    s, c = timed(write_csv)
    report("write", "csv", s, c)

if "xlsx" in formats:
    import openpyxl

    def read_xlsx():
        wb = openpyxl.load_workbook(path("xlsx"), read_only=True)
        ws = wb["incidents"]
        it = ws.iter_rows(values_only=True)
        header = next(it)
        data = [dict(zip(header, r)) for r in it]
        wb.close()
        return data
    s, rows = timed(read_xlsx)
    report("read", "xlsx", s, len(rows))

    def write_xlsx():
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("incidents")
        header = list(rows[0].keys())
        ws.append(header)
        for r in rows:
            ws.append([r[h] for h in header])
        wb.save(peer_path("xlsx"))
        return len(rows)
    s, c = timed(write_xlsx)
    report("write", "xlsx", s, c)
