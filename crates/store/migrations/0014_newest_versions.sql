-- Feeds carry the newest public versions, newest by the later of the
-- version's publication and its edition's (see `Public::latest_versions`).
-- This index walks versions newest published first. It is led by an
-- expression so that the many queries which test `published_at` against
-- the clock keep their plans: given a plain index on the column, SQLite's
-- planner used it for that test and then read every version's row. It
-- carries what the visibility test reads of a version, so the walk never
-- reads the rows themselves.
CREATE INDEX commentary_versions_newest ON commentary_versions
    ((-published_at), status, published_at, lang, commentary_id);
