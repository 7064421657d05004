-- A second factor for staff, and site settings.

-- base32 secret of a time-based one-time password; NULL: not set up.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- The last time step whose code was accepted: each is accepted once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
-- 0 while a session waits for its second factor.
ALTER TABLE sessions ADD COLUMN verified BIGINT NOT NULL DEFAULT 1;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
