package dev.lifeboat.core.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.DumpRouting;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.core.port.SecretStore;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RestoredDatabases;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.restore.RestoringSnapshot;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.protocol.StepProtocol;
import dev.lifeboat.protocol.Tags;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verification run: restore the newest snapshot copy into a throwaway instance, restore the newest
 * dump next to it, check both against the dump's manifest and the configured SQL assertions, measure
 * the recovery time, and always delete the instance and its secret. The report goes to the vault
 * ({@link VerificationReports}). Throwaway instances carry the tag {@code lifeboat:verification} and an
 * expiry, so {@link SweepingVerifications} removes what a crashed run left.
 *
 * <p>The run is one table of steps, {@link #advance}: each step turns a {@link State} into the next. The
 * command line calls it in a loop ({@link #verify}); the step function calls it once an invocation, Step
 * Functions carrying the state between invocations as JSON; the state machine the CDK app deploys reads
 * only what {@link StepProtocol} names: {@code action} {@code done} ends the run, {@code success} says
 * how, and {@code waitSeconds} asks for a wait before the next step.
 */
public final class VerifyingBackup {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyingBackup.class);
    public static final String VERIFICATION = Tags.VERIFICATION;
    public static final String EXPIRES_AT = Tags.EXPIRES_AT;
    static final String INSTANCE_PREFIX = "lifeboat-verify-";
    private static final String SCRATCH = "lifeboat_verify_dump";

    /** How long the run waits between two looks at the throwaway instance while it comes up. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(30);

    /** How long past its limit to come up a throwaway instance may live before the sweeper deletes it. */
    static final Duration EXPIRY_AFTER_LIMIT = Duration.ofHours(2);

    /** The steps, in order ({@link StepProtocol} spells them); a failure in any of them leads to cleanup. */
    public static final List<String> STEPS = List.of(
            StepProtocol.START,
            StepProtocol.POLL,
            StepProtocol.CHECK,
            StepProtocol.CLEANUP,
            StepProtocol.FINISH,
            StepProtocol.DONE);

    public record Check(String name, boolean passed, String detail) {}

    public record Report(
            String databaseId,
            String instance,
            Instant startedAt,
            Instant finishedAt,
            String snapshotId,
            String dumpBackupId,
            Long recoverySeconds,
            Double backupAgeHours,
            boolean success,
            List<Check> checks,
            boolean cleanedUp,
            String error) {
        /** One line for a human: passed, or what failed. */
        public String summary() {
            if (success) {
                return "verification of " + databaseId + " passed";
            }
            return "verification of " + databaseId + " FAILED: "
                    + (error != null
                            ? error
                            : String.join(
                                    "; ",
                                    checks.stream()
                                            .filter(c -> !c.passed())
                                            .map(c -> c.name() + ": " + c.detail())
                                            .toList()));
        }
    }

    /** Waits between polls; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** The instance did not come up in time, or the run was interrupted. */
    public static final class Stop extends RuntimeException {
        Stop(String message) {
            super(message);
        }
    }

    /** A started run: the throwaway instance, when the run started, and the copy it restored. */
    public record Run(
            String databaseId, String instance, Instant startedAt, String snapshotId, Double backupAgeHours) {}

    /**
     * How a step run elsewhere (the Fargate task) failed, as the state machine's Catch hands it back: the error's name
     * and its cause.
     */
    public record TaskFailure(
            @JsonProperty("Error") String error,
            @JsonProperty("Cause") String cause) {}

    /** What the checks found. */
    public record Checked(List<Check> checks, Long recoverySeconds, String dumpBackupId) {
        /** A run that stopped at {@code step}: that one failed check, nothing measured. */
        public static Checked failedAt(String step, String detail) {
            return new Checked(List.of(new Check(step, false, detail)), null, null);
        }
    }

    /**
     * What one step hands the next: {@code action} names the step to run next. {@code runId}: the scheduled
     * time a run is named after, so a retried start finds the instance the first attempt created.
     * {@code waitSeconds}: set when the next step should wait. {@code success}, {@code message} and
     * {@code report} are set once the run is {@code done}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record State(
            String action,
            String database,
            Instant runId,
            Run run,
            String endpoint,
            Checked checked,
            Boolean cleaned,
            String error,
            Long waitSeconds,
            Boolean success,
            String message,
            Report report,
            String runOn,
            TaskFailure taskFailure) {

        State(
                String action,
                String database,
                Instant runId,
                Run run,
                String endpoint,
                Checked checked,
                Boolean cleaned,
                String error,
                Long waitSeconds,
                Boolean success,
                String message,
                Report report) {
            this(
                    action,
                    database,
                    runId,
                    run,
                    endpoint,
                    checked,
                    cleaned,
                    error,
                    waitSeconds,
                    success,
                    message,
                    report,
                    null,
                    null);
        }

        /** A run about to start; {@code runId} null: named after the time it starts. */
        public static State begin(String database, Instant runId) {
            return new State(StepProtocol.START, database, runId, null, null, null, null, null, null, null, null, null);
        }

        /** This state, its next step to run on {@code runOn} ({@link StepProtocol#FARGATE}, or null: the function). */
        State on(String where) {
            return new State(
                    action,
                    database,
                    runId,
                    run,
                    endpoint,
                    checked,
                    cleaned,
                    error,
                    waitSeconds,
                    success,
                    message,
                    report,
                    where,
                    null);
        }

        public boolean done() {
            return StepProtocol.DONE.equals(action);
        }

        static State poll(String database, Run run) {
            return new State(
                    StepProtocol.POLL,
                    database,
                    null,
                    run,
                    null,
                    null,
                    null,
                    null,
                    POLL_INTERVAL.toSeconds(),
                    null,
                    null,
                    null);
        }

        static State check(String database, Run run, String endpoint) {
            return new State(
                    StepProtocol.CHECK, database, null, run, endpoint, null, null, null, null, null, null, null);
        }

        static State cleanup(String database, Run run, Checked checked, String error) {
            return new State(
                    StepProtocol.CLEANUP, database, null, run, null, checked, null, error, null, null, null, null);
        }

        static State finish(String database, Run run, Checked checked, boolean cleaned, String error) {
            return new State(
                    StepProtocol.FINISH, database, null, run, null, checked, cleaned, error, null, null, null, null);
        }

        static State done(Report report) {
            return new State(
                    StepProtocol.DONE,
                    report.databaseId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    report.success(),
                    report.summary(),
                    report);
        }
    }

    private final RdsGateway rds;
    private final Vault vault;
    private final DatabaseInspector inspector;
    private final DumpTools tools;
    private final SecretStore secrets;
    private final EndpointResolver endpoints;
    private final Clock clock;
    private final Sleeper sleeper;
    private final VerificationReports reports;

    public VerifyingBackup(
            RdsGateway rds,
            Vault vault,
            DatabaseInspector inspector,
            DumpTools tools,
            SecretStore secrets,
            EndpointResolver endpoints,
            Clock clock,
            Sleeper sleeper) {
        this.rds = rds;
        this.vault = vault;
        this.inspector = inspector;
        this.tools = tools;
        this.secrets = secrets;
        this.endpoints = endpoints;
        this.clock = clock;
        this.sleeper = sleeper;
        this.reports = new VerificationReports(vault);
    }

    /**
     * The table: runs the step {@code state} names and returns the state for the next. A failure of start,
     * poll or check leads to cleanup (start has nothing to clean: to finish), so the instance is always
     * deleted and a report always written; a failure of cleanup or finish themselves is thrown.
     *
     * @param budget how long this step may take: the dump load of the check step stops past it
     * @throws InvalidInputException for a database that is not configured, or a step that is not one
     */
    public State advance(LifeboatConfig config, State state, Duration budget) {
        if (state.database() == null) {
            throw new InvalidInputException(
                    "field 'database' is missing", "start a run with {\"action\": \"start\", \"database\": \"<id>\"}");
        }
        LifeboatConfig.Database db = config.database(state.database());
        Location loc = config.backup().location();
        String action = state.action() == null ? StepProtocol.START : state.action();
        if (!STEPS.contains(action) || StepProtocol.DONE.equals(action)) {
            throw new InvalidInputException(
                    "field 'action': '" + action + "' is not a step of a verification run",
                    "valid: " + String.join(", ", STEPS.subList(0, STEPS.size() - 1)));
        }
        if (!StepProtocol.START.equals(action) && state.run() == null) {
            throw new InvalidInputException(
                    "field 'run' is missing for the step '" + action + "'", "only the 'start' step goes without it");
        }
        String id = state.database();
        return switch (action) {
            case StepProtocol.START -> {
                try {
                    yield State.poll(id, start(config, db, loc, state.runId()));
                } catch (RuntimeException e) {
                    String why = describe(e);
                    Run none = new Run(id, null, state.runId() == null ? clock.instant() : state.runId(), null, null);
                    yield State.finish(id, none, Checked.failedAt(StepProtocol.START, why), true, why);
                }
            }
            case StepProtocol.POLL -> {
                try {
                    yield poll(db, loc, state.run())
                            .map(endpoint ->
                                    State.check(id, state.run(), endpoint).on(checkRunsOn(db)))
                            .orElseGet(() -> State.poll(id, state.run()));
                } catch (Stop e) {
                    yield State.cleanup(id, state.run(), Checked.failedAt("available", e.getMessage()), e.getMessage());
                } catch (RuntimeException e) {
                    yield State.cleanup(id, state.run(), Checked.failedAt(StepProtocol.POLL, describe(e)), describe(e));
                }
            }
            case StepProtocol.CHECK -> {
                if (state.taskFailure() != null) {
                    // The check ran as the Fargate task and failed or stopped there: clean up, say why.
                    String why = "the check on ECS Fargate failed ("
                            + state.taskFailure().error() + "): "
                            + state.taskFailure().cause();
                    yield State.cleanup(id, state.run(), Checked.failedAt(StepProtocol.CHECK, why), why);
                }
                try {
                    yield State.cleanup(id, state.run(), check(db, loc, state.run(), state.endpoint(), budget), null);
                } catch (RuntimeException e) {
                    yield State.cleanup(
                            id, state.run(), Checked.failedAt(StepProtocol.CHECK, describe(e)), describe(e));
                }
            }
            case StepProtocol.CLEANUP ->
                State.finish(id, state.run(), state.checked(), cleanup(db, loc, state.run()), state.error());
            default ->
                State.done(finish(state.run(), state.checked(), Boolean.TRUE.equals(state.cleaned()), state.error()));
        };
    }

    /** The whole run in one call, waiting where the table says (the command line). */
    public Report verify(LifeboatConfig config, String databaseId, Duration dumpLoadLimit) {
        State state = State.begin(databaseId, null);
        while (!state.done()) {
            if (state.waitSeconds() != null && state.run() != null) {
                try {
                    pause(Duration.ofSeconds(state.waitSeconds()));
                } catch (Stop e) {
                    // Interrupted while the instance comes up: clean up what the run made, and report.
                    state = State.cleanup(
                            databaseId, state.run(), Checked.failedAt("available", e.getMessage()), e.getMessage());
                }
            }
            state = advance(config, state, dumpLoadLimit);
        }
        return state.report();
    }

    /** Step 1: restore the newest copy into a new throwaway instance, named after {@code runTime} if given. */
    private Run start(LifeboatConfig config, LifeboatConfig.Database db, Location loc, Instant runTime) {
        LifeboatConfig.VerifySettings vs = db.verify();
        Instant start = runTime == null ? clock.instant() : runTime;
        String instance = instanceName(db.id(), start, db.source().kind());
        SnapshotInfo copy = new RestoringSnapshot(rds, clock).choose(config, db.id(), "latest");
        Instant taken = RetentionPolicy.takenAt(copy);
        Double age = taken == null ? null : Duration.between(taken, start).toMinutes() / 60.0;
        Optional<SourceDatabase> existing = rds.database(loc, db.source().kind(), instance);
        if (existing.isPresent()) {
            if (!existing.get().tags().containsKey(VERIFICATION)) {
                throw new RefusedException(
                        "a database named " + instance + " exists and is not a verification instance",
                        "Lifeboat will not touch it; rename it or pass another run time");
            }
            return new Run(db.id(), instance, start, copy.id(), age);
        }
        Map<String, String> tags = new HashMap<>(Map.of(
                Tags.MANAGED_BY,
                "lifeboat",
                Tags.DATABASE,
                db.id(),
                VERIFICATION,
                VerificationReports.STAMP.format(start),
                EXPIRES_AT,
                start.plus(Duration.ofMinutes(vs.availableWithinMinutes()))
                        .plus(EXPIRY_AFTER_LIMIT)
                        .toString(),
                Tags.VERIFYING_COPY,
                copy.id()));
        LOG.info("verification of {}: restoring {} into throwaway instance {}", db.id(), copy.id(), instance);
        rds.restore(
                loc,
                db.source().kind(),
                new RdsGateway.RestoreSpec(
                        copy.id(),
                        instance,
                        RestoringSnapshot.restoreEngine(db, copy),
                        vs.instanceClass(),
                        vs.subnetGroup(),
                        vs.securityGroups(),
                        null,
                        null,
                        false,
                        false,
                        tags));
        return new Run(db.id(), instance, start, copy.id(), age);
    }

    /**
     * {@code lifeboat-verify-<id>-<time>}, within RDS's identifier limit for {@code kind}: a long database id is
     * shortened and given a hash of the whole, so two ids never share a name.
     */
    static String instanceName(String databaseId, Instant start, DbKind kind) {
        String id = databaseId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String stamp = "-" + VerificationReports.STAMP.format(start).toLowerCase(Locale.ROOT);
        int room = RdsDatabases.maxIdentifier(kind) - INSTANCE_PREFIX.length() - stamp.length();
        if (id.length() > room) {
            Sha256 sha = new Sha256();
            byte[] bytes = databaseId.getBytes(StandardCharsets.UTF_8);
            sha.update(bytes, 0, bytes.length);
            String hash = sha.hex().substring(0, 6);
            id = id.substring(0, room - hash.length() - 1) + "-" + hash;
        }
        return (INSTANCE_PREFIX + id + stamp).replaceAll("-+", "-");
    }

    /** Step 2, repeated: the endpoint once the instance is available; empty while it is not; a Stop past the limit. */
    private Optional<String> poll(LifeboatConfig.Database db, Location loc, Run run) {
        // The writer of a cluster carries the cluster's tags: the verification role may delete only tagged instances.
        RestoredDatabases.Readiness r = RestoredDatabases.observe(
                rds, loc, db.source().kind(), run.instance(), db.verify().instanceClass(), null);
        if (r.ready()) {
            String endpoint = r.database().orElseThrow().endpoint();
            LOG.info("verification of {}: {} is available at {}", db.id(), run.instance(), endpoint);
            return Optional.of(endpoint);
        }
        String status = r.status();
        LOG.info("verification of {}: {} is {}", db.id(), run.instance(), status);
        int limit = db.verify().availableWithinMinutes();
        if (!clock.instant().isBefore(run.startedAt().plus(Duration.ofMinutes(limit)))) {
            throw new Stop(run.instance() + " was not available within the limit of " + limit + " minutes (" + status
                    + " at " + clock.instant() + ")");
        }
        return Optional.empty();
    }

    /** Step 3: log in, restore the dump beside the data within {@code budget}, compare, run the assertions. */
    private Checked check(LifeboatConfig.Database db, Location loc, Run run, String endpoint, Duration budget) {
        if (endpoint == null) {
            throw new InvalidInputException("field 'endpoint' is missing for the step 'check'", "poll first");
        }
        LifeboatConfig.VerifySettings vs = db.verify();
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("available", true, run.instance() + " at " + endpoint));
        // 48 characters once, past the 41 RDS takes for MySQL, MariaDB and Aurora (issue 36, item 3).
        Secret password =
                Secret.of(HexFormat.of().formatHex(randomBytes(RdsDatabases.THROWAWAY_PASSWORD_HEX_CHARS / 2)));
        String user = rds.resetMasterPassword(loc, db.source().kind(), run.instance(), password);
        secrets.put(
                secretName(run.instance()),
                "{\"engine\":\"" + db.engine().urlScheme() + "\",\"username\":\"" + user + "\",\"password\":\""
                        + password.reveal() + "\",\"host\":\"" + endpoint + "\"}");
        String dbname =
                db.dump() != null && db.dump().dbname() != null ? db.dump().dbname() : db.id();
        DatabaseTarget restored = endpoints.resolve(db.engine(), endpoint, dbname, user, password);
        // This step must end within its invocation (Lambda stops it at 15 minutes, before any cleanup): the new
        // password gets half the budget to apply, the dump load what is left.
        Instant stepEnd = clock.instant().plus(budget);
        Instant runLimit = run.startedAt().plus(Duration.ofMinutes(vs.availableWithinMinutes()));
        Instant connectBy = stepEnd.minus(budget.dividedBy(2));
        waitForConnection(restored, connectBy.isBefore(runLimit) ? connectBy : runLimit);
        long recovery = Duration.between(run.startedAt(), clock.instant()).toSeconds();
        checks.add(new Check("connect", true, "first query " + recovery + " s after the restore started"));
        LOG.info("verification of {}: connected after {} s; checking", db.id(), recovery);
        String dumpId = null;
        Optional<DumpManifest> manifest = dumpManifest(db.id());
        if (manifest.isPresent()) {
            dumpId = manifest.get().backupId();
            DatabaseTarget scratch = endpoints.resolve(db.engine(), endpoint, SCRATCH, user, password);
            try {
                new RestoringDump(vault, inspector, tools, clock, Duration.between(clock.instant(), stepEnd))
                        .whenOutOfTime("the check's dump restore ran out of the step's time: set the database's"
                                + " dump.runOn to fargate in lifeboat.yml, so that its checks run as the Fargate task"
                                + " (12 hours), as its dumps do")
                        .restore(new RestoringDump.Command(db.id(), dumpId, scratch, true, false, false, null));
                checks.add(new Check("dump restore", true, "dump " + dumpId + " restored, sha256 verified"));
                checks.addAll(RowCountComparison.compare(
                        manifest.get(),
                        inspector.rowCounts(restored, Long.MAX_VALUE),
                        inspector.rowCounts(scratch, Long.MAX_VALUE),
                        vs.rowCountTolerance()));
            } catch (LifeboatException e) {
                checks.add(new Check("dump restore", false, e.describe()));
            }
        } else {
            checks.add(new Check(
                    "dump restore",
                    false,
                    "no dump of " + db.id() + " in "
                            + (vault == null ? "a vault (backup.vault is not set)" : vault.describe())));
        }
        for (LifeboatConfig.Assertion a : vs.assertions()) {
            checks.add(assertion(restored, a));
        }
        return new Checked(checks, recovery, dumpId);
    }

    /** Step 4, always: delete the instance (no final snapshot) and its secret. Returns false if something is left. */
    private boolean cleanup(LifeboatConfig.Database db, Location loc, Run run) {
        if (run.instance() == null) {
            return true;
        }
        boolean cleaned = true;
        LOG.info("verification of {}: deleting {} and its secret", db.id(), run.instance());
        try {
            rds.deleteDatabase(loc, db.source().kind(), run.instance());
        } catch (RuntimeException e) {
            LOG.warn("deleting {} failed ({}); the sweeper removes it after its expiry", run.instance(), describe(e));
            cleaned = false;
        }
        try {
            secrets.delete(secretName(run.instance()));
        } catch (RuntimeException e) {
            LOG.warn("deleting secret {} failed: {}", secretName(run.instance()), describe(e));
            cleaned = false;
        }
        return cleaned;
    }

    /** Step 5: the report, stored in the vault. */
    private Report finish(Run run, Checked checked, boolean cleaned, String error) {
        List<Check> checks = checked == null ? List.of() : checked.checks();
        String err = error;
        if (!cleaned) {
            err = (err == null ? "" : err + "; ") + "cleanup incomplete: the sweeper removes " + run.instance()
                    + " after its expiry";
        }
        boolean success =
                error == null && cleaned && !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        Report report = new Report(
                run.databaseId(),
                run.instance(),
                run.startedAt(),
                clock.instant(),
                run.snapshotId(),
                checked == null ? null : checked.dumpBackupId(),
                checked == null ? null : checked.recoverySeconds(),
                run.backupAgeHours(),
                success,
                checks,
                cleaned,
                err);
        reports.store(report);
        LOG.info("verification of {}: {} ({} checks)", run.databaseId(), success ? "PASSED" : "FAILED", checks.size());
        return report;
    }

    static String secretName(String instance) {
        return "lifeboat/verification/" + instance;
    }

    private static String describe(RuntimeException e) {
        return e instanceof LifeboatException le ? le.describe() : e.toString();
    }

    /** A new master password takes a moment to apply; connect until it works or the limit passes. */
    private void waitForConnection(DatabaseTarget target, Instant deadline) {
        while (true) {
            try {
                inspector.serverInfo(target);
                return;
            } catch (LifeboatException e) {
                if (!clock.instant().isBefore(deadline)) {
                    throw e;
                }
                pause(Duration.ofSeconds(10));
            }
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop("interrupted while waiting");
        }
    }

    /**
     * Where the check step runs (issue 13): on the Fargate task ({@link StepProtocol#FARGATE}) when the newest dump's
     * restore would not fit in Lambda's 15 minutes by the database's dump routing ({@link DumpRouting}); null: in the
     * step function, as every other step.
     */
    private String checkRunsOn(LifeboatConfig.Database db) {
        if (db.dump() == null) {
            return null;
        }
        DumpRouting.Decision d = DumpRouting.decide(db.dump(), dumpManifest(db.id()));
        LOG.info("verification of {}: the check runs on {}: {}", db.id(), d.runner(), d.reason());
        return d.runner() == DumpRouting.Runner.FARGATE ? StepProtocol.FARGATE : null;
    }

    private Optional<DumpManifest> dumpManifest(String databaseId) {
        if (vault == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BackupCatalog(vault, clock).find(databaseId, "latest"));
        } catch (BackupNotFoundException e) {
            return Optional.empty();
        }
    }

    private Check assertion(DatabaseTarget target, LifeboatConfig.Assertion a) {
        String name = "assertion: " + a.name();
        try {
            Expectation expected = Expectation.parse(a.expect());
            double v = inspector.scalar(target, a.sql());
            return new Check(name, expected.test(v), "got " + v + ", expected " + expected);
        } catch (LifeboatException ex) {
            return new Check(name, false, ex.describe());
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
