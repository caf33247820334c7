#!/usr/bin/env bash
# Upgrade an empty SQLite database and an empty PostgreSQL database to head, and check that each schema
# matches the models (`flask db check` fails when autogenerate would find a difference).
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=wsgi APP_ENV=development
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "Migrations on an empty SQLite database"
DATABASE_URL="sqlite:///$tmp/check.sqlite" .venv/bin/flask db upgrade
DATABASE_URL="sqlite:///$tmp/check.sqlite" .venv/bin/flask db check

if [ -n "${POSTGRES_SERVER_URL:-}" ]; then
  name="migration_check_$$"
  echo "Migrations on an empty PostgreSQL database ($name)"
  psql "$POSTGRES_SERVER_URL" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
  url="${POSTGRES_SERVER_URL%/*}/$name"
  status=0
  { DATABASE_URL="$url" .venv/bin/flask db upgrade && DATABASE_URL="$url" .venv/bin/flask db check; } || status=$?
  psql "$POSTGRES_SERVER_URL" -qc "DROP DATABASE IF EXISTS $name"
  exit $status
fi
