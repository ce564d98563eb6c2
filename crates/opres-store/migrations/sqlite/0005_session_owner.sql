-- Each session row names the account signed in on it, so that a password change, an admin reset,
-- a narrower role or scope and disabling an account can end that account's sessions in the same
-- transaction (issue 16, defect 5). Kept in step with migrations/postgres/0005_session_owner.sql.
--
-- Sessions from before this column cannot be told apart by owner, so they are ended: everyone
-- signs in once more after the upgrade, and no session escapes the rule.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX sessions_user ON sessions (user_id);
