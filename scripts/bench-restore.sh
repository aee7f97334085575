#!/usr/bin/env bash
# Benchmark (issue 13): restoring one dump of a database that compresses poorly with `pg_restore
# --single-transaction` and `pg_restore -j 2` from a file, against `lifeboat restore --from dump` from a local vault
# (one transaction, SHA-256 verified as it streams), and of the same data dumped in two parts (`--jobs 2`) restored
# with `--jobs 2` (parts at once, then indexes and constraints with two connections) and with `--single-transaction`
# (the parts one after another through one psql session, all or nothing). The same dump (taken once with
# `lifeboat dump`, gzip:1) for the one-stream methods. Rounds alternate between the methods; median time, highest peak
# memory (GNU time), ratio to `pg_restore --single-transaction`.
#
#   scripts/bench-restore.sh [RANDOM_MIB] [RUNS]      (defaults: 400 3; the same database as bench-dump.sh's)
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
source "$(dirname "$0")/lib/bench.sh"
cd "$LIFEBOAT_ROOT"
MIB=${1:-400}
RUNS=${2:-3}
pick_jdk
start_all_services
JAR=$LIFEBOAT_ROOT/cli/target/lifeboat.jar
LIFEBOAT=$LIFEBOAT_ROOT/bin/lifeboat
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q -ntp -pl cli -am package -DskipTests
fi
export PGPASSWORD=$LIFEBOAT_TEST_PASSWORD
PGBIN=$(pg_bin)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
psql_() { "$PGBIN/psql" -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -At "$@"; }
DB=$(ensure_random_db "$MIB")
url="postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT"
"$LIFEBOAT" dump --source "$url/$DB" --vault "file:$WORK/vault" --database "$DB" --jobs 1 >/dev/null 2>&1
FILE=$(find "$WORK/vault" -name '*.pgdump')
# The same data dumped in two parts (issue 13), restored in parallel by lifeboat-j2.
"$LIFEBOAT" dump --source "$url/$DB" --vault "file:$WORK/vault-j2" --database "$DB" --jobs 2 >/dev/null 2>&1
measure() {
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "command failed: $*"; }
  cat "$WORK/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
pgr=("$PGBIN/pg_restore" -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" --no-owner --no-privileges)
methods="pg_restore-1tx pg_restore-j2 lifeboat lifeboat-j2 lifeboat-j2-1tx"
for m in $methods; do : >"$WORK/times.$m"; : >"$WORK/peaks.$m"; done
for round in $(seq 1 "$RUNS"); do
  for m in $methods; do
    target=bench_restore_${m//-/_}_$round
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $target" >/dev/null
    case $m in
      pg_restore-1tx) psql_ -d postgres -c "CREATE DATABASE $target" >/dev/null
                      read -r t p < <(measure "${pgr[@]}" --single-transaction --exit-on-error -d "$target" "$FILE") ;;
      pg_restore-j2)  psql_ -d postgres -c "CREATE DATABASE $target" >/dev/null
                      read -r t p < <(measure "${pgr[@]}" -j 2 --exit-on-error -d "$target" "$FILE") ;;
      lifeboat)       read -r t p < <(measure "$LIFEBOAT" restore --from dump --vault "file:$WORK/vault" --database "$DB" \
                                        --backup latest --target "$url/$target" --create) ;;
      lifeboat-j2)    read -r t p < <(measure "$LIFEBOAT" restore --from dump --vault "file:$WORK/vault-j2" --database "$DB" \
                                        --backup latest --target "$url/$target" --create --jobs 2) ;;
      lifeboat-j2-1tx) read -r t p < <(measure "$LIFEBOAT" restore --from dump --vault "file:$WORK/vault-j2" --database "$DB" \
                                        --backup latest --target "$url/$target" --create --single-transaction) ;;
    esac
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $target" >/dev/null
    echo "$t" >>"$WORK/times.$m"; echo "$p" >>"$WORK/peaks.$m"
  done
done
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -n1); $("$PGBIN/pg_restore" --version); dump $(( $(stat -c %s "$FILE") / 1048576 )) MiB"
printf '| method | median s | ratio to pg_restore --single-transaction | peak RSS MiB |\n|---|---|---|---|\n'
for m in $methods; do
  t=$(median <"$WORK/times.$m"); p=$(sort -n "$WORK/peaks.$m" | tail -n1)
  [ "$m" = pg_restore-1tx ] && base=$t
  printf '| %s | %.2f | %.2f | %s |\n' "$m" "$t" "$(echo "$t / $base" | bc -l)" "$((p / 1024))"
done
