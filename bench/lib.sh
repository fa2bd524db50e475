# Shared by the bench scripts: a release server over a throwaway database.
# Sets BASE (the server's URL) and TOKEN (an admin token); cleans up on exit.

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
cargo build --release -q

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"; }
trap cleanup EXIT

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# start_server sqlite|postgres — postgres uses BENCH_PG_URL when set, else a
# throwaway local cluster (needs the postgresql server package).
start_server() {
  case "$1" in
    sqlite) export DATABASE_URL="sqlite://$work/bench.db" ;;
    postgres)
      if [ -n "${BENCH_PG_URL:-}" ]; then
        export DATABASE_URL="$BENCH_PG_URL"
      else
        local bin pgport
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
        [ "$(id -u)" -eq 0 ] && chown postgres "$work"
        as_pg "$bin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --locale=C >/dev/null
        pgport=$((20000 + RANDOM % 10000))
        as_pg "$bin/postgres" -D "$work/pg" -p "$pgport" -c listen_addresses=127.0.0.1 \
          -c unix_socket_directories= -c max_connections=100 >"$work/pg.log" 2>&1 &
        pids+=($!)
        for _ in $(seq 50); do psql -h 127.0.0.1 -p "$pgport" -U postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
        psql -h 127.0.0.1 -p "$pgport" -U postgres -c 'create database bench' >/dev/null
        export DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/bench"
      fi ;;
    *) echo "backend must be sqlite or postgres"; exit 2 ;;
  esac
  TOKEN="cd_bench_admin_token_$RANDOM$RANDOM"
  launch "$work/server.log"
}

# launch LOG — starts the server on DATABASE_URL, logging to LOG, and waits
# until it is ready; sets BASE, and READY_MS (from the start to /readyz).
launch() {
  local port=$((30000 + RANDOM % 10000)) began
  began=$(date +%s%N)
  # The benches measure the work, not the public rate limit.
  CIVICDESK_RATE_LIMIT=0 CIVICDESK_BIND=127.0.0.1:$port RUST_LOG=warn CIVICDESK_OUTBOX_DIR="$work/outbox" CIVICDESK_ADMIN_TOKEN="$TOKEN" \
    target/release/civicdesk serve >"$1" 2>&1 &
  pids+=($!)
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 6000); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.01; done
  READY_MS=$(( ($(date +%s%N) - began) / 1000000 ))
}

# restart_server — stops the last server started and starts it again on the
# same database (what a start costs on a full one: READY_MS).
restart_server() {
  local last=${pids[${#pids[@]}-1]}
  kill "$last" 2>/dev/null || true
  while kill -0 "$last" 2>/dev/null; do sleep 0.1; done
  launch "$work/server-again.log"
}
