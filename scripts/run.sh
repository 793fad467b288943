#!/usr/bin/env bash
# Runs Frontdoor on its embedded defaults: a SQLite file under ./data, http://127.0.0.1:3000.
# Every setting can be changed with a flag after the script name or an environment variable
# (see `frontdoor serve --help`).
source "$(dirname "$0")/tools.sh"
ensure_build_tools
build_site
say "Building and starting Frontdoor"
cd "$ROOT"
exec cargo run --release -p server --bin frontdoor -- serve "$@"
