#!/bin/sh
# Regenerates legacy-migrations-c1e092e.tar.gz: the migrations as the last carechainctl before
# dbd/schema and dbd/sql applied them (dbd/migrations/ at commit c1e092e), frozen so the upgrade
# tests do not need git history (CI may clone shallowly). Byte for byte reproducible.
# usage (from anywhere inside a full clone): sh tests/api/data/make-legacy-migrations.sh
set -eu
top=$(git rev-parse --show-toplevel)
git -C "$top" archive --format=tar c1e092e dbd/migrations \
    | gzip -n > "$top/tests/api/data/legacy-migrations-c1e092e.tar.gz"
