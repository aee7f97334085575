#!/usr/bin/env bash
# The release archive on a bare machine: extracted into an empty directory and run under
# `env -i PATH=/usr/bin:/bin HOME=<empty>` (no JDK on that PATH: /usr/bin/java, where it exists, is 17, which
# Lifeboat does not run on; the archive must use its own runtime). It checks:
#   --version (names the version, the commit, and the archive's own runtime), --help of every command,
#   doctor (finds the client tools; with them taken away, names each missing one and exits 1),
#   and a dump and restore round trip of PostgreSQL and of MariaDB through a local vault and through S3 (moto; the
#   S3 ones over TLS to the databases, the MariaDB one compressed with zstd-jni):
#   every table's row count and checksum, and every sequence, compared with the source's.
#
#   scripts/release-test.sh                  # builds the archive first when dist/ has none for this commit
#   scripts/release-test.sh dist/lifeboat-…-linux-x86_64.tar.gz
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"

ARCHIVE=${1:-}
if [ -z "$ARCHIVE" ]; then
  VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
  ARCHIVE=$LIFEBOAT_ROOT/dist/lifeboat-$VERSION-linux-x86_64.tar.gz
  if [ ! -f "$ARCHIVE" ] || ! tar -xzOf "$ARCHIVE" --wildcards '*/BUILD-INFO.json' | grep -q "\"$(git rev-parse HEAD)\""; then
    log "building the archive of this commit (scripts/release.sh)"
    bash "$LIFEBOAT_ROOT/scripts/release.sh"
  fi
fi
[ -f "$ARCHIVE" ] || die "no archive at $ARCHIVE"
( cd "$(dirname "$ARCHIVE")" && sha256sum -c --quiet "$(basename "$ARCHIVE").sha256" ) || die "$ARCHIVE does not match its .sha256"

mkdir -p "$LIFEBOAT_CACHE"
ensure_packages
ensure_test_tls
start_postgres
postgres_tls
start_mariadb
mariadb_tls
start_moto

bare=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bare.XXXXXX")
trap 'rm -rf "$bare"' EXIT
mkdir -p "$bare/home" "$bare/empty" "$bare/vault"
tar -xzf "$ARCHIVE" -C "$bare"
LB=$(echo "$bare"/lifeboat-*/bin/lifeboat)
[ -x "$LB" ] || die "the archive has no bin/lifeboat"
failures=0
fail() { printf '[lifeboat] FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
# The bare machine: nothing of this shell's environment but what each call names.
bare_run() { env -i PATH=/usr/bin:/bin HOME="$bare/home" "$@"; }

log "the archive under env -i PATH=/usr/bin:/bin (java there: $(PATH=/usr/bin:/bin command -v java || echo none))"
out=$(bare_run "$LB" --version) || fail "--version exited non-zero"
echo "$out" | sed 's/^/  /'
echo "$out" | grep -q "^lifeboat [0-9][^ ]* (commit [0-9a-f]\{40\}" || fail "--version does not name the version and commit"
echo "$out" | grep -q "at $bare/lifeboat-[^/]*/runtime$" || fail "--version does not run on the archive's own runtime"
# JAVA_HOME pointing elsewhere changes nothing: the archive never uses the machine's java.
bare_run JAVA_HOME=/nonexistent "$LB" --version | grep -q "at $bare/lifeboat-[^/]*/runtime$" \
  || fail "with JAVA_HOME set, the archive did not run its own runtime"

commands=$(bare_run "$LB" --help | awk '/^Commands:/ {c=1; next} c && /^  [a-z]/ {print $1} c && /^$/ {exit}')
[ "$(echo "$commands" | wc -w)" -ge 12 ] || fail "lifeboat --help lists too few commands: $commands"
for c in $commands; do
  bare_run "$LB" "$c" --help >"$bare/help.out" 2>&1 || fail "lifeboat $c --help exited non-zero"
  grep -q "^Usage: lifeboat $c" "$bare/help.out" || fail "lifeboat $c --help printed no usage"
done
log "--help of $(echo "$commands" | wc -w) commands: $(echo $commands)"

# The hook (issue 43) on the bare machine: an ordinary command allowed with nothing printed, a destroyer blocked; the
# launcher makes its AOT cache in the background once, and the next runs start from it, still silent.
hookcfg=$LIFEBOAT_ROOT/docs/lifeboat.example.yml
agent='{"tool_name":"Bash","tool_input":{"command":"ls -la"}}'
out=$(printf '%s' "$agent" | bare_run "$LB" guard --hook --config "$hookcfg" 2>&1) \
  || fail "the hook blocked an ordinary command: $out"
[ -z "$out" ] || fail "the hook printed on an ordinary command: $out"
for _ in $(seq 1 240); do
  ls "$bare"/home/.cache/lifeboat/*-guard-hook.aot >/dev/null 2>&1 && break
  sleep 0.5
done
ls "$bare"/home/.cache/lifeboat/*-guard-hook.aot >/dev/null 2>&1 || fail "the launcher made no AOT cache for the hook"
out=$(printf '%s' "$agent" | bare_run "$LB" guard --hook --config "$hookcfg" 2>&1) \
  || fail "the hook, from its AOT cache, blocked an ordinary command: $out"
[ -z "$out" ] || fail "the hook, from its AOT cache, printed on an ordinary command: $out"
printf '%s' '{"tool_input":{"command":"terraform destroy"}}' | bare_run "$LB" guard --hook --config "$hookcfg" \
  >"$bare/hook.out" 2>&1 && fail "the hook allowed terraform destroy"
grep -q "blocked \`terraform destroy\`" "$bare/hook.out" || fail "the hook's block does not say why: $(cat "$bare/hook.out")"
log "the hook: ordinary command allowed in silence (from its AOT cache too), terraform destroy blocked"

# The licence: Lifeboat's own in the archive, and named as the SBOM's subject's.
top=$(dirname "$(dirname "$LB")")
grep -q "Apache License" "$top/LICENSE" 2>/dev/null && grep -q "Version 2.0, January 2004" "$top/LICENSE" \
  || fail "the archive has no LICENSE, or not Lifeboat's (Apache-2.0)"
[ -s "$top/THIRD-PARTY-NOTICES.txt" ] || fail "the archive has no THIRD-PARTY-NOTICES.txt"
grep -q "AWS SDK for Java 2.0" "$top/THIRD-PARTY-NOTICES.txt" && grep -q "Jackson JSON processor" "$top/THIRD-PARTY-NOTICES.txt" \
  || fail "THIRD-PARTY-NOTICES.txt lacks the libraries' NOTICE texts (AWS SDK, Jackson)"
python3 - "${ARCHIVE%.tar.gz}.cdx.json" <<'PY' || fail "the SBOM does not name Lifeboat's licence (Apache-2.0)"
import json, sys
c = json.load(open(sys.argv[1]))["metadata"]["component"]
ids = [l.get("license", {}).get("id") or l.get("license", {}).get("name") for l in c.get("licenses", [])]
sys.exit(0 if "Apache-2.0" in ids else 1)
PY
# Every Maven artifact inside lib/lifeboat.jar (shaded ones too) is a component of the SBOM.
python3 - "${ARCHIVE%.tar.gz}.cdx.json" "$top/lib/lifeboat.jar" <<'PY' || fail "the SBOM misses libraries that are in the jar (above)"
import json, re, sys, zipfile
bom, jar = sys.argv[1:]
have = {(c.get("group", ""), c["name"]) for c in json.load(open(bom)).get("components", [])}
missing = [n for n in zipfile.ZipFile(jar).namelist()
           if (m := re.match(r"META-INF/maven/([^/]+)/([^/]+)/pom\.properties$", n))
           and not m.group(1).startswith("dev.lifeboat") and (m.group(1), m.group(2)) not in have]
print("\n".join(missing), file=sys.stderr)
sys.exit(1 if missing else 0)
PY
log "LICENSE (Apache-2.0) in the archive and in the SBOM; every library in the jar is in the SBOM"

# Signing, as docs/release.md says, with a key made for this test only (a release's key is the project owners'):
# the verify commands of docs/release.md, run as written there, pass on the signed files and fail on a changed
# archive and on a changed checksum file.
source "$LIFEBOAT_ROOT/scripts/lib/sign.sh"
signed=$bare/signed
mkdir -p "$signed" "$bare/gnupg"
chmod 700 "$bare/gnupg"
cp "$ARCHIVE" "$ARCHIVE.sha256" "${ARCHIVE%.tar.gz}.cdx.json" "${ARCHIVE%.tar.gz}.build.json" "$signed/"
export GNUPGHOME=$bare/gnupg
for who in 'Lifeboat release test <release-test@lifeboat.invalid>' 'Mallory <mallory@lifeboat.invalid>'; do
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "$who" ed25519 sign 1d 2>/dev/null
done
gpg --batch --export release-test@lifeboat.invalid >"$signed/lifeboat-release-key.gpg"
LIFEBOAT_GPG_KEY=release-test@lifeboat.invalid sign_release "$signed/$(basename "$ARCHIVE")"
[ -s "$signed/$(basename "$ARCHIVE").sha256.asc" ] || fail "sign_release wrote no .sha256.asc"
release_version=$(basename "$ARCHIVE" | sed 's/^lifeboat-\(.*\)-linux-x86_64\.tar\.gz$/\1/')
verify=$(awk '/^Verify:/ {v=1} v && /^```bash/ {b=1; next} b && /^```/ {exit} b' docs/release.md \
  | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep '^gpgv ' | sed "s/VERSION/$release_version/g")
[ -n "$verify" ] || fail "docs/release.md has no gpgv command under 'Verify:'"
( cd "$signed" && bash -c "$verify" ) >"$bare/verify.out" 2>&1 \
  || { cat "$bare/verify.out"; fail "the documented verify command failed on the signed release"; }
cp "$signed/$(basename "$ARCHIVE")" "$bare/original.tar.gz"
printf 'x' >>"$signed/$(basename "$ARCHIVE")"
( cd "$signed" && bash -c "$verify" ) >"$bare/verify.out" 2>&1 && fail "the documented verify passed a changed archive"
cp "$bare/original.tar.gz" "$signed/$(basename "$ARCHIVE")"
cp "$signed/$(basename "$ARCHIVE").sha256" "$bare/original.sha256"
printf '%064d  %s\n' 0 "$(basename "$ARCHIVE")" >"$signed/$(basename "$ARCHIVE").sha256"
( cd "$signed" && bash -c "$verify" ) >"$bare/verify.out" 2>&1 && fail "the documented verify passed a changed checksum file"
cp "$bare/original.sha256" "$signed/$(basename "$ARCHIVE").sha256"
LIFEBOAT_GPG_KEY=mallory@lifeboat.invalid sign_release "$signed/$(basename "$ARCHIVE")"
( cd "$signed" && bash -c "$verify" ) >"$bare/verify.out" 2>&1 && fail "the documented verify passed a signature by another key"
unset GNUPGHOME
log "signing: the documented gpgv passes the signed release; fails a changed archive, a changed checksum, another key"

# doctor with the machine's tools (they are where Debian puts them: PATH /usr/bin, and /usr/lib/postgresql/N/bin)
bare_run "$LB" doctor --vault "file:$bare/vault" >"$bare/doctor.out" 2>&1 || { cat "$bare/doctor.out"; fail "doctor failed with the tools installed"; }
grep -q "ok       pg_dump [0-9]" "$bare/doctor.out" || fail "doctor did not find pg_dump"
grep -q "ok       mariadb-dump [0-9]" "$bare/doctor.out" || fail "doctor did not find mariadb-dump"
# and on a machine without them (the tools' folders pinned to an empty one; the launcher itself needs coreutils on
# PATH): each named, exit 1
set +e
bare_run LIFEBOAT_PG_BIN="$bare/empty" LIFEBOAT_MARIADB_BIN="$bare/empty" "$LB" doctor >"$bare/doctor-bare.out" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "doctor without client tools exited $rc, not 1"
for t in pg_dump pg_restore psql mariadb-dump mariadb mariadb-binlog; do
  grep -q "PROBLEM  $t is missing" "$bare/doctor-bare.out" || fail "doctor without client tools did not name $t"
done
grep -q "apt-get install postgresql-client" "$bare/doctor-bare.out" || fail "doctor did not say how to install the PostgreSQL tools"
log "doctor: finds the tools; without them names all 6 with install commands, exit 1"

# The container's entrypoint (release/Dockerfile; no Docker engine here), run against the extracted archive: it
# puts the PostgreSQL tools of the major asked for first, and refuses one the image lacks, naming those it has.
major=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/pg_dump' | awk -F/ '{print $(NF-2)}' | sort -n | tail -n1)
home=$(echo "$bare"/lifeboat-*)
bare_run LIFEBOAT_HOME="$home" LIFEBOAT_PG_MAJOR="$major" bash release/entrypoint.sh doctor >"$bare/entry.out" 2>&1 || true
grep -q "ok       pg_dump [0-9.]* (/usr/lib/postgresql/$major/bin/pg_dump)" "$bare/entry.out" \
  || { cat "$bare/entry.out"; fail "the entrypoint did not use PostgreSQL $major's tools"; }
set +e
bare_run LIFEBOAT_HOME="$home" LIFEBOAT_PG_MAJOR=99 bash release/entrypoint.sh --version >"$bare/entry.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "no PostgreSQL 99 client tools in this image; installed: .*$major" "$bare/entry.out" \
  || fail "the entrypoint did not refuse a major the image lacks (exit $rc: $(cat "$bare/entry.out"))"
log "the container's entrypoint: picks PostgreSQL $major's tools, refuses 99 naming the installed ones"

# Round trips, checksummed table by table (the drill's checksums).
PGBIN=$(pg_bin)
RUN=$(date +%s)$$
PG_DB=release_pg_$RUN MY_DB=release_my_$RUN BUCKET=lifeboat-release-$RUN
pg() { PGPASSWORD=$LIFEBOAT_TEST_PASSWORD "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LIFEBOAT_PG_PORT" -U "$LIFEBOAT_TEST_USER" -At "$@"; }
my() { MYSQL_PWD=$LIFEBOAT_TEST_PASSWORD mariadb --default-character-set=utf8mb4 --protocol=TCP -h 127.0.0.1 -P "$LIFEBOAT_MARIADB_PORT" -u "$LIFEBOAT_TEST_USER" -N -B "$@"; }
pg_checksums() {
  local db=$1 t
  for t in $(pg -d "$db" -c "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                             WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"); do
    echo "table $t $(pg -d "$db" -c "SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, E'\n' ORDER BY x::text)), '-') FROM $t x")"
  done
  pg -d "$db" -c "SELECT 'sequence ' || format('%I.%I', schemaname, sequencename) || ' ' || coalesce(last_value, 0) FROM pg_sequences ORDER BY 1"
}
my_checksums() {
  local db=$1 t cols
  for t in $(my -D "$db" -e "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1"); do
    cols=$(my -D "$db" -e "SELECT GROUP_CONCAT(CONCAT('COALESCE(HEX(\`', column_name, '\`), \"~\")') ORDER BY ordinal_position SEPARATOR ', ')
                           FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$t'")
    echo "table $t $(my -D "$db" -e "SELECT CONCAT(COUNT(*), ' ', COALESCE(MD5(GROUP_CONCAT(r ORDER BY r SEPARATOR '\n')), '-'))
                                     FROM (SELECT MD5(CONCAT_WS('|', $cols)) AS r FROM \`$t\`) x")"
  done
  my -D "$db" -e "SELECT CONCAT('auto_increment ', table_name, ' ', auto_increment) FROM information_schema.tables
                  WHERE table_schema = DATABASE() AND auto_increment IS NOT NULL ORDER BY 1"
}

pg -d postgres -c "CREATE DATABASE $PG_DB"
pg -d "$PG_DB" >/dev/null <<'SQL'
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, created timestamptz NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers, total numeric(12,2), items jsonb,
                     note text, placed timestamptz NOT NULL);
INSERT INTO customers (name, created)
  SELECT 'Kunde ' || g || ' Ünïcødé', timestamptz '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 2000) g;
INSERT INTO orders (customer_id, total, items, note, placed)
  SELECT 1 + g % 2000, (g % 10000) / 3.0, jsonb_build_object('sku', g % 97), CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END,
         timestamptz '2024-01-01' + g * interval '17 seconds' FROM generate_series(1, 20000) g;
SELECT setval('orders_id_seq', 54321);
SQL
my -e "CREATE DATABASE $MY_DB CHARACTER SET utf8mb4"
my -D "$MY_DB" <<'SQL'
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2), image BLOB);
CREATE TABLE sales (id BIGINT AUTO_INCREMENT PRIMARY KEY, product_id INT, qty INT, sold_at DATETIME(3), note TEXT);
INSERT INTO products (name, price, image) SELECT CONCAT('Produkt ', seq, ' 🛟'), seq / 7, UNHEX(MD5(seq)) FROM seq_1_to_500;
INSERT INTO sales (product_id, qty, sold_at, note)
  SELECT 1 + seq % 500, seq % 13, '2024-01-01' + INTERVAL seq SECOND, IF(seq % 5 = 0, NULL, MD5(seq)) FROM seq_1_to_20000;
SQL
pg_checksums "$PG_DB" >"$bare/pg.before"
my_checksums "$MY_DB" >"$bare/my.before"

AWS_ENDPOINT_URL=$LIFEBOAT_TEST_AWS_ENDPOINT "$LIFEBOAT_CACHE/moto-venv/bin/python" - "$BUCKET" <<'PY'
import sys, boto3
boto3.client("s3", region_name="eu-west-1").create_bucket(Bucket=sys.argv[1], ObjectLockEnabledForBucket=True,
    CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
PY

# Only what the command needs, named: the password in the engines' variables, moto's endpoint and test keys.
pgurl() { echo "postgresql://$LIFEBOAT_TEST_USER@127.0.0.1:$LIFEBOAT_PG_PORT/$1"; }
myurl() { echo "mariadb://$LIFEBOAT_TEST_USER@127.0.0.1:$LIFEBOAT_MARIADB_PORT/$1"; }
# Over TLS only, the certificate verified against the test CA (the runtime's TLS, which a jlink without the right
# modules breaks): the logins that the servers accept over TLS alone.
tls="sslmode=verify-full&sslrootcert=$LIFEBOAT_TLS_DIR/ca.crt"
pgtls() { echo "postgresql://$LIFEBOAT_TLS_USER@localhost:$LIFEBOAT_PG_PORT/$1?$tls"; }
mytls() { echo "mariadb://$LIFEBOAT_TLS_USER@localhost:$LIFEBOAT_MARIADB_PORT/$1?$tls"; }
aws_env=(AWS_ENDPOINT_URL="$LIFEBOAT_TEST_AWS_ENDPOINT" AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=testing
         AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true)
lb_pg() { bare_run PGPASSWORD="$LIFEBOAT_TEST_PASSWORD" "${aws_env[@]}" "$LB" "$@"; }
lb_my() { bare_run MYSQL_PWD="$LIFEBOAT_TEST_PASSWORD" "${aws_env[@]}" "$LB" "$@"; }

s3=s3://$BUCKET/lifeboat
lb_pg dump --source "$(pgurl "$PG_DB")" --database orders --vault "file:$bare/vault" >"$bare/log" 2>&1 || { cat "$bare/log"; fail "PostgreSQL dump into a local vault"; }
lb_pg dump --source "$(pgtls "$PG_DB")" --database orders --vault "$s3" >"$bare/log" 2>&1 || { cat "$bare/log"; fail "PostgreSQL dump into S3"; }
lb_my dump --source "$(mytls "$MY_DB")" --database shop --vault "$s3" --compression zstd:3 >"$bare/log" 2>&1 || { cat "$bare/log"; fail "MariaDB dump into S3"; }
lb_my dump --source "$(myurl "$MY_DB")" --database shop --vault "file:$bare/vault" >"$bare/log" 2>&1 || { cat "$bare/log"; fail "MariaDB dump into a local vault"; }
lb_pg list --vault "$s3" | sed 's/^/  /'
lb_pg restore --from dump --vault "file:$bare/vault" --database orders --backup latest --target "$(pgurl "${PG_DB}_local")" --create >"$bare/log" 2>&1 || { cat "$bare/log"; fail "PostgreSQL restore from the local vault"; }
lb_pg restore --from dump --vault "$s3" --database orders --backup latest --target "$(pgtls "${PG_DB}_s3")" --create >"$bare/log" 2>&1 || { cat "$bare/log"; fail "PostgreSQL restore from S3"; }
lb_my restore --from dump --vault "$s3" --database shop --backup latest --target "$(mytls "${MY_DB}_s3")" --create >"$bare/log" 2>&1 || { cat "$bare/log"; fail "MariaDB restore from S3"; }
lb_my restore --from dump --vault "file:$bare/vault" --database shop --backup latest --target "$(myurl "${MY_DB}_local")" --create >"$bare/log" 2>&1 || { cat "$bare/log"; fail "MariaDB restore from the local vault"; }

compare() {
  local label=$1 before=$2 after=$3
  if [ -s "$before" ] && diff -u "$before" "$after" >"$bare/diff"; then
    printf '  %-34s %s tables/sequences identical\n' "$label" "$(wc -l <"$before")"
  else
    printf '  %-34s DIFFERENT:\n' "$label"; sed 's/^/    /' "$bare/diff"; fail "$label differs from the source"
  fi
}
echo "The release archive on a bare machine ($(basename "$ARCHIVE")):"
pg_checksums "${PG_DB}_local" >"$bare/pg.local" 2>&1 || true
pg_checksums "${PG_DB}_s3" >"$bare/pg.s3" 2>&1 || true
my_checksums "${MY_DB}_s3" >"$bare/my.s3" 2>&1 || true
my_checksums "${MY_DB}_local" >"$bare/my.local" 2>&1 || true
compare "PostgreSQL via the local vault" "$bare/pg.before" "$bare/pg.local"
compare "PostgreSQL via S3" "$bare/pg.before" "$bare/pg.s3"
compare "MariaDB via S3" "$bare/my.before" "$bare/my.s3"
compare "MariaDB via the local vault" "$bare/my.before" "$bare/my.local"

if [ "$failures" = 0 ]; then
  pg -d postgres -c "DROP DATABASE $PG_DB" -c "DROP DATABASE ${PG_DB}_local" -c "DROP DATABASE ${PG_DB}_s3"
  my -e "DROP DATABASE $MY_DB; DROP DATABASE ${MY_DB}_s3; DROP DATABASE ${MY_DB}_local"
  echo "release-test: 1 passed, 0 failed"
  exit 0
fi
echo "release-test: 0 passed, 1 failed ($failures checks failed; the databases are kept for inspection)"
exit 1
