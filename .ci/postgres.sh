#!/usr/bin/env bash
# Start a local PostgreSQL for the test suite's second run and print its URL on stdout.
# The cluster is a throwaway test server: durability is traded for speed (fsync off).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done

psql_admin() { su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $port $*" >&2; }
psql_admin "-c \"ALTER SYSTEM SET fsync = off\" -c \"ALTER SYSTEM SET synchronous_commit = off\" -c \"ALTER SYSTEM SET full_page_writes = off\" -c \"ALTER SYSTEM SET max_connections = 300\""
pg_ctlcluster "$version" main restart >&2
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'portal'\"" | grep -q 1; then
  psql_admin "-c \"CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB\""
fi
if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = 'portal_test'\"" | grep -q 1; then
  psql_admin "-c \"CREATE DATABASE portal_test OWNER portal\""
fi
echo "postgresql+psycopg://portal:portal@127.0.0.1:${port}/portal_test"
