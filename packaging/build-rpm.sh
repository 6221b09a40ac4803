#!/bin/sh
# make rpm: packaging/rpm/mod_carechain.spec at VERSION's version into build/packages/. On EL9
# this is the release build; elsewhere (Debian) rpmbuild runs with --nodeps, a layout test.
# RPM_NOCHECK=1 skips %check (the unit tests): the package test sets it, having just run them
# in the .deb build of the same source.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
version=$(cat VERSION)
work=$top/build/rpm
out=$top/build/packages
rm -rf "$work"
mkdir -p "$work/SOURCES" "$work/SPECS" "$work/carechain-$version" "$out"
git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf - | tar -xf - -C "$work/carechain-$version"
echo "$version" > "$work/carechain-$version/VERSION"
tar -C "$work" -czf "$work/SOURCES/carechain-$version.tar.gz" "carechain-$version"
sed "s/^Version:.*/Version:        $version/" packaging/rpm/mod_carechain.spec > "$work/SPECS/mod_carechain.spec"
nodeps=""
[ -f /etc/redhat-release ] || nodeps="--nodeps"
nocheck=""
[ "${RPM_NOCHECK:-}" = 1 ] && nocheck="--nocheck"
rpmbuild -bb $nodeps $nocheck --define "_topdir $work" "$work/SPECS/mod_carechain.spec"
find "$work/RPMS" -name '*.rpm' -exec cp -f {} "$out"/ \;
ls "$out"/mod_carechain-"$version"-*.rpm
