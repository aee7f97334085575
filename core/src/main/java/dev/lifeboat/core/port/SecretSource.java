package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseTarget;

/** Resolves a database's login from a secret store (AWS Secrets Manager in production). */
public interface SecretSource {

    /** Reads the secret named {@code secretId}, in the RDS secret format, as a database target. */
    DatabaseTarget databaseTarget(String secretId);
}
