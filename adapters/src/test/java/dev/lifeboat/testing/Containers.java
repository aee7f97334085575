package dev.lifeboat.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The laptop path: real servers from Testcontainers when a Docker engine answers. Kept for the JVM's life. */
final class Containers {
    private Containers() {}

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static Object start(Class<?> type) {
        if (type == PostgresServer.class) {
            var c = new PostgreSQLContainer("postgres:17");
            c.start();
            return new PostgresServer(c.getHost(), c.getFirstMappedPort(), c.getUsername(), c.getPassword());
        }
        if (type == MariaDbServer.class) {
            var c = new MariaDBContainer("mariadb:11.4").withUsername("root");
            c.start();
            return new MariaDbServer(c.getHost(), c.getFirstMappedPort(), c.getUsername(), c.getPassword());
        }
        var moto = new GenericContainer<>("motoserver/moto:5.1.18")
                .withExposedPorts(5000)
                .waitingFor(Wait.forHttp("/moto-api/"));
        moto.start();
        return new MotoServer("http://" + moto.getHost() + ":" + moto.getFirstMappedPort());
    }
}
