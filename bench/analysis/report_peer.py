"""The yearly report's tables with pandas and with DuckDB, over the same incidents (CSV)."""
import json, sys, time
import duckdb, pandas as pd
csv, fy = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(csv, keep_default_na=False, dtype={"vendor": str, "channels": str, "systems": str})
df["recovered"] = pd.to_numeric(df["recovered"], errors="coerce")
# Fiscal year in JST: shift by 9 h, April starts the year.
jst = pd.to_datetime(df["occurred"] + 9 * 3600, unit="s")
df["fy"] = jst.dt.year - (jst.dt.month < 4)

def pandas_tables(df):
    d = df[df["fy"].isin([fy - 1, fy])]
    out = {}
    tot = d.groupby("fy").size()
    for dim in ["trigger", "trend", "institution_type", "cyber"]:
        c = d.groupby(["fy", dim]).size().unstack(0, fill_value=0)
        out[dim] = (c, c / tot, c.diff(axis=1))
    ch = d.assign(channel=d["channels"].str.split(";")).explode("channel")
    out["channel"] = ch.groupby(["fy", "channel"]).size().unstack(0, fill_value=0)
    t = d.assign(duration=(d.recovered - d.occurred) / 60, mttd=(d.detected - d.occurred) / 60,
                 mttr=(d.recovered - d.detected) / 60)
    out["times"] = t.groupby("trend")[["duration", "mttd", "mttr"]].quantile([0, .25, .5, .75, .9, 1])
    sy = d.assign(system=d["systems"].str.split(";")).explode("system")
    out["systems"] = sy.groupby("system").agg(n=("reference", "size"), inst=("institution", "nunique")).nlargest(10, "n")
    v = d[d.vendor != ""].assign(vk=lambda x: x.vendor.str.lower().str.replace(" ", ""))
    out["vendors"] = v.groupby("vk").agg(n=("reference", "size"), inst=("institution", "nunique")).nlargest(10, "n")
    return out

con = duckdb.connect()
con.register("raw", df)
con.execute("CREATE TABLE inc AS SELECT * FROM raw")
SQL = [
  f"SELECT fy, count(*) FROM inc WHERE fy IN ({fy-1},{fy}) GROUP BY fy",
  *[f"""SELECT {dim}, fy, n, n / sum(n) OVER (PARTITION BY fy) AS share,
        n - lag(n) OVER (PARTITION BY {dim} ORDER BY fy) AS yoy
        FROM (SELECT {dim}, fy, count(*) n FROM inc WHERE fy IN ({fy-1},{fy}) GROUP BY ALL)""" for dim in ["trigger", "trend", "institution_type", "cyber"]],
  f"SELECT ch, fy, count(*) FROM (SELECT unnest(string_split(channels, ';')) ch, fy FROM inc WHERE fy IN ({fy-1},{fy})) GROUP BY ALL",
  f"""SELECT trend, quantile_cont(d, [0, .25, .5, .75, .9, 1]), avg(d), quantile_cont(m, [0, .25, .5, .75, .9, 1]), avg(m),
        quantile_cont(r, [0, .25, .5, .75, .9, 1]), avg(r) FROM (SELECT trend, (recovered - occurred) / 60 d,
        (detected - occurred) / 60 m, (recovered - detected) / 60 r FROM inc WHERE fy IN ({fy-1},{fy})) GROUP BY trend""",
  f"""SELECT s, count(*) n, count(DISTINCT institution) FROM (SELECT unnest(string_split(systems, ';')) s, institution
        FROM inc WHERE fy IN ({fy-1},{fy})) GROUP BY s ORDER BY n DESC LIMIT 10""",
  f"""SELECT lower(replace(vendor, ' ', '')) v, count(*) n, count(DISTINCT institution) FROM inc
        WHERE fy IN ({fy-1},{fy}) AND vendor <> '' GROUP BY v ORDER BY n DESC LIMIT 10""",
]
def duck_tables():
    return [con.execute(q).fetchall() for q in SQL]

def median_ms(f, n=7):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1e3)
    return sorted(ts)[n // 2]
print(json.dumps({"pandas_ms_median": median_ms(lambda: pandas_tables(df)), "duckdb_ms_median": median_ms(duck_tables)}))
