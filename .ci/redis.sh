#!/usr/bin/env bash
# Throwaway Redis servers for the tests of redisstore/ and
# examples/shared-session/: a single node and a three-node Redis Cluster, on
# free 127.0.0.1 ports, persistence off, stopped by their pids when done.
#
#   bash .ci/redis.sh                      # go test both modules against them
#   bash .ci/redis.sh go test -race ./...  # any command, run from the repo root,
#                                          # with REDIS_ADDR and REDIS_CLUSTER_ADDRS set
#   source .ci/redis.sh; redis_start; ...; redis_stop   # what .ci/run does
#
# redis-server is installed with apt-get when missing (as root; otherwise
# it says what to install).

REDIS_DIR= # one subdirectory per server: its data dir, log and pid file

# redis_install installs redis-server (and redis-cli) when not on PATH.
redis_install() {
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "redis-server is not installed: install it (e.g. sudo apt-get install -y redis-server) and try again" >&2
		return 1
	fi
	echo "installing redis-server with apt-get"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}

# redis_start starts a single node and a three-node cluster, waits until
# they answer, and exports REDIS_ADDR (host:port) and REDIS_CLUSTER_ADDRS
# (comma-separated).
redis_start() {
	redis_install || return 1
	REDIS_DIR=$(mktemp -d)
	local port
	port=$(redis_spawn) || return 1
	export REDIS_ADDR="127.0.0.1:$port"
	echo "redis-server $(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/') on $REDIS_ADDR"

	local nodes=()
	for _ in 1 2 3; do
		port=$(redis_spawn --cluster-enabled yes) || return 1
		nodes+=("127.0.0.1:$port")
	done
	redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$REDIS_DIR/cluster-create.log" 2>&1 || {
		cat "$REDIS_DIR/cluster-create.log" >&2
		return 1
	}
	redis_wait_cluster "${nodes[@]}" || return 1
	REDIS_CLUSTER_ADDRS=$(
		IFS=,
		echo "${nodes[*]}"
	)
	export REDIS_CLUSTER_ADDRS
	echo "Redis Cluster of three masters on $REDIS_CLUSTER_ADDRS"
}

# redis_spawn starts one redis-server (extra arguments are passed on) on a
# free port whose cluster bus port (+10000) is free too, waits until it
# answers, and prints the port. Called as port=$(redis_spawn), it runs in a
# subshell, so the pid goes to a file for redis_stop.
redis_spawn() {
	local port try dir pid
	for try in $(seq 1 20); do
		port=$((20000 + RANDOM % 30000))
		if redis_port_busy "$port" || redis_port_busy $((port + 10000)); then
			continue
		fi
		dir="$REDIS_DIR/$port"
		mkdir -p "$dir"
		redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
			--daemonize no --dir "$dir" --logfile "$dir/redis.log" "$@" >/dev/null 2>&1 &
		pid=$!
		echo "$pid" >"$dir/pid"
		if redis_wait "$port" "$pid"; then
			echo "$port"
			return 0
		fi
		kill "$pid" 2>/dev/null || true
	done
	echo "could not start redis-server on a free port after $try attempts" >&2
	return 1
}

# redis_port_busy reports whether something accepts connections on port $1.
redis_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# redis_wait waits up to 10 s for the redis-server with pid $2 to answer
# PING on port $1; it fails at once if that process exited (the port was
# taken meanwhile).
redis_wait() {
	for _ in $(seq 1 100); do
		kill -0 "$2" 2>/dev/null || return 1
		if redis-cli -h 127.0.0.1 -p "$1" info server 2>/dev/null | grep -q "^process_id:$2"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# redis_wait_cluster waits up to 20 s until every node reports
# cluster_state:ok.
redis_wait_cluster() {
	local node ok
	for _ in $(seq 1 200); do
		ok=1
		for node in "$@"; do
			redis-cli -h "${node%:*}" -p "${node#*:}" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=
		done
		[ -n "$ok" ] && return 0
		sleep 0.1
	done
	echo "the Redis Cluster did not reach cluster_state:ok" >&2
	return 1
}

# redis_stop stops every redis-server redis_start started, by pid.
redis_stop() {
	[ -n "${REDIS_DIR:-}" ] || return 0
	local f pid
	for f in "$REDIS_DIR"/*/pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || true
	done
	for f in "$REDIS_DIR"/*/pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	rm -rf "$REDIS_DIR"
	REDIS_DIR=
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
