-- Test mode (issue 20): users made through test mode are marked, and only they are exempt from
-- the soft lock's waits and the per-client limits, and only while test mode is on.
ALTER TABLE users ADD COLUMN test_user BIGINT NOT NULL DEFAULT 0;
