#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster on loopback, its
# address in WHATMATTERS_TEST_POSTGRES, and removes the cluster afterwards.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
bindir=/usr/lib/postgresql/15/bin
[ -x "$bindir/initdb" ] || { echo "PostgreSQL 15 is not installed (apt-get install postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/whatmatters-pg.XXXXXX)
chmod 755 "$dir"
as_pg() {
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=54329
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

as_pg "$bindir/initdb" -D "$dir/data" -U whatmatters --auth=trust -E UTF8 --no-locale >/dev/null
# For tests fsync is off: the cluster lives for one run, and the crash test
# kills the client, not the server. Benchmarks (WHATMATTERS_PG_DURABLE=1,
# or any run of scripts/bench.sh) keep PostgreSQL's durable defaults, so
# they compare like with like against SQLite's synchronous=FULL.
settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [[ -n ${WHATMATTERS_PG_DURABLE:-${WHATMATTERS_BENCH_STORY_ROWS:-}} ]]; then
  settings=""
fi
# Another run may take the port between the probe above and the start
# (two test runs side by side): try the next free port a few times.
started=""
for attempt in 1 2 3 4 5; do
  if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $settings -c max_connections=200" start >/dev/null; then
    started=1
    break
  fi
  grep -q "Address already in use" "$dir/log" 2>/dev/null || break
  port=$((port + 1 + RANDOM % 50))
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
done
if [ -z "$started" ]; then
  echo "PostgreSQL did not start:" >&2
  tail -n 30 "$dir/log" >&2 || true
  exit 1
fi
export WHATMATTERS_TEST_POSTGRES="postgres://whatmatters@127.0.0.1:$port/postgres?sslmode=disable"
echo "PostgreSQL 15 on 127.0.0.1:$port"
set +e
"$@"
status=$?
set -e
exit $status
