#!/bin/sh
# Runs once, when the postgres container initialises its data directory: the role the app
# logs in as. It owns nothing; `migrate` (as the owner, POSTGRES_USER) grants it privileges.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$FOLIO_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE folio_app LOGIN PASSWORD :'app_password';
SQL
