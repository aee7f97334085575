package dev.lifeboat.protocol;

import static dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.ALLOW;
import static dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.EXPLICIT_DENY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Decision;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Request;
import org.junit.jupiter.api.Test;

/**
 * The organization's service control policy, evaluated as IAM does for principals of the backup account that
 * hold every permission of their own (an administrator, the root user, a compromised function's role).
 */
class OrganizationGuardTest {
    private static final String B = "222222222222";
    private static final String BREAK_GLASS = "arn:aws:iam::222222222222:role/break-glass";
    private static final String DEPLOY =
            "arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-central-1";
    private static final String ADMIN = "arn:aws:iam::222222222222:role/Administrator";
    private static final String ROOT = "arn:aws:iam::222222222222:root";
    private static final String COPY = "arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-20261126t0300z";
    private static final String KEY = "arn:aws:kms:eu-central-1:222222222222:key/1234";

    private static final JsonNode SCP = PolicyEvaluator.parse(
            Policies.compactDocument(Policies.organizationGuard(B, "acme-lifeboat-vault", BREAK_GLASS, DEPLOY)));
    private static final JsonNode EVERYTHING =
            PolicyEvaluator.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");

    private static Decision as(String principal, String action, String resource, String... context) {
        Request r = new Request(principal, action, resource);
        for (int i = 0; i < context.length; i += 2) {
            r = r.with(context[i], context[i + 1]);
        }
        return PolicyEvaluator.decide(
                r, PolicyEvaluator.Policies.identityOnly(B, EVERYTHING).withScps(SCP));
    }

    @Test
    void onlyRetentionDeletesACopy_notAnAdministrator_norTheRootUser() {
        assertThat(as(ADMIN, "rds:DeleteDBSnapshot", COPY)).isEqualTo(EXPLICIT_DENY);
        assertThat(as(ROOT, "rds:DeleteDBSnapshot", COPY)).isEqualTo(EXPLICIT_DENY);
        assertThat(as(Names.roleArn(B, Names.RESTORE_ROLE), "rds:DeleteDBSnapshot", COPY))
                .isEqualTo(EXPLICIT_DENY);
        assertThat(as(Names.roleArn(B, Names.PIPELINE_ROLE), "rds:DeleteDBSnapshot", COPY))
                .isEqualTo(ALLOW);
        assertThat(as(ADMIN, "rds:DeleteDBSnapshot", "arn:aws:rds:eu-central-1:222222222222:snapshot:other"))
                .as("snapshots that are not Lifeboat's are not its business")
                .isEqualTo(ALLOW);
    }

    @Test
    void onlyTheRestoreRoleSharesACopy_andNobodyRetagsOne() {
        assertThat(as(ADMIN, "rds:ModifyDBSnapshotAttribute", COPY)).isEqualTo(EXPLICIT_DENY);
        assertThat(as(Names.roleArn(B, Names.PIPELINE_ROLE), "rds:ModifyDBSnapshotAttribute", COPY))
                .isEqualTo(EXPLICIT_DENY);
        assertThat(as(Names.roleArn(B, Names.RESTORE_ROLE), "rds:ModifyDBSnapshotAttribute", COPY))
                .isEqualTo(ALLOW);
        assertThat(as(ADMIN, "rds:AddTagsToResource", COPY, "aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat"))
                .isEqualTo(EXPLICIT_DENY);
        assertThat(as(Names.roleArn(B, Names.PIPELINE_ROLE), "rds:AddTagsToResource", COPY))
                .as("tags at copy time: the new copy has none yet")
                .isEqualTo(ALLOW);
    }

    @Test
    void onlyTheDeployRoleChangesOrPassesTheRoles_andChangesTheFunctions() {
        String pipelineRole = Names.roleArn(B, Names.PIPELINE_ROLE);
        for (String action : new String[] {"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:PassRole"}) {
            assertThat(as(ADMIN, action, pipelineRole)).as(action).isEqualTo(EXPLICIT_DENY);
            assertThat(as(ADMIN, action, BREAK_GLASS)).as(action).isEqualTo(EXPLICIT_DENY);
            assertThat(as(DEPLOY, action, pipelineRole)).as(action).isEqualTo(ALLOW);
        }
        assertThat(as(ADMIN, "iam:CreateRole", BREAK_GLASS))
                .as("a deleted break-glass role cannot be recreated by someone else")
                .isEqualTo(EXPLICIT_DENY);
        String fn = "arn:aws:lambda:eu-central-1:222222222222:function:" + Names.SNAPSHOT_STEP_FUNCTION;
        assertThat(as(ADMIN, "lambda:UpdateFunctionCode", fn)).isEqualTo(EXPLICIT_DENY);
        assertThat(as(ADMIN, "lambda:PutFunctionConcurrency", fn)).isEqualTo(EXPLICIT_DENY);
        assertThat(as(
                        ADMIN,
                        "scheduler:DeleteSchedule",
                        "arn:aws:scheduler:eu-central-1:222222222222:schedule/default/lifeboat-orders-snapshot"))
                .isEqualTo(EXPLICIT_DENY);
        assertThat(as(DEPLOY, "lambda:UpdateFunctionCode", fn)).isEqualTo(ALLOW);
    }

    @Test
    void keysAndTheVault_changeOnlyByBreakGlass_signedInWithMfa() {
        for (String action : new String[] {"kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"}) {
            assertThat(as(ADMIN, action, KEY, "aws:MultiFactorAuthPresent", "true"))
                    .isEqualTo(EXPLICIT_DENY);
            assertThat(as(DEPLOY, action, KEY)).isEqualTo(EXPLICIT_DENY);
            assertThat(as(BREAK_GLASS, action, KEY)).as("no MFA").isEqualTo(EXPLICIT_DENY);
            assertThat(as(BREAK_GLASS, action, KEY, "aws:MultiFactorAuthPresent", "false"))
                    .isEqualTo(EXPLICIT_DENY);
            assertThat(as(BREAK_GLASS, action, KEY, "aws:MultiFactorAuthPresent", "true"))
                    .isEqualTo(ALLOW);
        }
        assertThat(as(ROOT, "s3:PutBucketPolicy", "arn:aws:s3:::acme-lifeboat-vault"))
                .isEqualTo(EXPLICIT_DENY);
        assertThat(as(
                        BREAK_GLASS,
                        "s3:PutBucketPolicy",
                        "arn:aws:s3:::acme-lifeboat-vault",
                        "aws:MultiFactorAuthPresent",
                        "true"))
                .isEqualTo(ALLOW);
    }

    @Test
    void theDocument_fitsTheScpSizeLimit() {
        // "Maximum size of a policy document: service control policies 5,120 characters"
        // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
        assertThat(Policies.compactDocument(
                                Policies.organizationGuard(
                                        B,
                                        "a-bucket-name-of-the-longest-length-s3-allows-which-is-sixty-three",
                                        "arn:aws:iam::222222222222:role/some/long/path/to/the-break-glass-role-of-this-org",
                                        "arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-ap-southeast-2"))
                        .length())
                .isLessThanOrEqualTo(5120);
    }
}
