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

# Single sign-on (main instance): three tenants with a provider each at the suite's identity
# provider (oidc-provider.mjs), one per strategy and password-login setting.
if [ -n "${FRONTDOOR_E2E_IDP:-}" ]; then
  secret_file="$FRONTDOOR_DATA_DIR/idp-client-secret"
  # The redirect URI each `sso add` prints is registered with the provider (oidc-provider.mjs).
  redirect_uris="$FRONTDOOR_DATA_DIR/idp-redirect-uris.txt"
  : > "$redirect_uris"
  node -p 'require("./fixtures.json").idp.clientSecret' > "$secret_file"
  client_id="$(node -p 'require("./fixtures.json").idp.clientId')"
  node -e '
    const f = require("./fixtures.json");
    for (const [slug, t] of Object.entries(f.ssoTenants)) console.log([slug, t.name, t.provider, t.domain, t.strategy, t.passwordLogin].join("\t"));
  ' | while IFS=$'\t' read -r slug name provider domain strategy password_login; do
    "$bin" tenant create >/dev/null --slug "$slug" --name "$name"
    "$bin" sso add --tenant "$slug" --preset oidc --name "$provider" --issuer "$FRONTDOOR_E2E_IDP" \
      --client-id "$client_id" --client-secret-file "$secret_file" --domain "$domain" \
      | sed -n 's/^redirect URI: //p' >> "$redirect_uris"
    "$bin" tenant set >/dev/null --slug "$slug" --sso-strategy "$strategy" --password-login "$password_login"
  done
  node -e '
    const f = require("./fixtures.json");
    for (const [slug, t] of Object.entries(f.ssoTenants))
      for (const u of Object.values(t.users)) console.log([slug, u.login, u.password, u.name, u.deactivated ? "yes" : "no"].join("\t"));
  ' | while IFS=$'\t' read -r slug login password name deactivated; do
    printf '%s\n' "$password" | "$bin" user create >/dev/null --tenant "$slug" --email "$login" --name "$name" --role User --password-stdin
    if [ "$deactivated" = yes ]; then "$bin" user deactivate >/dev/null --tenant "$slug" --email "$login"; fi
  done
  rm -f "$secret_file"
fi

# The suite's apps (apps/app.mjs as the Service app and a partner's app; the tests' own native
# app), registered as an administrator would, their client IDs and secrets kept for them.
if [ -n "${FRONTDOOR_E2E_SERVICE_APP:-}" ]; then
  register() { "$bin" client add "$@" | awk '/^client (id|secret):/ { print $3 }' | paste -sd' '; }
  service="$FRONTDOOR_E2E_SERVICE_APP"
  partner="$FRONTDOOR_E2E_PARTNER_APP"
  read -r service_id service_secret <<<"$(register --name "Service app" --kind web --first-party \
    --redirect-uri "$service/callback" --post-logout-redirect-uri "$service/" --back-channel-logout-uri "$service/backchannel")"
  read -r partner_id partner_secret <<<"$(register --name "Partner Reports" --kind web \
    --redirect-uri "$partner/callback" --post-logout-redirect-uri "$partner/")"
  read -r mobile_id <<<"$(register --name "Mobile CRM" --kind native --first-party --redirect-uri http://127.0.0.1/callback)"
  printf '{"service":{"client_id":"%s","client_secret":"%s"},"partner":{"client_id":"%s","client_secret":"%s"},"mobile":{"client_id":"%s"}}\n' \
    "$service_id" "$service_secret" "$partner_id" "$partner_secret" "$mobile_id" >"$FRONTDOOR_DATA_DIR/apps.json"
fi

# The contract suite's instances: Terms of Service published, so the first Settings login of
# each test administrator shows the amendment.
if [ -n "${E2E_TERMS:-}" ]; then
  printf '# Amendment\n\nSettings and maintenance logs every administrator action.\n' >"$FRONTDOOR_DATA_DIR/terms.md"
  "$bin" terms publish --file "$FRONTDOOR_DATA_DIR/terms.md" >/dev/null
fi

exec "$bin" serve
