package dev.lifeboat.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.port.Executions;
import dev.lifeboat.core.testing.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One schedule for a fleet: which runs a firing owes, when each starts, and that a repeated firing starts none twice. */
class FanOutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NIGHTLY = "cron(0 2 * * ? *)";
    private static final Instant TWO = Instant.parse("2026-11-26T02:00:00Z");

    /** {@code n} databases like orders, every one on NIGHTLY with a 4-hour window; every third also verified weekly. */
    static LifeboatConfig fleet(int n) {
        LifeboatConfig c = TestSettings.orders();
        LifeboatConfig.Database d = c.database("orders");
        Map<String, LifeboatConfig.Database> dbs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = "db" + i;
            dbs.put(
                    id,
                    new LifeboatConfig.Database(
                            id,
                            d.engine(),
                            d.source(),
                            d.snapshot(),
                            d.retention(),
                            LifeboatConfig.Schedules.builder()
                                    .snapshot(NIGHTLY)
                                    .verify(i % 3 == 0 ? "cron(0 6 ? * MON *)" : null)
                                    .maxAge(Duration.ofHours(30))
                                    .window(Duration.ofHours(4))
                                    .build(),
                            d.dump(),
                            d.verify()));
        }
        return LifeboatConfig.builder()
                .backup(c.backup())
                .databases(dbs)
                .document("{}")
                .build();
    }

    /** Step Functions as far as names go: an execution's name is unique per state machine. */
    static final class Names implements Executions {
        final Map<Machine, Map<String, String>> started = new HashMap<>();

        @Override
        public synchronized Outcome start(Machine machine, String name, String inputJson) {
            Map<String, String> m = started.computeIfAbsent(machine, k -> new LinkedHashMap<>());
            if (m.containsKey(name)) {
                return Outcome.ALREADY_STARTED;
            }
            m.put(name, inputJson);
            return Outcome.STARTED;
        }
    }

    @Test
    void aFiring_startsEveryDatabaseOnItsExpression_eachAtItsOwnMinuteOfTheWindow_theSameEveryNight() {
        LifeboatConfig config = fleet(500);

        List<FanOut.Run> tonight = FanOut.due(config, FanOut.Job.SNAPSHOT, NIGHTLY, TWO);
        List<FanOut.Run> tomorrow = FanOut.due(config, FanOut.Job.SNAPSHOT, NIGHTLY, TWO.plus(Duration.ofDays(1)));

        assertThat(tonight).hasSize(500);
        assertThat(tonight)
                .allSatisfy(r -> assertThat(r.startAt())
                        .isBetween(TWO, TWO.plus(Duration.ofHours(4)).minusSeconds(60)));
        Map<String, Duration> offsets = tonight.stream()
                .collect(Collectors.toMap(FanOut.Run::databaseId, r -> Duration.between(TWO, r.startAt())));
        assertThat(tomorrow)
                .as("the same minute every night")
                .allSatisfy(r -> assertThat(Duration.between(TWO.plus(Duration.ofDays(1)), r.startAt()))
                        .isEqualTo(offsets.get(r.databaseId())));
        // Spread, not bunched: no quarter of an hour of the 16 in the window starts more than twice its share.
        Map<Long, Long> perQuarter = offsets.values().stream()
                .collect(Collectors.groupingBy(o -> o.toMinutes() / 15, Collectors.counting()));
        assertThat(perQuarter.keySet()).hasSize(16);
        assertThat(perQuarter.values()).allMatch(c -> c <= 2 * 500 / 16);
        assertThat(FanOut.due(config, FanOut.Job.SNAPSHOT, "rate(12 hours)", TWO))
                .isEmpty();
        assertThat(FanOut.due(config, FanOut.Job.VERIFY, "cron(0 6 ? * MON *)", TWO))
                .hasSize(167);
    }

    @Test
    void aRepeatedFiring_startsNothingTwice_andEachRunCarriesItsDatabaseRunIdAndStart() throws Exception {
        Names sfn = new Names();
        FanOut fanOut = new FanOut(sfn);
        LifeboatConfig config = fleet(50);

        FanOut.Result first = fanOut.start(config, FanOut.Job.SNAPSHOT, NIGHTLY, TWO);
        FanOut.Result again = fanOut.start(config, FanOut.Job.SNAPSHOT, NIGHTLY, TWO);

        assertThat(first.started()).hasSize(50);
        assertThat(again.started()).isEmpty();
        assertThat(again.alreadyStarted()).hasSize(50);
        Map<String, String> runs = sfn.started.get(Executions.Machine.SNAPSHOT_PIPELINE);
        assertThat(runs).hasSize(50);
        assertThat(runs.keySet()).allMatch(n -> n.matches("[A-Za-z0-9-]{1,80}") && n.endsWith("-s-20261126T0200"));
        JsonNode one = JSON.readTree(runs.get("db7-s-20261126T0200"));
        assertThat(one.path("database").asText()).isEqualTo("db7");
        assertThat(one.path("runId").asText()).isEqualTo("2026-11-26T02:00:00Z");
        assertThat(Instant.parse(one.path("startAt").asText()))
                .isEqualTo(TWO.plus(dev.lifeboat.protocol.ScheduleSpread.offset("db7", Duration.ofHours(4))));

        fanOut.start(config, FanOut.Job.VERIFY, "cron(0 6 ? * MON *)", TWO);
        JsonNode verify = JSON.readTree(sfn.started
                .get(Executions.Machine.VERIFICATION)
                .values()
                .iterator()
                .next());
        assertThat(verify.path("action").asText()).isEqualTo("start");
        assertThat(Set.copyOf(new ArrayList<>(sfn.started.keySet())))
                .containsExactlyInAnyOrder(Executions.Machine.SNAPSHOT_PIPELINE, Executions.Machine.VERIFICATION);
    }

    @Test
    void withoutAWindow_everyRunStartsAtTheScheduledTime() {
        assertThat(dev.lifeboat.protocol.ScheduleSpread.offset("orders", Duration.ZERO))
                .isZero();
        assertThat(dev.lifeboat.protocol.ScheduleSpread.offset("orders", null)).isZero();
        assertThat(dev.lifeboat.protocol.ScheduleSpread.offset("orders", Duration.ofMinutes(1)))
                .isZero();
    }

    @Test
    void aDailyScheduleOfFixedMinuteAndHour_movesByTheOffset_othersDoNot() {
        assertThat(dev.lifeboat.protocol.ScheduleSpread.shifted("cron(30 2 * * ? *)", Duration.ofMinutes(47)))
                .contains("cron(17 3 * * ? *)");
        assertThat(dev.lifeboat.protocol.ScheduleSpread.shifted("cron(0 3 ? * MON-FRI *)", Duration.ZERO))
                .contains("cron(0 3 ? * MON-FRI *)");
        assertThat(dev.lifeboat.protocol.ScheduleSpread.shifted("cron(0 23 * * ? *)", Duration.ofHours(2)))
                .as("past midnight")
                .isEmpty();
        assertThat(dev.lifeboat.protocol.ScheduleSpread.shifted("cron(0/15 2 * * ? *)", Duration.ofMinutes(5)))
                .isEmpty();
        assertThat(dev.lifeboat.protocol.ScheduleSpread.shifted("rate(12 hours)", Duration.ofMinutes(5)))
                .isEmpty();
    }
}
