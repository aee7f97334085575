package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    private final JsonNode doc = read(Policies.document(
            Policies.restoreRole("222222222222", "arn:aws:kms:eu-central-1:222222222222:key/backup", List.of())));

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> allowedActions() {
        List<String> actions = new ArrayList<>();
        doc.get("Statement").forEach(s -> {
            if ("Allow".equals(s.get("Effect").asText())) {
                s.get("Action").forEach(a -> actions.add(a.asText()));
            }
        });
        return actions;
    }

    @Test
    void theRestoreRole_canRestoreAndCopy_butNeverDeleteOrModifyADatabase() {
        assertThat(allowedActions())
                .contains(
                        "rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBClusterFromSnapshot", "rds:CopyDBSnapshot")
                .noneMatch(a -> a.contains("Delete"))
                .noneMatch(a -> a.equals("rds:ModifyDBInstance") || a.equals("rds:ModifyDBCluster"))
                .noneMatch(a -> a.contains("*") && !a.startsWith("kms:ReEncrypt"));
    }

    @Test
    void wildcardResources_onlyGoWithReadOnlyActions() {
        doc.get("Statement").forEach(s -> {
            boolean anyResource = false;
            for (JsonNode r : s.get("Resource")) {
                anyResource |= r.asText().equals("*");
            }
            if (anyResource) {
                s.get("Action").forEach(a -> assertThat(a.asText()).matches("(rds|ec2):(Describe|List).*"));
            }
        });
    }

    @Test
    void theVerificationRole_deletesOnlyTaggedVerificationInstances() {
        JsonNode v = read(Policies.document(Policies.verificationRole(
                "222222222222", "eu-central-1", "arn:aws:kms:eu-central-1:222222222222:key/backup")));
        v.get("Statement").forEach(s -> {
            boolean deletes = false;
            for (JsonNode a : s.get("Action")) {
                deletes |= a.asText().startsWith("rds:Delete") || a.asText().startsWith("rds:Modify");
            }
            if (deletes && s.get("Sid").asText().startsWith("ModifyAndDelete")) {
                assertThat(s.at("/Condition/Null/aws:ResourceTag~1lifeboat:verification")
                                .asText())
                        .isEqualTo("false");
                s.get("Resource").forEach(r -> assertThat(r.asText()).contains(":lifeboat-verify-"));
            } else if (deletes) {
                s.get("Action")
                        .forEach(a -> assertThat(a.asText())
                                .doesNotStartWith("rds:Delete")
                                .isNotIn("rds:ModifyDBInstance", "rds:ModifyDBCluster"));
            }
        });
    }

    @Test
    void theDocumentIsWhatIamReads() {
        assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(doc.get("Statement")).hasSize(17);
        assertThat(read(Policies.document(Policies.restoreRole(
                                "222222222222",
                                "arn:aws:kms:eu-central-1:222222222222:key/backup",
                                List.of("arn:aws:iam::111111111111:role/lifeboat-source"))))
                        .get("Statement"))
                .anySatisfy(st -> {
                    assertThat(st.get("Action").toString()).isEqualTo("[\"sts:AssumeRole\"]");
                    assertThat(st.get("Resource").toString())
                            .isEqualTo("[\"arn:aws:iam::111111111111:role/lifeboat-source\"]");
                });
    }

    private static final String KEY = "arn:aws:kms:eu-central-1:222222222222:key/backup";

    /** Every policy Lifeboat deploys, by name. */
    private static Map<String, JsonNode> everyPolicy() {
        return Map.of(
                "restore", read(Policies.document(Policies.restoreRole("222222222222", KEY, List.of("arn:r")))),
                "verification", read(Policies.document(Policies.verificationRole("222222222222", "eu-central-1", KEY))),
                "pipeline",
                        read(Policies.document(Policies.snapshotPipelineRole("222222222222", KEY, List.of("arn:r")))),
                "source",
                        read(Policies.document(Policies.sourceRole(
                                "111111111111",
                                "eu-west-1",
                                List.of("arn:aws:rds:eu-west-1:111111111111:db:orders-prod"),
                                "222222222222",
                                KEY))),
                "dump",
                        read(Policies.document(Policies.dumpRole(
                                List.of("arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders"),
                                "vault",
                                List.of("lifeboat/dumps/orders/"),
                                KEY,
                                "eu-central-1"))));
    }

    @Test
    void noPolicy_grantsAnActionThatDeletesTagsOrChanges_onEveryResourceOrEveryAccount() {
        everyPolicy()
                .forEach((name, policy) -> policy.get("Statement").forEach(st -> {
                    if (!st.get("Effect").asText().equals("Allow")) {
                        return;
                    }
                    boolean wide = false;
                    for (JsonNode r : st.get("Resource")) {
                        String[] arn = r.asText().split(":", 6);
                        wide |= r.asText().equals("*") || (arn.length == 6 && arn[4].equals("*"));
                    }
                    if (wide) {
                        st.get("Action")
                                .forEach(a -> assertThat(
                                                a.asText().substring(a.asText().indexOf(':') + 1))
                                        .as(name + " " + st.get("Sid").asText())
                                        .doesNotContainPattern(
                                                "^(Delete|Modify|Put|AddTags|RemoveTags|TagResource|UntagResource)"));
                    }
                }));
    }

    /** Issue 15, item 1: the pipeline role could use only the backup key, so every encrypted copy in failed. */
    @Test
    void thePipeline_mayUseTheShareAndStagingKeysItsCopiesPassThrough_grantingOnlyForAwsResources() {
        String share = "arn:aws:kms:eu-west-1:111111111111:key/share";
        String staging = "arn:aws:kms:eu-west-1:222222222222:key/staging";
        JsonNode pipeline = read(Policies.document(Policies.snapshotPipelineRole(
                "222222222222",
                KEY,
                List.of("arn:aws:iam::111111111111:role/lifeboat-source"),
                List.of(share, staging))));
        List<String> decryptable = new ArrayList<>();
        pipeline.get("Statement").forEach(st -> {
            if (st.get("Action").toString().contains("kms:Decrypt")) {
                st.get("Resource").forEach(r -> decryptable.add(r.asText()));
            }
            if (st.get("Action").toString().contains("kms:CreateGrant")) {
                assertThat(st.at("/Condition/Bool/kms:GrantIsForAWSResource").asText())
                        .isEqualTo("true");
            }
        });
        assertThat(decryptable).contains(KEY, share, staging);
    }

    @Test
    void thePipeline_copiesOnlyFromTheSourceAccountsAndItsOwn() {
        JsonNode pipeline = read(Policies.document(Policies.snapshotPipelineRole(
                "222222222222", KEY, List.of("arn:aws:iam::111111111111:role/lifeboat-source"))));
        pipeline.get("Statement").forEach(st -> {
            if (st.get("Sid").asText().equals("CopyIn")) {
                assertThat(st.get("Resource"))
                        .extracting(JsonNode::asText)
                        .containsExactly(
                                "arn:aws:rds:*:111111111111:*snapshot:*", "arn:aws:rds:*:222222222222:*snapshot:*");
            }
        });
        var own = dev.lifeboat.protocol.iam.PolicyEvaluator.Policies.identityOnly("222222222222", pipeline);
        String role = "arn:aws:iam::222222222222:role/lifeboat-snapshot-pipeline";
        for (String from : List.of(
                "arn:aws:rds:eu-west-1:111111111111:snapshot:lifeboat-orders-20261126-0300",
                "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:lifeboat-ledger-20261126-0300",
                "arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-20261126-0300-staging")) {
            assertThat(dev.lifeboat.protocol.iam.PolicyEvaluator.decide(
                            new dev.lifeboat.protocol.iam.PolicyEvaluator.Request(role, "rds:CopyDBSnapshot", from),
                            own))
                    .as(from)
                    .isEqualTo(dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.ALLOW);
        }
        for (String from : List.of(
                "arn:aws:rds:eu-west-1:333333333333:snapshot:lifeboat-orders-20261126-0300",
                "arn:aws:rds:eu-west-1:111111111111:db:orders-prod")) {
            assertThat(dev.lifeboat.protocol.iam.PolicyEvaluator.decide(
                            new dev.lifeboat.protocol.iam.PolicyEvaluator.Request(role, "rds:CopyDBSnapshot", from),
                            own))
                    .as(from)
                    .isNotEqualTo(dev.lifeboat.protocol.iam.PolicyEvaluator.Decision.ALLOW);
        }
    }

    @Test
    void aFleetsManyKeys_areNamedByAccount_fewAreListed() {
        List<String> few =
                List.of("arn:aws:kms:eu-west-1:111111111111:key/a", "arn:aws:kms:eu-west-1:111111111111:key/b");
        assertThat(Policies.keysOfAFleet(few)).isEqualTo(few);
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add("arn:aws:kms:eu-west-1:" + (i % 2 == 0 ? "111111111111" : "333333333333") + ":key/k" + i);
        }
        assertThat(Policies.keysOfAFleet(many))
                .containsExactly("arn:aws:kms:*:111111111111:key/*", "arn:aws:kms:*:333333333333:key/*");
    }

    @Test
    void theSourceRole_deletesOnlyTaggedLifeboatSnapshots_andNoDatabase_andHasNoS3() {
        JsonNode source = everyPolicy().get("source");
        List<String> actions = new ArrayList<>();
        source.get("Statement").forEach(st -> st.get("Action").forEach(a -> actions.add(a.asText())));
        // Keys only through RDS (or grants only for RDS), never their administration.
        source.get("Statement").forEach(st -> {
            if (st.get("Action").toString().contains("kms:")
                    && !st.get("Action").toString().equals("[\"kms:DescribeKey\"]")) {
                assertThat(st.at("/Condition/StringLike/kms:ViaService").asText()
                                + st.at("/Condition/Bool/kms:GrantIsForAWSResource")
                                        .asText())
                        .isIn("rds.*.amazonaws.com", "true");
            }
        });
        assertThat(actions)
                .noneMatch(a -> a.startsWith("s3:"))
                .noneMatch(
                        a -> a.startsWith("kms:") && !KeyPolicies.RDS_USE.contains(a) && !a.equals("kms:CreateGrant"))
                .noneMatch(a -> a.equals("rds:DeleteDBInstance") || a.equals("rds:DeleteDBCluster"))
                // Parameter groups: only those a restore made, tagged lifeboat:restore (ShapePoliciesTest).
                .noneMatch(a -> a.startsWith("rds:ModifyDB")
                        && !a.contains("SnapshotAttribute")
                        && !a.endsWith("ParameterGroup"));
        source.get("Statement").forEach(st -> {
            if (st.get("Action").toString().contains("Delete")) {
                assertThat(st.at("/Condition/StringEquals/aws:ResourceTag~1lifeboat:managed-by")
                                .asText())
                        .isEqualTo("lifeboat");
                st.get("Resource").forEach(r -> assertThat(r.asText()).contains("snapshot:lifeboat-"));
            }
        });
    }

    @Test
    void keyGrants_areOnlyForAwsResources_andOnlyTheRestoreRoleMayShareCopiesOut() {
        everyPolicy()
                .forEach((name, policy) -> policy.get("Statement").forEach(st -> {
                    if (st.get("Action").toString().contains("kms:CreateGrant")) {
                        assertThat(st.at("/Condition/Bool/kms:GrantIsForAWSResource")
                                        .asText())
                                .as(name)
                                .isEqualTo("true");
                    }
                    if (!name.equals("restore") && !name.equals("source")) {
                        assertThat(st.get("Action").toString())
                                .as(name)
                                .doesNotContain("rds:ModifyDBSnapshotAttribute")
                                .doesNotContain("rds:ModifyDBClusterSnapshotAttribute");
                    }
                }));
    }

    @Test
    void theDumpRole_writesOnlyUnderItsDatabasesPrefixes_andUsesTheKeyOnlyThroughS3() {
        everyPolicy().get("dump").get("Statement").forEach(st -> {
            if (st.get("Action").toString().contains("s3:PutObject")) {
                assertThat(st.get("Resource"))
                        .extracting(JsonNode::asText)
                        .containsExactly("arn:aws:s3:::vault/lifeboat/dumps/orders/*");
            }
            if (st.get("Action").toString().contains("kms:")) {
                assertThat(st.at("/Condition/StringEquals/kms:ViaService").asText())
                        .isEqualTo("s3.eu-central-1.amazonaws.com");
            }
        });
    }

    @Test
    void theDumpRole_addsToTheVault_butDeletesNothing_andAdministersNothing() {
        List<String> actions = new ArrayList<>();
        everyPolicy()
                .get("dump")
                .get("Statement")
                .forEach(st -> st.get("Action").forEach(a -> actions.add(a.asText())));
        assertThat(actions)
                .contains("s3:PutObject", "secretsmanager:GetSecretValue")
                .noneMatch(a -> a.contains("Delete"))
                .noneMatch(a -> a.startsWith("s3:PutBucket") || a.startsWith("kms:Create") || a.startsWith("kms:Put"));
    }

    /** Issue 11: tags go on a copy when it is made; no function may re-date, re-own or un-mark one later. */
    @Test
    void noRole_retagsALifeboatSnapshot_butThePipelineTagsItsNewCopiesWithLifeboatKeysOnly() {
        String copy = "arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-20261126t0300z";
        Map<String, String> roles = Map.of(
                "restore", "arn:aws:iam::222222222222:role/lifeboat-restore",
                "verification", "arn:aws:iam::222222222222:role/lifeboat-verification",
                "pipeline", "arn:aws:iam::222222222222:role/lifeboat-snapshot-pipeline");
        roles.forEach((name, arn) -> {
            PolicyEvaluator.Policies p = PolicyEvaluator.Policies.identityOnly(
                    "222222222222", everyPolicy().get(name));
            for (String action : List.of("rds:AddTagsToResource", "rds:RemoveTagsFromResource")) {
                assertThat(PolicyEvaluator.decide(
                                new Request(arn, action, copy)
                                        .with("aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat")
                                        .with("aws:TagKeys", Tags.SOURCE_SNAPSHOT_TIME),
                                p))
                        .as(name + " " + action + " on an existing copy")
                        .isEqualTo(PolicyEvaluator.Decision.EXPLICIT_DENY);
            }
        });
        PolicyEvaluator.Policies pipeline = PolicyEvaluator.Policies.identityOnly(
                "222222222222", everyPolicy().get("pipeline"));
        Request atCopyTime = new Request(roles.get("pipeline"), "rds:AddTagsToResource", copy)
                .with("aws:TagKeys", Tags.MANAGED_BY, Tags.DATABASE, Tags.RUN);
        assertThat(PolicyEvaluator.decide(atCopyTime, pipeline)).isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(atCopyTime.with("aws:TagKeys", Tags.MANAGED_BY, "owner"), pipeline))
                .as("a key that is not Lifeboat's")
                .isEqualTo(PolicyEvaluator.Decision.IMPLICIT_DENY);
    }

    /**
     * Issue 37, item 7: a snapshot of the backup account not yet marked as Lifeboat's (a foreign one, or one a role
     * made itself) could be marked as a database's backup copy by the restore or verification role, and count as
     * fresh. Only the pipeline may set lifeboat:role; the restore role still tags what it makes, without it.
     */
    @Test
    void onlyThePipeline_marksASnapshotAsABackupCopy() {
        String foreign = "arn:aws:rds:eu-central-1:222222222222:snapshot:someone-elses";
        for (String name : List.of("restore", "verification")) {
            PolicyEvaluator.Policies p = PolicyEvaluator.Policies.identityOnly(
                    "222222222222", everyPolicy().get(name));
            String arn = "arn:aws:iam::222222222222:role/lifeboat-" + name;
            assertThat(PolicyEvaluator.decide(
                            new Request(arn, "rds:AddTagsToResource", foreign)
                                    .with("aws:TagKeys", Tags.MANAGED_BY, Tags.DATABASE, Tags.ROLE)
                                    .with("aws:RequestTag/" + Tags.ROLE, "backup"),
                            p))
                    .as(name + " marking a snapshot as a backup copy")
                    .isEqualTo(PolicyEvaluator.Decision.EXPLICIT_DENY);
        }
        PolicyEvaluator.Policies restore = PolicyEvaluator.Policies.identityOnly(
                "222222222222", everyPolicy().get("restore"));
        assertThat(PolicyEvaluator.decide(
                        new Request(
                                        "arn:aws:iam::222222222222:role/lifeboat-restore",
                                        "rds:AddTagsToResource",
                                        "arn:aws:rds:eu-west-1:222222222222:snapshot:lifeboat-restore-orders-20261126")
                                .with("aws:TagKeys", Tags.MANAGED_BY, Tags.DATABASE)
                                .with("aws:RequestTag/" + Tags.MANAGED_BY, "lifeboat"),
                        restore))
                .as("its own copy to restore elsewhere, tagged without lifeboat:role")
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        PolicyEvaluator.Policies pipeline = PolicyEvaluator.Policies.identityOnly(
                "222222222222", everyPolicy().get("pipeline"));
        assertThat(PolicyEvaluator.decide(
                        new Request(
                                        "arn:aws:iam::222222222222:role/lifeboat-snapshot-pipeline",
                                        "rds:AddTagsToResource",
                                        "arn:aws:rds:eu-central-1:222222222222:snapshot:lifeboat-orders-20261126-0300")
                                .with("aws:TagKeys", Tags.MANAGED_BY, Tags.ROLE)
                                .with("aws:RequestTag/" + Tags.ROLE, "backup"),
                        pipeline))
                .as("the pipeline's new copy")
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    @Test
    void theSourceRole_neverRetagsItsLifeboatSnapshots_either() {
        String snap = "arn:aws:rds:eu-west-1:111111111111:snapshot:lifeboat-orders-share";
        PolicyEvaluator.Policies p = PolicyEvaluator.Policies.identityOnly(
                "111111111111", everyPolicy().get("source"));
        Request retag = new Request("arn:aws:iam::111111111111:role/lifeboat-source", "rds:AddTagsToResource", snap);
        assertThat(PolicyEvaluator.decide(retag, p)).isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(retag.with("aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat"), p))
                .isEqualTo(PolicyEvaluator.Decision.EXPLICIT_DENY);
    }
}
