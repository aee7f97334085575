package dev.lifeboat.testing;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands integration tests their real parts: a PostgreSQL server, a MariaDB server, a moto server.
 *
 * <p>Where each comes from, in order: the endpoints in {@code LIFEBOAT_TEST_*} environment variables
 * (what scripts/test.sh exports after starting them); otherwise Testcontainers, when a Docker engine
 * answers; otherwise the test fails, saying what to run. It never skips silently.
 */
public final class RealParts implements ParameterResolver {
    private static final Map<Class<?>, String> KINDS = Map.of(
            PostgresServer.class, "PG",
            MariaDbServer.class, "MARIADB",
            MotoServer.class, "AWS");

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return KINDS.containsKey(p.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return e.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(type, t -> create(type), Object.class);
    }

    private static Object create(Class<?> type) {
        Map<String, String> env = System.getenv();
        if (type == PostgresServer.class && env.containsKey("LIFEBOAT_TEST_PG_HOST")) {
            return new PostgresServer(
                    env.get("LIFEBOAT_TEST_PG_HOST"),
                    Integer.parseInt(env.get("LIFEBOAT_TEST_PG_PORT")),
                    env.get("LIFEBOAT_TEST_PG_USER"),
                    env.get("LIFEBOAT_TEST_PG_PASSWORD"));
        }
        if (type == MariaDbServer.class && env.containsKey("LIFEBOAT_TEST_MARIADB_HOST")) {
            return new MariaDbServer(
                    env.get("LIFEBOAT_TEST_MARIADB_HOST"),
                    Integer.parseInt(env.get("LIFEBOAT_TEST_MARIADB_PORT")),
                    env.get("LIFEBOAT_TEST_MARIADB_USER"),
                    env.get("LIFEBOAT_TEST_MARIADB_PASSWORD"));
        }
        if (type == MotoServer.class && env.containsKey("LIFEBOAT_TEST_AWS_ENDPOINT")) {
            return new MotoServer(env.get("LIFEBOAT_TEST_AWS_ENDPOINT"));
        }
        if (Containers.dockerAvailable()) {
            return Containers.start(type);
        }
        throw new ParameterResolutionException("no " + type.getSimpleName() + " for this test: run scripts/test.sh "
                + "(it installs and starts PostgreSQL, MariaDB and moto, then runs the suite), or export LIFEBOAT_TEST_"
                + KINDS.get(type) + "_* for a server you run, or start a Docker engine for Testcontainers");
    }
}
