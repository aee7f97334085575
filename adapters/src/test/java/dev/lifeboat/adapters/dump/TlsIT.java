package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.Tls;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the databases, against the local servers with a certificate the test scripts made (a test CA,
 * the server's certificate for DNS:localhost only). The login {@code lifeboat_tls} may connect over TLS
 * alone (pg_hba {@code hostssl}, MariaDB {@code REQUIRE SSL}), so a round trip with it proves the JDBC
 * preflight and the dump and load tools all encrypted; a wrong CA and a name the certificate does not
 * carry are refused before anything is written, and by the tools themselves, not only by JDBC.
 */
@ExtendWith(RealParts.class)
class TlsIT {
    private static final String CA = System.getenv("LIFEBOAT_TEST_TLS_CA");
    private static final String OTHER_CA = System.getenv("LIFEBOAT_TEST_TLS_OTHER_CA");
    private static final String TLS_USER = System.getenv("LIFEBOAT_TEST_TLS_USER");

    private static DatabaseTarget overTls(DatabaseTarget t, String password, String host, Tls tls) {
        return new DatabaseTarget(t.engine(), host, t.port(), t.database(), TLS_USER, Secret.of(password), tls);
    }

    private static Tls verifyFull(String ca) {
        return new Tls(Tls.Mode.VERIFY_FULL, ca);
    }

    @Test
    void aPostgresRoundTrip_verifyFull_overTlsOnly_bringsBackTheSameData(PostgresServer pg, @TempDir Path dir) {
        assertThat(CA).as("scripts/test.sh exports the test CA").isNotNull();
        DatabaseTarget source = pg.newDatabase("tls_src");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> before = Fingerprint.of(pg, source.database());
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        Wiring.dumping(vault)
                .dump(new TakingDump.Command(
                        "tls", overTls(source, pg.password(), "localhost", verifyFull(CA)), null, null));
        DatabaseTarget restored = overTls(
                pg.target(PostgresServer.uniqueName("tls_restored")), pg.password(), "localhost", verifyFull(CA));
        Wiring.restoring(vault).restore(new RestoringDump.Command("tls", "latest", restored, true, false, false, null));

        assertThat(Fingerprint.of(pg, restored.database())).isEqualTo(before);
    }

    @Test
    void aMariaDbRoundTrip_verifyFull_overTlsOnly_bringsBackTheSameData(MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget source = db.newDatabase("tls_src");
        Fixtures.loadTricky(db, source.database());
        Map<String, String> before = Fingerprint.of(db, source.database());
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        Wiring.dumping(vault)
                .dump(new TakingDump.Command(
                        "tls", overTls(source, db.password(), "localhost", verifyFull(CA)), null, null));
        DatabaseTarget restored = overTls(
                db.target(PostgresServer.uniqueName("tls_restored")), db.password(), "localhost", verifyFull(CA));
        Wiring.restoring(vault).restore(new RestoringDump.Command("tls", "latest", restored, true, false, false, null));

        assertThat(Fingerprint.of(db, restored.database())).isEqualTo(before);
    }

    @Test
    void aWrongCa_orANameTheCertificateDoesNotCarry_isRefused_andNothingIsWritten(
            PostgresServer pg, MariaDbServer db, @TempDir Path dir) throws IOException {
        DatabaseTarget p = pg.newDatabase("tls_bad");
        DatabaseTarget m = db.newDatabase("tls_bad");
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        for (DatabaseTarget bad : new DatabaseTarget[] {
            overTls(p, pg.password(), "localhost", verifyFull(OTHER_CA)),
            overTls(p, pg.password(), "127.0.0.1", verifyFull(CA)),
            overTls(m, db.password(), "localhost", verifyFull(OTHER_CA)),
            overTls(m, db.password(), "127.0.0.1", verifyFull(CA))
        }) {
            assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("tls", bad, null, null)))
                    .as(bad.describe() + " " + bad.tls().describe())
                    .isInstanceOf(LifeboatException.class)
                    .satisfies(e -> assertThat(((LifeboatException) e).describe())
                            .containsAnyOf("certificate", "SSL", "TLS", "ssl")
                            .doesNotContain(pg.password()));
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    /** The tools verify on their own: started directly, without the JDBC preflight that would refuse first. */
    @Test
    void theDumpTools_themselvesRefuseAServerTheyCannotVerify(PostgresServer pg, MariaDbServer db) {
        DumpTools tools = ProcessDumpTools.fromEnvironment();
        for (DatabaseTarget bad : new DatabaseTarget[] {
            overTls(pg.newDatabase("tls_tool"), pg.password(), "localhost", verifyFull(OTHER_CA)),
            overTls(db.newDatabase("tls_tool"), db.password(), "localhost", verifyFull(OTHER_CA))
        }) {
            try (DumpTools.Running running = tools.dumpTool(bad.engine()).start(bad)) {
                running.output().transferTo(OutputStream.nullOutputStream());
                assertThatThrownBy(() -> running.awaitSuccess(Duration.ofSeconds(30)))
                        .as(bad.engine() + " tool with a wrong CA")
                        .isInstanceOf(LifeboatException.class)
                        .hasMessageContaining("certificate");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
