#!/bin/sh
# Unpack PREFIX/.bundle.tar.gz into a staging folder, then move each entry into
# place, so that a half-unpacked bundle never replaces a working install. The
# key folder (etc) is the host's own and never comes in a bundle. As
# `blockpair install` does (agent/ops/install.ts, UPLOAD_SH).
set -eu
prefix=$1
staging="$prefix/.staging"
rm -rf "$staging"
mkdir -p "$staging"
tar -x -z -f "$prefix/.bundle.tar.gz" -C "$staging" --no-same-owner
for e in "$staging"/* "$staging"/.[!.]*; do
  [ -e "$e" ] || continue
  n=${e##*/}
  [ "$n" = etc ] && continue
  rm -rf "${prefix:?}/$n"
  mv "$e" "$prefix/$n"
done
rm -rf "$staging" "$prefix/.bundle.tar.gz"
