-- Images uploaded for commentaries, kept in the database so that every
-- node serves them. Addressed by the SHA-256 of their (cleaned) bytes.

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
