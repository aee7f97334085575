package dev.lifeboat.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * The policies of a synthesized template as plain documents, for {@code PolicyEvaluator}: the intrinsic
 * functions CloudFormation would resolve are resolved here ({@code Ref} of the pseudo parameters and of the
 * stack's resources, {@code Fn::GetAtt}, {@code Fn::Join}); a resource of the stack becomes the stand-in ARN
 * {@code arn:aws:<logical id>}, the same wherever it is referred to.
 */
final class TemplatePolicies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode resources;
    private final String account;
    private final String region;

    TemplatePolicies(Stack stack) {
        this.resources = JSON.valueToTree(Template.fromStack(stack).toJSON().get("Resources"));
        this.account = stack.getAccount();
        this.region = stack.getRegion();
    }

    /** The stand-in ARN of a resource of the stack. */
    static String arnOf(String logicalId) {
        return "arn:aws:" + logicalId;
    }

    /** The first resource of {@code type}, its logical id. */
    String first(String type) {
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            if (type.equals(e.getValue().path("Type").asText())) {
                return e.getKey();
            }
        }
        throw new AssertionError("no " + type + " in the template");
    }

    /** The policy document of the resource policy attached to {@code target} ({@code policyType}, its list property). */
    JsonNode resourcePolicy(String policyType, String listProperty, String documentProperty, String target) {
        ArrayNode statements = JSON.createArrayNode();
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            JsonNode r = e.getValue();
            if (!policyType.equals(r.path("Type").asText())) {
                continue;
            }
            for (JsonNode t : r.path("Properties").path(listProperty)) {
                if (target.equals(t.path("Ref").asText())) {
                    resolve(r.path("Properties").path(documentProperty).path("Statement"))
                            .forEach(statements::add);
                }
            }
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.set("Statement", statements);
        return doc;
    }

    /** The logical id of the role named {@code roleName} (the fixed names of {@code Names}). */
    String roleNamed(String roleName) {
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            JsonNode r = e.getValue();
            if ("AWS::IAM::Role".equals(r.path("Type").asText())
                    && roleName.equals(r.path("Properties").path("RoleName").asText())) {
                return e.getKey();
            }
        }
        throw new AssertionError("no role named " + roleName);
    }

    /** Every identity policy of the role {@code roleLogicalId}, its managed and inline policies, as one document. */
    JsonNode identity(String roleLogicalId) {
        ArrayNode statements = JSON.createArrayNode();
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            JsonNode r = e.getValue();
            if (!"AWS::IAM::Policy".equals(r.path("Type").asText())) {
                continue;
            }
            for (JsonNode role : r.path("Properties").path("Roles")) {
                if (roleLogicalId.equals(role.path("Ref").asText())) {
                    resolve(r.path("Properties").path("PolicyDocument").path("Statement"))
                            .forEach(statements::add);
                }
            }
        }
        resolve(resources.path(roleLogicalId).path("Properties").path("Policies"))
                .forEach(p -> p.path("PolicyDocument").path("Statement").forEach(statements::add));
        // Customer managed policies of this stack that the role names (a policy too large to be inline, Iam.attach).
        for (JsonNode arn : resources.path(roleLogicalId).path("Properties").path("ManagedPolicyArns")) {
            JsonNode managed = resources.path(arn.path("Ref").asText());
            if ("AWS::IAM::ManagedPolicy".equals(managed.path("Type").asText())) {
                resolve(managed.path("Properties").path("PolicyDocument").path("Statement"))
                        .forEach(statements::add);
            }
        }
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            JsonNode r = e.getValue();
            if ("AWS::IAM::ManagedPolicy".equals(r.path("Type").asText())) {
                for (JsonNode role : r.path("Properties").path("Roles")) {
                    if (roleLogicalId.equals(role.path("Ref").asText())) {
                        resolve(r.path("Properties").path("PolicyDocument").path("Statement"))
                                .forEach(statements::add);
                    }
                }
            }
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.set("Statement", statements);
        return doc;
    }

    /** A document with every intrinsic resolved. */
    JsonNode resolve(JsonNode n) {
        if (n.isObject()) {
            if (n.size() == 1 && n.has("Ref")) {
                String ref = n.get("Ref").asText();
                return new TextNode(
                        switch (ref) {
                            case "AWS::Partition" -> "aws";
                            case "AWS::AccountId" -> account;
                            case "AWS::Region" -> region;
                            case "AWS::URLSuffix" -> "amazonaws.com";
                            default -> arnOf(ref);
                        });
            }
            if (n.size() == 1 && n.has("Fn::GetAtt")) {
                return new TextNode(arnOf(n.get("Fn::GetAtt").get(0).asText()));
            }
            if (n.size() == 1 && n.has("Fn::Join")) {
                StringBuilder out = new StringBuilder();
                String sep = n.get("Fn::Join").get(0).asText();
                JsonNode parts = n.get("Fn::Join").get(1);
                for (int i = 0; i < parts.size(); i++) {
                    out.append(i == 0 ? "" : sep).append(resolve(parts.get(i)).asText());
                }
                return new TextNode(out.toString());
            }
            ObjectNode o = JSON.createObjectNode();
            n.properties().forEach(e -> o.set(e.getKey(), resolve(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JSON.createArrayNode();
            n.forEach(x -> a.add(resolve(x)));
            return a;
        }
        return n;
    }
}
