#!/usr/bin/env bash
# A local PostgreSQL for the postgres tests and for trying replicas: installs Debian's server when
# missing (as root), starts its cluster, and makes the role `backlot` (password `backlot`, may
# create databases) and its database `backlot`. Safe to run again. Used by .ci/run.
set -euo pipefail

if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "postgres-local: PostgreSQL is not installed and cannot be installed here (needs root and apt-get)" >&2
    exit 1
  fi
  (export DEBIAN_FRONTEND=noninteractive; apt-get update && apt-get install -y --no-install-recommends postgresql)
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main
fi
cluster=$(pg_lsclusters -h | head -1)
read -r cver cname _port status _rest <<<"$cluster"
if [ "$status" != online ]; then
  pg_ctlcluster "$cver" "$cname" start
fi

as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
for _ in $(seq 1 30); do as_postgres "psql -tAc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'backlot'\"" | grep -q 1 ||
  as_postgres "psql -c \"CREATE ROLE backlot LOGIN PASSWORD 'backlot' CREATEDB\""
as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'backlot'\"" | grep -q 1 ||
  as_postgres "createdb -O backlot backlot"
echo "postgres-local: PostgreSQL $cver/$cname is up; BACKLOT_DATABASE_URL=postgres://backlot:backlot@127.0.0.1:5432/backlot"
