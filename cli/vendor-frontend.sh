#!/bin/sh
# Re-vendors the browser frontend's libraries into htdocs/vendor/ from their npm packages (run by
# hand when upgrading; the files are committed, nothing here runs at build or test time).
# Usage: sh cli/vendor-frontend.sh [preact-version] [htm-version] [uplot-version]
set -eu
PREACT=${1:-10.29.8}; HTM=${2:-3.1.1}; UPLOT=${3:-1.6.32}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V=$ROOT/htdocs/vendor
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
npm pack --silent "preact@$PREACT" "htm@$HTM" "uplot@$UPLOT" >/dev/null
for p in preact htm uplot; do mkdir "$p"; tar xzf "$p"-*.tgz -C "$p"; done
mkdir -p "$V/preact-$PREACT" "$V/htm-$HTM" "$V/uplot-$UPLOT"  # versioned names: cached as immutable
# ES module builds; the hooks' bare "preact" import becomes a relative one (no import map needed).
sed '/sourceMappingURL/d' preact/package/dist/preact.module.js > "$V/preact-$PREACT/preact.module.js"
sed -e 's#from"preact"#from"./preact.module.js"#' -e '/sourceMappingURL/d' \
    preact/package/hooks/dist/hooks.module.js > "$V/preact-$PREACT/hooks.module.js"
cp preact/package/LICENSE "$V/preact-$PREACT/LICENSE"
# htm's plain ES module (not the "standalone" bundle, which carries an old Preact).
cp htm/package/dist/htm.module.js "$V/htm-$HTM/htm.module.js"; cp htm/package/LICENSE "$V/htm-$HTM/LICENSE"
cp uplot/package/dist/uPlot.esm.js uplot/package/dist/uPlot.min.css uplot/package/LICENSE "$V/uplot-$UPLOT/"
sha256sum ./*.tgz
echo "vendored preact $PREACT, htm $HTM, uplot $UPLOT: update htdocs/vendor/README.md"
