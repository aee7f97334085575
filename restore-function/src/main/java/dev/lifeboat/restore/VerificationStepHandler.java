package dev.lifeboat.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.rds.AwsRdsGateway;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.verify.VerifyingBackup;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.StepProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * One step of a verification run, for the state machine the CDK app deploys. The output is the next
 * input: {@code action} says which step comes next ({@code start}, {@code poll}, {@code check},
 * {@code cleanup}, {@code finish}, then {@code done}); {@code waitSeconds} how long to wait before a
 * {@code poll}. Every failure of a step leads to {@code cleanup}, so the throwaway instance is always
 * deleted; the sweeper catches what a crashed run leaves. Metrics: VerificationSuccess,
 * RecoverySeconds and VerifiedBackupAgeHours per database.
 */
public final class VerificationStepHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final long POLL_SECONDS = 60;

    private final LifeboatConfig config;
    private final VerifyingBackup verifying;
    private final Metrics metrics;

    /** Used by Lambda: configuration from LIFEBOAT_CONFIG_FILE or LIFEBOAT_CONFIG_YAML; clients built once. */
    public VerificationStepHandler() {
        this(ConfigLoader.fromEnvironment(System.getenv()), AwsClients.fromEnvironment());
    }

    private VerificationStepHandler(LifeboatConfig config, AwsClients aws) {
        this(
                config,
                new VerifyingBackup(
                        AwsRdsGateway.forConfig(config, aws),
                        aws.configuredVault(config.backup(), Clock.systemUTC()),
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        aws.secretStore(),
                        EndpointResolver.DIRECT,
                        Clock.systemUTC(),
                        d -> Thread.sleep(d)),
                MetricsFactory.getMetricsInstance());
    }

    VerificationStepHandler(LifeboatConfig config, VerifyingBackup verifying, Metrics metrics) {
        this.config = config;
        this.verifying = verifying;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        ObjectNode out = PowertoolsLogging.withLogging(context, () -> LambdaFailure.rethrowing(() -> step(event)));
        JSON.writeValue(output, out);
    }

    ObjectNode step(JsonNode e) {
        if (StepProtocol.SWEEP.equals(e.path(StepProtocol.ACTION).asText())) {
            // The scheduled sweeper: expired verification instances only, nothing else.
            List<String> deleted = verifying.sweep(config);
            ObjectNode out = JSON.createObjectNode()
                    .put(StepProtocol.ACTION, StepProtocol.DONE)
                    .put(StepProtocol.SUCCESS, true);
            deleted.forEach(out.putArray("deleted")::add);
            return out;
        }
        String database = e.path("database").asText(null);
        if (database == null) {
            throw new InvalidInputException(
                    "field 'database' is missing", "invoke with {\"action\": \"start\", \"database\": \"<id>\"}");
        }
        config.database(database);
        String action = e.path(StepProtocol.ACTION).asText(StepProtocol.START);
        ObjectNode out = JSON.createObjectNode().put("database", database);
        try {
            switch (action) {
                case StepProtocol.START -> {
                    Instant runTime =
                            e.hasNonNull("runId") ? Instant.parse(e.get("runId").asText()) : null;
                    VerifyingBackup.Run run = verifying.start(config, database, runTime);
                    return out.put(StepProtocol.ACTION, StepProtocol.POLL)
                            .put(StepProtocol.WAIT_SECONDS, POLL_SECONDS)
                            .set("run", JSON.valueToTree(run));
                }
                case StepProtocol.POLL -> {
                    VerifyingBackup.Run run = run(e);
                    out.set("run", JSON.valueToTree(run));
                    try {
                        Optional<String> endpoint = verifying.poll(config, run);
                        return endpoint.isPresent()
                                ? out.put(StepProtocol.ACTION, StepProtocol.CHECK)
                                        .put("endpoint", endpoint.get())
                                : out.put(StepProtocol.ACTION, StepProtocol.POLL)
                                        .put(StepProtocol.WAIT_SECONDS, POLL_SECONDS);
                    } catch (VerifyingBackup.Stop stop) {
                        return failed(out, "available", stop.getMessage());
                    }
                }
                case StepProtocol.CHECK -> {
                    VerifyingBackup.Run run = run(e);
                    out.set("run", JSON.valueToTree(run));
                    VerifyingBackup.Checked checked =
                            verifying.check(config, run, e.path("endpoint").asText());
                    return out.put(StepProtocol.ACTION, StepProtocol.CLEANUP).set("checked", JSON.valueToTree(checked));
                }
                case StepProtocol.CLEANUP -> {
                    VerifyingBackup.Run run = run(e);
                    boolean cleaned = verifying.cleanup(config, run);
                    out.set("run", JSON.valueToTree(run));
                    out.set("checked", e.get("checked"));
                    if (e.hasNonNull("error")) {
                        out.put("error", e.get("error").asText());
                    }
                    return out.put(StepProtocol.ACTION, StepProtocol.FINISH).put("cleaned", cleaned);
                }
                case StepProtocol.FINISH -> {
                    VerifyingBackup.Run run = run(e);
                    VerifyingBackup.Checked checked = e.hasNonNull("checked")
                            ? JSON.treeToValue(e.get("checked"), VerifyingBackup.Checked.class)
                            : null;
                    VerifyingBackup.Report r = verifying.finish(
                            run,
                            checked,
                            e.path("cleaned").asBoolean(false),
                            e.hasNonNull("error") ? e.get("error").asText() : null);
                    DimensionSet dims = DimensionSet.of(MetricNames.DIMENSION_DATABASE, database);
                    metrics.flushSingleMetric(
                            MetricNames.VERIFICATION_SUCCESS,
                            r.success() ? 1 : 0,
                            MetricUnit.COUNT,
                            MetricNames.NAMESPACE,
                            dims);
                    if (r.success() && r.recoverySeconds() != null) {
                        metrics.flushSingleMetric(
                                MetricNames.RECOVERY_SECONDS,
                                r.recoverySeconds(),
                                MetricUnit.SECONDS,
                                MetricNames.NAMESPACE,
                                dims);
                    }
                    if (r.success() && r.backupAgeHours() != null) {
                        metrics.flushSingleMetric(
                                MetricNames.VERIFIED_BACKUP_AGE_HOURS,
                                r.backupAgeHours(),
                                MetricUnit.NONE,
                                MetricNames.NAMESPACE,
                                dims);
                    }
                    return out.put(StepProtocol.ACTION, StepProtocol.DONE)
                            .put(StepProtocol.SUCCESS, r.success())
                            .put(
                                    "message",
                                    r.success()
                                            ? "verification of " + database + " passed"
                                            : "verification of " + database + " FAILED: "
                                                    + (r.error() != null ? r.error() : failedChecks(r)))
                            .set("report", JSON.valueToTree(r));
                }
                default ->
                    throw new InvalidInputException(
                            "field 'action': '" + action + "' is not a step",
                            "valid: start, poll, check, cleanup, finish");
            }
        } catch (IOException | RuntimeException ex) {
            // Before an instance exists (start, bad input), or in cleanup and finish themselves, there is nothing
            // left to clean up from here: the task fails and the state machine notifies.
            if (!e.has("run") || StepProtocol.CLEANUP.equals(action) || StepProtocol.FINISH.equals(action)) {
                throw ex instanceof RuntimeException re ? re : new UncheckedIOException((IOException) ex);
            }
            String message = ex instanceof LifeboatException le ? le.describe() : ex.toString();
            out.set("run", e.get("run"));
            return failed(out, action, message);
        }
    }

    /** The run stopped at {@code step}: clean up next, and carry the failure into the report. */
    private static ObjectNode failed(ObjectNode out, String step, String error) {
        return out.put(StepProtocol.ACTION, StepProtocol.CLEANUP)
                .put("error", error)
                .set("checked", JSON.valueToTree(VerifyingBackup.Checked.failedAt(step, error)));
    }

    private static String failedChecks(VerifyingBackup.Report r) {
        return String.join(
                "; ",
                r.checks().stream()
                        .filter(c -> !c.passed())
                        .map(c -> c.name() + ": " + c.detail())
                        .toList());
    }

    private static VerifyingBackup.Run run(JsonNode e) throws IOException {
        if (!e.hasNonNull("run")) {
            throw new InvalidInputException("field 'run' is missing", "only the 'start' step goes without it");
        }
        return JSON.treeToValue(e.get("run"), VerifyingBackup.Run.class);
    }
}
