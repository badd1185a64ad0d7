#!/usr/bin/env bash
# Make a throwaway self-signed certificate and key in DIR (cert.pem, key.pem).
#
# blockpair authenticates with pre-shared keys only; it has no certificate
# mode. The tests use this certificate to check that a TLS client offering a
# certificate instead of a key is refused.
set -euo pipefail
dir=${1:?usage: make-cert.sh DIR}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj /CN=blockpair-test -days 1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
