package dev.lifeboat.core.port;

/** Where a verification run keeps the password it sets on its throwaway instance (Secrets Manager). */
public interface SecretStore {
    /** Creates the secret; returns its ARN or name. */
    String put(String name, String json);

    /** Deletes the secret at once, without a recovery window; already gone counts as deleted. */
    void delete(String name);
}
