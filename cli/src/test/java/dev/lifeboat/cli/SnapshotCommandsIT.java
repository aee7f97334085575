package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/** lifeboat list --snapshots and prune against backup-account copies in moto (its default account). */
@ExtendWith(RealParts.class)
class SnapshotCommandsIT {
    private final String db = "shop" + UUID.randomUUID().toString().substring(0, 6);
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
                  vaultRetentionDays: 1098
                databases:
                  %s:
                    engine: postgres
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: shop-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-shop
                    retention: {daily: 7, weekly: 4, monthly: 12, yearly: 3}
                """.formatted(db));
        rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        String instance = "holder-" + db;
        rds.createDBInstance(b -> b.dbInstanceIdentifier(instance)
                .engine("postgres")
                .dbInstanceClass("db.t4g.micro")
                .allocatedStorage(20)
                .masterUsername("admin")
                .masterUserPassword("not-a-real-password-1"));
        // Ten daily copies, as ten runs of the pipeline would have left them, plus one that is not Lifeboat's.
        for (int d = 1; d <= 10; d++) {
            LocalDate day = LocalDate.of(2025, 3, d);
            String time = day.atTime(3, 0).toInstant(ZoneOffset.UTC).toString();
            String id = "lifeboat-" + db + "-" + day.toString().replace("-", "") + "-0300";
            rds.createDBSnapshot(b -> b.dbInstanceIdentifier(instance)
                    .dbSnapshotIdentifier(id)
                    .tags(
                            tag("lifeboat:managed-by", "lifeboat"),
                            tag("lifeboat:database", db),
                            tag("lifeboat:role", "backup"),
                            tag("lifeboat:source-snapshot-time", time),
                            tag("lifeboat:source-account", "111111111111"),
                            tag("lifeboat:engine", "postgres")));
        }
        rds.createDBSnapshot(b -> b.dbInstanceIdentifier(instance)
                .dbSnapshotIdentifier("someone-elses-" + db)
                .tags(tag("lifeboat:database", db)));
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

    private long copiesLeft() {
        return rds.describeDBSnapshots(
                        b -> b.dbInstanceIdentifier("holder-" + db).snapshotType("manual"))
                .dbSnapshots()
                .size();
    }

    /**
     * moto stamps each copy with the time it made it (OriginalSnapshotCreateTime), and retention reads that,
     * never the source-time tag (production writes those): ten copies made seconds apart, seen three days
     * later, keep the 7 newest (the daily floor) and delete the 3 oldest, within the brake.
     */
    @Test
    void pruneDryRun_listsWhatItWouldDelete_thenPruneDeletesExactlyThat() {
        assertThat(lifeboat("list", "--snapshots", "--config", config.toString()))
                .as(cli.err())
                .isZero();
        assertThat(cli.out()).contains("lifeboat-" + db + "-20250310-0300").doesNotContain("someone-elses");

        assertThat(lifeboat("prune", "--config", config.toString(), "--dry-run"))
                .as(cli.err())
                .isZero();
        assertThat(cli.out()).as("all younger than a day: none may go").contains(db + ": keep 10, would delete 0");

        cli.at(Clock.offset(Clock.systemUTC(), Duration.ofDays(3)));
        assertThat(lifeboat("prune", "--config", config.toString(), "--dry-run"))
                .as(cli.err())
                .isZero();
        assertThat(cli.out())
                .contains(db + ": keep 7, would delete 3")
                .contains("would delete lifeboat-" + db + "-20250301-0300")
                .contains("would delete lifeboat-" + db + "-20250302-0300")
                .contains("would delete lifeboat-" + db + "-20250303-0300");
        assertThat(copiesLeft()).isEqualTo(11);

        assertThat(lifeboat("prune", "--config", config.toString()))
                .as(cli.err())
                .isZero();
        assertThat(cli.out()).contains(db + ": keep 7, deleted 3");
        assertThat(copiesLeft())
                .as("the copy Lifeboat did not make is untouched")
                .isEqualTo(8);
    }

    @Test
    void theBrake_refusesAPruneThatWouldDeleteMoreThanNormalAging_untilAnOperatorConfirmsIt() throws IOException {
        Files.writeString(
                config, Files.readString(config).replace("daily: 7, weekly: 4, monthly: 12, yearly: 3", "daily: 2"));
        cli = null;
        lifeboat("list", "--snapshots", "--config", config.toString());
        cli.at(Clock.offset(Clock.systemUTC(), Duration.ofDays(3)));

        assertThat(lifeboat("prune", "--config", config.toString())).isEqualTo(ExitCode.REFUSED);
        assertThat(cli.err())
                .contains("would delete 8 copies at once")
                .contains("nothing was deleted")
                .contains("--allow-deletes 8");
        assertThat(copiesLeft()).isEqualTo(11);

        assertThat(lifeboat("prune", "--config", config.toString(), "--database", db, "--allow-deletes", "8"))
                .as(cli.err())
                .isZero();
        assertThat(copiesLeft()).isEqualTo(3);
    }

    @Test
    void aBadConfiguration_orRunTime_isNamed_andNothingHappens(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(
                bad, Files.readString(config).replace("daily: 7, weekly: 4, monthly: 12, yearly: 3", "daily: 0"));

        assertThat(lifeboat("prune", "--config", bad.toString())).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("databases." + db + ".retention: keeps nothing");
        assertThat(lifeboat("snapshot", "--config", config.toString(), "--database", db, "--run", "yesterday"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("--run 'yesterday' is not an ISO-8601 UTC time");
        assertThat(lifeboat("snapshot", "--config", config.toString(), "--database", "billing"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("database 'billing' is not in the configuration");
        assertThat(copiesLeft()).isEqualTo(11);
    }
}
