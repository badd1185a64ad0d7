#!/usr/bin/env bash
# Regenerate the static protobuf code. Only proto/codec.ts imports the result.
set -euo pipefail
cd "$(dirname "$0")"
npx pbjs -t static-module -w commonjs --force-number --no-create --no-verify --no-convert --no-delimited \
  -o gen/blockpair.cjs blockpair.proto
npx pbts -o gen/blockpair.d.cts gen/blockpair.cjs
