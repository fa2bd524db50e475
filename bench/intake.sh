#!/usr/bin/env bash
# Loads POST /api/v1/cases (a full intake: classify, route, due date,
# receipt number, two events) with wrk against a release build.
#
#   bench/intake.sh [sqlite|postgres] [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
secs=${2:-20}
conns=${3:-16}
source bench/lib.sh
start_server "$backend"
echo "== intake on $backend: ${secs}s, $conns connections"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/intake.lua "$BASE/api/v1/cases"
