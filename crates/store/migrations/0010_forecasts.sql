-- Forecasts: sets of statements, each saying how likely something is by a
-- date, and what happened. The likelihood scale is verbal ("likely") with a
-- probability per step; a statement keeps the probability it was made with,
-- so editing the scale later does not rewrite the track record.

CREATE TABLE likelihoods (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    percent BIGINT NOT NULL CHECK (percent >= 0 AND percent <= 100),
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE likelihood_labels (
    likelihood_id BIGINT NOT NULL REFERENCES likelihoods(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (likelihood_id, lang)
);

CREATE TABLE forecast_sets (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    -- Public from this moment; NULL while being prepared.
    published_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE forecast_set_texts (
    set_id BIGINT NOT NULL REFERENCES forecast_sets(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (set_id, lang)
);

CREATE TABLE forecast_statements (
    id INTEGER PRIMARY KEY,
    set_id BIGINT NOT NULL REFERENCES forecast_sets(id) ON DELETE CASCADE,
    trend_id BIGINT NOT NULL REFERENCES trends(id),
    likelihood_id BIGINT NOT NULL REFERENCES likelihoods(id),
    percent BIGINT NOT NULL CHECK (percent >= 0 AND percent <= 100),
    due_on TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    outcome TEXT CHECK (outcome IN ('happened', 'not-happened', 'unclear')),
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX forecast_statements_set ON forecast_statements (set_id, position);
CREATE INDEX forecast_statements_due ON forecast_statements (due_on);

CREATE TABLE forecast_statement_texts (
    statement_id BIGINT NOT NULL REFERENCES forecast_statements(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    -- What the editors found when the statement came due.
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (statement_id, lang)
);
