#!/usr/bin/env bash
# docker-compose's database, first start only (/docker-entrypoint-initdb.d): the roles of
# docs/operations.md "Database roles". POSTGRES_USER (cityops_owner) owns the schema and
# runs `cityops migrate`; the services log in as `cityops`, a plain login that holds no
# right of its own: `cityops migrate` grants them to its group, cityops_service.
# Idempotent, so it may also be run by hand against an older volume.
set -euo pipefail
: "${CITYOPS_SERVICE_PASSWORD:?set CITYOPS_SERVICE_PASSWORD for the services role}"
psql -v ON_ERROR_STOP=1 -v pw="$CITYOPS_SERVICE_PASSWORD" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
SELECT 'CREATE ROLE cityops_service NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cityops_service') \gexec
SELECT format('CREATE ROLE cityops LOGIN PASSWORD %L', :'pw')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cityops') \gexec
SELECT format('ALTER ROLE cityops LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'pw') \gexec
GRANT cityops_service TO cityops;
SQL
