package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Decision;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, evaluated with the IAM evaluator over the policies the CDK app deploys: the source role describes a
 * database's shape and, to restore into its account, may recreate parameter, subnet and security groups that carry
 * {@code lifeboat:restore} from their creation; it may not change a single value or rule of anything production made.
 */
class ShapePoliciesTest {
    static final String PROD = "111111111111";
    static final String BACKUP = "222222222222";
    static final String SOURCE_ROLE = "arn:aws:iam::" + PROD + ":role/lifeboat-source";
    static final String RESTORE_ROLE = "arn:aws:iam::" + BACKUP + ":role/lifeboat-restore";
    static final String PG = "arn:aws:rds:eu-west-1:" + PROD + ":pg:";
    static final String SG = "arn:aws:ec2:eu-west-1:" + PROD + ":security-group/";

    private final JsonNode source = PolicyEvaluator.parse(Policies.document(Policies.sourceRole(
            PROD,
            "eu-west-1",
            List.of("arn:aws:rds:eu-west-1:" + PROD + ":db:orders-prod"),
            BACKUP,
            "arn:aws:kms:eu-central-1:" + BACKUP + ":key/backup")));
    private final JsonNode restore = PolicyEvaluator.parse(Policies.document(
            Policies.restoreRole(BACKUP, "arn:aws:kms:eu-central-1:" + BACKUP + ":key/backup", List.of(SOURCE_ROLE))));

    private Decision source(Request r) {
        return PolicyEvaluator.decide(r, PolicyEvaluator.Policies.identityOnly(PROD, source));
    }

    @Test
    void theSourceRole_describesTheWholeShape() {
        for (String action : List.of(
                "rds:DescribeDBInstances",
                "rds:DescribeDBParameters",
                "rds:DescribeDBParameterGroups",
                "rds:DescribeDBClusterParameters",
                "rds:DescribeOptionGroups",
                "rds:DescribeDBSubnetGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups")) {
            assertThat(source(new Request(SOURCE_ROLE, action, "*"))).as(action).isEqualTo(Decision.ALLOW);
        }
    }

    @Test
    void aParameterGroup_isMadeTaggedAndFilled_butProductionsOwnGroupsStayAsTheyAre() {
        String made = PG + "orders-pg16-lifeboat-20261126";
        assertThat(source(new Request(SOURCE_ROLE, "rds:CreateDBParameterGroup", made)
                        .with("aws:TagKeys", "lifeboat:restore", "lifeboat:managed-by")))
                .isEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "rds:AddTagsToResource", made)
                        .with("aws:TagKeys", "lifeboat:restore")))
                .isEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "rds:ModifyDBParameterGroup", made)
                        .with("aws:ResourceTag/lifeboat:restore", "orders-restored")))
                .isEqualTo(Decision.ALLOW);

        // Production's group, by name or by a planted name without the tag: not a value changes.
        assertThat(source(new Request(SOURCE_ROLE, "rds:ModifyDBParameterGroup", PG + "orders-pg16")))
                .isNotEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "rds:ModifyDBParameterGroup", PG + "orders-pg16-lifeboat-x")))
                .isNotEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "rds:CreateDBParameterGroup", PG + "orders-pg16")))
                .isNotEqualTo(Decision.ALLOW);
        // Nor is a group tagged with production's keys.
        assertThat(source(new Request(SOURCE_ROLE, "rds:AddTagsToResource", made).with("aws:TagKeys", "team")))
                .isNotEqualTo(Decision.ALLOW);
    }

    @Test
    void securityGroups_areMadeWithTheirTag_andOnlyThoseGetRules() {
        String any = SG + "*";
        assertThat(source(new Request(SOURCE_ROLE, "ec2:CreateSecurityGroup", any)
                        .with("aws:RequestTag/lifeboat:restore", "orders-restored")))
                .isEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "ec2:CreateSecurityGroup", any)))
                .as("an untagged group could not be told from production's")
                .isNotEqualTo(Decision.ALLOW);
        assertThat(source(new Request(
                        SOURCE_ROLE, "ec2:CreateSecurityGroup", "arn:aws:ec2:eu-west-1:" + PROD + ":vpc/vpc-1")))
                .isEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "ec2:CreateTags", SG + "sg-new")
                        .with("ec2:CreateAction", "CreateSecurityGroup")))
                .isEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "ec2:CreateTags", SG + "sg-0prod")))
                .as("tagging an existing group would make it ours")
                .isNotEqualTo(Decision.ALLOW);
        assertThat(source(new Request(SOURCE_ROLE, "ec2:AuthorizeSecurityGroupIngress", SG + "sg-new")
                        .with("aws:ResourceTag/lifeboat:restore", "orders-restored")))
                .isEqualTo(Decision.ALLOW);
        for (String action : List.of(
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:AuthorizeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupEgress")) {
            assertThat(source(new Request(SOURCE_ROLE, action, SG + "sg-0prod")))
                    .as(action + " on production's group")
                    .isNotEqualTo(Decision.ALLOW);
        }
    }

    @Test
    void theRestoreRole_mayDoTheSameInTheBackupAccount_only() {
        String pg = "arn:aws:rds:eu-central-1:" + BACKUP + ":pg:orders-pg16-lifeboat-20261126";
        assertThat(PolicyEvaluator.decide(
                        new Request(RESTORE_ROLE, "rds:CreateDBParameterGroup", pg)
                                .with("aws:TagKeys", "lifeboat:restore"),
                        PolicyEvaluator.Policies.identityOnly(BACKUP, restore)))
                .isEqualTo(Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(
                        new Request(RESTORE_ROLE, "rds:CreateDBParameterGroup", PG + "orders-pg16-lifeboat-20261126")
                                .with("aws:TagKeys", "lifeboat:restore"),
                        PolicyEvaluator.Policies.identityOnly(PROD, restore)))
                .as("in a source account it goes through the source role")
                .isNotEqualTo(Decision.ALLOW);
    }
}
