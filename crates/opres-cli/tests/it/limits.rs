//! Limits on imported files (issue 16): a NUL or an over-long list is refused by validation with the
//! field named, on both engines, instead of a raw database error or a 30 MB incident.

use crate::round_trip::opres;
use std::path::Path;
use std::process::Command;

fn refuses_control_characters_and_long_timelines(db: &str, d: &Path) {
    let entry = r#"{"at":"2024-05-01T09:10:00+09:00","text":"x"}"#;
    let timeline = vec![entry; 2_001].join(",");
    let file = format!(
        "{}\n{}\n{}\n",
        r#"{"record":"institution","code":"BANK-A","name_ja":"さくら銀行","institution_type":"regional_bank"}"#,
        r#"{"record":"incident","reference":"INC-1","institution":"BANK-A","title_ja":"ATM\u0000停止","occurred_at":"2024-05-01T09:00:00+09:00","detected_at":"2024-05-01T09:05:00+09:00"}"#,
        format_args!(
            r#"{{"record":"incident","reference":"INC-2","institution":"BANK-A","title_ja":"長い時系列","occurred_at":"2024-05-01T09:00:00+09:00","detected_at":"2024-05-01T09:05:00+09:00","timeline":[{timeline}]}}"#
        ),
    );
    std::fs::write(d.join("bad.jsonl"), file).unwrap();
    let out = opres(db, &["import", "bad.jsonl"], d);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bad.jsonl line 2, title_ja: contains the control character U+0000"), "{err}");
    assert!(err.contains("bad.jsonl line 3, timeline: must have at most 200 entries"), "{err}");
    assert_eq!(err.matches("timeline").count(), 1, "one problem for the list, not one per entry: {err}");
    assert!(!err.to_lowercase().contains("database"), "{err}");
}

#[test]
fn control_characters_and_long_timelines_are_refused_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("opres.db");
    refuses_control_characters_and_long_timelines(db.to_str().unwrap(), dir.path());
}

#[test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL skipped: set OPRES_TEST_POSTGRES_URL to run it")]
fn control_characters_and_long_timelines_are_refused_on_postgres() {
    let base = std::env::var("OPRES_TEST_POSTGRES_URL").unwrap();
    let name = format!("opres_cli_limits_{}", std::process::id());
    let admin = |sql: String| {
        let out = Command::new("psql").args([base.as_str(), "-qc", &sql]).output().expect("psql");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    admin(format!("DROP DATABASE IF EXISTS {name}"));
    admin(format!("CREATE DATABASE {name}"));
    let root = base.rsplit_once('/').map(|(r, _)| r).unwrap_or(&base);
    let dir = tempfile::tempdir().unwrap();
    refuses_control_characters_and_long_timelines(&format!("{root}/{name}"), dir.path());
    admin(format!("DROP DATABASE {name} WITH (FORCE)"));
}
