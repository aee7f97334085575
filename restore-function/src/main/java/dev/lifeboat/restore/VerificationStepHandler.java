package dev.lifeboat.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.verify.DumpFreshness;
import dev.lifeboat.core.verify.SweepingVerifications;
import dev.lifeboat.core.verify.VerifyingBackup;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.StepProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * One step of a verification run, for the state machine the CDK app deploys: the payload is the run's
 * state ({@link VerifyingBackup.State}), the output the next state, computed by the one table of steps
 * in {@link VerifyingBackup#advance}. The state machine reads only the protocol's fields: {@code action}
 * {@code done} ends the run, {@code success} says how, {@code waitSeconds} asks for a wait first.
 * {@code {"action": "sweep"}} is the sweeper's. Metrics when a run is done: VerificationSuccess,
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
    private final SweepingVerifications sweeping;
    private final DumpFreshness freshness;
    private final Metrics metrics;

    static {
        // Once per container, at its cold start: which Lifeboat this function runs (CloudWatch keeps stderr).
        System.err.println("VerificationStepHandler: "
                + dev.lifeboat.protocol.BuildInfo.current().describe());
    }

    /** Used by Lambda: lifeboat.yml as it was deployed (DeployedConfig); clients built once. */
    public VerificationStepHandler() {
        this(AwsClients.fromEnvironment());
    }

    private VerificationStepHandler(AwsClients aws) {
        this(DeployedConfig.load(System.getenv(), aws::objectBytes), aws);
    }

    /** With lifeboat.yml as deployed and the clients of {@code aws}: the function's, and the Fargate task's. */
    VerificationStepHandler(LifeboatConfig config, AwsClients aws) {
        this(config, AwsRdsGateway.forConfig(config, aws), aws);
    }

    private VerificationStepHandler(LifeboatConfig config, RdsGateway rds, AwsClients aws) {
        this(config, rds, aws, aws.configuredVault(config, Clock.systemUTC()));
    }

    private VerificationStepHandler(LifeboatConfig config, RdsGateway rds, AwsClients aws, Vault vault) {
        this(
                config,
                new VerifyingBackup(
                        rds,
                        vault,
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        aws.secretStore(),
                        EndpointResolver.DIRECT,
                        Clock.systemUTC(),
                        d -> Thread.sleep(d)),
                new SweepingVerifications(rds, aws.secretStore(), Clock.systemUTC()),
                new DumpFreshness(vault, Clock.systemUTC()),
                MetricsFactory.getMetricsInstance());
    }

    VerificationStepHandler(
            LifeboatConfig config,
            VerifyingBackup verifying,
            SweepingVerifications sweeping,
            DumpFreshness freshness,
            Metrics metrics) {
        this.config = config;
        this.verifying = verifying;
        this.sweeping = sweeping;
        this.freshness = freshness;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        Duration budget = LambdaLimits.budget(context.getRemainingTimeInMillis());
        ObjectNode out =
                PowertoolsLogging.withLogging(context, () -> LambdaFailure.rethrowing(() -> step(event, budget)));
        JSON.writeValue(output, out);
    }

    /** As Lambda calls it with its full 15 minutes: for tests. */
    ObjectNode step(JsonNode e) {
        return step(e, LambdaLimits.MAX_INVOCATION.minus(LambdaLimits.DEADLINE_MARGIN));
    }

    /** One step of the table in {@link VerifyingBackup#advance}; the sweeper's action beside it. */
    ObjectNode step(JsonNode e, Duration budget) {
        if (e == null || !e.isObject()) {
            throw new InvalidInputException(
                    "the payload is not a JSON object", "invoke with {\"action\": \"start\", \"database\": \"<id>\"}");
        }
        if (StepProtocol.SWEEP.equals(e.path(StepProtocol.ACTION).asText())) {
            // The scheduled sweeper: expired verification instances only, nothing else.
            // It also says how old each scheduled database's newest dump is, from the vault (the DumpStale alarm).
            ObjectNode ages = JSON.createObjectNode();
            freshness.ageHours(config).forEach((id, hours) -> {
                ages.put(id, hours);
                metrics.flushSingleMetric(
                        MetricNames.NEWEST_DUMP_AGE_HOURS,
                        hours,
                        MetricUnit.NONE,
                        MetricNames.NAMESPACE,
                        DimensionSet.of(MetricNames.DIMENSION_DATABASE, id));
            });
            List<String> deleted = sweeping.sweep(config.backup().location());
            ObjectNode out = JSON.createObjectNode()
                    .put(StepProtocol.ACTION, StepProtocol.DONE)
                    .put(StepProtocol.SUCCESS, true);
            deleted.forEach(out.putArray("deleted")::add);
            out.set("newestDumpAgeHours", ages);
            return out;
        }
        VerifyingBackup.State state;
        try {
            state = JSON.treeToValue(e, VerifyingBackup.State.class);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException(
                    "the payload is not a step of a verification run (" + ex.getOriginalMessage() + ")",
                    "start a run with {\"action\": \"start\", \"database\": \"<id>\"}; the state machine passes the rest");
        }
        VerifyingBackup.State next = verifying.advance(config, state, budget);
        if (next.done()) {
            emit(next.report());
        }
        return JSON.valueToTree(next);
    }

    /** VerificationSuccess, and for a passed run RecoverySeconds and VerifiedBackupAgeHours, per database. */
    private void emit(VerifyingBackup.Report r) {
        DimensionSet dims = DimensionSet.of(MetricNames.DIMENSION_DATABASE, r.databaseId());
        metrics.flushSingleMetric(
                MetricNames.VERIFICATION_SUCCESS, r.success() ? 1 : 0, MetricUnit.COUNT, MetricNames.NAMESPACE, dims);
        if (r.success() && r.recoverySeconds() != null) {
            metrics.flushSingleMetric(
                    MetricNames.RECOVERY_SECONDS, r.recoverySeconds(), MetricUnit.SECONDS, MetricNames.NAMESPACE, dims);
        }
        if (r.success() && r.backupAgeHours() != null) {
            metrics.flushSingleMetric(
                    MetricNames.VERIFIED_BACKUP_AGE_HOURS,
                    r.backupAgeHours(),
                    MetricUnit.NONE,
                    MetricNames.NAMESPACE,
                    dims);
        }
    }
}
