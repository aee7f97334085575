package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 39: {@code lifeboat doctor} from the packaged jar against real servers and AWS (moto): each database's server
 * version against the client tools that would dump and restore it, the account and Region the credentials resolve
 * to, and the vault; and a client older than its server named with the command that installs the right one.
 */
@ExtendWith(RealParts.class)
class DoctorCommandIT {
    private static String url(String scheme, DatabaseTarget t) {
        return scheme + "://" + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database();
    }

    @Test
    void theServersVersions_theAccount_andTheVault_areEachChecked(
            PostgresServer pg, MariaDbServer my, MotoServer moto, @TempDir Path dir) throws Exception {
        DatabaseTarget postgres = pg.newDatabase("doctor");
        DatabaseTarget mariadb = my.newDatabase("doctor");
        String bucket = moto.newBucket(moto.s3(), true);
        Map<String, String> env = new HashMap<>(Map.of(
                "PGPASSWORD", pg.password(),
                "MYSQL_PWD", my.password(),
                "AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", MotoServer.REGION.id(),
                "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing"));
        String pgUrl = url("postgresql", postgres);
        String myUrl = url("mariadb", mariadb);
        String vault = "s3://" + bucket + "/lifeboat";

        LifeboatJarIT.Run ok =
                LifeboatJarIT.lifeboat(env, "doctor", "--source", pgUrl, "--source", myUrl, "--vault", vault);

        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out())
                .containsPattern("ok       " + java.util.regex.Pattern.quote(pgUrl)
                        + ": postgresql \\d+\\.\\d+.*: the client tools are at least as new")
                .containsPattern("ok       " + java.util.regex.Pattern.quote(myUrl)
                        + ": mariadb \\d+\\.\\d+.*: the client tools are at least as new")
                .containsPattern("ok       account \\d{12} as arn:aws:[^ ]+, Region " + MotoServer.REGION.id())
                .contains("ok       " + vault + ": backups of 0 database(s)")
                .contains("All there.");
        assertThat(ok.out() + ok.err()).doesNotContain(pg.password()).doesNotContain(my.password());

        // A pg_dump older than the server: named, with the command that installs the server's major.
        Path old = Files.createDirectories(dir.resolve("old-pg"));
        for (String tool : new String[] {"pg_dump", "pg_restore", "psql"}) {
            Path p = old.resolve(tool);
            Files.writeString(p, "#!/bin/sh\necho '" + tool + " (PostgreSQL) 9.6.24'\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        env.put("LIFEBOAT_PG_BIN", old.toString());
        LifeboatJarIT.Run tooOld = LifeboatJarIT.lifeboat(env, "doctor", "--source", pgUrl);
        assertThat(tooOld.exit()).as(tooOld.out()).isEqualTo(ExitCode.FAILED);
        int major;
        try (var c = pg.connect("postgres")) {
            major = c.getMetaData().getDatabaseMajorVersion();
        }
        assertThat(tooOld.out())
                .contains("PROBLEM  " + pgUrl + ": postgresql " + major)
                .contains("pg_dump 9.6.24 is older than the server")
                .contains("sudo apt-get install postgresql-client-" + major);
    }
}
