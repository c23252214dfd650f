#!/bin/sh
# First start of a PostgreSQL container (docker-entrypoint-initdb.d): create the owner/migration
# role and the application role of this database (roles.sql; docs/OPERATIONS.md "Database roles").
# Environment (docker-compose.yml): POSTGRES_USER, POSTGRES_DB (the superuser and the database the
# image creates), HVT_OWNER_ROLE, HVT_OWNER_PASSWORD, HVT_APP_ROLE, HVT_APP_PASSWORD
# (HVT_ROLES_SQL: another path of roles.sql, for a run outside the container).
set -eu
: "${HVT_OWNER_ROLE:?}" "${HVT_OWNER_PASSWORD:?}" "${HVT_APP_ROLE:?}" "${HVT_APP_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --output=/dev/null --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$HVT_OWNER_ROLE" -v owner_password="$HVT_OWNER_PASSWORD" \
  -v app="$HVT_APP_ROLE" -v app_password="$HVT_APP_PASSWORD" \
  -f "${HVT_ROLES_SQL:-/hvt-db/roles.sql}"
