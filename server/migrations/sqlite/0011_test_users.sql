-- Test mode (issue 20): tenants and users made through test mode are marked. Only test users
-- are exempt from the soft lock's waits and the per-client limits (and only while test mode
-- is on); only test tenants' mail is readable through /_test/mail.
ALTER TABLE tenants ADD COLUMN test_tenant BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN test_user BIGINT NOT NULL DEFAULT 0;
