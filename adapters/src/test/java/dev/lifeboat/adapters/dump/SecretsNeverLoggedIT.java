package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.testing.CapturedOutput;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password with a unique canary value goes through a dump, a restore and failed logins; it must
 * appear in no log line, no exception message or hint, and no child process's command line.
 */
@ExtendWith(RealParts.class)
class SecretsNeverLoggedIT {
    private final String canary = "Canary-" + UUID.randomUUID();

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    private final List<String> commandLines = new ArrayList<>();

    private final List<Path> filesHoldingTheCanary = new ArrayList<>();

    /**
     * Records the command lines of Lifeboat's child processes while they run, and any file in the temporary
     * directory that holds the password (issue 10, item 5: a killed dump left /tmp/lifeboat-*.cnf behind).
     */
    private ProgressListener recordCommandLines() {
        return bytes -> {
            ProcessHandle.current()
                    .descendants()
                    .forEach(h -> h.info().commandLine().ifPresent(commandLines::add));
            try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                files.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().startsWith("lifeboat-"))
                        .filter(f -> {
                            try {
                                return Files.size(f) < 4096
                                        && Files.readString(f).contains(canary);
                            } catch (IOException | UncheckedIOException e) {
                                return false;
                            }
                        })
                        .forEach(filesHoldingTheCanary::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Test
    void postgresPassword_isNeverLoggedPrintedOrPassedAsAnArgument(PostgresServer pg, @TempDir Path dir) {
        DatabaseTarget admin = pg.newDatabase("canary");
        String role = "canary_" + admin.database().substring(admin.database().length() - 8);
        pg.execute("postgres", "CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD '" + canary + "'");
        pg.execute("postgres", "ALTER DATABASE " + admin.database() + " OWNER TO " + role);
        DatabaseTarget source = new DatabaseTarget(
                admin.engine(), admin.host(), admin.port(), admin.database(), role, Secret.of(canary));
        pg.execute(
                admin.database(), "SET ROLE " + role + "; CREATE TABLE t AS SELECT g FROM generate_series(1, 50000) g");
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        Wiring.dumping(vault).dump(new TakingDump.Command("canary", source, null, recordCommandLines()));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command(
                        "canary",
                        "latest",
                        source.withDatabase(PostgresServer.uniqueName("canary_restored")),
                        true,
                        false,
                        false,
                        recordCommandLines()));
        assertThatThrownBy(() -> Wiring.dumping(vault)
                        .dump(new TakingDump.Command(
                                "canary", source.withPassword(Secret.of(canary + "-wrong")), null, null)))
                .isInstanceOf(LifeboatException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).describe()).doesNotContain(canary));

        assertNoCanary();
    }

    @Test
    void mariadbPassword_isNeverLoggedPrintedOrPassedAsAnArgument(MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget admin = db.newDatabase("canary");
        String user = "canary_" + admin.database().substring(admin.database().length() - 8);
        db.execute(
                admin.database(),
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + canary + "';"
                        + "GRANT ALL ON *.* TO '" + user + "'@'%'; CREATE TABLE `" + admin.database() + "`.t (id INT);"
                        + "INSERT INTO `" + admin.database() + "`.t SELECT seq FROM seq_1_to_50000");
        DatabaseTarget source = new DatabaseTarget(
                admin.engine(), admin.host(), admin.port(), admin.database(), user, Secret.of(canary));
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        Wiring.dumping(vault).dump(new TakingDump.Command("canary", source, null, recordCommandLines()));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command(
                        "canary",
                        "latest",
                        source.withDatabase(PostgresServer.uniqueName("canary_restored")),
                        true,
                        false,
                        false,
                        recordCommandLines()));
        assertThatThrownBy(() -> Wiring.dumping(vault)
                        .dump(new TakingDump.Command(
                                "canary", source.withPassword(Secret.of(canary + "-wrong")), null, null)))
                .isInstanceOf(LifeboatException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).describe()).doesNotContain(canary));

        assertNoCanary();
    }

    private void assertNoCanary() {
        assertThat(filesHoldingTheCanary)
                .as("files holding the password while the tools ran")
                .isEmpty();
        String logs = output.text();
        assertThat(logs).as("the test must have captured Lifeboat's logs").contains("complete");
        assertThat(logs).doesNotContain(canary);
        assertThat(commandLines).as("child processes were observed").isNotEmpty();
        assertThat(commandLines).noneMatch(line -> line.contains(canary));
    }
}
