#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry, at the
# pinned versions below. The results are committed, so neither building
# nor testing needs npm. Change a version here, run this, and update
# internal/web/static/VERSIONS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
GOVUK=5.14.0
HTMX=2.0.11
AXE=4.14.1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "govuk-frontend@$GOVUK" "htmx.org@$HTMX" "axe-core@$AXE" >/dev/null)
for f in "$tmp"/*.tgz; do d="${f%.tgz}"; mkdir -p "$d"; tar -xzf "$f" -C "$d"; done

v=internal/web/static/vendor
rm -rf "$v"
mkdir -p "$v/govuk-frontend" e2e/testdata
cp "$tmp/govuk-frontend-$GOVUK/package/dist/govuk/govuk-frontend.min.css" "$v/govuk-frontend/"
cp "$tmp/govuk-frontend-$GOVUK/package/dist/govuk/govuk-frontend.min.js" "$v/govuk-frontend/"
cp -r "$tmp/govuk-frontend-$GOVUK/package/dist/govuk/assets" "$v/govuk-frontend/assets"
cp "$tmp/htmx.org-$HTMX/package/dist/htmx.min.js" "$v/htmx.min.js"
cp "$tmp/htmx.org-$HTMX/package/LICENSE" "$v/htmx.LICENSE" 2>/dev/null || true
cp "$tmp/axe-core-$AXE/package/axe.min.js" e2e/testdata/axe.min.js
cp "$tmp/axe-core-$AXE/package/LICENSE" e2e/testdata/axe-core.LICENSE 2>/dev/null || true
echo "vendored govuk-frontend $GOVUK, htmx $HTMX, axe-core $AXE"
