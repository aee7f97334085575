package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.testing.FakeLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestoreHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Location VAULT = new Location("222222222222", "eu-central-1");
    /** The morning after the newest copy: every part reads this one clock, so the test passes on any date. */
    private final Clock clock = Clock.fixed(java.time.Instant.parse("2026-11-26T06:00:00Z"), java.time.ZoneOffset.UTC);

    private final InMemoryRds rds = new InMemoryRds(clock);
    private RestoreHandler handler;

    @BeforeEach
    void setUp() {
        var config = TestConfigs.orders("vault: s3://vault/lifeboat", "", "");
        rds.put(Copies.ordersCopy(VAULT));
        handler = new RestoreHandler(
                config,
                rds,
                InMemoryVault::new,
                id -> {
                    throw new AssertionError("no secrets in this test");
                },
                new FakeInspector(),
                new FakeDumpTools(),
                clock);
    }

    @Test
    void inTheFunction_aDumpWhoseDatabaseDumpsOnFargate_isRefusedUpFront_namingTheTasksStateMachine() throws Exception {
        var config = TestConfigs.orders("vault: s3://vault/lifeboat", "", """
                dump:
                  secretArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-AbCdEf
                  runOn: fargate
                """);
        InMemoryVault vault = new InMemoryVault();
        dev.lifeboat.core.testing.FakeDumps.take(vault, "orders", clock);
        List<String> secretsRead = new java.util.ArrayList<>();
        RestoreHandler inLambda = new RestoreHandler(
                config,
                rds,
                null,
                () -> vault,
                id -> {
                    secretsRead.add(id);
                    throw new AssertionError("refused before any secret is read");
                },
                new FakeInspector(),
                new FakeDumpTools(),
                clock,
                null,
                true);
        JsonNode payload = JSON.readTree("""
                {"database": "orders", "from": "dump", "targetSecretArn": "arn:aws:secretsmanager:eu-central-1:222222222222:secret:t",
                 "targetDatabase": "orders_restored", "create": true}""");

        assertThatThrownBy(() -> inLambda.handle(payload))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("too large to restore within Lambda's 15 minutes")
                .hasMessageContaining("dump.runOn is fargate")
                .satisfies(e -> assertThat(((InvalidInputException) e).describe())
                        .contains("aws stepfunctions start-execution --state-machine-arn"
                                + " arn:aws:states:eu-central-1:222222222222:stateMachine:lifeboat-dump-restores")
                        .contains("\"targetDatabase\":\"orders_restored\""));
        assertThat(secretsRead).isEmpty();
        // The task runs the same handler without the refusal (it gets as far as the secret here).
        RestoreHandler onFargate = new RestoreHandler(
                config,
                rds,
                null,
                () -> vault,
                id -> {
                    secretsRead.add(id);
                    throw new InvalidInputException("no such secret in this test", "none");
                },
                new FakeInspector(),
                new FakeDumpTools(),
                clock,
                null,
                false);
        assertThatThrownBy(() -> onFargate.handle(payload)).hasMessageContaining("no such secret in this test");
        assertThat(secretsRead).hasSize(1);
    }

    /** Issue 13: the payload's singleTransaction loads a parallel backup through one session, as --single-transaction. */
    @Test
    void singleTransaction_inThePayload_loadsAParallelBackupThroughOneSession() throws Exception {
        var config = TestConfigs.orders("vault: s3://vault/lifeboat", "", "");
        InMemoryVault vault = new InMemoryVault();
        FakeInspector inspector = new FakeInspector();
        inspector.tableSizes = List.of(
                new dev.lifeboat.core.model.TableSize("public", "a", 300),
                new dev.lifeboat.core.model.TableSize("public", "b", 200));
        FakeDumpTools tools = new FakeDumpTools();
        dev.lifeboat.core.model.DatabaseTarget source = new dev.lifeboat.core.model.DatabaseTarget(
                dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL,
                "db",
                5432,
                "app",
                "u",
                dev.lifeboat.core.model.Secret.of("p"));
        new dev.lifeboat.core.dump.TakingDump(
                        vault, inspector, tools, clock, dev.lifeboat.core.dump.TakingDump.Settings.DEFAULTS.withJobs(2))
                .dump(new dev.lifeboat.core.dump.TakingDump.Command("orders", source, null, null));
        RestoreHandler h = new RestoreHandler(config, rds, () -> vault, id -> source, inspector, tools, clock);

        JsonNode out = h.handle(JSON.readTree("""
                {"database": "orders", "from": "dump", "targetSecretArn": "arn:aws:secretsmanager:eu-central-1:222222222222:secret:t",
                 "targetDatabase": "orders_restored", "create": true, "singleTransaction": true}"""));

        assertThat(out.path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(tools.sessionsStarted).isEqualTo(1);
        assertThat(tools.loadsStarted).isZero();
    }

    /**
     * Issue 35: the payload reaches what the command line does: {@code jobs} and {@code keepOwnership} are the
     * load's, a wrong type is refused naming the field, and jobs 0 is refused in the payload's words.
     */
    @Test
    void jobsAndKeepOwnership_inThePayload_areTheLoads_andBadValuesAreRefusedByField() throws Exception {
        var config = TestConfigs.orders("vault: s3://vault/lifeboat", "", "");
        InMemoryVault vault = new InMemoryVault();
        FakeInspector inspector = new FakeInspector();
        inspector.tableSizes = List.of(
                new dev.lifeboat.core.model.TableSize("public", "a", 300),
                new dev.lifeboat.core.model.TableSize("public", "b", 200));
        FakeDumpTools tools = new FakeDumpTools();
        dev.lifeboat.core.model.DatabaseTarget source = new dev.lifeboat.core.model.DatabaseTarget(
                dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL,
                "db",
                5432,
                "app",
                "u",
                dev.lifeboat.core.model.Secret.of("p"));
        new dev.lifeboat.core.dump.TakingDump(
                        vault, inspector, tools, clock, dev.lifeboat.core.dump.TakingDump.Settings.DEFAULTS.withJobs(2))
                .dump(new dev.lifeboat.core.dump.TakingDump.Command("orders", source, null, null));
        RestoreHandler h = new RestoreHandler(config, rds, () -> vault, id -> source, inspector, tools, clock);
        String base = """
                {"database": "orders", "from": "dump", "targetSecretArn": "arn:aws:secretsmanager:eu-central-1:222222222222:secret:t",
                 "targetDatabase": "%s", "create": true%s}""";

        JsonNode out = h.handle(JSON.readTree(base.formatted("orders_a", ", \"jobs\": 3, \"keepOwnership\": true")));

        assertThat(out.path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(tools.loadOptions)
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.keepOwnership()).isTrue());
        assertThat(tools.loadOptions).anySatisfy(o -> assertThat(o.jobs()).isEqualTo(3));

        tools.loadOptions.clear();
        h.handle(JSON.readTree(base.formatted("orders_b", "")));
        assertThat(tools.loadOptions)
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.keepOwnership()).isFalse());

        int loads = tools.loadsStarted + tools.scripts.size();
        assertThatThrownBy(() -> h.handle(JSON.readTree(base.formatted("orders_c", ", \"jobs\": \"3\""))))
                .hasMessageContaining("field 'jobs' must be a whole number");
        assertThatThrownBy(() -> h.handle(JSON.readTree(base.formatted("orders_c", ", \"jobs\": 2.5"))))
                .hasMessageContaining("field 'jobs' must be a whole number");
        assertThatThrownBy(() -> h.handle(JSON.readTree(base.formatted("orders_c", ", \"keepOwnership\": \"yes\""))))
                .hasMessageContaining("field 'keepOwnership' must be true or false");
        assertThatThrownBy(() -> h.handle(JSON.readTree(base.formatted("orders_c", ", \"jobs\": 0"))))
                .isInstanceOfSatisfying(
                        dev.lifeboat.core.error.LifeboatException.class,
                        e -> assertThat(e.describe(dev.lifeboat.protocol.Vocabulary.PAYLOAD))
                                .contains("give field 'jobs' 1 or more")
                                .doesNotContain("--jobs"));
        assertThat(tools.loadsStarted + tools.scripts.size()).isEqualTo(loads);
    }

    /** Issue 35: a Param's payload field is one a restore payload takes, so an error never names a field that is not. */
    @Test
    void everyParamsPayloadField_isAFieldOfARestorePayload() {
        java.util.Set<String> fields = new java.util.HashSet<>();
        dev.lifeboat.protocol.request.RestoreRequest.kinds()
                .forEach(k -> fields.addAll(dev.lifeboat.protocol.request.RestoreRequest.fields(k)));
        for (dev.lifeboat.protocol.Param p : dev.lifeboat.protocol.Param.values()) {
            if (p.field() != null) {
                assertThat(fields).as("%s's field", p.name()).contains(p.field());
            }
        }
    }

    @Test
    void dryRun_returnsThePlan_andCreatesNothing() throws Exception {
        JsonNode out = handler.handle(JSON.readTree("""
                {"database": "orders", "from": "snapshot", "backup": "latest", "targetInstance": "orders-restored",
                 "instanceClass": "db.r6g.large", "subnetGroup": "prod-db", "securityGroups": ["sg-0abc"], "dryRun": true}"""));

        assertThat(out.path("status").asText()).isEqualTo("PLANNED");
        assertThat(out.at("/plan/0/api").asText()).isEqualTo("RestoreDBInstanceFromDBSnapshot");
        assertThat(out.at("/plan/0/detail").asText())
                .contains(
                        "DBInstanceClass=db.r6g.large",
                        "DBSubnetGroupName=prod-db",
                        "VpcSecurityGroupIds=sg-0abc",
                        "DeletionProtection=true");
        assertThat(rds.calls).isEmpty();
    }

    @Test
    void invokedAgainWithTheSamePayload_followsTheRestoreToItsEndpoint() throws Exception {
        JsonNode payload = JSON.readTree("""
                {"database": "orders", "from": "snapshot", "targetInstance": "orders-restored"}""");
        JsonNode out = handler.handle(payload);
        for (int i = 0; i < 10 && !"AVAILABLE".equals(out.path("status").asText()); i++) {
            out = handler.handle(payload);
        }

        assertThat(out.path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(out.path("endpoint").asText()).isEqualTo("orders-restored.eu-central-1.rds.example:5432");
        assertThat(rds.restores).hasSize(1);
    }

    @Test
    void badPayloads_nameTheFieldAndTheChoices_andCreateNothing() {
        assertError("{\"from\": \"snapshot\"}", "field 'database' is missing", "docs/runbook.md");
        assertError(
                "{\"database\": \"billing\", \"from\": \"snapshot\", \"targetInstance\": \"x\"}",
                "field 'database': 'billing' is not configured",
                "valid: orders");
        assertError(
                "{\"database\": \"orders\", \"from\": \"tape\"}",
                "field 'from': 'tape' is not a restore source",
                "valid: snapshot, dump");
        assertError(
                "{\"database\": \"orders\", \"from\": \"snapshot\", \"targetInstance\": \"x\", \"create\": true}",
                "field 'create' does not apply to a snapshot restore",
                "valid fields: backup, createNetwork, database,");
        assertError(
                "{\"database\": \"orders\", \"from\": \"snapshot\", \"targetInstance\": \"x-1\", \"targetRegion\": \"mars-1\","
                        + " \"targetKmsKeyArn\": \"k\"}",
                "target region 'mars-1' is not an AWS Region",
                "eu-west-1");
        assertError(
                "{\"database\": \"orders\", \"from\": \"dump\"}",
                "field 'targetSecretArn' is missing",
                "docs/runbook.md");
        assertThat(rds.calls).isEmpty();
    }

    /**
     * Regression (issue 10, item 6): "dryRun": "True" was read as false and started a real restore, a string
     * security group was dropped, and a numeric targetInstance was reported as missing.
     */
    @Test
    void fieldsOfTheWrongJsonType_areRefusedNamingTheType_andNothingIsCalled() {
        for (String dryRun : List.of("\"True\"", "\"yes\"", "1")) {
            assertError(
                    "{\"database\": \"orders\", \"from\": \"snapshot\", \"targetInstance\": \"x\", \"dryRun\": "
                            + dryRun + "}",
                    "field 'dryRun' must be true or false (a JSON boolean, without quotes), not " + dryRun,
                    "docs/runbook.md");
        }
        assertError(
                "{\"database\": \"orders\", \"from\": \"snapshot\", \"targetInstance\": \"x\", \"securityGroups\": \"sg-x\"}",
                "field 'securityGroups' must be a list of strings",
                "docs/runbook.md");
        assertError(
                "{\"database\": \"orders\", \"from\": \"snapshot\", \"targetInstance\": 123}",
                "field 'targetInstance' must be a string (in quotes), not 123",
                "docs/runbook.md");
        assertThat(rds.calls).isEmpty();
        assertThat(rds.restores).isEmpty();
    }

    @Test
    void throughLambda_theErrorMessageCarriesTheValidChoicesToo() {
        var in = new ByteArrayInputStream(
                "{\"database\": \"billing\", \"from\": \"snapshot\", \"targetInstance\": \"x\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> handler.handleRequest(in, new ByteArrayOutputStream(), new FakeLambdaContext()))
                .isInstanceOf(LambdaFailure.class)
                .hasMessage("field 'database': 'billing' is not configured. valid: orders");
    }

    private void assertError(String payload, String message, String hint) {
        assertThatThrownBy(() -> handler.handle(JSON.readTree(payload)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).contains(hint));
    }

    /**
     * Issue 35: the function reads the one restore request type; an option it cannot carry out is refused by name,
     * saying where it runs, and a field given twice is refused rather than resolved by whichever came last.
     */
    @Test
    void optionsTheFunctionCannotCarryOut_areRefusedByName_andNothingIsCalled() {
        assertError(
                "{\"database\": \"orders\", \"from\": \"dump\", \"createInstance\": \"orders-new\"}",
                "field 'createInstance' is not available from the restore function",
                "lifeboat restore --from dump --create-instance 'orders-new'");
        assertError(
                "{\"database\": \"orders\", \"from\": \"dump\", \"targetSecretArn\": \"arn:s\","
                        + " \"toTime\": \"2026-12-05T22:59:30Z\"}",
                "field 'toTime' is not available from the restore function",
                "--to-time 2026-12-05T22:59:30Z");
        var twice = new ByteArrayInputStream(("{\"database\": \"orders\", \"from\": \"snapshot\","
                        + " \"targetInstance\": \"x\", \"dryRun\": true, \"dryRun\": false}")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> handler.handleRequest(twice, new ByteArrayOutputStream(), new FakeLambdaContext()))
                .isInstanceOf(LambdaFailure.class)
                .hasMessageContaining("dryRun");
        assertThat(rds.calls).isEmpty();
        assertThat(rds.restores).isEmpty();
    }

    /**
     * Which limit stopped a restore decides what it is told (review of eeb6de4): the request's timeoutMinutes only
     * when it is shorter than the invocation allows; at or above it, raising it gives nothing, so the function points
     * to the Fargate task or the command line and the task to the command line's --timeout-minutes.
     */
    @Test
    void theLimitThatStoppedARestore_decidesWhatItIsTold() {
        Duration fifteen = Duration.ofMinutes(14);
        assertThat(RestoreHandler.requestsLimit(null, fifteen)).isFalse();
        assertThat(RestoreHandler.requestsLimit(13, fifteen)).isTrue();
        assertThat(RestoreHandler.requestsLimit(14, fifteen))
                .as("equal: the invocation stops it too")
                .isFalse();
        assertThat(RestoreHandler.requestsLimit(15, fifteen)).isFalse();
        assertThat(RestoreHandler.requestsLimit(720, RestoreTask.TIMEOUT)).isFalse();
        assertThat(RestoreHandler.requestsLimit(719, RestoreTask.TIMEOUT)).isTrue();
        assertThat(RestoreHandler.outOfTime(true, fifteen))
                .contains("Fargate task")
                .doesNotContain("timeoutMinutes");
        assertThat(RestoreHandler.outOfTime(false, RestoreTask.TIMEOUT))
                .contains("--timeout-minutes above 720")
                .doesNotContain("field");
    }

    /** A dump restore loads for as long as the invocation has left, less the margin; with none left it refuses. */
    @Test
    void aDumpRestoreWithNoTimeLeft_isRefusedBeforeAnythingMoves() {
        assertThatThrownBy(() -> handler.handle(
                        JSON.readTree("{\"database\": \"orders\", \"from\": \"dump\", \"targetSecretArn\": \"x\"}"),
                        Duration.ZERO))
                .hasMessageContaining("too little time left in this invocation to restore a dump");
        assertThat(rds.calls).isEmpty();
    }
}
