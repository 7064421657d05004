-- The barometer reads each step of the assessment scale as a tone: how
-- the situation moved, from 2 (much better) to -2 (much worse), 0 for no
-- change. Charts colour and shape their marks by tone, so a scale of any
-- length, in any language, draws alike.
ALTER TABLE assessments ADD COLUMN tone BIGINT NOT NULL DEFAULT 0;
UPDATE assessments SET tone = 1 WHERE key = 'improved';
UPDATE assessments SET tone = -1 WHERE key = 'deteriorated';
