// Users, sessions, API tokens and the audit trail, compiled once per engine like queries.rs
// (which this file is included beside; it uses that file's imports and helpers).

use crate::access::{
    ApiToken, AuditBreak, AuditEntry, AuditMark, AuditPage, AuditQuery, AuditVerification, DisplayZone,
    GENESIS_HASH, Revoke, Role, User, UserScope, audit_now,
};
use opres_domain::Lang;

// ---------------------------------------------------------------- audit trail

/// Appends one entry to the chain inside the caller's transaction, so the change and its entry
/// are committed together or not at all. The head row is locked first: appends are serialised.
pub(crate) async fn append_audit(tx: &mut Tx, ctx: &AuditContext, event: AuditEvent) -> Result<AuditEntry, StoreError> {
    let head = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT seq, hash FROM audit_head WHERE id = 1{FOR_UPDATE}")))
        .fetch_optional(&mut **tx)
        .await?;
    let (prev_seq, prev_hash): (i64, String) = match head {
        Some(row) => (row.try_get(0)?, row.try_get(1)?),
        None => return Err(StoreError::Corrupt("the audit trail's head row is missing".into())),
    };
    let text = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let mut entry = AuditEntry {
        seq: prev_seq + 1,
        at: audit_now(),
        actor: ctx.actor.clone(),
        action: event.action,
        object_kind: event.object_kind,
        object_key: event.object_key,
        institution: event.institution,
        before: text(event.before),
        after: text(event.after),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, object_kind, object_key, institution, before_json, \
         after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(entry.actor.clone())
    .bind(entry.action.clone())
    .bind(entry.object_kind.clone())
    .bind(entry.object_key.clone())
    .bind(entry.institution.clone())
    .bind(entry.before.clone())
    .bind(entry.after.clone())
    .bind(entry.prev_hash.clone())
    .bind(entry.hash.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(entry.seq)
        .bind(entry.hash.clone())
        .execute(&mut **tx)
        .await?;
    Ok(entry)
}

/// Records an event that changes nothing else (sign-in, sign-out, failed sign-in).
pub(crate) async fn record_event(pool: &Pool, ctx: &AuditContext, event: AuditEvent) -> Result<AuditEntry, StoreError> {
    let mut tx = begin_write(pool).await?;
    let entry = append_audit(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(entry)
}

#[derive(FromRow)]
struct AuditRow {
    seq: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    object_kind: String,
    object_key: String,
    institution: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            object_kind: r.object_kind,
            object_key: r.object_key,
            institution: r.institution,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const AUDIT_COLUMNS: &str =
    "seq, at, actor, action, object_kind, object_key, institution, before_json, after_json, prev_hash, hash";

fn push_audit_filter(qb: &mut QueryBuilder<DB>, q: &AuditQuery) {
    if let Some(codes) = &q.institutions {
        if codes.is_empty() {
            qb.push(" AND 1 = 0");
        } else {
            qb.push(" AND institution IN (");
            let mut sep = qb.separated(", ");
            for c in codes {
                sep.push_bind(c.as_str().to_string());
            }
            qb.push(")");
        }
    }
    if let Some(kind) = &q.object_kind {
        qb.push(" AND object_kind = ").push_bind(kind.clone());
    }
    if let Some(key) = &q.object_key {
        qb.push(" AND object_key = ").push_bind(key.clone());
    }
}

pub(crate) async fn audit_marks_after(pool: &Pool, after_seq: i64, limit: u32) -> Result<Vec<AuditMark>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT seq, action, object_kind, object_key FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn latest_audit_seq(pool: &Pool) -> Result<i64, StoreError> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log").fetch_one(pool).await?;
    Ok(seq.unwrap_or(0))
}

pub(crate) async fn list_audit(pool: &Pool, q: &AuditQuery) -> Result<AuditPage, StoreError> {
    let mut count = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM audit_log WHERE 1 = 1");
    push_audit_filter(&mut count, q);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut qb = QueryBuilder::<DB>::new(format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE 1 = 1"));
    push_audit_filter(&mut qb, q);
    qb.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(q.limit.clamp(1, 1000)));
    qb.push(" OFFSET ").push_bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
    let rows: Vec<AuditRow> = qb.build_query_as().fetch_all(pool).await?;
    Ok(AuditPage { total: u64::try_from(total).unwrap_or(0), items: rows.into_iter().map(AuditEntry::from).collect() })
}

/// Reads the whole chain in order, page by page, and reports the first entry that does not hold.
pub(crate) async fn verify_audit(pool: &Pool) -> Result<AuditVerification, StoreError> {
    const PAGE: i64 = 5000;
    let mut tx = pool.begin().await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_optional(&mut *tx).await?;
    let (head_seq, head_hash): (i64, String) = match head {
        Some(row) => (row.try_get(0)?, row.try_get(1)?),
        None => (0, GENESIS_HASH.to_string()),
    };
    let mut expected_seq = 1_i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut entries = 0_u64;
    let mut after = 0_i64;
    loop {
        let rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in rows {
            let e = AuditEntry::from(row);
            entries += 1;
            let problem = if e.seq != expected_seq {
                Some(AuditBreak::Missing { expected: expected_seq })
            } else if e.prev_hash != prev_hash {
                Some(AuditBreak::ChainBroken)
            } else if e.compute_hash() != e.hash {
                Some(AuditBreak::Altered)
            } else {
                None
            };
            if let Some(p) = problem {
                tx.commit().await?;
                return Ok(AuditVerification { entries, first_bad: Some((e.seq, p)) });
            }
            expected_seq = e.seq + 1;
            prev_hash = e.hash;
        }
    }
    tx.commit().await?;
    let last_seq = expected_seq - 1;
    let first_bad =
        (head_seq != last_seq || head_hash != prev_hash).then(|| (last_seq + 1, AuditBreak::HeadMismatch { head_seq }));
    Ok(AuditVerification { entries, first_bad })
}

// ---------------------------------------------------------------- users

#[derive(FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    password_hash: String,
    role: String,
    all_institutions: bool,
    lang: Option<String>,
    time_zone: String,
    active: bool,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, all_institutions, lang, time_zone, \
     active, version, created_at, updated_at";

async fn user_scope_codes<'e, E: sqlx::Executor<'e, Database = DB>>(
    conn: E,
    id: i64,
) -> Result<Vec<InstitutionCode>, StoreError> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT institution_code FROM user_institutions WHERE user_id = $1 ORDER BY institution_code")
            .bind(id)
            .fetch_all(conn)
            .await?;
    codes.iter().map(|c| InstitutionCode::parse(c).map_err(|e| corrupt("user institution", c, e))).collect()
}

fn build_user(row: UserRow, codes: Vec<InstitutionCode>) -> Result<(Stored<User>, String), StoreError> {
    let role = Role::parse(&row.role).ok_or_else(|| corrupt("user", &row.username, format!("role '{}'", row.role)))?;
    let time_zone = DisplayZone::parse(&row.time_zone).unwrap_or_default();
    let user = User {
        username: row.username,
        display_name: row.display_name,
        role,
        scope: if row.all_institutions { UserScope::All } else { UserScope::Institutions(codes) },
        lang: row.lang.as_deref().and_then(Lang::parse),
        time_zone,
        active: row.active,
    };
    Ok((
        Stored { id: row.id, version: row.version, created_at: row.created_at, updated_at: row.updated_at, value: user },
        row.password_hash,
    ))
}

async fn user_where(tx: &mut sqlx::pool::PoolConnection<DB>, column: &str, key: KeyValue) -> Result<Option<(Stored<User>, String)>, StoreError> {
    let mut qb = QueryBuilder::<DB>::new(format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = "));
    match key {
        KeyValue::Id(id) => qb.push_bind(id),
        KeyValue::Text(s) => qb.push_bind(s),
    };
    let Some(row): Option<UserRow> = qb.build_query_as().fetch_optional(&mut **tx).await? else { return Ok(None) };
    let codes = user_scope_codes(&mut **tx, row.id).await?;
    build_user(row, codes).map(Some)
}

async fn user_in_tx(tx: &mut Tx, id: i64) -> Result<Option<(Stored<User>, String)>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let codes = user_scope_codes(&mut **tx, row.id).await?;
    build_user(row, codes).map(Some)
}

pub(crate) async fn user_by_username(pool: &Pool, username: &str) -> Result<Option<(Stored<User>, String)>, StoreError> {
    let mut conn = pool.acquire().await?;
    user_where(&mut conn, "username", KeyValue::Text(username.to_string())).await
}

pub(crate) async fn user_by_id(pool: &Pool, id: i64) -> Result<Option<(Stored<User>, String)>, StoreError> {
    let mut conn = pool.acquire().await?;
    user_where(&mut conn, "id", KeyValue::Id(id)).await
}

pub(crate) async fn list_users(pool: &Pool) -> Result<Vec<Stored<User>>, StoreError> {
    let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users ORDER BY username")))
        .fetch_all(pool)
        .await?;
    let links: Vec<(i64, String)> =
        sqlx::query_as("SELECT user_id, institution_code FROM user_institutions ORDER BY institution_code")
            .fetch_all(pool)
            .await?;
    let mut by_user: HashMap<i64, Vec<InstitutionCode>> = HashMap::new();
    for (id, code) in links {
        by_user.entry(id).or_default().push(InstitutionCode::parse(&code).map_err(|e| corrupt("user institution", &code, e))?);
    }
    rows.into_iter().map(|r| {
        let codes = by_user.remove(&r.id).unwrap_or_default();
        build_user(r, codes).map(|(u, _)| u)
    }).collect()
}

async fn write_scope(tx: &mut Tx, id: i64, scope: &UserScope) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM user_institutions WHERE user_id = $1").bind(id).execute(&mut **tx).await?;
    if let UserScope::Institutions(codes) = scope {
        for c in codes {
            sqlx::query("INSERT INTO user_institutions (user_id, institution_code) VALUES ($1, $2)")
                .bind(id)
                .bind(c.as_str().to_string())
                .execute(&mut **tx)
                .await
                .map_err(|e| on_constraint(e, "institution", c.as_str(), unknown_reference))?;
        }
    }
    Ok(())
}

/// A user as the audit trail shows it: everything but the password hash.
fn user_json(u: &User) -> serde_json::Value {
    serde_json::to_value(u).unwrap_or(serde_json::Value::Null)
}

pub(crate) async fn create_user(pool: &Pool, u: &User, password_hash: &str, ctx: &AuditContext) -> Result<Stored<User>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let now = Utc::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, all_institutions, lang, time_zone, active, \
         version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
    )
    .bind(u.username.clone())
    .bind(u.display_name.clone())
    .bind(password_hash.to_string())
    .bind(u.role.code())
    .bind(matches!(u.scope, UserScope::All))
    .bind(u.lang.map(|l| l.code()))
    .bind(u.time_zone.code())
    .bind(u.active)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "user", &u.username, unknown_reference))?;
    write_scope(&mut tx, id, &u.scope).await?;
    let mut event = AuditEvent::new("create", "user", u.username.clone());
    event.after = Some(user_json(u));
    append_audit(&mut tx, ctx, event).await?;
    let (stored, _) = user_in_tx(&mut tx, id).await?.ok_or_else(|| corrupt("user", &u.username, "vanished"))?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn update_user(pool: &Pool, id: i64, expected_version: i64, u: &User, revoke: Revoke, ctx: &AuditContext) -> Result<Stored<User>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let (before, _) = user_in_tx(&mut tx, id).await?.ok_or_else(|| StoreError::NotFound { what: "user", key: format!("#{id}") })?;
    let done = sqlx::query(
        "UPDATE users SET username = $1, display_name = $2, role = $3, all_institutions = $4, lang = $5, \
         time_zone = $6, active = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
    )
    .bind(u.username.clone())
    .bind(u.display_name.clone())
    .bind(u.role.code())
    .bind(matches!(u.scope, UserScope::All))
    .bind(u.lang.map(|l| l.code()))
    .bind(u.time_zone.code())
    .bind(u.active)
    .bind(Utc::now())
    .bind(id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "user", &u.username, unknown_reference))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { what: "user", key: before.value.username.clone(), current_version: before.version });
    }
    write_scope(&mut tx, id, &u.scope).await?;
    // A change of role or scope is what an auditor looks for: name it so.
    let action = if before.value.role != u.role || before.value.scope != u.scope { "role_change" } else { "update" };
    let mut event = AuditEvent::new(action, "user", u.username.clone());
    event.before = Some(user_json(&before.value));
    event.after = Some(user_json(u));
    append_audit(&mut tx, ctx, event).await?;
    revoke_in_tx(&mut tx, id, &u.username, revoke, None, ctx).await?;
    let (stored, _) = user_in_tx(&mut tx, id).await?.ok_or_else(|| corrupt("user", &u.username, "vanished"))?;
    tx.commit().await?;
    Ok(stored)
}

/// Ends the user's sessions (all but `keep`) and revokes their live API tokens, as `revoke` asks,
/// inside the transaction of the change that calls for it, with an audit entry for each kind.
async fn revoke_in_tx(
    tx: &mut Tx,
    id: i64,
    username: &str,
    revoke: Revoke,
    keep: Option<&str>,
    ctx: &AuditContext,
) -> Result<(), StoreError> {
    if revoke.sessions {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(id)
            // No session id is empty, so "" keeps none.
            .bind(keep.unwrap_or("").to_string())
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() > 0 {
            let mut event = AuditEvent::new("end_sessions", "user", username.to_string());
            event.after = Some(serde_json::json!({ "sessions": done.rows_affected(), "kept_current": keep.is_some() }));
            append_audit(tx, ctx, event).await?;
        }
    }
    if revoke.tokens {
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(Utc::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() > 0 {
            let mut event = AuditEvent::new("revoke", "api_token", format!("{username}/*"));
            event.after = Some(serde_json::json!({ "tokens": done.rows_affected() }));
            append_audit(tx, ctx, event).await?;
        }
    }
    Ok(())
}

pub(crate) async fn set_password(pool: &Pool, id: i64, password_hash: &str, keep_session: Option<&str>, ctx: &AuditContext) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let (user, _) = user_in_tx(&mut tx, id).await?.ok_or_else(|| StoreError::NotFound { what: "user", key: format!("#{id}") })?;
    sqlx::query("UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(password_hash.to_string())
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    append_audit(&mut tx, ctx, AuditEvent::new("password_change", "user", user.value.username.clone())).await?;
    // Whoever knew the old password may hold a session: every one but the changer's own ends now.
    let revoke = Revoke { sessions: true, tokens: false };
    revoke_in_tx(&mut tx, id, &user.value.username, revoke, keep_session, ctx).await?;
    tx.commit().await?;
    Ok(())
}

/// Language and time zone: the user's own display preferences, not register data, so not audited.
pub(crate) async fn set_preferences(pool: &Pool, id: i64, lang: Option<Lang>, zone: DisplayZone) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET lang = $1, time_zone = $2 WHERE id = $3")
        .bind(lang.map(|l| l.code()))
        .bind(zone.code())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- API tokens

#[derive(FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken { id: r.id, user_id: r.user_id, name: r.name, prefix: r.prefix, created_at: r.created_at, revoked_at: r.revoked_at }
    }
}

pub(crate) async fn create_api_token(
    pool: &Pool,
    user_id: i64,
    name: &str,
    prefix: &str,
    token_hash: &str,
    ctx: &AuditContext,
) -> Result<ApiToken, StoreError> {
    let mut tx = begin_write(pool).await?;
    let (user, _) = user_in_tx(&mut tx, user_id).await?.ok_or_else(|| StoreError::NotFound { what: "user", key: format!("#{user_id}") })?;
    let row: TokenRow = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, user_id, name, prefix, created_at, revoked_at",
    )
    .bind(user_id)
    .bind(name.to_string())
    .bind(prefix.to_string())
    .bind(token_hash.to_string())
    .bind(Utc::now())
    .fetch_one(&mut *tx)
    .await?;
    let mut event = AuditEvent::new("create", "api_token", format!("{}/{}", user.value.username, row.id));
    event.after = Some(serde_json::json!({ "name": name, "prefix": prefix }));
    append_audit(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(row.into())
}

pub(crate) async fn list_api_tokens(pool: &Pool, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT id, user_id, name, prefix, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

pub(crate) async fn revoke_api_token(pool: &Pool, user_id: i64, token_id: i64, ctx: &AuditContext) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let (user, _) = user_in_tx(&mut tx, user_id).await?.ok_or_else(|| StoreError::NotFound { what: "user", key: format!("#{user_id}") })?;
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { what: "api_token", key: format!("#{token_id}") });
    }
    append_audit(&mut tx, ctx, AuditEvent::new("revoke", "api_token", format!("{}/{token_id}", user.value.username))).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn user_by_token_hash(pool: &Pool, token_hash: &str) -> Result<Option<(Stored<User>, ApiToken)>, StoreError> {
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT id, user_id, name, prefix, created_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash.to_string())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some((user, _)) = user_by_id(pool, row.user_id).await? else { return Ok(None) };
    Ok(Some((user, row.into())))
}

// ---------------------------------------------------------------- sessions

pub(crate) async fn session_load(pool: &Pool, id: &str) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
    let row: Option<(String, DateTime<Utc>)> =
        sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id.to_string())
            .bind(Utc::now())
            .fetch_optional(pool)
            .await?;
    Ok(row)
}

/// Updates a session that still exists; never inserts. A request that loaded a session before it
/// was ended (by a password change on another tab, say) saves it when it finishes: an upsert
/// would bring the ended session back.
pub(crate) async fn session_save(pool: &Pool, id: &str, user_id: Option<i64>, data: &str, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET data = $1, expires_at = $2, user_id = $3 WHERE id = $4")
        .bind(data.to_string())
        .bind(expires_at)
        .bind(user_id)
        .bind(id.to_string())
        .execute(pool)
        .await?;
    Ok(())
}

/// Inserts a session only if its id is new; `false` if the id is taken.
pub(crate) async fn session_create(pool: &Pool, id: &str, user_id: Option<i64>, data: &str, expires_at: DateTime<Utc>) -> Result<bool, StoreError> {
    let done = sqlx::query("INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
        .bind(id.to_string())
        .bind(data.to_string())
        .bind(expires_at)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn session_delete(pool: &Pool, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id.to_string()).execute(pool).await?;
    Ok(())
}

pub(crate) async fn end_sessions(pool: &Pool, user_id: i64, keep: Option<&str>, ctx: &AuditContext) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let (user, _) = user_in_tx(&mut tx, user_id).await?.ok_or_else(|| StoreError::NotFound { what: "user", key: format!("#{user_id}") })?;
    revoke_in_tx(&mut tx, user_id, &user.value.username, Revoke { sessions: true, tokens: false }, keep, ctx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn delete_expired_sessions(pool: &Pool) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(Utc::now()).execute(pool).await?;
    Ok(done.rows_affected())
}
