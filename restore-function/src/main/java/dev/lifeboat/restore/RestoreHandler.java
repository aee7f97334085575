package dev.lifeboat.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.rds.AwsDatabaseShapes;
import dev.lifeboat.adapters.rds.AwsRdsGateway;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.DumpRouting;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.SecretSource;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.restore.RestoringSnapshot;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.ShellWords;
import dev.lifeboat.protocol.Vocabulary;
import dev.lifeboat.protocol.request.BadRequest;
import dev.lifeboat.protocol.request.DumpRestore;
import dev.lifeboat.protocol.request.NewInstanceRestore;
import dev.lifeboat.protocol.request.Requests;
import dev.lifeboat.protocol.request.RestoreRequest;
import dev.lifeboat.protocol.request.SnapshotRestore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The restore function: the incident path from a Lambda invocation. Payloads are documented with an
 * example for each case in docs/runbook.md. A snapshot restore is re-entrant: invoke it again with the
 * same payload to follow it until {@code status} is AVAILABLE. Every payload error names the field and
 * the valid choices, and nothing is created.
 */
public final class RestoreHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LifeboatConfig config;
    private final RdsGateway rds;
    private final DatabaseShapes shapes;
    private final Supplier<Vault> vault;
    private final SecretSource secrets;
    private final DatabaseInspector inspector;
    private final DumpTools tools;
    private final Clock clock;
    private final Metrics metrics;
    /** Set for the function: see {@link #RestoreHandler(LifeboatConfig, AwsClients, boolean)}. */
    private final boolean inLambda;

    static {
        // Once per container, at its cold start: which Lifeboat this function runs (CloudWatch keeps stderr).
        System.err.println(
                "RestoreHandler: " + dev.lifeboat.protocol.BuildInfo.current().describe());
    }

    /** Used by Lambda: lifeboat.yml as it was deployed (DeployedConfig); clients built once. */
    public RestoreHandler() {
        this(AwsClients.fromEnvironment());
    }

    private RestoreHandler(AwsClients aws) {
        this(DeployedConfig.load(System.getenv(), aws::objectBytes), aws, true);
    }

    /**
     * @param inLambda whether this runs in the function: a dump restore that would not fit in Lambda's 15 minutes is
     *     then refused up front, naming the Fargate task's state machine ({@link RestoreTask} runs without the limit)
     */
    RestoreHandler(LifeboatConfig config, AwsClients aws, boolean inLambda) {
        this(
                config,
                AwsRdsGateway.forConfig(config, aws),
                AwsDatabaseShapes.forConfig(config, aws, Clock.systemUTC()),
                () -> aws.configuredVault(config, Clock.systemUTC()),
                aws.secretSource(),
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                Clock.systemUTC(),
                MetricsFactory.getMetricsInstance(),
                inLambda);
    }

    RestoreHandler(
            LifeboatConfig config,
            RdsGateway rds,
            Supplier<Vault> vault,
            SecretSource secrets,
            DatabaseInspector inspector,
            DumpTools tools,
            Clock clock) {
        this(config, rds, null, vault, secrets, inspector, tools, clock, null);
    }

    /** {@code shapes} null: snapshot restores use no recorded shape; {@code metrics} null: none are emitted. */
    RestoreHandler(
            LifeboatConfig config,
            RdsGateway rds,
            DatabaseShapes shapes,
            Supplier<Vault> vault,
            SecretSource secrets,
            DatabaseInspector inspector,
            DumpTools tools,
            Clock clock,
            Metrics metrics) {
        this(config, rds, shapes, vault, secrets, inspector, tools, clock, metrics, false);
    }

    RestoreHandler(
            LifeboatConfig config,
            RdsGateway rds,
            DatabaseShapes shapes,
            Supplier<Vault> vault,
            SecretSource secrets,
            DatabaseInspector inspector,
            DumpTools tools,
            Clock clock,
            Metrics metrics,
            boolean inLambda) {
        this.inLambda = inLambda;
        this.config = config;
        this.rds = rds;
        this.shapes = shapes;
        this.metrics = metrics;
        this.vault = vault;
        this.secrets = secrets;
        this.inspector = inspector;
        this.tools = tools;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] payload = input.readAllBytes();
        Duration budget = LambdaLimits.budget(context.getRemainingTimeInMillis());
        ObjectNode result = PowertoolsLogging.withLogging(
                context, () -> LambdaFailure.rethrowing(() -> handle(read(payload), budget)));
        JSON.writeValue(output, result);
    }

    /** The payload, parsed strictly (a field given twice is refused). */
    private static JsonNode read(byte[] payload) {
        try {
            return Requests.tree(new java.io.ByteArrayInputStream(payload));
        } catch (BadRequest e) {
            throw InvalidInputException.of(e);
        }
    }

    /** As Lambda calls it with its full 15 minutes: for tests. */
    ObjectNode handle(JsonNode event) {
        return handle(event, LambdaLimits.MAX_INVOCATION.minus(LambdaLimits.DEADLINE_MARGIN));
    }

    /** @param budget how long a dump restore may load: the invocation's time left, less the margin */
    ObjectNode handle(JsonNode event, Duration budget) {
        RestoreRequest request;
        try {
            request = RestoreRequest.read(event);
        } catch (BadRequest e) {
            throw InvalidInputException.of(e);
        }
        return restore(request, budget);
    }

    /** The one request type every front end reads: see {@link RestoreRequest}. */
    ObjectNode restore(RestoreRequest request, Duration budget) {
        if (!config.databases().containsKey(request.database())) {
            throw new InvalidInputException(
                    "field 'database': '" + request.database() + "' is not configured",
                    "valid: " + String.join(", ", config.databases().keySet()));
        }
        return switch (request) {
            case SnapshotRestore s -> snapshot(s);
            case DumpRestore d -> dump(d, budget);
            case NewInstanceRestore n ->
                throw new InvalidInputException(
                        "field 'createInstance' is not available from the restore function: making an instance and"
                                + " loading a dump into it outlasts an invocation; nothing was changed",
                        "restore from a snapshot (\"from\": \"snapshot\"), or run lifeboat restore --from dump"
                                + " --create-instance " + ShellWords.singleQuoted(n.createInstance())
                                + " from a machine that reaches the"
                                + " backup account's VPC");
        };
    }

    private ObjectNode snapshot(SnapshotRestore request) {
        String database = request.database();
        RestoringSnapshot restoring = shapes == null
                ? new RestoringSnapshot(rds, clock)
                : new RestoringSnapshot(rds, shapes, config.backup().vault() == null ? null : vault.get(), clock);
        RestoringSnapshot.Result r = restoring.advance(config, RestoringSnapshot.Command.of(request));
        ObjectNode out = JSON.createObjectNode()
                .put("status", r.status().name())
                .put("message", r.message())
                .put("backup", r.backup().arn());
        ArrayNode plan = out.putArray("plan");
        r.plan()
                .forEach(c -> plan.addObject()
                        .put("account", c.account())
                        .put("region", c.region())
                        .put("api", c.api())
                        .put("detail", c.detail()));
        ArrayNode values = out.putArray("values");
        r.choices()
                .forEach(c -> values.addObject()
                        .put("field", c.field())
                        .put("value", c.value())
                        .put("from", c.origin().label()));
        ArrayNode notes = out.putArray("notes");
        r.notes().forEach(n -> notes.add(Vocabulary.PAYLOAD.render(n)));
        r.restored().filter(d -> d.endpoint() != null).ifPresent(d -> out.put("endpoint", d.endpoint()));
        r.recovery().ifPresent(rec -> {
            ObjectNode recovery = out.putObject("recovery")
                    .put("startedAt", rec.startedAt().toString())
                    .put("finishedAt", rec.finishedAt().toString())
                    .put("seconds", rec.total().toSeconds());
            ObjectNode phases = recovery.putObject("phases");
            rec.phases().forEach(phases::put);
            // The measured recovery time per database, beside the verification runs' (the dashboard's RTO widget);
            // a restore followed again reports the same value.
            if (metrics != null) {
                metrics.flushSingleMetric(
                        MetricNames.RECOVERY_SECONDS,
                        (double) rec.total().toSeconds(),
                        MetricUnit.SECONDS,
                        MetricNames.NAMESPACE,
                        DimensionSet.of(MetricNames.DIMENSION_DATABASE, database));
            }
        });
        return out;
    }

    private ObjectNode dump(DumpRestore request, Duration invocation) {
        if (request.toTime() != null) {
            throw new InvalidInputException(
                    "field 'toTime' is not available from the restore function: a restore to a moment (a dump, then"
                            + " the archived changes replayed) runs from the command line only; nothing was changed",
                    "run lifeboat restore --from dump --to-time " + request.toTime()
                            + " from a machine that reaches the database (docs/recovery-point.md)");
        }
        boolean requestsLimit = requestsLimit(request.timeoutMinutes(), invocation);
        Duration budget = requestsLimit ? Duration.ofMinutes(request.timeoutMinutes()) : invocation;
        if (budget.isNegative() || budget.isZero()) {
            throw new InvalidInputException(
                    "too little time left in this invocation to restore a dump", "raise the function's timeout");
        }
        if (config.backup().vault() == null) {
            throw new InvalidInputException(
                    "backup.vault is not configured, so there are no dumps to restore",
                    "restore from a snapshot (\"from\": \"snapshot\")");
        }
        String database = request.database();
        Vault v = vault.get();
        boolean dryRun = request.dryRun();
        if (inLambda && !dryRun) {
            refuseIfTooLargeForLambda(request, new BackupCatalog(v, clock).find(database, request.backup()));
        }
        DatabaseTarget target = secrets.databaseTarget(request.targetSecretArn());
        if (request.targetDatabase() != null) {
            target = target.withDatabase(request.targetDatabase());
        }
        RestoringDump restoring = new RestoringDump(v, inspector, tools, clock, budget)
                .withJobs(request.jobs() == null ? dev.lifeboat.adapters.process.Cores.defaultJobs() : request.jobs())
                .inOneTransaction(request.singleTransaction());
        if (!requestsLimit) {
            // What stopped it was the invocation (or the task's 12 hours), not the request's own limit.
            restoring = restoring.whenOutOfTime(outOfTime(inLambda, invocation));
        }
        RestoringDump.Command command = RestoringDump.Command.of(request, target, null);
        if (dryRun) {
            // The same checks as a restore (backup, engine, tool version, the target's state), nothing changed.
            DumpManifest m = restoring.plan(command);
            return JSON.createObjectNode()
                    .put("status", "PLANNED")
                    .put("message", "dry run: nothing was changed")
                    .put("backup", m.backupId())
                    .put("object", v.describe() + "/" + m.objectKey())
                    .put("sizeBytes", m.totalBytes())
                    .put("sha256", m.sha256());
        }
        RestoringDump.Result r = restoring.restore(command);
        return JSON.createObjectNode()
                .put("status", "AVAILABLE")
                .put(
                        "message",
                        "restored dump " + r.manifest().backupId() + " into " + r.target() + ", sha256 verified")
                .put("backup", r.manifest().backupId())
                .put("bytes", r.bytes())
                .put("seconds", r.elapsed().toSeconds());
    }

    /**
     * A dump whose database's dumps run on Fargate (by lifeboat.yml's dump.runOn, or by the last dump's duration and
     * size) would not load within Lambda's 15 minutes either: refused before anything is created, naming the state
     * machine that runs the same payload as the Fargate task (issue 13).
     */
    void refuseIfTooLargeForLambda(DumpRestore request, DumpManifest dump) {
        String database = request.database();
        DumpRouting.Decision d = DumpRouting.decide(config.database(database).dump(), Optional.of(dump));
        if (d.runner() != DumpRouting.Runner.FARGATE) {
            return;
        }
        String machine = "arn:aws:states:" + config.backup().region() + ":"
                + config.backup().account() + ":stateMachine:" + Names.DUMP_RESTORE_STATE_MACHINE;
        throw new InvalidInputException(
                "dump " + dump.backupId() + " of " + database + " is too large to restore within Lambda's 15 minutes ("
                        + d.reason() + "); nothing was changed",
                "run the same payload as the Fargate task: aws stepfunctions start-execution --state-machine-arn "
                        + machine + " --input " + ShellWords.singleQuoted(RestoreRequest.json(request))
                        + " (or lifeboat restore --from dump from a machine that"
                        + " reaches the database)");
    }

    /**
     * Whether the request's own {@code timeoutMinutes} is what limits the restore: only when it is shorter than what
     * the invocation (or the task's 12 hours) allows. At or above it, raising it gives no more time.
     */
    static boolean requestsLimit(Integer timeoutMinutes, Duration invocation) {
        return timeoutMinutes != null && Duration.ofMinutes(timeoutMinutes).compareTo(invocation) < 0;
    }

    /** What gives more time when the invocation (or the task's 12 hours), not the request, stopped a restore. */
    static String outOfTime(boolean inLambda, Duration invocation) {
        return inLambda
                ? "run the same payload as the Fargate task (the " + Names.DUMP_RESTORE_STATE_MACHINE
                        + " state machine; docs/runbook.md), or lifeboat restore --from dump from a machine that"
                        + " reaches the database: neither has Lambda's 15 minutes"
                : "run lifeboat restore --from dump with --timeout-minutes above " + invocation.toMinutes()
                        + " from a machine that reaches the database";
    }
}
