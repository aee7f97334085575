package dev.lifeboat.adapters.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One TLS setting, as each client is told it. */
class TlsSettingsTest {
    private static DatabaseTarget target(DatabaseEngine engine, String host, Tls tls) {
        return new DatabaseTarget(engine, host, 5432, "orders", "app", Secret.of("pw"), tls);
    }

    @Test
    void verifyFull_reachesLibpq_pgjdbc_theMariaDbClient_andConnectorJ(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Tls tls = new Tls(Tls.Mode.VERIFY_FULL, ca.toString());

        assertThat(TlsSettings.libpqEnvironment(target(DatabaseEngine.POSTGRESQL, "db.internal", tls)))
                .containsEntry("PGSSLMODE", "verify-full")
                .containsEntry("PGSSLROOTCERT", ca.toString());
        Properties pg = new Properties();
        TlsSettings.pgjdbc(pg, target(DatabaseEngine.POSTGRESQL, "db.internal", tls));
        assertThat(pg).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", ca.toString());
        assertThat(TlsSettings.mariadbClientArgs(target(DatabaseEngine.MARIADB, "db.internal", tls)))
                .containsExactly("--ssl-ca=" + ca, "--ssl-verify-server-cert");
        Properties maria = new Properties();
        TlsSettings.mariadbJdbc(maria, target(DatabaseEngine.MARIADB, "db.internal", tls));
        assertThat(maria).containsEntry("sslMode", "verify-full").containsEntry("serverSslCert", ca.toString());
    }

    @Test
    void theOtherModes_areSaidToEachClient() {
        DatabaseTarget disabled = target(DatabaseEngine.MARIADB, "h", new Tls(Tls.Mode.DISABLE, null));
        assertThat(TlsSettings.mariadbClientArgs(disabled)).containsExactly("--skip-ssl");
        DatabaseTarget required = target(DatabaseEngine.MARIADB, "h", new Tls(Tls.Mode.REQUIRE, null));
        assertThat(TlsSettings.mariadbClientArgs(required)).containsExactly("--ssl");
        Properties p = new Properties();
        TlsSettings.mariadbJdbc(p, required);
        assertThat(p).containsEntry("sslMode", "trust").doesNotContainKey("serverSslCert");
        assertThat(TlsSettings.libpqEnvironment(target(DatabaseEngine.POSTGRESQL, "127.0.0.1", null)))
                .containsEntry("PGSSLMODE", "prefer")
                .doesNotContainKey("PGSSLROOTCERT");
    }

    @Test
    void aVerifyingModeWithoutABundle_isRefused_sayingWhereToGetOne() {
        // An RDS endpoint defaults to verify-full with the RDS bundle; this machine has none at the default path.
        DatabaseTarget rds = target(DatabaseEngine.POSTGRESQL, "orders.abc.eu-west-1.rds.amazonaws.com", null);
        assertThat(rds.tls().mode()).isEqualTo(Tls.Mode.VERIFY_FULL);
        if (System.getenv(TlsSettings.BUNDLE_VARIABLE) == null && !Files.exists(Path.of(TlsSettings.DEFAULT_BUNDLE))) {
            assertThatThrownBy(() -> TlsSettings.libpqEnvironment(rds))
                    .isInstanceOf(DatabaseAccessException.class)
                    .hasMessageContaining("cannot verify the TLS certificate")
                    .satisfies(e -> assertThat(((LifeboatException) e).describe())
                            .contains("sslrootcert=PEM-FILE")
                            .contains("truststore.pki.rds.amazonaws.com"));
        }
        assertThatThrownBy(() -> TlsSettings.libpqEnvironment(
                        target(DatabaseEngine.POSTGRESQL, "h", new Tls(Tls.Mode.VERIFY_CA, "/nonexistent/ca.pem"))))
                .isInstanceOf(DatabaseAccessException.class)
                .hasMessageContaining("/nonexistent/ca.pem is not there");
    }
}
