"""The peer: a plain Python importer (csv + sqlite3, standard library only) of the same CSV files
into the same SQLite schema, one transaction, executemany. It checks what a careful script would:
required fields present, counts non-negative, references resolvable; it does not re-validate
timestamps beyond parsing them. Timeline and report submissions (JSON cells) are inserted too, so it
writes exactly the rows `opres import` writes.

usage: peer_sqlite.py DATA.csv DB_FILE SCHEMA.sql
(DATA.institutions.csv and DATA.systems.csv are read beside DATA.csv.)
"""
import csv
import json
import sqlite3
import sys
import time
from datetime import datetime, timezone


def utc(text):
    # opres stores instants as UTC text; do the same so the tables are comparable.
    return datetime.fromisoformat(text).astimezone(timezone.utc).isoformat() if text else None


def main():
    data, db, schema = sys.argv[1:4]
    stem = data[: -len(".csv")]
    start = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.executescript(open(schema, encoding="utf-8").read())
    now = datetime.now(timezone.utc).isoformat()
    with con:
        inst = {}
        with open(stem + ".institutions.csv", encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                cur = con.execute(
                    "INSERT INTO institutions (code, name_ja, name_en, institution_type, lei, version, created_at, updated_at) VALUES (?,?,?,?,?,1,?,?)",
                    (r["code"], r["name_ja"], r["name_en"], r["institution_type"], r.get("lei") or None, now, now),
                )
                inst[r["code"]] = cur.lastrowid
        systems = {}
        with open(stem + ".systems.csv", encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                cur = con.execute(
                    "INSERT INTO systems (institution_id, code, name, owner, criticality, version, created_at, updated_at) VALUES (?,?,?,?,?,1,?,?)",
                    (inst[r["institution"]], r["code"], r["name"], r.get("owner") or None, r["criticality"], now, now),
                )
                systems[(r["institution"], r["code"])] = cur.lastrowid
        channels, links, trends, timeline, submissions = [], [], [], [], []
        with open(data, encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                def num(k):
                    v = r.get(k) or None
                    if v is not None and int(v) < 0:
                        raise ValueError(f"{k} negative")
                    return int(v) if v is not None else None
                cur = con.execute(
                    "INSERT INTO incidents (reference, institution_id, title_ja, title_en, description_ja, description_en, occurred_at, detected_at, first_reported_at, recovered_at, cause_identified_at, closed_at, customers_affected, transactions_affected, transaction_value_jpy, settlement_impact, cyber_attack, trigger_code, trend_code, vendor, root_cause, interim_measures, recurrence_prevention, customer_handling, publicly_announced, good_practice_note, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)",
                    (
                        r["reference"], inst[r["institution"]], r.get("title_ja") or None, r.get("title_en") or None,
                        r.get("description_ja") or None, r.get("description_en") or None,
                        utc(r["occurred_at"]), utc(r["detected_at"]), utc(r.get("first_reported_at")), utc(r.get("recovered_at")),
                        utc(r.get("cause_identified_at")), utc(r.get("closed_at")),
                        num("customers_affected"), num("transactions_affected"), num("transaction_value_jpy"),
                        r.get("settlement_impact") or "none", r.get("cyber_attack") == "true", r.get("trigger") or "unknown",
                        r.get("trend") or "unknown", r.get("vendor") or None, r.get("root_cause") or None,
                        r.get("interim_measures") or None, r.get("recurrence_prevention") or None,
                        r.get("customer_handling") or None, r.get("publicly_announced") == "true",
                        r.get("good_practice_note") or None, now, now,
                    ),
                )
                iid = cur.lastrowid
                for pos, c in enumerate(x for x in (r.get("channels") or "").split(";") if x):
                    channels.append((iid, pos, c))
                for pos, s in enumerate(x for x in (r.get("affected_systems") or "").split(";") if x):
                    links.append((iid, pos, systems[(r["institution"], s)]))
                for pos, t in enumerate(x for x in (r.get("secondary_trends") or "").split(";") if x):
                    trends.append((iid, pos, t))
                for e in json.loads(r.get("timeline") or "[]"):
                    timeline.append((iid, utc(e["at"]), e["text"]))
                for e in json.loads(r.get("report_submissions") or "[]"):
                    submissions.append((iid, e["stage"], utc(e["submitted_at"])))
        con.executemany("INSERT INTO incident_channels (incident_id, position, channel) VALUES (?,?,?)", channels)
        con.executemany("INSERT INTO incident_systems (incident_id, position, system_id) VALUES (?,?,?)", links)
        con.executemany("INSERT INTO incident_secondary_trends (incident_id, position, trend_code) VALUES (?,?,?)", trends)
        con.executemany("INSERT INTO timeline_entries (incident_id, at, text) VALUES (?,?,?)", timeline)
        con.executemany("INSERT INTO report_submissions (incident_id, stage, submitted_at) VALUES (?,?,?)", submissions)
    con.close()
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
