// Whole, versioned documents, compiled once per engine like queries.rs (which this file is
// included beside; it uses that file's imports and helpers).

use crate::documents::{Document, DocumentKind, DocumentSummary};

#[derive(FromRow)]
struct DocumentSummaryRow {
    kind: String,
    key: String,
    institution: Option<String>,
    title: String,
    bytes: i64,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl DocumentSummaryRow {
    fn into_summary(self) -> Result<DocumentSummary, StoreError> {
        let kind = DocumentKind::from_code(&self.kind)
            .ok_or_else(|| corrupt("document", &self.key, format!("unknown kind '{}'", self.kind)))?;
        Ok(DocumentSummary {
            kind,
            key: self.key,
            institution: self.institution,
            title: self.title,
            bytes: self.bytes,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

#[derive(FromRow)]
struct DocumentRow {
    id: i64,
    key: String,
    institution: Option<String>,
    title: String,
    body: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

async fn document_in<'e, E: sqlx::Executor<'e, Database = DB>>(
    conn: E,
    kind: DocumentKind,
    key: &str,
) -> Result<Option<Stored<Document>>, StoreError> {
    let row: Option<DocumentRow> = sqlx::query_as(
        "SELECT id, key, institution, title, body, version, created_at, updated_at FROM documents \
         WHERE kind = $1 AND key = $2",
    )
    .bind(kind.code())
    .bind(key.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Stored {
        id: r.id,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        value: Document { kind, key: r.key, institution: r.institution, title: r.title, body: r.body },
    }))
}

pub(crate) async fn document(
    pool: &Pool,
    kind: DocumentKind,
    key: &str,
) -> Result<Option<Stored<Document>>, StoreError> {
    document_in(pool, kind, key).await
}

pub(crate) async fn list_documents(pool: &Pool, kind: DocumentKind) -> Result<Vec<DocumentSummary>, StoreError> {
    let rows: Vec<DocumentSummaryRow> = sqlx::query_as(
        "SELECT kind, key, institution, title, bytes, version, updated_at FROM documents WHERE kind = $1 ORDER BY key",
    )
    .bind(kind.code())
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(DocumentSummaryRow::into_summary).collect()
}

async fn document_summary_in(tx: &mut Tx, kind: DocumentKind, key: &str) -> Result<DocumentSummary, StoreError> {
    let row: DocumentSummaryRow = sqlx::query_as(
        "SELECT kind, key, institution, title, bytes, version, updated_at FROM documents \
             WHERE kind = $1 AND key = $2",
    )
    .bind(kind.code())
    .bind(key.to_string())
    .fetch_one(&mut **tx)
    .await?;
    row.into_summary()
}

fn document_json(d: &Document) -> serde_json::Value {
    serde_json::json!({"title": d.title, "institution": d.institution, "bytes": d.body.len(), "sha256": d.digest()})
}

fn document_event(action: &str, before: Option<&Document>, after: Option<&Document>) -> AuditEvent {
    let d = after.or(before);
    AuditEvent {
        institution: d.and_then(|d| d.institution.clone()),
        before: before.map(document_json),
        after: after.map(document_json),
        ..AuditEvent::new(
            action,
            d.map(|d| d.kind.code()).unwrap_or("document"),
            d.map(|d| d.key.clone()).unwrap_or_default(),
        )
    }
}

pub(crate) async fn save_document(
    pool: &Pool,
    doc: &Document,
    expected_version: Option<i64>,
    ctx: &AuditContext,
) -> Result<DocumentSummary, StoreError> {
    let mut tx = begin_write(pool).await?;
    let saved = save_document_in(&mut tx, doc, expected_version, ctx).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Saves every document in one transaction: all of them or, on the first refusal, none.
pub(crate) async fn save_documents(
    pool: &Pool,
    docs: &[(Document, Option<i64>)],
    ctx: &AuditContext,
) -> Result<Vec<DocumentSummary>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut saved = Vec::with_capacity(docs.len());
    for (doc, expected_version) in docs {
        saved.push(save_document_in(&mut tx, doc, *expected_version, ctx).await?);
    }
    tx.commit().await?;
    Ok(saved)
}

async fn save_document_in(
    tx: &mut Tx,
    doc: &Document,
    expected_version: Option<i64>,
    ctx: &AuditContext,
) -> Result<DocumentSummary, StoreError> {
    let what = doc.kind.noun();
    let bytes = to_i64("document size", doc.body.len() as u64)?;
    let now = Utc::now();
    let current = document_in(&mut **tx, doc.kind, &doc.key).await?;
    match (expected_version, &current) {
        (None, Some(_)) => return Err(StoreError::AlreadyExists { what, key: doc.key.clone() }),
        (Some(_), None) => return Err(StoreError::NotFound { what, key: doc.key.clone() }),
        (Some(v), Some(c)) if c.version != v => {
            return Err(StoreError::Conflict { what, key: doc.key.clone(), current_version: c.version });
        }
        (None, None) => {
            sqlx::query(
                "INSERT INTO documents (kind, key, institution, title, body, bytes, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
            )
            .bind(doc.kind.code())
            .bind(doc.key.clone())
            .bind(doc.institution.clone())
            .bind(doc.title.clone())
            .bind(doc.body.clone())
            .bind(bytes)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| on_constraint(e, what, &doc.key, unknown_reference))?;
        }
        (Some(v), Some(c)) => {
            let done = sqlx::query(
                "UPDATE documents SET institution = $1, title = $2, body = $3, bytes = $4, version = version + 1, \
                 updated_at = $5 WHERE id = $6 AND version = $7",
            )
            .bind(doc.institution.clone())
            .bind(doc.title.clone())
            .bind(doc.body.clone())
            .bind(bytes)
            .bind(now)
            .bind(c.id)
            .bind(v)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict { what, key: doc.key.clone(), current_version: c.version });
            }
        }
    }
    let saved = document_summary_in(tx, doc.kind, &doc.key).await?;
    let action = if current.is_some() { "update" } else { "create" };
    append_audit(tx, ctx, document_event(action, current.as_ref().map(|c| &c.value), Some(doc))).await?;
    Ok(saved)
}

pub(crate) async fn delete_document(
    pool: &Pool,
    kind: DocumentKind,
    key: &str,
    expected_version: i64,
    ctx: &AuditContext,
) -> Result<(), StoreError> {
    let what = kind.noun();
    let mut tx = begin_write(pool).await?;
    let current =
        document_in(&mut *tx, kind, key).await?.ok_or_else(|| StoreError::NotFound { what, key: key.to_string() })?;
    let done = sqlx::query("DELETE FROM documents WHERE id = $1 AND version = $2")
        .bind(current.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { what, key: key.to_string(), current_version: current.version });
    }
    append_audit(&mut tx, ctx, document_event("delete", Some(&current.value), None)).await?;
    tx.commit().await?;
    Ok(())
}
