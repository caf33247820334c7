#!/usr/bin/env bash
# Start the web server and the background worker together; stopping one (Ctrl+C) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=wsgi
.venv/bin/flask worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
port="${PORT:-5000}"
echo "Starting the web server on http://127.0.0.1:$port (Ctrl+C stops the server and the worker)"
if [ -n "${BASE_URL:-}" ] && [ "${BASE_URL%/}" != "http://127.0.0.1:$port" ]; then
  echo "Note: BASE_URL is $BASE_URL; links in emails point there, not to http://127.0.0.1:$port"
fi
.venv/bin/flask run --host 127.0.0.1 --port "$port"
