package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the guard against real backups: a PostgreSQL dump taken by the real dump path into a local vault, a
 * destroy plan written in the documented JSON plan format, and lifeboat.yml naming the database.
 */
@ExtendWith(RealParts.class)
class GuardCommandIT {
    private Path dir;
    private Path config;
    private Path plan;
    private Path vault;

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        this.dir = dir;
        vault = dir.resolve("vault");
        config = dir.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                  vaultRetentionDays: 1098
                databases:
                  orders:
                    engine: postgres
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: orders-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-orders
                    retention: {daily: 7}
                """);
        plan = dir.resolve("plan.json");
        Files.writeString(plan, """
                {"format_version": "1.2", "resource_changes": [
                  {"address": "aws_db_instance.orders", "mode": "managed", "type": "aws_db_instance", "name": "orders",
                   "change": {"actions": ["delete"], "after": null,
                              "before": {"identifier": "orders-prod", "deletion_protection": false,
                                         "arn": "arn:aws:rds:eu-west-1:111111111111:db:orders-prod"}}}]}
                """);
    }

    private DumpManifest aDumpOfOrders(PostgresServer pg) {
        DatabaseTarget db = pg.newDatabase("guard");
        Fixtures.loadTricky(pg, db.database());
        return Wiring.dumping(new LocalDirectoryVault(vault))
                .dump(new TakingDump.Command("orders", db, null, null))
                .manifest();
    }

    private InProcessLifeboat cli(DumpManifest m, Duration after) {
        return new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .at(Clock.fixed(m.startedAt().plus(after), ZoneOffset.UTC));
    }

    private String[] guard(String... more) {
        String[] base = {"guard", "--config", config.toString(), "--vault", "file:" + vault, "--no-snapshots"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aFreshDump_allows_anOldOne_refuses_sayingWhatFixesIt(PostgresServer pg) {
        DumpManifest m = aDumpOfOrders(pg);

        InProcessLifeboat fresh = cli(m, Duration.ofHours(2));
        assertThat(fresh.run(guard("--plan", plan.toString()))).as(fresh.err()).isEqualTo(ExitCode.OK);
        assertThat(fresh.out())
                .contains("ok      aws_db_instance.orders (orders-prod)")
                .contains("newest good dump: " + m.startedAt())
                .contains("deletion protection is off")
                .contains("allowed:");

        InProcessLifeboat old = cli(m, Duration.ofHours(30));
        assertThat(old.run(guard("--plan", plan.toString()))).as(old.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(old.out())
                .contains("REFUSED aws_db_instance.orders (orders-prod)")
                .contains("the newest good backup of orders is older than 26 h")
                .contains("fix: lifeboat snapshot --config lifeboat.yml --database orders --wait");
        assertThat(old.run(guard("--plan", plan.toString(), "--max-age", "2d"))).isEqualTo(ExitCode.OK);
    }

    @Test
    void noDumpAtAll_refuses_andJsonSaysSoToMachines(PostgresServer pg) {
        DumpManifest m = aDumpOfOrders(pg);
        vault = dir.resolve("empty-vault");
        InProcessLifeboat cli = cli(m, Duration.ofHours(1));

        assertThat(cli.run(guard("--plan", plan.toString(), "--format", "json")))
                .isEqualTo(ExitCode.REFUSED);
        assertThat(cli.out()).contains("\"allowed\" : false").contains("no good backup of orders");
    }

    @Test
    void notAPlan_isBadInput() {
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1");
        assertThat(cli.run(guard("--plan", config.toString()))).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("is not JSON");
    }

    /** The hook: a coding agent's pre-command JSON on stdin; exit 2 blocks, with the reason on stderr. */
    @Test
    void theHook_blocksDestroyingCommands_unlessTheBackupIsFresh_andLetsTheRestThrough(PostgresServer pg) {
        DumpManifest m = aDumpOfOrders(pg);
        String delete = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":"
                + "\"aws rds delete-db-instance --db-instance-identifier orders-prod --skip-final-snapshot\"}}";

        // the agent's credentials are production's: the account the deletion runs in is orders-prod's
        InProcessLifeboat fresh = cli(m, Duration.ofHours(1))
                .env("AWS_ACCOUNT_ID", "111111111111")
                .input(delete);
        assertThat(fresh.run(guard("--hook"))).as(fresh.err()).isEqualTo(ExitCode.OK);

        InProcessLifeboat otherAccount = cli(m, Duration.ofHours(1))
                .env("AWS_ACCOUNT_ID", "333333333333")
                .input(delete);
        assertThat(otherAccount.run(guard("--hook"))).isEqualTo(2);
        assertThat(otherAccount.err()).contains("not protected by Lifeboat");

        InProcessLifeboat stale = cli(m, Duration.ofHours(40))
                .env("AWS_ACCOUNT_ID", "111111111111")
                .input(delete);
        assertThat(stale.run(guard("--hook"))).isEqualTo(2);
        assertThat(stale.err()).contains("blocked").contains("older than 26 h");

        InProcessLifeboat destroy = cli(m, Duration.ofHours(1)).input("cd infra && terraform destroy -auto-approve");
        assertThat(destroy.run(guard("--hook"))).isEqualTo(2);
        assertThat(destroy.err()).contains("blocked `terraform destroy`").contains("lifeboat guard --plan plan.json");

        InProcessLifeboat planOnly = cli(m, Duration.ofHours(40)).input("terraform plan -destroy -out plan.out");
        assertThat(planOnly.run(guard("--hook"))).isEqualTo(ExitCode.OK);
    }

    /**
     * The wrapper: `lifeboat guard -- terraform destroy` plans with -destroy, guards the plan, and applies exactly
     * that plan only when allowed. Terraform is a script of this test's own that records what it is asked and
     * shows the plan above (the wrapper's logic is under test, not Terraform's).
     */
    @Test
    void theWrapper_plansGuardsAndAppliesThatPlan_onlyWhenAllowed(PostgresServer pg) throws IOException {
        DumpManifest m = aDumpOfOrders(pg);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("terraform.log");
        Path terraform = bin.resolve("terraform");
        Files.writeString(terraform, """
                #!/bin/sh
                echo "$@" >> "$LOG"
                case "$1" in
                  plan) for a; do last=$a; done; echo planned > "$last" ;;
                  show) cat "$PLAN_JSON" ;;
                  apply) echo "applied" >> "$LOG" ;;
                esac
                """);
        terraform.toFile().setExecutable(true);
        String[] wrapped = {
            "guard",
            "--config",
            config.toString(),
            "--vault",
            "file:" + vault,
            "--no-snapshots",
            "--",
            "terraform",
            "destroy",
            "-auto-approve",
            "-var-file=prod.tfvars"
        };

        InProcessLifeboat stale = cli(m, Duration.ofHours(30))
                .env("PATH", bin + ":/usr/bin:/bin")
                .env("LOG", log.toString())
                .env("PLAN_JSON", plan.toString());
        assertThat(stale.run(wrapped)).as(stale.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(Files.readString(log))
                .contains("plan -destroy -var-file=prod.tfvars -out ")
                .contains("show -json ")
                .doesNotContain("applied");
        assertThat(stale.err()).contains("refused; nothing was applied");

        Files.delete(log);
        InProcessLifeboat fresh = cli(m, Duration.ofHours(2))
                .env("PATH", bin + ":/usr/bin:/bin")
                .env("LOG", log.toString())
                .env("PLAN_JSON", plan.toString());
        assertThat(fresh.run(wrapped)).as(fresh.err()).isEqualTo(ExitCode.OK);
        List<String> calls = Files.readAllLines(log);
        String planned = calls.getFirst().substring(calls.getFirst().lastIndexOf(' ') + 1);
        assertThat(calls).contains("apply " + planned, "applied");
    }

    /**
     * Issue 43: `drizzle-kit push --force` dropped a production database's tables. Through the wrapper with
     * --take-backup and no lifeboat.yml, the database DATABASE_URL names is dumped into a local vault and read back
     * before the tool runs; the tool (a script of this test's own that drops every table, as --force lets it) runs;
     * and the restore command the guard prints brings back every table identical.
     */
    @Test
    void takeBackup_beforeDrizzleKitPushForce_withoutAConfig_restoresIdentical(PostgresServer pg) throws IOException {
        DatabaseTarget db = pg.newDatabase("drizzle");
        Fixtures.loadTricky(pg, db.database());
        java.util.Map<String, String> before = Fingerprint.of(pg, db.database());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path ran = dir.resolve("drizzle.log");
        Path drizzle = bin.resolve("drizzle-kit");
        Files.writeString(drizzle, """
                #!/bin/sh
                echo "$@" >> "$RAN"
                psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
                """);
        assertThat(drizzle.toFile().setExecutable(true)).isTrue();
        String databaseUrl = "postgres://" + db.user() + ":" + pg.password() + "@" + db.host() + ":" + db.port() + "/"
                + db.database();
        Path localVault = dir.resolve("laptop-vault");
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("PATH", bin + ":/usr/bin:/bin")
                .env("RAN", ran.toString())
                .env("DATABASE_URL", databaseUrl);

        assertThat(cli.run("guard", "--", "drizzle-kit", "push", "--force"))
                .as("without --take-backup: refused, nothing ran")
                .isEqualTo(ExitCode.REFUSED);
        assertThat(cli.err()).contains("lifeboat guard --take-backup -- drizzle-kit push --force");
        assertThat(ran).doesNotExist();

        int code = cli.run(
                "guard", "--take-backup", "--vault", "file:" + localVault, "--", "drizzle-kit", "push", "--force");

        assertThat(code).as(cli.err()).isZero();
        assertThat(Files.readString(ran)).isEqualTo("push --force\n");
        assertThat(Fingerprint.of(pg, db.database()))
                .as("the tool dropped the tables")
                .isNotEqualTo(before);
        assertThat(cli.err())
                .contains("lifeboat guard: backed up postgresql://" + db.user() + "@")
                .contains("read back whole")
                .doesNotContain(pg.password());
        String restore = cli.err()
                .lines()
                .filter(l -> l.startsWith("lifeboat guard: restore it with: lifeboat restore "))
                .findFirst()
                .orElseThrow()
                .substring("lifeboat guard: restore it with: lifeboat ".length());
        assertThat(restore).contains("--vault file:" + localVault);

        InProcessLifeboat restoring =
                new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").env("PGPASSWORD", pg.password());
        assertThat(restoring.run(restore.split(" "))).as(restoring.err()).isZero();
        String restored = restore.substring(restore.lastIndexOf('/') + 1, restore.indexOf(" --create"));
        assertThat(Fingerprint.of(pg, restored)).isEqualTo(before);
    }

    /**
     * Issue 43: the hook takes the backup too. With --take-backup and no lifeboat.yml, a coding agent's
     * `drizzle-kit push --force` is allowed only once the database DATABASE_URL names was dumped into the vault and read
     * back, within the budget; the dump restores identical. A harmless command costs no dump; a destroyer the hook
     * cannot back up (terraform destroy without lifeboat.yml) is blocked, saying what to give; a budget that is not a
     * duration blocks too.
     */
    @Test
    void theHook_withTakeBackup_backsUpTheDatabaseADestroyerNames_thenAllowsIt(PostgresServer pg) throws IOException {
        DatabaseTarget db = pg.newDatabase("hookdrizzle");
        Fixtures.loadTricky(pg, db.database());
        java.util.Map<String, String> before = Fingerprint.of(pg, db.database());
        String databaseUrl = "postgres://" + db.user() + ":" + pg.password() + "@" + db.host() + ":" + db.port() + "/"
                + db.database();
        Path laptopVault = dir.resolve("hook-vault");
        String drizzle = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"npx drizzle-kit push --force\"}}";
        String[] hook = {"guard", "--hook", "--take-backup", "--budget", "60s", "--vault", "file:" + laptopVault};

        InProcessLifeboat harmless = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("DATABASE_URL", databaseUrl)
                .input("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"npx drizzle-kit generate\"}}");
        assertThat(harmless.run(hook)).as(harmless.err()).isZero();
        assertThat(laptopVault).doesNotExist();

        InProcessLifeboat agent = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("DATABASE_URL", databaseUrl)
                .input(drizzle);
        assertThat(agent.run(hook)).as(agent.err()).isZero();
        assertThat(agent.err())
                .contains("backed up postgresql://", "read back whole")
                .doesNotContain(pg.password());
        String restore = agent.err()
                .lines()
                .filter(l -> l.startsWith("lifeboat guard: restore it with: lifeboat restore "))
                .findFirst()
                .orElseThrow()
                .substring("lifeboat guard: restore it with: lifeboat ".length());
        pg.execute(db.database(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        InProcessLifeboat restoring =
                new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").env("PGPASSWORD", pg.password());
        assertThat(restoring.run(restore.split(" "))).as(restoring.err()).isZero();
        String restored = restore.substring(restore.lastIndexOf('/') + 1, restore.indexOf(" --create"));
        assertThat(Fingerprint.of(pg, restored)).isEqualTo(before);

        InProcessLifeboat terraform = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .input("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"terraform destroy -auto-approve\"}}");
        assertThat(terraform.run(hook)).isEqualTo(2);
        assertThat(terraform.err()).contains("blocked `terraform destroy", "--config lifeboat.yml");

        InProcessLifeboat badBudget = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("DATABASE_URL", databaseUrl)
                .input(drizzle);
        assertThat(badBudget.run(
                        "guard", "--hook", "--take-backup", "--budget", "soon", "--vault", "file:" + laptopVault))
                .isEqualTo(2);
        assertThat(badBudget.err()).contains("--budget 'soon'");
    }

    /** A backup that cannot be taken blocks the command: exit 3, and the tool never ran. */
    @Test
    void takeBackup_thatFails_runsNothing(PostgresServer pg) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path ran = dir.resolve("ran.log");
        Path prisma = bin.resolve("prisma");
        Files.writeString(prisma, "#!/bin/sh\necho ran >> \"$RAN\"\n");
        assertThat(prisma.toFile().setExecutable(true)).isTrue();
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("PATH", bin + ":/usr/bin:/bin")
                .env("RAN", ran.toString())
                .env("PGPASSWORD", pg.password())
                .env("DATABASE_URL", "postgresql://" + pg.user() + "@" + pg.host() + ":" + pg.port() + "/no_such_db");

        int code = cli.run(
                "guard", "--take-backup", "--vault", "file:" + dir.resolve("v"), "--", "prisma", "migrate", "reset");

        assertThat(code).as(cli.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(cli.err())
                .contains("the backup of postgresql://")
                .contains("failed")
                .contains("nothing ran");
        assertThat(ran).doesNotExist();

        InProcessLifeboat nobody = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("PATH", bin + ":/usr/bin:/bin")
                .env("RAN", ran.toString());
        assertThat(nobody.run("guard", "--take-backup", "--", "prisma", "migrate", "reset"))
                .as("no DATABASE_URL, no PG*: which database is not known")
                .isEqualTo(ExitCode.REFUSED);
        assertThat(nobody.err()).contains("cannot tell which database");
        assertThat(ran).doesNotExist();
    }

    /** --take-backup: a database short of a fresh backup is dumped from where it is reachable, then allowed. */
    @Test
    void takeBackup_dumpsTheDatabaseThatIsShort_thenAllows(PostgresServer pg) {
        DatabaseTarget db = pg.newDatabase("guardtake");
        Fixtures.loadTricky(pg, db.database());
        String url = "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database();
        InProcessLifeboat cli =
                new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").env("PGPASSWORD", pg.password());

        assertThat(cli.run(guard("--plan", plan.toString()))).isEqualTo(ExitCode.REFUSED);
        assertThat(cli.run(guard("--plan", plan.toString(), "--take-backup", "--source", "orders=" + url)))
                .as(cli.err())
                .isEqualTo(ExitCode.OK);
        assertThat(cli.err()).contains("lifeboat guard: took backup ").contains(" of orders");
        assertThat(cli.out()).contains("allowed:");
        assertThat(cli.run(guard("--plan", plan.toString())))
                .as("the backup stays: allowed without taking another")
                .isEqualTo(ExitCode.OK);
    }

    /**
     * --take-backup where no dump can be taken (no --source, no dump.secretArn): it starts a snapshot copy of the
     * database in moto (source eu-west-1, backup account eu-central-1) and follows it until the copy is available,
     * then allows; the same plan is allowed afterwards without taking another.
     */
    @Test
    void takeBackup_withoutADumpRoute_copiesASnapshotIntoTheBackupAccount_thenAllows(MotoServer moto)
            throws IOException {
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        String instance = "guard-" + run;
        // Its own database id: the shared moto keeps other runs' copies (the drill's of "orders"), which would count.
        String id = "orders" + run.replace("-", "");
        String key;
        try (var kms = software.amazon.awssdk.services.kms.KmsClient.builder()
                .endpointOverride(java.net.URI.create(moto.endpoint()))
                .region(software.amazon.awssdk.regions.Region.EU_CENTRAL_1)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build()) {
            key = kms.createKey(b -> b.description("lifeboat guard test"))
                    .keyMetadata()
                    .arn();
        }
        try (var rds = software.amazon.awssdk.services.rds.RdsClient.builder()
                .endpointOverride(java.net.URI.create(moto.endpoint()))
                .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build()) {
            rds.createDBInstance(b -> b.dbInstanceIdentifier(instance)
                    .engine("postgres")
                    .engineVersion("16.4")
                    .dbInstanceClass("db.t4g.micro")
                    .allocatedStorage(20)
                    .masterUsername("app")
                    .masterUserPassword("not-a-real-password-1"));
        }
        Path cfg = dir.resolve("moto.yml");
        Files.writeString(cfg, """
                backup:
                  account: "123456789012"
                  region: eu-central-1
                  kmsKeyArn: %s
                  vaultRetentionDays: 1098
                databases:
                  %s:
                    engine: postgres
                    source:
                      account: "123456789012"
                      region: eu-west-1
                      instance: %s
                      roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                      externalId: lifeboat-orders
                    snapshot: {mode: create, copyStrategy: single-step}
                    retention: {daily: 7}
                """.formatted(key, id, instance));
        Path destroy = dir.resolve("moto-plan.json");
        Files.writeString(
                destroy,
                Files.readString(plan).replace("orders-prod", instance).replace("111111111111", "123456789012"));
        InProcessLifeboat cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");
        String[] guard = {"guard", "--config", cfg.toString(), "--vault", "file:" + vault, "--plan", destroy.toString()
        };

        assertThat(cli.run(guard)).as(cli.err()).isEqualTo(ExitCode.REFUSED);
        String[] taking = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(guard),
                        java.util.stream.Stream.of("--take-backup", "--poll-seconds", "1"))
                .toArray(String[]::new);
        assertThat(cli.run(taking)).as(cli.err()).isEqualTo(ExitCode.OK);
        assertThat(cli.err())
                .contains("lifeboat guard: cannot dump " + id)
                .contains("lifeboat guard: snapshot copy of " + id + " available");
        assertThat(cli.out()).contains("newest snapshot copy: 20");
        assertThat(cli.run(guard))
                .as("the copy stays: allowed without taking another")
                .isEqualTo(ExitCode.OK);
    }
}
