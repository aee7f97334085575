package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Issue 12: `lifeboat audit` against moto's RDS: a protected database, one without deletion protection, one
 * without automated backups, and one lifeboat.yml does not know, each reported with its severity; a Region with
 * only the protected one is clean. A Region of its own keeps other tests' instances out.
 */
@ExtendWith(RealParts.class)
class AuditCommandIT {
    private static final String ACCOUNT = "123456789012";

    private static void instance(RdsClient rds, String id, boolean protect, int retention) {
        rds.createDBInstance(b -> b.dbInstanceIdentifier(id)
                .engine("postgres")
                .dbInstanceClass("db.t4g.micro")
                .allocatedStorage(20)
                .masterUsername("admin")
                .masterUserPassword("not-a-real-password-1")
                .deletionProtection(protect)
                .backupRetentionPeriod(retention));
    }

    private static String database(String id, String instance, String region) {
        return """
                  %s:
                    engine: postgres
                    source:
                      account: "%s"
                      region: %s
                      instance: %s
                      roleArn: arn:aws:iam::%s:role/lifeboat-source
                      externalId: lifeboat-%s
                    retention: {daily: 7}
                """.formatted(id, ACCOUNT, region, instance, ACCOUNT, id);
    }

    @Test
    void eachFailureModeIsReported_withItsSeverity_andACleanRegionIsClean(MotoServer moto, @TempDir Path dir)
            throws IOException {
        String s = UUID.randomUUID().toString().substring(0, 6);
        String region = "ap-southeast-2";
        try (RdsClient rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            instance(rds, "good-" + s, true, 7);
            instance(rds, "open-" + s, false, 7);
            instance(rds, "nobackups-" + s, true, 0);
            instance(rds, "stranger-" + s, true, 7);
        }
        Path config = dir.resolve("lifeboat.yml");
        Files.writeString(
                config,
                """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                  vaultRetentionDays: 1098
                databases:
                """ + database("good", "good-" + s, region) + database("open", "open-" + s, region)
                        + database("nobackups", "nobackups-" + s, region));
        InProcessLifeboat cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");

        assertThat(cli.run("audit", "--config", config.toString()))
                .as(cli.err())
                .isEqualTo(1);
        String where = ACCOUNT + "/" + region;
        assertThat(cli.out())
                .contains("HIGH   " + where + " open-" + s + ": deletion protection is off")
                .contains("HIGH   " + where + " nobackups-" + s + ": automated backups are off (retention 0)")
                .contains("HIGH   " + where + " stranger-" + s + ": not protected by Lifeboat")
                .contains("HIGH   " + where + " " + dev.lifeboat.protocol.Names.INCIDENT_RULES.getFirst()
                        + ": the incident forwarding rule is missing")
                .doesNotContain("good-" + s + ":");

        String quiet = "ap-northeast-3";
        try (RdsClient rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(quiet))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            instance(rds, "alone-" + s, true, 7);
        }
        // Its incident forwarding, as the source stack makes it: every rule there, enabled, aimed at the backup bus.
        try (var events = software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(quiet))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            for (String name : dev.lifeboat.protocol.Names.INCIDENT_RULES) {
                events.putRule(b -> b.name(name).eventPattern("{\"source\": [\"aws.rds\"]}"));
                events.putTargets(b -> b.rule(name)
                        .targets(software.amazon.awssdk.services.eventbridge.model.Target.builder()
                                .id("backup-account")
                                .arn(dev.lifeboat.protocol.Names.backupBusArn("222222222222", "eu-central-1"))
                                .build()));
            }
        }
        Path clean = dir.resolve("clean.yml");
        Files.writeString(clean, """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                  vaultRetentionDays: 1098
                databases:
                """ + database("alone", "alone-" + s, quiet));
        assertThat(cli.run("audit", "--config", clean.toString(), "--format", "json"))
                .as(cli.out())
                .isZero();
        assertThat(cli.out().trim()).isEqualTo("[ ]");
    }
}
