#!/usr/bin/env bash
# Rebuild the committed GOV.UK Frontend files under app/static/govuk/.
# Needs Node and npm (registry access); users of the service do not.
#
# Writes:
#   app/static/govuk/govuk-frontend.min.css  (compiled from scripts/frontend/application.scss)
#   app/static/govuk/govuk-frontend.min.js   (ES module, from dist/govuk/)
#   app/static/govuk/assets/                 (dist/govuk/assets/ without fonts)
#   app/static/govuk/VERSION
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.3.0"
SASS_VERSION="1.108.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
entry="$repo_root/scripts/frontend/application.scss"
dest="$repo_root/app/static/govuk"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm i --save-exact --ignore-scripts --no-audit --no-fund \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

dist="node_modules/govuk-frontend/dist/govuk"
stage="$work/out"
mkdir -p "$stage"

cp "$entry" application.scss
npx --no-install sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
  application.scss "$stage/govuk-frontend.min.css"

cp "$dist/govuk-frontend.min.js" "$stage/govuk-frontend.min.js"
cp -R "$dist/assets" "$stage/assets"
rm -rf "$stage/assets/fonts"

actual_sass="$(npx --no-install sass --version)"
actual_sass="${actual_sass%% *}"
[ "$actual_sass" = "$SASS_VERSION" ] || { echo "build-frontend: got sass $actual_sass, wanted $SASS_VERSION" >&2; exit 1; }
printf 'govuk-frontend %s\nsass %s\n' "$GOVUK_FRONTEND_VERSION" "$actual_sass" > "$stage/VERSION"

# Checks on the compiled CSS.
css="$stage/govuk-frontend.min.css"
fail() { echo "build-frontend: $*" >&2; exit 1; }
if grep -qi 'GDS Transport' "$css"; then fail "CSS mentions GDS Transport"; fi
if grep -q '@font-face' "$css"; then fail "CSS contains @font-face"; fi
if grep -oE 'url\([^)]*\)' "$css" | grep -v '^url("/static/govuk/assets/'; then
  fail "CSS has url()s outside /static/govuk/assets/ (listed above)"
fi
if sed 's#/static/govuk/assets/##g' "$css" | grep -q '/assets/'; then
  fail "CSS still refers to /assets/"
fi
# Every asset the CSS refers to must be shipped.
while read -r path; do
  [ -f "$stage/assets/$path" ] || fail "CSS refers to missing asset: $path"
done < <(grep -oE 'url\("/static/govuk/assets/[^")]*' "$css" | sed 's#^url("/static/govuk/assets/##' | sort -u)
grep -q 'export{[^}]*initAll' "$stage/govuk-frontend.min.js" || fail "min.js does not export initAll"

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$stage" "$dest"

echo "Built $dest:"
cat "$dest/VERSION"
ls -l "$dest" "$dest/assets"
