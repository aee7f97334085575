#!/usr/bin/env bash
# Benchmark (issue 40): how fast `lifeboat stream` keeps up with a write load, and its memory. The streamer runs
# under GNU time into a local vault while a load writes about MIB MiB of binlog as fast as this machine allows (big
# transactions of random rows, on the same two cores as the server and the streamer); it reports the binlog rate the
# load produced, the streamer's lag once the load stopped (until the archive held the server's last position), and
# its peak RSS.
#
#   scripts/bench-binlog.sh [MIB]      (default: 300)
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
MIB=${1:-300}
pick_jdk
start_all_services
JAR=$LIFEBOAT_ROOT/cli/target/lifeboat.jar
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q -ntp -pl cli -am package -DskipTests
fi
export MYSQL_PWD=$LIFEBOAT_TEST_PASSWORD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
STREAMER=
trap '[ -n "$STREAMER" ] && pkill -P "$STREAMER" 2>/dev/null; rm -rf "$WORK"' EXIT
my() { mariadb --protocol=TCP -h 127.0.0.1 -P "$LIFEBOAT_TEST_MARIADB_PORT" -u "$LIFEBOAT_TEST_MARIADB_USER" -N -B "$@"; }
DB=bench_binlog
my -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
my -D "$DB" -e "CREATE TABLE rows_ (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARBINARY(1024), note CHAR(64))"
my -e "FLUSH BINARY LOGS"
binlog_bytes() { my -e "SHOW BINARY LOGS" | awk '{s += $2} END {print s}'; }
before=$(binlog_bytes)

/usr/bin/time -v -o "$WORK/stream.time" "$LIFEBOAT_ROOT/bin/lifeboat" stream \
  --source "mariadb://$LIFEBOAT_TEST_MARIADB_USER@127.0.0.1:$LIFEBOAT_TEST_MARIADB_PORT/$DB" \
  --vault "file:$WORK/vault" --database "$DB" --segment-seconds 1 >"$WORK/stream.log" 2>&1 &
STREAMER=$!
for i in $(seq 1 60); do grep -q "archiving the binlog of $DB from" "$WORK/stream.log" && break; sleep 0.5; done

# Each transaction writes ~1,100 bytes of binlog per row (1 KiB of random payload and its row image).
rows_per_tx=10000
txs=$(( MIB * 1048576 / 1100 / rows_per_tx + 1 ))
log "load: $txs transactions of $rows_per_tx random rows (~$MIB MiB of binlog)"
load_started=$(date +%s.%N)
for i in $(seq 1 "$txs"); do
  my -D "$DB" -e "INSERT INTO rows_ (payload, note)
    SELECT CONCAT(UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)),
                  UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)),
                  UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)),
                  UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512))),
           SHA2(seq, 256)
    FROM seq_1_to_$rows_per_tx"
done
load_done=$(date +%s.%N)
end=$(my -e "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
written=$(( $(binlog_bytes) - before ))

# The lag: until the archive's last segment ends at the server's last position.
caught_up=
for i in $(seq 1 1200); do
  if grep -q "to $end " "$WORK/stream.log"; then caught_up=$(date +%s.%N); break; fi
  sleep 0.1
done
# GNU time reports once its child (the JVM bin/lifeboat became) has ended: stop the child, not time.
pkill -TERM -P "$STREAMER" || true; wait "$STREAMER" || true
STREAMER=
[ -n "$caught_up" ] || { tail -n 20 "$WORK/stream.log"; die "the streamer did not reach $end within 120 s of the load's end"; }
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/stream.time")
secs=$(echo "$load_done - $load_started" | bc -l)
printf '\nlifeboat stream on this machine (%s cores, server, load and streamer sharing them)\n' "$(nproc)"
printf '  binlog written by the load: %.0f MiB in %.1f s = %.1f MiB/s\n' \
  "$(echo "$written / 1048576" | bc -l)" "$secs" "$(echo "$written / 1048576 / $secs" | bc -l)"
printf '  archive caught up with the server %.1f s after the load stopped (segments cut every second)\n' "$(echo "$caught_up - $load_done" | bc -l)"
printf '  streamer peak RSS: %d MiB (the JVM; mariadb-binlog is a child of its own)\n' "$(( rss / 1024 ))"
printf '  segments: %s\n' "$(grep -c 'archived bench_binlog' "$WORK/stream.log")"
my -e "DROP DATABASE $DB"
