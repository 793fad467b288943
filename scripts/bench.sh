#!/usr/bin/env bash
# The benchmarks behind BENCHMARKS.md: the release binary on loopback, a fresh SQLite file
# (or DATABASE_URL), bounded runs that stop by themselves. `bench.sh second-factors` runs only
# the two-step and passkey logins; `bench.sh test-mode` only test mode's; `bench.sh profile` only
# the flame graph of /crm under load; `bench.sh users` the Users page over 100,000 users;
# `bench.sh memory` the server's memory (100,000 logins, 100,000 sessions, a 10-minute run).
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
command -v wrk >/dev/null || apt_install wrk
SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
PORT="${BENCH_PORT:-3900}"
URL="http://127.0.0.1:$PORT"

say "Building the release binary and the load generator"
[ -n "${BENCH_NO_BUILD:-}" ] || cargo build --release -p server --bin frontdoor --example load --example floor
bin="$CARGO_TARGET_DIR/release/frontdoor"
load="$CARGO_TARGET_DIR/release/examples/load"
floor="$CARGO_TARGET_DIR/release/examples/floor"

data="$(mktemp -d)"
export FRONTDOOR_DATA_DIR="$data"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
PASSWORD="Orbit-Tulip-Canyon-4711"
# Many accounts: one user ID is checked one attempt at a time, so load spreads over people.
LOGINS=$(seq -f "bench%g@bench.test" 40 | paste -sd,)
seed_accounts() {
  "$bin" tenant create --slug bench --name "Bench" >/dev/null
  for login in bench@bench.test ${LOGINS//,/ }; do
    echo "$PASSWORD" | "$bin" user create --tenant bench --email "$login" --name "Bench ${login%%@*}" --role User --password-stdin >/dev/null
  done
}
seed_accounts

# A session of bench@bench.test, for the signed-in pages.
session_token() {
  curl -s -o /dev/null -D - --data-urlencode user_id=bench@bench.test --data-urlencode "password=$PASSWORD" "$URL/login" \
    | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: frontdoor=/ { print $2; exit }'
}

# Other teams' parallel test workers: 4 and 16 logins of one user at the same moment.
same_user_logins() {
  for parallel in 4 16; do
    say "$parallel logins of one user at the same moment${1:+ ($1)}"
    "$load" same-user "$URL/login" bench1@bench.test "$PASSWORD" "$parallel" 10
  done
}

start_server() {
  FRONTDOOR_ADDR="127.0.0.1:$PORT" FRONTDOOR_IP_FAILURES_PER_MINUTE=100000000 RUST_LOG=warn "$bin" serve >/dev/null &
  pid=$!
  for _ in $(seq 50); do curl -sf "$URL/health" >/dev/null && break; sleep 0.1; done
}

# Two-step verification and passkeys (issue 18), with password logins beside them in the same
# server. The server starts again with its public URL on a name (a passkey belongs to a domain)
# and behind a "proxy": each passkey login comes from its own address, as people's do (the
# per-client ceremony limit is per person, not per benchmark).
second_factor_benchmarks() {
  local otp_users passkey_users
  otp_users=$(seq -f "otp%g@bench.test" "${TWO_STEP_USERS:-400}" | paste -sd,)
  # Users with a passkey are asked for it after their password: each run adds passkeys for its own.
  passkey_users=$(seq -f "key%g@bench.test" 5 | paste -sd,)
  for login in ${otp_users//,/ } ${passkey_users//,/ }; do
    echo "$PASSWORD" | "$bin" user create --tenant bench --email "$login" --name "Bench ${login%%@*}" --role User --password-stdin >/dev/null
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  FRONTDOOR_PUBLIC_URL="http://localhost:$PORT" FRONTDOOR_TRUST_FORWARDED_FOR=true start_server
  say "Password logins beside them, closed loop (4 clients)"
  "$load" logins "$URL/login" "$LOGINS" "$PASSWORD" 4 "$SECONDS_PER_RUN"
  say "Two-step logins: the password, then a code (each user set up an authenticator first)"
  "$load" two-step-logins "$URL" "$otp_users" "$PASSWORD" 4
  say "Passkey logins (a software authenticator: P-256, user verified)"
  "$load" passkey-logins "$URL" "http://localhost:$PORT" key5@bench.test "$PASSWORD" 1 "$SECONDS_PER_RUN"
  "$load" passkey-logins "$URL" "http://localhost:$PORT" "${passkey_users%,key5@bench.test}" "$PASSWORD" 4 "$SECONDS_PER_RUN"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_server
}

# /crm with a session of its own, taken now: a user keeps at most 256 sessions, so one taken
# before many logins of that user has ended (and would measure the redirect to the login page).
crm_page() {
  token=$(session_token)
  wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Cookie: frontdoor=$token" "$URL/crm" \
    | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
}

# /crm among 10,000 live sessions, the floor, and /crm again (the floor between two runs).
crm_among_sessions() {
  "$load" seed-sessions "$1" bench bench@bench.test 10000
  crm_page
  floor_page
  crm_page
}

# The floor (examples/floor.rs): a bare axum server answering a page of /crm's size after one
# SQLite lookup among 10,000 sessions, measured beside Frontdoor in the same run.
floor_page() {
  local bytes floor_pid cookie
  bytes=$(curl -s -H "Cookie: frontdoor=$(session_token)" "$URL/crm" | wc -c)
  mkdir -p "$data/floor"
  "$floor" "127.0.0.1:$((PORT + 90))" "$data/floor" 10000 "$bytes" >"$data/floor/out" &
  floor_pid=$!
  for _ in $(seq 100); do cookie=$(head -1 "$data/floor/out" 2>/dev/null); [ -n "$cookie" ] && break; sleep 0.1; done
  sleep 0.2
  echo "the floor, a $bytes-byte page:"
  wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$((PORT + 90))/crm" \
    | grep -E "Requests/sec|^ +(50|99)%"
  kill "$floor_pid"
}

# A flame graph of /crm under wrk (perf's frame-pointer stacks of the release binary).
crm_profile() {
  ensure_profiler
  "$load" seed-sessions "sqlite://$data/frontdoor.db" bench bench@bench.test 10000
  token=$(session_token)
  wrk -t2 -c32 -d12s -H "Cookie: frontdoor=$token" "$URL/crm" >/dev/null &
  local wrk_pid=$!
  sleep 1
  perf record -F 999 -g -p "$pid" -o "$data/perf.data" -- sleep 8 2>/dev/null
  wait "$wrk_pid"
  perf report -i "$data/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | sed 's/  */ /g' | cut -c1-120 | sed -n '1,25p'
  perf script -i "$data/perf.data" 2>/dev/null | inferno-collapse-perf | inferno-flamegraph >"$ROOT/benchmarks/crm-flame.svg"
  echo "flame graph: benchmarks/crm-flame.svg"
}

# Test mode (issue 20): minting signed-in storage states for a test user, and form logins of
# that user by 16 clients at once (what 16 suite workers do).
test_mode_benchmarks() {
  kill "$pid"; wait "$pid" 2>/dev/null || true
  FRONTDOOR_TEST_MODE=true start_server
  FRONTDOOR_TEST_KEY=$(cat "$data/test.key")
  export FRONTDOOR_TEST_KEY
  curl -sf -H "Authorization: Bearer $FRONTDOOR_TEST_KEY" -H 'Content-Type: application/json' \
    -d "{\"tenant\":\"kit\",\"login\":\"tess@kit.test\",\"password\":\"$PASSWORD\"}" "$URL/_test/users" >/dev/null
  for connections in 1 8; do
    echo "minting storage states, $connections client(s):"
    wrk -t1 -c"$connections" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/scripts/mint.lua" "$URL/_test/sessions" \
      | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
  done
  say "16 form logins of one test user at the same moment (test mode)"
  "$load" same-user "$URL/login" tess@kit.test "$PASSWORD" 16 10
  say "200 signed-in tests in Chromium (2 workers): through the kit, then through the login form"
  ensure_test_tools
  curl -sf -H "Authorization: Bearer $FRONTDOOR_TEST_KEY" -H 'Content-Type: application/json' \
    -d '{"tenant":"bench-kit","login":"walltime@bench-kit.test","name":"Wall Time","password":"Bench-Orbit-Tulip-4711"}' \
    "$URL/_test/users" >/dev/null
  local how started
  for how in kit form; do
    started=$(date +%s.%N)
    (cd end2end && KIT_VS_FORM=$how FRONTDOOR_URL="$URL" FRONTDOOR_TEST_KEY_FILE="$data/test.key" \
      npx playwright test -c bench/kit-vs-form.config.ts | tail -2)
    echo "$how: $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s wall time"
  done
  unset FRONTDOOR_TEST_KEY
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_server
}

# Single sign-on round trips on loopback, through the suite's oidc-provider.
sso_round_trip() {
  local idp_port=$((PORT + 7))
  (cd end2end && OIDC_PORT=$idp_port FRONTDOOR_PUBLIC_URL="$URL" IDP_REDIRECT_URIS_FILE="$data/idp-redirect-uris.txt" \
    exec node oidc-provider.mjs >/dev/null 2>&1) &
  local idp=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$idp_port/.well-known/openid-configuration" >/dev/null && break; sleep 0.1; done
  node -p 'require("./end2end/fixtures.json").idp.clientSecret' >"$data/idp-secret"
  "$bin" tenant create --slug initech --name Initech >/dev/null
  # The provider's own redirect URI, as `sso add` prints it, is registered with the provider.
  "$bin" sso add --tenant initech --preset oidc --name "Initech IdP" --issuer "http://127.0.0.1:$idp_port" \
    --client-id frontdoor --client-secret-file "$data/idp-secret" --domain initech.test --public-url "$URL" \
    | sed -n 's/^redirect URI: //p' >"$data/idp-redirect-uris.txt"
  local provider_id
  provider_id=$(sed 's|.*/||' "$data/idp-redirect-uris.txt")
  echo "$PASSWORD" | "$bin" user create --tenant initech --email olga@initech.test --name Olga --role User --password-stdin >/dev/null
  kill "$pid"; wait "$pid" 2>/dev/null || true
  FRONTDOOR_TRUST_FORWARDED_FOR=true start_server
  node end2end/bench/sso-round-trip.mjs "$URL" "$provider_id" olga@initech.test \
    "$(node -p 'require("./end2end/fixtures.json").idp.accounts.olga.password')" 200 || true
  kill "$idp" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_server
}

# The server again, on a fresh PostgreSQL database with the same accounts.
onto_postgres() {
  kill "$pid"; wait "$pid" 2>/dev/null || true
  psql "$PG_URL" -qc "DROP DATABASE IF EXISTS frontdoor_bench" -c "CREATE DATABASE frontdoor_bench" >/dev/null
  export DATABASE_URL="${PG_URL%/*}/frontdoor_bench"
  seed_accounts
  start_server
}

# Settings and maintenance: an administrator's session, and the Users page over 100,000 users
# (the first page, a narrow and a broad search by part of the user ID or name, a filtered page),
# for one administrator and for 8 at once.
settings_token() {
  echo "$PASSWORD" | "$bin" user create --tenant bench --email boss@bench.test --name "Bench Boss" \
    --role "User level 0" --password-stdin >/dev/null
  curl -s -o /dev/null -D - --data-urlencode user_id=boss@bench.test --data-urlencode "password=$PASSWORD" \
    "$URL/settings/login" | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: frontdoor_settings=/ { print $2; exit }'
}
users_page() {
  "$load" seed-users "$1" bench 100000
  local admin page connections
  admin=$(settings_token)
  for page in "/settings/users" "/settings/users?q=person04217" "/settings/users?q=hopper" \
    "/settings/users?status=invited&page=20"; do
    for connections in 1 8; do
      echo "$page, $connections at once"
      wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"${SECONDS_PER_RUN}s" --latency \
        -H "Cookie: frontdoor_settings=$admin" "$URL$page" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
    done
  done
}

# Memory: resident memory at start, with 100,000 live sessions (seeded), after 100,000 logins
# (passkey logins: the only ones fast enough here; the password logins come in the long run),
# and every 30 s of 10 minutes at constant load (/crm round all the sessions, password logins).
rss() { awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$pid/status"; }
memory_benchmarks() {
  local minutes="${MEMORY_MINUTES:-10}" login_seconds="${MEMORY_LOGIN_SECONDS:-240}" wrk_pid logins_pid
  kill "$pid"; wait "$pid" 2>/dev/null || true
  FRONTDOOR_PUBLIC_URL="http://localhost:$PORT" FRONTDOOR_TRUST_FORWARDED_FOR=true start_server
  echo "at start: $(rss)"
  "$load" seed-users "${DATABASE_URL:-sqlite://$data/frontdoor.db}" bench 1000 >/dev/null
  "$load" seed-sessions "${DATABASE_URL:-sqlite://$data/frontdoor.db}" bench bench@bench.test 100000 "$data/sessions.txt"
  SESSIONS_FILE="$data/sessions.txt" wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -s scripts/sessions.lua "$URL/crm" \
    | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
  echo "with 100,000 live sessions, after /crm round 50,000 of them: $(rss)"
  local passkey_users
  passkey_users=$(seq -f "mem%g@bench.test" 4 | paste -sd,)
  for login in ${passkey_users//,/ }; do
    echo "$PASSWORD" | "$bin" user create --tenant bench --email "$login" --name "Bench ${login%%@*}" --role User --password-stdin >/dev/null
  done
  "$load" passkey-logins "$URL" "http://localhost:$PORT" "$passkey_users" "$PASSWORD" 4 "$login_seconds"
  echo "after the passkey logins: $(rss) (high-water mark $(rss_peak))"
  say "$minutes minutes at constant load: /crm round the sessions (32 connections) and password logins (4 clients)"
  SESSIONS_FILE="$data/sessions.txt" wrk -t2 -c32 -d"$((minutes * 60))s" --latency -s scripts/sessions.lua "$URL/crm" >"$data/wrk.out" &
  wrk_pid=$!
  "$load" logins "$URL/login" "$LOGINS" "$PASSWORD" 4 "$((minutes * 60))" >"$data/logins.out" &
  logins_pid=$!
  for second in $(seq 30 30 "$((minutes * 60))"); do
    sleep 30
    echo "  ${second} s: $(rss)"
  done
  wait "$wrk_pid" "$logins_pid"
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx" "$data/wrk.out"
  cat "$data/logins.out"
  echo "after the run: $(rss) (high-water mark $(rss_peak))"
}

rss_peak() { awk '/VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$pid/status"; }

# The PostgreSQL the benchmarks move onto (onto_postgres), when one answers.
PG_URL="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
postgres_reachable() { command -v pg_isready >/dev/null && pg_isready -q -d "$PG_URL"; }

start_server
if [ "${1:-}" = "users" ]; then
  say "Settings and maintenance: Users with 100,000 users (SQLite)"
  users_page "sqlite://$data/frontdoor.db"
  if postgres_reachable; then
    onto_postgres
    say "Settings and maintenance: Users with 100,000 users (PostgreSQL)"
    users_page "$DATABASE_URL"
  fi
  exit 0
fi
if [ "${1:-}" = "memory" ]; then
  memory_benchmarks
  exit 0
fi
if [ "${1:-}" = "profile" ]; then
  crm_profile
  exit 0
fi
if [ "${1:-}" = "second-factors" ]; then
  second_factor_benchmarks
  exit 0
fi
if [ "${1:-}" = "crm" ]; then
  say "Authenticated /crm with 10,000 live sessions (SQLite), and the floor"
  crm_among_sessions "sqlite://$data/frontdoor.db"
  if postgres_reachable; then
    onto_postgres
    say "Authenticated /crm with 10,000 live sessions (PostgreSQL), and the floor (SQLite)"
    crm_among_sessions "$DATABASE_URL"
  fi
  exit 0
fi
if [ "${1:-}" = "sso" ]; then
  sso_round_trip
  exit 0
fi
if [ "${1:-}" = "test-mode" ]; then
  test_mode_benchmarks
  exit 0
fi

# What the login page makes a browser download, as served: its module, the WASM, and (where
# passkeys are offered) the passkey script; gzip, then Brotli (browsers ask for it over https).
login_bundle() {
  local encoding total size asset
  for encoding in gzip br; do
    total=0
    for asset in frontend.js frontend_bg.wasm passkeys.js; do
      size=$(curl -s -H "Accept-Encoding: $encoding" -o /dev/null -w '%{size_download}' "$URL/pkg/$asset")
      printf '  %-18s %7d bytes (%s)\n' "$asset" "$size" "$encoding"
      total=$((total + size))
    done
    echo "login page WASM + JS, $encoding: $total bytes ($((total / 1024)) KiB)"
  done
}
say "The login page's bundle as served"
login_bundle

say "One argon2id verify"
"$load" hash 20 | tee /tmp/frontdoor-hash.txt
bound=$(awk '/bound on/ { print $5 }' /tmp/frontdoor-hash.txt)

say "Password logins, closed loop (4 clients: the 2 workers always busy)"
"$load" logins "$URL/login" "$LOGINS" "$PASSWORD" 4 "$SECONDS_PER_RUN"

same_user_logins

twice=$(awk -v b="$bound" 'BEGIN { printf "%d", b * 2 }')
say "Password logins offered at twice the bound ($twice/s)"
"$load" rate "$URL/login" "$LOGINS" "$PASSWORD" "$twice" "$SECONDS_PER_RUN"
echo "server memory high-water mark: $(rss_peak)"

say "Authenticated /crm page"
crm_page
echo "server memory high-water mark: $(rss_peak)"

say "CRM → Service hand-off"
"$load" handoff "$URL" bench@bench.test "$PASSWORD" 200

# Frontdoor as an OpenID provider: an app's sign-in with a live Frontdoor session (authorize →
# code → token), refresh-token rotation, and introspection.
provider_benchmarks() {
  local registered client_id secret
  registered=$("$bin" client add --name "Bench app" --kind web --first-party --redirect-uri http://127.0.0.1:9/callback)
  client_id=$(awk '/^client id:/ { print $3 }' <<<"$registered")
  secret=$(awk '/^client secret:/ { print $3 }' <<<"$registered")
  for concurrency in 1 4; do
    "$load" app-signin "$URL" "$client_id" "$secret" http://127.0.0.1:9/callback bench@bench.test "$PASSWORD" "$concurrency" "$SECONDS_PER_RUN"
  done
  "$load" app-refresh "$URL" "$client_id" "$secret" http://127.0.0.1:9/callback bench@bench.test "$PASSWORD" 4 "$SECONDS_PER_RUN"
  "$load" app-introspect "$URL" "$client_id" "$secret" http://127.0.0.1:9/callback bench@bench.test "$PASSWORD" 8 "$SECONDS_PER_RUN"
}
say "Frontdoor as an OpenID provider (SQLite)"
provider_benchmarks

say "Password strength: the server's zxcvbn score"
"$load" strength

say "Password strength: one keystroke in the browser's worker (Chromium)"
ensure_test_tools
"$bin" user invite --tenant bench --email keys@bench.test --name "Key Stroke" >/dev/null
link=""
for _ in $(seq 50); do
  # No SMTP here: the message is an .eml file; undo quoted-printable soft line breaks.
  link=$(cat "$data"/mail/*.eml 2>/dev/null | perl -0pe 's/=\r?\n//g' | grep -o "http://[^ \"<]*/activate/[A-Za-z0-9_-]*" | head -1) || true
  [ -n "$link" ] && break
  sleep 0.2
done
(cd end2end && node bench/keystroke.mjs "$link")

say "Single sign-on round trip on loopback (the suite's oidc-provider)"
sso_round_trip

say "Two-step verification and passkeys (SQLite)"
second_factor_benchmarks

say "Test mode: minted sessions and one test user's parallel logins (SQLite)"
test_mode_benchmarks

say "Authenticated /crm with 10,000 live sessions (SQLite), and the floor"
crm_among_sessions "${DATABASE_URL:-sqlite://$data/frontdoor.db}"

say "Settings and maintenance: Users with 100,000 users (SQLite)"
users_page "${DATABASE_URL:-sqlite://$data/frontdoor.db}"

if postgres_reachable; then
  say "The same on PostgreSQL"
  onto_postgres
  say "Password logins, closed loop, with the limits and the attempt gate in PostgreSQL"
  "$load" logins "$URL/login" "$LOGINS" "$PASSWORD" 4 "$SECONDS_PER_RUN"
  same_user_logins PostgreSQL
  "$load" handoff "$URL" bench@bench.test "$PASSWORD" 200
  say "Frontdoor as an OpenID provider (PostgreSQL)"
  provider_benchmarks
  say "Authenticated /crm with 10,000 live sessions (PostgreSQL), and the floor (SQLite)"
  crm_among_sessions "$DATABASE_URL"
  say "Settings and maintenance: Users with 100,000 users (PostgreSQL)"
  users_page "$DATABASE_URL"
fi
