package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemorySecretStore;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.verify.DumpFreshness;
import dev.lifeboat.core.verify.SweepingVerifications;
import dev.lifeboat.core.verify.VerifyingBackup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** The verification state machine's steps, fed their own output as the state machine does. */
class VerificationStepHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The morning after the newest copy: every part reads this one clock, so the test passes on any date. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T06:00:00Z"));

    private final InMemoryRds rds = new InMemoryRds(clock);
    private final InMemoryVault vault = new InMemoryVault();
    private final InMemorySecretStore store = new InMemorySecretStore();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream original;
    private LifeboatConfig config;

    @BeforeEach
    void setUp() {
        config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        Location loc = config.backup().location();
        rds.put(Copies.ordersCopy(loc));
        original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOut() {
        System.setOut(original);
    }

    private VerificationStepHandler handler() {
        VerifyingBackup v = new VerifyingBackup(
                rds, vault, new FakeInspector(), new FakeDumpTools(), store, EndpointResolver.DIRECT, clock, d -> {});
        return new VerificationStepHandler(
                config,
                v,
                new SweepingVerifications(rds, store, clock),
                new DumpFreshness(vault, clock),
                MetricsFactory.getMetricsInstance());
    }

    private List<String> runToDone(VerificationStepHandler h) throws Exception {
        List<String> actions = new ArrayList<>();
        JsonNode state = JSON.readTree("{\"action\": \"start\", \"database\": \"orders\"}");
        for (int i = 0; i < 20 && !"done".equals(state.path("action").asText()); i++) {
            state = JSON.readTree(JSON.writeValueAsString(h.step(state)));
            actions.add(state.path("action").asText());
        }
        lastState = state;
        return actions;
    }

    private JsonNode lastState;

    @Test
    void aPassingRun_goesThroughEveryStep_deletesItsInstanceAndSecret_andEmitsMetrics() throws Exception {
        FakeDumps.take(vault, "orders", clock);

        List<String> actions = runToDone(handler());

        assertThat(actions).startsWith("poll").containsSubsequence("check", "cleanup", "finish", "done");
        assertThat(lastState.path("success").asBoolean())
                .as(lastState.toString())
                .isTrue();
        assertThat(rds.calls).anyMatch(c -> c.startsWith("delete-database ") && c.contains("lifeboat-verify-orders-"));
        assertThat(store.names).isEmpty();
        assertThat(vault.list("verifications/orders/")).hasSize(1);
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("\"VerificationSuccess\"")
                .contains("\"RecoverySeconds\"")
                .contains("\"VerifiedBackupAgeHours\"");
    }

    @Test
    void aRetriedStart_ofTheSameScheduledRun_makesOneInstance() throws Exception {
        VerificationStepHandler h = handler();
        JsonNode start =
                JSON.readTree("{\"action\": \"start\", \"database\": \"orders\", \"runId\": \"2026-11-30T06:00:00Z\"}");

        JsonNode first = h.step(start);
        JsonNode second = h.step(start);

        assertThat(second.at("/run/instance").asText())
                .isEqualTo(first.at("/run/instance").asText())
                .isEqualTo("lifeboat-verify-orders-20261130t060000z");
        assertThat(rds.restores).hasSize(1);
    }

    @Test
    void theSweepAction_deletesExpiredVerificationInstancesOnly() throws Exception {
        Location loc = config.backup().location();
        rds.restore(
                loc,
                DbKind.INSTANCE,
                new RdsGateway.RestoreSpec(
                        "lifeboat-orders-20261125-0300",
                        "lifeboat-verify-orders-old",
                        "postgres",
                        "db.t4g.micro",
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        false,
                        Map.of(
                                VerifyingBackup.VERIFICATION,
                                "old",
                                VerifyingBackup.EXPIRES_AT,
                                "2020-01-01T00:00:00Z")));
        rds.addDatabase(loc, "orders-restored", "postgres", null);

        JsonNode out = handler().step(JSON.readTree("{\"action\": \"sweep\"}"));

        assertThat(out.path("deleted")).extracting(JsonNode::asText).containsExactly("lifeboat-verify-orders-old");
        assertThat(rds.database(loc, DbKind.INSTANCE, "orders-restored")).isPresent();
    }

    /** The DumpStale alarm's metric: computed here, in the backup account, from the vault's manifests. */
    @Test
    void theSweeper_saysHowOldTheNewestDumpIs_fromTheVault() throws Exception {
        JsonNode none = handler().step(JSON.readTree("{\"action\": \"sweep\"}"));
        assertThat(none.path("newestDumpAgeHours").has("orders"))
                .as("no dump yet: no data point")
                .isFalse();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain("\"NewestDumpAgeHours\"");

        FakeDumps.take(vault, "orders", clock);
        JsonNode out = handler().step(JSON.readTree("{\"action\": \"sweep\"}"));

        assertThat(out.at("/newestDumpAgeHours/orders").asDouble()).isBetween(0.0, 0.1);
        assertThat(out.path("newestDumpAgeHours").has("ledger"))
                .as("ledger has no dump schedule")
                .isFalse();
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("\"NewestDumpAgeHours\"")
                .contains("\"Database\":\"orders\"");
    }

    @Test
    void aFailingCheck_stillCleansUp_andReportsWhatFailed() throws Exception {
        List<String> actions = runToDone(handler()); // no dump in the vault: the dump check fails

        assertThat(actions).containsSubsequence("cleanup", "finish", "done");
        assertThat(lastState.path("success").asBoolean()).isFalse();
        assertThat(lastState.path("message").asText()).contains("FAILED").contains("dump restore: no dump of orders");
        assertThat(rds.calls).anyMatch(c -> c.startsWith("delete-database "));
        assertThat(store.names).isEmpty();
    }

    /** Regression (issue 9): the sweep stopped at the first failed delete, leaving the other instances running. */
    @Test
    void aSweep_goesOnPastAFailedDelete_andThenFailsNamingIt() throws Exception {
        Location loc = config.backup().location();
        for (String id : List.of("lifeboat-verify-orders-a", "lifeboat-verify-orders-b", "lifeboat-verify-orders-c")) {
            rds.restore(
                    loc,
                    DbKind.INSTANCE,
                    new RdsGateway.RestoreSpec(
                            "lifeboat-orders-20261125-0300",
                            id,
                            "postgres",
                            "db.t4g.micro",
                            null,
                            List.of(),
                            null,
                            null,
                            false,
                            false,
                            Map.of(
                                    VerifyingBackup.VERIFICATION,
                                    id,
                                    VerifyingBackup.EXPIRES_AT,
                                    "2020-01-01T00:00:00Z")));
        }
        rds.refuseDeleting.add("lifeboat-verify-orders-a");

        assertThatThrownBy(() -> handler().step(JSON.readTree("{\"action\": \"sweep\"}")))
                .hasMessageContaining("could not delete lifeboat-verify-orders-a")
                .hasMessageContaining("InvalidDBInstanceState");
        assertThat(rds.database(loc, DbKind.INSTANCE, "lifeboat-verify-orders-b"))
                .isEmpty();
        assertThat(rds.database(loc, DbKind.INSTANCE, "lifeboat-verify-orders-c"))
                .isEmpty();
        assertThat(rds.database(loc, DbKind.INSTANCE, "lifeboat-verify-orders-a"))
                .isPresent();
    }
}
