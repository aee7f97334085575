package dev.lifeboat.backup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.aws.AwsExecutions;
import dev.lifeboat.adapters.rds.AwsDatabaseShapes;
import dev.lifeboat.adapters.rds.AwsRdsGateway;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.fleet.FanOut;
import dev.lifeboat.core.port.Executions;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.snapshot.CopyingSnapshot;
import dev.lifeboat.core.snapshot.Decision;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RunProgress;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.StepProtocol;
import dev.lifeboat.protocol.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * One step of the snapshot pipeline, for the Step Functions state machine that the CDK app deploys:
 * Invoke this, then Choice on {@code status} (IN_PROGRESS: Wait {@code waitSeconds}, then Invoke
 * again with the output as input; DONE: succeed; FAILED: notify and fail).
 *
 * <p>Input: {@code {"database": "orders", "runId": "2026-11-25T03:00:00Z"}} (EventBridge Scheduler's
 * {@code <aws.scheduler.scheduled-time>}), later with the {@code progress} and {@code polls} of the
 * previous step. Metrics: {@code SnapshotQuotaUsedRatio} (Account, Region), {@code SnapshotRunDone} and
 * {@code SnapshotRunFailed} (Database).
 */
public final class SnapshotStepHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long FIRST_WAIT_SECONDS = 60;
    static final long MAX_WAIT_SECONDS = 900;

    private final LifeboatConfig config;
    private final CopyingSnapshot copying;
    private final PruningSnapshots pruning;
    private final Metrics metrics;
    private final FanOut fanOut;

    static {
        // Once per container, at its cold start: which Lifeboat this function runs (CloudWatch keeps stderr).
        System.err.println("SnapshotStepHandler: "
                + dev.lifeboat.protocol.BuildInfo.current().describe());
    }

    /** Used by Lambda: lifeboat.yml as it was deployed (DeployedConfig), clients built once. */
    public SnapshotStepHandler() {
        this(AwsClients.fromEnvironment());
    }

    private SnapshotStepHandler(AwsClients aws) {
        this(DeployedConfig.load(System.getenv(), aws::objectBytes), aws);
    }

    private SnapshotStepHandler(LifeboatConfig config, AwsClients aws) {
        this(config, aws, AwsRdsGateway.forConfig(config, aws));
    }

    private SnapshotStepHandler(LifeboatConfig config, AwsClients aws, RdsGateway rds) {
        this(
                config,
                rds,
                // The shape record of each run (issue 14), beside its copy in the vault.
                new CopyingSnapshot(
                        rds,
                        AwsDatabaseShapes.forConfig(config, aws, Clock.systemUTC()),
                        config.backup().vault() == null
                                ? null
                                : BackupHandler.openVault(config, aws, Clock.systemUTC())),
                MetricsFactory.getMetricsInstance(),
                AwsExecutions.forConfig(
                        config,
                        aws,
                        Map.of(
                                Executions.Machine.SNAPSHOT_PIPELINE,
                                Names.SNAPSHOT_STATE_MACHINE,
                                Executions.Machine.VERIFICATION,
                                Names.VERIFICATION_STATE_MACHINE)));
    }

    SnapshotStepHandler(LifeboatConfig config, RdsGateway rds, Metrics metrics) {
        this(config, rds, metrics, null);
    }

    /** {@code executions} null: no fan-out (a test of the steps alone). */
    SnapshotStepHandler(LifeboatConfig config, RdsGateway rds, Metrics metrics, Executions executions) {
        this(config, rds, new CopyingSnapshot(rds), metrics, executions);
    }

    SnapshotStepHandler(
            LifeboatConfig config, RdsGateway rds, CopyingSnapshot copying, Metrics metrics, Executions executions) {
        this.config = config;
        this.copying = copying;
        this.pruning = new PruningSnapshots(rds, Clock.systemUTC());
        this.metrics = metrics;
        this.fanOut = executions == null ? null : new FanOut(executions);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        ObjectNode result = PowertoolsLogging.withLogging(context, () -> LambdaFailure.rethrowing(() -> step(event)));
        JSON.writeValue(output, result);
    }

    ObjectNode step(JsonNode event) {
        if (event != null
                && StepProtocol.PRUNE.equals(event.path(StepProtocol.ACTION).asText())) {
            return prune();
        }
        if (event != null
                && StepProtocol.FANOUT.equals(event.path(StepProtocol.ACTION).asText())) {
            return fanOut(event);
        }
        String database = text(event, "database");
        config.database(database);
        String runId = text(event, "runId");
        Instant at;
        try {
            at = Instant.parse(runId);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(
                    "runId '" + runId + "' is not a time",
                    "pass the scheduled time in ISO-8601 UTC, e.g. \"runId\": \"2026-11-25T03:00:00Z\"");
        }
        RunProgress progress = progress(event.get("progress"));
        int polls = event.path("polls").asInt(0);

        CopyingSnapshot.Result r = copying.advance(config, database, at, progress);

        if (r.backupQuota() != null && r.backupQuota().max() > 0) {
            metrics.flushSingleMetric(
                    MetricNames.SNAPSHOT_QUOTA_USED_RATIO,
                    r.backupQuota().ratio(),
                    MetricUnit.NONE,
                    MetricNames.NAMESPACE,
                    DimensionSet.of(
                            MetricNames.DIMENSION_ACCOUNT,
                            config.backup().account(),
                            MetricNames.DIMENSION_REGION,
                            config.backup().region()));
        }
        if (r.status() == Decision.Status.IN_PROGRESS && r.message().startsWith("queued")) {
            // The fleet's queue, on the dashboard: runs waiting for room (copies in progress, the quota).
            metrics.flushSingleMetric(
                    MetricNames.SNAPSHOT_RUNS_QUEUED,
                    1,
                    MetricUnit.COUNT,
                    MetricNames.NAMESPACE,
                    DimensionSet.of(
                            MetricNames.DIMENSION_ACCOUNT,
                            config.backup().account(),
                            MetricNames.DIMENSION_REGION,
                            config.backup().region()));
        }
        if (r.status() != Decision.Status.IN_PROGRESS) {
            metrics.flushSingleMetric(
                    r.status() == Decision.Status.DONE
                            ? MetricNames.SNAPSHOT_RUN_DONE
                            : MetricNames.SNAPSHOT_RUN_FAILED,
                    1,
                    MetricUnit.COUNT,
                    MetricNames.NAMESPACE,
                    DimensionSet.of(MetricNames.DIMENSION_DATABASE, database));
        }
        if (r.planted()) {
            // Tampering, not bad luck: its own alarm, fleet-wide (the failure message names the database).
            metrics.flushSingleMetric(
                    MetricNames.SNAPSHOTS_PLANTED,
                    1,
                    MetricUnit.COUNT,
                    MetricNames.NAMESPACE,
                    DimensionSet.of(
                            MetricNames.DIMENSION_ACCOUNT, config.backup().account()));
        }
        boolean acted = !r.executed().isEmpty();
        int nextPolls = acted ? 0 : polls + 1;
        ObjectNode out = JSON.createObjectNode()
                .put("database", database)
                .put("runId", at.toString())
                .put(StepProtocol.STATUS, r.status().name())
                .put("message", r.message())
                .put("polls", nextPolls)
                .put(StepProtocol.WAIT_SECONDS, waitSeconds(nextPolls));
        ObjectNode p = out.putObject("progress")
                .put("attempts", r.progress().attempts())
                .put("twoStep", r.progress().twoStep());
        if (r.progress().sourceResourceId() != null) {
            p.put("sourceResourceId", r.progress().sourceResourceId());
        }
        ArrayNode w = p.putArray("warnings");
        r.progress().warnings().forEach(w::add);
        r.finalCopy().ifPresent(f -> out.put("snapshotArn", f.arn()));
        return out;
    }

    /**
     * The retention schedule: each database's GFS retention applied to its copies in the backup account. A
     * database whose run is refused (the brake) does not stop the others; the invocation then fails naming it,
     * so the function's error alarm reaches a human.
     */
    ObjectNode prune() {
        ObjectNode out = JSON.createObjectNode().put(StepProtocol.ACTION, StepProtocol.PRUNE);
        ArrayNode results = out.putArray("results");
        List<String> refused = new ArrayList<>();
        for (String id : config.databases().keySet()) {
            PruningSnapshots.Result r;
            try {
                r = pruning.prune(config, id, false);
            } catch (LifeboatException e) {
                results.addObject().put("database", id).put("error", e.describe(Vocabulary.PAYLOAD));
                refused.add(id + ": " + e.describe(Vocabulary.PAYLOAD));
                continue;
            }
            ObjectNode n = results.addObject()
                    .put("database", id)
                    .put("kept", r.kept().size())
                    .put("deleted", r.deleted().size());
            r.deleted().forEach(sn -> n.withArray("deletedIds").add(sn.id()));
            r.untrusted().forEach((sn, why) -> n.withObjectProperty("untrusted").put(sn, why));
            metrics.flushSingleMetric(
                    MetricNames.SNAPSHOT_COPIES_KEPT,
                    r.kept().size(),
                    MetricUnit.COUNT,
                    MetricNames.NAMESPACE,
                    DimensionSet.of(MetricNames.DIMENSION_DATABASE, id));
        }
        if (!refused.isEmpty()) {
            throw new RetentionRefusedException(String.join("; ", refused));
        }
        return out;
    }

    /**
     * The fleet's fan-out: every database whose job runs on the firing schedule gets its run started, named after
     * it and the scheduled time, beginning at its minute in its window. Output: the execution names, started and
     * already started (a repeated firing).
     */
    ObjectNode fanOut(JsonNode event) {
        if (fanOut == null) {
            throw new IllegalStateException("this handler was built without Step Functions");
        }
        String jobText = text(event, "job");
        FanOut.Job job;
        try {
            job = FanOut.Job.valueOf(jobText.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(
                    "field 'job': '" + jobText + "' is not a job of the fan-out", "use \"snapshot\" or \"verify\"");
        }
        String schedule = text(event, "schedule");
        String runId = text(event, "runId");
        Instant at;
        try {
            at = Instant.parse(runId);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(
                    "runId '" + runId + "' is not a time",
                    "pass the scheduled time in ISO-8601 UTC, e.g. \"runId\": \"2026-11-25T03:00:00Z\"");
        }
        FanOut.Result r = fanOut.start(config, job, schedule, at);
        ObjectNode out = JSON.createObjectNode().put(StepProtocol.ACTION, StepProtocol.FANOUT);
        r.started().forEach(x -> out.withArray("started").add(x.executionName()));
        r.alreadyStarted().forEach(x -> out.withArray("alreadyStarted").add(x.executionName()));
        metrics.flushSingleMetric(
                MetricNames.RUNS_STARTED,
                r.started().size(),
                MetricUnit.COUNT,
                MetricNames.NAMESPACE,
                DimensionSet.of(MetricNames.DIMENSION_JOB, job.name()));
        return out;
    }

    /** A retention run refused for at least one database; the others ran. */
    public static final class RetentionRefusedException extends RuntimeException {
        RetentionRefusedException(String message) {
            super(message);
        }
    }

    /** Backoff: a minute after an action, doubling while nothing changes, at most 15 minutes. */
    static long waitSeconds(int pollsWithoutChange) {
        long wait = FIRST_WAIT_SECONDS << Math.min(pollsWithoutChange, 10);
        return Math.min(wait, MAX_WAIT_SECONDS);
    }

    private static RunProgress progress(JsonNode p) {
        if (p == null || !p.isObject()) {
            return RunProgress.START;
        }
        List<String> warnings = new ArrayList<>();
        p.path("warnings").forEach(n -> warnings.add(n.asText()));
        JsonNode resourceId = p.get("sourceResourceId");
        return new RunProgress(
                p.path("attempts").asInt(0),
                p.path("twoStep").asBoolean(false),
                warnings,
                resourceId != null && resourceId.isTextual() ? resourceId.asText() : null);
    }

    private static String text(JsonNode event, String field) {
        JsonNode v = event == null ? null : event.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new InvalidInputException(
                    "the input has no \"" + field + "\" field",
                    "invoke with {\"database\": \"<id>\", \"runId\": \"<scheduled time>\"}");
        }
        return v.asText();
    }
}
