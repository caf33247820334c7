#!/usr/bin/env bash
# Rebuild the committed front-end widgets that sit on top of GOV.UK Frontend:
#   app/static/accessible-autocomplete/  accessible-autocomplete (the partner organisations picker)
#   app/static/moj/                      the Ministry of Justice design system's filter component (Find)
# Needs Node and npm (registry access); users of the service do not.
set -euo pipefail

AUTOCOMPLETE_VERSION="3.0.1"
MOJ_FRONTEND_VERSION="11.1.0"
GOVUK_FRONTEND_VERSION="6.3.0"
SASS_VERSION="1.108.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm i --save-exact --ignore-scripts --no-audit --no-fund \
  "accessible-autocomplete@$AUTOCOMPLETE_VERSION" "@ministryofjustice/frontend@$MOJ_FRONTEND_VERSION" \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

dest="$repo_root/app/static/accessible-autocomplete"
rm -rf "$dest" && mkdir -p "$dest"
cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js "$dest/"
cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css "$dest/"
printf 'accessible-autocomplete %s\n' "$AUTOCOMPLETE_VERSION" > "$dest/VERSION"

# Only the filter component of MOJ Frontend, compiled against the same GOV.UK Frontend settings as ours.
dest="$repo_root/app/static/moj"
rm -rf "$dest" && mkdir -p "$dest"
cp "$repo_root/scripts/frontend/moj-filter.scss" moj-filter.scss
npx --no-install sass --load-path=. --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
  moj-filter.scss moj-filter.css
# MOJ's Sass configures GOV.UK Frontend itself (GDS Transport, /assets/): use a system font and our paths.
sed -e 's/font-family:"GDS Transport",arial,sans-serif/font-family:arial,sans-serif/g' \
    -e 's#url(/assets/images/#url(/static/moj/assets/images/#g' moj-filter.css > "$dest/moj-filter.min.css"
if grep -q 'GDS Transport\|@font-face' "$dest/moj-filter.min.css"; then echo "moj-filter.min.css has a font" >&2; exit 1; fi
mkdir -p "$dest/assets/images"
for image in $(grep -oE 'url\(/static/moj/assets/images/[^)]*' "$dest/moj-filter.min.css" | sed 's#.*/images/##' | sort -u); do
  cp "node_modules/@ministryofjustice/frontend/moj/assets/images/$image" "$dest/assets/images/$image"
done
# The filter toggle button (show and hide the filter on small screens) as one ES module.
cp node_modules/@ministryofjustice/frontend/moj/components/filter-toggle-button/filter-toggle-button.bundle.mjs \
  "$dest/filter-toggle-button.mjs"
printf '@ministryofjustice/frontend %s\ngovuk-frontend %s\nsass %s\n' \
  "$MOJ_FRONTEND_VERSION" "$GOVUK_FRONTEND_VERSION" "$SASS_VERSION" > "$dest/VERSION"
ls -l "$repo_root/app/static/accessible-autocomplete" "$dest"
