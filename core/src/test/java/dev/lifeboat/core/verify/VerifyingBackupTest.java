package dev.lifeboat.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemorySecretStore;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.StepProtocol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verification run's one table of steps, without a database: each state goes through JSON between
 * steps, as Step Functions carries it, and the command line's loop runs the same table.
 */
class VerifyingBackupTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Duration BUDGET = Duration.ofMinutes(14);

    private final LifeboatConfig config = TestSettings.orders();
    private final Location backup = config.backup().location();
    /** The run's start: every part of a test reads this one clock, so the test passes on any date. */
    private static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryRds rds = new InMemoryRds(clock);

    /** The verification role with the policy the CDK app deploys, and the backup key's deployed policy. */
    @org.junit.jupiter.api.BeforeEach
    void deployed() {
        rds.addKey(backup.account(), backup.region(), "backup", false);
        rds.iam = IamModel.deployed(config, IamModel.BackupRole.VERIFICATION).withDefaultPoliciesFor(rds);
    }

    private final InMemoryVault vault = new InMemoryVault();
    private final InMemorySecretStore secretStore = new InMemorySecretStore();

    private VerifyingBackup verifying(VerifyingBackup.Sleeper sleeper) {
        return new VerifyingBackup(
                rds,
                vault,
                new FakeInspector(),
                new FakeDumpTools(),
                secretStore,
                EndpointResolver.DIRECT,
                clock,
                sleeper);
    }

    private void aCopyAndADump() {
        rds.put(Copies.ordersCopy(backup));
        FakeDumps.take(vault, "orders", clock);
    }

    /** Runs the table step by step, each state through JSON; returns every state after the first. */
    private List<VerifyingBackup.State> stepByStep(VerifyingBackup v, VerifyingBackup.State first) throws Exception {
        return stepByStep(config, v, first);
    }

    private static List<VerifyingBackup.State> stepByStep(
            LifeboatConfig config, VerifyingBackup v, VerifyingBackup.State first) throws Exception {
        List<VerifyingBackup.State> states = new ArrayList<>();
        VerifyingBackup.State s = first;
        for (int i = 0; i < 30 && !s.done(); i++) {
            s = JSON.readValue(JSON.writeValueAsString(v.advance(config, s, BUDGET)), VerifyingBackup.State.class);
            states.add(s);
        }
        return states;
    }

    /** The states up to the check step, through JSON as Step Functions carries them; the last is the check. */
    private List<VerifyingBackup.State> untilCheck(LifeboatConfig config, VerifyingBackup v) throws Exception {
        List<VerifyingBackup.State> states = new ArrayList<>();
        VerifyingBackup.State s = VerifyingBackup.State.begin("orders", T0);
        for (int i = 0; i < 10 && !StepProtocol.CHECK.equals(s.action()); i++) {
            s = JSON.readValue(JSON.writeValueAsString(v.advance(config, s, BUDGET)), VerifyingBackup.State.class);
            states.add(s);
        }
        assertThat(s.action()).isEqualTo(StepProtocol.CHECK);
        return states;
    }

    @Test
    void aDatabaseWhoseDumpsRunOnFargate_hasItsCheckRoutedToTheTask_whichRunsIt_andTheRunGoesOn() throws Exception {
        aCopyAndADump();
        LifeboatConfig fargate = TestSettings.dumpsRunningOn(config, dev.lifeboat.core.model.RunOn.FARGATE, null);
        VerifyingBackup v = verifying(d -> {});

        List<VerifyingBackup.State> before = untilCheck(fargate, v);

        VerifyingBackup.State check = before.getLast();
        assertThat(check.runOn()).isEqualTo(StepProtocol.FARGATE);
        assertThat(before.subList(0, before.size() - 1))
                .extracting(VerifyingBackup.State::runOn)
                .containsOnlyNulls();
        // The task runs the same table with its own (long) budget and hands back the next state, for the function.
        VerifyingBackup.State afterTask = JSON.readValue(
                JSON.writeValueAsString(v.advance(fargate, check, Duration.ofHours(12))), VerifyingBackup.State.class);
        assertThat(afterTask.action()).isEqualTo(StepProtocol.CLEANUP);
        assertThat(afterTask.runOn()).isNull();
        VerifyingBackup.State done = stepByStep(fargate, v, afterTask).getLast();
        assertThat(done.success()).as(done.message()).isTrue();
        assertThat(done.report().checks())
                .extracting(VerifyingBackup.Check::name)
                .contains("dump restore");
    }

    @Test
    void auto_routesTheCheckToTheTask_onlyWhenTheNewestDumpIsLargerThanTheThreshold() throws Exception {
        aCopyAndADump();
        VerifyingBackup v = verifying(d -> {});
        LifeboatConfig small = TestSettings.dumpsRunningOn(config, dev.lifeboat.core.model.RunOn.AUTO, 1L << 40);
        assertThat(untilCheck(small, v).getLast().runOn()).isNull();
        // The same run again (a retried start finds its instance), now with a threshold the dump is over.

        LifeboatConfig large = TestSettings.dumpsRunningOn(config, dev.lifeboat.core.model.RunOn.AUTO, 1L);
        assertThat(untilCheck(large, v).getLast().runOn()).isEqualTo(StepProtocol.FARGATE);
    }

    @Test
    void aCheckThatFailedOnTheTask_comesBackAsTaskFailure_cleansUp_andTheReportSaysWhy() throws Exception {
        aCopyAndADump();
        LifeboatConfig fargate = TestSettings.dumpsRunningOn(config, dev.lifeboat.core.model.RunOn.FARGATE, null);
        VerifyingBackup v = verifying(d -> {});
        VerifyingBackup.State check = untilCheck(fargate, v).getLast();
        // As the state machine's Catch hands it back to the step function: the state, and the error under taskFailure.
        com.fasterxml.jackson.databind.node.ObjectNode caught = JSON.valueToTree(check);
        caught.putObject(StepProtocol.TASK_FAILURE)
                .put("Error", "States.HeartbeatTimeout")
                .put("Cause", "the task sent no heartbeat for 300 s");
        VerifyingBackup.State back = JSON.readValue(JSON.writeValueAsString(caught), VerifyingBackup.State.class);

        List<VerifyingBackup.State> states = stepByStep(fargate, v, back);

        assertThat(states)
                .extracting(VerifyingBackup.State::action)
                .containsExactly(StepProtocol.CLEANUP, StepProtocol.FINISH, StepProtocol.DONE);
        VerifyingBackup.State done = states.getLast();
        assertThat(done.success()).isFalse();
        assertThat(done.message()).contains("States.HeartbeatTimeout").contains("no heartbeat");
        assertThat(done.report().cleanedUp()).isTrue();
        assertThat(rds.database(backup, DbKind.INSTANCE, done.report().instance()))
                .isEmpty();
        assertThat(secretStore.names).isEmpty();
    }

    @Test
    void aPassingRun_goesThroughEveryStepInOrder_waitingOnlyWhileTheInstanceComesUp() throws Exception {
        aCopyAndADump();
        rds.restorePolls = 2;

        List<VerifyingBackup.State> states = stepByStep(verifying(d -> {}), VerifyingBackup.State.begin("orders", T0));

        assertThat(states)
                .extracting(VerifyingBackup.State::action)
                .containsExactly(
                        StepProtocol.POLL,
                        StepProtocol.POLL,
                        StepProtocol.CHECK,
                        StepProtocol.CLEANUP,
                        StepProtocol.FINISH,
                        StepProtocol.DONE);
        assertThat(states)
                .filteredOn(s -> s.waitSeconds() != null)
                .extracting(VerifyingBackup.State::action)
                .containsOnly(StepProtocol.POLL);
        VerifyingBackup.State done = states.getLast();
        assertThat(done.success()).as(done.message()).isTrue();
        assertThat(done.message()).isEqualTo("verification of orders passed");
        assertThat(done.report().instance()).isEqualTo("lifeboat-verify-orders-20261130t060000z");
        assertThat(done.report().checks())
                .extracting(VerifyingBackup.Check::name)
                .contains("dump restore", "row counts");
        assertThat(rds.database(backup, DbKind.INSTANCE, done.report().instance()))
                .isEmpty();
        assertThat(secretStore.names).isEmpty();
        assertThat(new VerificationReports(vault).of("orders"))
                .singleElement()
                .satisfies(r -> assertThat(r.success()).isTrue());
    }

    /**
     * Issue 36, item 3: the throwaway master password was 48 characters; RDS for MySQL and MariaDB take 8 to 41
     * (PostgreSQL 8 to 128), so every verification of a MySQL or MariaDB database failed at its check. InMemoryRds
     * now answers with each engine's limit, as RDS does.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mysql", "mariadb", "postgres"})
    void theThrowawayPassword_isOneRdsTakesForTheEngine(String engine) throws Exception {
        SnapshotInfo c = Copies.ordersCopy(backup);
        rds.put(c.toBuilder().engine(engine).engineVersion("8.0.40").build());
        FakeDumps.take(vault, "orders", clock);

        List<VerifyingBackup.State> states = stepByStep(verifying(d -> {}), VerifyingBackup.State.begin("orders", T0));

        assertThat(states.getLast().report().checks())
                .extracting(VerifyingBackup.Check::detail)
                .noneMatch(d -> d != null && d.contains("MasterUserPassword"));
        assertThat(rds.masterPasswords.values())
                .singleElement()
                .satisfies(p -> assertThat(p.length())
                        .isBetween(8, dev.lifeboat.core.port.RdsDatabases.maxMasterPassword(engine, DbKind.INSTANCE)));
    }

    @Test
    void aStartThatFails_goesStraightToFinish_storesAFailedReport_andRestoresNothing() throws Exception {
        // No copy in the backup account.
        List<VerifyingBackup.State> states =
                stepByStep(verifying(d -> {}), VerifyingBackup.State.begin("orders", null));

        assertThat(states)
                .extracting(VerifyingBackup.State::action)
                .containsExactly(StepProtocol.FINISH, StepProtocol.DONE);
        assertThat(states.getLast().success()).isFalse();
        assertThat(states.getLast().message()).contains("FAILED").contains("no available snapshot copy of orders");
        assertThat(rds.restores).isEmpty();
        assertThat(new VerificationReports(vault).of("orders"))
                .singleElement()
                .satisfies(r -> assertThat(r.success()).isFalse());
    }

    @Test
    void aCheckThatThrows_stillCleansUp_andTheReportSaysWhere() throws Exception {
        aCopyAndADump();
        InMemoryRds failing = new InMemoryRds(clock) {
            @Override
            public synchronized String resetMasterPassword(
                    Location where, DbKind kind, String identifier, Secret password) {
                throw new IllegalStateException("InvalidDBInstanceState: the instance is being modified");
            }
        };
        rds.all(backup).forEach(failing::put);
        VerifyingBackup v = new VerifyingBackup(
                failing,
                vault,
                new FakeInspector(),
                new FakeDumpTools(),
                secretStore,
                EndpointResolver.DIRECT,
                clock,
                d -> {});

        List<VerifyingBackup.State> states = stepByStep(v, VerifyingBackup.State.begin("orders", null));

        assertThat(states).extracting(VerifyingBackup.State::action).containsSubsequence("check", "cleanup", "done");
        VerifyingBackup.State done = states.getLast();
        assertThat(done.success()).isFalse();
        assertThat(done.report().checks())
                .singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("check"))
                .satisfies(c -> assertThat(c.detail()).contains("InvalidDBInstanceState"));
        assertThat(done.report().cleanedUp()).isTrue();
        assertThat(failing.calls)
                .anyMatch(c -> c.contains("delete-database")
                        && c.contains(done.report().instance()));
    }

    /**
     * Regression: the check step waited for a login until the run's own limit (60 minutes by default), past
     * the 15 minutes Lambda gives an invocation, which then died before any cleanup. It now gives the new
     * password half its budget, then fails and cleans up.
     */
    @Test
    void aCheckThatCannotConnect_endsWithinItsBudget_andCleansUp() throws Exception {
        aCopyAndADump();
        FakeInspector fake = new FakeInspector();
        DatabaseInspector unreachable = new DatabaseInspector() {
            @Override
            public ServerInfo serverInfo(DatabaseTarget target) {
                throw new DatabaseAccessException("cannot connect to " + target.host(), "check the security groups");
            }

            @Override
            public List<TableRowCount> rowCounts(DatabaseTarget target, long exactThreshold) {
                return fake.rowCounts(target, exactThreshold);
            }

            @Override
            public long userObjectCount(DatabaseTarget target) {
                return fake.userObjectCount(target);
            }

            @Override
            public boolean databaseExists(DatabaseTarget target) {
                return fake.databaseExists(target);
            }

            @Override
            public double scalar(DatabaseTarget target, String sql) {
                return fake.scalar(target, sql);
            }

            @Override
            public void createDatabase(DatabaseTarget target) {
                fake.createDatabase(target);
            }

            @Override
            public void noteRestore(DatabaseTarget target, String note) {
                fake.noteRestore(target, note);
            }

            @Override
            public java.util.Optional<String> restoreNote(DatabaseTarget target) {
                return fake.restoreNote(target);
            }

            @Override
            public void dropCreatedDatabase(DatabaseTarget target) {
                fake.dropCreatedDatabase(target);
            }
        };
        VerifyingBackup v = new VerifyingBackup(
                rds,
                vault,
                unreachable,
                new FakeDumpTools(),
                secretStore,
                EndpointResolver.DIRECT,
                clock,
                clock::advance);
        rds.restorePolls = 0;
        VerifyingBackup.State s = VerifyingBackup.State.begin("orders", clock.instant());
        while (!StepProtocol.CHECK.equals(s.action())) {
            s = v.advance(config, s, BUDGET);
        }
        Instant checkStarted = clock.instant();

        VerifyingBackup.State afterCheck = v.advance(config, s, BUDGET);

        assertThat(Duration.between(checkStarted, clock.instant())).isLessThanOrEqualTo(BUDGET);
        assertThat(afterCheck.action()).isEqualTo(StepProtocol.CLEANUP);
        assertThat(afterCheck.error()).contains("cannot connect to");
        VerifyingBackup.State done = v.advance(config, v.advance(config, afterCheck, BUDGET), BUDGET);
        assertThat(done.success()).isFalse();
        assertThat(done.report().cleanedUp()).isTrue();
        assertThat(secretStore.names).isEmpty();
    }

    @Test
    void theCommandLineLoop_interruptedWhileWaiting_cleansUpAndReports() {
        aCopyAndADump();
        rds.restorePolls = 5;

        VerifyingBackup.Report r = verifying(d -> {
                    throw new InterruptedException();
                })
                .verify(config, "orders", BUDGET);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).contains("interrupted");
        assertThat(rds.calls).anyMatch(c -> c.contains("delete-database") && c.contains(r.instance()));
        assertThat(Thread.interrupted())
                .as("the interrupt is kept for the caller")
                .isTrue();
    }

    /** Issue 15, item 6: long database ids made verification instance names RDS refuses (over 63). */
    @Test
    void instanceNames_fitRdsLimits_evenForTheLongestDatabaseIds_andStayDistinct() {
        String a = "a".repeat(62) + "1";
        String b = "a".repeat(62) + "2";
        Instant t = T0;
        for (DbKind kind : DbKind.values()) {
            String na = VerifyingBackup.instanceName(a, t, kind);
            String nb = VerifyingBackup.instanceName(b, t, kind);
            assertThat(na.length()).as(kind + " " + na).isLessThanOrEqualTo(RdsDatabases.maxIdentifier(kind));
            assertThat(na).isNotEqualTo(nb).startsWith("lifeboat-verify-aaaa").endsWith("-20261130t060000z");
            assertThat(na).matches("[a-z](?!.*--)[a-z0-9-]*(?<!-)");
        }
        assertThat(VerifyingBackup.instanceName("orders", t, DbKind.INSTANCE))
                .isEqualTo("lifeboat-verify-orders-20261130t060000z");
    }

    @Test
    void badInput_isRefusedNamingTheField_andChangesNothing() {
        VerifyingBackup v = verifying(d -> {});
        VerifyingBackup.Run run = new VerifyingBackup.Run("orders", "lifeboat-verify-orders-x", T0, "s", 1.0);

        assertThatThrownBy(() -> v.advance(config, VerifyingBackup.State.begin("ordres", null), BUDGET))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("database 'ordres' is not in the configuration");
        assertThatThrownBy(() -> v.advance(config, VerifyingBackup.State.begin(null, null), BUDGET))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("field 'database' is missing");
        assertThatThrownBy(() -> v.advance(
                        config,
                        new VerifyingBackup.State(
                                "chek", "orders", null, run, null, null, null, null, null, null, null, null),
                        BUDGET))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'chek' is not a step")
                .satisfies(e ->
                        assertThat(((LifeboatException) e).describe()).contains("start, poll, check, cleanup, finish"));
        assertThatThrownBy(() -> v.advance(
                        config,
                        new VerifyingBackup.State(
                                "cleanup", "orders", null, null, null, null, null, null, null, null, null, null),
                        BUDGET))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("field 'run' is missing for the step 'cleanup'");
        assertThatThrownBy(() -> v.advance(
                        config,
                        new VerifyingBackup.State(
                                "done", "orders", null, run, null, null, null, null, null, null, null, null),
                        BUDGET))
                .isInstanceOf(InvalidInputException.class);
        assertThat(rds.calls).isEmpty();
        assertThat(vault.objects).isEmpty();
    }

    /**
     * Issue 11, item 3, end to end: a verification run restores from the newest copy; while it runs (hours, for a
     * big database) newer copies arrive and retention would delete that copy; the run's throwaway instance names
     * it, so it survives every retention run until the run has cleaned up (passed or failed), and goes at the
     * next one after.
     */
    @Test
    void theCopyARunningVerificationUses_survivesRetention_untilTheRunCleansUp() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-10T06:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        for (int d = 1; d <= 10; d++) {
            rds.put(Copies.lifeboatCopy(
                    backup,
                    "orders",
                    "lifeboat-orders-202611" + String.format("%02d", d),
                    Instant.parse("2026-11-" + String.format("%02d", d) + "T03:00:00Z")));
        }
        FakeDumps.take(vault, "orders", clock);
        LifeboatConfig.Database orders = config.database("orders");
        LifeboatConfig oneDaily = LifeboatConfig.builder()
                .backup(config.backup())
                .databases(java.util.Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                orders.id(),
                                orders.engine(),
                                orders.source(),
                                orders.snapshot(),
                                new LifeboatConfig.Retention(1, 0, 0, 0, 20),
                                orders.schedules(),
                                orders.dump(),
                                orders.verify())))
                .document("{}")
                .build();
        rds.restorePolls = 1_000;
        VerifyingBackup v = new VerifyingBackup(
                rds,
                vault,
                new FakeInspector(),
                new FakeDumpTools(),
                secretStore,
                EndpointResolver.DIRECT,
                clock,
                d -> {});
        VerifyingBackup.State running =
                v.advance(oneDaily, VerifyingBackup.State.begin("orders", clock.instant()), BUDGET);
        assertThat(running.action()).isEqualTo(StepProtocol.POLL);

        clock.now = Instant.parse("2026-11-12T06:00:00Z");
        rds.put(Copies.lifeboatCopy(
                backup, "orders", "lifeboat-orders-20261111", Instant.parse("2026-11-11T03:00:00Z")));
        rds.put(Copies.lifeboatCopy(
                backup, "orders", "lifeboat-orders-20261112", Instant.parse("2026-11-12T03:00:00Z")));
        var pruning = new dev.lifeboat.core.snapshot.PruningSnapshots(rds, clock);
        pruning.prune(oneDaily, "orders", false);

        assertThat(rds.all(backup))
                .extracting(s -> s.id())
                .as("the newest, and the copy in use; the 11th, older and unused, goes")
                .containsExactlyInAnyOrder("lifeboat-orders-20261110", "lifeboat-orders-20261112");

        rds.restorePolls = 0;
        VerifyingBackup.State s = running;
        for (int i = 0; i < 30 && !s.done(); i++) {
            s = v.advance(oneDaily, s, BUDGET);
        }
        // Two days is past the instance's time limit: the run fails, and cleans up all the same.
        assertThat(s.done()).isTrue();
        assertThat(rds.databasesTagged(backup, DbKind.INSTANCE, dev.lifeboat.protocol.Tags.VERIFICATION))
                .isEmpty();
        pruning.prune(oneDaily, "orders", false);

        assertThat(rds.all(backup))
                .extracting(x -> x.id())
                .doesNotContain("lifeboat-orders-20261110")
                .contains("lifeboat-orders-20261112");
    }
}
