package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Decision;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Request;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 12: the scheduled audit and the incident alert, as the example configuration deploys them: the function,
 * its schedule, the incident rule's second target, the alarm on high-severity findings, and the role, evaluated
 * from the synthesized template as IAM would (it may read and publish, it may delete and tag nothing).
 */
class AuditFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LifeboatApp.Stacks stacks;
    private static Template backup;
    private static TemplatePolicies policies;

    @BeforeAll
    static void synth() {
        stacks = LifeboatApp.build(
                new App(),
                ConfigLoader.load(Path.of("../docs/lifeboat.example.yml")),
                Path.of("..").toAbsolutePath().normalize());
        backup = Template.fromStack(stacks.backup());
        policies = new TemplatePolicies(stacks.backup());
    }

    @Test
    void theAuditFunction_runsOnItsSchedule_withTheTopicToAlertThrough() {
        backup.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "FunctionName",
                        Names.AUDIT_FUNCTION,
                        "ImageConfig",
                        Map.of("Command", List.of("dev.lifeboat.backup.AuditHandler::handleRequest")),
                        "Environment",
                        Map.of(
                                "Variables",
                                Match.objectLike(Map.of(
                                        Names.ALARM_TOPIC_VARIABLE,
                                        Map.of("Ref", policies.first("AWS::SNS::Topic"))))))));
        backup.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Match.objectLike(Map.of(
                        "Name",
                        "lifeboat-audit",
                        "ScheduleExpression",
                        "rate(6 hours)",
                        "Target",
                        Match.objectLike(Map.of("Input", "{\"action\": \"audit\"}")))));
    }

    @Test
    void anIncidentInProduction_alarmsAtOnce_andStartsTheAuditFunctionsAlert() throws Exception {
        JsonNode rule = JSON.valueToTree(backup.findResources("AWS::Events::Rule").entrySet().stream()
                .filter(e -> e.getKey().startsWith("IncidentInProduction"))
                .findFirst()
                .orElseThrow()
                .getValue());
        JsonNode targets = rule.path("Properties").path("Targets");
        assertThat(targets).hasSize(2);
        String audit = logicalIdOfFunction(Names.AUDIT_FUNCTION);
        assertThat(targets.toString())
                .contains(policies.first("AWS::SNS::Topic"))
                .contains(audit)
                .contains("DeadLetterConfig");
        backup.hasResourceProperties(
                "AWS::Lambda::Permission",
                Match.objectLike(Map.of(
                        "Action",
                        "lambda:InvokeFunction",
                        "Principal",
                        "events.amazonaws.com",
                        "FunctionName",
                        Map.of("Fn::GetAtt", List.of(audit, "Arn")))));
    }

    @Test
    void aHighSeverityFinding_orADayWithoutAnAudit_alarmsToTheTopic() {
        backup.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Match.objectLike(Map.of(
                        "MetricName",
                        MetricNames.AUDIT_FINDINGS,
                        "Dimensions",
                        List.of(Map.of("Name", MetricNames.DIMENSION_SEVERITY, "Value", "HIGH")),
                        "Threshold",
                        1,
                        "TreatMissingData",
                        "breaching",
                        "AlarmActions",
                        List.of(Map.of("Ref", policies.first("AWS::SNS::Topic"))))));
    }

    @Test
    void theAuditRole_readsAndPublishes_butDeletesTagsAndWritesNothing() {
        String role = policies.roleNamed(Names.AUDIT_ROLE);
        JsonNode identity = policies.identity(role);
        var own = PolicyEvaluator.Policies.identityOnly("222222222222", identity);
        String principal = "arn:aws:iam::222222222222:role/" + Names.AUDIT_ROLE;
        String vault = TemplatePolicies.arnOf(vaultBucket()) + "/dumps/orders/2026/11/26/x.pgdump";
        String topic = TemplatePolicies.arnOf(policies.first("AWS::SNS::Topic"));
        String alarmKey =
                TemplatePolicies.arnOf(logicalIdStartingWith("AWS::KMS::Key", "AlarmTopicAlarmKey", "AlarmKey"));
        String copy = "arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-20261126-0300";

        for (Request allowed : List.of(
                new Request(principal, "sts:AssumeRole", "arn:aws:iam::111111111111:role/lifeboat-source"),
                new Request(principal, "rds:DescribeDBSnapshots", "*"),
                new Request(principal, "rds:ListTagsForResource", "*"),
                new Request(principal, "s3:GetObject", vault),
                new Request(principal, "sns:Publish", topic),
                new Request(principal, "kms:GenerateDataKey", alarmKey))) {
            assertThat(PolicyEvaluator.decide(allowed, own))
                    .as(allowed.action() + " on " + allowed.resource())
                    .isEqualTo(Decision.ALLOW);
        }
        for (Request denied : List.of(
                new Request(principal, "sts:AssumeRole", "arn:aws:iam::333333333333:role/anything"),
                new Request(principal, "rds:DeleteDBSnapshot", copy),
                new Request(principal, "rds:AddTagsToResource", copy),
                new Request(principal, "rds:ModifyDBSnapshotAttribute", copy),
                new Request(principal, "s3:DeleteObject", vault),
                new Request(principal, "s3:PutObject", vault),
                new Request(principal, "kms:ScheduleKeyDeletion", alarmKey))) {
            assertThat(PolicyEvaluator.decide(denied, own))
                    .as(denied.action() + " on " + denied.resource())
                    .isNotEqualTo(Decision.ALLOW);
        }
    }

    private static String vaultBucket() {
        return backup.findResources(
                        "AWS::S3::Bucket",
                        Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("ObjectLockEnabled", true)))))
                .keySet()
                .iterator()
                .next();
    }

    private static String logicalIdOfFunction(String name) {
        return backup.findResources(
                        "AWS::Lambda::Function",
                        Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("FunctionName", name)))))
                .keySet()
                .iterator()
                .next();
    }

    private static String logicalIdStartingWith(String type, String... prefixes) {
        for (String id : backup.findResources(type).keySet()) {
            for (String p : prefixes) {
                if (id.startsWith(p)) {
                    return id;
                }
            }
        }
        throw new AssertionError("no " + type + " starting with " + List.of(prefixes));
    }
}
