#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the storage tests, installing the server from Debian's
# packages when it is missing, and prints the environment the tests read:
#   eval "$(.ci/postgres.sh)"
# XIAOFA_TEST_PG_URL names a database the tests may create other databases from (trust auth, loopback only).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=${XIAOFA_TEST_PG_DIR:-/tmp/xiaofa-test-pg}
port=${XIAOFA_TEST_PG_PORT:-55432}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  as_pg "$bin/initdb" -D "$dir" -U xiaofa --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >&2
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U xiaofa xiaofa_test
fi
echo "export XIAOFA_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$port/xiaofa_test XIAOFA_TEST_PG_USER=xiaofa"
