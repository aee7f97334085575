package dev.lifeboat.core.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.error.VerificationFailedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.core.port.SecretStore;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.restore.RestoringSnapshot;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import dev.lifeboat.protocol.Tags;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verification run: restore the newest snapshot copy into a throwaway instance, restore the newest
 * dump next to it, check both against the dump's manifest and the configured SQL assertions, measure
 * the recovery time, and always delete the instance and its secret. The report goes to the vault
 * ({@code verifications/<database-id>/<time>.json}). Throwaway instances carry the tag
 * {@code lifeboat:verification} and an expiry, so {@link #sweep} removes what a crashed run left.
 */
public final class VerifyingBackup {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyingBackup.class);
    public static final String VERIFICATION = "lifeboat:verification";
    public static final String EXPIRES_AT = "lifeboat:expires-at";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final String SCRATCH = "lifeboat_verify_dump";

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
            String error) {}

    /** Waits between polls; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RdsGateway rds;
    private final Vault vault;
    private final DatabaseInspector inspector;
    private final DumpTools tools;
    private final SecretStore secrets;
    private final EndpointResolver endpoints;
    private final Clock clock;
    private final Sleeper sleeper;

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
    }

    /** The instance did not come up in time, or the run was interrupted. */
    public static final class Stop extends RuntimeException {
        Stop(String message) {
            super(message);
        }
    }

    /** A started run: what the steps pass along (the Step Functions state). */
    public record Run(
            String databaseId, String instance, Instant startedAt, String snapshotId, Double backupAgeHours) {}

    /** What the checks found. */
    public record Checked(List<Check> checks, Long recoverySeconds, String dumpBackupId) {
        /** A run that stopped at {@code step}: that one failed check, nothing measured. */
        public static Checked failedAt(String step, String detail) {
            return new Checked(List.of(new Check(step, false, detail)), null, null);
        }
    }

    /** Step 1: restore the newest copy into a new throwaway instance. */
    public Run start(LifeboatConfig config, String databaseId) {
        return start(config, databaseId, null);
    }

    /**
     * Step 1 for a scheduled run: the instance is named after {@code runTime}, so a retried start finds the
     * instance the first attempt created (tagged as a verification) instead of making a second one.
     */
    public Run start(LifeboatConfig config, String databaseId, Instant runTime) {
        LifeboatConfig.Database db = config.database(databaseId);
        LifeboatConfig.VerifySettings vs = db.verify();
        Location loc = config.backup().location();
        Instant start = runTime == null ? clock.instant() : runTime;
        String instance = ("lifeboat-verify-"
                        + databaseId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-"
                        + STAMP.format(start).toLowerCase(Locale.ROOT))
                .replaceAll("-+", "-");
        SnapshotInfo copy = new RestoringSnapshot(rds).choose(config, databaseId, "latest");
        Instant taken = RetentionPolicy.takenAt(copy);
        Double age = taken == null ? null : Duration.between(taken, start).toMinutes() / 60.0;
        Optional<SourceDatabase> existing = rds.database(loc, db.source().kind(), instance);
        if (existing.isPresent()) {
            if (!existing.get().tags().containsKey(VERIFICATION)) {
                throw new RefusedException(
                        "a database named " + instance + " exists and is not a verification" + " instance",
                        "Lifeboat will not touch it; rename it or pass another run time");
            }
            return new Run(databaseId, instance, start, copy.id(), age);
        }
        Map<String, String> tags = new HashMap<>(Map.of(
                Tags.MANAGED_BY,
                "lifeboat",
                Tags.DATABASE,
                databaseId,
                VERIFICATION,
                STAMP.format(start),
                EXPIRES_AT,
                start.plus(Duration.ofMinutes(vs.availableWithinMinutes()))
                        .plus(Duration.ofHours(2))
                        .toString()));
        LOG.info("verification of {}: restoring {} into throwaway instance {}", databaseId, copy.id(), instance);
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
        return new Run(databaseId, instance, start, copy.id(), age);
    }

    /** Step 2, repeated: the endpoint once the instance is available; empty while it is not; a Stop past the limit. */
    public Optional<String> poll(LifeboatConfig config, Run run) {
        LifeboatConfig.Database db = config.database(run.databaseId());
        Location loc = config.backup().location();
        Optional<SourceDatabase> d = rds.database(loc, db.source().kind(), run.instance());
        if (d.isPresent() && d.get().available() && d.get().endpoint() != null) {
            LOG.info(
                    "verification of {}: {} is available at {}",
                    run.databaseId(),
                    run.instance(),
                    d.get().endpoint());
            return Optional.of(d.get().endpoint());
        }
        LOG.info(
                "verification of {}: {} is {}",
                run.databaseId(),
                run.instance(),
                d.map(SourceDatabase::status).orElse("missing"));
        if (!clock.instant()
                .isBefore(run.startedAt().plus(Duration.ofMinutes(db.verify().availableWithinMinutes())))) {
            throw new Stop(run.instance() + " was not available within the limit of "
                    + db.verify().availableWithinMinutes() + " minutes ("
                    + d.map(SourceDatabase::status).orElse("missing") + " at " + clock.instant() + ")");
        }
        return Optional.empty();
    }

    /** Step 3: log in, restore the dump beside the data, compare, run the assertions. */
    public Checked check(LifeboatConfig config, Run run, String endpoint) {
        LifeboatConfig.Database db = config.database(run.databaseId());
        LifeboatConfig.VerifySettings vs = db.verify();
        Location loc = config.backup().location();
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("available", true, run.instance() + " at " + endpoint));
        Secret password = Secret.of(HexFormat.of().formatHex(randomBytes(24)));
        String user = rds.resetMasterPassword(loc, db.source().kind(), run.instance(), password);
        secrets.put(
                secretName(run.instance()),
                "{\"engine\":\"" + db.engine().urlScheme() + "\",\"username\":\"" + user + "\",\"password\":\""
                        + password.reveal() + "\",\"host\":\"" + endpoint + "\"}");
        String dbname =
                db.dump() != null && db.dump().dbname() != null ? db.dump().dbname() : run.databaseId();
        DatabaseTarget restored = endpoints.resolve(db.engine(), endpoint, dbname, user, password);
        waitForConnection(restored, run.startedAt().plus(Duration.ofMinutes(vs.availableWithinMinutes())));
        long recovery = Duration.between(run.startedAt(), clock.instant()).toSeconds();
        checks.add(new Check("connect", true, "first query " + recovery + " s after the restore started"));
        LOG.info("verification of {}: connected after {} s; checking", run.databaseId(), recovery);
        String dumpId = null;
        Optional<DumpManifest> manifest = dumpManifest(run.databaseId());
        if (manifest.isPresent()) {
            dumpId = manifest.get().backupId();
            DatabaseTarget scratch = endpoints.resolve(db.engine(), endpoint, SCRATCH, user, password);
            try {
                new RestoringDump(vault, inspector, tools, clock, Duration.ofHours(2))
                        .restore(
                                new RestoringDump.Command(run.databaseId(), dumpId, scratch, true, false, false, null));
                checks.add(new Check("dump restore", true, "dump " + dumpId + " restored, sha256 verified"));
                checks.addAll(compare(
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
                    "no dump of " + run.databaseId() + " in "
                            + (vault == null ? "a vault (backup.vault is not set)" : vault.describe())));
        }
        for (LifeboatConfig.Assertion a : vs.assertions()) {
            checks.add(assertion(restored, a));
        }
        return new Checked(checks, recovery, dumpId);
    }

    /** Step 4, always: delete the instance (no final snapshot) and its secret. Returns false if something is left. */
    public boolean cleanup(LifeboatConfig config, Run run) {
        LifeboatConfig.Database db = config.database(run.databaseId());
        Location loc = config.backup().location();
        boolean cleaned = true;
        LOG.info("verification of {}: deleting {} and its secret", run.databaseId(), run.instance());
        try {
            rds.deleteDatabase(loc, db.source().kind(), run.instance());
        } catch (RuntimeException e) {
            LOG.warn(
                    "deleting {} failed ({}); the sweeper removes it after its expiry", run.instance(), e.getMessage());
            cleaned = false;
        }
        try {
            secrets.delete(secretName(run.instance()));
        } catch (RuntimeException e) {
            LOG.warn("deleting secret {} failed: {}", secretName(run.instance()), e.getMessage());
            cleaned = false;
        }
        return cleaned;
    }

    /** Step 5: the report, stored in the vault. */
    public Report finish(Run run, Checked checked, boolean cleaned, String error) {
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
        store(report);
        LOG.info("verification of {}: {} ({} checks)", run.databaseId(), success ? "PASSED" : "FAILED", checks.size());
        return report;
    }

    /** The whole run in one call, waiting in between (the command line); the state machine calls the steps. */
    public Report verify(LifeboatConfig config, String databaseId) {
        Run run;
        try {
            run = start(config, databaseId);
        } catch (LifeboatException e) {
            Run none = new Run(databaseId, null, clock.instant(), null, null);
            return finish(none, Checked.failedAt("start", e.describe()), true, e.describe());
        }
        Checked checked = null;
        String error = null;
        try {
            Duration pause = Duration.ofSeconds(15);
            Optional<String> endpoint = poll(config, run);
            while (endpoint.isEmpty()) {
                pause(pause);
                pause = pause.multipliedBy(2).compareTo(Duration.ofMinutes(2)) > 0
                        ? Duration.ofMinutes(2)
                        : pause.multipliedBy(2);
                endpoint = poll(config, run);
            }
            checked = check(config, run, endpoint.get());
        } catch (Stop e) {
            error = e.getMessage();
            checked = Checked.failedAt("available", e.getMessage());
        } catch (LifeboatException e) {
            error = e.describe();
            checked = Checked.failedAt("run", error);
        } catch (RuntimeException e) {
            error = e.toString();
            checked = Checked.failedAt("run", error);
        }
        boolean cleaned = cleanup(config, run);
        return finish(run, checked, cleaned, error);
    }

    private static String secretName(String instance) {
        return "lifeboat/verification/" + instance;
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

    /** Tables of the manifest present in both restores; row counts of each against the manifest, within the tolerance. */
    static List<Check> compare(
            DumpManifest manifest, List<TableRowCount> snapshot, List<TableRowCount> dump, double tolerance) {
        Function<List<TableRowCount>, Map<String, Long>> byName = l -> l.stream()
                .collect(Collectors.toMap(t -> t.schema() + "." + t.table(), TableRowCount::rows, (a, b) -> a));
        Function<List<TableRowCount>, List<TableRowCount>> asManifest = l -> l.stream()
                .map(t -> new TableRowCount(sameSchema(manifest, t), t.table(), t.rows(), t.exact()))
                .toList();
        Map<String, Long> snap = byName.apply(asManifest.apply(snapshot));
        Map<String, Long> fromDump = byName.apply(asManifest.apply(dump));
        List<String> missing = new ArrayList<>();
        List<String> drift = new ArrayList<>();
        for (TableRowCount t : manifest.tables()) {
            String name = t.schema() + "." + t.table();
            Long s = snap.get(name);
            Long d = fromDump.get(name);
            if (s == null || d == null) {
                missing.add(name + (s == null ? " (snapshot)" : "") + (d == null ? " (dump)" : ""));
                continue;
            }
            long allowed = Math.round(Math.max(1, t.rows()) * tolerance);
            if (Math.abs(s - t.rows()) > allowed) {
                drift.add(name + ": snapshot " + s + " vs manifest " + t.rows());
            }
            if (t.exact() ? d != t.rows() : Math.abs(d - t.rows()) > allowed) {
                drift.add(name + ": dump " + d + " vs manifest " + t.rows());
            }
        }
        return List.of(
                new Check(
                        "tables present",
                        missing.isEmpty(),
                        missing.isEmpty()
                                ? manifest.tables().size() + " tables in both"
                                : "missing: " + String.join(", ", missing)),
                new Check(
                        "row counts",
                        drift.isEmpty(),
                        drift.isEmpty()
                                ? "within " + (tolerance * 100) + "% of the manifest"
                                : String.join("; ", drift)));
    }

    /**
     * MariaDB and MySQL report the database's name as the schema, and the scratch database (or a
     * database restored under another name) has another one: compare by table name there.
     */
    private static String sameSchema(DumpManifest m, TableRowCount t) {
        return m.engine().isMysqlFamily() && !m.tables().isEmpty()
                ? m.tables().getFirst().schema()
                : t.schema();
    }

    private Check assertion(DatabaseTarget target, LifeboatConfig.Assertion a) {
        try {
            double v = inspector.scalar(target, a.sql());
            String e = a.expect().strip();
            String op = e.startsWith(">=") || e.startsWith("<=") ? e.substring(0, 2) : e.substring(0, 1);
            double n = Double.parseDouble(e.substring(op.length()).strip());
            boolean ok = switch (op) {
                case ">=" -> v >= n;
                case "<=" -> v <= n;
                case ">" -> v > n;
                case "<" -> v < n;
                default -> v == n;
            };
            return new Check("assertion: " + a.name(), ok, "got " + v + ", expected " + e);
        } catch (LifeboatException ex) {
            return new Check("assertion: " + a.name(), false, ex.describe());
        }
    }

    private void store(Report report) {
        if (vault == null) {
            return;
        }
        try {
            vault.putIfAbsent(
                    "verifications/" + report.databaseId() + "/" + STAMP.format(report.startedAt()) + ".json",
                    JSON.writeValueAsBytes(report));
        } catch (Exception e) {
            LOG.warn("could not store the verification report of {}: {}", report.databaseId(), e.getMessage());
        }
    }

    /** The stored reports of a database, oldest first. */
    public List<Report> reports(String databaseId) {
        List<Report> out = new ArrayList<>();
        if (vault == null) {
            return out; // without a vault no report was stored (store() skips it), so there are none to read
        }
        for (String key : vault.list("verifications/" + databaseId + "/")) {
            vault.read(key).ifPresent(b -> {
                try {
                    out.add(JSON.readValue(b, Report.class));
                } catch (IOException e) {
                    LOG.warn("unreadable verification report {}: {}", key, e.getMessage());
                }
            });
        }
        return out;
    }

    /**
     * Fresh when the newest backup that passed a verification was taken within {@code maxAge} of now:
     * the freshness alarm's condition. Taken time = the report's start less the backup's age then.
     */
    public static boolean fresh(List<Report> reports, Duration maxAge, Instant now) {
        return reports.stream()
                .filter(Report::success)
                .filter(r -> r.backupAgeHours() != null)
                .map(r -> r.startedAt().minusSeconds(Math.round(r.backupAgeHours() * 3600)))
                .anyMatch(taken -> !taken.plus(maxAge).isBefore(now));
    }

    /**
     * Deletes the verification instances past their expiry (and their logins); touches nothing without the
     * verification tag. A delete that
     * fails does not stop the others: the sweep goes on, and then throws naming what it deleted and what it
     * could not, so the sweeper's failure alarm fires while the rest is already clean.
     */
    public List<String> sweep(LifeboatConfig config) {
        Location loc = config.backup().location();
        List<String> deleted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (DbKind kind : DbKind.values()) {
            for (SourceDatabase d : rds.databasesTagged(loc, kind, VERIFICATION)) {
                String expires = d.tags().get(EXPIRES_AT);
                boolean expired;
                try {
                    expired = expires == null || !Instant.parse(expires).isAfter(clock.instant());
                } catch (DateTimeParseException e) {
                    expired = true;
                }
                if (expired && d.identifier().startsWith("lifeboat-verify-")) {
                    try {
                        rds.deleteDatabase(loc, kind, d.identifier());
                        secrets.delete(secretName(d.identifier()));
                        deleted.add(d.identifier());
                    } catch (RuntimeException e) {
                        String why = e instanceof LifeboatException le ? le.describe() : e.toString();
                        LOG.warn("sweep: could not delete {}: {}", d.identifier(), why);
                        failed.add(d.identifier() + " (" + why + ")");
                    }
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new VerificationFailedException(
                    "the sweep deleted " + (deleted.isEmpty() ? "nothing" : String.join(", ", deleted))
                            + " and could not delete " + String.join("; ", failed),
                    "the sweep runs again on its schedule; if it keeps failing, delete those instances by hand");
        }
        return deleted;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
