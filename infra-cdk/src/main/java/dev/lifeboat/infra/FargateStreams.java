package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.VaultKeys;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.FargatePlatformVersion;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The deployed streamers (issues 40 and 41): for each database whose lifeboat.yml entry has {@code dump.stream}, an
 * ECS Fargate service of exactly one task ({@code dev.lifeboat.backup.StreamTask}, the dump function's image) in the
 * database's VPC with the dumps' subnets and security groups, as a role of this Region's own that reads the streamed
 * databases' secrets and adds objects to their change archives in the account's space of the vault, nothing else. A
 * deployment stops the old task before it starts the new one (one reader per slot; a second would be refused). Its
 * alarms, to the account's alarm topic: the archive's lag past {@code stream.lagAlarm}; the streamer silent (no lag
 * reported) for as long; PostgreSQL's slot holding more WAL than {@code stream.retainedWalAlarmMiB}; a gap marked.
 */
final class FargateStreams {
    static final String CLUSTER = "lifeboat-streams";
    /** The streamer's role: its name starts as the dump role's, which the vault's policy admits into its space. */
    static final String ROLE_PREFIX = SourceAccountStack.DUMP_ROLE_PREFIX + "stream-";

    final Role role;

    FargateStreams(
            Construct scope,
            Path repositoryRoot,
            LifeboatConfig config,
            String region,
            IVpc vpc,
            List<ISubnet> subnets,
            List<ISecurityGroup> groups,
            ConfigDocuments.Published document,
            String network,
            List<LifeboatConfig.Database> streamed,
            ITopic alarms) {
        String bucket = VaultUri.bucket(config.backup().vault());
        String root = VaultUri.prefix(config.backup().vault());
        List<String> prefixes = streamed.stream()
                .flatMap(d -> List.of(
                        root + VaultKeys.space(d.source().account()) + VaultKeys.CHANGES + d.id() + "/",
                        root + VaultKeys.space(d.source().account()) + VaultKeys.BINLOG + d.id() + "/")
                        .stream())
                .toList();
        role = Role.Builder.create(scope, "StreamRole")
                .roleName(ROLE_PREFIX + region)
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .build();
        role.attachInlinePolicy(Iam.policy(
                scope,
                "StreamPolicy",
                Policies.dumpRole(
                        streamed.stream().map(d -> d.dump().secretArn()).toList(),
                        bucket,
                        prefixes,
                        config.backup().kmsKeyArn(),
                        config.backup().region())));
        document.asset().grantRead(role);
        Cluster cluster = FargateTasks.cluster(scope, "StreamCluster", CLUSTER, vpc);
        var image = FargateTasks.image(scope, "StreamImage", repositoryRoot, "backup-function");
        var logs = FargateTasks.logs(scope, "StreamTaskLogs");
        for (LifeboatConfig.Database d : streamed) {
            Map<String, String> environment = new LinkedHashMap<>(document.environment());
            environment.put("POWERTOOLS_SERVICE_NAME", "lifeboat-stream");
            environment.put("POWERTOOLS_METRICS_NAMESPACE", MetricNames.NAMESPACE);
            environment.put("LIFEBOAT_NETWORK", network);
            environment.put("LIFEBOAT_DATABASE", d.id());
            // A segment is at most 64 MiB in flight through the vault's upload (4 parts of 16 MiB and one filling):
            // the heap stays small, the task's 1 GiB leaves room for the JVM's own.
            environment.put(FunctionImages.JAVA_OPTIONS, "-Xmx384m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC");
            FargateTaskDefinition task = FargateTasks.definition(
                    scope, "StreamTask-" + d.id(), "lifeboat-stream-" + d.id(), role, null, 512, 1024);
            FargateTasks.container(task, "stream", image, "dev.lifeboat.backup.StreamTask", environment, logs);
            FargateService.Builder.create(scope, "StreamService-" + d.id())
                    .serviceName("lifeboat-stream-" + d.id())
                    .cluster(cluster)
                    .taskDefinition(task)
                    .desiredCount(1)
                    // One reader per slot: the old task stops before the new one starts.
                    .minHealthyPercent(0)
                    .maxHealthyPercent(100)
                    .platformVersion(FargatePlatformVersion.LATEST)
                    .vpcSubnets(SubnetSelection.builder().subnets(subnets).build())
                    .securityGroups(groups)
                    .assignPublicIp(false)
                    .build();
            alarms(scope, d, alarms);
        }
    }

    private static void alarms(Construct scope, LifeboatConfig.Database d, ITopic topic) {
        LifeboatConfig.StreamSettings s = d.dump().stream();
        long minutes = Math.max(1, s.lagAlarm().toMinutes());
        Map<String, String> dims = Map.of(MetricNames.DIMENSION_DATABASE, d.id());
        Metric lag = Metric.Builder.create()
                .namespace(MetricNames.NAMESPACE)
                .metricName(MetricNames.CHANGE_ARCHIVE_LAG_SECONDS)
                .dimensionsMap(dims)
                .statistic("Maximum")
                .period(Duration.minutes(1))
                .build();
        List<Alarm> all = new java.util.ArrayList<>();
        all.add(Alarm.Builder.create(scope, "StreamLag-" + d.id())
                .metric(lag)
                .threshold(s.lagAlarm().toSeconds())
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Lifeboat: the change archive of " + d.id() + " is more than "
                        + minutes + " min behind its database: a restore to a later moment is not possible; see the"
                        + " lifeboat-stream-" + d.id() + " service's log")
                .build());
        // No lag reported for as long: the streamer is not running, cannot reach its database, or never caught up.
        all.add(Alarm.Builder.create(scope, "StreamSilent-" + d.id())
                .metric(lag.with(software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                        .statistic("SampleCount")
                        .build()))
                .threshold(1)
                .evaluationPeriods((int) minutes)
                .datapointsToAlarm((int) minutes)
                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.BREACHING)
                .alarmDescription("Lifeboat: the streamer of " + d.id() + " has reported nothing for " + minutes
                        + " min (not running, refused, or not caught up): changes are not being archived; see the"
                        + " lifeboat-stream-" + d.id() + " service's log")
                .build());
        all.add(AlarmTopic.failedAtLeastOnce(
                scope,
                "StreamGap-" + d.id(),
                Metric.Builder.create()
                        .namespace(MetricNames.NAMESPACE)
                        .metricName(MetricNames.CHANGE_ARCHIVE_GAPS)
                        .dimensionsMap(dims)
                        .statistic("Sum")
                        .period(Duration.minutes(5))
                        .build(),
                "Lifeboat: a GAP was marked in the change archive of " + d.id() + ": no restore crosses it; take a"
                        + " dump of " + d.id() + " now (lifeboat dump, or invoke the dump function)"));
        if (d.engine() == DatabaseEngine.POSTGRESQL) {
            all.add(Alarm.Builder.create(scope, "StreamRetainedWal-" + d.id())
                    .metric(Metric.Builder.create()
                            .namespace(MetricNames.NAMESPACE)
                            .metricName(MetricNames.CHANGE_SLOT_RETAINED_BYTES)
                            .dimensionsMap(dims)
                            .statistic("Maximum")
                            .period(Duration.minutes(1))
                            .build())
                    .threshold(s.retainedWalAlarmBytes())
                    .evaluationPeriods(1)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .alarmDescription("Lifeboat's replication slot on " + d.id() + " holds more than "
                            + (s.retainedWalAlarmBytes() >> 20) + " MiB of the server's WAL: the streamer is behind or"
                            + " stopped; past max_slot_wal_keep_size the server gives the slot up and the archive gets"
                            + " a gap")
                    .build());
        }
        all.forEach(a -> {
            a.addAlarmAction(new SnsAction(topic));
            a.addOkAction(new SnsAction(topic));
        });
    }
}
