-- The failure register. Kept in step with migrations/postgres/0001_register.sql:
-- same tables, columns and constraints; only the engine's types differ.

CREATE TABLE institutions (
    id               INTEGER PRIMARY KEY,
    code             TEXT    NOT NULL UNIQUE,
    name_ja          TEXT    NOT NULL,
    name_en          TEXT    NOT NULL,
    institution_type TEXT    NOT NULL,
    lei              TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

CREATE TABLE systems (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id) ON DELETE RESTRICT,
    code           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    owner          TEXT,
    criticality    TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (institution_id, code)
);

CREATE TABLE incidents (
    id                    INTEGER PRIMARY KEY,
    reference             TEXT    NOT NULL UNIQUE,
    institution_id        INTEGER NOT NULL REFERENCES institutions(id) ON DELETE RESTRICT,
    title_ja              TEXT,
    title_en              TEXT,
    description_ja        TEXT,
    description_en        TEXT,
    occurred_at           TEXT    NOT NULL,
    detected_at           TEXT    NOT NULL,
    first_reported_at     TEXT,
    recovered_at          TEXT,
    cause_identified_at   TEXT,
    closed_at             TEXT,
    customers_affected    INTEGER CHECK (customers_affected >= 0),
    transactions_affected INTEGER CHECK (transactions_affected >= 0),
    transaction_value_jpy INTEGER CHECK (transaction_value_jpy >= 0),
    settlement_impact     TEXT    NOT NULL,
    cyber_attack          BOOLEAN NOT NULL,
    trigger_code          TEXT    NOT NULL,
    trend_code            TEXT    NOT NULL,
    vendor                TEXT,
    root_cause            TEXT,
    interim_measures      TEXT,
    recurrence_prevention TEXT,
    customer_handling     TEXT,
    publicly_announced    BOOLEAN NOT NULL,
    good_practice_note    TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    CHECK (title_ja IS NOT NULL OR title_en IS NOT NULL)
);
CREATE INDEX incidents_institution_occurred ON incidents (institution_id, occurred_at);
CREATE INDEX incidents_occurred ON incidents (occurred_at);
CREATE INDEX incidents_trend ON incidents (trend_code);

CREATE TABLE incident_channels (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    PRIMARY KEY (incident_id, channel)
);
CREATE INDEX incident_channels_channel ON incident_channels (channel);

CREATE TABLE incident_systems (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    system_id   INTEGER NOT NULL REFERENCES systems(id) ON DELETE RESTRICT,
    PRIMARY KEY (incident_id, system_id)
);
CREATE INDEX incident_systems_system ON incident_systems (system_id);

CREATE TABLE incident_secondary_trends (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    trend_code  TEXT    NOT NULL,
    PRIMARY KEY (incident_id, trend_code)
);

CREATE TABLE timeline_entries (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    text        TEXT    NOT NULL
);
CREATE INDEX timeline_entries_incident ON timeline_entries (incident_id, at);

CREATE TABLE report_submissions (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    stage        TEXT    NOT NULL,
    submitted_at TEXT    NOT NULL
);
CREATE INDEX report_submissions_incident ON report_submissions (incident_id);
