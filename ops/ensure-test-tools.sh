#!/usr/bin/env bash
# Run by `npm test` before jest (the "pretest" script): makes sure this machine has what the suite
# needs beyond node_modules, so a fresh clone's test command is just `npm install && npm test`.
#   - Debian's chromium and the Noto CJK fonts, for the browser journeys (test/helpers/browser.ts);
#   - pg_dump and pg_restore of PostgreSQL 18, for the backup-and-restore test (built once by
#     ops/install-pg-client.sh into ~/.cache/reform-report, about 2 minutes on 2 cores).
# When everything is there it only looks (well under a second). As root it installs what is
# missing; otherwise it prints the one command to run and stops the test run.
# SKIP_TEST_TOOLS=1 skips the check (e.g. for a unit spec on a machine without apt).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_TEST_TOOLS:-}" = "1" ]; then
  exit 0
fi

MAJOR=18
PG_CLIENT_DIR="${PG_CLIENT_DIR:-${HOME:-$(cd ~ && pwd)}/.cache/reform-report/pg-client-$MAJOR}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

has_pg_client() {
  local dir
  for dir in ${PG_BIN_DIR:+"$PG_BIN_DIR"} "$PG_CLIENT_DIR/bin"; do
    if [ -x "$dir/pg_dump" ] && [ -x "$dir/pg_restore" ] &&
      "$dir/pg_dump" --version 2>/dev/null | grep -E "\(PostgreSQL\) ($MAJOR|[2-9][0-9])\." >/dev/null; then
      return 0
    fi
  done
  return 1
}

packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
# Not grep -q: it would stop reading early, fc-list would die of SIGPIPE and pipefail would call
# the fonts missing.
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || packages+=(fonts-noto-cjk)
need_pg_client=0
has_pg_client || need_pg_client=1

if [ ${#packages[@]} -eq 0 ] && [ "$need_pg_client" = 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  steps=()
  [ ${#packages[@]} -gt 0 ] && steps+=("sudo apt-get install -y ${packages[*]}")
  [ "$need_pg_client" = 1 ] &&
    steps+=("sudo env PG_CLIENT_DIR=$PG_CLIENT_DIR bash ops/install-pg-client.sh")
  joined="${steps[0]}"
  [ ${#steps[@]} -gt 1 ] && joined="$joined && ${steps[1]}"
  echo "npm test needs chromium, CJK fonts and the PostgreSQL $MAJOR client; run once: $joined" >&2
  exit 1
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "Installing ${packages[*]} for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${packages[@]}" >/dev/null
fi
if [ "$need_pg_client" = 1 ]; then
  echo "Building pg_dump and pg_restore $MAJOR for the backup test (once, about 2 minutes)"
  PG_CLIENT_DIR="$PG_CLIENT_DIR" bash ops/install-pg-client.sh
fi
