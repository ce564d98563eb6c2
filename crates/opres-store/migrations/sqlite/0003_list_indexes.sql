-- Indexes for the list page's common filters: a classification or cyber flag within a period, newest first.
-- Without them a filtered page reads every row of the classification to check its date, and sorts.
-- Kept in step with migrations/postgres/0003_list_indexes.sql.
CREATE INDEX incidents_trend_occurred ON incidents (trend_code, occurred_at);
CREATE INDEX incidents_trigger_occurred ON incidents (trigger_code, occurred_at);
CREATE INDEX incidents_cyber_occurred ON incidents (cyber_attack, occurred_at);
