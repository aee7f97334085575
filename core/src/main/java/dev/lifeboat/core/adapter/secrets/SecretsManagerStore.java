package dev.lifeboat.core.adapter.secrets;

import dev.lifeboat.core.port.SecretStore;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** {@link SecretStore} in AWS Secrets Manager; deletion skips the recovery window (the secret is throwaway). */
public final class SecretsManagerStore implements SecretStore {
    private final SecretsManagerClient client;

    public SecretsManagerStore(SecretsManagerClient client) {
        this.client = client;
    }

    @Override
    public String put(String name, String json) {
        return client.createSecret(b -> b.name(name).secretString(json)
                .description("Lifeboat verification run: the throwaway instance's login; deleted with the instance")).arn();
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
