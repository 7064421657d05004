-- Analysis requests from readers, and the editors' work on them: state,
-- who is on it, internal notes and the replies sent. Only what the form
-- asks is kept (no network address).

CREATE TABLE analysis_requests (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    trend_id BIGINT REFERENCES trends(id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    -- The language the requester wants the answer in.
    lang TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'accepted', 'answered', 'declined')),
    assignee_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX analysis_requests_state ON analysis_requests (state, created_at);

CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES analysis_requests(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('note', 'reply', 'state', 'assign')),
    -- A note's or reply's text; the new state; the assignee's name.
    body TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE INDEX request_events_request ON request_events (request_id, id);
