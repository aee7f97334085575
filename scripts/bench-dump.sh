#!/usr/bin/env bash
# Benchmark: plain `pg_dump -Fc` to a file against `lifeboat dump` into a local vault and into
# moto S3 (run through bin/lifeboat, as users run it), on pgbench databases of two scales. Reports wall time, throughput, the ratio to
# pg_dump, and peak memory (largest resident set of the process tree, from GNU time).
#
#   scripts/bench-dump.sh [SCALE_SMALL] [SCALE_LARGE] [RUNS]      (defaults: 10 50 3)
#
# The figures in docs/performance.md come from this script; rerun it to reproduce them.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
SMALL=${1:-10}
LARGE=${2:-50}
RUNS=${3:-3}
pick_jdk
start_all_services
JAR=$LIFEBOAT_ROOT/cli/target/lifeboat.jar
LIFEBOAT=$LIFEBOAT_ROOT/bin/lifeboat
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q -ntp -pl cli -am package -DskipTests
fi
export PGPASSWORD=$LIFEBOAT_TEST_PASSWORD
export AWS_ENDPOINT_URL=$LIFEBOAT_TEST_AWS_ENDPOINT
PGBIN=$(pg_bin)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
BUCKET=lifeboat-bench-$$
AWS_ENDPOINT_URL=$LIFEBOAT_TEST_AWS_ENDPOINT "$LIFEBOAT_CACHE/moto-venv/bin/python" - "$BUCKET" <<'PY'
import sys, boto3
boto3.client("s3", region_name="eu-west-1").create_bucket(Bucket=sys.argv[1],
    CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
PY

psql_() { "$PGBIN/psql" -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -At "$@"; }

ensure_db() {
  local scale=$1 db=bench_s$1
  if [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    log "creating $db with pgbench -i -s $scale"
    psql_ -d postgres -c "CREATE DATABASE $db" >/dev/null
    "$PGBIN/pgbench" -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -i -q -s "$scale" "$db" >/dev/null 2>&1
  fi
  echo "$db"
}

now() { date +%s.%N; }

# Runs a command, prints "seconds peak_kib". GNU time reports the largest resident set among the
# process and the children it waited for: for Lifeboat that is the JVM (pg_dump is far smaller).
# (An earlier version sampled /proc every 50 ms; the sampling itself took CPU from the two cores.)
measure() {
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "command failed: $*"; }
  cat "$WORK/time"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

report_header() {
  printf '| scale | db size | dump size | method | median s | MiB/s (dump bytes) | ratio to pg_dump | peak RSS MiB |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
}

bench_scale() {
  local scale=$1 db size
  db=$(ensure_db "$scale")
  size=$(psql_ -d "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
  local url="postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$db"
  local method times peaks t p base dumpbytes
  for method in pg_dump lifeboat-file lifeboat-s3; do
    : >"$WORK/times"; : >"$WORK/peaks"
    for _ in $(seq 1 "$RUNS"); do
      rm -rf "$WORK/vault" "$WORK/plain.dump"
      case $method in
        pg_dump) read -r t p < <(measure "$PGBIN/pg_dump" -Fc -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -f "$WORK/plain.dump" "$db")
                 dumpbytes=$(stat -c %s "$WORK/plain.dump") ;;
        lifeboat-file) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$db") ;;
        lifeboat-s3) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "s3://$BUCKET/bench" --database "$db") ;;
      esac
      echo "$t" >>"$WORK/times"; echo "$p" >>"$WORK/peaks"
    done
    t=$(median <"$WORK/times")
    p=$(sort -n "$WORK/peaks" | tail -n1)
    [ "$method" = pg_dump ] && base=$t
    printf '| %s | %s | %s MiB | %s | %.2f | %.1f | %.3f | %s |\n' "$scale" "$size" "$((dumpbytes / 1048576))" "$method" "$t" \
      "$(echo "$dumpbytes / 1048576 / $t" | bc -l)" "$(echo "$t / $base" | bc -l)" \
      "$((p / 1024))"
  done
}

# Lifeboat runs as users run it, through bin/lifeboat; one dump first makes its class-data archive.
"$LIFEBOAT" dump --source "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/postgres" \
  --vault "file:$WORK/warm-up" --database warm-up >/dev/null 2>&1
log "benchmark: scales $SMALL and $LARGE, $RUNS runs each (median time, max peak)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(java -version 2>&1 | head -n1); $("$PGBIN/pg_dump" --version)"
report_header
bench_scale "$SMALL"
bench_scale "$LARGE"
