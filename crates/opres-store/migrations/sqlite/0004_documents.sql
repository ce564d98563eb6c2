-- Whole, versioned documents for the modules whose models live in their engine crates
-- (resilience maps and scenarios, TLPT programmes, the ATT&CK catalogue, the learned classifier).
-- Each is saved as one JSON text in one transaction, with the version an edit was based on, so a
-- save is all-or-nothing and two editors cannot overwrite each other. Kept in step with
-- migrations/postgres/0004_documents.sql.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    institution TEXT,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    bytes       INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX documents_kind_institution ON documents (kind, institution);
