package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the wrapper turns `terraform destroy ...` into a plan, a show and an apply of that plan (issue 43, item 5: the
 * wrapper passed -chdir after `plan`, which Terraform refuses, and took `-var env=prod` for a saved plan file).
 */
class TerraformRunTest {
    private static final Path OUT = Path.of("/tmp/lb/plan.out");

    private static TerraformRun parse(String command) {
        return TerraformRun.parse(List.of(command.split(" ")));
    }

    @Test
    void globalOptions_goBeforeEverySubcommand() {
        TerraformRun tf = parse("terraform -chdir=infra/prod destroy -auto-approve");

        assertThat(tf.planCommand(OUT))
                .containsExactly("terraform", "-chdir=infra/prod", "plan", "-destroy", "-out", OUT.toString());
        assertThat(tf.showCommand("p")).containsExactly("terraform", "-chdir=infra/prod", "show", "-json", "p");
        assertThat(tf.applyCommand("p")).containsExactly("terraform", "-chdir=infra/prod", "apply", "p");
    }

    @Test
    void variables_inBothForms_andVarFiles_areCarriedToThePlan_notToTheApplyOfIt() {
        TerraformRun tf = parse(
                "tofu apply -var env=prod -var=region=eu-west-1 -var-file prod.tfvars -var-file=b.tfvars -lock-timeout"
                        + " 60s -target=module.db -auto-approve -no-color");

        assertThat(tf.savedPlan()).isNull();
        assertThat(tf.destroy()).isFalse();
        assertThat(tf.planCommand(OUT))
                .containsExactly(
                        "tofu",
                        "plan",
                        "-var",
                        "env=prod",
                        "-var=region=eu-west-1",
                        "-var-file",
                        "prod.tfvars",
                        "-var-file=b.tfvars",
                        "-lock-timeout",
                        "60s",
                        "-target=module.db",
                        "-no-color",
                        "-out",
                        OUT.toString());
        assertThat(tf.applyCommand("p")).containsExactly("tofu", "apply", "-lock-timeout", "60s", "-no-color", "p");
    }

    @Test
    void applyDestroy_isADestroyPlan() {
        assertThat(parse("terraform apply -destroy -var x=1").planCommand(OUT))
                .containsSubsequence("plan", "-destroy", "-var", "x=1");
        assertThat(parse("terraform apply --destroy").destroy()).isTrue();
    }

    @Test
    void aSavedPlan_isAppliedAsItWasMade() {
        TerraformRun tf = parse("terraform -chdir=infra apply -lock=false saved.tfplan");

        assertThat(tf.savedPlan()).isEqualTo("saved.tfplan");
        assertThat(tf.showCommand("saved.tfplan"))
                .containsExactly("terraform", "-chdir=infra", "show", "-json", "saved.tfplan");
        assertThat(tf.applyCommand("saved.tfplan"))
                .containsExactly("terraform", "-chdir=infra", "apply", "-lock=false", "saved.tfplan");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "terraform apply -var env=prod saved.tfplan", // a saved plan fixed its variables
                "terraform apply -var-file=prod.tfvars saved.tfplan",
                "terraform apply saved.tfplan other.tfplan",
                "terraform destroy infra",
                "terraform destroy -var",
                "terraform plan -destroy",
                "terraform -chdir=infra",
                "terragrunt destroy",
                "bash -c terraform",
            })
    void whatTerraformWouldRefuse_orTheWrapperDoesNotGuard_isBadInput_namingTheFix(String command) {
        assertThatThrownBy(() -> parse(command))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).isNotBlank());
    }
}
