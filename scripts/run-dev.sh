#!/usr/bin/env bash
# Start the web server and the background worker together; stopping one (Ctrl+C) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=wsgi
.venv/bin/flask worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Starting the web server on http://127.0.0.1:5000 (Ctrl+C stops the server and the worker)"
.venv/bin/flask run --host 127.0.0.1 --port 5000
