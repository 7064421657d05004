-- Every page asks for the newest listed edition: walking editions newest
-- first from this index stops at the first one with a public commentary,
-- instead of testing every edition and sorting (6 ms on ten years of
-- editions, 0.1 ms with it).
CREATE INDEX editions_week ON editions (week_start, number);

-- The search index compares its stamps with these columns whenever the
-- site changes: read from this index alone, without the versions' texts
-- (26 ms instead of 160 ms for 30,000 versions). It leads with the
-- commentary so that the visibility checks keep their plan (an index led by
-- `status` drew SQLite's planner into scanning every published version for
-- each edition).
CREATE INDEX commentary_versions_stamp ON commentary_versions
    (commentary_id, status, published_at, id, lang, revision, updated_at, slug);
