-- Staff, their sessions, login throttling, the audit log, and the
-- editorial bookkeeping on versions: revisions and translation sources.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author', 'translator')),
    -- argon2id PHC string
    password_hash TEXT NOT NULL,
    ui_lang TEXT NOT NULL,
    -- The author profile this staff member writes as, if any.
    author_id BIGINT REFERENCES authors(id),
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- A session is found by the SHA-256 of its cookie's token; the token itself
-- is never stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per key ('account:EMAIL' or 'address:IP') in a window.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT,
    user_email TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_at ON audit_log (at);

-- Each save of a version's text makes a revision; `revision` on the version
-- is the latest, and a save based on an older one is a conflict.
ALTER TABLE commentary_versions ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
-- For a translation: the language translated from, and that version's
-- revision at the time, so a later change of the source shows as outdated.
ALTER TABLE commentary_versions ADD COLUMN source_lang TEXT;
ALTER TABLE commentary_versions ADD COLUMN source_revision BIGINT;
ALTER TABLE commentary_versions ADD COLUMN updated_by BIGINT REFERENCES users(id);

CREATE TABLE version_revisions (
    id INTEGER PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES commentary_versions(id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    body TEXT NOT NULL,
    saved_by BIGINT REFERENCES users(id),
    saved_at BIGINT NOT NULL,
    UNIQUE (version_id, revision)
);
