#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the store tests and prints its URL on stdout.
# Usage: export MLGRADE_TEST_DATABASE_URL="$(bash .ci/start-postgres.sh)"
# Needs Debian's postgresql package. Runs the server as the `postgres` user (initdb refuses root).
set -euo pipefail
# Take the first free port from 54329 up, so a server left running elsewhere never blocks CI.
port="${MLGRADE_TEST_PG_PORT:-54329}"
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
data="$(mktemp -d /tmp/mlgrade-pg.XXXXXX)"
chown postgres:postgres "$data"
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
run "'$bin/initdb' -D '$data' -U postgres --auth=trust -E UTF8 >/dev/null"
run "'$bin/pg_ctl' -D '$data' -o \"-h 127.0.0.1 -p $port -k /tmp\" -l '$data/server.log' -w start >/dev/null"
run "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres mlgrade_test"
echo "postgres://postgres@127.0.0.1:$port/mlgrade_test"
