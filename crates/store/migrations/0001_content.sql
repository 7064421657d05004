-- The content model: trends, assessments, authors, editions, commentaries
-- with one version per language, and static pages.
-- Times are BIGINT seconds since the epoch (UTC); days are ISO 'YYYY-MM-DD'
-- text. The same file migrates PostgreSQL, where only the identity columns
-- are spelled differently (see migrate.rs).

CREATE TABLE trends (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE trend_names (
    trend_id BIGINT NOT NULL REFERENCES trends(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trend_id, lang)
);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE assessment_labels (
    assessment_id BIGINT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (assessment_id, lang)
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE
);

CREATE TABLE author_names (
    author_id BIGINT NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    bio TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (author_id, lang)
);

CREATE TABLE editions (
    id INTEGER PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    week_start TEXT NOT NULL,
    week_end TEXT NOT NULL,
    email_at BIGINT,
    web_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX editions_web ON editions (web_at, week_start);

CREATE TABLE commentaries (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    trend_id BIGINT NOT NULL REFERENCES trends(id),
    assessment_id BIGINT NOT NULL REFERENCES assessments(id),
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE INDEX commentaries_edition ON commentaries (edition_id, position);
CREATE INDEX commentaries_trend ON commentaries (trend_id);

CREATE TABLE commentary_authors (
    commentary_id BIGINT NOT NULL REFERENCES commentaries(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors(id),
    position BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (commentary_id, author_id)
);

CREATE TABLE commentary_versions (
    id INTEGER PRIMARY KEY,
    commentary_id BIGINT NOT NULL REFERENCES commentaries(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'review', 'approved', 'published')),
    published_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (commentary_id, lang),
    UNIQUE (lang, slug)
);

CREATE INDEX commentary_versions_slug ON commentary_versions (slug);

CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE page_versions (
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'review', 'approved', 'published')),
    published_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (page_id, lang)
);

-- Site-wide texts per language: name, tagline, publisher.
CREATE TABLE site_texts (
    key TEXT NOT NULL,
    lang TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (key, lang)
);
