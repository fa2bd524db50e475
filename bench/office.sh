#!/usr/bin/env bash
# Fills a database with a demo history (civicdesk seed-demo), signs in to the
# back office as the first admin (with the password the first start printed)
# and measures every office page with wrk, one request at a time, so the
# latency is the server's own time for the page. The goal is 50 ms per page
# at 100,000 cases.
#
#   bench/office.sh [sqlite|postgres] [cases] [seconds per page]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
cases=${2:-100000}
secs=${3:-5}
source bench/lib.sh
start_server "$backend"

echo "== seeding $backend with $cases cases"
target/release/civicdesk seed-demo --cases "$cases" 2>&1 | grep -v '^seed-demo: [0-9]'

email=$(sed -n 's/^ *email: *//p' "$work/server.log" | awk 'NR == 1')
password=$(sed -n 's/^ *password: //p' "$work/server.log" | awk 'NR == 1')
curl -s -o /dev/null -c "$work/jar" --data-urlencode "email=$email" --data-urlencode "password=$password" "$BASE/office/login"
COOKIE="civicdesk_session=$(awk '$6 == "civicdesk_session" { print $7 }' "$work/jar")"
export COOKIE
[ "$COOKIE" != "civicdesk_session=" ] || { echo "sign-in failed"; exit 1; }

auth=(-H "Authorization: Bearer $TOKEN")
open_case=$(curl -s "${auth[@]}" "$BASE/api/v1/cases?status=open&limit=1" | sed -n 's/^{"items":\[{"id":"\([^"]*\)".*/\1/p')
closed_case=$(curl -s "${auth[@]}" "$BASE/api/v1/cases?status=closed&limit=1" | sed -n 's/^{"items":\[{"id":"\([^"]*\)".*/\1/p')
next_page=$(curl -s -b "$work/jar" "$BASE/office/cases?status=open" | sed -n 's/.*<a href="\([^"]*\)" rel="next".*/\1/p' | sed 's/&amp;/\&/g' | awk 'NR == 1')
call=$(curl -s -b "$work/jar" "$BASE/office/happy-calls" | sed -n 's/.*href="\/office\/happy-calls\/\([^"]*\)".*/\1/p' | awk 'NR == 1')
month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)

printf '\n%-44s %10s %10s %10s %8s\n' "page ($cases cases, $backend)" "p50" "p99" "req/s" "bytes"
measure() {
  local size out
  size=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -b "$work/jar" "$BASE$2")
  [ "${size%% *}" = 200 ] || { printf '%-44s answered %s\n' "$1" "${size%% *}"; return; }
  out=$(wrk -t1 -c1 -d"${secs}s" --latency -s bench/office.lua "$BASE$2")
  printf '%-44s %10s %10s %10s %8s\n' "$1" \
    "$(echo "$out" | awk '$1 == "50%" { print $2 }')" \
    "$(echo "$out" | awk '$1 == "99%" { print $2 }')" \
    "$(echo "$out" | awk '/Requests\/sec/ { print $2 }')" \
    "${size#* }"
}
measure "sign-in form" "/office/login"
measure "dashboard" "/office/"
measure "queue: open, soonest due first" "/office/cases?status=open"
measure "queue: next page" "${next_page:-/office/cases?status=open}"
measure "queue: newest first" "/office/cases?sort=received"
measure "queue: overdue" "/office/cases?overdue=true"
measure "queue: text search" "/office/cases?q=%ED%8F%AC%ED%8A%B8%ED%99%80"
measure "case page (open)" "/office/cases/$open_case"
measure "case page (closed, with survey)" "/office/cases/$closed_case"
measure "happy calls" "/office/happy-calls"
[ -n "$call" ] && measure "one happy call" "/office/happy-calls/$call"
measure "follow-ups" "/office/follow-ups"
measure "scorecards ($month)" "/office/scorecards?month=$month"
measure "scorecards CSV" "/office/scorecards.csv?month=$month"
measure "settings" "/office/settings"
measure "settings: teams" "/office/settings/teams"
measure "settings: operators" "/office/settings/operators"
measure "settings: holidays" "/office/settings/holidays"
for extra in categories rules tokens; do
  measure "settings: $extra" "/office/settings/$extra"
done
