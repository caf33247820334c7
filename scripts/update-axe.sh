#!/usr/bin/env bash
# Refresh the committed axe-core used by the browser accessibility tests.
set -euo pipefail

AXE_VERSION="4.14.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/tests/e2e/axe.min.js"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm i --save-exact --ignore-scripts --no-audit --no-fund "axe-core@$AXE_VERSION" >/dev/null

src="node_modules/axe-core/axe.min.js"
head -c 200 "$src" | grep -q "axe v$AXE_VERSION" || { echo "update-axe: $src is not axe v$AXE_VERSION" >&2; exit 1; }

mkdir -p "$(dirname "$dest")"
cp "$src" "$dest"
echo "Wrote $dest (axe-core $AXE_VERSION, $(wc -c < "$dest") bytes)"
