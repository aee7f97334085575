package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;

/**
 * Turns an RDS endpoint ("host:port") into a login. In production it is the endpoint itself; in tests
 * it points at a local database server, so the checks run on real data.
 */
@FunctionalInterface
public interface EndpointResolver {
    EndpointResolver DIRECT = (engine, endpoint, database, user, password) -> {
        int colon = endpoint.lastIndexOf(':');
        return new DatabaseTarget(
                engine,
                endpoint.substring(0, colon),
                Integer.parseInt(endpoint.substring(colon + 1)),
                database,
                user,
                password);
    };

    DatabaseTarget resolve(DatabaseEngine engine, String endpoint, String database, String user, Secret password);
}
