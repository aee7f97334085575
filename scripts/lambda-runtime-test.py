"""The functions as Lambda runs them: the image layout, the AWS Lambda Java runtime interface client,
and the runtime interface emulator in front of it, invoked over HTTP with real event payloads against
local PostgreSQL and moto.

Each function's Dockerfile is read for its COPY, ENV, ENTRYPOINT and CMD lines, and target/ is laid out
the way those lines lay out the image (LAMBDA_TASK_ROOT with the classes, lib/ with the jars, the runtime
interface client among them); the ENTRYPOINT's java command runs as the image runs it, with the JVM options
the CDK app gives the function (JAVA_TOOL_OPTIONS). So a class or jar that the Dockerfile does not copy, a
wrong handler name in CMD, a log configuration that does not load, or a heap too small for a dump fails
here, not in the first deployment.

Run by scripts/test.sh (lambda_runtime_test in scripts/lib/services.sh), with the moto venv's python
(boto3), after `./mvnw verify` has packaged the functions. Argument: the RIE binary.
"""

import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("LIFEBOAT_CACHE", os.path.join(ROOT, ".cache"))
RIE = sys.argv[1]
ENDPOINT = os.environ["LIFEBOAT_TEST_AWS_ENDPOINT"]
PG = {k: os.environ["LIFEBOAT_TEST_PG_" + k.upper()] for k in ("host", "port", "user", "password")}
ACCOUNT = "123456789012"  # moto's default account
FAILURES = []


def log(msg):
    print(f"[lambda-runtime] {msg}", file=sys.stderr, flush=True)


def check(condition, what):
    log(("ok:   " if condition else "FAIL: ") + what)
    if not condition:
        FAILURES.append(what)


# ---------------------------------------------------------------------------------------------------
# The image, from the Dockerfile


def dockerfile(module):
    """COPY (source, destination) pairs, ENV variables, the ENTRYPOINT and the CMD handler of a module's Dockerfile."""
    text = open(os.path.join(ROOT, module, "Dockerfile"), encoding="utf-8").read()
    text = re.sub(r"\\\n", " ", text)
    copies, env, entrypoint, cmd = [], {}, None, None
    for line in text.splitlines():
        parts = line.split(None, 1)
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "COPY":
            src, dst = parts[1].split()
            copies.append((src, dst))
        elif parts[0] == "ENV":
            for k, v in re.findall(r"(\w+)=(\S+)", parts[1]):
                env[k] = v
        elif parts[0] == "ENTRYPOINT":
            entrypoint = json.loads(parts[1])
        elif parts[0] == "CMD":
            cmd = json.loads(parts[1])[0]
    if not entrypoint:
        raise SystemExit(f"{module}/Dockerfile has no ENTRYPOINT: the image must start the JVM with the runtime client")
    return copies, env, entrypoint, cmd


def stage(module):
    """Lays out the image's /var/task under .cache/lambda/MODULE; returns (task root, ENV, ENTRYPOINT, CMD)."""
    copies, env, entrypoint, cmd = dockerfile(module)
    base = os.path.join(CACHE, "lambda", module)
    shutil.rmtree(base, ignore_errors=True)
    task = os.path.join(base, "var", "task")
    for src, dst in copies:
        dst = dst.replace("${LAMBDA_TASK_ROOT}", task)
        if "*" in src:
            folder, pattern = os.path.split(os.path.join(ROOT, module, src))
            regex = re.compile("^" + re.escape(pattern).replace(r"\*", ".*") + "$")
            found = [f for f in os.listdir(folder) if regex.match(f)]
            if not found:
                raise SystemExit(f"{module}/Dockerfile copies {src}, which matches nothing: run ./mvnw package")
            os.makedirs(dst, exist_ok=True)
            for f in found:
                shutil.copy(os.path.join(folder, f), dst)
        else:
            shutil.copytree(os.path.join(ROOT, module, src), dst, dirs_exist_ok=True)
    return task, env, entrypoint, cmd


# ---------------------------------------------------------------------------------------------------
# The emulator


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Function:
    """One function under the RIE; its stdout and stderr (the function's CloudWatch log) go to a file."""

    def __init__(self, module, env, handler=None):
        self.task, image_env, entrypoint, cmd = stage(module)
        self.handler = handler or cmd
        self.port = free_port()
        self.logfile = os.path.join(CACHE, "lambda", module + "-" + self.handler.split("::")[0].split(".")[-1] + ".log")
        full_env = dict(os.environ)
        full_env.update(image_env)
        full_env.update({"LAMBDA_TASK_ROOT": self.task, "AWS_LAMBDA_FUNCTION_TIMEOUT": "300",
                         "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"})
        full_env.update(env)
        # The image's java is /var/lang/bin/java and its task root /var/task: here, this JDK and the staged root.
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        command = [java if a == "/var/lang/bin/java" else a.replace("/var/task", self.task) for a in entrypoint]
        self.out = open(self.logfile, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [RIE, "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{free_port()}"] + command + [self.handler],
            cwd=self.task, env=full_env, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the emulator for {self.handler} did not listen within 30 s; see {self.logfile}")

    def invoke(self, payload):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations",
            data=json.dumps(payload).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=300) as r:
            return json.loads(r.read() or b"null")

    def lines(self):
        self.out.flush()
        return open(self.logfile, encoding="utf-8", errors="replace").read().splitlines()

    def json_lines(self):
        out = []
        for line in self.lines():
            start = line.find("{")
            if start < 0:
                continue
            try:
                out.append(json.loads(line[start:]))
            except ValueError:
                pass
        return out

    def emf(self, metric):
        """EMF records (CloudWatch embedded metric format) that carry `metric`."""
        found = []
        for j in self.json_lines():
            for d in j.get("_aws", {}).get("CloudWatchMetrics", []):
                if any(m.get("Name") == metric for m in d.get("Metrics", [])):
                    found.append(j)
        return found

    def stop(self):
        os.killpg(self.proc.pid, 15)
        self.proc.wait(timeout=30)
        self.out.close()


# ---------------------------------------------------------------------------------------------------
# The data


def psql(db, sql):
    env = dict(os.environ, PGPASSWORD=PG["password"])
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", PG["host"], "-p", PG["port"],
                           "-U", PG["user"], "-d", db, "-c", sql], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def table_digest(db):
    """Row count and a digest of every row of every table, in a stable order."""
    tables = psql(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
    out = {}
    for t in tables:
        rows = psql(db, f"SELECT t::text FROM {t} t ORDER BY 1")
        out[t] = (len(rows.splitlines()), hashlib.sha256(rows.encode()).hexdigest())
    return out


def secret(sm, database):
    """A secret in the RDS format; its ARN, as lifeboat.yml and the restore payload name it."""
    name = "lifeboat/rie/" + uuid.uuid4().hex[:8]
    return sm.create_secret(Name=name, SecretString=json.dumps({
        "engine": "postgres", "host": PG["host"], "port": int(PG["port"]), "username": PG["user"],
        "password": PG["password"], "dbname": database}))["ARN"]


def main():
    aws = dict(endpoint_url=ENDPOINT, region_name="eu-west-1")
    s3, sm = boto3.client("s3", **aws), boto3.client("secretsmanager", **aws)
    run = uuid.uuid4().hex[:8]
    source_db, restored_db = f"rie_{run}", f"rie_{run}_restored"
    psql("postgres", f"CREATE DATABASE {source_db}")
    psql(source_db, "CREATE TABLE orders (id bigserial PRIMARY KEY, note text, total numeric(10,2));"
                    "INSERT INTO orders (note, total) SELECT md5(g::text), g / 7.0 FROM generate_series(1, 5000) g;"
                    "CREATE TABLE lines (id bigserial PRIMARY KEY, order_id bigint, sku text);"
                    "INSERT INTO lines (order_id, sku) SELECT g % 5000 + 1, md5(g::text) FROM generate_series(1, 20000) g")
    bucket = f"lifeboat-rie-{run}"
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    source_secret, target_secret = secret(sm, source_db), secret(sm, "postgres")
    common = {"AWS_ENDPOINT_URL": ENDPOINT, "AWS_REGION": "eu-west-1",
              "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

    # lifeboat.yml as the CDK app hands it to the functions (LIFEBOAT_CONFIG_YAML, compact JSON); the source
    # account's dump function gets its databases with their dump blocks.
    backup_key = boto3.client("kms", endpoint_url=ENDPOINT, region_name="eu-central-1").create_key(
        Description="lifeboat backup")["KeyMetadata"]["Arn"]
    config = {"backup": {"account": ACCOUNT, "region": "eu-central-1", "kmsKeyArn": backup_key,
                         "vault": f"s3://{bucket}/lifeboat"},
              "databases": {"orders": {"engine": "postgres", "retention": {"daily": 7},
                                       "source": {"account": ACCOUNT, "region": "eu-west-1", "instance": f"rie-{run}",
                                                  "roleArn": f"arn:aws:iam::{ACCOUNT}:role/lifeboat-source",
                                                  "externalId": "lifeboat-rie"},
                                       "snapshot": {"mode": "create", "copyStrategy": "single-step"}}}}
    dump_config = json.loads(json.dumps(config))
    dump_config["databases"]["orders"]["dump"] = {"secretArn": source_secret, "jobs": 2}
    # The heap the CDK app gives a dump function whose databases dump with 2 jobs (FunctionImages.dumpJavaOptions,
    # DumpMemory: 48 + 8 MiB for the schema + 4 parts of 16 MiB; DumpMemoryTest has the figures): the tightest cap
    # it sets.
    dump_java = "-Xmx120m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC"
    restore_java = "-Xmx160m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC"

    # The backup function, from an EventBridge scheduled event, twice: one backup.
    log("backup function: EventBridge scheduled event")
    backup = Function("backup-function", dict(common, LIFEBOAT_CONFIG_YAML=json.dumps(dump_config),
                                              JAVA_TOOL_OPTIONS=dump_java))
    try:
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": ACCOUNT, "time": "2026-11-25T03:00:00Z", "region": "eu-west-1",
                 "resources": [f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/lifeboat-dump"], "detail": {}}
        first, second = backup.invoke(event), backup.invoke(event)
        results = (first or {}).get("results", [])
        check(len(results) == 1 and results[0].get("status") == "CREATED", f"scheduled event makes a backup: {first}")
        check(second.get("results", [{}])[0].get("status") == "ALREADY_EXISTED",
              f"the same event again makes none: {second}")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="lifeboat/").get("Contents", [])]
        manifests = [k for k in keys if k.endswith(".manifest.json")]
        check(len(manifests) == 1, f"one manifest in the vault: {keys}")
        if manifests:
            parts = json.loads(s3.get_object(Bucket=bucket, Key=manifests[0])["Body"].read()).get("parts") or []
            check(len(parts) == 2, f"a parallel dump (two data parts beside the schema) under the capped heap: {parts}")
        check(any("Picked up JAVA_TOOL_OPTIONS: " + dump_java in line for line in backup.lines()),
              "the JVM took the heap cap from JAVA_TOOL_OPTIONS")
        logs = backup.json_lines()
        check(any(j.get("service") == "lifeboat-backup" and j.get("level") == "INFO" for j in logs),
              "structured JSON log lines from Powertools, service lifeboat-backup")
        check(bool(backup.emf("DumpBytes")) and bool(backup.emf("DumpSuccess")), "EMF lines for DumpBytes and DumpSuccess")
        check(all(PG["password"] not in line for line in backup.lines()), "no database password in the function's log")

        log("backup function: a bad payload")
        bad = backup.invoke({"database": "billing"})
        check("errorMessage" in bad and "billing" in bad["errorMessage"] and "orders" in bad["errorMessage"],
              f"an unknown database is named with the configured ones: {bad}")
    finally:
        backup.stop()

    # The restore function: the dump back into a new database, compared table by table.
    log("restore function: a dump restore payload")
    restore = Function("restore-function", dict(common, LIFEBOAT_CONFIG_YAML=json.dumps(config),
                                                JAVA_TOOL_OPTIONS=restore_java))
    try:
        r = restore.invoke({"database": "orders", "from": "dump", "targetSecretArn": target_secret,
                            "targetDatabase": restored_db, "create": True})
        check(r.get("status") == "AVAILABLE", f"dump restore completes: {r}")
        before, after = table_digest(source_db), table_digest(restored_db)
        check(before == after and before.get("orders", (0,))[0] == 5000 and before.get("lines", (0,))[0] == 20000,
              f"every table's rows are identical after the restore: {before} vs {after}")
        bad = restore.invoke({"database": "orders", "from": "tape"})
        check("errorMessage" in bad and "'from'" in bad["errorMessage"] and "snapshot" in bad["errorMessage"],
              f"a bad restore source names the field and the choices: {bad}")
        check(any(j.get("service") == "lifeboat-restore" for j in restore.json_lines()),
              "structured JSON log lines, service lifeboat-restore")
    finally:
        restore.stop()

    # The snapshot pipeline step (the backup image with CMD overridden, as the CDK app deploys it),
    # driven the way the state machine drives it: the output is the next input until DONE.
    log("snapshot step: a Step Functions step, until DONE")
    rds = boto3.client("rds", **aws)
    rds.create_db_instance(DBInstanceIdentifier=f"rie-{run}", Engine="postgres", EngineVersion="16.4",
                           DBInstanceClass="db.t4g.micro", AllocatedStorage=20, MasterUsername="app",
                           MasterUserPassword="not-a-real-password-1")
    step_config = json.loads(json.dumps(config))
    step_config["databases"]["orders"]["schedules"] = {"snapshot": "cron(0 3 * * ? *)", "window": "2h"}
    step = Function("backup-function", dict(common, LIFEBOAT_CONFIG_YAML=json.dumps(step_config)),
                    handler="dev.lifeboat.backup.SnapshotStepHandler::handleRequest")
    try:
        state = {"database": "orders", "runId": "2026-11-25T03:00:00Z"}
        for _ in range(10):
            state = step.invoke(state)
            if state.get("status") != "IN_PROGRESS":
                break
        check(state.get("status") == "DONE" and "snapshotArn" in state, f"the step reaches DONE with a copy: {state}")
        check(bool(step.emf("SnapshotRunDone")), "EMF line for SnapshotRunDone")
        bad = step.invoke({"database": "orders", "runId": "yesterday"})
        check("errorMessage" in bad and "runId" in bad["errorMessage"], f"a bad runId is named: {bad}")

        # The fleet's fan-out (issue 16): one schedule's firing starts the pipeline's execution by name, once.
        sfn = boto3.client("stepfunctions", endpoint_url=ENDPOINT, region_name="eu-central-1")
        if not any(m["name"] == "lifeboat-snapshot-pipeline" for m in sfn.list_state_machines()["stateMachines"]):
            sfn.create_state_machine(name="lifeboat-snapshot-pipeline", roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn",
                                     definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}))
        firing = {"action": "fanout", "job": "snapshot", "schedule": "cron(0 3 * * ? *)",
                  "runId": f"2026-11-{10 + int(run[:2], 16) % 15}T03:00:00Z"}
        first, again = step.invoke(firing), step.invoke(firing)
        check(len(first.get("started", [])) == 1 and first["started"][0].startswith("orders-s-"),
              f"the firing starts orders' run: {first}")
        check(again.get("alreadyStarted") == first.get("started") and not again.get("started"),
              f"the same firing again starts nothing: {again}")
        check(bool(step.emf("RunsStarted")), "EMF line RunsStarted")
    finally:
        step.stop()

    # The verification step (the restore image with CMD overridden), driven as the state machine drives it,
    # on the copy the snapshot step just made. moto's instance has no server behind its endpoint, so the
    # check cannot log in: with a 60 s function timeout the step must give up within its invocation, then
    # clean up and report, where it once waited for the run's 60-minute limit and was killed mid-step.
    log("verification step: a run whose instance never answers, under a 60 s function timeout; the sweeper")
    # The image's RDS CA bundle is fetched at image build; here the test CA stands in for it.
    verify = Function("restore-function", dict(common, LIFEBOAT_CONFIG_YAML=json.dumps(config),
                                               JAVA_TOOL_OPTIONS=restore_java,
                                               AWS_LAMBDA_FUNCTION_TIMEOUT="60",
                                               LIFEBOAT_RDS_CA_BUNDLE=os.environ["LIFEBOAT_TEST_TLS_CA"]),
                      handler="dev.lifeboat.restore.VerificationStepHandler::handleRequest")
    try:
        state, actions = {"action": "start", "database": "orders", "runId": "2026-11-30T06:00:00Z"}, []
        for _ in range(20):
            began = time.monotonic()
            state = verify.invoke(state)
            took = time.monotonic() - began
            actions.append(state.get("action") or state.get("errorMessage"))
            check(took < 60, f"the step before '{actions[-1]}' ends within the function's timeout ({took:.1f} s)")
            if state.get("action") not in ("poll", "check", "cleanup", "finish"):
                break
        check(actions[-4:] == ["check", "cleanup", "finish", "done"] and state.get("success") is False,
              f"the run goes check, cleanup, finish, done, failed: {actions}")
        check("cannot read the server version" in state.get("message", ""),
              f"the message says why: {state.get('message')}")
        instance = (state.get("report") or {}).get("instance")
        left = [d["DBInstanceIdentifier"] for d in boto3.client("rds", endpoint_url=ENDPOINT, region_name="eu-central-1")
                .describe_db_instances()["DBInstances"]]
        check(instance is not None and instance not in left, f"the throwaway instance {instance} is deleted: {left}")
        reports = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="lifeboat/verifications/orders/")
                   .get("Contents", [])]
        check(len(reports) == 1, f"its report is in the vault: {reports}")
        check(any(m.get("VerificationSuccess") == 0 for m in verify.emf("VerificationSuccess")),
              "EMF line VerificationSuccess 0")
        swept = verify.invoke({"action": "sweep"})
        check(swept.get("action") == "done" and swept.get("success") is True, f"the sweeper runs: {swept}")
        bad = verify.invoke({"action": "chek", "database": "orders", "run": {"databaseId": "orders"}})
        check("errorMessage" in bad and "'chek'" in bad["errorMessage"] and "poll" in bad["errorMessage"],
              f"a bad step names the valid ones: {bad}")
    finally:
        verify.stop()

    # The audit function (the backup image with CMD overridden): the scheduled audit, and the alert on a forwarded
    # deletion, delivered through moto's SNS to an HTTP subscriber of this script.
    log("audit function: the scheduled audit, and the alert on a forwarded DeleteDBInstance")
    received = []

    class Subscriber(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Subscriber)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sns = boto3.client("sns", endpoint_url=ENDPOINT, region_name="eu-central-1")
    topic = sns.create_topic(Name=f"lifeboat-alarms-{run}")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=f"http://127.0.0.1:{server.server_address[1]}/")
    audit_config = json.loads(json.dumps(config))
    audit_config["databases"]["orders"]["schedules"] = {"dump": "cron(0 3 * * ? *)"}
    # lifeboat.yml as the CDK app publishes it (issue 16): an S3 object, its location and SHA-256 in the environment.
    document = json.dumps(audit_config).encode()
    s3.put_object(Bucket=bucket, Key="config/lifeboat.json", Body=document)
    published = {"LIFEBOAT_CONFIG_S3": f"s3://{bucket}/config/lifeboat.json",
                 "LIFEBOAT_CONFIG_SHA256": hashlib.sha256(document).hexdigest()}
    tampered = Function("backup-function", dict(common, LIFEBOAT_ALARM_TOPIC_ARN=topic, **dict(
                            published, LIFEBOAT_CONFIG_SHA256=hashlib.sha256(b"another document").hexdigest())),
                        handler="dev.lifeboat.backup.AuditHandler::handleRequest")
    try:
        try:
            refused = json.dumps(tampered.invoke({"action": "audit"}))
        except urllib.error.HTTPError as e:  # the emulator answers a failed init with 502
            refused = e.read().decode(errors="replace") + "\n".join(tampered.lines())
        check(hashlib.sha256(document).hexdigest() in refused and "changed outside cdk deploy" in refused,
              f"a function whose published lifeboat.yml is not the deployed one refuses to start: {refused[-600:]}")
    finally:
        tampered.stop()
    audit = Function("backup-function", dict(common, LIFEBOAT_ALARM_TOPIC_ARN=topic, **published),
                     handler="dev.lifeboat.backup.AuditHandler::handleRequest")
    try:
        found = audit.invoke({"action": "audit"})
        problems = [f.get("problem") for f in found.get("findings", []) if f.get("identifier") == f"rie-{run}"]
        check("deletion protection is off" in problems, f"the audit finds moto's instance unprotected: {found}")
        check(any(m.get("Severity") == "HIGH" for m in audit.emf("AuditFindings")),
              "EMF line AuditFindings, Severity HIGH")
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
                 "source": "aws.rds", "account": ACCOUNT, "region": "eu-west-1", "time": "2026-11-26T23:04:00Z",
                 "detail": {"eventName": "DeleteDBInstance", "eventSource": "rds.amazonaws.com",
                            "userIdentity": {"arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/terraform/agent"},
                            "requestParameters": {"dBInstanceIdentifier": f"rie-{run}"}}}
        alerted = audit.invoke(event)
        check(alerted.get("database") == "orders", f"the deletion is matched to orders: {alerted}")
        deadline = time.time() + 20
        while time.time() < deadline and not any(n.get("Type") == "Notification" for n in received):
            time.sleep(0.2)
        notes = [n for n in received if n.get("Type") == "Notification"]
        message = notes[0].get("Message", "") if notes else ""
        check(bool(notes) and notes[0].get("Subject") == "Lifeboat: DeleteDBInstance of orders in "
              f"{ACCOUNT}/eu-west-1", f"the alert reaches the topic's subscriber: {notes}")
        check("newest good snapshot copy: lifeboat-orders-20261125-0300" in message
              and "newest good dump: " in message and "Restore with: lifeboat restore" in message,
              f"the alert names the newest copy and dump and how to restore: {message}")
        digest = audit.invoke({"action": "digest"})
        deadline = time.time() + 20
        while time.time() < deadline and not any(n.get("Type") == "Notification"
                                                 and n.get("Subject", "").startswith("Lifeboat daily")
                                                 for n in received):
            time.sleep(0.2)
        daily = [n for n in received if n.get("Type") == "Notification"
                 and n.get("Subject", "").startswith("Lifeboat daily")]
        body = daily[0].get("Message", "") if daily else ""
        check(bool(daily) and "newest dump: " in body and "orders (" in body
              and "If a day passes without this message" in body,
              f"the daily digest reaches the topic's subscriber, every database in it: {digest} {body[:400]}")
        bad = audit.invoke({"action": "audti"})
        check("errorMessage" in bad and '{"action": "audit"}' in bad["errorMessage"],
              f"a bad payload says what the function takes: {bad}")
    finally:
        audit.stop()
        server.shutdown()

    psql("postgres", f"DROP DATABASE IF EXISTS {restored_db}")
    psql("postgres", f"DROP DATABASE IF EXISTS {source_db}")
    if FAILURES:
        log(f"{len(FAILURES)} failed; the functions' logs are in {os.path.join(CACHE, 'lambda')}")
        sys.exit(1)
    log("every function ran under the runtime interface client and emulator as its image runs it")


if __name__ == "__main__":
    main()
