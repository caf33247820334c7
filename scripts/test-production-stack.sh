#!/usr/bin/env bash
# The production-like stack, as the README's Production section deploys it: nginx with the shipped site
# (deploy/nginx/collaboration.conf), gunicorn with deploy/gunicorn.conf.py and four workers, the worker,
# Redis and a fresh PostgreSQL database; tests/stack checks what an operator relies on (rate limits per
# client address across workers, client addresses in the audit log, request ids, static files, health).
# Installs Debian's nginx and Redis when missing and starts Redis when it is down. CI runs it after the suite.
#
#   TEST_DATABASE_URL  a PostgreSQL server whose user may create databases
#                      (default postgresql://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  step "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

if command -v systemd-analyze >/dev/null; then
  step "systemd units"
  units=$(mktemp -d)
  trap 'rm -rf "$units"' EXIT
  for unit in deploy/systemd/*; do
    sed "s#/srv/collaboration#$PWD#g" "$unit" > "$units/$(basename "$unit")"
  done
  # systemd-analyze exits 0 even for unknown keys and bad values: any message at all fails.
  problems=$(cd "$units" && systemd-analyze verify --man=no ./*.service ./*.timer 2>&1 || true)
  if [ -n "$problems" ]; then echo "$problems"; exit 1; fi
  echo "deploy/systemd: $(ls deploy/systemd | tr '\n' ' ')verified"
fi

step "Production-like stack: nginx, gunicorn with four workers, the worker, Redis, PostgreSQL"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
RUN_PRODUCTION_STACK=1 .venv/bin/python -m pytest tests/stack -p no:cacheprovider -q -rs
