#!/usr/bin/env bash
# Runs the whole test suite against PostgreSQL: starts a throwaway cluster (as the postgres user, on a private
# port and socket directory), gives every test data folder its own database through TEST_POSTGRES_URL, runs
# `npm test`, and removes the cluster. Needs Debian's postgresql package (.ci/run installs it) and root.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/motco-pg-XXXXXX)
port=${TEST_POSTGRES_PORT:-55432}
chown postgres "$dir"
stop() { su postgres -c "$bin/pg_ctl -D $dir/data -m immediate -w stop" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
su postgres -c "$bin/initdb -D $dir/data -U postgres -A trust --no-sync -E UTF8" >/dev/null
su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500' -l $dir/log -w start" >/dev/null
export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port: running the test suite against it"
npm test
