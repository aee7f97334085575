package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 38, item 2: at TRACE, the most a user can ask for, the packaged command line prints no row value and no
 * secret. The dump is uncompressed, so a wire logger that printed the uploaded or downloaded bytes would print the
 * canary as it is (it did: the Apache HTTP client's {@code org.apache.hc.client5.http.wire} at DEBUG).
 */
@ExtendWith(RealParts.class)
class NoDataInLogsIT {
    @Test
    void aDumpAndRestoreThroughS3_atTrace_printNoRowValueAndNoSecret(MariaDbServer db, MotoServer moto) {
        String canary = "canary-" + UUID.randomUUID();
        DatabaseTarget source = db.newDatabase("logs_src");
        db.execute(
                source.database(),
                "CREATE TABLE secrets_of_users (id INT PRIMARY KEY, note VARCHAR(200)); INSERT INTO secrets_of_users"
                        + " VALUES (1, '" + canary + "'), (2, CONCAT('" + canary + "', '-two'))");
        String bucket = moto.newBucket(moto.s3(), true);
        Map<String, String> env = new HashMap<>(Map.of(
                "MYSQL_PWD", db.password(),
                "AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", MotoServer.REGION.id(),
                "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing-secret-key-never-printed"));
        env.put("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");
        String vault = "s3://" + bucket + "/lifeboat";
        String url = "mariadb://" + source.user() + "@" + source.host() + ":" + source.port() + "/";

        LifeboatJarIT.Run dump = LifeboatJarIT.lifeboat(
                env,
                "dump",
                "--source",
                url + source.database(),
                "--vault",
                vault,
                "--database",
                "logs",
                "--compression",
                "none",
                "--object-lock-mode",
                "GOVERNANCE",
                "--object-lock-days",
                "1");
        DatabaseTarget target = db.target(PostgresServer.uniqueName("logs_restored"));
        LifeboatJarIT.Run restore = LifeboatJarIT.lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                vault,
                "--database",
                "logs",
                "--target",
                url + target.database(),
                "--create");

        assertThat(dump.exit()).as(dump.err()).isZero();
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(Fingerprint.of(db, target.database())).isEqualTo(Fingerprint.of(db, source.database()));
        String output = dump.out() + dump.err() + restore.out() + restore.err();
        assertThat(output)
                .as("TRACE was on: the SDK's own trace lines are there")
                .contains("TRACE");
        assertThat(output)
                .doesNotContain(canary)
                .doesNotContain(db.password())
                .doesNotContain("testing-secret-key-never-printed")
                .doesNotContain("Authorization: AWS4");
    }
}
