package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The hook's table: destructive commands are recognized however they are written; look-alikes are not. */
class CommandHookTest {
    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "terraform destroy => terraform destroy => ",
                "terraform -chdir=prod destroy -auto-approve => terraform destroy => ",
                "tofu destroy => tofu destroy => ",
                "terraform apply -auto-approve => terraform apply => ",
                "terraform apply -destroy => terraform apply -destroy => ",
                "cd infra && terraform destroy => terraform destroy => ",
                "AWS_PROFILE=prod terraform destroy => terraform destroy => ",
                "sudo -u deploy terraform destroy => terraform destroy => ",
                "bash -c 'terraform destroy -auto-approve' => terraform destroy => ",
                "sh -c \"cd prod; terraform destroy\" => terraform destroy => ",
                "eval terraform destroy => terraform destroy => ",
                "echo yes | terraform destroy => terraform destroy => ",
                "x=$(terraform destroy) => terraform destroy => ",
                "/usr/local/bin/terraform destroy => terraform destroy => ",
                "aws rds delete-db-instance --db-instance-identifier orders-prod --skip-final-snapshot => aws rds delete-db-instance => orders-prod",
                "aws --region eu-west-1 rds delete-db-cluster --db-cluster-identifier=ledger-aurora => aws rds delete-db-cluster => ledger-aurora",
                "aws rds modify-db-instance --db-instance-identifier orders-prod --no-deletion-protection --apply-immediately => aws rds modify-db-instance --no-deletion-protection => orders-prod",
            })
    void destructiveCommands_areRecognized(String command, String what, String identifier) {
        assertThat(CommandHook.classify(command)).get().satisfies(d -> {
            assertThat(d.what()).isEqualTo(what);
            assertThat(d.identifier()).isEqualTo(identifier);
        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "terraform plan",
                "terraform plan -destroy -out plan.out",
                "terraform show -json plan.out",
                "echo terraform destroy",
                "git commit -m \"terraform destroy\"",
                "grep -r 'aws rds delete-db-instance' docs",
                "cat terraform-destroy.log",
                "aws rds describe-db-instances --db-instance-identifier orders-prod",
                "aws rds modify-db-instance --db-instance-identifier orders-prod --deletion-protection",
                "aws s3 rm s3://bucket/delete-db-instance",
                "ls; echo 'terraform destroy'",
                "",
            })
    void lookAlikes_areNot(String command) {
        assertThat(CommandHook.classify(command)).isEmpty();
    }

    @Test
    void quotesAndSeparators_areReadAsAShellReadsThem() {
        assertThat(CommandHook.simpleCommands("a 'b c' \"d;e\" f\\ g; h && i | j"))
                .containsExactly(
                        java.util.List.of("a", "b c", "d;e", "f g"),
                        java.util.List.of("h"),
                        java.util.List.of("i"),
                        java.util.List.of("j"));
    }
}
