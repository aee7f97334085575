package dev.lifeboat.core.testing;

import dev.lifeboat.core.port.SecretStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets Manager's names in memory. Creating a name that exists fails, as CreateSecret does
 * (ResourceExistsException); deleting one that is gone counts as deleted, as the port promises.
 */
public final class InMemorySecretStore implements SecretStore {
    /** The secrets that exist now. */
    public final Set<String> names = ConcurrentHashMap.newKeySet();

    @Override
    public String put(String name, String json) {
        if (!names.add(name)) {
            throw new IllegalStateException("ResourceExistsException: the secret " + name + " already exists");
        }
        return name;
    }

    @Override
    public void delete(String name) {
        names.remove(name);
    }
}
