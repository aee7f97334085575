package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.protocol.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 16: {@code sourceDeployment: stacksets}. One StackSet in the backup account carries the source accounts'
 * baseline; each account and Region gets a stack instance with its own databases and external ids; the role it
 * deploys has exactly the policy a per-account stack would give it (the template resolved with each instance's
 * parameters, compared with {@link Policies#sourceRole}); CDK stacks remain only where a dump function runs. The
 * template is left in target/stackset/ for scripts/test.sh's cfn-lint.
 */
class SourceStackSetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LifeboatConfig config;
    private static LifeboatApp.Stacks stacks;
    private static JsonNode stackSet;
    private static JsonNode body;

    @BeforeAll
    static void synth() throws Exception {
        config = ConfigLoader.parse(
                Files.readString(Path.of("../docs/lifeboat.example.yml")) + "\nsourceDeployment: stacksets\n",
                "lifeboat.yml");
        stacks = LifeboatApp.build(
                new App(), config, Path.of("..").toAbsolutePath().normalize());
        Map<String, Map<String, Object>> sets =
                Template.fromStack(stacks.sourceStackSet()).findResources("AWS::CloudFormation::StackSet");
        assertThat(sets).hasSize(1);
        stackSet = JSON.valueToTree(sets.values().iterator().next()).path("Properties");
        body = JSON.readTree(stackSet.path("TemplateBody").asText());
        Path out = Path.of("target", "stackset");
        Files.createDirectories(out);
        Files.writeString(out.resolve("lifeboat-source.template.json"), body.toPrettyString());
    }

    @Test
    void oneStackSet_selfManaged_anInstancePerSourceAccountAndRegion_withItsOwnDatabases() {
        assertThat(stackSet.path("PermissionModel").asText()).isEqualTo("SELF_MANAGED");
        assertThat(stackSet.path("Capabilities").toString()).contains("CAPABILITY_NAMED_IAM");
        JsonNode groups = stackSet.path("StackInstancesGroup");
        assertThat(groups).hasSize(2);
        Map<String, String> databases = new java.util.TreeMap<>();
        for (JsonNode g : groups) {
            String where = g.at("/DeploymentTargets/Accounts/0").asText() + "/"
                    + g.at("/Regions/0").asText();
            for (JsonNode p : g.path("ParameterOverrides")) {
                if (p.path("ParameterKey").asText().equals(SourceStackSetStack.DATABASE_ARNS)) {
                    databases.put(where, p.path("ParameterValue").asText());
                }
            }
        }
        assertThat(databases)
                .containsEntry("111111111111/eu-west-1", "arn:aws:rds:eu-west-1:111111111111:db:orders-prod")
                .containsEntry(
                        "111111111111/eu-central-1", "arn:aws:rds:eu-central-1:111111111111:cluster:ledger-aurora");
    }

    @Test
    void theTemplate_isSelfContained_andItsRoleHasThePolicyAStackWouldGive() {
        assertThat(body.path("Parameters")
                        .path(SourceStackSetStack.DATABASE_ARNS)
                        .path("Type")
                        .asText())
                .isEqualTo("CommaDelimitedList");
        assertThat(body.path("Parameters").has("BootstrapVersion"))
                .as("no CDK bootstrap rule")
                .isFalse();
        assertThat(body.toString()).doesNotContain("cdk-hnb659fds").doesNotContain("AssetParameters");
        List<String> types = new ArrayList<>();
        body.path("Resources").forEach(r -> types.add(r.path("Type").asText()));
        assertThat(types)
                .contains("AWS::IAM::Role", "AWS::KMS::Key", "AWS::Events::Rule")
                .doesNotContain("AWS::Lambda::Function");

        var orders = config.database("orders").source();
        List<String> arns = List.of("arn:aws:rds:eu-west-1:111111111111:db:orders-prod");
        JsonNode resolved = resolve(
                body,
                Map.of(
                        SourceStackSetStack.DATABASE_ARNS,
                        arns,
                        SourceStackSetStack.EXTERNAL_IDS,
                        List.of("lifeboat-orders")),
                orders.account(),
                orders.region());
        JsonNode policy = null;
        JsonNode role = null;
        for (JsonNode r : resolved.path("Resources")) {
            if (r.path("Type").asText().equals("AWS::IAM::Policy")
                    && r.at("/Properties/PolicyDocument").toString().contains("SnapshotTheDatabases")) {
                policy = r.at("/Properties/PolicyDocument");
            }
            if (r.path("Type").asText().equals("AWS::IAM::Role")
                    && r.at("/Properties/RoleName").isTextual()) {
                role = r;
            }
        }
        assertThat(policy).isNotNull();
        assertThat(bySid(policy))
                .isEqualTo(bySid(JSON.valueToTree(Iam.json(Policies.document(Policies.sourceRole(
                        orders.account(),
                        orders.region(),
                        arns,
                        config.backup().account(),
                        config.backup().kmsKeyArn()))))));
        assertThat(role.at("/Properties/RoleName").asText()).isEqualTo("lifeboat-source");
        assertThat(role.at("/Properties/AssumeRolePolicyDocument").toString())
                .contains("\"sts:ExternalId\":[\"lifeboat-orders\"]")
                .contains("arn:aws:iam::222222222222:root");
    }

    @Test
    void theBaseline_passesCdkNag_asASourceStackDoes() {
        var baseline = SourceStackSetStack.baselineStack(config);
        Template.fromStack(baseline);
        assertThat(software.amazon.awscdk.assertions.Annotations.fromStack(baseline)
                        .findError("*", software.amazon.awscdk.assertions.Match.stringLikeRegexp("AwsSolutions-.*")))
                .isEmpty();
    }

    @Test
    void cdkStacks_remainOnlyWhereADumpFunctionRuns_andHoldNoSecondRole() {
        assertThat(stacks.sources())
                .extracting(s -> s.getStackName())
                .containsExactly("LifeboatSource-111111111111-eu-west-1");
        Template source = Template.fromStack(stacks.sources().getFirst());
        assertThat(source.findResources("AWS::Lambda::Function")).hasSize(1);
        assertThat(source.toJSON().toString()).doesNotContain("LifeboatSourceRole");
    }

    @Test
    void withOrganizationalUnits_theStackSetIsServiceManaged_eachInstanceItsAccountWithinThem() throws Exception {
        LifeboatConfig org = ConfigLoader.parse(
                Files.readString(Path.of("../docs/lifeboat.example.yml"))
                        + "\nsourceDeployment: stacksets\nsourceOrganizationalUnitIds: [ou-ab12-cd34ef56]\n",
                "lifeboat.yml");
        JsonNode set = JSON.valueToTree(Template.fromStack(LifeboatApp.build(
                                        new App(),
                                        org,
                                        Path.of("..").toAbsolutePath().normalize())
                                .sourceStackSet())
                        .findResources("AWS::CloudFormation::StackSet")
                        .values()
                        .iterator()
                        .next())
                .path("Properties");
        assertThat(set.path("PermissionModel").asText()).isEqualTo("SERVICE_MANAGED");
        assertThat(set.path("CallAs").asText()).isEqualTo("DELEGATED_ADMIN");
        assertThat(set.at("/AutoDeployment/Enabled").asBoolean(true)).isFalse();
        for (JsonNode g : set.path("StackInstancesGroup")) {
            assertThat(g.at("/DeploymentTargets/AccountFilterType").asText()).isEqualTo("INTERSECTION");
            assertThat(g.at("/DeploymentTargets/OrganizationalUnitIds/0").asText())
                    .isEqualTo("ou-ab12-cd34ef56");
            assertThat(g.at("/DeploymentTargets/Accounts/0").asText()).isEqualTo("111111111111");
        }
        assertThatThrownBy(() -> ConfigLoader.parse(
                        Files.readString(Path.of("../docs/lifeboat.example.yml"))
                                + "\nsourceOrganizationalUnitIds: [ou-ab12-cd34ef56]\n",
                        "lifeboat.yml"))
                .hasMessageContaining("sourceOrganizationalUnitIds: only with sourceDeployment: stacksets");
    }

    @Test
    void differentRoleNamesAcrossAccounts_cannotShareOneTemplate() throws Exception {
        String yml = Files.readString(Path.of("../docs/lifeboat.example.yml"))
                        .replaceFirst("role/lifeboat-source", "role/lifeboat-source-eu")
                + "\nsourceDeployment: stacksets\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yml, "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sourceDeployment: stacksets deploys one template to every source account");
    }

    /** The template with CloudFormation's parameters, pseudo parameters, Fn::Join and Fn::GetAtt resolved. */
    private static JsonNode resolve(JsonNode n, Map<String, List<String>> params, String account, String region) {
        if (n.isObject()) {
            if (n.size() == 1 && n.has("Ref")) {
                String ref = n.get("Ref").asText();
                if (params.containsKey(ref)) {
                    ArrayNode a = JSON.createArrayNode();
                    params.get(ref).forEach(a::add);
                    return a;
                }
                return new TextNode(
                        switch (ref) {
                            case "AWS::AccountId" -> account;
                            case "AWS::Region" -> region;
                            case "AWS::Partition" -> "aws";
                            case "AWS::URLSuffix" -> "amazonaws.com";
                            default -> "arn:aws:" + ref;
                        });
            }
            if (n.size() == 1 && n.has("Fn::GetAtt")) {
                return new TextNode("arn:aws:" + n.get("Fn::GetAtt").get(0).asText());
            }
            if (n.size() == 1 && n.has("Fn::Join")) {
                StringBuilder out = new StringBuilder();
                JsonNode parts = n.get("Fn::Join").get(1);
                for (int i = 0; i < parts.size(); i++) {
                    out.append(i == 0 ? "" : n.get("Fn::Join").get(0).asText())
                            .append(resolve(parts.get(i), params, account, region)
                                    .asText());
                }
                return new TextNode(out.toString());
            }
            ObjectNode o = JSON.createObjectNode();
            n.properties().forEach(e -> o.set(e.getKey(), resolve(e.getValue(), params, account, region)));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JSON.createArrayNode();
            n.forEach(x -> a.add(resolve(x, params, account, region)));
            return a;
        }
        return n;
    }

    /** Statements by Sid, each list sorted and a scalar made a list (CDK writes one element as a scalar). */
    private static JsonNode bySid(JsonNode document) {
        ObjectNode out = JSON.createObjectNode();
        for (JsonNode st : document.path("Statement")) {
            ObjectNode s = JSON.createObjectNode();
            s.put("Effect", st.path("Effect").asText());
            for (String f : List.of("Action", "Resource")) {
                List<String> values = new ArrayList<>();
                JsonNode v = st.path(f);
                if (v.isArray()) {
                    v.forEach(x -> values.add(x.asText()));
                } else {
                    values.add(v.asText());
                }
                values.sort(null);
                ArrayNode a = JSON.createArrayNode();
                values.forEach(a::add);
                s.set(f, a);
            }
            if (st.has("Condition")) {
                s.set("Condition", st.get("Condition"));
            }
            out.set(st.path("Sid").asText(), s);
        }
        return out;
    }
}
