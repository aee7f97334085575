#!/usr/bin/env bash
# Benchmark (issue 41): how well `lifeboat stream` keeps up with a PostgreSQL write load, its memory, and how long a
# restore to the moment takes to replay what the load wrote. pgbench (TPC-B-like: three updates and an insert per
# transaction; pgbench_history given a primary key so that its rows are carried) runs for SECS seconds with CLIENTS
# clients while the streamer, under GNU time, archives into a local vault, on the same cores as the server. Reported:
# the load's rate, the streamer's lag once the load stopped (until the archive held its last commit), its peak RSS,
# and the replay of the whole load (dump, then every transaction) against the load's own duration, the restored
# tables compared with the source's.
#
#   scripts/bench-changes.sh [SECS] [CLIENTS]      (default: 60 4)
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
SECS=${1:-60}
CLIENTS=${2:-4}
pick_jdk
start_all_services
JAR=$LIFEBOAT_ROOT/cli/target/lifeboat.jar
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q -ntp -pl cli -am package -DskipTests
fi
export PGPASSWORD=$LIFEBOAT_TEST_PASSWORD
PGBIN=$(pg_bin)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
STREAMER=
DB=bench_changes
pg() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -At "$@"; }
cleanup() {
  [ -n "$STREAMER" ] && pkill -P "$STREAMER" 2>/dev/null
  pg -d postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'lifeboat_$DB' AND NOT active" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
pg -d postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'lifeboat_$DB'" >/dev/null
pg -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS ${DB}_r" -c "CREATE DATABASE $DB"
"$PGBIN/pgbench" -q -i -s 10 -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" "$DB" >/dev/null 2>&1
pg -d "$DB" -c "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY" -c "CREATE TABLE marker (id int PRIMARY KEY, at timestamptz)"
url="postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$DB"

/usr/bin/time -v -o "$WORK/stream.time" "$LIFEBOAT_ROOT/bin/lifeboat" stream --source "$url" \
  --vault "file:$WORK/vault" --database "$DB" --segment-seconds 1 >"$WORK/stream.log" 2>&1 &
STREAMER=$!
for i in $(seq 1 60); do grep -q "archiving the changes of $DB from" "$WORK/stream.log" && break; sleep 0.5; done
"$LIFEBOAT_ROOT/bin/lifeboat" dump --source "$url" --vault "file:$WORK/vault" --database "$DB" >"$WORK/dump.log" 2>&1

log "load: pgbench, $CLIENTS clients for $SECS s"
load_started=$(date +%s.%N)
"$PGBIN/pgbench" -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -c "$CLIENTS" -j 2 -T "$SECS" "$DB" >"$WORK/pgbench.out" 2>&1
load_done=$(date +%s.%N)
marker=$(pg -d "$DB" -c "INSERT INTO marker VALUES (1, clock_timestamp()) RETURNING to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')")
# The lag: until the streamer archived a commit at or after the marker's.
caught_up=
for i in $(seq 1 1200); do
  last=$(grep -o 'last commit [0-9T:.-]*' "$WORK/stream.log" | tail -n1 | cut -c13- || true)
  if [ -n "$last" ] && [[ "$last" > "$marker" || "$last" == "$marker"* ]]; then caught_up=$(date +%s.%N); break; fi
  sleep 0.1
done
pkill -TERM -P "$STREAMER" || true; wait "$STREAMER" || true
STREAMER=
[ -n "$caught_up" ] || { tail -n 20 "$WORK/stream.log"; die "the streamer did not archive the load's last commit within 120 s"; }
checksums() { pg -d "$1" -c "SELECT string_agg(t || ' ' || md5, ' ' ORDER BY t) FROM (
  SELECT 'a' t, md5(string_agg(x::text, ',' ORDER BY aid)) FROM pgbench_accounts x UNION ALL
  SELECT 'b', md5(string_agg(x::text, ',' ORDER BY bid)) FROM pgbench_branches x UNION ALL
  SELECT 't', md5(string_agg(x::text, ',' ORDER BY tid)) FROM pgbench_tellers x UNION ALL
  SELECT 'h', md5(string_agg(x::text, ',' ORDER BY id)) FROM pgbench_history x) s"; }
source_sum=$(checksums "$DB")

# The same restore twice: as Lifeboat does it (windows grouped by table, superseded updates left out, batches), and
# one change at a time in the source's order (LIFEBOAT_REPLAY=in-order), side by side in one run.
restore_to_moment() {
  local mode=$1 started
  started=$(date +%s.%N)
  LIFEBOAT_REPLAY=$mode "$LIFEBOAT_ROOT/bin/lifeboat" restore --from dump --vault "file:$WORK/vault" --database "$DB" --to-time "${marker}Z" \
    --target "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/${DB}_r" --create --timeout-minutes 120 >"$WORK/restore-$mode.log" 2>&1 \
    || { tail -n 20 "$WORK/restore-$mode.log"; die "the restore to the moment ($mode) failed"; }
  echo "$(date +%s.%N) - $started" | bc -l >"$WORK/restore-$mode.secs"
  [ "$source_sum" = "$(checksums "${DB}_r")" ] || die "the restored tables ($mode) differ from the source's"
  pg -d postgres -c "DROP DATABASE ${DB}_r" >/dev/null
}
restore_to_moment grouped
restore_to_moment in-order

rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/stream.time")
secs=$(echo "$load_done - $load_started" | bc -l)
tps=$(grep -o 'tps = [0-9.]*' "$WORK/pgbench.out" | head -n1 | cut -c7-)
txs=$(grep -o 'number of transactions actually processed: [0-9]*' "$WORK/pgbench.out" | grep -o '[0-9]*$')
bytes=$(du -sb "$WORK/vault/changes" | cut -f1)
printf '\nlifeboat stream (PostgreSQL) on this machine (%s cores, server, pgbench and streamer sharing them)\n' "$(nproc)"
printf '  load: pgbench -c %s for %.0f s: %s transactions, %.0f tps; archived %.1f MiB of change lines\n' \
  "$CLIENTS" "$secs" "$txs" "$tps" "$(echo "$bytes / 1048576" | bc -l)"
printf '  archive held the last commit %.1f s after the load stopped (segments cut every second)\n' "$(echo "$caught_up - $load_done" | bc -l)"
printf '  streamer peak RSS: %d MiB\n' "$(( rss / 1024 ))"
printf '  restore to the moment (dump, then all %s transactions, in one transaction), tables identical each time, against the load'"'"'s %.0f s:\n' "$txs" "$secs"
printf '    grouped (as Lifeboat replays): %.1f s\n' "$(cat "$WORK/restore-grouped.secs")"
printf '    one change at a time, in the source'"'"'s order: %.1f s\n' "$(cat "$WORK/restore-in-order.secs")"
grep -ho 'replayed [0-9]* changes of [0-9]* transactions ([0-9]* updates replaced whole' "$WORK/restore-grouped.log" | sed 's/^/  /' || true
pg -d postgres -c "SELECT pg_drop_replication_slot('lifeboat_$DB')" >/dev/null
pg -d postgres -c "DROP DATABASE $DB"
