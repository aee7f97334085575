#!/usr/bin/env bash
# Benchmark: plain `pg_dump -Fc` (its default compression), `pg_dump -Fc -Z1` and `pg_dump -Fd -j 2 -Z1` to a file
# or directory against `lifeboat dump` (its default compression, gzip:1, and gzip:6, pg_dump's default level; one
# stream, --jobs 1, and two data parts at one snapshot, --jobs 2) into a local vault and into moto S3 (run through
# bin/lifeboat, as users run it), on a pgbench database and on a hard-to-compress one (random bytea and md5 text in
# tables of different sizes). Rounds alternate between the methods. Reports wall time, throughput, the ratio to
# pg_dump -Fc, and peak memory (largest resident set of the process tree, from GNU time).
#
#   scripts/bench-dump.sh [PGBENCH_SCALE] [RANDOM_MIB] [RUNS]      (defaults: 50 400 3)
#
# The figures in docs/performance.md come from this script; rerun it to reproduce them.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
source "$(dirname "$0")/lib/bench.sh"
cd "$LIFEBOAT_ROOT"
SCALE=${1:-50}
RANDOM_MIB=${2:-400}
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

# Every dump object in the local vault: one stream's, or a parallel dump's parts together.
vault_bytes() { find "$WORK/vault" -name '*.pgdump' -exec stat -c %s {} + | awk '{s += $1} END {print s + 0}'; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

report_header() {
  printf '| dataset | db size | method | dump MiB | median s | ratio to pg_dump -Fc | peak RSS MiB |\n'
  printf '|---|---|---|---|---|---|---|\n'
}

bench_db() {
  local label=$1 db=$2 size method t p base dumpbytes round
  size=$(psql_ -d "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
  local url="postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$db"
  local methods="pg_dump pg_dump-Z1 pg_dump-Fd-j2-Z1 lifeboat-file lifeboat-file-j2 lifeboat-file-gzip6 lifeboat-s3 lifeboat-s3-j2"
  for method in $methods; do : >"$WORK/times.$method"; : >"$WORK/peaks.$method"; done
  for round in $(seq 1 "$RUNS"); do
    for method in $methods; do
      rm -rf "$WORK/vault" "$WORK/plain.dump" "$WORK/plain.dir"
      case $method in
        pg_dump) read -r t p < <(measure "$PGBIN/pg_dump" -Fc -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -f "$WORK/plain.dump" "$db")
                 stat -c %s "$WORK/plain.dump" >"$WORK/bytes.$method" ;;
        pg_dump-Z1) read -r t p < <(measure "$PGBIN/pg_dump" -Fc -Z1 -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -f "$WORK/plain.dump" "$db")
                 stat -c %s "$WORK/plain.dump" >"$WORK/bytes.$method" ;;
        pg_dump-Fd-j2-Z1) read -r t p < <(measure "$PGBIN/pg_dump" -Fd -j 2 -Z1 -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -f "$WORK/plain.dir" "$db")
                 du -sb "$WORK/plain.dir" | cut -f1 >"$WORK/bytes.$method" ;;
        lifeboat-file) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$db" --jobs 1)
                 vault_bytes >"$WORK/bytes.$method" ;;
        lifeboat-file-j2) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$db" --jobs 2)
                 vault_bytes >"$WORK/bytes.$method" ;;
        lifeboat-file-gzip6) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$db" --compression gzip:6 --jobs 1)
                 vault_bytes >"$WORK/bytes.$method" ;;
        lifeboat-s3) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "s3://$BUCKET/bench" --database "$db" --jobs 1)
                 cp "$WORK/bytes.lifeboat-file" "$WORK/bytes.$method" 2>/dev/null || echo 0 >"$WORK/bytes.$method" ;;
        lifeboat-s3-j2) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "s3://$BUCKET/bench" --database "$db" --jobs 2)
                 cp "$WORK/bytes.lifeboat-file-j2" "$WORK/bytes.$method" 2>/dev/null || echo 0 >"$WORK/bytes.$method" ;;
      esac
      echo "$t" >>"$WORK/times.$method"; echo "$p" >>"$WORK/peaks.$method"
    done
  done
  for method in $methods; do
    t=$(median <"$WORK/times.$method")
    p=$(sort -n "$WORK/peaks.$method" | tail -n1)
    dumpbytes=$(cat "$WORK/bytes.$method")
    [ "$method" = pg_dump ] && base=$t
    printf '| %s | %s | %s | %s | %.2f | %.2f | %s |\n' "$label" "$size" "$method" "$((dumpbytes / 1048576))" "$t" \
      "$(echo "$t / $base" | bc -l)" "$((p / 1024))"
  done
}

# Lifeboat runs as users run it, through bin/lifeboat; one dump first makes its class-data archive.
"$LIFEBOAT" dump --source "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/postgres" \
  --vault "file:$WORK/warm-up" --database warm-up >/dev/null 2>&1
log "benchmark: pgbench scale $SCALE and ~$RANDOM_MIB MiB of random data, $RUNS alternating rounds (median time, max peak)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(java -version 2>&1 | head -n1); $("$PGBIN/pg_dump" --version)"
report_header
bench_db "pgbench $SCALE" "$(ensure_db "$SCALE")"
bench_db "random ~$RANDOM_MIB MiB" "$(ensure_random_db "$RANDOM_MIB")"
