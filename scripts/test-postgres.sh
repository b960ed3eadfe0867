#!/usr/bin/env bash
# Start a local PostgreSQL server for the test suite if one can be had, and print its URL.
# Prints nothing (and the PostgreSQL variants of the tests are skipped, saying so) when no server
# can be started: PostgreSQL not installed, or not root and no server running.
set -u
URL="postgresql+psycopg://wealthtui:wealthtui@127.0.0.1:5432/postgres"
ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$ver" ] || exit 0
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  [ "$(id -u)" = 0 ] || exit 0
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    pg_createcluster "$ver" main >/dev/null 2>&1 || exit 0
  fi
  # A throwaway server for tests: no fsync (the tests never pull the power; every commit would
  # otherwise wait for the disk). Only for a server this script starts, never a running one.
  pg_ctlcluster "$ver" main start -- -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  pg_isready -q -h 127.0.0.1 -p 5432 || exit 0
fi
if [ "$(id -u)" = 0 ]; then
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='wealthtui'\"" 2>/dev/null | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE wealthtui LOGIN SUPERUSER PASSWORD 'wealthtui'\"" >/dev/null 2>&1
fi
echo "$URL"
