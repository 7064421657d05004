-- The newsletter's delivery queue. A send is one edition's email going
-- out; its unique edition makes exactly one node fill the queue. Each
-- delivery is one email to one subscriber in one language, claimed by a
-- worker for a short lease, so several nodes share a send and a crashed
-- worker's claims come back by themselves.

ALTER TABLE editions ADD COLUMN email_full BIGINT NOT NULL DEFAULT 1;

CREATE TABLE sends (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL UNIQUE REFERENCES editions(id),
    created_at BIGINT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    send_id BIGINT NOT NULL REFERENCES sends(id),
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id),
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    error TEXT NOT NULL DEFAULT '',
    UNIQUE (send_id, subscriber_id, lang)
);

CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
