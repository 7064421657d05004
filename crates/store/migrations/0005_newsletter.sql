-- Newsletter subscribers, and messages captured instead of sent (demo
-- mode, or no mail relay configured).

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    -- The languages wanted, comma-separated codes.
    langs TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'unsubscribed', 'bounced', 'complained')),
    -- How consent was given: the form and its time, or an import's note.
    consent TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE INDEX subscribers_status ON subscribers (status);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    created_at BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- The plain-text part, for reading in the workspace.
    text_body TEXT NOT NULL,
    -- The whole message as it would have been sent (RFC 5322).
    message BLOB NOT NULL
);
