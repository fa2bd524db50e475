#!/usr/bin/env bash
# Outbox throughput to a local SMTP server: a burst of intakes (each queues a
# receipt email in its transaction), then the time until the worker has
# delivered every one (SQLite; counts read with Python's sqlite3).
#
#   bench/outbox.sh [seconds of intake burst]
set -euo pipefail
cd "$(dirname "$0")/.."
burst=${1:-3}
source bench/lib.sh
smtp_port=$((40000 + RANDOM % 10000))
python3 bench/smtp_sink.py "$smtp_port" 2>/dev/null &
pids+=($!)
sleep 0.5
export CIVICDESK_SMTP_URL="smtp://127.0.0.1:$smtp_port"
start_server sqlite
db="${DATABASE_URL#sqlite://}"
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from outbox where status=?\", (sys.argv[2],)).fetchone()[0])" "$db" "$1"; }

start=$(date +%s.%N)
wrk -t2 -c8 -d"${burst}s" -s bench/intake.lua "$BASE/api/v1/cases" >/dev/null
after_burst=$(date +%s.%N)
echo "after the ${burst}s burst: $(count sent) sent, $(count pending) pending"
while [ "$(count pending)" -gt 0 ]; do sleep 0.1; done
end=$(date +%s.%N)
sent=$(count sent)
python3 -c "import sys; a,b,c=map(float,sys.argv[1:4]); n=int(sys.argv[4]); print(f'{n} emails delivered {c-a:.1f} s after the burst began ({c-b:.1f} s after it ended): {n/(c-a):.0f} emails/s')" "$start" "$after_burst" "$end" "$sent"
echo "failed: $(count failed)"
