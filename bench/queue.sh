#!/usr/bin/env bash
# Fills a database with N cases through the intake API, then measures queue
# pages (GET /api/v1/cases) with wrk: the open queue by due date, a team's
# overdue queue, newest first, a deep keyset page, and text searches.
#
#   bench/queue.sh [sqlite|postgres] [cases] [seconds per query]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
cases=${2:-100000}
secs=${3:-10}
source bench/lib.sh
start_server "$backend"
export TOKEN

count() {
  local n
  n=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/cases?sort=received&limit=1" \
    | sed -n 's/.*"receipt_no":"[0-9]*-\([0-9]*\)".*/\1/p' | sed 's/^0*//')
  echo "${n:-0}"
}

echo "== filling $backend with $cases cases"
started=$(date +%s)
while [ "$(count)" -lt "$cases" ]; do
  wrk -t2 -c16 -d10s -s bench/intake.lua "$BASE/api/v1/cases" >/dev/null
done
echo "filled $(count) cases in $(( $(date +%s) - started ))s"

roads=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/teams" | tr '{' '\n' | grep 'Roads' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
cursor="$BASE/api/v1/cases?sort=received&limit=50"
for _ in $(seq 20); do
  next=$(curl -s -H "Authorization: Bearer $TOKEN" "$cursor" | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
  cursor="$BASE/api/v1/cases?sort=received&limit=50&after=$next"
done

measure() {
  echo "== $1"
  wrk -t1 -c4 -d"${secs}s" --latency -s bench/get.lua "$2" | grep -E 'Requests/sec|50%|99%|Non-2xx'
}
measure "open queue, soonest due first (limit 50)" "$BASE/api/v1/cases?status=open&limit=50"
measure "one team's open overdue queue" "$BASE/api/v1/cases?team=$roads&status=open&overdue=true&limit=50"
measure "newest first (limit 50)" "$BASE/api/v1/cases?sort=received&limit=50"
measure "page 21 by keyset cursor" "$cursor"
measure "text search, frequent word" "$BASE/api/v1/cases?q=%ED%8F%AC%ED%8A%B8%ED%99%80&limit=50"
measure "text search, word found nowhere (full scan)" "$BASE/api/v1/cases?q=zzqx&limit=50"
