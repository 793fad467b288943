-- The session a sign-in's second step replaces: the browser's session of the same app when
-- the first step began (its hash). The second step's page cannot see that cookie when it is
-- scoped to another path (Settings and maintenance's is scoped to /settings), so it is
-- carried here and ended when the sign-in completes.
ALTER TABLE second_steps ADD COLUMN replaces_hash TEXT;
