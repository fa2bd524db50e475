#!/usr/bin/env bash
# How far one PostgreSQL carries: intake and case reads with 1, 2 and 3
# civicdesk instances on one database, 16 connections in all split over the
# instances (one wrk each, all at once). On one machine the instances share
# its cores with PostgreSQL and wrk, so this shows what adding processes
# costs or gains there; on separate machines each instance brings its own.
#
#   bench/instances.sh [seconds per measure]   # default 10
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
source bench/lib.sh
start_cluster "$work/pg"
export TOKEN IDS

# measure N LUA PATH — runs one wrk per instance at once; prints the sum of
# their rates and the worst p99.
measure() {
  local n=$1 lua=$2 path=$3 per=$((16 / $1)) runs=() i=0
  for base in "${bases[@]}"; do
    i=$((i + 1))
    wrk -t1 -c"$per" -d"${secs}s" --latency -s "$lua" "$base$path" >"$work/wrk-$n-$i.txt" &
    runs+=($!)
  done
  wait "${runs[@]}"
  cat "$work"/wrk-"$n"-*.txt | awk -v n="$n" -v what="$4" '
    /^Requests\/sec/ { rate += $2 }
    $1 == "99%" { v = $2; u = $2; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
      ms = v * (u == "us" ? 0.001 : u == "s" ? 1000 : 1); if (ms > worst) worst = ms }
    /Non-2xx|Socket errors/ { errors = errors " " $0 }
    END { printf "%d instance(s): %-6s %7d/s  worst p99 %6.1f ms%s\n", n, what, rate, worst, errors }'
  rm -f "$work"/wrk-"$n"-*.txt
}

for n in 1 2 3; do
  pg_sql postgres "create database instances$n" >/dev/null
  export BENCH_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/instances$n"
  bases=()
  servers=()
  first_token=
  for _ in $(seq "$n"); do
    start_server postgres
    bases+=("$BASE")
    servers+=("$SERVER_PID")
    # The first instance made the admin with its token; the others keep it.
    first_token=${first_token:-$TOKEN}
  done
  TOKEN=$first_token
  measure "$n" bench/intake.lua /api/v1/cases intake
  IDS=$work/ids-$n.txt
  pg_sql "instances$n" "select id from cases order by random() limit 5000" >"$IDS"
  measure "$n" bench/case.lua /api/v1/cases GET
  for p in "${servers[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
done
