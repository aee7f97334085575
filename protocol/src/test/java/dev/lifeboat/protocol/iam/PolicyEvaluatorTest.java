package dev.lifeboat.protocol.iam;

import static dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.ALLOW;
import static dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.EXPLICIT_DENY;
import static dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.IMPLICIT_DENY;
import static dev.lifeboat.protocol.iam.PolicyEvaluator.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Policies;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluator against the cases the IAM and KMS documentation spells out (cited in PolicyEvaluator). */
class PolicyEvaluatorTest {
    private static final String ROLE_A = "arn:aws:iam::111111111111:role/app";
    private static final String KEY_B = "arn:aws:kms:eu-west-1:222222222222:key/k";

    private static JsonNode allow(String action, String resource) {
        return parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"" + resource
                + "\"}]}");
    }

    @Test
    void sameAccount_anIdentityAllowSuffices_actionsIgnoreCase_resourcesDoNot() {
        Policies p = Policies.identityOnly("111111111111", allow("s3:getobject", "arn:aws:s3:::b/*"));
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "s3:GetObject", "arn:aws:s3:::b/k"), p))
                .isEqualTo(ALLOW);
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "s3:GetObject", "arn:aws:s3:::B/k"), p))
                .isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "s3:PutObject", "arn:aws:s3:::b/k"), p))
                .isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void crossAccount_needsTheIdentityPolicy_andTheResourcePolicy() {
        JsonNode bucketPolicy = parse(
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},"
                        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}");
        Request r = new Request(ROLE_A, "s3:GetObject", "arn:aws:s3:::b/k");
        assertThat(PolicyEvaluator.decide(r, new Policies(List.of(), List.of(), bucketPolicy, "222222222222", false)))
                .isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(
                        r, new Policies(List.of(), List.of(allow("s3:*", "*")), bucketPolicy, "222222222222", false)))
                .isEqualTo(ALLOW);
        assertThat(PolicyEvaluator.decide(
                        r, new Policies(List.of(), List.of(allow("s3:*", "*")), null, "222222222222", false)))
                .isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void aPolicyVariable_takesTheRequestsValue_andOneWithoutAValue_matchesNothing() {
        // The documented use: each account writes only under its own account id
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
        JsonNode bucketPolicy = parse(
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                        + "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::b/${aws:PrincipalAccount}/*\","
                        + "\"Condition\":{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::${aws:PrincipalAccount}:role/a*\"}}}]}");
        Policies p = new Policies(List.of(), List.of(allow("s3:*", "*")), bucketPolicy, "222222222222", false);
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "s3:PutObject", "arn:aws:s3:::b/111111111111/k"), p))
                .isEqualTo(ALLOW);
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "s3:PutObject", "arn:aws:s3:::b/333333333333/k"), p))
                .isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(
                        new Request(ROLE_A, "s3:PutObject", "arn:aws:s3:::b/${aws:PrincipalAccount}/k"), p))
                .as("the variable is not a literal a request could name")
                .isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(
                        new Request(
                                "arn:aws:iam::111111111111:role/other",
                                "s3:PutObject",
                                "arn:aws:s3:::b/111111111111/k"),
                        p))
                .isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.substituted("x/${aws:SourceVpc}/y", new Request(ROLE_A, "s3:GetObject", "x")))
                .as("no value: no match")
                .isNull();
    }

    @Test
    void aKeyPolicy_isRequired_evenInTheKeysAccount_andDelegatesOnlyThroughTheRoot() {
        Request r = new Request("arn:aws:iam::222222222222:role/r", "kms:Decrypt", KEY_B);
        JsonNode noRoot = parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::222222222222:role/other\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
        JsonNode root = parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::222222222222:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
        List<JsonNode> identity = List.of(allow("kms:Decrypt", KEY_B));
        assertThat(PolicyEvaluator.decide(r, new Policies(List.of(), identity, noRoot, "222222222222", true)))
                .isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(r, new Policies(List.of(), identity, root, "222222222222", true)))
                .isEqualTo(ALLOW);
        assertThat(PolicyEvaluator.decide(r, new Policies(List.of(), List.of(), root, "222222222222", true)))
                .isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void anExplicitDeny_winsOverEveryAllow_andAnScpMustAllow() {
        JsonNode scp = parse("{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"rds:DeleteDBSnapshot\","
                + "\"Resource\":\"*\",\"Condition\":{\"ArnNotLike\":{\"aws:PrincipalArn\":"
                + "\"arn:aws:iam::*:role/retention\"}}}]}");
        Policies p = Policies.identityOnly("111111111111", allow("rds:*", "*")).withScps(scp);
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "rds:DeleteDBSnapshot", "arn:aws:rds:x"), p))
                .isEqualTo(EXPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(
                        new Request(
                                "arn:aws:iam::111111111111:role/retention", "rds:DeleteDBSnapshot", "arn:aws:rds:x"),
                        p))
                .isEqualTo(ALLOW);
        Policies noFullAccess = new Policies(List.of(scp), List.of(allow("rds:*", "*")), null, "111111111111", false);
        assertThat(PolicyEvaluator.decide(new Request(ROLE_A, "rds:DescribeDBSnapshots", "*"), noFullAccess))
                .isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void missingKeys_failPositiveOperators_passNegatedOnes_ifExists_andForAllValues() {
        assertThat(PolicyEvaluator.holds("StringEquals", null, List.of("x"))).isFalse();
        assertThat(PolicyEvaluator.holds("StringNotEquals", null, List.of("x"))).isTrue();
        assertThat(PolicyEvaluator.holds("ArnNotLike", null, List.of("arn:*"))).isTrue();
        assertThat(PolicyEvaluator.holds("BoolIfExists", null, List.of("false")))
                .isTrue();
        assertThat(PolicyEvaluator.holds("Bool", null, List.of("false"))).isFalse();
        assertThat(PolicyEvaluator.holds("ForAllValues:StringEquals", null, List.of("a")))
                .isTrue();
        assertThat(PolicyEvaluator.holds("ForAnyValue:StringEquals", null, List.of("a")))
                .isFalse();
        assertThat(PolicyEvaluator.holds("ForAllValues:StringEquals", List.of("a", "b"), List.of("a")))
                .isFalse();
        assertThat(PolicyEvaluator.holds("ForAnyValue:StringEquals", List.of("a", "b"), List.of("a")))
                .isTrue();
        assertThat(PolicyEvaluator.holds("Null", null, List.of("true"))).isTrue();
        assertThat(PolicyEvaluator.holds("Null", List.of("v"), List.of("true"))).isFalse();
        assertThat(PolicyEvaluator.holds("StringLike", List.of("lifeboat-orders"), List.of("lifeboat-*")))
                .isTrue();
        assertThatThrownBy(() -> PolicyEvaluator.holds("DateLessThan", List.of("x"), List.of("y")))
                .hasMessageContaining("not modelled");
    }

    @Test
    void conditionKeys_areCaseInsensitive_andAllKeysMustHold() {
        JsonNode p = parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:CreateGrant\",\"Resource\":\"*\","
                + "\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"},"
                + "\"StringEquals\":{\"kms:ViaService\":\"rds.eu-west-1.amazonaws.com\"}}}]}");
        Request r = new Request(ROLE_A, "kms:CreateGrant", KEY_B).with("KMS:GRANTISFORAWSRESOURCE", "true");
        Policies pol = Policies.identityOnly("111111111111", p);
        assertThat(PolicyEvaluator.decide(r, pol)).isEqualTo(IMPLICIT_DENY);
        assertThat(PolicyEvaluator.decide(r.with("kms:ViaService", "rds.eu-west-1.amazonaws.com"), pol))
                .isEqualTo(ALLOW);
    }

    @Test
    void servicePrincipals_areAllowedOnlyByTheResourcePolicy() {
        JsonNode topic = parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                + "\"cloudwatch.amazonaws.com\"},\"Action\":\"sns:Publish\",\"Resource\":\"*\"}]}");
        Policies p = new Policies(List.of(), List.of(), topic, "111111111111", false);
        assertThat(PolicyEvaluator.decide(new Request("cloudwatch.amazonaws.com", "sns:Publish", "arn:t"), p))
                .isEqualTo(ALLOW);
        assertThat(PolicyEvaluator.decide(new Request("events.amazonaws.com", "sns:Publish", "arn:t"), p))
                .isEqualTo(IMPLICIT_DENY);
    }
}
