# Shared by the bench scripts: a release server over a throwaway database.
# Sets BASE (the server's URL) and TOKEN (an admin token); cleans up on exit.

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
cargo build --release -q

work=$(mktemp -d)
chmod 755 "$work"
pids=()
clusters=()
cleanup() {
  local dir
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # A fast shutdown, so that no postgres outlives the directory removed below.
  for dir in "${clusters[@]}"; do
    [ -f "$dir/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
  done
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

# start_cluster DIR — a throwaway PostgreSQL cluster in DIR (fsync on, the
# defaults otherwise) listening on 127.0.0.1 only; sets PG_DIR and PG_PORT.
start_cluster() {
  [ -x "$PG_BIN/initdb" ] || { echo "needs the PostgreSQL server package"; exit 2; }
  PG_DIR=$1
  mkdir -p "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres -E UTF8 --locale=C >/dev/null
  PG_PORT=$((20000 + RANDOM % 10000))
  as_pg "$PG_BIN/postgres" -D "$PG_DIR" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories= -c max_connections=100 >"$PG_DIR.log" 2>&1 &
  pids+=($!)
  clusters+=("$PG_DIR")
  for _ in $(seq 50); do pg_sql postgres 'select 1' >/dev/null 2>&1 && return; sleep 0.2; done
  echo "PostgreSQL did not start:"; tail -5 "$PG_DIR.log"; exit 1
}

# stop_cluster — stops the cluster start_cluster started (fast shutdown).
stop_cluster() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null; }

# pg_sql DATABASE SQL — runs SQL on the throwaway cluster, prints the rows bare.
pg_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -c "$2"; }

# start_server sqlite|postgres [database] — postgres uses BENCH_PG_URL when
# set, else a new database (default "bench") on the cluster start_cluster
# started, starting one first if there is none.
start_server() {
  case "$1" in
    sqlite) export DATABASE_URL="sqlite://$work/${2:-bench}.db" ;;
    postgres)
      if [ -n "${BENCH_PG_URL:-}" ]; then
        export DATABASE_URL="$BENCH_PG_URL"
      else
        [ -n "${PG_PORT:-}" ] || start_cluster "$work/pg"
        pg_sql postgres "create database ${2:-bench}" >/dev/null
        export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/${2:-bench}"
      fi ;;
    *) echo "backend must be sqlite or postgres"; exit 2 ;;
  esac
  TOKEN="cd_bench_admin_token_$RANDOM$RANDOM"
  launch "$work/server.log"
}

# launch LOG — starts the server on DATABASE_URL, logging to LOG, and waits
# until it is ready; sets BASE, SERVER_PID, and READY_MS (from the start to /readyz).
launch() {
  local port=$((30000 + RANDOM % 10000)) began
  began=$(date +%s%N)
  # The benches measure the work, not the public rate limit; no drain period
  # on SIGTERM, so stop_server returns at once. BENCH_MAIL_WORKER=off leaves
  # the emails queued in the outbox instead of written out by this instance.
  CIVICDESK_MAIL_WORKER=${BENCH_MAIL_WORKER:-on} CIVICDESK_RATE_LIMIT=0 CIVICDESK_DRAIN_SECS=0 \
    CIVICDESK_BIND=127.0.0.1:$port RUST_LOG=warn \
    CIVICDESK_OUTBOX_DIR="$work/outbox" CIVICDESK_ADMIN_TOKEN="$TOKEN" \
    target/release/civicdesk serve >>"$1" 2>&1 &
  SERVER_PID=$!
  pids+=($SERVER_PID)
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 6000); do
    if curl -sf "$BASE/readyz" >/dev/null; then
      READY_MS=$(( ($(date +%s%N) - began) / 1000000 ))
      return
    fi
    sleep 0.01
  done
  echo "civicdesk did not start:"; tail -5 "$1"; exit 1
}

# restart_server — stops the last server started and starts it again on the
# same database (what a start costs on a full one: READY_MS).
restart_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.1; done
  launch "$work/server-again.log"
}

# stop_server — stops the server start_server started and waits for it.
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
