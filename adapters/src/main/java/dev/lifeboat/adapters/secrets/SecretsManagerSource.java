package dev.lifeboat.adapters.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lifeboat.adapters.net.NetworkPaths;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.SecretSource;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Reads database logins from AWS Secrets Manager secrets in the format RDS itself uses:
 * {@code {"engine","host","port","username","password","dbname"}}. Errors name the secret and the
 * missing field, never a value.
 */
public final class SecretsManagerSource implements SecretSource {
    // Parse errors must not quote the secret's text.
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final SecretsManagerClient client;
    private final java.util.Optional<String> network;
    private final java.util.function.Function<String, SecretsManagerClient> inRegion;

    public SecretsManagerSource(SecretsManagerClient client) {
        this(client, java.util.Optional.empty());
    }

    /** @param network the function and its network, named when the call gets no answer ({@link NetworkPaths}) */
    public SecretsManagerSource(SecretsManagerClient client, java.util.Optional<String> network) {
        this(client, network, region -> client);
    }

    /**
     * @param inRegion a client of a Region: a secret named by its ARN is read in the ARN's Region, where Secrets
     *     Manager keeps it (a restore's target login may live in a source account's Region; issue 36, item 5); a
     *     secret named by its name alone is read with {@code client}
     */
    public SecretsManagerSource(
            SecretsManagerClient client,
            java.util.Optional<String> network,
            java.util.function.Function<String, SecretsManagerClient> inRegion) {
        this.client = client;
        this.network = network;
        this.inRegion = inRegion;
    }

    /** The client for {@code secretId}: its ARN's Region ({@code arn:PARTITION:secretsmanager:REGION:...}), else ours. */
    private SecretsManagerClient clientFor(String secretId) {
        String[] arn = secretId.split(":", 5);
        return arn.length == 5 && arn[0].equals("arn") && arn[2].equals("secretsmanager") && !arn[3].isEmpty()
                ? inRegion.apply(arn[3])
                : client;
    }

    @Override
    public DatabaseTarget databaseTarget(String secretId) {
        String text;
        try {
            text = clientFor(secretId).getSecretValue(b -> b.secretId(secretId)).secretString();
        } catch (ResourceNotFoundException e) {
            throw new InvalidInputException(
                    "secret " + secretId + " does not exist", "check the secret's name or ARN and the region", e);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw NetworkPaths.noAnswer("Secrets Manager", "GetSecretValue " + secretId, network, e);
        } catch (SecretsManagerException e) {
            throw new InvalidInputException(
                    "cannot read secret " + secretId + ": "
                            + (e.awsErrorDetails() == null
                                    ? e.statusCode()
                                    : e.awsErrorDetails().errorCode()),
                    "the role needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key)",
                    e);
        }
        return parse(secretId, text);
    }

    static DatabaseTarget parse(String secretId, String text) {
        if (text == null) {
            throw new InvalidInputException(
                    "secret " + secretId + " has no text value", "store the login as JSON in the RDS format");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(
                    "secret " + secretId + " is not JSON",
                    "store the login in the RDS format: {\"engine\",\"host\",\"port\",\"username\",\"password\",\"dbname\"}");
        }
        String engine = field(node, secretId, "engine");
        DatabaseEngine parsed;
        try {
            parsed = DatabaseEngine.parse(engine);
        } catch (IllegalArgumentException | InvalidInputException e) {
            throw new InvalidInputException("secret " + secretId + ": field 'engine' " + e.getMessage(), "");
        }
        int port = node.hasNonNull("port") ? node.get("port").asInt(-1) : parsed.defaultPort();
        String dbname = node.hasNonNull("dbname") ? node.get("dbname").asText() : null;
        if (dbname == null) {
            throw new InvalidInputException(
                    "secret " + secretId + " has no field 'dbname'",
                    "add \"dbname\" to the secret (RDS leaves it out for MySQL and MariaDB)");
        }
        try {
            return new DatabaseTarget(
                    parsed,
                    field(node, secretId, "host"),
                    port,
                    dbname,
                    field(node, secretId, "username"),
                    Secret.of(field(node, secretId, "password")));
        } catch (IllegalArgumentException | InvalidInputException e) {
            throw new InvalidInputException("secret " + secretId + ": " + e.getMessage(), "fix the secret's fields");
        }
    }

    private static String field(JsonNode node, String secretId, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new InvalidInputException(
                    "secret " + secretId + " has no field '" + name + "'",
                    "store the login in the RDS format: {\"engine\",\"host\",\"port\",\"username\",\"password\",\"dbname\"}");
        }
        return v.asText();
    }
}
