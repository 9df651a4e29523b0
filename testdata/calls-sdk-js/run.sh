#!/usr/bin/env bash
# Runs CometChat's official JavaScript Calls SDK v4 (package.json pins
# @cometchat/calls-sdk-javascript) against cmd/cometchat-emulator over TLS:
# see check.js. Needs Go, Node (>= 18, for fetch) and npm; the only network
# it uses is the npm registry, for `npm ci`. Usage: testdata/calls-sdk-js/run.sh
set -euo pipefail
cd "$(dirname "$0")"

tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
go build -o "$tmp/cometchat-emulator" ../../cmd/cometchat-emulator

# Port 0: the emulator picks a free port and prints its URLs.
"$tmp/cometchat-emulator" -addr 127.0.0.1:0 -tls -cert-out "$tmp/emulator.pem" >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	grep -q '^Stop with Ctrl+C' "$tmp/out" && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/out"; echo "the emulator did not start" >&2; exit 1; }
	sleep 0.1
done
grep -q '^Stop with Ctrl+C' "$tmp/out" || { cat "$tmp/out"; echo "the emulator is not ready after 10 s" >&2; exit 1; }
field() { sed -n "s/^$1: *//p" "$tmp/out"; }

CALLS_URL=$(field 'calls URL') \
ADMIN_URL=$(field 'admin URL') \
APP_ID=$(field 'app ID') \
REGION=$(field 'region') \
AUTH_KEY=$(field 'auth key') \
NODE_EXTRA_CA_CERTS="$tmp/emulator.pem" \
	node check.js
