#!/bin/sh
# make run: start a local natterd and open natter on it; stop natterd when
# natter exits. Port 6667 if it is free, else any free port.
set -eu

B=${1:-build}
dir=$(mktemp -d "${TMPDIR:-/tmp}/natter-run.XXXXXX")
log=$dir/natterd.log
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	echo "natterd log: $log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() {
	: >"$log"
	"$B/natterd" --listen "127.0.0.1:$1" 2>"$log" &
	pid=$!
	# Wait for the "ready" line (or for natterd to give up), at most 10 s.
	i=0
	while [ $i -lt 100 ]; do
		grep -q ' ready (' "$log" && return 0
		kill -0 "$pid" 2>/dev/null || { pid=; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

if ! start 6667; then
	echo "port 6667 is busy; using a free port" >&2
	start 0 || { cat "$log" >&2; exit 1; }
fi
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" |
    head -n 1)
echo "natterd is listening on 127.0.0.1:$port (log: $log)"

if [ -x "$B/natter" ]; then
	echo "others can join with: $B/natter -p $port 127.0.0.1"
	"$B/natter" -p "$port" 127.0.0.1 || true
else
	echo "natter is not built; connect any IRC client to 127.0.0.1:$port"
	echo "press Ctrl-C to stop natterd"
	wait "$pid" || true
	pid=
fi
