-- Users, their institutions, sessions, API tokens and the hash-chained audit trail. Kept in step
-- with migrations/postgres/0002_access_and_audit.sql: same tables, columns and constraints.

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    username         TEXT    NOT NULL UNIQUE,
    display_name     TEXT    NOT NULL,
    password_hash    TEXT    NOT NULL,
    role             TEXT    NOT NULL,
    all_institutions BOOLEAN NOT NULL,
    lang             TEXT,
    time_zone        TEXT    NOT NULL,
    active           BOOLEAN NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

-- Institution codes rather than row ids: a user may be set up before the institution's data arrives.
CREATE TABLE user_institutions (
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    institution_code TEXT    NOT NULL,
    PRIMARY KEY (user_id, institution_code)
);

CREATE TABLE sessions (
    id         TEXT NOT NULL PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Only a SHA-256 of each token is kept; the token itself is shown once, when created.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Append-only: seq is assigned by opres (1, 2, 3, … without gaps) and each entry holds the hash
-- of the one before, so an edited, deleted or reordered entry breaks the chain.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_kind TEXT    NOT NULL,
    object_key  TEXT    NOT NULL,
    institution TEXT,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_key);
CREATE INDEX audit_log_institution ON audit_log (institution, seq);

-- The chain's head: the last seq and hash, updated with every append, so deleting the newest
-- entries is noticed too. Its single row is also the lock that serialises appends.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
