package dev.lifeboat.backup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.aws.AwsIncidentForwarding;
import dev.lifeboat.adapters.aws.AwsKeyManagers;
import dev.lifeboat.adapters.aws.SnsNotifier;
import dev.lifeboat.adapters.rds.AwsRdsGateway;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.audit.Auditing;
import dev.lifeboat.core.audit.DailyDigest;
import dev.lifeboat.core.audit.IncidentAlert;
import dev.lifeboat.core.audit.NewestBackups;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.port.IncidentForwarding;
import dev.lifeboat.core.port.KeyManagers;
import dev.lifeboat.core.port.Notifier;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The audit function of the backup account (issue 12), for two kinds of input:
 * <ul>
 *   <li>{@code {"action": "audit"}}, on its schedule: {@link Auditing} over every configured account and Region;
 *       the count of findings per severity as the metric {@code AuditFindings} (0 included, so a stopped audit
 *       shows as missing data, which the alarm treats as a finding); each finding in the log and the output;
 *   <li>an "AWS API Call via CloudTrail" event that a source account forwarded (a database deleted, its deletion
 *       protection turned off, a Lifeboat snapshot deleted, the replication of its backups stopped): an
 *       {@link IncidentAlert} to the notifications topic, naming the newest good backups and the command that
 *       restores them, and the metric {@code Incidents}.
 * </ul>
 */
public final class AuditHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AuditHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CLOUDTRAIL = "AWS API Call via CloudTrail";

    private final LifeboatConfig config;
    private final Auditing auditing;
    private final IncidentAlert alert;
    private final NewestBackups newest;
    private final Clock clock;
    private final Notifier notifier;
    private final Metrics metrics;
    private final Vault vault;

    static {
        // Once per container, at its cold start: which Lifeboat this function runs (CloudWatch keeps stderr).
        System.err.println(
                "AuditHandler: " + dev.lifeboat.protocol.BuildInfo.current().describe());
    }

    /** Used by Lambda: lifeboat.yml as it was deployed (DeployedConfig), the topic from LIFEBOAT_ALARM_TOPIC_ARN. */
    public AuditHandler() {
        this(AwsClients.fromEnvironment());
    }

    private AuditHandler(AwsClients aws) {
        this(DeployedConfig.load(System.getenv(), aws::objectBytes), aws, System.getenv());
    }

    private AuditHandler(LifeboatConfig config, AwsClients aws, Map<String, String> env) {
        this(config, aws, env, AccountCredentials.forConfig(config, aws));
    }

    private AuditHandler(
            LifeboatConfig config, AwsClients aws, Map<String, String> env, AccountCredentials credentials) {
        this(
                config,
                AwsRdsGateway.forConfig(config, aws),
                new AwsKeyManagers(credentials, aws),
                config.backup().vault() == null ? null : BackupHandler.openVault(config, aws, Clock.systemUTC()),
                new SnsNotifier(aws.sns(config.backup().region()), topic(env)),
                Clock.systemUTC(),
                MetricsFactory.getMetricsInstance(),
                new AwsIncidentForwarding(credentials, aws));
    }

    AuditHandler(
            LifeboatConfig config,
            RdsGateway rds,
            KeyManagers keys,
            Vault vault,
            Notifier notifier,
            Clock clock,
            Metrics metrics) {
        this(config, rds, keys, vault, notifier, clock, metrics, null);
    }

    /** {@code forwarding}: the source accounts' incident rules, checked on every audit (null: not checked). */
    AuditHandler(
            LifeboatConfig config,
            RdsGateway rds,
            KeyManagers keys,
            Vault vault,
            Notifier notifier,
            Clock clock,
            Metrics metrics,
            IncidentForwarding forwarding) {
        this.config = config;
        this.vault = vault;
        Auditing audit = new Auditing(rds, keys, vault, clock);
        this.auditing = forwarding == null ? audit : audit.withForwarding(forwarding);
        this.newest = new NewestBackups(vault, rds, clock);
        this.alert = new IncidentAlert(newest, clock);
        this.clock = clock;
        this.notifier = notifier;
        this.metrics = metrics;
    }

    private static String topic(Map<String, String> env) {
        String arn = env.get(Names.ALARM_TOPIC_VARIABLE);
        if (arn == null || arn.isBlank()) {
            throw new InvalidInputException(
                    Names.ALARM_TOPIC_VARIABLE + " is not set, so no alert could reach anyone",
                    "deploy the function with the CDK app, which sets it to the notifications topic");
        }
        return arn;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        ObjectNode result = PowertoolsLogging.withLogging(context, () -> LambdaFailure.rethrowing(() -> handle(event)));
        JSON.writeValue(output, result);
    }

    ObjectNode handle(JsonNode event) {
        if (event != null && CLOUDTRAIL.equals(event.path("detail-type").asText())) {
            return incident(event);
        }
        if (event != null && "audit".equals(event.path("action").asText())) {
            return audit();
        }
        if (event != null && "digest".equals(event.path("action").asText())) {
            return digest();
        }
        throw new InvalidInputException(
                "the audit function takes {\"action\": \"audit\"}, {\"action\": \"digest\"} or a forwarded"
                        + " CloudTrail event; got "
                        + (event == null ? "nothing" : "an object with " + fieldNames(event)),
                "invoke it with {\"action\": \"audit\"} (or \"digest\": the daily report to the alarm subscribers)");
    }

    private static String fieldNames(JsonNode event) {
        List<String> names = new java.util.ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "no fields" : "the fields " + names;
    }

    /** The scheduled audit: findings as metrics and output; a failure to audit at all fails the invocation. */
    ObjectNode audit() {
        Auditing.Report report = auditing.report(config);
        List<Auditing.Finding> findings = report.findings();
        ObjectNode out = JSON.createObjectNode().put("action", "audit");
        // The recovery point per database (issue 41): what a loss now would cost, for the dashboard.
        ObjectNode points = out.putObject("recoveryPoints");
        for (LifeboatConfig.Database d : config.databases().values()) {
            NewestBackups.Newest n = report.newest().get(d.id());
            java.util.Optional<dev.lifeboat.core.audit.RecoveryPoint> p;
            try {
                p = n == null ? java.util.Optional.empty() : dev.lifeboat.core.audit.RecoveryPoint.of(n, vault);
            } catch (RuntimeException e) {
                LOG.warn("the recovery point of {} could not be read: {}", d.id(), e.getMessage());
                continue;
            }
            p.ifPresent(point -> {
                points.putObject(d.id())
                        .put("at", point.at().toString())
                        .put("by", point.by())
                        .put("ageMinutes", point.age(clock.instant()).toMinutes());
                metrics.flushSingleMetric(
                        MetricNames.RECOVERY_POINT_AGE_MINUTES,
                        point.age(clock.instant()).toSeconds() / 60.0,
                        MetricUnit.NONE,
                        MetricNames.NAMESPACE,
                        DimensionSet.of(MetricNames.DIMENSION_DATABASE, d.id()));
            });
        }
        ArrayNode list = out.putArray("findings");
        for (Auditing.Severity s : Auditing.Severity.values()) {
            long n = findings.stream().filter(f -> f.severity() == s).count();
            out.put(s.name().toLowerCase(java.util.Locale.ROOT), n);
            metrics.flushSingleMetric(
                    MetricNames.AUDIT_FINDINGS,
                    (double) n,
                    MetricUnit.COUNT,
                    MetricNames.NAMESPACE,
                    DimensionSet.of(MetricNames.DIMENSION_SEVERITY, s.name()));
        }
        long stale = findings.stream()
                .filter(f -> f.kind() == Auditing.Kind.STALE_COPY
                        || f.kind() == Auditing.Kind.STALE_DUMP
                        || f.kind() == Auditing.Kind.STALE_CHANGES)
                .map(f -> f.where() + "/" + f.identifier())
                .distinct()
                .count();
        long unverified = findings.stream()
                .filter(f -> f.kind() == Auditing.Kind.UNVERIFIED)
                .count();
        out.put("staleBackups", stale).put("unverifiedDatabases", unverified);
        // The fleet's freshness in two numbers, so two alarms cover any number of databases (issue 16).
        metrics.flushSingleMetric(
                MetricNames.STALE_BACKUPS,
                (double) stale,
                MetricUnit.COUNT,
                MetricNames.NAMESPACE,
                DimensionSet.of(MetricNames.DIMENSION_ACCOUNT, config.backup().account()));
        metrics.flushSingleMetric(
                MetricNames.UNVERIFIED_DATABASES,
                (double) unverified,
                MetricUnit.COUNT,
                MetricNames.NAMESPACE,
                DimensionSet.of(MetricNames.DIMENSION_ACCOUNT, config.backup().account()));
        for (Auditing.Finding f : findings) {
            LOG.warn("audit {} {} {}: {}; fix: {}", f.severity(), f.where(), f.identifier(), f.problem(), f.fix());
            list.addObject()
                    .put("kind", f.kind().name())
                    .put("severity", f.severity().name())
                    .put("account", f.where().account())
                    .put("region", f.where().region())
                    .put("identifier", f.identifier())
                    .put("problem", f.problem())
                    .put("fix", f.fix());
        }
        return out;
    }

    /**
     * The daily digest (issue 37, the dead man's switch): every database's newest copy and dump with their ages, its
     * last verification, and the audit's findings, to the notifications topic's subscribers. A failure to publish
     * fails the invocation (the schedule's dead-letter queue and the function's error alarm follow).
     */
    ObjectNode digest() {
        DailyDigest.Message m = DailyDigest.of(config, auditing.report(config), clock);
        notifier.send(m.subject(), m.body());
        return JSON.createObjectNode().put("action", "digest").put("subject", m.subject());
    }

    /**
     * A forwarded destructive call: the alert goes out, then the metric. A failure to publish fails the invocation
     * (EventBridge retries it, then the function's error alarm fires), and the rule's own message to the topic
     * went out beside this one in any case.
     */
    ObjectNode incident(JsonNode event) {
        IncidentAlert.Incident incident = incidentOf(event);
        IncidentAlert.Alert a = alert.of(config, incident);
        notifier.send(a.subject(), a.message());
        metrics.flushSingleMetric(
                MetricNames.INCIDENTS,
                1,
                MetricUnit.COUNT,
                MetricNames.NAMESPACE,
                DimensionSet.of(
                        MetricNames.DIMENSION_DATABASE, a.databaseId() == null ? "unprotected" : a.databaseId()));
        LOG.warn("incident: {}", a.subject());
        return JSON.createObjectNode()
                .put("action", "incident")
                .put("database", a.databaseId())
                .put("subject", a.subject())
                .put("message", a.message());
    }

    /** The fields of a CloudTrail event on EventBridge that the alert uses; the request's identifier by call. */
    static IncidentAlert.Incident incidentOf(JsonNode event) {
        JsonNode detail = event.path("detail");
        JsonNode request = detail.path("requestParameters");
        String identifier = null;
        for (String field : List.of(
                "dBInstanceIdentifier",
                "dBClusterIdentifier",
                "dBSnapshotIdentifier",
                "dBClusterSnapshotIdentifier",
                "sourceDBInstanceArn")) {
            if (request.path(field).isTextual()) {
                identifier = request.path(field).asText();
                break;
            }
        }
        Instant time;
        try {
            time = Instant.parse(event.path("time").asText());
        } catch (DateTimeParseException e) {
            time = null;
        }
        String account = event.path("account").asText();
        String region = event.path("region").asText();
        if (account.isEmpty()
                || region.isEmpty()
                || detail.path("eventName").asText().isEmpty()) {
            throw new InvalidInputException(
                    "the CloudTrail event lacks its account, region or detail.eventName",
                    "forward the event unchanged (the source stack's rules do)");
        }
        return new IncidentAlert.Incident(
                detail.path("eventName").asText(),
                account,
                region,
                time,
                detail.path("userIdentity").path("arn").asText("an unknown caller"),
                identifier,
                detail.path("errorCode").isTextual() ? detail.path("errorCode").asText() : null);
    }
}
