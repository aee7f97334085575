#!/usr/bin/env bash
# Benchmark (issue 13): peak memory of `lifeboat dump` into moto S3 at several database sizes, one stream
# (--jobs 1) and two parallel parts (--jobs 2), through bin/lifeboat as users run it. The databases hold random
# bytes (pgcrypto's gen_random_bytes, in two tables of 60% and 40% of the size asked for), so the dump is about as
# large as the data. Prints one row per size and mode: seconds, dump MiB, peak RSS (GNU time).
#
#   scripts/bench-memory.sh [MIB ...]      (default: 1024 5120)
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
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
psql_() { "$PGBIN/psql" -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -At "$@"; }
BUCKET=lifeboat-memory-$$
"$LIFEBOAT_CACHE/moto-venv/bin/python" - "$BUCKET" <<'PY'
import sys, boto3
boto3.client("s3", region_name="eu-west-1").create_bucket(Bucket=sys.argv[1],
    CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
PY
ensure_bytes_db() {
  local mib=$1 db=bench_bytes_$1
  if [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    log "creating $db (~$mib MiB of random bytes)"
    psql_ -d postgres -c "CREATE DATABASE $db" >/dev/null
    psql_ -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pgcrypto" >/dev/null
    psql_ -d "$db" -c "CREATE TABLE big AS SELECT g AS id, gen_random_bytes(1024) AS b FROM generate_series(1, $mib * 1024 * 6 / 10) g" >/dev/null
    psql_ -d "$db" -c "CREATE TABLE small AS SELECT g AS id, gen_random_bytes(1024) AS b FROM generate_series(1, $mib * 1024 * 4 / 10) g" >/dev/null
  fi
  echo "$db"
}
# One dump first makes bin/lifeboat's class-data archive (made at the first run's exit, which costs memory then).
"$LIFEBOAT" dump --source "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/postgres" \
  --vault "file:$WORK/warm-up" --database warm-up >/dev/null 2>&1
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -n1); $("$PGBIN/pg_dump" --version)"
printf '| database | --jobs | dump MiB | s | peak RSS MiB |\n|---|---|---|---|---|\n'
for mib in "${@:-1024 5120}"; do
  for size in $mib; do
    db=$(ensure_bytes_db "$size")
    url="postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$db"
    for jobs in 1 2; do
      /usr/bin/time -f '%e %M' -o "$WORK/time" "$LIFEBOAT" dump --source "$url" --vault "s3://$BUCKET/m$jobs" \
        --database "$db" --jobs "$jobs" --json >"$WORK/manifest.json" 2>"$WORK/err" || { cat "$WORK/err" >&2; die "dump failed"; }
      read -r t p <"$WORK/time"
      bytes=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['sizeBytes'] + sum(p['sizeBytes'] for p in m.get('parts', [])))" "$WORK/manifest.json")
      printf '| random bytes ~%s MiB | %s | %s | %s | %s |\n' "$size" "$jobs" "$((bytes / 1048576))" "$t" "$((p / 1024))"
    done
  done
done
