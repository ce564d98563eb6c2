//! The import benchmark's limit: the same incidents inserted by a plain loop of prepared
//! single-row INSERTs in one transaction, with no reading, validation or reference checks timed.
//!
//! `cargo run --release --example raw_insert -- DATA.jsonl DATABASE_URL` prints the seconds the
//! insert loop took. The database gets opres's schema (and the file's institutions and systems,
//! untimed) first, so the rows and indexes are exactly those `opres import` writes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use opres_domain::{DataSet, Incident};
use std::collections::HashMap;
use std::time::Instant;

macro_rules! insert_loop {
    ($pool:expr, $incidents:expr) => {{
        let pool = $pool;
        let inst: HashMap<String, i64> = sqlx::query_as::<_, (i64, String)>("SELECT id, code FROM institutions")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, code)| (code, id))
            .collect();
        let sys: HashMap<(i64, String), i64> =
            sqlx::query_as::<_, (i64, i64, String)>("SELECT id, institution_id, code FROM systems")
                .fetch_all(&pool)
                .await
                .unwrap()
                .into_iter()
                .map(|(id, i, code)| ((i, code), id))
                .collect();
        let start = Instant::now();
        let mut tx = pool.begin().await.unwrap();
        for i in $incidents {
            let i: &Incident = i;
            let inst_id = inst[i.institution.as_str()];
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO incidents (reference, institution_id, title_ja, title_en, description_ja, description_en, \
                 occurred_at, detected_at, first_reported_at, recovered_at, cause_identified_at, closed_at, \
                 customers_affected, transactions_affected, transaction_value_jpy, settlement_impact, cyber_attack, \
                 trigger_code, trend_code, vendor, root_cause, interim_measures, recurrence_prevention, customer_handling, \
                 publicly_announced, good_practice_note, version, created_at, updated_at) VALUES \
                 ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,1,$27,$27) RETURNING id",
            )
            .bind(i.reference.as_str())
            .bind(inst_id)
            .bind(i.title.ja.as_deref())
            .bind(i.title.en.as_deref())
            .bind(i.description.ja.as_deref())
            .bind(i.description.en.as_deref())
            .bind(i.times.occurred_at())
            .bind(i.times.detected_at())
            .bind(i.times.first_reported_at())
            .bind(i.times.recovered_at())
            .bind(i.times.cause_identified_at())
            .bind(i.times.closed_at())
            .bind(i.customers_affected.map(|v| v as i64))
            .bind(i.transactions_affected.map(|v| v as i64))
            .bind(i.transaction_value.map(|v| v.get() as i64))
            .bind(i.settlement_impact.code())
            .bind(i.cyber_attack)
            .bind(i.classification.trigger().code())
            .bind(i.classification.trend().code())
            .bind(i.vendor.as_deref())
            .bind(i.root_cause.as_deref())
            .bind(i.interim_measures.as_deref())
            .bind(i.recurrence_prevention.as_deref())
            .bind(i.customer_handling.as_deref())
            .bind(i.publicly_announced)
            .bind(i.good_practice.as_ref().map(|g| g.note.as_str()))
            .bind(chrono::Utc::now())
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            for (pos, c) in i.channels.iter().enumerate() {
                sqlx::query("INSERT INTO incident_channels (incident_id, position, channel) VALUES ($1, $2, $3)")
                    .bind(id).bind(pos as i64).bind(c.code()).execute(&mut *tx).await.unwrap();
            }
            for (pos, s) in i.affected_systems.iter().enumerate() {
                let sid = sys[&(inst_id, s.to_string())];
                sqlx::query("INSERT INTO incident_systems (incident_id, position, system_id) VALUES ($1, $2, $3)")
                    .bind(id).bind(pos as i64).bind(sid).execute(&mut *tx).await.unwrap();
            }
            for (pos, t) in i.secondary_trends.iter().enumerate() {
                sqlx::query("INSERT INTO incident_secondary_trends (incident_id, position, trend_code) VALUES ($1, $2, $3)")
                    .bind(id).bind(pos as i64).bind(t.code()).execute(&mut *tx).await.unwrap();
            }
            for t in &i.timeline {
                sqlx::query("INSERT INTO timeline_entries (incident_id, at, text) VALUES ($1, $2, $3)")
                    .bind(id).bind(t.at).bind(t.text.as_str()).execute(&mut *tx).await.unwrap();
            }
            for s in &i.report_submissions {
                sqlx::query("INSERT INTO report_submissions (incident_id, stage, submitted_at) VALUES ($1, $2, $3)")
                    .bind(id).bind(s.stage.code()).bind(s.submitted_at).execute(&mut *tx).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
        start.elapsed().as_secs_f64()
    }};
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, url) = (&args[1], &args[2]);
    let data = opres_interchange::read_file(std::path::Path::new(path)).expect("readable data").into_dataset();
    let store = opres_store::Store::connect(url).await.expect("database");
    let setup = DataSet { institutions: data.institutions.clone(), systems: data.systems.clone(), incidents: vec![] };
    store.import(&setup, &opres_store::AuditContext::system()).await.expect("institutions and systems");
    store.close().await;
    let seconds = if url.starts_with("postgres") {
        insert_loop!(sqlx::PgPool::connect(url).await.unwrap(), &data.incidents)
    } else {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(url)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
        insert_loop!(sqlx::SqlitePool::connect_with(opts).await.unwrap(), &data.incidents)
    };
    println!("{seconds:.3}");
}
