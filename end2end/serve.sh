#!/usr/bin/env bash
# Started by Playwright's webServer: a fresh data folder, the fixtures from fixtures.json
# created through the real command line, then the real server in the foreground.
set -euo pipefail
cd "$(dirname "$0")"
bin="${FRONTDOOR_BIN:?FRONTDOOR_BIN must name the frontdoor binary}"
export FRONTDOOR_DATA_DIR="$PWD/.run/${E2E_INSTANCE:-main}"
unset DATABASE_URL
rm -rf "$FRONTDOOR_DATA_DIR" && mkdir -p "$FRONTDOOR_DATA_DIR"

"$bin" tenant create >/dev/null --slug "$(node -p 'require("./fixtures.json").tenant.slug')" --name "$(node -p 'require("./fixtures.json").tenant.name')"
node -e '
  const f = require("./fixtures.json");
  for (const u of Object.values(f.users)) console.log([u.login, u.password, u.name, u.role].join("\t"));
' | while IFS=$'\t' read -r login password name role; do
  printf '%s\n' "$password" | "$bin" user create --tenant acme --email "$login" --name "$name" --role "$role" --password-stdin >/dev/null
done

# One email in two tenants: the users listed under otherTenant are in Globex too.
"$bin" tenant create >/dev/null --slug "$(node -p 'require("./fixtures.json").otherTenant.slug')" --name "$(node -p 'require("./fixtures.json").otherTenant.name')"
node -e '
  const f = require("./fixtures.json");
  for (const key of f.otherTenant.users) { const u = f.users[key]; console.log([u.login, u.password, u.name, u.role].join("\t")); }
' | while IFS=$'\t' read -r login password name role; do
  printf '%s\n' "$password" | "$bin" user create --tenant "$(node -p 'require("./fixtures.json").otherTenant.slug')" --email "$login" --name "$name" --role "$role" --password-stdin >/dev/null
done

exec "$bin" serve
