package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lifeboat doctor on a machine that lacks things: each missing piece named with its fix, and a truthful exit. */
class DoctorCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(Map<String, String> env, Path home, String... args) {
        Context c = new Context(
                env,
                home,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                false);
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        return Lifeboat.run(c, all);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A bare machine: a PATH without the client tools (and the tools' folders pinned to an empty one). */
    private static Map<String, String> bare(Path empty) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", empty.toString());
        env.put("LIFEBOAT_PG_BIN", empty.toString());
        env.put("LIFEBOAT_MARIADB_BIN", empty.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    @Test
    void missingClientTools_areEachNamedWithTheirInstallCommands_andExit1(@TempDir Path home) throws Exception {
        Path empty = Files.createDirectories(home.resolve("empty"));
        Path vault = Files.createDirectories(home.resolve("vault"));
        assertThat(run(bare(empty), home, "--vault", "file:" + vault)).isEqualTo(ExitCode.FAILED);
        assertThat(out())
                .contains("PROBLEM  pg_dump is missing")
                .contains("PROBLEM  pg_restore is missing")
                .contains("PROBLEM  psql is missing")
                .contains("PROBLEM  mariadb-dump is missing")
                .contains("PROBLEM  mariadb is missing")
                .contains("PROBLEM  mariadb-binlog is missing")
                .contains("sudo apt-get install postgresql-client")
                .contains("sudo dnf install postgresql17")
                .contains("brew install postgresql@17")
                .contains("sudo apt-get install mariadb-client")
                .contains("sudo dnf install mariadb105")
                .contains("brew install mariadb")
                // a local vault needs no AWS: no Region is a warning, not a problem
                .contains("warning  no Region")
                .contains("ok       file:" + vault + ": backups of 0 database(s)")
                // the TLS CAs of remote databases: said where to get them, not a problem without one
                .contains("warning  no RDS CA bundle at /opt/lifeboat/rds-global-bundle.pem")
                .contains("https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem")
                .contains("6 problem(s)");
    }

    /**
     * A tool that is there but fails on {@code --version} (a missing shared library) is named as broken, not as
     * missing; one that hangs is given up on within seconds, its process (and its children) killed, not waited for.
     */
    @Test
    void aBrokenOrHangingTool_isNamedAsSuch_andNeverWaitedForLong(@TempDir Path home) throws Exception {
        Path empty = Files.createDirectories(home.resolve("empty"));
        Path pgBin = Files.createDirectories(home.resolve("pg"));
        Path marker = home.resolve("child-still-running");
        tool(
                pgBin.resolve("pg_dump"),
                "echo 'pg_dump: error while loading shared libraries: libpq.so.5' >&2; exit 127");
        tool(pgBin.resolve("pg_restore"), "sleep 600 & echo $! > " + marker + "; wait");
        tool(pgBin.resolve("psql"), "echo 'psql (PostgreSQL) 15.4'");
        Path vault = Files.createDirectories(home.resolve("vault"));
        Map<String, String> env = bare(empty);
        env.put("LIFEBOAT_PG_BIN", pgBin.toString());

        Path bundle = Files.writeString(home.resolve("bundle.pem"), "-----BEGIN CERTIFICATE-----\n");
        env.put("LIFEBOAT_RDS_CA_BUNDLE", bundle.toString());

        long t0 = System.nanoTime();
        assertThat(run(env, home, "--vault", "file:" + vault)).isEqualTo(ExitCode.FAILED);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(out())
                .contains("PROBLEM  pg_dump is there but does not run: ")
                .contains("libpq.so.5")
                .contains("PROBLEM  pg_restore is there but does not run: ")
                .contains("did not answer within 10 s")
                .contains("ok       psql 15.4")
                .contains("ok       the RDS CA bundle (" + bundle + ")");
        assertThat(took).isLessThan(Duration.ofSeconds(25));
        long child = Long.parseLong(Files.readString(marker).strip());
        for (int i = 0;
                i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false);
                i++) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                .as("the hanging tool's child was killed")
                .isFalse();
    }

    private static void tool(Path p, String body) throws java.io.IOException {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The tools of this machine are found with their versions; with them and a local vault, all is there. */
    @Test
    void theMachinesTools_areFoundWithTheirVersions_andExit0(@TempDir Path home) throws Exception {
        Path vault = Files.createDirectories(home.resolve("vault"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("AWS_REGION");
        env.remove("AWS_DEFAULT_REGION");
        assertThat(run(env, home, "--vault", "file:" + vault)).isEqualTo(ExitCode.OK);
        assertThat(out())
                .containsPattern("ok       pg_dump \\d+\\.\\d+")
                .containsPattern("ok       mariadb-dump \\d+\\.\\d+")
                .contains("All there.");
    }

    /** AWS that does not answer (an s3:// vault needs it): said plainly within the timeout, and exit 1. */
    @Test
    void stsThatDoesNotAnswer_isAProblemWhenTheVaultIsInS3(@TempDir Path home) throws Exception {
        Path empty = Files.createDirectories(home.resolve("empty"));
        Map<String, String> env = bare(empty);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + port);
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        long started = System.nanoTime();
        assertThat(run(env, home, "--vault", "s3://no-such-bucket/x")).isEqualTo(ExitCode.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(40));
        assertThat(out())
                .contains("PROBLEM  cannot reach STS in eu-west-1")
                .contains("check this machine's route to sts.eu-west-1.amazonaws.com")
                .as("a refused connection is the network's, not the credentials'")
                .doesNotContain("aws configure")
                .contains("PROBLEM  cannot read the vault s3://no-such-bucket/x");
    }

    /** A server newer than the client tools: named, with the install command of the server's major. */
    @Test
    void installCommands_nameTheServersMajor() {
        assertThat(DoctorCommand.install(dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL, 18))
                .contains("postgresql-client-18", "dnf install postgresql18", "brew install postgresql@18");
    }
}
