#!/bin/sh
# The PostgreSQL image runs this once, on an empty data directory (compose.yaml):
# the site's database and its two roles, from deploy/roles.sql.
set -eu
psql --username "$POSTGRES_USER" --dbname postgres --no-psqlrc \
    -v owner=dvplan_owner -v reader=dvplan_reader -v database=dvplan \
    -v owner_password="$DVPLAN_OWNER_PASSWORD" -v reader_password="$DVPLAN_READER_PASSWORD" \
    -f /opt/dvplan/roles.sql
