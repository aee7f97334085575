package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.protocol.request.Requests;
import dev.lifeboat.testing.FakeLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** Review of 0e7ec78 (typed backup requests): each test names a finding and fails against that commit. */
class BackupRequestHostileTest {
    private final InMemoryVault vault = new InMemoryVault();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final BackupHandler handler = new BackupHandler(
            ConfigLoader.parse("""
                    backup:
                      account: "222222222222"
                      region: eu-central-1
                      kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                      vault: s3://vault/lifeboat
                    databases:
                      big:
                        engine: postgres
                        source: {account: "111111111111", region: eu-west-1, instance: big-prod,
                                 roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-big}
                        retention: {daily: 7}
                        dump: {secretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:big-AbCdEf", runOn: auto}
                    """, "test"),
            vault,
            arn -> {
                throw new AssertionError("a refused input reads no secret");
            },
            new FakeInspector(),
            tools,
            Clock.fixed(Instant.parse("2026-11-26T03:00:00Z"), ZoneOffset.UTC),
            MetricsFactory.getMetricsInstance());

    private String invoke(String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, new FakeLambdaContext());
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The commit says a field "given twice ... is refused", and Requests.tree (the strict parser) refuses it, but
     * BackupHandler.handleRequest parses its input with a plain ObjectMapper: the last value silently wins. Here a
     * route request naming an unconfigured database first and a configured one second is answered, not refused; the
     * same way {"database":"billing","database":"orders"} dumps only orders.
     */
    @Test
    void aFieldGivenTwiceInTheFunctionsInput_isRefused() {
        assertThatThrownBy(() -> invoke("{\"route\": true, \"database\": \"bgi\", \"database\": \"big\"}"))
                .isInstanceOf(LambdaFailure.class)
                .hasMessageContaining("given twice");
    }

    /** The same lenient parse reads the first JSON value and ignores whatever follows it. */
    @Test
    void trailingContentAfterTheInput_isRefused() {
        assertThatThrownBy(() -> invoke("{\"route\": true, \"database\": \"big\"} {\"database\": \"other\"}"))
                .isInstanceOf(LambdaFailure.class);
    }

    /**
     * "Exactly one of database and databases": the old reader refused an empty "databases" list; the record drops an
     * empty list before its check, so a payload giving both fields (one of them empty) is accepted.
     */
    @Test
    void aDatabaseWithAnEmptyDatabasesList_isRefusedAsBothGiven() {
        assertThatThrownBy(() ->
                        BackupHandler.read(Requests.tree("{\"database\": \"big\", \"databases\": []}"), Set.of("big")))
                .hasMessageContaining("databases");
    }

    /** A blank database id is reported as missing, though it was given (RouteQuery says "is empty"). */
    @Test
    void aBlankDatabase_isReportedAsEmpty_notMissing() {
        assertThatThrownBy(() -> BackupHandler.read(Requests.tree("{\"database\": \" \"}"), Set.of("big")))
                .hasMessageNotContaining("missing");
        assertThat(tools.dumpsStarted).isZero();
    }

    /**
     * The restore side names what a payload held only as a short scalar (eeb6de4: "the tasks log their errors, and a
     * payload may hold anything"); the backup function's "not configured" refusal echoes a database id of any length
     * (here 100,000 characters, with a newline that forges a log line) into its error and so into CloudWatch.
     */
    @Test
    void anUnconfiguredDatabase_isNotEchoedWhole() {
        String id = "x".repeat(100_000) + "\nERROR forged";
        assertThatThrownBy(() -> BackupHandler.read(
                        Requests.tree("{\"databases\": [\"big\", \"" + id.replace("\n", "\\n") + "\"]}"),
                        Set.of("big")))
                .satisfies(
                        e -> assertThat(e.getMessage()).hasSizeLessThan(1_000).doesNotContain("\n"));
    }
}
