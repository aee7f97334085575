package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 17: every function inside a VPC reaches the AWS APIs it calls. {@code egress: endpoints} creates the
 * endpoints (S3 gateway in the route tables, interface endpoints with private DNS in the subnets), reachable only
 * from the function's security groups, with policies that admit only Lifeboat's bucket and secrets; {@code
 * egress: nat} creates none; an endpoint named in {@code existing} is reused.
 */
class EgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXAMPLE = read();

    private static String read() {
        try {
            return Files.readString(Path.of("../docs/lifeboat.example.yml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LifeboatApp.Stacks synth(String yaml) {
        LifeboatConfig config = ConfigLoader.parse(yaml, "lifeboat.yml");
        return LifeboatApp.build(
                new App(), config, Path.of("..").toAbsolutePath().normalize());
    }

    private static List<JsonNode> endpoints(Stack stack) {
        JsonNode resources = JSON.valueToTree(Template.fromStack(stack).findResources("AWS::EC2::VPCEndpoint"));
        List<JsonNode> out = new ArrayList<>();
        resources.forEach(r -> out.add(r.get("Properties")));
        return out;
    }

    private static JsonNode endpoint(List<JsonNode> endpoints, String service) {
        return endpoints.stream()
                .filter(e -> e.get("ServiceName").asText().endsWith("." + service))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint for " + service));
    }

    @Test
    void endpoints_areCreatedInTheRouteTablesAndSubnets_reachableOnlyFromTheFunctions() {
        LifeboatApp.Stacks stacks = synth(EXAMPLE);
        LifeboatConfig.Network net = ConfigLoader.parse(EXAMPLE, "f").backup().network();
        List<JsonNode> made = endpoints(stacks.backup());

        assertThat(made)
                .extracting(e -> e.get("ServiceName").asText())
                .containsExactlyInAnyOrder(
                        "com.amazonaws.eu-central-1.s3",
                        "com.amazonaws.eu-central-1.rds",
                        "com.amazonaws.eu-central-1.sts",
                        "com.amazonaws.eu-central-1.secretsmanager");
        JsonNode s3 = endpoint(made, "s3");
        assertThat(s3.get("VpcEndpointType").asText()).isEqualTo("Gateway");
        assertThat(s3.get("RouteTableIds").get(0).asText())
                .isEqualTo(net.egress().routeTableIds().getFirst());
        for (String service : List.of("rds", "sts", "secretsmanager")) {
            JsonNode e = endpoint(made, service);
            assertThat(e.get("VpcEndpointType").asText()).isEqualTo("Interface");
            assertThat(e.get("PrivateDnsEnabled").asBoolean()).isTrue();
            assertThat(e.get("SubnetIds")).extracting(JsonNode::asText).containsExactlyElementsOf(net.subnetIds());
        }
        JsonNode groups =
                JSON.valueToTree(Template.fromStack(stacks.backup()).findResources("AWS::EC2::SecurityGroup"));
        assertThat(groups).hasSize(1);
        JsonNode ingress = groups.elements().next().at("/Properties/SecurityGroupIngress");
        assertThat(ingress).hasSize(net.securityGroupIds().size()).allSatisfy(rule -> {
            assertThat(rule.get("FromPort").asInt()).isEqualTo(443);
            assertThat(rule.get("ToPort").asInt()).isEqualTo(443);
            assertThat(net.securityGroupIds())
                    .contains(rule.get("SourceSecurityGroupId").asText());
        });
    }

    @Test
    void theS3AndSecretsEndpoints_admitOnlyTheVaultAndLifeboatsSecrets() {
        LifeboatApp.Stacks stacks = synth(EXAMPLE);
        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        List<JsonNode> made = endpoints(stacks.backup());
        JsonNode s3 = t.resolve(endpoint(made, "s3").get("PolicyDocument"));
        String vault = TemplatePolicies.arnOf(Template.fromStack(stacks.backup())
                .findResources("AWS::S3::Bucket", Map.of("Properties", Map.of("BucketName", "acme-lifeboat-vault")))
                .keySet()
                .iterator()
                .next());

        assertThat(allowed(s3, "s3:GetObject", vault + "/lifeboat/dumps/orders/x.pgdump"))
                .isTrue();
        assertThat(allowed(s3, "s3:GetObject", "arn:aws:s3:::some-other-bucket/key"))
                .isFalse();
        assertThat(allowed(s3, "s3:DeleteObject", vault + "/lifeboat/dumps/orders/x.pgdump"))
                .isFalse();
        JsonNode secrets = t.resolve(endpoint(made, "secretsmanager").get("PolicyDocument"));
        assertThat(allowed(
                        secrets,
                        "secretsmanager:CreateSecret",
                        "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lifeboat/verification/orders-x"))
                .isTrue();
        assertThat(allowed(
                        secrets,
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:eu-central-1:222222222222:secret:payroll-db"))
                .isFalse();
        assertThat(endpoint(made, "rds").has("PolicyDocument"))
                .as("RDS and STS: the default policy")
                .isFalse();
    }

    /**
     * Issue 36, items 4, 5 and 11, through the backup network's endpoints: restores and verification read dump objects
     * by version (s3:GetObjectVersion: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html), a
     * restore reads its target's login under lifeboat/restore/, and a repeated verification check rewrites the
     * throwaway login (PutSecretValue). An endpoint policy must allow each, beside the role's own policy
     * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
     */
    @Test
    void theEndpoints_admitReadsByVersion_theRestoresLogins_andARewrittenThrowawayLogin() {
        LifeboatApp.Stacks stacks = synth(EXAMPLE);
        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        List<JsonNode> made = endpoints(stacks.backup());
        JsonNode s3 = t.resolve(endpoint(made, "s3").get("PolicyDocument"));
        String vault = TemplatePolicies.arnOf(Template.fromStack(stacks.backup())
                .findResources("AWS::S3::Bucket", Map.of("Properties", Map.of("BucketName", "acme-lifeboat-vault")))
                .keySet()
                .iterator()
                .next());
        assertThat(allowed(s3, "s3:GetObjectVersion", vault + "/lifeboat/accounts/111111111111/dumps/orders/x.pgdump"))
                .isTrue();
        assertThat(allowed(s3, "s3:GetObjectVersion", "arn:aws:s3:::some-other-bucket/key"))
                .isFalse();
        JsonNode secrets = t.resolve(endpoint(made, "secretsmanager").get("PolicyDocument"));
        assertThat(allowed(
                        secrets,
                        "secretsmanager:PutSecretValue",
                        "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lifeboat/verification/orders-x"))
                .isTrue();
        for (String login : List.of(
                "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lifeboat/restore/orders-restored-AbCdEf",
                "arn:aws:secretsmanager:eu-central-1:111111111111:secret:lifeboat/restore/orders-AbCdEf")) {
            assertThat(allowed(secrets, "secretsmanager:GetSecretValue", login))
                    .as(login)
                    .isTrue();
        }
        assertThat(allowed(
                        secrets,
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:eu-central-1:444444444444:secret:lifeboat/restore/x-AbCdEf"))
                .as("an account lifeboat.yml does not name")
                .isFalse();
    }

    /** An endpoint policy alone decides (the caller's own policy allows everything here). */
    private static boolean allowed(JsonNode endpointPolicy, String action, String resource) {
        for (JsonNode st : endpointPolicy.get("Statement")) {
            var one = PolicyEvaluator.parse("{\"Statement\":["
                    + st.toString().replace("\"Principal\":\"*\",", "").replace(",\"Principal\":\"*\"", "") + "]}");
            if (PolicyEvaluator.decide(
                            new PolicyEvaluator.Request("arn:aws:iam::222222222222:role/x", action, resource),
                            PolicyEvaluator.Policies.identityOnly("222222222222", one))
                    .allowed()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void nat_createsNoEndpoint() {
        LifeboatApp.Stacks stacks = synth(EXAMPLE);
        for (var source : stacks.sources()) {
            assertThat(endpoints(source)).isEmpty();
        }
    }

    @Test
    void anExistingEndpoint_isReused_notDuplicated() {
        String reuse = EXAMPLE.replace("      routeTableIds: [rtb-0b1c2d3e4f5a60718]\n", """
                      routeTableIds: [rtb-0b1c2d3e4f5a60718]
                      existing: {s3: vpce-0123456789abcdef0, secretsmanager: vpce-0123456789abcdef1}
                """);
        List<JsonNode> made = endpoints(synth(reuse).backup());

        assertThat(made)
                .extracting(e -> e.get("ServiceName").asText())
                .containsExactlyInAnyOrder("com.amazonaws.eu-central-1.rds", "com.amazonaws.eu-central-1.sts");
    }

    @Test
    void endpointsForADumpFunctionInAnotherRegionThanTheVault_areRefused_namingTheField() {
        // (No stream: a Fargate service needs egress: nat, ConfigLoaderTest.)
        String crossRegion = EXAMPLE.replace(
                        "      egress: nat                    # the subnets route to a NAT gateway (the vault is in another Region:",
                        "      egress: {mode: endpoints, routeTableIds: [rtb-0a1b2c3d4e5f60718]}   # (the vault is in another Region:")
                .replace("      stream: true ", "      stream: false ");

        assertThatThrownBy(() -> synth(crossRegion))
                .hasMessageContaining("databases.orders.dump.egress: endpoints cannot reach the vault")
                .hasMessageContaining("Use egress: nat");
    }

    @Test
    void endpointsForADumpFunctionInTheVaultsRegion_admitOnlyItsSecrets() {
        String sameRegion = EXAMPLE.replace(
                        "      egress: nat                    # the subnets route to a NAT gateway (the vault is in another Region:",
                        "      egress: {mode: endpoints, routeTableIds: [rtb-0a1b2c3d4e5f60718]}   # (")
                .replace("      stream: true ", "      stream: false ")
                .replace(
                        "      region: eu-west-1\n      instance: orders-prod",
                        "      region: eu-central-1\n      instance: orders-prod")
                .replace(
                        "arn:aws:kms:eu-west-1:111111111111:key/5678efgh",
                        "arn:aws:kms:eu-central-1:111111111111:key/5678efgh")
                .replace(
                        "stagingKmsKeyArn: arn:aws:kms:eu-west-1:222222222222",
                        "stagingKmsKeyArn: arn:aws:kms:eu-central-1:222222222222")
                .replace(
                        "secretArn: arn:aws:secretsmanager:eu-west-1:",
                        "secretArn: arn:aws:secretsmanager:eu-central-1:");
        LifeboatApp.Stacks stacks = synth(sameRegion);
        Stack source = stacks.sources().stream()
                .filter(s -> s.getRegion().equals("eu-central-1"))
                .findFirst()
                .orElseThrow();
        List<JsonNode> made = endpoints(source);

        assertThat(made)
                .extracting(e -> e.get("ServiceName").asText())
                .containsExactlyInAnyOrder(
                        "com.amazonaws.eu-central-1.s3", "com.amazonaws.eu-central-1.secretsmanager");
        JsonNode secrets = new TemplatePolicies(source)
                .resolve(endpoint(made, "secretsmanager").get("PolicyDocument"));
        assertThat(allowed(
                        secrets,
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:eu-central-1:111111111111:secret:lifeboat/orders-AbCdEf"))
                .isTrue();
        assertThat(allowed(
                        secrets,
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:eu-central-1:111111111111:secret:payroll"))
                .isFalse();
        // Routing HEADs each backup's objects by version (issue 36, item 6).
        JsonNode s3 = new TemplatePolicies(source).resolve(endpoint(made, "s3").get("PolicyDocument"));
        assertThat(allowed(
                        s3,
                        "s3:GetObjectVersion",
                        "arn:aws:s3:::acme-lifeboat-vault/lifeboat/accounts/111111111111/dumps/orders/x.pgdump"))
                .isTrue();
    }

    /** Security groups both ways: the database's group admits the function's groups on the database's port. */
    @Test
    void theDatabasesSecurityGroup_admitsTheDumpFunction_onItsPort_whenLifeboatYmlNamesIt() {
        String named = EXAMPLE.replace(
                "      securityGroupIds: [sg-0a1b2c3d4e5f60718]\n",
                "      securityGroupIds: [sg-0a1b2c3d4e5f60718]\n      databaseSecurityGroupId: sg-0dbdbdbdbdbdbdbdb\n");
        Stack source = synth(named).sources().getFirst();
        JsonNode rules = JSON.valueToTree(Template.fromStack(source).findResources("AWS::EC2::SecurityGroupIngress"));

        assertThat(rules).hasSize(1);
        JsonNode rule = rules.elements().next().get("Properties");
        assertThat(rule.get("GroupId").asText()).isEqualTo("sg-0dbdbdbdbdbdbdbdb");
        assertThat(rule.get("SourceSecurityGroupId").asText()).isEqualTo("sg-0a1b2c3d4e5f60718");
        assertThat(rule.get("FromPort").asInt()).isEqualTo(5432);
        assertThat(rule.get("ToPort").asInt()).isEqualTo(5432);
        assertThat(Template.fromStack(synth(EXAMPLE).sources().getFirst())
                        .findResources("AWS::EC2::SecurityGroupIngress"))
                .as("not named: nothing is added to a group Lifeboat does not own")
                .isEmpty();
    }

    /**
     * Without configured security groups the dump function gets one of its own, letting out only HTTPS and the
     * database's port (to the database's group), and the database's group admits it.
     */
    @Test
    void withoutConfiguredGroups_theDumpFunctionsOwnGroup_letsOutOnlyHttpsAndTheDatabasePort() {
        String own = EXAMPLE.replace(
                "      securityGroupIds: [sg-0a1b2c3d4e5f60718]\n",
                "      databaseSecurityGroupId: sg-0dbdbdbdbdbdbdbdb\n");
        Stack source = synth(own).sources().getFirst();
        JsonNode groups = JSON.valueToTree(Template.fromStack(source).findResources("AWS::EC2::SecurityGroup"));

        assertThat(groups).hasSize(1);
        JsonNode egress = groups.elements().next().at("/Properties/SecurityGroupEgress");
        assertThat(egress).hasSize(2);
        assertThat(egress.get(0).get("FromPort").asInt()).isEqualTo(443);
        assertThat(egress.get(1).get("FromPort").asInt()).isEqualTo(5432);
        assertThat(egress.get(1).get("DestinationSecurityGroupId").asText()).isEqualTo("sg-0dbdbdbdbdbdbdbdb");
        assertThat(groups.elements()
                        .next()
                        .at("/Properties/SecurityGroupIngress")
                        .isMissingNode())
                .isTrue();
        JsonNode rule = JSON.valueToTree(Template.fromStack(source).findResources("AWS::EC2::SecurityGroupIngress"))
                .elements()
                .next()
                .get("Properties");
        assertThat(rule.get("GroupId").asText()).isEqualTo("sg-0dbdbdbdbdbdbdbdb");
        assertThat(rule.at("/SourceSecurityGroupId/Fn::GetAtt/0").asText()).startsWith("DumpFunctionSecurityGroup");
    }
}
