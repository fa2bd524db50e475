#!/usr/bin/env bash
# Fills a database with a demo history (civicdesk seed-demo), restarts the
# server on it (the time from the start to /readyz: the start's catch-up of
# the scorecard figures on a full database), then measures each scorecard
# with wrk, one request at a time: a month's teams scorecard, a year's (from
# the first of a month and from mid-month, all cases, one kind, one
# category), twelve months month by month (all teams, one team, one kind,
# as CSV), the monthly ranking (JSON and CSV), and the back office's
# scorecards page (a month and the twelve-month trend).
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
began=$(date +%s)
target/release/civicdesk seed-demo --cases "$cases" 2>&1 | grep -v '^seed-demo: [0-9]'
echo "   seeded in $(( $(date +%s) - began )) s"
restart_server
echo "== start on the seeded database: ready after $READY_MS ms"

month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
first="$month-01"
last=$(date -d "$first +1 month -1 day" +%Y-%m-%d)
year_from=$(date -d "$first -11 month" +%Y-%m-%d)
mid_from=$(date -d "$year_from +14 day" +%Y-%m-%d)
mid_to=$(date -d "$last +14 day" +%Y-%m-%d)
roads=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/teams" | tr '{' '\n' | grep 'Roads' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
email=$(sed -n 's/^ *email: *//p' "$work/server.log" | awk 'NR == 1')
password=$(sed -n 's/^ *password: //p' "$work/server.log" | awk 'NR == 1')
curl -s -o /dev/null -c "$work/jar" --data-urlencode "email=$email" --data-urlencode "password=$password" "$BASE/office/login"
COOKIE="civicdesk_session=$(awk '$6 == "civicdesk_session" { print $7 }' "$work/jar")"
export COOKIE

# measure NAME URL [wrk script]: the bearer token by default, the office's session with office.lua.
measure() {
  local script=${3:-bench/get.lua}
  echo "== $1"
  curl -s -o /dev/null -w "   status %{http_code}, %{size_download} bytes\n" -b "$work/jar" -H "Authorization: Bearer $TOKEN" "$2"
  wrk -t1 -c1 -d"${secs}s" --latency -s "$script" "$2" | grep -E 'Requests/sec|50%|99%|Non-2xx'
}
measure "teams, one month ($month)" "$BASE/api/v1/stats/teams?from=$first&to=$last"
measure "teams, twelve months" "$BASE/api/v1/stats/teams?from=$year_from&to=$last"
measure "teams, twelve months from mid-month" "$BASE/api/v1/stats/teams?from=$mid_from&to=$mid_to"
measure "teams, twelve months, grievances" "$BASE/api/v1/stats/teams?from=$year_from&to=$last&kind=grievance"
measure "teams, twelve months, one category" "$BASE/api/v1/stats/teams?from=$year_from&to=$last&category=road-damage"
measure "monthly, twelve months, all teams" "$BASE/api/v1/stats/monthly?to=$month"
measure "monthly, twelve months, Roads" "$BASE/api/v1/stats/monthly?to=$month&team=$roads"
measure "monthly, twelve months, grievances" "$BASE/api/v1/stats/monthly?to=$month&kind=grievance"
measure "monthly, twelve months, as CSV" "$BASE/api/v1/stats/monthly?to=$month&format=csv"
measure "ranking ($month)" "$BASE/api/v1/stats/ranking?month=$month"
measure "ranking as CSV" "$BASE/api/v1/stats/ranking?month=$month&format=csv"
measure "office scorecards page ($month and its twelve-month trend)" "$BASE/office/scorecards?month=$month" bench/office.lua
