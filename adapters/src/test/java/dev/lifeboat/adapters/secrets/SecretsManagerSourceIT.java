package dev.lifeboat.adapters.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The logins of secrets in Secrets Manager (moto), as the functions read them. */
@ExtendWith(RealParts.class)
class SecretsManagerSourceIT {
    /**
     * Issue 36, item 5: the runbook's restore target login lives in a source account's Region (eu-west-1) while the
     * restore function runs in the backup Region (eu-central-1). Secrets Manager keeps a secret in its Region, so the
     * secret named by its ARN is read with a client of the ARN's Region.
     */
    @Test
    void aSecretNamedByItsArn_isReadInTheArnsRegion_notTheFunctionsOwn(MotoServer moto) {
        String arn;
        try (AwsClients west = MotoServer.clients(moto.endpoint(), "eu-west-1")) {
            arn = west.secretsManager()
                    .createSecret(b -> b.name("lifeboat/restore/orders-" + UUID.randomUUID())
                            .secretString("{\"engine\":\"postgres\",\"host\":\"db.internal\",\"port\":5432,"
                                    + "\"username\":\"app\",\"password\":\"pw\",\"dbname\":\"orders\"}"))
                    .arn();
        }
        assertThat(arn).contains(":eu-west-1:");

        try (AwsClients central = MotoServer.clients(moto.endpoint(), "eu-central-1")) {
            DatabaseTarget target = central.secretSource().databaseTarget(arn);

            assertThat(target.host()).isEqualTo("db.internal");
            assertThat(target.database()).isEqualTo("orders");
        }
    }
}
