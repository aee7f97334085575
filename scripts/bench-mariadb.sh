#!/usr/bin/env bash
# Benchmark (issue 13): `mariadb-dump | gzip` at gzip's default level and at level 1, against `lifeboat dump` (its
# default, gzip:1, and gzip:6) into a local vault, on a MariaDB database that compresses poorly (random binary and
# hex text in three tables of different sizes). Rounds alternate between the methods; median time, highest peak
# memory (GNU time), and the ratio to `mariadb-dump | gzip`.
#
#   scripts/bench-mariadb.sh [RANDOM_MIB] [RUNS]      (defaults: 400 3)
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
MIB=${1:-400}
RUNS=${2:-3}
pick_jdk
start_all_services
command -v zstd >/dev/null || apt_install zstd   # dump-zstd1 below
JAR=$LIFEBOAT_ROOT/cli/target/lifeboat.jar
LIFEBOAT=$LIFEBOAT_ROOT/bin/lifeboat
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q -ntp -pl cli -am package -DskipTests
fi
export MYSQL_PWD=$LIFEBOAT_TEST_PASSWORD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
my() { mariadb --protocol=TCP -h 127.0.0.1 -P "$LIFEBOAT_TEST_MARIADB_PORT" -u "$LIFEBOAT_TEST_MARIADB_USER" -N -B "$@"; }
DB=bench_random_$MIB
if [ "$(my -e "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '$DB'")" != 1 ]; then
  log "creating $DB (~$MIB MiB of random binary and hex text)"
  my -e "CREATE DATABASE $DB"
  for t in 1 2 3; do
    rows=$(( MIB * (4 - t) / 6 * 1800 ))
    my -D "$DB" -e "CREATE TABLE blobs_$t (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARBINARY(512), note CHAR(64))"
    my -D "$DB" -e "INSERT INTO blobs_$t (payload, note)
      SELECT CONCAT(UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)),
                    UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512)), UNHEX(SHA2(RAND(), 512))),
             SHA2(seq, 256)
      FROM seq_1_to_$rows"
  done
fi
size=$(my -e "SELECT CONCAT(ROUND(SUM(data_length + index_length) / 1048576), ' MiB') FROM information_schema.tables WHERE table_schema = '$DB'")
url="mariadb://$LIFEBOAT_TEST_MARIADB_USER@127.0.0.1:$LIFEBOAT_TEST_MARIADB_PORT/$DB"
dump_args=(--protocol=TCP -h 127.0.0.1 -P "$LIFEBOAT_TEST_MARIADB_PORT" -u "$LIFEBOAT_TEST_MARIADB_USER"
           --single-transaction --routines --triggers --events --hex-blob --skip-add-drop-table --quick "$DB")  # Lifeboat's flags

measure() {
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "command failed: $*"; }
  cat "$WORK/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

"$LIFEBOAT" dump --source "$url" --vault "file:$WORK/warm-up" --database warm-up >/dev/null 2>&1 || true
methods="dump-gzip dump-gzip1 dump-zstd1 dump-only lifeboat lifeboat-zstd1 lifeboat-gzip6"
for m in $methods; do : >"$WORK/times.$m"; : >"$WORK/peaks.$m"; done
for _ in $(seq 1 "$RUNS"); do
  for m in $methods; do
    rm -rf "$WORK/vault" "$WORK/out.sql.gz"
    case $m in
      dump-gzip) read -r t p < <(measure bash -c 'mariadb-dump "$@" | gzip > "'"$WORK"'/out.sql.gz"' _ "${dump_args[@]}")
                 stat -c %s "$WORK/out.sql.gz" >"$WORK/bytes.$m" ;;
      dump-gzip1) read -r t p < <(measure bash -c 'mariadb-dump "$@" | gzip -1 > "'"$WORK"'/out.sql.gz"' _ "${dump_args[@]}")
                 stat -c %s "$WORK/out.sql.gz" >"$WORK/bytes.$m" ;;
      # What a faster compressor could gain (issue 13: "zstd where it measures better"): the zstd command at
      # level 1, and mariadb-dump with no compression at all, the floor any compressor in the pipe stays above.
      dump-zstd1) read -r t p < <(measure bash -c 'mariadb-dump "$@" | zstd -q -1 > "'"$WORK"'/out.sql.gz"' _ "${dump_args[@]}")
                 stat -c %s "$WORK/out.sql.gz" >"$WORK/bytes.$m" ;;
      dump-only) read -r t p < <(measure bash -c 'mariadb-dump "$@" > "'"$WORK"'/out.sql.gz"' _ "${dump_args[@]}")
                 stat -c %s "$WORK/out.sql.gz" >"$WORK/bytes.$m" ;;
      lifeboat) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$DB")
                 find "$WORK/vault" -name '*.sql.gz' -exec stat -c %s {} \; >"$WORK/bytes.$m" ;;
      lifeboat-zstd1) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$DB" --compression zstd:1)
                 find "$WORK/vault" -name '*.sql.zst' -exec stat -c %s {} \; >"$WORK/bytes.$m" ;;
      lifeboat-gzip6) read -r t p < <(measure "$LIFEBOAT" dump --source "$url" --vault "file:$WORK/vault" --database "$DB" --compression gzip:6)
                 find "$WORK/vault" -name '*.sql.gz' -exec stat -c %s {} \; >"$WORK/bytes.$m" ;;
    esac
    echo "$t" >>"$WORK/times.$m"; echo "$p" >>"$WORK/peaks.$m"
  done
done
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -n1); $(mariadb-dump --version)"
printf '| database | method | dump MiB | median s | ratio to mariadb-dump \\| gzip | peak RSS MiB |\n|---|---|---|---|---|---|\n'
for m in $methods; do
  t=$(median <"$WORK/times.$m"); p=$(sort -n "$WORK/peaks.$m" | tail -n1)
  [ "$m" = dump-gzip ] && base=$t
  printf '| %s (%s) | %s | %s | %.2f | %.2f | %s |\n' "$DB" "$size" "$m" "$(( $(cat "$WORK/bytes.$m") / 1048576 ))" "$t" \
    "$(echo "$t / $base" | bc -l)" "$((p / 1024))"
done
