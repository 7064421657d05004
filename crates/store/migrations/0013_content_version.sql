-- A counter that every commit of content moves, inside its own transaction.
-- SQLite nodes poll it to learn of other processes' changes (PostgreSQL
-- nodes hear NOTIFY instead); writes that no public page shows (sessions,
-- sign-ups, deliveries, the audit log) leave it alone, so they do not empty
-- every node's caches. It holds one row.
CREATE TABLE content_version (
    n BIGINT NOT NULL
);

INSERT INTO content_version (n) VALUES (0);
