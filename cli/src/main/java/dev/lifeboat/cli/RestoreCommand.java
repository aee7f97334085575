package dev.lifeboat.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.CreatingInstance;
import dev.lifeboat.core.restore.RecoveryLog;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.restore.RestoringSnapshot;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Vocabulary;
import dev.lifeboat.protocol.request.BadRequest;
import dev.lifeboat.protocol.request.DumpRestore;
import dev.lifeboat.protocol.request.NewInstanceRestore;
import dev.lifeboat.protocol.request.RestoreRequest;
import dev.lifeboat.protocol.request.SnapshotRestore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        header = "Get a database back, from a snapshot copy or a dump; nothing existing is modified or deleted.",
        description = {
            "Get a database back: from a snapshot copy in the backup account (a new RDS instance or Aurora cluster),",
            "or from a logical dump in the vault (into a database you name). Nothing existing is modified or deleted.",
            "Run with --dry-run first: it prints every AWS call with its account, Region and values."
        },
        footer = {
            "",
            "Examples:",
            "  lifeboat restore --config lifeboat.yml --database orders --from snapshot --backup latest \\",
            "      --target-instance orders-restored --dry-run",
            "  lifeboat restore --config lifeboat.yml --database orders --from snapshot --target-instance orders-restored \\",
            "      --create-network --subnet subnet-0aaa --subnet subnet-0bbb     # the recorded network is gone",
            "  PGPASSWORD=... lifeboat restore --config lifeboat.yml --database orders --from dump --backup latest \\",
            "      --target postgresql://app@orders-restored.xyz.eu-central-1.rds.amazonaws.com:5432/orders --create",
            "  PGPASSWORD=... lifeboat restore --from dump --vault file:./vault --database orders \\",
            "      --target postgresql://app@localhost:5432/orders_restored --create"
        })
final class RestoreCommand implements Callable<Integer> {
    private final Context context;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "lifeboat.yml (snapshot: required; dump: its backup.vault, unless --vault is given)")
    Path config;

    @Option(
            names = "--vault",
            paramLabel = "URI",
            description = "dump: the vault, file:DIR or s3://BUCKET/PREFIX, instead of lifeboat.yml's backup.vault")
    String vaultUri;

    @Option(
            names = "--database",
            required = true,
            paramLabel = "ID",
            description = "the database's id (in lifeboat.yml, and in the vault)")
    String database;

    @Option(names = "--from", required = true, paramLabel = "KIND", description = "snapshot or dump")
    String from;

    @Option(
            names = "--backup",
            defaultValue = "latest",
            paramLabel = "WHICH",
            description =
                    "a snapshot id or dump id, latest, or (snapshots) before:2026-11-24T23:00:00Z (default: ${DEFAULT-VALUE})")
    String backup;

    @Option(
            names = "--target-instance",
            paramLabel = "ID",
            description = "snapshot: the new instance or cluster identifier (must not exist)")
    String targetInstance;

    @Option(names = "--target-account", paramLabel = "ACCOUNT", description = "snapshot: default the backup account")
    String targetAccount;

    @Option(names = "--target-region", paramLabel = "REGION", description = "snapshot: default the backup Region")
    String targetRegion;

    @Option(
            names = "--target-kms-key",
            paramLabel = "ARN",
            description = "snapshot: the target's key, to copy into another account or Region")
    String targetKmsKey;

    @Option(
            names = "--instance-class",
            paramLabel = "CLASS",
            description = "snapshot: default the class recorded with the backup, else "
                    + dev.lifeboat.core.shape.RestoreShape.DEFAULT_INSTANCE_CLASS)
    String instanceClass;

    @Option(
            names = "--subnet-group",
            paramLabel = "NAME",
            description = "snapshot: DB subnet group (default: the recorded one, when it still exists)")
    String subnetGroup;

    @Option(
            names = "--security-group",
            paramLabel = "SG",
            description = "snapshot: VPC security group id, repeat for several (default: the recorded ones, when they"
                    + " still exist)")
    List<String> securityGroups = new ArrayList<>();

    @Option(
            names = "--parameter-group",
            paramLabel = "NAME",
            description = "snapshot: parameter group (default: the recorded one with its recorded values, recreated"
                    + " as <name>-lifeboat-<date> when it is gone or differs)")
    String parameterGroup;

    @Option(
            names = "--option-group",
            paramLabel = "NAME",
            description = "snapshot: option group (default: the recorded one, when it still exists)")
    String optionGroup;

    @Option(
            names = "--multi-az",
            negatable = true,
            description = "snapshot: Multi-AZ or not (--no-multi-az) (default: as recorded)")
    Boolean multiAz;

    @Option(
            names = "--create-network",
            description = "snapshot: the recorded network is gone: create a DB subnet group in the --subnet subnets,"
                    + " and security groups with the recorded rules")
    boolean createNetwork;

    @Option(
            names = "--subnet",
            paramLabel = "ID",
            description = "snapshot, with --create-network: a subnet of the target VPC; repeat, two Availability Zones"
                    + " at least")
    List<String> subnets = new ArrayList<>();

    @Option(
            names = "--drop-parameter",
            paramLabel = "NAME",
            description = "snapshot: leave out a recorded parameter the target engine does not accept; repeat")
    List<String> dropParameters = new ArrayList<>();

    @Option(
            names = "--no-shape",
            description = "snapshot: ignore the shape recorded with the backup (values given, else RDS's defaults)")
    boolean noShape;

    @Option(
            names = "--no-deletion-protection",
            description = "turn off deletion protection on the new database (on by default)")
    boolean noDeletionProtection;

    @Option(
            names = "--target",
            paramLabel = "URL",
            description = "dump: postgresql://USER@HOST:PORT/DB (or mariadb://, mysql://)")
    String target;

    @Option(
            names = "--target-secret-id",
            paramLabel = "ID",
            description = "dump: instead of --target, a Secrets Manager secret in the RDS format")
    String targetSecretId;

    @Option(names = "--create", description = "dump: create the target database (it must not exist)")
    boolean create;

    @Option(
            names = "--create-instance",
            paramLabel = "ID",
            description = "dump: first make a new, empty RDS instance of this identifier in the shape recorded for the"
                    + " database (backup account and Region), then load the dump into it; for when the snapshot"
                    + " copies cannot be used (needs --config)")
    String createInstance;

    @Option(
            names = "--target-database",
            paramLabel = "NAME",
            description = "dump: with --create-instance, the database to create in the new instance (default:"
                    + " lifeboat.yml's dump.dbname, else the database id); with --target-secret-id, the database on"
                    + " that server to load into instead of the secret's (a --target URL names its own)")
    String targetDatabase;

    @Option(
            names = "--allow-non-empty-target",
            description = "dump: load into a database that already has tables (objects may clash or mix; nothing is"
                    + " dropped)")
    boolean allowNonEmpty;

    @Option(
            names = "--keep-ownership",
            description = "dump, PostgreSQL: restore owners and grants (the source's roles must exist on the target)")
    boolean keepOwnership;

    @Option(
            names = "--timeout-minutes",
            paramLabel = "MIN",
            description = "dump: the whole restore's time limit, from its start (checks, load, indexes); past it the"
                    + " restore is stopped and the target left as the failure message says (default: 720)")
    Integer timeoutMinutes;

    /** A dump restore's time limit when none is given. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(12);

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description =
                    "--from dump, a parallel backup: load its data parts N at a time, then indexes and constraints"
                            + " with N connections (default: the cores available, at most 4)")
    Integer jobs;

    @Option(
            names = "--single-transaction",
            description = "--from dump, a parallel PostgreSQL backup: load all of it in one transaction, its parts one"
                    + " after another (slower than the parallel load; a failure, even Lifeboat killed with SIGKILL,"
                    + " leaves an existing database as it was: nothing commits before the last part checked out)."
                    + " Without it, an interrupted parallel load into an existing database may leave the parts loaded"
                    + " so far. One stream's restore is one transaction anyway")
    boolean singleTransaction;

    /** How a dump is loaded, as the request asks: its time limit, --jobs and --single-transaction. */
    private record Load(Duration timeout, Integer jobs, boolean singleTransaction) {
        static Load of(DumpRestore r) {
            return new Load(timeout(r.timeoutMinutes()), r.jobs(), r.singleTransaction());
        }

        static Load of(NewInstanceRestore r) {
            return new Load(timeout(r.timeoutMinutes()), r.jobs(), r.singleTransaction());
        }

        private static Duration timeout(Integer minutes) {
            return minutes == null ? DEFAULT_TIMEOUT : Duration.ofMinutes(minutes);
        }
    }

    /** The dump restore, with --jobs and --single-transaction when given. */
    private RestoringDump restoring(Vault v, Load load) {
        RestoringDump r = new RestoringDump(v, context.inspector(), context.tools(), context.clock(), load.timeout());
        return r.withJobs(load.jobs() == null ? dev.lifeboat.adapters.process.Cores.defaultJobs() : load.jobs())
                .inOneTransaction(load.singleTransaction());
    }

    @Option(
            names = "--to-time",
            paramLabel = "TIME",
            description = "dump, MySQL family with a binlog archive (lifeboat stream): restore to this moment, in"
                    + " ISO-8601 UTC (e.g. 2026-12-05T22:59:30Z), to the second: the newest dump taken before it, then"
                    + " the archived changes up to it, every segment checked before anything loads. With --backup, start"
                    + " from that dump")
    String toTime;

    @Option(names = "--dry-run", description = "print the plan and change nothing")
    boolean dryRun;

    @Option(
            names = "--no-wait",
            description = "snapshot: start the restore and return; run the same command again to follow it")
    boolean noWait;

    @Option(names = "--poll-seconds", defaultValue = "5", paramLabel = "S", hidden = true)
    long pollSeconds;

    @Spec
    CommandSpec spec;

    /** An option as it was typed: a negatable one's negative form when that was given ({@code --no-multi-az}). */
    private String typed(OptionSpec o) {
        String flag = o.longestName();
        if (o.negatable()) {
            String negative = spec.negatableOptionTransformer().makeNegative(flag, spec);
            for (String arg : spec.commandLine().getParseResult().originalArgs()) {
                if (arg.equals(negative) || arg.startsWith(negative + "=")) {
                    return negative;
                }
            }
        }
        return flag;
    }

    RestoreCommand(Context context) {
        this.context = context;
    }

    /**
     * The options no payload carries that apply to one kind of restore only; every other option without a payload field
     * (the configuration, the output, confirmations) applies to every kind.
     */
    private static final java.util.Map<String, Class<? extends RestoreRequest>> ONLY_FOR =
            java.util.Map.of(Param.VAULT.flag(), DumpRestore.class, "--no-wait", SnapshotRestore.class);

    /**
     * The options given, as the one request every front end makes (issue 35): the function and the task read the
     * same records from their payloads. An option given that the kind does not take is refused by name, before
     * anything is read or called.
     */
    RestoreRequest request() {
        Class<? extends RestoreRequest> kind = switch (from) {
            case "snapshot" -> SnapshotRestore.class;
            case "dump" -> createInstance != null ? NewInstanceRestore.class : DumpRestore.class;
            default -> throw new InvalidInputException("--from '" + from + "' must be snapshot or dump");
        };
        Set<String> fields = RestoreRequest.fields(kind);
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String flag = o.longestName();
            Param p = Param.byFlag(flag);
            boolean applies = (p != null && p.field() != null)
                    ? fields.contains(p.field())
                    : ONLY_FOR.getOrDefault(flag, kind) == kind;
            if (!applies) {
                throw new InvalidInputException(typed(o) + " does not apply to " + RestoreRequest.kindOf(kind)
                        + (kind == SnapshotRestore.class
                                ? " (--from snapshot)"
                                : kind == DumpRestore.class ? " (--from dump)" : " (--from dump --create-instance)")
                        + "; leave it out");
            }
        }
        if (kind == DumpRestore.class && target == null && targetSecretId == null) {
            // Before lifeboat.yml or the vault is read: the one thing a dump restore cannot go without.
            throw new InvalidInputException("give --target URL or --target-secret-id ID (one of them)");
        }
        try {
            return switch (from) {
                case "snapshot" ->
                    SnapshotRestore.builder()
                            .database(database)
                            .backup(backup)
                            .dryRun(dryRun)
                            .targetInstance(targetInstance)
                            .targetAccount(targetAccount)
                            .targetRegion(targetRegion)
                            .targetKmsKeyArn(targetKmsKey)
                            .instanceClass(instanceClass)
                            .subnetGroup(subnetGroup)
                            .securityGroups(securityGroups)
                            .parameterGroup(parameterGroup)
                            .optionGroup(optionGroup)
                            .multiAz(multiAz)
                            .deletionProtection(!noDeletionProtection)
                            .createNetwork(createNetwork)
                            .subnets(subnets)
                            .dropParameters(dropParameters)
                            .noShape(noShape)
                            .build();
                default ->
                    createInstance != null
                            ? NewInstanceRestore.builder()
                                    .database(database)
                                    .backup(backup)
                                    .dryRun(dryRun)
                                    .createInstance(createInstance)
                                    .targetDatabase(targetDatabase)
                                    .targetAccount(targetAccount)
                                    .targetRegion(targetRegion)
                                    .instanceClass(instanceClass)
                                    .subnetGroup(subnetGroup)
                                    .securityGroups(securityGroups)
                                    .parameterGroup(parameterGroup)
                                    .optionGroup(optionGroup)
                                    .multiAz(multiAz)
                                    .deletionProtection(!noDeletionProtection)
                                    .createNetwork(createNetwork)
                                    .subnets(subnets)
                                    .dropParameters(dropParameters)
                                    .keepOwnership(keepOwnership)
                                    .toTime(moment())
                                    .jobs(jobs)
                                    .singleTransaction(singleTransaction)
                                    .timeoutMinutes(timeoutMinutes)
                                    .build()
                            : DumpRestore.builder()
                                    .database(database)
                                    .backup(backup)
                                    .dryRun(dryRun)
                                    .target(target)
                                    .targetSecretArn(targetSecretId)
                                    .targetDatabase(targetDatabase)
                                    .create(create)
                                    .allowNonEmptyTarget(allowNonEmpty)
                                    .singleTransaction(singleTransaction)
                                    .jobs(jobs)
                                    .keepOwnership(keepOwnership)
                                    .toTime(moment())
                                    .timeoutMinutes(timeoutMinutes)
                                    .build();
            };
        } catch (BadRequest e) {
            throw InvalidInputException.of(e);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        return switch (request()) {
            case SnapshotRestore r -> {
                if (config == null) {
                    throw new InvalidInputException("--from snapshot needs --config FILE (lifeboat.yml)");
                }
                LifeboatConfig cfg = ConfigLoader.load(config);
                cfg.database(database);
                yield fromSnapshot(cfg, r);
            }
            case NewInstanceRestore r -> intoNewInstance(r);
            case DumpRestore r -> fromDump(r);
        };
    }

    private int fromSnapshot(LifeboatConfig cfg, SnapshotRestore request) throws InterruptedException {
        String targetInstance = request.targetInstance();
        Instant start = context.clock().instant();
        RestoringSnapshot.Command command = RestoringSnapshot.Command.of(request);
        try (RdsGateway rds = context.rds(cfg);
                DatabaseShapes shapes = context.shapes(cfg)) {
            RestoringSnapshot restoring = new RestoringSnapshot(rds, shapes, context.vault(cfg), context.clock());
            long pause = Math.max(1, pollSeconds);
            boolean printedPlan = false;
            boolean followedAStep = false;
            while (true) {
                RestoringSnapshot.Result r = restoring.advance(cfg, command);
                if (!printedPlan) {
                    context.out()
                            .println("backup: " + r.backup().id() + " ("
                                    + r.backup().arn() + ")");
                    if (!r.choices().isEmpty()) {
                        context.out().println("the new database (recorded: from the shape recorded with the backup):");
                        r.choices().forEach(c -> context.out().println("  " + c));
                    }
                    r.notes().forEach(n -> context.out().println("note: " + Vocabulary.COMMAND_LINE.render(n)));
                    context.out().println("plan:");
                    r.plan().forEach(c -> context.out().println("  " + c));
                    printedPlan = true;
                }
                switch (r.status()) {
                    case PLANNED -> {
                        context.out().println("dry run: nothing was changed");
                        return ExitCode.OK;
                    }
                    case AVAILABLE -> {
                        if (!followedAStep) {
                            context.out()
                                    .println("restored " + targetInstance + ": endpoint "
                                            + r.restored().orElseThrow().endpoint()
                                            + " (an earlier run restored it; no recovery time was measured now)");
                            return ExitCode.OK;
                        }
                        Duration took = r.recovery()
                                .map(RecoveryLog.Entry::total)
                                .orElse(Duration.between(start, context.clock().instant()));
                        context.out()
                                .println("restored " + targetInstance + ": endpoint "
                                        + r.restored().orElseThrow().endpoint() + ", in " + Sizes.duration(took)
                                        + " (measured recovery time"
                                        + r.recovery()
                                                .map(x -> ": " + x.describePhases() + "; lifeboat list --restores")
                                                .orElse("")
                                        + ")");
                        return ExitCode.OK;
                    }
                    case FAILED -> {
                        context.err().println("lifeboat: " + r.message());
                        return ExitCode.FAILED;
                    }
                    case IN_PROGRESS -> {
                        followedAStep = true;
                        context.err()
                                .println(context.clock().instant().truncatedTo(ChronoUnit.SECONDS) + " " + r.message());
                        if (noWait) {
                            context.out().println("in progress: run the same command again to follow it");
                            return ExitCode.OK;
                        }
                    }
                }
                Thread.sleep(Duration.ofSeconds(pause));
                pause = Math.min(pause * 2, 120);
            }
        }
    }

    /**
     * A new, empty instance in the recorded shape, followed until it is available, then the dump loaded into it with
     * the password the instance was made with (issue 14).
     */
    private int intoNewInstance(NewInstanceRestore request) throws InterruptedException {
        if (config == null) {
            throw new InvalidInputException("--create-instance needs --config FILE (lifeboat.yml)");
        }
        String createInstance = request.createInstance();
        String backup = request.backup();
        boolean keepOwnership = request.keepOwnership();
        boolean dryRun = request.dryRun();
        java.time.Instant moment = request.toTime();
        Load load = Load.of(request);
        LifeboatConfig cfg = ConfigLoader.load(config);
        LifeboatConfig.Database db = cfg.database(database);
        Vault v = context.vault(cfg);
        if (v == null) {
            throw new InvalidInputException("backup.vault is not set in " + config + "; dumps live there");
        }
        String dbname = request.targetDatabase() != null
                ? request.targetDatabase()
                : db.dump() != null && db.dump().dbname() != null ? db.dump().dbname() : database.replace('-', '_');
        RestoringSnapshot.Target t = RestoringSnapshot.Target.of(request);
        // The dump must exist before an instance is made for it; with --to-time, the whole restore must be reachable
        // (a dump before the moment, an unbroken archive after it): refused now, before an instance is paid for.
        boolean postgres =
                new BackupCatalog(v, context.clock()).find(database, backup).engine() == DatabaseEngine.POSTGRESQL;
        dev.lifeboat.core.changes.ReplayingChanges replaying =
                moment == null || !postgres ? null : replayingChanges(v, restoring(v, load), load);
        if (replaying != null) {
            context.out().println("to " + moment + ": " + describe(replaying.plan(database, moment, backup)));
        }
        dev.lifeboat.core.binlog.RestoringToMoment toMoment =
                moment == null || postgres ? null : restoringToMoment(v, restoring(v, load), load);
        if (toMoment != null) {
            var plan = toMoment.plan(database, moment, backup);
            context.out()
                    .println("to " + moment + ": dump " + plan.base().backupId() + ", then "
                            + plan.segments().size() + " binlog segments up to events stamped before " + plan.stopAt());
        }
        try (RdsGateway rds = context.rds(cfg);
                DatabaseShapes shapes = context.shapes(cfg)) {
            CreatingInstance creating =
                    new CreatingInstance(rds, shapes, v, context.aws().secretStore(), context.clock());
            CreatingInstance.Result r = creating.advance(cfg, database, t, dryRun);
            context.out().println("the new instance, as recorded " + r.shape().recordedAt() + ":");
            r.choices().forEach(c -> context.out().println("  " + c));
            r.notes().forEach(n -> context.out().println("note: " + Vocabulary.COMMAND_LINE.render(n)));
            context.out().println("plan:");
            r.plan().forEach(c -> context.out().println("  " + c));
            context.out().println("  then: load dump " + backup + " of " + database + " into database " + dbname);
            if (dryRun) {
                context.out().println("dry run: nothing was changed");
                return ExitCode.OK;
            }
            Optional<Secret> password = r.password();
            if (password.isEmpty()) {
                context.err()
                        .println("lifeboat: " + createInstance + " exists already, made by an earlier run of this"
                                + " restore (" + r.message() + "); its master password is in Secrets Manager "
                                + r.secretName());
                context.err()
                        .println("  what to do: once it is available, load the dump with --target "
                                + DatabaseEngine.parse(r.shape().engine()).urlScheme() + "://"
                                + CreatingInstance.MASTER_USER
                                + "@ENDPOINT/" + dbname + " --create and the password from that secret");
                return ExitCode.FAILED;
            }
            long pause = Math.max(1, pollSeconds);
            while (r.status() != CreatingInstance.Status.AVAILABLE) {
                context.err().println(context.clock().instant().truncatedTo(ChronoUnit.SECONDS) + " " + r.message());
                Thread.sleep(Duration.ofSeconds(pause));
                pause = Math.min(pause * 2, 60);
                r = creating.advance(cfg, database, t, false);
            }
            String endpoint = r.instance().orElseThrow().endpoint();
            context.out().println("created " + createInstance + ": endpoint " + endpoint);
            DatabaseTarget into = EndpointResolver.DIRECT.resolve(
                    DatabaseEngine.parse(r.shape().engine()),
                    endpoint,
                    dbname,
                    CreatingInstance.MASTER_USER,
                    password.get());
            RestoringDump restoring = restoring(v, load);
            Progress progress = context.progress("restored");
            if (replaying != null) {
                var r2 = replaying.restore(new dev.lifeboat.core.changes.ReplayingChanges.Command(
                        database, moment, backup, into, true, keepOwnership, progress));
                progress.finish();
                context.out()
                        .printf(
                                "restored %s to %s into %s on the new instance %s: dump %s, then %d transactions,"
                                        + " sha256 verified; master password in Secrets Manager %s%n",
                                database,
                                moment,
                                dbname,
                                createInstance,
                                r2.base().manifest().backupId(),
                                r2.transactions(),
                                r.secretName());
                notCarried(r2.notCarried(), r2.base().manifest().backupId());
                return ExitCode.OK;
            }
            if (toMoment != null) {
                var r2 = toMoment.restore(new dev.lifeboat.core.binlog.RestoringToMoment.Command(
                        database, moment, backup, into, true, keepOwnership, progress));
                progress.finish();
                context.out()
                        .printf(
                                "restored %s to %s into %s on the new instance %s: dump %s, then %d binlog segments,"
                                        + " sha256 verified; master password in Secrets Manager %s%n",
                                database,
                                moment,
                                dbname,
                                createInstance,
                                r2.base().manifest().backupId(),
                                r2.segments(),
                                r.secretName());
                return ExitCode.OK;
            }
            RestoringDump.Result loaded = restoring.restore(
                    new RestoringDump.Command(database, backup, into, true, false, keepOwnership, progress));
            progress.finish();
            context.out()
                    .printf(
                            "restored dump %s of %s into %s on the new instance %s: %s, sha256 verified; master"
                                    + " password in Secrets Manager %s%n",
                            loaded.manifest().backupId(),
                            database,
                            dbname,
                            createInstance,
                            Sizes.human(loaded.bytes()),
                            r.secretName());
            noteNewerWriter(loaded.manifest());
            return ExitCode.OK;
        }
    }

    /** --to-time as a moment, null when not given; bad input names the option and the form. */
    private java.time.Instant moment() {
        if (toTime == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(toTime.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException("--to-time '" + toTime + "' is not a moment; give it in ISO-8601 UTC,"
                    + " e.g. --to-time 2026-12-05T22:59:30Z");
        }
    }

    private dev.lifeboat.core.binlog.RestoringToMoment restoringToMoment(Vault v, RestoringDump restoring, Load load) {
        return new dev.lifeboat.core.binlog.RestoringToMoment(
                v,
                new dev.lifeboat.core.restore.BackupCatalog(v, context.clock()),
                restoring,
                context.inspector(),
                context.tools().binlogs(),
                context.clock(),
                load.timeout());
    }

    /** A dump restore to a moment (issue 40): the dump before it, then the binlog archive up to it. */
    private int toMoment(Vault v, DatabaseTarget into, RestoringDump restoring, DumpRestore request) {
        java.time.Instant moment = request.toTime();
        String backup = request.backup();
        boolean create = request.create();
        if (into.engine() == DatabaseEngine.POSTGRESQL) {
            return changesToMoment(v, into, restoring, request);
        }
        dev.lifeboat.core.binlog.RestoringToMoment toMoment = restoringToMoment(v, restoring, Load.of(request));
        if (request.dryRun()) {
            var plan = toMoment.plan(database, moment, backup);
            context.out()
                    .println("plan: dump " + plan.base().backupId() + " (binlog "
                            + plan.base().binlog().file() + ":"
                            + plan.base().binlog().position() + "), then "
                            + plan.segments().size()
                            + " binlog segments up to events stamped before " + plan.stopAt() + ", into "
                            + into.describe() + (create ? " (created)" : ""));
            context.out().println("dry run: nothing was changed");
            return ExitCode.OK;
        }
        Progress progress = context.progress("restored");
        var r = toMoment.restore(new dev.lifeboat.core.binlog.RestoringToMoment.Command(
                database, moment, backup, into, create, request.keepOwnership(), progress));
        progress.finish();
        context.out()
                .printf(
                        "restored %s to %s into %s: dump %s, then %d binlog segments (every event stamped before %s),"
                                + " sha256 verified, in %ds%n",
                        database,
                        moment,
                        r.base().target(),
                        r.base().manifest().backupId(),
                        r.segments(),
                        r.replayedBefore(),
                        r.base().elapsed().toSeconds());
        return ExitCode.OK;
    }

    private dev.lifeboat.core.changes.ReplayingChanges replayingChanges(Vault v, RestoringDump restoring, Load load) {
        return new dev.lifeboat.core.changes.ReplayingChanges(
                v,
                new BackupCatalog(v, context.clock()),
                restoring,
                context.inspector(),
                context.changeFeed(),
                context.clock(),
                load.timeout());
    }

    /** A PostgreSQL dump restore to a moment (issue 41): the dump before it, then the change archive up to it. */
    private int changesToMoment(Vault v, DatabaseTarget into, RestoringDump restoring, DumpRestore request) {
        java.time.Instant moment = request.toTime();
        String backup = request.backup();
        boolean create = request.create();
        var replaying = replayingChanges(v, restoring, Load.of(request));
        if (request.dryRun()) {
            var plan = replaying.plan(database, moment, backup);
            context.out()
                    .println("plan: " + describe(plan) + ", into " + into.describe() + (create ? " (created)" : ""));
            context.out().println("dry run: nothing was changed");
            return ExitCode.OK;
        }
        Progress progress = context.progress("restored");
        var r = replaying.restore(new dev.lifeboat.core.changes.ReplayingChanges.Command(
                database, moment, backup, into, create, request.keepOwnership(), progress));
        progress.finish();
        context.out()
                .printf(
                        "restored %s to %s into %s: dump %s, then %d transactions from %d change segments (every"
                                + " commit at or before the moment), sha256 verified, in %ds%n",
                        database,
                        moment,
                        r.base().target(),
                        r.base().manifest().backupId(),
                        r.transactions(),
                        r.segments(),
                        r.base().elapsed().toSeconds());
        notCarried(r.notCarried(), r.base().manifest().backupId());
        return ExitCode.OK;
    }

    private static String describe(dev.lifeboat.core.changes.ReplayingChanges.Plan plan) {
        return "dump " + plan.base().backupId() + " (LSN "
                + plan.base().changes().lsn() + "), then " + plan.segments().size()
                + " change segments up to commits at or before " + plan.moment();
    }

    private void notCarried(java.util.Set<String> tables, String backupId) {
        if (!tables.isEmpty()) {
            context.err()
                    .println("warning: " + String.join(", ", tables) + " have no primary key or replica identity:"
                            + " logical decoding does not carry their updates and deletes, so they hold the rows of"
                            + " dump " + backupId + ". Give them a primary key (or REPLICA IDENTITY FULL) on the"
                            + " source.");
        }
    }

    /** The one dump-restore path of the command line: the vault from --vault, or lifeboat.yml's backup.vault. */
    private int fromDump(DumpRestore request) {
        Vault v;
        if (vaultUri != null) {
            v = context.vaultAt(vaultUri, config == null ? null : ConfigLoader.load(config));
        } else if (config != null) {
            LifeboatConfig cfg = ConfigLoader.load(config);
            cfg.database(database);
            if (cfg.backup().vault() == null) {
                throw new InvalidInputException(
                        "backup.vault is not set in " + config + "; dumps live there (or give --vault URI)");
            }
            v = context.vault(cfg);
        } else {
            throw new InvalidInputException("--from dump needs --vault URI or --config FILE (its backup.vault)");
        }
        DatabaseTarget into =
                context.database("--target", request.target(), "--target-secret-id", request.targetSecretArn());
        if (request.targetDatabase() != null) {
            into = into.withDatabase(request.targetDatabase());
        }
        RestoringDump restoring = restoring(v, Load.of(request));
        if (request.toTime() != null) {
            return toMoment(v, into, restoring, request);
        }
        RestoringDump.Command command = RestoringDump.Command.of(request, into, null);
        if (request.dryRun()) {
            var manifest = restoring.plan(command);
            context.out()
                    .println("plan: stream " + v.describe() + "/" + manifest.objectKey() + " ("
                            + Sizes.human(manifest.totalBytes())
                            + (manifest.parallel()
                                    ? " in " + (1 + manifest.parts().size()) + " objects"
                                    : "")
                            + ", sha256 " + manifest.sha256() + ") into "
                            + into.describe() + (request.create() ? " (created)" : ""));
            context.out().println("dry run: nothing was changed");
            return ExitCode.OK;
        }
        Progress progress = context.progress("restored");
        RestoringDump.Result r = restoring.restore(RestoringDump.Command.of(request, into, progress));
        progress.finish();
        context.out()
                .printf(
                        "restored dump %s of %s into %s: %s, sha256 verified, in %ds%n",
                        r.manifest().backupId(),
                        database,
                        r.target(),
                        Sizes.human(r.bytes()),
                        r.elapsed().toSeconds());
        noteNewerWriter(r.manifest());
        return ExitCode.OK;
    }

    /** Issue 39: a backup a newer Lifeboat wrote may hold what this one does not read; the restore says so. */
    private void noteNewerWriter(dev.lifeboat.core.dump.DumpManifest m) {
        m.newerWriterThan(dev.lifeboat.protocol.BuildInfo.current().version())
                .ifPresent(note -> context.err().println("note: " + m.databaseId() + " " + m.backupId() + ": " + note));
    }
}
