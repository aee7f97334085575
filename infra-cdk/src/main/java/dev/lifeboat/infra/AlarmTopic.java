package dev.lifeboat.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * A notifications topic that alarms can reach: encrypted with a key of its own (so that disabling a data key
 * cannot silence the alarm about it), whose key policy and topic policy let CloudWatch alarms and
 * EventBridge rules of this account publish. A topic policy replaces SNS's default one, so a service it does
 * not name cannot publish (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html). {@code AlarmDeliveryTest}
 * walks every publisher of the synthesized template to it.
 */
record AlarmTopic(Topic topic, Key key) {
    /** Alarms when {@code metric} counts one failure or more in its period; no data is no failure. */
    static Alarm failedAtLeastOnce(Construct scope, String id, IMetric metric, String description) {
        return Alarm.Builder.create(scope, id)
                .metric(metric)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description)
                .build();
    }

    static AlarmTopic create(Construct scope, String account, String region) {
        return create(scope, account, region, List.of());
    }

    /**
     * With {@code subscriberAccounts}: other accounts (a central operations account) may subscribe their own
     * endpoints; they receive what is published and can publish nothing
     * (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
     */
    static AlarmTopic create(Construct scope, String account, String region, List<String> subscriberAccounts) {
        Key key = Key.Builder.create(scope, "AlarmKey")
                .description("Lifeboat: encrypts the notifications topic (alarms reach people through it)")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        for (String service : List.of("cloudwatch", "events")) {
            key.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("PublishFrom" + service)
                    .effect(Effect.ALLOW)
                    .principals(List.of(new ServicePrincipal(service + ".amazonaws.com")))
                    .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                    .resources(List.of("*"))
                    .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", account)))
                    .build());
        }
        Topic topic = Topic.Builder.create(scope, "Notifications")
                .displayName("Lifeboat")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of(
                        "StringEquals",
                        Map.of("aws:SourceAccount", account),
                        "ArnLike",
                        Map.of("aws:SourceArn", "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:*")))
                .build());
        if (!subscriberAccounts.isEmpty()) {
            topic.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("OtherAccountsSubscribe")
                    .effect(Effect.ALLOW)
                    .principals(subscriberAccounts.stream()
                            .map(a -> (IPrincipal) new AccountPrincipal(a))
                            .toList())
                    .actions(List.of("sns:Subscribe"))
                    .resources(List.of(topic.getTopicArn()))
                    .build());
        }
        return new AlarmTopic(topic, key);
    }
}
