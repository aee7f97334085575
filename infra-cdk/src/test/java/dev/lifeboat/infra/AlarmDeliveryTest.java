package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * Every alarm reaches a human: the synthesized template is followed from each publisher (CloudWatch alarm,
 * EventBridge rule, state machine) to its topic and the topic's key, and each hop must admit the publisher,
 * as SNS and KMS evaluate it: the topic policy (a topic policy replaces the default one, so a service that
 * it does not name cannot publish), the key policy for the AWS services (they hold no IAM policy), and the
 * identity policy for a role (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse).
 */
@SuppressWarnings("unchecked")
class AlarmDeliveryTest {
    private static Map<String, Map<String, Object>> stacks;
    private static Map<String, Object> resources;
    private static final String DATA_KEY = "BackupKey";

    @BeforeAll
    static void synth() {
        App app = new App();
        LifeboatApp.Stacks built = LifeboatApp.build(
                app,
                ConfigLoader.load(Path.of("../docs/lifeboat.example.yml")),
                Path.of("..").toAbsolutePath().normalize());
        stacks = Map.of(
                "backup",
                (Map<String, Object>)
                        Template.fromStack(built.backup()).toJSON().get("Resources"),
                "source",
                (Map<String, Object>)
                        Template.fromStack(built.sources().getFirst()).toJSON().get("Resources"));
    }

    private static void in(String stack) {
        resources = stacks.get(stack);
    }

    private static Map<String, Object> props(String id) {
        return (Map<String, Object>) ((Map<String, Object>) resources.get(id)).get("Properties");
    }

    private static List<String> ofType(String type) {
        return resources.entrySet().stream()
                .filter(e -> type.equals(((Map<String, Object>) e.getValue()).get("Type")))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The logical id a Ref or Fn::GetAtt names, or null. */
    private static String target(Object ref) {
        if (ref instanceof Map<?, ?> m) {
            if (m.get("Ref") instanceof String r) {
                return r;
            }
            if (m.get("Fn::GetAtt") instanceof List<?> l) {
                return (String) l.getFirst();
            }
        }
        return null;
    }

    private static List<Map<String, Object>> statements(Map<String, Object> document) {
        return (List<Map<String, Object>>) document.get("Statement");
    }

    private static List<String> list(Object o) {
        if (o == null) {
            return List.of();
        }
        return o instanceof List<?> l
                ? l.stream()
                        .filter(String.class::isInstance)
                        .map(String.class::cast)
                        .toList()
                : o instanceof String str ? List.of(str) : List.of();
    }

    private static boolean allowsService(List<Map<String, Object>> statements, String service, String action) {
        return statements.stream()
                .filter(s -> "Allow".equals(s.get("Effect")))
                .filter(s -> s.get("Principal") instanceof Map<?, ?> p
                        && list(p.get("Service")).contains(service))
                .anyMatch(s -> list(s.get("Action")).stream().anyMatch(a -> matches(a, action)));
    }

    private static boolean matches(String pattern, String action) {
        return pattern.equals(action)
                || (pattern.endsWith("*") && action.startsWith(pattern.substring(0, pattern.length() - 1)));
    }

    private static List<Map<String, Object>> topicPolicy(String topic) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ofType("AWS::SNS::TopicPolicy")) {
            List<Object> topics = (List<Object>) props(id).get("Topics");
            if (topics.stream().anyMatch(t -> topic.equals(target(t)))) {
                out.addAll(statements((Map<String, Object>) props(id).get("PolicyDocument")));
            }
        }
        return out;
    }

    private static String keyOf(String topic) {
        String key = target(props(topic).get("KmsMasterKeyId"));
        assertThat(key)
                .as("topic " + topic + " is encrypted with a key of this stack")
                .isNotNull();
        return key;
    }

    private static List<Map<String, Object>> keyPolicy(String key) {
        return statements((Map<String, Object>) props(key).get("KeyPolicy"));
    }

    /** The service may publish to the topic: the topic policy names it, and the topic's key lets it encrypt. */
    private static void assertServiceCanPublish(String service, String topic, String who) {
        assertThat(allowsService(topicPolicy(topic), service, "sns:Publish"))
                .as(who + ": the policy of " + topic + " lets " + service + " publish")
                .isTrue();
        String key = keyOf(topic);
        assertThat(key)
                .as(who + ": the alarm topic is not encrypted with the data key")
                .doesNotStartWith(DATA_KEY);
        for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
            assertThat(allowsService(keyPolicy(key), service, action))
                    .as(who + ": the policy of " + key + " lets " + service + " use it (" + action + ")")
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"backup", "source"})
    void everyCloudWatchAlarm_hasAnAction_thatCloudWatchCanDeliver(String stack) {
        in(stack);
        List<String> alarms = ofType("AWS::CloudWatch::Alarm");
        assertThat(alarms).isNotEmpty();
        for (String alarm : alarms) {
            List<Object> actions = (List<Object>) props(alarm).get("AlarmActions");
            assertThat(actions).as(alarm + " has an action").isNotEmpty();
            for (Object action : actions) {
                String topic = target(action);
                assertThat(topic).as(alarm + " notifies a topic of this stack").isNotNull();
                assertServiceCanPublish("cloudwatch.amazonaws.com", topic, alarm);
            }
        }
    }

    @Test
    void everyEventBridgeRuleThatNotifies_canDeliver() {
        in("backup");
        int rules = 0;
        for (String rule : ofType("AWS::Events::Rule")) {
            for (Map<String, Object> t : (List<Map<String, Object>>) props(rule).getOrDefault("Targets", List.of())) {
                String topic = target(t.get("Arn"));
                if (topic != null
                        && resources.containsKey(topic)
                        && "AWS::SNS::Topic".equals(((Map<String, Object>) resources.get(topic)).get("Type"))) {
                    assertServiceCanPublish("events.amazonaws.com", topic, rule);
                    rules++;
                }
            }
        }
        assertThat(rules).as("the key-deletion rule at least").isPositive();
    }

    @Test
    void everyStateMachineThatNotifies_mayPublish_andUseTheTopicsKey() {
        in("backup");
        for (String sm : ofType("AWS::StepFunctions::StateMachine")) {
            String role = target(props(sm).get("RoleArn"));
            List<Map<String, Object>> allowed = new ArrayList<>();
            for (String policy : ofType("AWS::IAM::Policy")) {
                List<Object> roles = (List<Object>) props(policy).getOrDefault("Roles", List.of());
                if (roles.stream().anyMatch(r -> role.equals(target(r)))) {
                    allowed.addAll(
                            statements((Map<String, Object>) props(policy).get("PolicyDocument")));
                }
            }
            for (String topic : ofType("AWS::SNS::Topic")) {
                String key = keyOf(topic);
                assertThat(allowed)
                        .as(sm + " may publish to " + topic)
                        .anyMatch(st -> list(st.get("Action")).contains("sns:Publish")
                                && topic.equals(target(st.get("Resource"))));
                for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
                    assertThat(allowed)
                            .as(sm + " may use " + key + " (" + action + ") to publish to the encrypted topic")
                            .anyMatch(st -> list(st.get("Action")).stream().anyMatch(a -> matches(a, action))
                                    && key.equals(target(st.get("Resource"))));
                }
            }
        }
    }

    /**
     * Cross-account subscriptions: the accounts of {@code backup.alarmSubscriberAccounts} may subscribe to the
     * backup account's topic, evaluated as SNS does from the synthesized topic policy; they may not publish, and
     * an account lifeboat.yml does not name may do neither.
     */
    @Test
    void theConfiguredAccounts_maySubscribeToTheAlarms_butNotPublish() {
        App app = new App();
        LifeboatApp.Stacks built = LifeboatApp.build(
                app,
                ConfigLoader.load(Path.of("../docs/lifeboat.example.yml")),
                Path.of("..").toAbsolutePath().normalize());
        TemplatePolicies t = new TemplatePolicies(built.backup());
        String topic = t.first("AWS::SNS::Topic");
        var policy = t.resourcePolicy("AWS::SNS::TopicPolicy", "Topics", "PolicyDocument", topic);
        var onTopic = new PolicyEvaluator.Policies(
                List.of(),
                List.of(PolicyEvaluator.parse(
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sns:*\",\"Resource\":\"*\"}]}")),
                policy,
                "222222222222",
                false);
        String ops = "arn:aws:iam::333333333333:role/ops";
        String stranger = "arn:aws:iam::444444444444:role/ops";
        String arn = TemplatePolicies.arnOf(topic);
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(ops, "sns:Subscribe", arn), onTopic))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(ops, "sns:Publish", arn), onTopic))
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(stranger, "sns:Subscribe", arn), onTopic))
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
    }
}
