# Sourced by run.sh and test.sh: installs what this machine lacks, once, and keeps build
# outputs outside the checkout so that later runs (and CI) start warm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/frontdoor/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# Incremental caches are keyed by the checkout's path: every fresh clone (CI) would add gigabytes.
export CARGO_INCREMENTAL=0
TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"

# Our own crates' artifacts are keyed by the checkout's path, so other checkouts' (every CI
# clone's) are never reused and would pile up by gigabytes: drop those not built in the last
# half hour (a checkout in use rebuilds what it needs).
for dir in "$CARGO_TARGET_DIR"/{debug,release}/{deps,examples}; do
  [ -d "$dir" ] || continue
  find "$dir" -maxdepth 1 -mmin +30 \( -name 'api-*' -o -name 'frontdoor-*' -o -name 'server-*' \
    -o -name 'libserver-*' -o -name 'app-*' -o -name 'libapp-*' -o -name 'strength-*' \
    -o -name 'libstrength-*' -o -name 'load-*' \) -exec rm -rf {} + 2>/dev/null || true
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "Please install $* with your package manager." >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ ! -f /tmp/.frontdoor-apt-updated ]; then
    $sudo apt-get update -qq && touch /tmp/.frontdoor-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_build_tools() {
  if ! command -v brotli >/dev/null || ! command -v zopfli >/dev/null; then
    say "Installing brotli and zopfli (the bundles are served precompressed)"
    apt_install brotli zopfli
  fi
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "Installing trunk $TRUNK_VERSION (about 12 minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once)"
    # Its own lock file can name a dependency version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked \
      || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_test_tools() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Debian's Chromium"
    apt_install chromium
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/oidc-provider" ]; then
    say "Installing the end-to-end suite's npm packages"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
}

# perf and inferno, for `scripts/bench.sh profile` (a flame graph of /crm under load).
ensure_profiler() {
  command -v perf >/dev/null || apt_install linux-perf
  command -v inferno-flamegraph >/dev/null || cargo install inferno --version 0.12.3 --locked
}

# The browser bundles: frontend/ (with frontend/passwords/ and strength/) and style/ into site/pkg.
build_site() {
  say "Building the browser bundle (trunk)"
  # trunk builds offline: fetch every target's crates first (a no-op when they are here).
  # Source paths in panic locations become relative: shorter, and no build machine's paths.
  local remap="--remap-path-prefix=$HOME/.cargo/registry/src/= --remap-path-prefix=$ROOT/="
  (cd "$ROOT" && cargo fetch --locked \
    && export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remap" \
    && trunk build --offline --config Trunk.toml \
    && trunk build --offline --config Trunk.toml --dist site/pkg/passwords --public-url /pkg/passwords/ \
      frontend/passwords/index.html)
  # Served precompressed: the server picks .br when the browser accepts Brotli (browsers do
  # over https), else .gz when it accepts gzip.
  local bundles=("$ROOT"/site/pkg/*.wasm "$ROOT"/site/pkg/*.js "$ROOT"/site/pkg/*.css
    "$ROOT"/site/pkg/passwords/*.wasm "$ROOT"/site/pkg/passwords/*.js)
  # zopfli writes plain gzip, about 5 % smaller than gzip -9 (the login bundle: 100.9 KB to
  # 95.8 KB), at a few seconds a megabyte, once per build.
  zopfli "${bundles[@]}"
  brotli -q 11 -k -f "${bundles[@]}"
}
