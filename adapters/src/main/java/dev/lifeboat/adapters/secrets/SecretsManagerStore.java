package dev.lifeboat.adapters.secrets;

import dev.lifeboat.core.port.SecretStore;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** {@link SecretStore} in AWS Secrets Manager; deletion skips the recovery window (the secret is throwaway). */
public final class SecretsManagerStore implements SecretStore {
    private final SecretsManagerClient client;

    public SecretsManagerStore(SecretsManagerClient client) {
        this.client = client;
    }

    /** Creates the secret, or sets its value if a repeated step created it already. */
    @Override
    public String put(String name, String json) {
        try {
            return client.createSecret(
                            b -> b.name(name)
                                    .secretString(json)
                                    .description(
                                            "Lifeboat verification run: the throwaway instance's login; deleted with the instance"))
                    .arn();
        } catch (ResourceExistsException e) {
            return client.putSecretValue(b -> b.secretId(name).secretString(json))
                    .arn();
        }
    }

    @Override
    public void delete(String name) {
        try {
            client.deleteSecret(b -> b.secretId(name).forceDeleteWithoutRecovery(true));
        } catch (ResourceNotFoundException e) {
            // already gone
        }
    }
}
