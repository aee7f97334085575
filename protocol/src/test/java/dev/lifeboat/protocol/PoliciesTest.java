package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    private final JsonNode doc = read(Policies.document(
            Policies.restoreRole("222222222222", "arn:aws:kms:eu-central-1:222222222222:key/backup")));

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
                s.get("Action").forEach(a -> assertThat(a.asText()).matches("rds:(Describe|List).*"));
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
        assertThat(doc.get("Statement")).hasSize(4);
    }
}
