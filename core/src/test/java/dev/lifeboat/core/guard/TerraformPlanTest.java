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
}
