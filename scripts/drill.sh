#!/usr/bin/env bash
# The local drill: replay the incident Lifeboat exists for, on this machine, with real parts.
#
#   1. production: a PostgreSQL database with data (and a MariaDB one), checksummed table by table,
#      and its RDS instance in moto;
#   (the guard: the destroy's plan is refused before any backup exists, and allowed once they do)
#   2. Lifeboat takes a snapshot copy into the backup Region (lifeboat snapshot) and logical dumps into
#      the vault (moto S3 with Object Lock, and a local directory);
#   3. destruction, the way `terraform destroy` did it: the RDS instance is deleted with its automated
#      backups, the source Region's manual snapshots are deleted, the databases are dropped;
#   4. restore: a new RDS instance from the snapshot copy (through the RDS API), the data from the
#      dumps, and every table's checksum and every sequence compared with the values taken before
#      the destruction. The MariaDB shop keeps selling after its last dump, and its binlog is streamed
#      into the vault (lifeboat stream): it comes back to the second before its destruction, every
#      sale included (restore --to-time). The PostgreSQL database's committed changes are streamed too
#      (logical decoding, issue 41): after a migration that drops its tables, it comes back to the moment
#      before, with the orders placed after its last dump.
#
# moto cannot copy snapshots across accounts, so here the backup copy goes to another Region of the
# same account; the cross-account rules are tested against InMemoryRds (docs/snapshot-pipeline.md).
#
# Prints a short report and exits non-zero on any difference. On a fresh machine it installs and
# starts what it needs, like scripts/test.sh.
#
#   scripts/drill.sh            # default: ~200k rows per engine
#   DRILL_ROWS=2000000 scripts/drill.sh
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
ROWS=${DRILL_ROWS:-200000}
pick_jdk
start_all_services
reset_moto
JAR=$LIFEBOAT_ROOT/cli/target/lifeboat.jar
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q -ntp -pl cli -am package -DskipTests
fi
PGBIN=$(pg_bin)
export PGPASSWORD=$LIFEBOAT_TEST_PASSWORD MYSQL_PWD=$LIFEBOAT_TEST_PASSWORD
export AWS_ENDPOINT_URL=$LIFEBOAT_TEST_AWS_ENDPOINT
RUN=$(date +%s)
PG_DB=drill_prod_$RUN
MY_DB=drill_shop_$RUN
BUCKET=lifeboat-drill-vault-$RUN
VAULT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-drill.XXXXXX")
trap 'rm -rf "$VAULT_DIR"' EXIT
started=$(date +%s.%N)

pg() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LIFEBOAT_TEST_PG_PORT" -U "$LIFEBOAT_TEST_PG_USER" -At "$@"; }
my() { mariadb --default-character-set=utf8mb4 --protocol=TCP -h 127.0.0.1 -P "$LIFEBOAT_TEST_MARIADB_PORT" -u "$LIFEBOAT_TEST_MARIADB_USER" -N -B "$@"; }
lifeboat() { "$LIFEBOAT_ROOT/bin/lifeboat" "$@"; }

# Every table's row count and md5 of its sorted rows, every sequence's position.
pg_checksums() {
  local db=$1 t
  for t in $(pg -d "$db" -c "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                             WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"); do
    echo "table $t $(pg -d "$db" -c "SELECT count(*) || ' ' || coalesce(md5(string_agg(r, E'\n' ORDER BY r)), '-') FROM (SELECT (\"lifeboat whole row\".*)::text AS r FROM $t \"lifeboat whole row\") w")"
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

log "1/4 production: $PG_DB (PostgreSQL) and $MY_DB (MariaDB) with $ROWS rows each"
pg -d postgres -c "CREATE DATABASE $PG_DB"
pg -d "$PG_DB" >/dev/null <<SQL
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text, created timestamptz NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers, total numeric(12,2),
                     items jsonb, note text, placed timestamptz NOT NULL);
INSERT INTO customers (name, email, created)
  SELECT 'Kunde ' || g || ' Ünïcødé', 'c' || g || '@example.com', timestamptz '2024-01-01' + g * interval '1 minute'
  FROM generate_series(1, $ROWS / 10) g;
INSERT INTO orders (customer_id, total, items, note, placed)
  SELECT 1 + g % ($ROWS / 10), (g % 10000) / 3.0, jsonb_build_object('sku', g % 97, 'qty', g % 5),
         CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END, timestamptz '2024-01-01' + g * interval '17 seconds'
  FROM generate_series(1, $ROWS) g;
SELECT setval('orders_id_seq', $ROWS + 12345);
ANALYZE;
SQL
my -e "CREATE DATABASE $MY_DB CHARACTER SET utf8mb4"
my -D "$MY_DB" <<SQL
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2), image BLOB);
CREATE TABLE sales (id BIGINT AUTO_INCREMENT PRIMARY KEY, product_id INT, qty INT, sold_at DATETIME(3), note TEXT);
INSERT INTO products (name, price, image) SELECT CONCAT('Produkt ', seq, ' 🛟'), seq / 7, UNHEX(MD5(seq)) FROM seq_1_to_1000;
INSERT INTO sales (product_id, qty, sold_at, note)
  SELECT 1 + seq % 1000, seq % 13, '2024-01-01' + INTERVAL seq SECOND, IF(seq % 5 = 0, NULL, MD5(seq)) FROM seq_1_to_$ROWS;
SQL
pg_checksums "$PG_DB" >"$VAULT_DIR/pg.before"
my_checksums "$MY_DB" >"$VAULT_DIR/my.before"

# The production RDS instance (moto), the keys, and the vault bucket.
INSTANCE=orders-prod-$RUN
BACKUP_KEY=$("$LIFEBOAT_CACHE/moto-venv/bin/python" - "$BUCKET" "$INSTANCE" <<'PY'
import sys, boto3
bucket, instance = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", region_name="eu-west-1")
s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True,
                 CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
prod_key = boto3.client("kms", region_name="eu-west-1").create_key(Description="orders-prod")["KeyMetadata"]["Arn"]
backup_key = boto3.client("kms", region_name="eu-central-1").create_key(Description="lifeboat backup")["KeyMetadata"]["Arn"]
# Production's shape, as Terraform made it: a VPC with two subnets, a security group with rules, a DB subnet
# group, a parameter group with production's values, a large Multi-AZ instance (issue 14).
ec2 = boto3.client("ec2", region_name="eu-west-1")
rds = boto3.client("rds", region_name="eu-west-1")
vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"eu-west-1{az}")["Subnet"]["SubnetId"]
           for i, az in ((1, "a"), (2, "b"))]
sg = ec2.create_security_group(GroupName=f"{instance}-db", Description="orders database", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
rds.create_db_subnet_group(DBSubnetGroupName=f"{instance}-net", DBSubnetGroupDescription="orders", SubnetIds=subnets)
rds.create_db_parameter_group(DBParameterGroupName=f"{instance}-pg16", DBParameterGroupFamily="postgres16",
                              Description="orders production values")
rds.modify_db_parameter_group(DBParameterGroupName=f"{instance}-pg16", Parameters=[
    {"ParameterName": "max_connections", "ParameterValue": "500", "ApplyMethod": "pending-reboot"},
    {"ParameterName": "work_mem", "ParameterValue": "65536", "ApplyMethod": "immediate"},
    {"ParameterName": "log_min_duration_statement", "ParameterValue": "250", "ApplyMethod": "immediate"}])
rds.create_db_instance(
    DBInstanceIdentifier=instance, Engine="postgres", EngineVersion="16.4", DBInstanceClass="db.r6g.large",
    AllocatedStorage=100, StorageType="gp3", MultiAZ=True, MasterUsername="app", MasterUserPassword="not-a-real-password-1",
    StorageEncrypted=True, KmsKeyId=prod_key, BackupRetentionPeriod=7, DBSubnetGroupName=f"{instance}-net",
    VpcSecurityGroupIds=[sg], DBParameterGroupName=f"{instance}-pg16", Tags=[{"Key": "team", "Value": "payments"}])
print(backup_key)
PY
)
# The subnets of the VPC the restore goes into (the backup Region's), which the operator names when the recorded
# network is gone.
RECOVERY_SUBNETS=$("$LIFEBOAT_CACHE/moto-venv/bin/python" - <<'PY'
import boto3
ec2 = boto3.client("ec2", region_name="eu-central-1")
vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
print(" ".join(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"eu-central-1{az}")["Subnet"]["SubnetId"]
               for i, az in ((1, "a"), (2, "b"))))
PY
)
S3_VAULT="s3://$BUCKET/lifeboat"
ACCOUNT=123456789012   # moto's default account
CONFIG=$VAULT_DIR/lifeboat.yml
cat >"$CONFIG" <<YAML
backup:
  account: "$ACCOUNT"
  region: eu-central-1
  kmsKeyArn: $BACKUP_KEY
  vault: $S3_VAULT
  vaultRetentionDays: 1098
databases:
  orders:
    engine: postgres
    source:
      account: "$ACCOUNT"
      region: eu-west-1
      instance: $INSTANCE
      roleArn: arn:aws:iam::$ACCOUNT:role/lifeboat-source
      externalId: lifeboat-drill
    snapshot: {mode: create, copyStrategy: single-step}
    retention: {daily: 7, weekly: 4, monthly: 12, yearly: 3}
YAML

# The destroy of that night, as Terraform's plan shows it (terraform show -json), put to the guard first.
PLAN=$VAULT_DIR/destroy-plan.json
cat >"$PLAN" <<JSON
{"format_version": "1.2", "resource_changes": [
  {"address": "aws_db_instance.orders", "mode": "managed", "type": "aws_db_instance", "name": "orders",
   "change": {"actions": ["delete"], "after": null,
              "before": {"identifier": "$INSTANCE", "deletion_protection": false, "skip_final_snapshot": true,
                         "arn": "arn:aws:rds:eu-west-1:$ACCOUNT:db:$INSTANCE"}}}]}
JSON
log "guard: terraform destroy of $INSTANCE, before any backup, must be refused"
set +e
lifeboat guard --plan "$PLAN" --config "$CONFIG"
rc=$?
set -e
[ "$rc" -eq 3 ] || die "lifeboat guard should refuse the destroy while $INSTANCE has no backup (exit 3), got exit $rc"

log "2/4 backups: a snapshot copy into eu-central-1, dumps into moto S3 (Object Lock) and a local vault, and $MY_DB's binlog streamed into S3"
# The binlog archive (issue 40): every change to the MariaDB server from now on, into the same vault, so that the
# shop can come back to the second before its destruction, not to its last dump.
"$LIFEBOAT_ROOT/bin/lifeboat" stream --source "mariadb://$LIFEBOAT_TEST_MARIADB_USER@127.0.0.1:$LIFEBOAT_TEST_MARIADB_PORT/$MY_DB" \
  --database shop-db --vault "$S3_VAULT" --object-lock-mode COMPLIANCE --object-lock-days 1 --segment-seconds 1 \
  >"$VAULT_DIR/stream.log" 2>&1 &
STREAMER=$!
# The change archive (issue 41): every transaction committed in $PG_DB from now on, into the local vault.
"$LIFEBOAT_ROOT/bin/lifeboat" stream --source "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$PG_DB" \
  --database orders-db --vault "file:$VAULT_DIR/vault" --segment-seconds 1 >"$VAULT_DIR/pgstream.log" 2>&1 &
PG_STREAMER=$!
# A dump read before the streamer's slot exists is one no archive can follow: wait for the slot.
for _ in $(seq 1 600); do
  [ "$(pg -d postgres -c "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'lifeboat_orders_db'")" = 1 ] && break
  sleep 0.1
done
lifeboat snapshot --config "$CONFIG" --database orders --wait --poll-seconds 1
lifeboat dump --source "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$PG_DB" --database orders \
  --vault "$S3_VAULT" --object-lock-mode COMPLIANCE --object-lock-days 1
lifeboat dump --source "mariadb://$LIFEBOAT_TEST_MARIADB_USER@127.0.0.1:$LIFEBOAT_TEST_MARIADB_PORT/$MY_DB" --database shop-db \
  --vault "$S3_VAULT" --object-lock-mode COMPLIANCE --object-lock-days 1
lifeboat dump --source "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/$PG_DB" --database orders-db \
  --vault "file:$VAULT_DIR/vault"
lifeboat list --vault "$S3_VAULT"

lifeboat list --snapshots --config "$CONFIG"
log "the shape recorded with the copy: what the restore brings back"
lifeboat shape --config "$CONFIG" --database orders | tee "$VAULT_DIR/shape.out"
grep -q "instanceClass: db.r6g.large" "$VAULT_DIR/shape.out" || die "lifeboat shape does not show the recorded instance class"
grep -q "parameterGroup.parameters\[.*\].value: 65536" "$VAULT_DIR/shape.out" || die "lifeboat shape does not show work_mem"
log "guard: the same destroy, now that the backups are minutes old, is allowed"
lifeboat guard --plan "$PLAN" --config "$CONFIG" || die "lifeboat guard refused the destroy although fresh backups exist"

# The night of the seed: the shop keeps selling after its last dump, right up to the destruction.
for i in $(seq 1 40); do
  my -D "$MY_DB" -e "START TRANSACTION; INSERT INTO sales (product_id, qty, sold_at, note) VALUES ($i, $i % 13, NOW(3), MD5($i));
                     UPDATE products SET price = price + 1 WHERE id = $i; COMMIT;"
done
# And orders keep coming in, after the last dump of $PG_DB.
for i in $(seq 1 40); do
  pg -d "$PG_DB" -c "BEGIN; INSERT INTO orders (customer_id, total, items, note, placed)
                     VALUES ($i, $i * 1.25, '{\"sku\": $i}', 'after the dump ''$i''', now());
                     UPDATE customers SET email = 'new$i@example.com' WHERE id = $i; DELETE FROM orders WHERE id = $i; COMMIT;"
done
# The moment to come back to: taken between whole seconds, because the binlog stamps events in seconds.
sleep "$(echo "1.15 - $(date +%N) / 1000000000" | bc -l)"
my_checksums "$MY_DB" >"$VAULT_DIR/my.moment"
pg_checksums "$PG_DB" >"$VAULT_DIR/pg.moment"
MOMENT=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
cmp -s "$VAULT_DIR/my.before" "$VAULT_DIR/my.moment" && die "the sales after the dump changed no checksum: the drill would not tell a dump from a restore to the moment"
cmp -s "$VAULT_DIR/pg.before" "$VAULT_DIR/pg.moment" && die "the orders after the dump changed no checksum: the drill would not tell a dump from a restore to the moment"
sleep "$(echo "1.15 - $(date +%N) / 1000000000" | bc -l)"
log "  $MY_DB: 40 sales after its last dump; the moment before the destruction is $MOMENT"

log "3/4 destruction: a migration forced through ($PG_DB's tables dropped), then as terraform destroy did it: $INSTANCE with its automated backups, the manual snapshots of eu-west-1, the databases"
# What drizzle-kit push --force did to a production PostgreSQL the same week.
pg -d "$PG_DB" -c "DROP TABLE orders; DROP TABLE customers"
moment_s=$(echo "$MOMENT" | cut -c1-19)
for i in $(seq 1 120); do
  last=$(grep -o 'last commit [0-9T:.-]*' "$VAULT_DIR/pgstream.log" | tail -n1 | cut -c13-31 || true)
  [ -n "$last" ] && [[ "$last" > "$moment_s" ]] && break
  sleep 0.5
done
kill -TERM "$PG_STREAMER"; wait "$PG_STREAMER" || true
grep -q "^archived [0-9]* segments" "$VAULT_DIR/pgstream.log" || { cat "$VAULT_DIR/pgstream.log"; die "lifeboat stream ($PG_DB) did not report what it archived"; }
# A logical slot keeps its database from being dropped; the destroy below needs it gone.
pg -d postgres -c "SELECT pg_drop_replication_slot('lifeboat_orders_db')" >/dev/null
# The recovery point (issue 41): what a restore reaches now is the change archive's last commit, past the moment,
# not the last dump.
lifeboat list --recovery-window --vault "file:$VAULT_DIR/vault" --database orders-db | tee "$VAULT_DIR/points.out"
grep -q "^orders-db .* by dump .* and the change archive" "$VAULT_DIR/points.out" \
  || die "lifeboat list --recovery-window does not give orders-db's recovery point from its change archive"
"$LIFEBOAT_CACHE/moto-venv/bin/python" - "$INSTANCE" <<'PY'
import sys, boto3
rds = boto3.client("rds", region_name="eu-west-1")
instance = sys.argv[1]
sg = rds.describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)
for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]:
    rds.delete_db_snapshot(DBSnapshotIdentifier=s["DBSnapshotIdentifier"])
# With the instance went its parameter group, its DB subnet group and its security group.
rds.delete_db_parameter_group(DBParameterGroupName=f"{instance}-pg16")
rds.delete_db_subnet_group(DBSubnetGroupName=f"{instance}-net")
boto3.client("ec2", region_name="eu-west-1").delete_security_group(GroupId=sg)
print("  deleted the instance, its parameter group, subnet group and security group; manual snapshots left in"
      " eu-west-1:", len(rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]))
PY
pg -d postgres -c "DROP DATABASE $PG_DB"
my -e "DROP DATABASE $MY_DB"
# The streamer archives the DROP too (an event after the moment: the archive reaches it), then stops.
for i in $(seq 1 120); do
  last=$(grep -o 'last event [0-9T:-]*' "$VAULT_DIR/stream.log" | tail -n1 | cut -c12-30 || true)
  [ -n "$last" ] && [[ "$last" > "$moment_s" ]] && break
  sleep 0.5
done
kill -TERM "$STREAMER"; wait "$STREAMER" || true
grep -q "^archived [0-9]* segments" "$VAULT_DIR/stream.log" || { cat "$VAULT_DIR/stream.log"; die "lifeboat stream did not report what it archived"; }

# The restore runs as the runbook says, from the extracted release archive (its own runtime), when dist/ holds the
# archive of this commit (scripts/test.sh makes it first; DRILL_ARCHIVE names another); else from the build.
RESTORE_HOME=$LIFEBOAT_ROOT
ARCHIVE=${DRILL_ARCHIVE:-$(ls "$LIFEBOAT_ROOT"/dist/lifeboat-*-linux-x86_64.tar.gz 2>/dev/null | head -n1 || true)}
if [ -n "$ARCHIVE" ] && tar -xzOf "$ARCHIVE" --wildcards '*/BUILD-INFO.json' 2>/dev/null | grep -q "\"$(git rev-parse HEAD 2>/dev/null)\""; then
  mkdir -p "$VAULT_DIR/release"
  tar -xzf "$ARCHIVE" -C "$VAULT_DIR/release"
  RESTORE_HOME=$(echo "$VAULT_DIR"/release/lifeboat-*)
  log "the restore runs with the release archive $(basename "$ARCHIVE"), extracted into $RESTORE_HOME"
else
  log "the restore runs with the build (no release archive of this commit in dist/; scripts/release.sh makes one)"
fi
log "4/4 restore, with the runbook's own commands (docs/runbook.md, steps 0 to 3)"
restore_started=$(date +%s.%N)
RUNBOOK_SCRIPT=$VAULT_DIR/runbook.sh
{
  echo 'set -euo pipefail'
  "$LIFEBOAT_CACHE/moto-venv/bin/python" - "$LIFEBOAT_ROOT/docs/runbook.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## 0."):text.index("## The same from Lambda")]
blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
print(blocks[0])
print('export LIFEBOAT_CONFIG="$CONFIG" DB=orders NEW="orders-restored-$RUN"')
print('NETWORK="--create-network $(printf -- "--subnet %s " $RECOVERY_SUBNETS)"')
print('export DUMP_USER="$LIFEBOAT_TEST_PG_USER" DUMP_HOST=127.0.0.1 DUMP_PORT="$LIFEBOAT_TEST_PG_PORT" DUMP_DB="${PG_DB}_restored"')
for b in blocks[1:]:
    print(b)
PY
} >"$RUNBOOK_SCRIPT"
( cd "$RESTORE_HOME" && CONFIG=$CONFIG RUN=$RUN PG_DB=$PG_DB RECOVERY_SUBNETS=$RECOVERY_SUBNETS bash "$RUNBOOK_SCRIPT" ) | tee "$VAULT_DIR/restore.out"
grep -q "^restored orders-restored-$RUN: endpoint" "$VAULT_DIR/restore.out" || die "the runbook's snapshot restore did not report an endpoint"
# The restored instance has production's shape (issue 14), checked by describing it: the recorded class and Multi-AZ,
# a parameter group recreated with production's values, a security group with production's rule.
"$LIFEBOAT_CACHE/moto-venv/bin/python" - "orders-restored-$RUN" <<'PY' | tee "$VAULT_DIR/shape.check" || die "the restored instance does not have the recorded shape"
import sys, boto3
rds = boto3.client("rds", region_name="eu-central-1")
ec2 = boto3.client("ec2", region_name="eu-central-1")
db = rds.describe_db_instances(DBInstanceIdentifier=sys.argv[1])["DBInstances"][0]
group = db["DBParameterGroups"][0]["DBParameterGroupName"]
values = {p["ParameterName"]: p["ParameterValue"] for p in rds.describe_db_parameters(DBParameterGroupName=group)["Parameters"]}
rules = ec2.describe_security_groups(GroupIds=[db["VpcSecurityGroups"][0]["VpcSecurityGroupId"]])["SecurityGroups"][0]["IpPermissions"]
checks = {
    "instance class db.r6g.large": db["DBInstanceClass"] == "db.r6g.large",
    "Multi-AZ": db["MultiAZ"] is True,
    "parameter group recreated (" + group + ")": "-lifeboat-" in group,
    "max_connections=500, work_mem=65536, log_min_duration_statement=250":
        values == {"max_connections": "500", "work_mem": "65536", "log_min_duration_statement": "250"},
    "security group: tcp 5432 from 10.20.0.0/16 only":
        [(r["IpProtocol"], r.get("FromPort"), [x["CidrIp"] for x in r["IpRanges"]]) for r in rules] == [("tcp", 5432, ["10.20.0.0/16"])],
    "subnet group in the recovery subnets": db["DBSubnetGroup"]["DBSubnetGroupName"] == sys.argv[1] + "-lifeboat",
}
for name, ok in checks.items():
    print(f"  shape: {name}: {'yes' if ok else 'NO'}")
sys.exit(0 if all(checks.values()) else 1)
PY
grep -q "^restored dump .* into postgresql://.*/${PG_DB}_restored" "$VAULT_DIR/restore.out" || die "the runbook's dump restore did not report"
"$RESTORE_HOME/bin/lifeboat" restore --from dump --vault "$S3_VAULT" --database shop-db --to-time "$MOMENT" \
  --target "mariadb://$LIFEBOAT_TEST_MARIADB_USER@127.0.0.1:$LIFEBOAT_TEST_MARIADB_PORT/${MY_DB}_restored" --create \
  | tee -a "$VAULT_DIR/restore.out"
"$RESTORE_HOME/bin/lifeboat" restore --from dump --vault "file:$VAULT_DIR/vault" --database orders-db --backup latest \
  --target "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/${PG_DB}_local" --create
"$RESTORE_HOME/bin/lifeboat" restore --from dump --vault "file:$VAULT_DIR/vault" --database orders-db --to-time "$MOMENT" \
  --target "postgresql://$LIFEBOAT_TEST_PG_USER@127.0.0.1:$LIFEBOAT_TEST_PG_PORT/${PG_DB}_moment" --create \
  | tee -a "$VAULT_DIR/restore.out"
restore_done=$(date +%s.%N)
log "the measured recovery times, by phase (the restore log in the vault)"
lifeboat list --restores --config "$CONFIG" | tee "$VAULT_DIR/restores.out"
grep -q "snapshot restore.*plan .*instance creation" "$VAULT_DIR/restores.out" \
  || die "lifeboat list --restores does not show the snapshot restore's phases"
grep -q "dump restore.*data load" "$VAULT_DIR/restores.out" || die "lifeboat list --restores does not show the dump restore"
pg_checksums "${PG_DB}_restored" >"$VAULT_DIR/pg.after"
pg_checksums "${PG_DB}_local" >"$VAULT_DIR/pg.local"
my_checksums "${MY_DB}_restored" >"$VAULT_DIR/my.after"
pg_checksums "${PG_DB}_moment" >"$VAULT_DIR/pg.moment.after"

status=0
report() {
  local label=$1 before=$2 after=$3
  if diff -u "$before" "$after" >"$VAULT_DIR/diff"; then
    printf '  %-42s %s tables/sequences identical\n' "$label" "$(wc -l <"$before")"
  else
    printf '  %-42s DIFFERENT:\n' "$label"; sed 's/^/    /' "$VAULT_DIR/diff"
    status=1
  fi
}
echo
echo "Lifeboat drill report"
echo "  destroyed:  RDS instance $INSTANCE with its automated backups and the manual snapshots of eu-west-1;"
echo "              databases $PG_DB (PostgreSQL), $MY_DB (MariaDB)"
echo "  restored:   RDS instance orders-restored-$RUN from the copy in eu-central-1 ($(grep -o 'endpoint [^,]*' "$VAULT_DIR/restore.out"))"
echo "              ${PG_DB}_restored and ${MY_DB}_restored from $S3_VAULT, ${PG_DB}_local from the local vault;"
echo "              ${MY_DB}_restored to $MOMENT, the second before its destruction: its dump, then its binlog archive"
echo "              ${PG_DB}_moment to $MOMENT, before its tables were dropped: its dump, then its change archive"
echo "  checksums (before destruction vs after restore):"
report "PostgreSQL via S3" "$VAULT_DIR/pg.before" "$VAULT_DIR/pg.after"
report "PostgreSQL via local vault" "$VAULT_DIR/pg.before" "$VAULT_DIR/pg.local"
report "MariaDB to the moment, via S3" "$VAULT_DIR/my.moment" "$VAULT_DIR/my.after"
report "PostgreSQL to the moment, via local vault" "$VAULT_DIR/pg.moment" "$VAULT_DIR/pg.moment.after"
printf '  restore time: %.1f s for the four restores; whole drill %.1f s\n' \
  "$(echo "$restore_done - $restore_started" | bc -l)" "$(echo "$(date +%s.%N) - $started" | bc -l)"
if [ "$status" = 0 ]; then
  echo "  RESULT: PASS, every table and sequence came back identical"
  # The restored copies served their purpose; a failed drill keeps them for inspection.
  pg -d postgres -c "DROP DATABASE ${PG_DB}_restored" -c "DROP DATABASE ${PG_DB}_local" -c "DROP DATABASE ${PG_DB}_moment"
  my -e "DROP DATABASE ${MY_DB}_restored"
else
  echo "  RESULT: FAIL (the restored databases are kept for inspection)"
fi
exit "$status"
