#!/usr/bin/env bash
# A throwaway redis-server for the tests of redisstore/ and
# examples/shared-session/: on 127.0.0.1, on a free port, persistence off,
# stopped by its pid when done.
#
#   bash .ci/redis.sh                      # go test both modules against it
#   bash .ci/redis.sh go test -race ./...  # any command, run from the repo root,
#                                          # with REDIS_ADDR set
#   source .ci/redis.sh; redis_start; ...; redis_stop   # what .ci/run does
#
# redis-server is installed with apt-get when missing (as root; otherwise
# it says what to install).

# redis_install installs redis-server when it is not on PATH.
redis_install() {
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "redis-server is not installed: install it (e.g. sudo apt-get install -y redis-server) and try again" >&2
		return 1
	fi
	echo "installing redis-server with apt-get"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}

# redis_start starts redis-server on a free 127.0.0.1 port and waits until
# it answers PING; it sets and exports REDIS_ADDR, and sets REDIS_PID.
redis_start() {
	redis_install || return 1
	REDIS_DIR=$(mktemp -d)
	local port try
	for try in $(seq 1 20); do
		port=$((20000 + RANDOM % 40000))
		# Something answers there already: try another port.
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue
		fi
		redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
			--daemonize no --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" &
		REDIS_PID=$!
		if redis_wait "$port"; then
			export REDIS_ADDR="127.0.0.1:$port"
			echo "redis-server $(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/') (pid $REDIS_PID) on $REDIS_ADDR"
			return 0
		fi
		redis_stop
		REDIS_DIR=$(mktemp -d)
	done
	echo "could not start redis-server on a free port (attempt $try)" >&2
	return 1
}

# redis_wait waits up to 10 s for our redis-server (REDIS_PID) to answer
# PING on port $1; it fails at once if that process exited (the port was
# taken meanwhile).
redis_wait() {
	local i
	for i in $(seq 1 100); do
		kill -0 "$REDIS_PID" 2>/dev/null || return 1
		if [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ] &&
			redis-cli -h 127.0.0.1 -p "$1" info server 2>/dev/null | grep -q "^process_id:$REDIS_PID"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# redis_stop stops the redis-server that redis_start started, by its pid.
redis_stop() {
	if [ -n "${REDIS_PID:-}" ]; then
		kill "$REDIS_PID" 2>/dev/null || true
		wait "$REDIS_PID" 2>/dev/null || true
		REDIS_PID=
	fi
	if [ -n "${REDIS_DIR:-}" ]; then
		rm -rf "$REDIS_DIR"
		REDIS_DIR=
	fi
}

# Run as a command (not sourced): start, run, stop.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	cd "$(dirname "$0")/.."
	trap redis_stop EXIT
	redis_start
	if [ $# -eq 0 ]; then
		(cd redisstore && go test -race -count=1 ./...)
		(cd examples/shared-session && go test -race -count=1 ./...)
	else
		"$@"
	fi
fi
