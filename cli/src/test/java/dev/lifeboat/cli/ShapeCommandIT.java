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
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 14 against moto: {@code lifeboat snapshot} records the database's shape in the vault with its copy;
 * {@code lifeboat shape} prints it, and {@code --diff} shows what changed in the live database since, or that it is
 * gone.
 */
@ExtendWith(RealParts.class)
class ShapeCommandIT {
    private static String backupKey(MotoServer moto) {
        try (var kms = software.amazon.awssdk.services.kms.KmsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            return kms.createKey(b -> b.description("lifeboat backup"))
                    .keyMetadata()
                    .arn();
        }
    }

    @Test
    void theSnapshotRunRecordsTheShape_shapePrintsIt_andDiffShowsDrift(MotoServer moto, @TempDir Path dir)
            throws IOException {
        String db = "sh" + UUID.randomUUID().toString().substring(0, 6);
        String bucket;
        try (S3Client s3 = moto.s3()) {
            bucket = moto.newBucket(s3, true);
        }
        Path config = dir.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup:
                  account: "123456789012"
                  region: eu-central-1
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  %s:
                    engine: postgres
                    source:
                      account: "123456789012"
                      region: eu-west-1
                      instance: %s-prod
                      roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                      externalId: lifeboat-shape
                    snapshot: {mode: create}
                    retention: {daily: 7}
                """.formatted(backupKey(moto), bucket, db, db));
        try (RdsClient rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            rds.createDBParameterGroup(b -> b.dbParameterGroupName(db + "-pg")
                    .dbParameterGroupFamily("postgres16")
                    .description("prod"));
            rds.modifyDBParameterGroup(b -> b.dbParameterGroupName(db + "-pg")
                    .parameters(Parameter.builder()
                            .parameterName("work_mem")
                            .parameterValue("65536")
                            .applyMethod(ApplyMethod.IMMEDIATE)
                            .build()));
            rds.createDBInstance(b -> b.dbInstanceIdentifier(db + "-prod")
                    .engine("postgres")
                    .engineVersion("16.4")
                    .dbInstanceClass("db.m6g.large")
                    .allocatedStorage(50)
                    .dbParameterGroupName(db + "-pg")
                    .masterUsername("app")
                    .masterUserPassword("not-a-real-password-1"));
            InProcessLifeboat cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");

            assertThat(cli.run(
                            "snapshot",
                            "--config",
                            config.toString(),
                            "--database",
                            db,
                            "--wait",
                            "--poll-seconds",
                            "1"))
                    .as(cli.err())
                    .isZero();
            assertThat(cli.err()).doesNotContain("shape was not recorded");

            assertThat(cli.run("shape", "--config", config.toString(), "--database", db))
                    .as(cli.err())
                    .isZero();
            assertThat(cli.out())
                    .contains("instanceClass: db.m6g.large")
                    .contains("parameterGroup.name: " + db + "-pg")
                    .contains("value: 65536")
                    .doesNotContain("not-a-real-password-1");

            assertThat(cli.run("shape", "--config", config.toString(), "--database", db, "--diff"))
                    .as(cli.err())
                    .isZero();
            assertThat(cli.out()).contains("live: the same as recorded");

            rds.modifyDBInstance(b -> b.dbInstanceIdentifier(db + "-prod")
                    .dbInstanceClass("db.t4g.micro")
                    .applyImmediately(true));
            assertThat(cli.run("shape", "--config", config.toString(), "--database", db, "--diff"))
                    .isEqualTo(ExitCode.FAILED);
            assertThat(cli.out()).contains("instanceClass: db.m6g.large -> db.t4g.micro");

            rds.deleteDBInstance(b -> b.dbInstanceIdentifier(db + "-prod").skipFinalSnapshot(true));
            assertThat(cli.run("shape", "--config", config.toString(), "--database", db, "--diff"))
                    .isEqualTo(ExitCode.FAILED);
            assertThat(cli.out()).contains("does not exist").contains("lifeboat restore --from snapshot");
        }
    }
}
