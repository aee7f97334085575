package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import dev.lifeboat.core.guard.TerraformPlan.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans written from the documented JSON plan format (core/src/test/resources/plans). */
class TerraformPlanTest {
    static String plan(String name) {
        try (InputStream in = TerraformPlanTest.class.getResourceAsStream("/plans/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFullDestroy_deletesTheInstanceAndItsBackupReplication_notTheDataSource() {
        List<Deletion> d = TerraformPlan.deletions(plan("destroy.json"), "destroy.json");

        assertThat(d)
                .extracting(Deletion::address)
                .containsExactly("aws_db_instance.orders", "aws_db_instance_automated_backups_replication.orders");
        Deletion instance = d.getFirst();
        assertThat(instance.kind()).isEqualTo(Kind.INSTANCE);
        assertThat(instance.identifier()).isEqualTo("orders-prod");
        assertThat(instance.account()).isEqualTo("111111111111");
        assertThat(instance.region()).isEqualTo("eu-west-1");
        assertThat(instance.deletionProtection()).isFalse();
        assertThat(instance.skipFinalSnapshot()).isTrue();
        assertThat(instance.backupRetentionPeriod()).isEqualTo(7);
        assertThat(d.get(1).kind()).isEqualTo(Kind.BACKUPS);
        assertThat(d.get(1).identifier()).isEqualTo("orders-prod");
    }

    @Test
    void aReplacementInNestedModulesWithCountAndForEach_isADeletion_andAnUpdateIsNot() {
        List<Deletion> d = TerraformPlan.deletions(plan("replace-in-modules.json"), "p");

        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.address()).isEqualTo("module.databases.module.db[\"orders\"].aws_db_instance.this[0]");
            assertThat(x.replacement()).isTrue();
            assertThat(x.deletionProtection()).isTrue();
        });
    }

    @Test
    void oneInstanceOfATwoInstanceCluster_isNoDeletionOfTheCluster_butItsLastOneIs() {
        assertThat(TerraformPlan.deletions(plan("aurora.json"), "p")).isEmpty();

        List<Deletion> all = TerraformPlan.deletions(plan("aurora-destroy.json"), "p");
        assertThat(all).extracting(Deletion::kind).containsOnly(Kind.CLUSTER);
        assertThat(all).extracting(Deletion::identifier).containsOnly("ledger-aurora");
        assertThat(all).extracting(Deletion::address).contains("module.ledger.aws_rds_cluster.this");
    }

    @Test
    void withoutAPriorState_aClusterInstanceCountsAsTheLast() {
        String noPrior = plan("aurora.json").replaceFirst("\"prior_state\"", "\"not_prior_state\"");
        assertThat(TerraformPlan.deletions(noPrior, "p"))
                .singleElement()
                .extracting(Deletion::kind)
                .isEqualTo(Kind.CLUSTER);
    }

    @Test
    void notAPlan_isBadInput_namingTheFile() {
        assertThatThrownBy(() -> TerraformPlan.deletions("terraform destroy", "plan.json"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("plan.json is not JSON");
        assertThatThrownBy(() -> TerraformPlan.deletions("{\"resources\": []}", "plan.json"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not the JSON of a Terraform plan");
    }

    /**
     * Issue 43, item 5: an update that turns deletion protection off and automated backups off was "deletes no
     * database and no backup". It counts now; an update that leaves them as they were, or turns them on, does not.
     */
    @Test
    void anUpdateThatTurnsOffDeletionProtectionOrBackups_countsAsDestructive() {
        List<Deletion> d = TerraformPlan.deletions(plan("weaken.json"), "weaken.json");

        assertThat(d).extracting(Deletion::address).containsExactly("aws_db_instance.orders", "aws_rds_cluster.ledger");
        Deletion orders = d.getFirst();
        assertThat(orders.update()).isTrue();
        assertThat(orders.kind()).isEqualTo(Kind.INSTANCE);
        assertThat(orders.identifier()).isEqualTo("orders-prod");
        assertThat(orders.region()).isEqualTo("eu-west-1");
        assertThat(orders.weakens())
                .contains("deletion_protection = false")
                .contains("backup_retention_period = 0")
                .contains("skip_final_snapshot = true");
        assertThat(d.get(1).kind()).isEqualTo(Kind.CLUSTER);
        assertThat(d.get(1).identifier()).isEqualTo("ledger-prod");
        assertThat(d.get(1).weakens()).contains("deletion_protection to be known after apply");
    }

    static final String DELETE_ORDERS = "{\"address\": \"aws_db_instance.orders\", \"mode\": \"managed\","
            + " \"type\": \"aws_db_instance\", \"change\": {\"actions\": [\"delete\"], \"before\":"
            + " {\"identifier\": \"orders-prod\"}}}";

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                // a duplicate key whose last value is empty: a lenient reader sees no change at all
                "{\"format_version\": \"1.2\", \"resource_changes\": [DELETE], \"resource_changes\": []}|a key given twice",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"aws_db_instance\","
                        + " \"change\": {\"actions\": \"delete\", \"before\": {\"identifier\": \"x\"}}}]}|change.actions is STRING, not a list",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"aws_db_instance\","
                        + " \"change\": {\"actions\": [\"destroy\"]}}]}|change.actions holds \"destroy\"",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"aws_db_instance\","
                        + " \"change\": {\"actions\": []}}]}|change.actions is empty",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"type\": \"aws_db_instance\","
                        + " \"change\": {\"actions\": [\"delete\"]}}]}|address is missing",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\","
                        + " \"change\": {\"actions\": [\"delete\"]}}]}|type is missing",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"aws_db_instance\"}]}|change is missing",
                "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"aws_db_instance\","
                        + " \"change\": {\"actions\": [\"delete\"], \"before\": null}}]}|has no change.before",
                "{\"format_version\": \"1.2\", \"resource_changes\": {\"0\": DELETE}}|resource_changes is OBJECT, not a list",
                "{\"format_version\": \"1.2\", \"resource_changes\": [\"delete\"]}|is STRING, not an object",
                "{\"format_version\": 1.2, \"resource_changes\": [DELETE]}|no format_version",
            })
    void aPlanThatCannotBeReadWhole_isRefused_namingTheField(String json, String why) {
        String text = json.replace("DELETE", DELETE_ORDERS);

        assertThatThrownBy(() -> TerraformPlan.deletions(text, "plan.json"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("plan.json")
                .hasMessageContaining(why);
    }

    @Test
    void aBinaryFile_isRefused_sayingToPassItsJson() {
        byte[] savedPlan = {'P', 'K', 3, 4, 0, (byte) 0xff, (byte) 0xfe, 10};

        assertThatThrownBy(() -> TerraformPlan.deletions(savedPlan, "plan.out"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("plan.out is not text")
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).contains("terraform show -json"));
        assertThatThrownBy(() -> TerraformPlan.deletions(new byte[] {'{', 0, '}'}, "p"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NUL");
    }
}
