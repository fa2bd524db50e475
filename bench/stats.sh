#!/usr/bin/env bash
# Fills a database with a demo history (civicdesk seed-demo), then measures
# each scorecard endpoint with wrk, one request at a time: a month's teams
# scorecard, a year's, twelve months month by month (all teams and one),
# the monthly ranking, and the ranking as CSV.
#
#   bench/stats.sh [sqlite|postgres] [cases] [seconds per endpoint]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
cases=${2:-1000000}
secs=${3:-10}
source bench/lib.sh
start_server "$backend"
export TOKEN

echo "== seeding $backend with $cases cases"
target/release/civicdesk seed-demo --cases "$cases" 2>&1 | grep -v '^seed-demo: [0-9]'

month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
first="$month-01"
last=$(date -d "$first +1 month -1 day" +%Y-%m-%d)
year_from=$(date -d "$first -11 month" +%Y-%m-%d)
roads=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/teams" | tr '{' '\n' | grep 'Roads' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

measure() {
  echo "== $1"
  curl -s -o /dev/null -w "   status %{http_code}, %{size_download} bytes\n" -H "Authorization: Bearer $TOKEN" "$2"
  wrk -t1 -c1 -d"${secs}s" --latency -s bench/get.lua "$2" | grep -E 'Requests/sec|50%|99%|Non-2xx'
}
measure "teams, one month ($month)" "$BASE/api/v1/stats/teams?from=$first&to=$last"
measure "teams, twelve months" "$BASE/api/v1/stats/teams?from=$year_from&to=$last"
measure "monthly, twelve months, all teams" "$BASE/api/v1/stats/monthly?to=$month"
measure "monthly, twelve months, Roads" "$BASE/api/v1/stats/monthly?to=$month&team=$roads"
measure "ranking ($month)" "$BASE/api/v1/stats/ranking?month=$month"
measure "ranking as CSV" "$BASE/api/v1/stats/ranking?month=$month&format=csv"
