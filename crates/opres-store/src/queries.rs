// The store's SQL, compiled once per engine: `engine.rs` includes this file in a module that
// defines `DB` (the sqlx driver), `BEGIN_WRITE`, `LIKE` and `MAX_BINDS`. Placeholders are built
// by `QueryBuilder` or written as `$n`, which both engines accept.

use crate::query::{IncidentFilter, IncidentPage, IncidentQuery};
use crate::{ImportSummary, StoreError, Stored};
use crate::access::{AuditContext, AuditEvent};
use opres_domain::record::IncidentRecord;
use chrono::{DateTime, Utc};
use opres_domain::record::{InstitutionRecord, SystemRecord};
use opres_domain::{
    Bilingual, Channel, Classification, DataSet, GoodPractice, Incident, IncidentRef, IncidentStatus, IncidentTimes,
    Institution, InstitutionCode, ReportStageKind, ReportSubmission, SettlementImpact, System, SystemCode,
    TimelineEntry, Trend, Trigger, Yen,
};
use sqlx::{FromRow, QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

type Pool = sqlx::Pool<DB>;
type Tx = sqlx::Transaction<'static, DB>;

fn corrupt(what: &str, key: impl std::fmt::Display, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what} {key}: {detail}"))
}

/// Turns constraint violations into the domain's words; everything else stays a database error.
fn on_constraint(e: sqlx::Error, what: &'static str, key: &str, fk: fn(&'static str, String) -> StoreError) -> StoreError {
    use sqlx::error::ErrorKind;
    let Some(db) = e.as_database_error() else { return StoreError::Database(e) };
    // SQLite reports an ON DELETE RESTRICT violation with the trigger-constraint code (1811),
    // which sqlx does not classify: recognise it by its message.
    let foreign_key = db.kind() == ErrorKind::ForeignKeyViolation || db.message().contains("FOREIGN KEY constraint failed");
    if db.kind() == ErrorKind::UniqueViolation {
        StoreError::AlreadyExists { what, key: key.to_string() }
    } else if foreign_key {
        fk(what, key.to_string())
    } else {
        StoreError::Database(e)
    }
}

fn in_use(what: &'static str, key: String) -> StoreError {
    StoreError::InUse { what, key }
}

fn unknown_reference(what: &'static str, key: String) -> StoreError {
    StoreError::UnknownReference { what, key }
}

fn to_i64(what: &str, v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} {v} is too large to store")))
}

fn to_u64(what: &str, key: &str, v: Option<i64>) -> Result<Option<u64>, StoreError> {
    v.map(|v| u64::try_from(v).map_err(|_| corrupt(what, key, format!("negative value {v}")))).transpose()
}

async fn begin_write(pool: &Pool) -> Result<Tx, StoreError> {
    Ok(pool.begin_with(BEGIN_WRITE).await?)
}

// ---------------------------------------------------------------- institutions

#[derive(FromRow)]
struct InstitutionRow {
    id: i64,
    code: String,
    name_ja: String,
    name_en: String,
    institution_type: String,
    lei: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl InstitutionRow {
    fn into_stored(self) -> Result<Stored<Institution>, StoreError> {
        let record = InstitutionRecord {
            code: self.code,
            name_ja: self.name_ja,
            name_en: self.name_en,
            institution_type: self.institution_type,
            lei: self.lei,
        };
        let value = record.validate().map_err(|e| corrupt("institution", &record.code, e))?;
        Ok(Stored { id: self.id, version: self.version, created_at: self.created_at, updated_at: self.updated_at, value })
    }
}

const INSTITUTION_COLUMNS: &str = "id, code, name_ja, name_en, institution_type, lei, version, created_at, updated_at";

pub(crate) async fn list_institutions(pool: &Pool) -> Result<Vec<Stored<Institution>>, StoreError> {
    let sql = format!("SELECT {INSTITUTION_COLUMNS} FROM institutions ORDER BY code");
    let rows: Vec<InstitutionRow> = QueryBuilder::<DB>::new(sql).build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(InstitutionRow::into_stored).collect()
}

async fn institution_in<'e, E: sqlx::Executor<'e, Database = DB>>(
    conn: E,
    code: &InstitutionCode,
) -> Result<Option<Stored<Institution>>, StoreError> {
    let mut qb = QueryBuilder::<DB>::new(format!("SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE code = "));
    qb.push_bind(code.as_str().to_string());
    let row: Option<InstitutionRow> = qb.build_query_as().fetch_optional(conn).await?;
    row.map(InstitutionRow::into_stored).transpose()
}

pub(crate) async fn institution(pool: &Pool, code: &InstitutionCode) -> Result<Option<Stored<Institution>>, StoreError> {
    institution_in(pool, code).await
}

async fn insert_institution(tx: &mut Tx, i: &Institution, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO institutions (code, name_ja, name_en, institution_type, lei, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(i.code.as_str().to_string())
    .bind(i.name_ja.clone())
    .bind(i.name_en.clone())
    .bind(i.institution_type.code())
    .bind(i.lei.as_ref().map(|l| l.as_str().to_string()))
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| on_constraint(e, "institution", i.code.as_str(), unknown_reference))?;
    Ok(())
}

fn institution_json(i: &Institution) -> Option<serde_json::Value> {
    serde_json::to_value(InstitutionRecord::from(i)).ok()
}

fn institution_event(action: &str, code: &InstitutionCode, before: Option<&Institution>, after: Option<&Institution>) -> AuditEvent {
    AuditEvent {
        institution: Some(code.to_string()),
        before: before.and_then(institution_json),
        after: after.and_then(institution_json),
        ..AuditEvent::new(action, "institution", code.to_string())
    }
}

pub(crate) async fn create_institution(pool: &Pool, i: &Institution, ctx: &AuditContext) -> Result<Stored<Institution>, StoreError> {
    let mut tx = begin_write(pool).await?;
    insert_institution(&mut tx, i, Utc::now()).await?;
    let stored = institution_in(&mut *tx, &i.code).await?.ok_or_else(|| corrupt("institution", &i.code, "vanished"))?;
    append_audit(&mut tx, ctx, institution_event("create", &i.code, None, Some(i))).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Reports why a versioned write touched no row: someone else's version, or no row at all.
async fn stale_or_missing(tx: &mut Tx, table_sql: &'static str, id: i64, what: &'static str, key: &str) -> StoreError {
    match sqlx::query_scalar::<_, i64>(table_sql).bind(id).fetch_optional(&mut **tx).await {
        Ok(Some(current_version)) => StoreError::Conflict { what, key: key.to_string(), current_version },
        Ok(None) => StoreError::NotFound { what, key: key.to_string() },
        Err(e) => StoreError::Database(e),
    }
}

pub(crate) async fn update_institution(
    pool: &Pool,
    code: &InstitutionCode,
    expected_version: i64,
    i: &Institution,
    ctx: &AuditContext,
) -> Result<Stored<Institution>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let current = institution_in(&mut *tx, code)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "institution", key: code.to_string() })?;
    let done = sqlx::query(
        "UPDATE institutions SET code = $1, name_ja = $2, name_en = $3, institution_type = $4, lei = $5, \
         version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
    )
    .bind(i.code.as_str().to_string())
    .bind(i.name_ja.clone())
    .bind(i.name_en.clone())
    .bind(i.institution_type.code())
    .bind(i.lei.as_ref().map(|l| l.as_str().to_string()))
    .bind(Utc::now())
    .bind(current.id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "institution", i.code.as_str(), unknown_reference))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { what: "institution", key: code.to_string(), current_version: current.version });
    }
    let stored = institution_in(&mut *tx, &i.code).await?.ok_or_else(|| corrupt("institution", &i.code, "vanished"))?;
    append_audit(&mut tx, ctx, institution_event("update", &i.code, Some(&current.value), Some(i))).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn delete_institution(pool: &Pool, code: &InstitutionCode, expected_version: i64, ctx: &AuditContext) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let current = institution_in(&mut *tx, code)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "institution", key: code.to_string() })?;
    let done = sqlx::query("DELETE FROM institutions WHERE id = $1 AND version = $2")
        .bind(current.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, "institution", code.as_str(), in_use))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { what: "institution", key: code.to_string(), current_version: current.version });
    }
    append_audit(&mut tx, ctx, institution_event("delete", code, Some(&current.value), None)).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- systems

#[derive(FromRow)]
struct SystemRow {
    id: i64,
    institution_code: String,
    code: String,
    name: String,
    owner: Option<String>,
    criticality: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl SystemRow {
    fn into_stored(self) -> Result<Stored<System>, StoreError> {
        let record = SystemRecord {
            institution: self.institution_code,
            code: self.code,
            name: self.name,
            owner: self.owner,
            criticality: self.criticality,
        };
        let value =
            record.validate().map_err(|e| corrupt("system", format!("{}/{}", record.institution, record.code), e))?;
        Ok(Stored { id: self.id, version: self.version, created_at: self.created_at, updated_at: self.updated_at, value })
    }
}

const SYSTEM_SELECT: &str = "SELECT s.id, inst.code AS institution_code, s.code, s.name, s.owner, s.criticality, \
     s.version, s.created_at, s.updated_at FROM systems s JOIN institutions inst ON inst.id = s.institution_id";

pub(crate) async fn list_systems(pool: &Pool, institution: Option<&InstitutionCode>) -> Result<Vec<Stored<System>>, StoreError> {
    let mut qb = QueryBuilder::<DB>::new(SYSTEM_SELECT);
    if let Some(code) = institution {
        qb.push(" WHERE inst.code = ").push_bind(code.as_str().to_string());
    }
    qb.push(" ORDER BY inst.code, s.code");
    let rows: Vec<SystemRow> = qb.build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(SystemRow::into_stored).collect()
}

async fn system_in<'e, E: sqlx::Executor<'e, Database = DB>>(
    conn: E,
    institution: &InstitutionCode,
    code: &SystemCode,
) -> Result<Option<Stored<System>>, StoreError> {
    let mut qb = QueryBuilder::<DB>::new(SYSTEM_SELECT);
    qb.push(" WHERE inst.code = ").push_bind(institution.as_str().to_string());
    qb.push(" AND s.code = ").push_bind(code.as_str().to_string());
    let row: Option<SystemRow> = qb.build_query_as().fetch_optional(conn).await?;
    row.map(SystemRow::into_stored).transpose()
}

pub(crate) async fn system(pool: &Pool, institution: &InstitutionCode, code: &SystemCode) -> Result<Option<Stored<System>>, StoreError> {
    system_in(pool, institution, code).await
}

async fn institution_id(tx: &mut Tx, code: &InstitutionCode) -> Result<i64, StoreError> {
    sqlx::query_scalar::<_, i64>("SELECT id FROM institutions WHERE code = $1")
        .bind(code.as_str().to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::UnknownReference { what: "institution", key: code.to_string() })
}

async fn insert_system(tx: &mut Tx, s: &System, now: DateTime<Utc>) -> Result<(), StoreError> {
    let inst = institution_id(tx, &s.institution).await?;
    sqlx::query(
        "INSERT INTO systems (institution_id, code, name, owner, criticality, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(inst)
    .bind(s.code.as_str().to_string())
    .bind(s.name.clone())
    .bind(s.owner.clone())
    .bind(s.criticality.code())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| on_constraint(e, "system", &format!("{}/{}", s.institution, s.code), unknown_reference))?;
    Ok(())
}

fn system_event(action: &str, s: &System, before: Option<&System>, after: Option<&System>) -> AuditEvent {
    let json = |v: &System| serde_json::to_value(SystemRecord::from(v)).ok();
    AuditEvent {
        institution: Some(s.institution.to_string()),
        before: before.and_then(json),
        after: after.and_then(json),
        ..AuditEvent::new(action, "system", format!("{}/{}", s.institution, s.code))
    }
}

pub(crate) async fn create_system(pool: &Pool, s: &System, ctx: &AuditContext) -> Result<Stored<System>, StoreError> {
    let mut tx = begin_write(pool).await?;
    insert_system(&mut tx, s, Utc::now()).await?;
    let stored = system_in(&mut *tx, &s.institution, &s.code).await?.ok_or_else(|| corrupt("system", &s.code, "vanished"))?;
    append_audit(&mut tx, ctx, system_event("create", s, None, Some(s))).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn update_system(pool: &Pool, expected_version: i64, s: &System, ctx: &AuditContext) -> Result<Stored<System>, StoreError> {
    let key = format!("{}/{}", s.institution, s.code);
    let mut tx = begin_write(pool).await?;
    let current = system_in(&mut *tx, &s.institution, &s.code)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "system", key: key.clone() })?;
    let done = sqlx::query(
        "UPDATE systems SET name = $1, owner = $2, criticality = $3, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(s.name.clone())
    .bind(s.owner.clone())
    .bind(s.criticality.code())
    .bind(Utc::now())
    .bind(current.id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { what: "system", key, current_version: current.version });
    }
    let stored = system_in(&mut *tx, &s.institution, &s.code).await?.ok_or_else(|| corrupt("system", &key, "vanished"))?;
    append_audit(&mut tx, ctx, system_event("update", s, Some(&current.value), Some(s))).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn delete_system(
    pool: &Pool,
    institution: &InstitutionCode,
    code: &SystemCode,
    expected_version: i64,
    ctx: &AuditContext,
) -> Result<(), StoreError> {
    let key = format!("{institution}/{code}");
    let mut tx = begin_write(pool).await?;
    let current =
        system_in(&mut *tx, institution, code).await?.ok_or_else(|| StoreError::NotFound { what: "system", key: key.clone() })?;
    let done = sqlx::query("DELETE FROM systems WHERE id = $1 AND version = $2")
        .bind(current.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, "system", &key, in_use))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { what: "system", key, current_version: current.version });
    }
    append_audit(&mut tx, ctx, system_event("delete", &current.value, Some(&current.value), None)).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- incidents: reading

#[derive(FromRow)]
struct IncidentRow {
    id: i64,
    reference: String,
    institution_code: String,
    title_ja: Option<String>,
    title_en: Option<String>,
    description_ja: Option<String>,
    description_en: Option<String>,
    occurred_at: DateTime<Utc>,
    detected_at: DateTime<Utc>,
    first_reported_at: Option<DateTime<Utc>>,
    recovered_at: Option<DateTime<Utc>>,
    cause_identified_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    customers_affected: Option<i64>,
    transactions_affected: Option<i64>,
    transaction_value_jpy: Option<i64>,
    settlement_impact: String,
    cyber_attack: bool,
    trigger_code: String,
    trend_code: String,
    vendor: Option<String>,
    root_cause: Option<String>,
    interim_measures: Option<String>,
    recurrence_prevention: Option<String>,
    customer_handling: Option<String>,
    publicly_announced: bool,
    good_practice_note: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const INCIDENT_SELECT: &str = "SELECT i.id, i.reference, inst.code AS institution_code, i.title_ja, i.title_en, \
     i.description_ja, i.description_en, i.occurred_at, i.detected_at, i.first_reported_at, i.recovered_at, \
     i.cause_identified_at, i.closed_at, i.customers_affected, i.transactions_affected, i.transaction_value_jpy, \
     i.settlement_impact, i.cyber_attack, i.trigger_code, i.trend_code, i.vendor, i.root_cause, i.interim_measures, \
     i.recurrence_prevention, i.customer_handling, i.publicly_announced, i.good_practice_note, i.version, \
     i.created_at, i.updated_at FROM incidents i JOIN institutions inst ON inst.id = i.institution_id";

/// The rows an incident's lists live in, grouped by incident id.
#[derive(Default)]
struct Children {
    channels: HashMap<i64, Vec<Channel>>,
    systems: HashMap<i64, Vec<SystemCode>>,
    trends: HashMap<i64, Vec<Trend>>,
    timeline: HashMap<i64, Vec<TimelineEntry>>,
    submissions: HashMap<i64, Vec<ReportSubmission>>,
}

/// Which incidents' children to load.
enum Scope<'a> {
    Ids(&'a [i64]),
    Filter(&'a IncidentFilter),
}

fn push_scope(qb: &mut QueryBuilder<DB>, scope: &Scope<'_>) {
    match scope {
        Scope::Ids(ids) => {
            qb.push(" WHERE c.incident_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids.iter() {
                sep.push_bind(*id);
            }
            qb.push(")");
        }
        Scope::Filter(f) => {
            qb.push(
                " WHERE c.incident_id IN (SELECT i.id FROM incidents i \
                 JOIN institutions inst ON inst.id = i.institution_id WHERE 1 = 1",
            );
            push_filter(qb, f);
            qb.push(")");
        }
    }
}

fn parse_code<T: std::str::FromStr>(what: &str, id: i64, code: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    code.parse::<T>().map_err(|e| corrupt(what, format!("of incident #{id}"), e))
}

async fn load_children<'e, E>(conn: &mut E, scope: Scope<'_>) -> Result<Children, StoreError>
where
    for<'c> &'c mut E: sqlx::Executor<'c, Database = DB>,
{
    if matches!(scope, Scope::Ids(ids) if ids.is_empty()) {
        return Ok(Children::default());
    }
    let mut out = Children::default();

    let mut qb = QueryBuilder::<DB>::new("SELECT c.incident_id, c.channel FROM incident_channels c");
    push_scope(&mut qb, &scope);
    qb.push(" ORDER BY c.incident_id, c.position");
    for row in qb.build().fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get(0)?;
        let code: String = row.try_get(1)?;
        out.channels.entry(id).or_default().push(parse_code("channel", id, &code)?);
    }

    let mut qb = QueryBuilder::<DB>::new(
        "SELECT c.incident_id, s.code FROM incident_systems c JOIN systems s ON s.id = c.system_id",
    );
    push_scope(&mut qb, &scope);
    qb.push(" ORDER BY c.incident_id, c.position");
    for row in qb.build().fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get(0)?;
        let code: String = row.try_get(1)?;
        out.systems.entry(id).or_default().push(SystemCode::parse(&code).map_err(|e| corrupt("system code", id, e))?);
    }

    let mut qb = QueryBuilder::<DB>::new("SELECT c.incident_id, c.trend_code FROM incident_secondary_trends c");
    push_scope(&mut qb, &scope);
    qb.push(" ORDER BY c.incident_id, c.position");
    for row in qb.build().fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get(0)?;
        let code: String = row.try_get(1)?;
        out.trends.entry(id).or_default().push(parse_code("secondary trend", id, &code)?);
    }

    let mut qb = QueryBuilder::<DB>::new("SELECT c.incident_id, c.at, c.text FROM timeline_entries c");
    push_scope(&mut qb, &scope);
    qb.push(" ORDER BY c.incident_id, c.at, c.id");
    for row in qb.build().fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get(0)?;
        out.timeline.entry(id).or_default().push(TimelineEntry { at: row.try_get(1)?, text: row.try_get(2)? });
    }

    let mut qb = QueryBuilder::<DB>::new("SELECT c.incident_id, c.stage, c.submitted_at FROM report_submissions c");
    push_scope(&mut qb, &scope);
    qb.push(" ORDER BY c.incident_id, c.submitted_at, c.stage");
    for row in qb.build().fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get(0)?;
        let stage: String = row.try_get(1)?;
        let stage: ReportStageKind = parse_code("report stage", id, &stage)?;
        out.submissions.entry(id).or_default().push(ReportSubmission { stage, submitted_at: row.try_get(2)? });
    }
    Ok(out)
}

fn build_incident(row: IncidentRow, children: &mut Children) -> Result<Stored<Incident>, StoreError> {
    let id = row.id;
    let key = row.reference.clone();
    let bad = |detail: String| corrupt("incident", &key, detail);
    let times = IncidentTimes::new(
        row.occurred_at,
        row.detected_at,
        row.first_reported_at,
        row.recovered_at,
        row.cause_identified_at,
        row.closed_at,
    )
    .map_err(|e| bad(format!("times out of order: {e:?}")))?;
    let trigger: Trigger = row.trigger_code.parse().map_err(|e| bad(format!("{e}")))?;
    let trend: Trend = row.trend_code.parse().map_err(|e| bad(format!("{e}")))?;
    let classification = Classification::new(trigger, trend).map_err(|e| bad(e.to_string()))?;
    let settlement_impact: SettlementImpact = row.settlement_impact.parse().map_err(|e| bad(format!("{e}")))?;
    let value = Incident {
        reference: IncidentRef::parse(&row.reference).map_err(|e| bad(e.to_string()))?,
        institution: InstitutionCode::parse(&row.institution_code).map_err(|e| bad(e.to_string()))?,
        title: Bilingual::new(row.title_ja, row.title_en),
        description: Bilingual::new(row.description_ja, row.description_en),
        times,
        channels: children.channels.remove(&id).unwrap_or_default(),
        affected_systems: children.systems.remove(&id).unwrap_or_default(),
        customers_affected: to_u64("customers_affected", &key, row.customers_affected)?,
        transactions_affected: to_u64("transactions_affected", &key, row.transactions_affected)?,
        transaction_value: to_u64("transaction_value_jpy", &key, row.transaction_value_jpy)?.map(Yen::new),
        settlement_impact,
        cyber_attack: row.cyber_attack,
        classification,
        secondary_trends: children.trends.remove(&id).unwrap_or_default(),
        vendor: row.vendor,
        root_cause: row.root_cause,
        interim_measures: row.interim_measures,
        recurrence_prevention: row.recurrence_prevention,
        customer_handling: row.customer_handling,
        publicly_announced: row.publicly_announced,
        good_practice: row.good_practice_note.map(|note| GoodPractice { note }),
        timeline: children.timeline.remove(&id).unwrap_or_default(),
        report_submissions: children.submissions.remove(&id).unwrap_or_default(),
    };
    Ok(Stored { id, version: row.version, created_at: row.created_at, updated_at: row.updated_at, value })
}

fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn push_filter(qb: &mut QueryBuilder<DB>, f: &IncidentFilter) {
    if let Some(codes) = &f.institutions {
        if codes.is_empty() {
            qb.push(" AND 1 = 0");
        } else {
            // A subquery rather than the join's column, so counting needs no join at all.
            qb.push(" AND i.institution_id IN (SELECT id FROM institutions WHERE code IN (");
            let mut sep = qb.separated(", ");
            for c in codes {
                sep.push_bind(c.as_str().to_string());
            }
            qb.push("))");
        }
    }
    if let Some(t) = f.occurred_from {
        qb.push(" AND i.occurred_at >= ").push_bind(t);
    }
    if let Some(t) = f.occurred_before {
        qb.push(" AND i.occurred_at < ").push_bind(t);
    }
    if let Some(t) = f.trigger {
        qb.push(" AND i.trigger_code = ").push_bind(t.code());
    }
    if let Some(t) = f.trend {
        qb.push(" AND i.trend_code = ").push_bind(t.code());
    }
    if let Some(c) = f.channel {
        qb.push(" AND EXISTS (SELECT 1 FROM incident_channels ch WHERE ch.incident_id = i.id AND ch.channel = ")
            .push_bind(c.code())
            .push(")");
    }
    match f.status {
        Some(IncidentStatus::Open) => qb.push(" AND i.recovered_at IS NULL"),
        Some(IncidentStatus::Recovered) => qb.push(" AND i.recovered_at IS NOT NULL AND i.closed_at IS NULL"),
        Some(IncidentStatus::Closed) => qb.push(" AND i.closed_at IS NOT NULL"),
        None => qb,
    };
    if let Some(c) = f.cyber_attack {
        qb.push(" AND i.cyber_attack = ").push_bind(c);
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = like_pattern(text);
        qb.push(" AND (");
        for (n, column) in ["i.reference", "i.title_ja", "i.title_en", "i.description_ja", "i.description_en"].iter().enumerate() {
            if n > 0 {
                qb.push(" OR ");
            }
            qb.push(format!("{column} {LIKE} ")).push_bind(pattern.clone()).push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
}

pub(crate) async fn list_incidents(pool: &Pool, q: &IncidentQuery, cap: Option<u64>) -> Result<IncidentPage, StoreError> {
    let mut conn = pool.acquire().await?;
    // Counting costs a visit to every matching row; with a cap it stops after cap + 1 of them.
    let mut count = match cap {
        None => QueryBuilder::<DB>::new("SELECT COUNT(*) FROM incidents i WHERE 1 = 1"),
        Some(_) => QueryBuilder::<DB>::new("SELECT COUNT(*) FROM (SELECT 1 FROM incidents i WHERE 1 = 1"),
    };
    push_filter(&mut count, &q.filter);
    if let Some(cap) = cap {
        count.push(" LIMIT ").push_bind(i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX)).push(") capped");
    }
    let counted: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let counted = u64::try_from(counted).unwrap_or(0);
    let (total, total_capped) = match cap {
        Some(cap) if counted > cap => (cap, true),
        _ => (counted, false),
    };

    let mut qb = QueryBuilder::<DB>::new(INCIDENT_SELECT);
    qb.push(" WHERE 1 = 1");
    push_filter(&mut qb, &q.filter);
    let dir = if q.descending { "DESC" } else { "ASC" };
    // NULLs last either way, then a stable tie-break so pages never overlap. Columns that cannot be
    // NULL skip the IS NULL term, so the engine can walk their index instead of sorting every row.
    if q.sort.nullable() {
        qb.push(format!(" ORDER BY {} IS NULL, {} {dir}, i.id {dir}", q.sort.column(), q.sort.column()));
    } else {
        qb.push(format!(" ORDER BY {} {dir}, i.id {dir}", q.sort.column()));
    }
    qb.push(" LIMIT ").push_bind(i64::from(q.limit.clamp(1, 1000)));
    qb.push(" OFFSET ").push_bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
    let rows: Vec<IncidentRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut children = load_children(&mut *conn, Scope::Ids(&ids)).await?;
    let items = rows.into_iter().map(|r| build_incident(r, &mut children)).collect::<Result<_, _>>()?;
    Ok(IncidentPage { total, total_capped, items })
}

pub(crate) async fn all_incidents(pool: &Pool, f: &IncidentFilter) -> Result<Vec<Stored<Incident>>, StoreError> {
    // One snapshot for the rows and their children.
    let mut tx = pool.begin().await?;
    let mut qb = QueryBuilder::<DB>::new(INCIDENT_SELECT);
    qb.push(" WHERE 1 = 1");
    push_filter(&mut qb, f);
    qb.push(" ORDER BY i.occurred_at, i.id");
    let rows: Vec<IncidentRow> = qb.build_query_as().fetch_all(&mut *tx).await?;
    let mut children = load_children(&mut *tx, Scope::Filter(f)).await?;
    let out = rows.into_iter().map(|r| build_incident(r, &mut children)).collect::<Result<_, _>>()?;
    tx.commit().await?;
    Ok(out)
}

async fn incident_where<'e, E>(conn: &mut E, column: &'static str, key: KeyValue) -> Result<Option<Stored<Incident>>, StoreError>
where
    for<'c> &'c mut E: sqlx::Executor<'c, Database = DB>,
{
    let mut qb = QueryBuilder::<DB>::new(INCIDENT_SELECT);
    qb.push(format!(" WHERE {column} = "));
    match key {
        KeyValue::Id(id) => qb.push_bind(id),
        KeyValue::Text(s) => qb.push_bind(s),
    };
    let Some(row): Option<IncidentRow> = qb.build_query_as().fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let id = [row.id];
    let mut children = load_children(&mut *conn, Scope::Ids(&id)).await?;
    build_incident(row, &mut children).map(Some)
}

enum KeyValue {
    Id(i64),
    Text(String),
}

pub(crate) async fn incident(pool: &Pool, id: i64) -> Result<Option<Stored<Incident>>, StoreError> {
    let mut conn = pool.acquire().await?;
    incident_where(&mut *conn, "i.id", KeyValue::Id(id)).await
}

pub(crate) async fn incident_by_reference(pool: &Pool, reference: &IncidentRef) -> Result<Option<Stored<Incident>>, StoreError> {
    let mut conn = pool.acquire().await?;
    incident_where(&mut *conn, "i.reference", KeyValue::Text(reference.to_string())).await
}

pub(crate) async fn existing_references(pool: &Pool, references: &[IncidentRef]) -> Result<HashSet<IncidentRef>, StoreError> {
    let mut found = HashSet::new();
    for chunk in references.chunks(MAX_BINDS) {
        let mut qb = QueryBuilder::<DB>::new("SELECT reference FROM incidents WHERE reference IN (");
        let mut sep = qb.separated(", ");
        for r in chunk {
            sep.push_bind(r.to_string());
        }
        qb.push(")");
        let rows: Vec<String> = qb.build_query_scalar().fetch_all(pool).await?;
        for r in rows {
            found.insert(IncidentRef::parse(&r).map_err(|e| corrupt("incident reference", &r, e))?);
        }
    }
    Ok(found)
}

// ---------------------------------------------------------------- incidents: writing

/// Row ids of the institutions and systems that incidents refer to.
struct References {
    institutions: HashMap<String, i64>,
    systems: HashMap<(String, String), i64>,
}

async fn references_for(tx: &mut Tx, incidents: &[Incident]) -> Result<References, StoreError> {
    let codes: HashSet<&str> = incidents.iter().map(|i| i.institution.as_str()).collect();
    let mut refs = References { institutions: HashMap::new(), systems: HashMap::new() };
    let codes: Vec<&str> = codes.into_iter().collect();
    for chunk in codes.chunks(MAX_BINDS) {
        let mut qb = QueryBuilder::<DB>::new(
            "SELECT inst.id, inst.code, s.id, s.code FROM institutions inst \
             LEFT JOIN systems s ON s.institution_id = inst.id WHERE inst.code IN (",
        );
        let mut sep = qb.separated(", ");
        for c in chunk {
            sep.push_bind(c.to_string());
        }
        qb.push(")");
        for row in qb.build().fetch_all(&mut **tx).await? {
            let inst_id: i64 = row.try_get(0)?;
            let inst_code: String = row.try_get(1)?;
            let sys_id: Option<i64> = row.try_get(2)?;
            let sys_code: Option<String> = row.try_get(3)?;
            if let (Some(id), Some(code)) = (sys_id, sys_code) {
                refs.systems.insert((inst_code.clone(), code), id);
            }
            refs.institutions.insert(inst_code, inst_id);
        }
    }
    Ok(refs)
}

const INCIDENT_INSERT_COLUMNS: usize = 29;

fn institution_of(refs: &References, i: &Incident) -> Result<i64, StoreError> {
    refs.institutions
        .get(i.institution.as_str())
        .copied()
        .ok_or_else(|| StoreError::UnknownReference { what: "institution", key: i.institution.to_string() })
}

/// Inserts incidents (not their children) in multi-row statements; returns their ids in order.
async fn insert_incident_rows(tx: &mut Tx, incidents: &[Incident], refs: &References, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(incidents.len());
    for chunk in incidents.chunks((MAX_BINDS / INCIDENT_INSERT_COLUMNS).max(1)) {
        let mut rows = Vec::with_capacity(chunk.len());
        for i in chunk {
            rows.push((institution_of(refs, i)?, i));
        }
        let mut qb = QueryBuilder::<DB>::new(
            "INSERT INTO incidents (reference, institution_id, title_ja, title_en, description_ja, description_en, \
             occurred_at, detected_at, first_reported_at, recovered_at, cause_identified_at, closed_at, \
             customers_affected, transactions_affected, transaction_value_jpy, settlement_impact, cyber_attack, \
             trigger_code, trend_code, vendor, root_cause, interim_measures, recurrence_prevention, customer_handling, \
             publicly_announced, good_practice_note, version, created_at, updated_at) ",
        );
        let mut failure = None;
        qb.push_values(rows, |mut b, (inst, i)| {
            let mut num = |what: &str, v: Option<u64>| -> Option<i64> {
                v.and_then(|v| to_i64(what, v).map_err(|e| failure = Some(e)).ok())
            };
            let customers = num("customers_affected", i.customers_affected);
            let transactions = num("transactions_affected", i.transactions_affected);
            let value = num("transaction_value_jpy", i.transaction_value.map(Yen::get));
            b.push_bind(i.reference.to_string())
                .push_bind(inst)
                .push_bind(i.title.ja.clone())
                .push_bind(i.title.en.clone())
                .push_bind(i.description.ja.clone())
                .push_bind(i.description.en.clone())
                .push_bind(i.times.occurred_at())
                .push_bind(i.times.detected_at())
                .push_bind(i.times.first_reported_at())
                .push_bind(i.times.recovered_at())
                .push_bind(i.times.cause_identified_at())
                .push_bind(i.times.closed_at())
                .push_bind(customers)
                .push_bind(transactions)
                .push_bind(value)
                .push_bind(i.settlement_impact.code())
                .push_bind(i.cyber_attack)
                .push_bind(i.classification.trigger().code())
                .push_bind(i.classification.trend().code())
                .push_bind(i.vendor.clone())
                .push_bind(i.root_cause.clone())
                .push_bind(i.interim_measures.clone())
                .push_bind(i.recurrence_prevention.clone())
                .push_bind(i.customer_handling.clone())
                .push_bind(i.publicly_announced)
                .push_bind(i.good_practice.as_ref().map(|g| g.note.clone()))
                .push_bind(1_i64)
                .push_bind(now)
                .push_bind(now);
        });
        if let Some(e) = failure {
            return Err(e);
        }
        qb.push(" RETURNING id, reference");
        let key = chunk.first().map(|i| i.reference.to_string()).unwrap_or_default();
        let returned = qb
            .build()
            .fetch_all(&mut **tx)
            .await
            .map_err(|e| on_constraint(e, "incident", &key, unknown_reference))?;
        // RETURNING order is not guaranteed by SQL: match rows by reference.
        let mut by_ref = HashMap::with_capacity(returned.len());
        for row in returned {
            let id: i64 = row.try_get(0)?;
            let reference: String = row.try_get(1)?;
            by_ref.insert(reference, id);
        }
        for i in chunk {
            ids.push(by_ref.get(i.reference.as_str()).copied().ok_or_else(|| corrupt("incident", &i.reference, "not returned by insert"))?);
        }
    }
    Ok(ids)
}

/// Inserts the list rows of incidents already inserted under `ids`.
async fn insert_children(tx: &mut Tx, ids: &[i64], incidents: &[Incident], refs: &References) -> Result<(), StoreError> {
    let pairs = || ids.iter().copied().zip(incidents.iter());

    let mut channels = Vec::new();
    let mut systems = Vec::new();
    let mut trends = Vec::new();
    let mut timeline = Vec::new();
    let mut submissions = Vec::new();
    for (id, i) in pairs() {
        for (pos, c) in i.channels.iter().enumerate() {
            channels.push((id, pos as i64, c.code()));
        }
        for (pos, s) in i.affected_systems.iter().enumerate() {
            let sys = refs.systems.get(&(i.institution.to_string(), s.to_string())).copied().ok_or_else(|| {
                StoreError::UnknownReference { what: "system", key: format!("{}/{}", i.institution, s) }
            })?;
            systems.push((id, pos as i64, sys));
        }
        for (pos, t) in i.secondary_trends.iter().enumerate() {
            trends.push((id, pos as i64, t.code()));
        }
        for t in &i.timeline {
            timeline.push((id, t.at, t.text.clone()));
        }
        for s in &i.report_submissions {
            submissions.push((id, s.stage.code(), s.submitted_at));
        }
    }

    for chunk in channels.chunks(MAX_BINDS / 3) {
        let mut qb = QueryBuilder::<DB>::new("INSERT INTO incident_channels (incident_id, position, channel) ");
        qb.push_values(chunk, |mut b, (id, pos, c)| {
            b.push_bind(*id).push_bind(*pos).push_bind(*c);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in systems.chunks(MAX_BINDS / 3) {
        let mut qb = QueryBuilder::<DB>::new("INSERT INTO incident_systems (incident_id, position, system_id) ");
        qb.push_values(chunk, |mut b, (id, pos, s)| {
            b.push_bind(*id).push_bind(*pos).push_bind(*s);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in trends.chunks(MAX_BINDS / 3) {
        let mut qb = QueryBuilder::<DB>::new("INSERT INTO incident_secondary_trends (incident_id, position, trend_code) ");
        qb.push_values(chunk, |mut b, (id, pos, t)| {
            b.push_bind(*id).push_bind(*pos).push_bind(*t);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in timeline.chunks(MAX_BINDS / 3) {
        let mut qb = QueryBuilder::<DB>::new("INSERT INTO timeline_entries (incident_id, at, text) ");
        qb.push_values(chunk, |mut b, (id, at, text)| {
            b.push_bind(*id).push_bind(*at).push_bind(text.clone());
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in submissions.chunks(MAX_BINDS / 3) {
        let mut qb = QueryBuilder::<DB>::new("INSERT INTO report_submissions (incident_id, stage, submitted_at) ");
        qb.push_values(chunk, |mut b, (id, stage, at)| {
            b.push_bind(*id).push_bind(*stage).push_bind(*at);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

async fn reread(tx: &mut Tx, id: i64) -> Result<Stored<Incident>, StoreError> {
    incident_where(&mut **tx, "i.id", KeyValue::Id(id))
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "incident", key: format!("#{id}") })
}

fn incident_event(action: &str, key: &Incident, before: Option<&Incident>, after: Option<&Incident>) -> AuditEvent {
    let json = |v: &Incident| serde_json::to_value(IncidentRecord::from(v)).ok();
    AuditEvent {
        institution: Some(key.institution.to_string()),
        before: before.and_then(json),
        after: after.and_then(json),
        ..AuditEvent::new(action, "incident", key.reference.to_string())
    }
}

pub(crate) async fn create_incident(pool: &Pool, incident: &Incident, ctx: &AuditContext) -> Result<Stored<Incident>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let one = std::slice::from_ref(incident);
    let refs = references_for(&mut tx, one).await?;
    let ids = insert_incident_rows(&mut tx, one, &refs, Utc::now()).await?;
    insert_children(&mut tx, &ids, one, &refs).await?;
    let stored = reread(&mut tx, ids[0]).await?;
    append_audit(&mut tx, ctx, incident_event("create", incident, None, Some(&stored.value))).await?;
    tx.commit().await?;
    Ok(stored)
}

const INCIDENT_VERSION: &str = "SELECT version FROM incidents WHERE id = $1";

pub(crate) async fn update_incident(
    pool: &Pool,
    id: i64,
    expected_version: i64,
    i: &Incident,
    ctx: &AuditContext,
) -> Result<Stored<Incident>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let before = reread(&mut tx, id).await?;
    let one = std::slice::from_ref(i);
    let refs = references_for(&mut tx, one).await?;
    let inst = institution_of(&refs, i)?;
    let done = sqlx::query(
        "UPDATE incidents SET reference = $1, institution_id = $2, title_ja = $3, title_en = $4, \
         description_ja = $5, description_en = $6, occurred_at = $7, detected_at = $8, first_reported_at = $9, \
         recovered_at = $10, cause_identified_at = $11, closed_at = $12, customers_affected = $13, \
         transactions_affected = $14, transaction_value_jpy = $15, settlement_impact = $16, cyber_attack = $17, \
         trigger_code = $18, trend_code = $19, vendor = $20, root_cause = $21, interim_measures = $22, \
         recurrence_prevention = $23, customer_handling = $24, publicly_announced = $25, good_practice_note = $26, \
         version = version + 1, updated_at = $27 WHERE id = $28 AND version = $29",
    )
    .bind(i.reference.to_string())
    .bind(inst)
    .bind(i.title.ja.clone())
    .bind(i.title.en.clone())
    .bind(i.description.ja.clone())
    .bind(i.description.en.clone())
    .bind(i.times.occurred_at())
    .bind(i.times.detected_at())
    .bind(i.times.first_reported_at())
    .bind(i.times.recovered_at())
    .bind(i.times.cause_identified_at())
    .bind(i.times.closed_at())
    .bind(i.customers_affected.map(|v| to_i64("customers_affected", v)).transpose()?)
    .bind(i.transactions_affected.map(|v| to_i64("transactions_affected", v)).transpose()?)
    .bind(i.transaction_value.map(|v| to_i64("transaction_value_jpy", v.get())).transpose()?)
    .bind(i.settlement_impact.code())
    .bind(i.cyber_attack)
    .bind(i.classification.trigger().code())
    .bind(i.classification.trend().code())
    .bind(i.vendor.clone())
    .bind(i.root_cause.clone())
    .bind(i.interim_measures.clone())
    .bind(i.recurrence_prevention.clone())
    .bind(i.customer_handling.clone())
    .bind(i.publicly_announced)
    .bind(i.good_practice.as_ref().map(|g| g.note.clone()))
    .bind(Utc::now())
    .bind(id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "incident", i.reference.as_str(), unknown_reference))?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(&mut tx, INCIDENT_VERSION, id, "incident", i.reference.as_str()).await);
    }
    for table in ["incident_channels", "incident_systems", "incident_secondary_trends", "timeline_entries", "report_submissions"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE incident_id = $1"))).bind(id).execute(&mut *tx).await?;
    }
    insert_children(&mut tx, &[id], one, &refs).await?;
    let stored = reread(&mut tx, id).await?;
    append_audit(&mut tx, ctx, incident_event("update", &stored.value, Some(&before.value), Some(&stored.value))).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn delete_incident(pool: &Pool, id: i64, expected_version: i64, ctx: &AuditContext) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let before = reread(&mut tx, id).await?;
    let done = sqlx::query("DELETE FROM incidents WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(&mut tx, INCIDENT_VERSION, id, "incident", &format!("#{id}")).await);
    }
    append_audit(&mut tx, ctx, incident_event("delete", &before.value, Some(&before.value), None)).await?;
    tx.commit().await?;
    Ok(())
}

async fn touch_incident(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE incidents SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(Utc::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { what: "incident", key: format!("#{id}") });
    }
    Ok(())
}

pub(crate) async fn add_timeline_entry(pool: &Pool, id: i64, entry: &TimelineEntry, ctx: &AuditContext) -> Result<Stored<Incident>, StoreError> {
    let mut tx = begin_write(pool).await?;
    touch_incident(&mut tx, id).await?;
    sqlx::query("INSERT INTO timeline_entries (incident_id, at, text) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(entry.at)
        .bind(entry.text.clone())
        .execute(&mut *tx)
        .await?;
    let stored = reread(&mut tx, id).await?;
    let mut event = incident_event("add_timeline", &stored.value, None, None);
    event.after = serde_json::to_value(entry).ok();
    append_audit(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn add_report_submission(
    pool: &Pool,
    id: i64,
    s: &ReportSubmission,
    ctx: &AuditContext,
) -> Result<Stored<Incident>, StoreError> {
    let mut tx = begin_write(pool).await?;
    touch_incident(&mut tx, id).await?;
    if s.stage == ReportStageKind::FirstReport {
        // The first report is the incident's own first_reported_at; keep the earliest.
        sqlx::query(
            "UPDATE incidents SET first_reported_at = $1 WHERE id = $2 \
             AND (first_reported_at IS NULL OR first_reported_at > $1) AND detected_at <= $1",
        )
        .bind(s.submitted_at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("INSERT INTO report_submissions (incident_id, stage, submitted_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(s.stage.code())
            .bind(s.submitted_at)
            .execute(&mut *tx)
            .await?;
    }
    let stored = reread(&mut tx, id).await?;
    let mut event = incident_event("add_report_submission", &stored.value, None, None);
    event.after = serde_json::to_value(s).ok();
    append_audit(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(stored)
}

// ---------------------------------------------------------------- import

pub(crate) async fn import(pool: &Pool, data: &DataSet, ctx: &AuditContext) -> Result<ImportSummary, StoreError> {
    let mut tx = begin_write(pool).await?;
    let now = Utc::now();
    let mut summary = ImportSummary::default();
    for i in &data.institutions {
        match institution_in(&mut *tx, &i.code).await? {
            Some(existing) if existing.value == *i => summary.institutions_unchanged += 1,
            Some(_) => return Err(StoreError::AlreadyExists { what: "institution", key: i.code.to_string() }),
            None => {
                insert_institution(&mut tx, i, now).await?;
                summary.institutions_created += 1;
            }
        }
    }
    for s in &data.systems {
        match system_in(&mut *tx, &s.institution, &s.code).await? {
            Some(existing) if existing.value == *s => summary.systems_unchanged += 1,
            Some(_) => {
                return Err(StoreError::AlreadyExists { what: "system", key: format!("{}/{}", s.institution, s.code) });
            }
            None => {
                insert_system(&mut tx, s, now).await?;
                summary.systems_created += 1;
            }
        }
    }
    if !data.incidents.is_empty() {
        let refs = references_for(&mut tx, &data.incidents).await?;
        let ids = insert_incident_rows(&mut tx, &data.incidents, &refs, now).await?;
        insert_children(&mut tx, &ids, &data.incidents, &refs).await?;
        summary.incidents_created = ids.len();
    }
    // One entry for the whole import: what it wrote, and which institutions it touched.
    let mut touched: Vec<&str> = data.institutions.iter().map(|i| i.code.as_str()).collect();
    touched.extend(data.incidents.iter().map(|i| i.institution.as_str()));
    touched.sort_unstable();
    touched.dedup();
    let mut event = AuditEvent::new("import", "register", format!("{} incidents", summary.incidents_created));
    event.institution = (touched.len() == 1).then(|| touched[0].to_string());
    event.after = Some(serde_json::json!({ "summary": summary, "institutions": touched }));
    append_audit(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(summary)
}

// ---------------------------------------------------------------- aggregates

pub(crate) async fn incident_counts(pool: &Pool, f: &IncidentFilter) -> Result<Vec<(Trigger, Trend, u64)>, StoreError> {
    let mut qb = QueryBuilder::<DB>::new(
        "SELECT i.trigger_code, i.trend_code, COUNT(*) FROM incidents i \
         JOIN institutions inst ON inst.id = i.institution_id WHERE 1 = 1",
    );
    push_filter(&mut qb, f);
    qb.push(" GROUP BY i.trigger_code, i.trend_code ORDER BY i.trigger_code, i.trend_code");
    let mut out = Vec::new();
    for row in qb.build().fetch_all(pool).await? {
        let trigger: String = row.try_get(0)?;
        let trend: String = row.try_get(1)?;
        let n: i64 = row.try_get(2)?;
        out.push((
            trigger.parse().map_err(|e| corrupt("trigger", &trigger, e))?,
            trend.parse().map_err(|e| corrupt("trend", &trend, e))?,
            u64::try_from(n).unwrap_or(0),
        ));
    }
    Ok(out)
}
