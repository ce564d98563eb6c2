use std::path::Path;
use std::process::{Command, Output};

pub(crate) fn opres(db: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opres"))
        .args(["--db", db, "--lang", "en"])
        .args(args)
        .current_dir(dir)
        .env_remove("OPRES_DATABASE_URL")
        .output()
        .expect("run opres")
}

pub(crate) fn ok(out: &Output) -> String {
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every line of a JSONL export, parsed, sorted by record kind and key.
fn records(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut v: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    v.sort_by_key(|r| {
        let key = |f: &str| r[f].as_str().unwrap_or("").to_string();
        (key("record"), key("institution"), key("code"), key("reference"))
    });
    v
}

/// Asserts equal record lists, showing only the first difference (the lists are long).
fn assert_same(got: Vec<serde_json::Value>, want: Vec<serde_json::Value>) {
    assert_eq!(got.len(), want.len(), "record counts differ");
    if let Some((g, w)) = got.iter().zip(&want).find(|(g, w)| g != w) {
        panic!("first differing record:\n got:  {g}\n want: {w}");
    }
}

fn gen_import_export(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&opres(db, &["gen", "--institutions", "4", "--incidents", "300", "--seed", "11", "--out", "gen.jsonl"], d));
    ok(&opres(db, &["import", "gen.jsonl"], d));
    ok(&opres(db, &["export", "incidents", "--out", "out.jsonl"], d));
    // What was exported is exactly what was generated: same records, same fields, same values.
    assert_same(records(&d.join("out.jsonl")), records(&d.join("gen.jsonl")));

    // The same through CSV with Japanese headers and through XLSX, into a second register.
    ok(&opres(db, &["export", "incidents", "--format", "xlsx", "--out", "out.xlsx"], d));
    let second = d.join("second.db");
    let second = second.to_str().unwrap();
    ok(&opres(second, &["import", "out.xlsx"], d));
    ok(&opres(second, &["export", "incidents", "--out", "again.jsonl"], d));
    assert_same(records(&d.join("again.jsonl")), records(&d.join("gen.jsonl")));
}

#[test]
fn gen_import_export_round_trips_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    gen_import_export(dir.path().join("opres.db").to_str().unwrap());
}

#[test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL skipped: set OPRES_TEST_POSTGRES_URL to run it")]
fn gen_import_export_round_trips_on_postgres() {
    // A fresh database on the server for this test.
    let base = std::env::var("OPRES_TEST_POSTGRES_URL").unwrap();
    let name = format!("opres_cli_{}", std::process::id());
    let admin = |sql: String| {
        let out = Command::new("psql").args([base.as_str(), "-qc", &sql]).output().expect("psql");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    admin(format!("DROP DATABASE IF EXISTS {name}"));
    admin(format!("CREATE DATABASE {name}"));
    let root = base.rsplit_once('/').map(|(r, _)| r).unwrap_or(&base);
    gen_import_export(&format!("{root}/{name}"));
    admin(format!("DROP DATABASE {name} WITH (FORCE)"));
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_with_one_line_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("opres.db");
    let db = db.to_str().unwrap();
    std::fs::write(
        d.join("bad.csv"),
        "reference,institution,title_ja,occurred_at,detected_at,customers_affected,trend\n\
         A-1,BANK,停止,2024-05-01T09:00:00+09:00,2024-05-01T09:10:00+09:00,10,operations.storage\n\
         A-2,BANK,停止,2024-05-01 09:00,2024-05-01T09:10:00+09:00,-4,operations.disk\n\
         A-3,BANK,停止,2024-05-01T09:00:00+09:00,2024-05-01T08:00:00+09:00,,\n",
    )
    .unwrap();
    let out = opres(db, &["import", "bad.csv"], d);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("bad.csv line 3, occurred_at:")), "{err}");
    assert!(lines.iter().any(|l| l.starts_with("bad.csv line 3, customers_affected:")), "{err}");
    assert!(lines.iter().any(|l| l.starts_with("bad.csv line 3, trend:")), "{err}");
    assert!(lines.iter().any(|l| l.starts_with("bad.csv line 4, detected_at:")), "{err}");
    assert!(err.contains("nothing"), "{err}");
    // Nothing was written, not even the good first row.
    let list = ok(&opres(db, &["incident", "list"], d));
    assert!(list.contains("No incidents"), "{list}");
    // Usage errors are exit code 2 as well.
    assert_eq!(opres(db, &["incident", "list", "--trend", "nope"], d).status.code(), Some(2));
}
