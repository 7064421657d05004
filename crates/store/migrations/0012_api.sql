-- Personal API tokens for staff, and webhooks with their delivery queue.

-- A token is found by the SHA-256 of its text; the text is shown once and
-- never stored. It acts with `role`, which may be below its owner's.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author', 'translator')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Where events go. The secret signs each delivery (HMAC-SHA256); it must be
-- kept to sign, as a DKIM key is.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- Comma-separated: published, unpublished, edition-sent.
    events TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

-- One event for one webhook, retried with growing pauses until it is
-- delivered or given up.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    -- A node working on it holds it until then.
    claimed_until BIGINT NOT NULL DEFAULT 0,
    delivered_at BIGINT,
    failed_at BIGINT,
    last_status TEXT NOT NULL DEFAULT ''
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at);

-- The versions last seen public, so publishing and unpublishing (which may
-- happen by the clock alone) become events once, whichever node sees it.
CREATE TABLE webhook_seen (
    commentary_id BIGINT NOT NULL,
    lang TEXT NOT NULL,
    PRIMARY KEY (commentary_id, lang)
);

-- When the end of a newsletter send was announced to webhooks (or passed
-- over, when there were none). Sends before this migration count as done.
ALTER TABLE sends ADD COLUMN announced_at BIGINT;
UPDATE sends SET announced_at = created_at;
