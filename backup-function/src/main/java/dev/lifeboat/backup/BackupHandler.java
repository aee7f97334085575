package dev.lifeboat.backup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.Cores;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.AccountSpaces;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.DumpRouting;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.SecretSource;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.DumpMemory;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Vocabulary;
import dev.lifeboat.protocol.request.BackupRequest;
import dev.lifeboat.protocol.request.BadRequest;
import dev.lifeboat.protocol.request.DumpRun;
import dev.lifeboat.protocol.request.RouteQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The backup function: takes logical dumps into the vault.
 *
 * <p>Input, one of:
 * <ul>
 *   <li>{@code {"database": "orders"}}: an on-demand dump of one configured database;
 *   <li>{@code {"database": "orders", "runId": "2026-11-25T03:00:00Z"}}: a scheduled run (EventBridge
 *       Scheduler input with {@code <aws.scheduler.scheduled-time>}); the same run invoked twice makes one backup;
 *   <li>an EventBridge "Scheduled Event": every configured database, the event's time as the run.
 * </ul>
 * Output: {@code {"results": [{"database", "backupId", "status": "CREATED"|"ALREADY_EXISTED", ...}]}}. A
 * failed database makes the invocation fail after the others were tried, so retries and alarms see it.
 */
public final class BackupHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BackupHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, LifeboatConfig.Database> dumped;
    private final Vault vault;
    private final SecretSource secrets;
    private final DatabaseInspector inspector;
    private final DumpTools tools;
    private final Clock clock;
    private final Metrics metrics;

    static {
        // Once per container, at its cold start: which Lifeboat this function runs (CloudWatch keeps stderr).
        System.err.println(
                "BackupHandler: " + dev.lifeboat.protocol.BuildInfo.current().describe());
    }

    /**
     * Used by Lambda: lifeboat.yml as it was deployed (DeployedConfig), as every Lifeboat function reads it (the
     * CDK app gives each account's dump function the databases of that account and Region); real clients, built
     * once per container, not per invocation.
     */
    public BackupHandler() {
        this(AwsClients.fromEnvironment());
    }

    private BackupHandler(AwsClients aws) {
        this(DeployedConfig.load(System.getenv(), aws::objectBytes), aws, Clock.systemUTC());
    }

    BackupHandler(LifeboatConfig config, AwsClients aws, Clock clock) {
        this(
                config,
                openVault(config, aws, clock),
                aws.secretSource(),
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                clock,
                MetricsFactory.getMetricsInstance());
    }

    BackupHandler(
            LifeboatConfig config,
            Vault vault,
            SecretSource secrets,
            DatabaseInspector inspector,
            DumpTools tools,
            Clock clock,
            Metrics metrics) {
        this.dumped = dumped(config);
        this.vault = vault;
        this.secrets = secrets;
        this.inspector = inspector;
        this.tools = tools;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The ids this function (or task) dumps. */
    Set<String> configured() {
        return dumped.keySet();
    }

    /** The databases of lifeboat.yml with dump settings, in its order. */
    private static Map<String, LifeboatConfig.Database> dumped(LifeboatConfig config) {
        Map<String, LifeboatConfig.Database> out = new LinkedHashMap<>();
        config.databases().values().stream().filter(d -> d.dump() != null).forEach(d -> out.put(d.id(), d));
        if (out.isEmpty()) {
            throw new InvalidInputException(
                    "lifeboat.yml gives no database a dump block, so this function has nothing to dump",
                    "add databases.<id>.dump.secretArn for each database to dump, then cdk deploy");
        }
        return out;
    }

    /** The vault of lifeboat.yml, its objects encrypted with the backup key. */
    static Vault openVault(LifeboatConfig config, AwsClients aws, Clock clock) {
        if (config.backup().vault() == null) {
            throw new InvalidInputException(
                    "backup.vault is not set in lifeboat.yml; the dumps go there",
                    "set backup.vault: s3://BUCKET/PREFIX (the vault the CDK app made), then cdk deploy");
        }
        // The vault's bucket is in backup.region, not necessarily this function's Region (a database of another
        // Region dumps across): its S3 client is built for that Region, or S3 answers 301 PermanentRedirect.
        // Each database's dumps go into (and are read from) its source account's space (issue 16). The uploads keep
        // as many parts in flight as the largest configured dump may (DumpMemory): the image's heap is capped by the
        // same rule (the CDK app sets it from lifeboat.yml).
        int inFlight = DumpMemory.partsInFlight(DumpMemory.mostJobs(jobs(config)));
        return AccountSpaces.of(
                aws.vault(
                        config.backup().vault(),
                        config.backup().region(),
                        (bucket, prefix) -> S3Vault.Settings.of(bucket, prefix)
                                .withKmsKey(config.backup().kmsKeyArn())
                                .withParts(DumpMemory.PART_MIB * 1024 * 1024, inFlight),
                        clock),
                config.dumpOwners());
    }

    /** The jobs of each dump this process may take: lifeboat.yml's dump.jobs, or the cores here (at most 4). */
    static List<Integer> jobs(LifeboatConfig config) {
        return config.databases().values().stream()
                .filter(d -> d.dump() != null)
                .map(d -> d.dump().jobsOr(Cores.defaultJobs()))
                .toList();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] payload = input.readAllBytes();
        ObjectNode response = PowertoolsLogging.withLogging(
                context, () -> LambdaFailure.rethrowing(() -> run(tree(payload), context)));
        JSON.writeValue(output, response);
    }

    /** One dump per requested database; throws after trying all of them if any failed. */
    ObjectNode run(JsonNode event, Context context) {
        return switch (read(event, dumped.keySet())) {
            case RouteQuery q -> route(q);
            case DumpRun run -> dumpAll(run, () -> LambdaLimits.budget(context.getRemainingTimeInMillis()));
        };
    }

    /**
     * Where a scheduled dump of the database runs (issue 13): the scheduled-dump state machine asks first, with
     * {@code {"route": true, "database": ID}}; the answer comes from lifeboat.yml and the database's last sound dump in
     * the vault ({@link DumpRouting}).
     */
    ObjectNode route(JsonNode event) {
        if (read(event, dumped.keySet()) instanceof RouteQuery q) {
            return route(q);
        }
        throw new InvalidInputException("the input is not a route request", "invoke with {\"route\": true, ...}");
    }

    ObjectNode route(RouteQuery q) {
        String database = q.database();
        if (!dumped.containsKey(database)) {
            throw new InvalidInputException(
                    "the route request names no configured database",
                    "invoke with {\"route\": true, \"database\": \"<id>\"}; configured: "
                            + String.join(", ", dumped.keySet()));
        }
        LifeboatConfig.DumpSettings settings = dumped.get(database).dump();
        List<DumpManifest> backups = new dev.lifeboat.core.restore.BackupCatalog(vault, clock).backups(database);
        DumpRouting.Decision d = DumpRouting.decide(
                settings, backups.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(backups.getLast()));
        LOG.info("dump of {} runs on {}: {}", database, d.runner(), d.reason());
        ObjectNode out = JSON.createObjectNode();
        out.put("database", database).put("runOn", d.runner().name()).put("reason", d.reason());
        return out;
    }

    /**
     * The dumps of a request, one after another, each with the time {@code budget} gives when it starts; throws after
     * trying all of them if any failed. The function's invocations and the Fargate task ({@link DumpTask}) share it.
     */
    ObjectNode dumpAll(DumpRun request, java.util.function.Supplier<Duration> budget) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = response.putArray("results");
        List<String> failures = new ArrayList<>();
        for (String id : request.ids()) {
            Instant start = clock.instant();
            DimensionSet dims = DimensionSet.of(MetricNames.DIMENSION_DATABASE, id);
            try {
                TakingDump.Result r = dumpOne(id, request.runId(), budget.get());
                DumpManifest m = r.manifest();
                results.addObject()
                        .put("database", id)
                        .put("backupId", m.backupId())
                        .put("status", r.alreadyExisted() ? "ALREADY_EXISTED" : "CREATED")
                        .put("sizeBytes", m.totalBytes())
                        .put("sha256", m.sha256())
                        .put("objectKey", m.objectKey());
                if (!r.alreadyExisted()) {
                    metrics.flushSingleMetric(
                            MetricNames.DUMP_BYTES,
                            (double) m.totalBytes(),
                            MetricUnit.BYTES,
                            MetricNames.NAMESPACE,
                            dims);
                    metrics.flushSingleMetric(
                            MetricNames.DUMP_SECONDS,
                            Duration.between(m.startedAt(), m.finishedAt()).toMillis() / 1000.0,
                            MetricUnit.SECONDS,
                            MetricNames.NAMESPACE,
                            dims);
                }
                metrics.flushSingleMetric(MetricNames.DUMP_SUCCESS, 1, MetricUnit.COUNT, MetricNames.NAMESPACE, dims);
            } catch (LifeboatException e) {
                LOG.error(
                        "dump of {} failed after {}: {}",
                        id,
                        Duration.between(start, clock.instant()),
                        e.describe(Vocabulary.PAYLOAD));
                metrics.flushSingleMetric(MetricNames.DUMP_SUCCESS, 0, MetricUnit.COUNT, MetricNames.NAMESPACE, dims);
                results.addObject()
                        .put("database", id)
                        .put("status", "FAILED")
                        .put("error", e.describe(Vocabulary.PAYLOAD));
                failures.add(id + ": " + e.describe(Vocabulary.PAYLOAD));
            }
        }
        if (!failures.isEmpty()) {
            throw new BackupRunFailedException(String.join("; ", failures));
        }
        return response;
    }

    private TakingDump.Result dumpOne(String id, String runId, Duration left) {
        LifeboatConfig.DumpSettings source = dumped.get(id).dump();
        DatabaseTarget target = secrets.databaseTarget(source.secretArn());
        if (source.dbname() != null) {
            target = target.withDatabase(source.dbname());
        }
        if (left.isNegative() || left.isZero()) {
            throw new InvalidInputException(
                    "too little time left in this invocation to dump " + id, "raise the function's timeout");
        }
        TakingDump dumping = new TakingDump(
                vault,
                inspector,
                tools,
                clock,
                new TakingDump.Settings(
                                TakingDump.Settings.DEFAULTS.exactRowCountThreshold(), left, source.compression())
                        .withJobs(source.jobsOr(Cores.defaultJobs())));
        return dumping.dump(new TakingDump.Command(id, target, runId, null));
    }

    /**
     * The request an input makes (protocol's {@link BackupRequest}, read strictly): an EventBridge scheduled event is
     * every configured database in the event's run; a dump run may name only configured databases.
     */
    static BackupRequest read(JsonNode event, Set<String> configured) {
        if (event != null && "Scheduled Event".equals(event.path("detail-type").asText())) {
            return DumpRun.of(List.copyOf(configured), event.path("time").asText(null));
        }
        BackupRequest request;
        try {
            request = BackupRequest.read(event);
        } catch (BadRequest e) {
            throw InvalidInputException.of(e);
        }
        if (request instanceof DumpRun run) {
            configured(run, configured);
        }
        return request;
    }

    /** The input, parsed strictly as the restore function parses its payload (a field given twice is refused). */
    private static JsonNode tree(byte[] payload) {
        try {
            return dev.lifeboat.protocol.request.Requests.tree(new java.io.ByteArrayInputStream(payload));
        } catch (BadRequest e) {
            throw InvalidInputException.of(e);
        }
    }

    /** Every database of {@code run} is configured here, or it is refused by name before any dump. */
    static DumpRun configured(DumpRun run, Set<String> configured) {
        for (String id : run.ids()) {
            if (!configured.contains(id)) {
                throw new InvalidInputException(
                        "database " + shown(id) + " is not configured for this function",
                        "use some of: " + String.join(", ", configured));
            }
        }
        return run;
    }

    /** An id as a message may show it: whole when it is a short name, else by its length (an input may hold anything). */
    static String shown(String id) {
        return id.length() <= 64 && id.chars().noneMatch(Character::isISOControl)
                ? "\"" + id + "\""
                : "of " + id.length() + " characters (not an id)";
    }

    /** At least one database of the run failed; each one's cause is in the message. */
    public static final class BackupRunFailedException extends RuntimeException {
        BackupRunFailedException(String message) {
            super(message);
        }
    }
}
