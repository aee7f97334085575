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
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * {@code lifeboat preflight} against moto: the calls it makes for real (assume the source role, describe the
 * database, describe the keys) answer as moto answers them; moto has no IAM policy simulation, and preflight says
 * so, check by check, rather than passing what it could not check (the simulation itself is tested against the
 * IAM model in PreflightTest).
 */
@ExtendWith(RealParts.class)
class PreflightCommandIT {
    @Test
    void reportsWhatItCouldCheck_andRefusesToCallReadyWhatItCouldNot(MotoServer moto, @TempDir Path dir)
            throws IOException {
        String db = "pf" + UUID.randomUUID().toString().substring(0, 6);
        String key;
        try (KmsClient kms = KmsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            key = kms.createKey(b -> b.description("lifeboat preflight test"))
                    .keyMetadata()
                    .arn();
        }
        try (RdsClient rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            rds.createDBInstance(b -> b.dbInstanceIdentifier(db + "-prod")
                    .engine("postgres")
                    .dbInstanceClass("db.t4g.micro")
                    .allocatedStorage(20)
                    .masterUsername("admin")
                    .masterUserPassword("not-a-real-password-1"));
        }
        Path config = dir.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup:
                  account: "123456789012"
                  region: eu-central-1
                  kmsKeyArn: %s
                  vaultRetentionDays: 1098
                databases:
                  %s:
                    engine: postgres
                    source:
                      account: "123456789012"
                      region: eu-west-1
                      instance: %s-prod
                      roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                      externalId: lifeboat-%s
                    retention: {daily: 7}
                  gone:
                    engine: postgres
                    source:
                      account: "123456789012"
                      region: eu-west-1
                      instance: gone-%s
                      roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                      externalId: lifeboat-gone
                    retention: {daily: 7}
                """.formatted(key, db, db, db, db));
        InProcessLifeboat cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");

        int code = cli.run("preflight", "--config", config.toString());

        assertThat(code).as(cli.err()).isEqualTo(1);
        assertThat(cli.out())
                .contains("ok   *            backup key " + key)
                .contains("ok   " + db)
                .contains("source instance " + db + "-prod in 123456789012/eu-west-1")
                .contains("FAIL gone         source instance gone-" + db + " in 123456789012/eu-west-1")
                .contains("IAM's policy simulation failed")
                .contains("not ready:");
    }
}
