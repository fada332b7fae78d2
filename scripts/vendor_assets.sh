#!/usr/bin/env bash
# Re-vendor front-end assets from npm into app/static/vendor (run by hand when upgrading).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
cp package.json "$tmp/"
(cd "$tmp" && npm install --no-audit --no-fund --silent)
v=app/static/vendor
rm -rf "$v" && mkdir -p "$v"/{bootstrap,bootstrap-icons/fonts,katex,chartjs,axe-core}
nm="$tmp/node_modules"
cp "$nm/bootstrap/dist/css/bootstrap.min.css" "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$v/bootstrap/"
cp "$nm/bootstrap-icons/font/bootstrap-icons.min.css" "$v/bootstrap-icons/"
cp "$nm/bootstrap-icons/font/fonts/"*.woff2 "$v/bootstrap-icons/fonts/"
cp "$nm/katex/dist/katex.min.css" "$nm/katex/dist/katex.min.js" "$v/katex/"
cp "$nm/katex/dist/contrib/auto-render.min.js" "$v/katex/"
cp -r "$nm/katex/dist/fonts" "$v/katex/fonts"
rm -f "$v"/katex/fonts/*.ttf "$v"/katex/fonts/*.woff
cp "$nm/chart.js/dist/chart.umd.js" "$v/chartjs/chart.umd.min.js"
# axe-core is loaded only by tests/browser/test_accessibility.py, never by a page.
cp "$nm/axe-core/axe.min.js" "$nm/axe-core/LICENSE" "$v/axe-core/"
for p in bootstrap bootstrap-icons katex chart.js axe-core; do
  printf '%s %s\n' "$p" "$(node -p "require('$nm/$p/package.json').version")"
done > "$v/VERSIONS.txt"
rm -rf "$tmp"
cat "$v/VERSIONS.txt"
