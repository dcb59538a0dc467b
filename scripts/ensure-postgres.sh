#!/usr/bin/env bash
# A PostgreSQL server on 127.0.0.1:5432 with trust auth for the user postgres
# and a database "test", for the API tests (PLANNER_TEST_DATABASE_URL=
# postgresql+psycopg://postgres@127.0.0.1:5432/test). Does nothing when a
# server already listens there (it only creates the "test" database if
# missing); otherwise installs Debian's postgresql package if needed and starts
# a throwaway cluster under ${PGDATA_DIR:-/tmp/planner-pg}.
set -euo pipefail
HOST=127.0.0.1
PORT="${PGPORT:-5432}"
DATA="${PGDATA_DIR:-/tmp/planner-pg}"

listening() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_test_db() {
  command -v psql >/dev/null 2>&1 || return 0
  if ! psql -h "$HOST" -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" postgres 2>/dev/null | grep -q 1; then
    psql -h "$HOST" -p "$PORT" -U postgres -c "CREATE DATABASE test" postgres >/dev/null \
      || echo "warning: could not create database test"
  fi
}

if listening; then
  echo "postgresql: a server listens on $HOST:$PORT"
  ensure_test_db
  exit 0
fi

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bindir" ]; then
  echo "postgresql: installing the Debian package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$DATA" postgres
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  as_postgres "$bindir/initdb" -D "$DATA" -U postgres -A trust >/dev/null
fi
as_postgres "$bindir/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-c listen_addresses=$HOST -p $PORT -k /tmp" start >/dev/null
echo "postgresql: started a cluster in $DATA on $HOST:$PORT"
ensure_test_db
