#!/usr/bin/env bash
# Runs every test: the lint wall (rustfmt, clippy -D warnings), Rust unit and integration tests
# on SQLite, the integration tests again on PostgreSQL when one is reachable
# (TEST_DATABASE_URL, default the local server; required under CI), and the Playwright suite in
# Debian's Chromium against the real binary, the suite's SMTP server and its OpenID provider.
source "$(dirname "$0")/tools.sh"
ensure_build_tools
ensure_test_tools
cd "$ROOT"

say "Lint wall (rustfmt, clippy -D warnings, no key file in git)"
if git -C "$ROOT" ls-files | grep -E '(^|/)[^/]*\.(key|pem)$|secret\.key'; then
  echo "Key files are tracked in git (above): untrack them; tests write keys to temporary folders." >&2
  exit 1
fi
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

build_site

say "Rust tests (SQLite)"
cargo test --workspace --exclude frontend --exclude frontend-passwords

PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if command -v pg_isready >/dev/null && ! pg_isready -q -d "$PG_URL" && command -v pg_ctlcluster >/dev/null; then
  # This machine kind starts PostgreSQL before a session; start it again if it has stopped.
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
  sleep 2
fi
if command -v pg_isready >/dev/null && pg_isready -q -d "$PG_URL"; then
  say "Rust integration tests (PostgreSQL at ${PG_URL%%\?*})"
  psql "$PG_URL" -Atqc "SELECT 'DROP DATABASE ' || quote_ident(datname) || ';' FROM pg_database WHERE datname LIKE 'fd\_test\_%'" \
    | psql "$PG_URL" -q >/dev/null 2>&1 || true
  # Only the integration tests: the unit tests do not touch storage. The same profile as above,
  # so nothing is compiled again.
  TEST_DATABASE_URL="$PG_URL" cargo test -p server --test api -- --include-ignored
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL is not reachable at $PG_URL; CI requires it." >&2
  exit 1
else
  say "PostgreSQL not reachable at $PG_URL: skipping the PostgreSQL run"
fi

say "End-to-end tests (Playwright, Chromium)"
export FRONTDOOR_BIN="$CARGO_TARGET_DIR/debug/frontdoor"
(cd end2end && npx playwright test)
