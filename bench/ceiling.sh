#!/usr/bin/env bash
# Issue 14's goals: civicdesk's rates as a share of what PostgreSQL itself
# does on the same machine, measured in one run, one after the other, with
# 16 connections each. A round:
#   1. a throwaway PostgreSQL cluster (fsync on, defaults otherwise), and its
#      ceilings with pgbench: single-row INSERT per transaction, SELECT by key;
#   2. civicdesk (release build) with wrk: intake on PostgreSQL (a fresh
#      database on the same cluster), GET a case on PostgreSQL (over the cases
#      that intake filed), intake on SQLite;
#   3. a table of ratios and goals, PASS or MISS each;
#   4. for reading the misses: PostgreSQL alone running civicdesk's own
#      statements (bench/model.sql writes them from the rows civicdesk
#      stored), and the machine's CPU time per civicdesk request, with the
#      cores it kept busy and the most it could do at that cost with every
#      core busy.
# Any non-2xx response or socket error fails its measure. Exits 1 when any
# goal of any round is missed.
#
#   bench/ceiling.sh [seconds per measure] [rounds]   # default 15, 2
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
rounds=${2:-2}
[ -z "${BENCH_PG_URL:-}" ] || { echo "ceiling.sh measures its own cluster: unset BENCH_PG_URL"; exit 2; }
for tool in psql curl awk; do
  command -v "$tool" >/dev/null || { echo "needs $tool"; exit 2; }
done
source bench/lib.sh
[ -x "$PG_BIN/pgbench" ] || { echo "needs pgbench (the PostgreSQL server package)"; exit 2; }
# lib.sh's cleanup runs on exit; a signal must exit for it to run.
trap 'exit 130' INT TERM

# ceiling PGBENCH-ARGS... — runs pgbench with 16 clients over TCP, as
# civicdesk connects, and prints its transactions per second.
ceiling() {
  local out
  out=$("$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared \
    -c16 -j2 -T "$secs" "$@" 2>&1) || { echo "$out" >&2; exit 1; }
  grep -q '^number of failed transactions: 0 ' <<<"$out" || { echo "$out" >&2; exit 1; }
  awk '/^tps = / { printf "%d", $3 }' <<<"$out"
}

# busy_ticks — the machine's CPU time so far, all cores, in clock ticks.
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# load NAME LUA URL — runs wrk with 16 connections; sets RATE (requests/s),
# P99 (ms), ERRORS (non-2xx responses and socket errors) and CPU (µs of the
# machine's CPU, every process, per request). The output is kept in the
# work directory.
load() {
  local out=$work/$1.txt before
  before=$(busy_ticks)
  wrk -t2 -c16 -d"${secs}s" --latency -s "$2" "$3" >"$out"
  CPU=$(awk -v t="$(( $(busy_ticks) - before ))" -v hz="$(getconf CLK_TCK)" \
    '/ requests in / { printf "%d", t * 1e6 / hz / $1 }' "$out")
  RATE=$(awk '/^Requests\/sec/ { printf "%d", $2 }' "$out")
  P99=$(awk '$1 == "99%" {
    v = $2; unit = $2; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", unit)
    printf "%.1f", v * (unit == "us" ? 0.001 : unit == "s" ? 1000 : unit == "m" ? 60000 : 1) }' "$out")
  ERRORS=$(awk '/^  Non-2xx/ { n += $NF } /^  Socket errors/ { n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
  echo "   $1: $RATE/s, p99 $P99 ms, $ERRORS errors, $CPU µs CPU a request"
}

# row MEASURE CEILING-NAME CEILING MIN-RATIO [MAX-P99-MS] — one line of the
# table for the last load; a missed goal is remembered for the exit status.
row() {
  local ratio goal="≥ $4" verdict=PASS
  ratio=$(awk -v r="$RATE" -v c="$3" 'BEGIN { printf "%.2f", r / c }')
  awk -v r="$RATE" -v c="$3" -v g="$4" 'BEGIN { exit !(r >= g * c) }' || verdict=MISS
  if [ -n "${5:-}" ]; then
    goal="$goal, p99 < $5 ms"
    awk -v p="$P99" -v g="$5" 'BEGIN { exit !(p < g) }' || verdict=MISS
  fi
  [ "$ERRORS" -eq 0 ] || verdict="MISS ($ERRORS errors)"
  [ "$verdict" = PASS ] || missed=1
  # printf pads bytes: the goal's "≥" takes three, shows as one.
  printf '| %-24s | %9s | %9s | %-18s | %5s | %-23s | %s |\n' \
    "$1" "$(thousands "$RATE")/s" "$P99 ms" "$(thousands "$3") $2/s" "$ratio" "$goal" "$verdict"
}

# model KIND BATCH — writes bench/model.sql's pgbench script for KIND into
# the work directory and runs it on the civicdesk database; prints intakes
# or reads a second (transactions × BATCH).
model() {
  psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d civicdesk -v ON_ERROR_STOP=1 \
    -v kind="$1" -v batch="$2" -f bench/model.sql >"$work/model-$1-$2.sql"
  local tps
  tps=$(ceiling -f "$work/model-$1-$2.sql" civicdesk)
  echo $((tps * $2))
}

# explain MEASURE RATE CPU ERRORS MODEL-NAME MODEL-RATE CEILING — one line of
# the second table: civicdesk beside PostgreSQL alone (MODEL-RATE "-" for
# none); how many cores the measure kept busy; and the most it could do at
# its CPU cost a request with every core busy, also as a ratio to CEILING
# (the goal's). A measure with errors says so in its name.
explain() {
  local name=$1 model="-" ratio="-"
  [ "$4" -eq 0 ] || name="$1 ($4 errors)"
  if [ "$6" != "-" ]; then
    model="$(thousands "$6")/s $5"
    ratio=$(awk -v r="$2" -v m="$6" 'BEGIN { printf "%.2f", r / m }')
  fi
  printf '| %-24s | %9s | %-34s | %5s | %10s µs | %5s of %s | %19s/s = %4s |\n' "$name" "$(thousands "$2")/s" \
    "$model" "$ratio" "$3" "$(awk -v c="$3" -v r="$2" 'BEGIN { printf "%.2f", c * r / 1e6 }')" "$(nproc)" \
    "$(thousands "$(awk -v c="$3" -v n="$(nproc)" 'BEGIN { printf "%d", n * 1e6 / c }')")" \
    "$(awk -v c="$3" -v n="$(nproc)" -v k="$7" 'BEGIN { printf "%.2f", n * 1e6 / c / k }')"
}

# thousands N — N with a comma between each group of three digits.
thousands() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"; }

export TOKEN IDS
missed=0
for round in $(seq "$rounds"); do
  echo "== round $round of $rounds: ${secs}s a measure, 16 connections"
  start_cluster "$work/round$round"

  pg_sql postgres "create database ceiling" >/dev/null
  pg_sql ceiling "create table ceiling_insert (id bigserial primary key, kind text not null,
    title text not null, email text, received_at timestamptz not null default now())"
  insert_ceiling=$(ceiling -f bench/ceiling_insert.sql ceiling)
  echo "   pgbench INSERT: $insert_ceiling/s"
  # Scale 1 is 100,000 accounts: cached, as the cases civicdesk reads are.
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -q -s 1 ceiling >/dev/null 2>&1
  select_ceiling=$(ceiling -S ceiling)
  echo "   pgbench SELECT: $select_ceiling/s"

  start_server postgres civicdesk
  load "round$round-intake-postgres" bench/intake.lua "$BASE/api/v1/cases"
  intake_pg=("$RATE" "$P99" "$ERRORS" "$CPU")
  # The reads go over at least 2,000 cases, filed first if intake fell short.
  while [ "$(pg_sql civicdesk 'select count(*) from cases')" -lt 2000 ]; do
    wrk -t2 -c16 -d5s -s bench/intake.lua "$BASE/api/v1/cases" >/dev/null
  done
  IDS=$work/ids
  pg_sql civicdesk 'select id from cases order by random() limit 5000' >"$IDS"
  load "round$round-get-postgres" bench/case.lua "$BASE/api/v1/cases"
  get_pg=("$RATE" "$P99" "$ERRORS" "$CPU")
  stop_server
  # PostgreSQL alone, civicdesk's statements over civicdesk's tables, as
  # stored: receipt numbers from a sequence (no counter row to take turns
  # on), the reads by key over the same cases.
  pg_sql civicdesk "create sequence model_receipt; create table model_ids (n int primary key, id text not null)"
  awk '{ print NR "," $1 }' "$IDS" | pg_sql civicdesk "copy model_ids from stdin (format csv)"
  model_read=$(model read 1)
  model_intake=$(model intake 1)
  model_batched=$(model intake 8)
  echo "   PostgreSQL alone: $model_intake intakes/s one a transaction, $model_batched eight a statement; $model_read case reads/s"
  # Intake again with the emails left queued: what the request itself costs.
  BENCH_MAIL_WORKER=off start_server postgres quiet
  load "round$round-intake-postgres-no-mail" bench/intake.lua "$BASE/api/v1/cases"
  quiet_pg=("$RATE" "$P99" "$ERRORS" "$CPU")
  stop_server
  # SQLite gets the machine to itself, as the ceilings had.
  stop_cluster

  start_server sqlite "round$round"
  load "round$round-intake-sqlite" bench/intake.lua "$BASE/api/v1/cases"
  intake_sqlite=("$RATE" "$P99" "$ERRORS" "$CPU")
  stop_server

  echo
  echo "| measure                  | civicdesk |       p99 | ceiling (same run) | ratio | goal                  |      |"
  echo "|--------------------------|----------:|----------:|--------------------|------:|-----------------------|------|"
  RATE=${intake_pg[0]} P99=${intake_pg[1]} ERRORS=${intake_pg[2]}
  row "intake on PostgreSQL" INSERT "$insert_ceiling" 0.5 50
  RATE=${get_pg[0]} P99=${get_pg[1]} ERRORS=${get_pg[2]}
  row "GET a case on PostgreSQL" SELECT "$select_ceiling" 0.3 50
  RATE=${intake_sqlite[0]} P99=${intake_sqlite[1]} ERRORS=${intake_sqlite[2]}
  row "intake on SQLite" INSERT "$insert_ceiling" 0.35
  echo
  echo "| measure                  | civicdesk | PostgreSQL alone, its statements   | ratio | CPU a request | cores busy | every core busy at that cost |"
  echo "|--------------------------|----------:|------------------------------------|------:|--------------:|-----------:|------------------------------|"
  explain "intake on PostgreSQL" "${intake_pg[0]}" "${intake_pg[3]}" "${intake_pg[2]}" "one a transaction" "$model_intake" "$insert_ceiling"
  explain "intake on PostgreSQL" "${intake_pg[0]}" "${intake_pg[3]}" "${intake_pg[2]}" "eight a statement" "$model_batched" "$insert_ceiling"
  explain "intake, emails queued" "${quiet_pg[0]}" "${quiet_pg[3]}" "${quiet_pg[2]}" "eight a statement" "$model_batched" "$insert_ceiling"
  explain "GET a case on PostgreSQL" "${get_pg[0]}" "${get_pg[3]}" "${get_pg[2]}" "the same read" "$model_read" "$select_ceiling"
  explain "intake on SQLite" "${intake_sqlite[0]}" "${intake_sqlite[3]}" "${intake_sqlite[2]}" "" "-" "$insert_ceiling"
  echo
done
[ "$missed" -eq 0 ] || { echo "some goals missed"; exit 1; }
echo "every goal met, $rounds rounds in a row"
