#!/bin/sh
# Builds libapache2-mod-carechain into build/packages/ (make deb). The version is VERSION's,
# or $1 (the package test builds an older one too); debian/changelog gets an entry for it when
# its newest entry names another version. The tree is copied into build/deb/ first (the files
# git knows, committed or not, but nothing ignored), so a build never writes into the source.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
version=${1:-$(cat VERSION)}
work=$top/build/deb/$version
src=$work/carechain-$version
out=$top/build/packages
rm -rf "$work"
mkdir -p "$src" "$out"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
        xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf - | tar -xf - -C "$src"
else
    tar --exclude=./build --exclude=./var -cf - . | tar -xf - -C "$src"
fi
cp -a packaging/debian "$src/debian"
echo "$version" > "$src/VERSION"
top_version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
if [ "$top_version" != "$version" ]; then
    {
        printf 'carechain (%s) bookworm; urgency=medium\n\n  * Built at version %s from VERSION or the command line.\n\n' \
            "$version" "$version"
        printf ' -- CareChain maintainers <maintainers@carechain.example.org>  %s\n\n' "$(date -R)"
        cat "$src/debian/changelog"
    } > "$src/debian/changelog.new"
    mv "$src/debian/changelog.new" "$src/debian/changelog"
fi
(cd "$src" && dpkg-buildpackage -us -uc -b -j"$(nproc)")
deb=$(ls "$work"/libapache2-mod-carechain_"$version"_*.deb)
cp -f "$deb" "$work"/*.changes "$out"/
echo "build-deb: $out/$(basename "$deb")"
