package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.testing.InMemoryRds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** The Step Functions step over the in-memory RDS: state goes out and comes back in, as the state machine does. */
class SnapshotStepHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryRds rds = new InMemoryRds(Clock.fixed(Instant.parse("2026-11-25T03:01:00Z"), ZoneOffset.UTC));
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream original;
    private SnapshotStepHandler handler;

    @BeforeEach
    void setUp() {
        rds.addKey("111111111111", "eu-west-1", "aws-rds", true);
        rds.addKey("111111111111", "eu-west-1", "share", false, "222222222222");
        rds.addKey("222222222222", "eu-central-1", "backup", false);
        rds.addDatabase(
                new Location("111111111111", "eu-west-1"),
                "orders-prod",
                "postgres",
                "arn:aws:kms:eu-west-1:111111111111:key/aws-rds");
        rds.pollsToComplete = 4;
        LifeboatConfig config = TestConfigs.orders(
                "", "shareKmsKeyArn: arn:aws:kms:eu-west-1:111111111111:key/share", "snapshot: {mode: create}");
        original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        handler = new SnapshotStepHandler(config, rds, MetricsFactory.getMetricsInstance());
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    @Test
    void stepsFedTheirOwnOutput_runThePipelineToTheEnd_withBackoffWhileWaiting() throws Exception {
        JsonNode state = JSON.readTree("{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}");
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 60 && !"DONE".equals(state.path("status").asText()); i++) {
            state = handler.step(state);
            assertThat(state.path("status").asText()).isNotEqualTo("FAILED");
            waits.add(state.path("waitSeconds").asLong());
        }

        assertThat(state.path("status").asText()).isEqualTo("DONE");
        assertThat(state.path("snapshotArn").asText())
                .isEqualTo("arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-20261125-0300");
        assertThat(rds.all(new Location("222222222222", "eu-central-1"))).hasSize(1);
        assertThat(waits).contains(60L, 120L).allMatch(w -> w >= 60 && w <= 900);
        String emf = stdout.toString(StandardCharsets.UTF_8);
        assertThat(emf)
                .contains("\"SnapshotQuotaUsedRatio\"")
                .contains("\"SnapshotRunDone\"")
                .contains("\"Database\":\"orders\"");
        assertThat(rds.all(new Location("222222222222", "eu-central-1"))
                        .getFirst()
                        .kind())
                .isEqualTo(DbKind.INSTANCE);
    }

    @Test
    void progressSurvivesTheRoundTripThroughTheStateMachine() throws Exception {
        rds.failNextAt(new Location("222222222222", "eu-central-1"), "lifeboat-orders-20261125-0300");
        JsonNode state = JSON.readTree("{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}");
        for (int i = 0; i < 60 && !"DONE".equals(state.path("status").asText()); i++) {
            state = JSON.readTree(JSON.writeValueAsString(handler.step(state)));
        }

        assertThat(state.path("status").asText()).isEqualTo("DONE");
        assertThat(state.at("/progress/attempts").asInt()).isEqualTo(1);
    }

    /**
     * The run's database rides in the state: after production's database is deleted and made again under its name,
     * the next step still finishes with the snapshot of the database the run began with (issue 37).
     */
    @Test
    void theRunsDatabase_survivesTheRoundTripThroughTheStateMachine() throws Exception {
        Location source = new Location("111111111111", "eu-west-1");
        String began = rds.resourceIdOf(source, "orders-prod");
        JsonNode state = JSON.readTree(JSON.writeValueAsString(
                handler.step(JSON.readTree("{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}"))));
        assertThat(state.at("/progress/sourceResourceId").asText()).isEqualTo(began);
        rds.removeDatabase(source, "orders-prod");
        rds.addDatabase(source, "orders-prod", "postgres", "arn:aws:kms:eu-west-1:111111111111:key/aws-rds");
        for (int i = 0; i < 60 && !"DONE".equals(state.path("status").asText()); i++) {
            state = JSON.readTree(JSON.writeValueAsString(handler.step(state)));
            assertThat(state.path("status").asText())
                    .as(state.path("message").asText())
                    .isNotEqualTo("FAILED");
        }

        assertThat(state.path("status").asText()).isEqualTo("DONE");
        assertThat(rds.all(new Location("222222222222", "eu-central-1"))
                        .getFirst()
                        .resourceId())
                .isEqualTo(began);
    }

    /** A planted source fails the run and publishes the fleet-wide tampering metric the SnapshotPlanted alarm reads. */
    @Test
    void aPlantedSourceSnapshot_failsTheRun_andPublishesSnapshotsPlanted() throws Exception {
        Location source = new Location("111111111111", "eu-west-1");
        rds.addDatabase(source, "junk", "postgres", "arn:aws:kms:eu-west-1:111111111111:key/aws-rds");
        rds.createSnapshot(source, DbKind.INSTANCE, "junk", "lifeboat-orders-20261125-0300", Map.of());
        JsonNode state = JSON.readTree("{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}");
        for (int i = 0; i < 60 && "IN_PROGRESS".equals(state.path("status").asText("IN_PROGRESS")); i++) {
            state = JSON.readTree(JSON.writeValueAsString(handler.step(state)));
        }

        assertThat(state.path("status").asText()).isEqualTo("FAILED");
        assertThat(state.path("message").asText()).contains("refused as planted");
        String emf = stdout.toString(StandardCharsets.UTF_8);
        assertThat(emf).contains("\"SnapshotsPlanted\"").contains("\"Account\":\"222222222222\"");
        assertThat(rds.all(new Location("222222222222", "eu-central-1"))).isEmpty();
    }

    @Test
    void badInput_namesTheField() {
        assertThatThrownBy(() -> handler.step(JSON.readTree("{\"database\": \"orders\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("the input has no \"runId\" field");
        assertThatThrownBy(() ->
                        handler.step(JSON.readTree("{\"database\": \"billing\", \"runId\": \"2026-11-25T03:00:00Z\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("database 'billing' is not in the configuration");
        assertThatThrownBy(() -> handler.step(JSON.readTree("{\"database\": \"orders\", \"runId\": \"soon\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("runId 'soon' is not a time");
        assertThat(rds.calls).isEmpty();
    }

    @Test
    void thePruneAction_appliesRetentionToEveryDatabase() throws Exception {
        Location vault = new Location("222222222222", "eu-central-1");
        for (int d = 1; d <= 9; d++) {
            String day = "2026-11-0" + d;
            rds.put(SnapshotInfo.builder()
                    .id("lifeboat-orders-202611" + "0" + d + "-0300")
                    .arn("arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-2026110" + d + "-0300")
                    .location(vault)
                    .kind(DbKind.INSTANCE)
                    .dbIdentifier("orders-prod")
                    .status("available")
                    .type("manual")
                    .createdAt(Instant.parse(day + "T03:30:00Z"))
                    .encrypted(true)
                    .kmsKeyId("k")
                    .tags(Map.of(
                            "lifeboat:managed-by",
                            "lifeboat",
                            "lifeboat:database",
                            "orders",
                            "lifeboat:role",
                            "backup",
                            "lifeboat:source-snapshot-time",
                            day + "T03:00:00Z"))
                    .sharedWith(Set.of())
                    .engine("postgres")
                    .engineVersion("16")
                    .percentProgress(100)
                    .build());
        }

        JsonNode out = handler.step(JSON.readTree("{\"action\": \"prune\"}"));

        assertThat(out.at("/results/0/kept").asInt()).isEqualTo(7); // retention {daily: 7}
        assertThat(out.at("/results/0/deleted").asInt()).isEqualTo(2);
        assertThat(rds.all(vault)).hasSize(7);
    }

    @Test
    void backoff_doublesFromAMinute_upToFifteen() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 30).stream()
                        .map(SnapshotStepHandler::waitSeconds)
                        .toList())
                .containsExactly(60L, 120L, 240L, 480L, 900L, 900L, 900L);
    }

    /** Issue 16: the fleet's fan-out, as one schedule per expression fires it, twice (at-least-once delivery). */
    @Test
    void theFanOut_startsEachDatabasesRunOnce_andAnUnknownJobIsNamed() throws Exception {
        java.util.Map<String, String> started = new java.util.LinkedHashMap<>();
        dev.lifeboat.core.port.Executions sfn =
                (machine, name, input) -> started.putIfAbsent(machine + "/" + name, input) == null
                        ? dev.lifeboat.core.port.Executions.Outcome.STARTED
                        : dev.lifeboat.core.port.Executions.Outcome.ALREADY_STARTED;
        LifeboatConfig config = TestConfigs.orders("", "", "schedules: {snapshot: \"cron(0 3 * * ? *)\", window: 2h}");
        SnapshotStepHandler fanning = new SnapshotStepHandler(config, rds, MetricsFactory.getMetricsInstance(), sfn);
        JsonNode firing = JSON.readTree("{\"action\": \"fanout\", \"job\": \"snapshot\", \"schedule\":"
                + " \"cron(0 3 * * ? *)\", \"runId\": \"2026-11-26T03:00:00Z\"}");

        JsonNode first = fanning.step(firing);
        JsonNode again = fanning.step(firing);

        assertThat(first.path("started")).hasSize(1);
        assertThat(first.path("started").get(0).asText()).isEqualTo("orders-s-20261126T0300");
        assertThat(again.path("started")).isEmpty();
        assertThat(again.path("alreadyStarted")).hasSize(1);
        JsonNode input = JSON.readTree(started.get("SNAPSHOT_PIPELINE/orders-s-20261126T0300"));
        assertThat(Instant.parse(input.path("startAt").asText()))
                .isBetween(Instant.parse("2026-11-26T03:00:00Z"), Instant.parse("2026-11-26T04:59:00Z"));
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("\"RunsStarted\"");
        assertThatThrownBy(
                        () -> fanning.step(
                                JSON.readTree(
                                        "{\"action\": \"fanout\", \"job\": \"dump\", \"schedule\": \"x\", \"runId\": \"2026-11-26T03:00:00Z\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'dump' is not a job of the fan-out");
    }

    /** Issue 16: a run that finds no room waits, and says so on the dashboard (the fleet's queue). */
    @Test
    void aRunWithoutRoom_waits_andCountsItselfQueued() throws Exception {
        rds.manualQuota = 1;
        rds.put(dev.lifeboat.core.testing.Copies.lifeboatCopy(
                new Location("222222222222", "eu-central-1"),
                "orders",
                "lifeboat-orders-older",
                Instant.parse("2026-11-24T03:00:00Z")));
        JsonNode state = JSON.readTree("{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}");
        for (int i = 0; i < 10 && !state.path("message").asText().startsWith("queued"); i++) {
            state = handler.step(state);
        }

        assertThat(state.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(state.path("message").asText()).startsWith("queued:").contains("quota");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("\"SnapshotRunsQueued\"");
    }
}
