package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/** lifeboat restore --from snapshot against a backup copy in moto: the plan, the refusal, the restore. */
@ExtendWith(RealParts.class)
class RestoreCommandIT {
    private final String db = "inv" + UUID.randomUUID().toString().substring(0, 6);
    private MotoServer moto;
    private Path config;
    private RdsClient rds;

    @BeforeEach
    void setUp(MotoServer moto, @TempDir Path dir) throws IOException {
        this.moto = moto;
        config = dir.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup:
                  account: "123456789012"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:123456789012:key/backup
                databases:
                  %s:
                    engine: postgres
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: %s-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-inv
                    retention: {daily: 7}
                """.formatted(db, db));
        rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        rds.createDBInstance(b -> b.dbInstanceIdentifier("holder-" + db)
                .engine("postgres")
                .dbInstanceClass("db.t4g.micro")
                .allocatedStorage(20)
                .masterUsername("admin")
                .masterUserPassword("not-a-real-password-1"));
        rds.createDBSnapshot(b -> b.dbInstanceIdentifier("holder-" + db)
                .dbSnapshotIdentifier("lifeboat-" + db + "-20261125-0300")
                .tags(
                        tag("lifeboat:managed-by", "lifeboat"),
                        tag("lifeboat:database", db),
                        tag("lifeboat:role", "backup"),
                        tag("lifeboat:source-snapshot-time", "2026-11-25T03:00:00Z")));
    }

    private static Tag tag(String k, String v) {
        return Tag.builder().key(k).value(v).build();
    }

    private InProcessLifeboat cli;

    private int lifeboat(String... args) {
        if (cli == null) {
            cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");
        }
        return cli.run(args);
    }

    private boolean exists(String id) {
        return rds.describeDBInstances().dbInstances().stream()
                .anyMatch(i -> i.dbInstanceIdentifier().equals(id));
    }

    @Test
    void dryRunPrintsThePlan_thenTheRestoreMakesTheInstance_andARepeatIsRefused() {
        String target = db + "-restored";

        assertThat(lifeboat(
                        "restore",
                        "--config",
                        config.toString(),
                        "--database",
                        db,
                        "--from",
                        "snapshot",
                        "--target-instance",
                        target,
                        "--subnet-group",
                        "rescue",
                        "--dry-run"))
                .as(cli.err())
                .isZero();
        assertThat(cli.out())
                .contains("123456789012 eu-central-1  RestoreDBInstanceFromDBSnapshot")
                .contains("DBInstanceIdentifier=" + target)
                .contains("DBSubnetGroupName=rescue")
                .contains("DeletionProtection=true")
                .contains("dry run: nothing was changed");
        assertThat(exists(target)).isFalse();

        assertThat(lifeboat(
                        "restore",
                        "--config",
                        config.toString(),
                        "--database",
                        db,
                        "--from",
                        "snapshot",
                        "--target-instance",
                        target,
                        "--poll-seconds",
                        "1"))
                .as(cli.err())
                .isZero();
        assertThat(cli.out()).contains("restored " + target + ": endpoint ").contains("measured recovery time");
        assertThat(rds.describeDBInstances(b -> b.dbInstanceIdentifier(target))
                        .dbInstances()
                        .getFirst()
                        .deletionProtection())
                .isTrue();

        assertThat(lifeboat(
                        "restore",
                        "--config",
                        config.toString(),
                        "--database",
                        db,
                        "--from",
                        "snapshot",
                        "--target-instance",
                        "holder-" + db))
                .isEqualTo(ExitCode.REFUSED);
        assertThat(cli.err()).contains("holder-" + db + " already exists").contains("choose a new --target-instance");
    }

    @Test
    void badChoices_areNamed() {
        assertThat(lifeboat("restore", "--config", config.toString(), "--database", db, "--from", "tape"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("--from 'tape' must be snapshot or dump");
        assertThat(lifeboat(
                        "restore",
                        "--config",
                        config.toString(),
                        "--database",
                        db,
                        "--from",
                        "snapshot",
                        "--target-instance",
                        "x-1",
                        "--target-account",
                        "999999999999",
                        "--target-kms-key",
                        "k"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err())
                .contains("target account 999999999999 is not in the configuration")
                .contains("123456789012, 111111111111");
        assertThat(lifeboat(
                        "restore",
                        "--config",
                        config.toString(),
                        "--database",
                        db,
                        "--from",
                        "snapshot",
                        "--backup",
                        "lifeboat-nope",
                        "--target-instance",
                        "x-2"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("no copy named lifeboat-nope").contains("lifeboat-" + db + "-20261125-0300");
    }
}
