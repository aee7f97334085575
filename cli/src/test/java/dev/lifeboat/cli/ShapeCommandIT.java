package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
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
    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

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
    void theSnapshotRunRecordsTheShape_shapePrintsIt_andDiffShowsDrift(
            MotoServer moto, PostgresServer pg, @TempDir Path dir) throws IOException {
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
                    .contains("writtenBy: "
                            + dev.lifeboat.protocol.BuildInfo.current().version())
                    .doesNotContain("not-a-real-password-1");
            assertThat(cli.err()).doesNotContain("note:");

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

            // Issue 39: a record a newer Lifeboat wrote is printed with a note: this reader may not know its fields.
            try (S3Client s3 = moto.s3()) {
                String key = s3.listObjectsV2(b -> b.bucket(bucket).prefix("lifeboat/shapes/" + db + "/"))
                        .contents()
                        .getFirst()
                        .key();
                String json =
                        s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
                s3.putObject(
                        b -> b.bucket(bucket).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromString(
                                json.replaceFirst("\"writtenBy\" : \"[^\"]*\"", "\"writtenBy\" : \"99.0.0\"")));
            }
            assertThat(cli.run("shape", "--config", config.toString(), "--database", db))
                    .as(cli.err())
                    .isZero();
            assertThat(cli.err()).contains("note: the shape of ").contains("written by Lifeboat 99.0.0, newer than");

            // The copies unusable: a dump loaded into a new instance made in the recorded shape. moto's instance has
            // no database behind its endpoint, so the load fails after the instance is made; the plan, the instance's
            // values, the stored password and the message are what this proves (CreatingInstanceTest the load).
            DatabaseTarget src = pg.newDatabase("shapedump");
            Fixtures.loadTricky(pg, src.database());
            cli.env("PGPASSWORD", pg.password());
            assertThat(cli.run(
                            "dump",
                            "--source",
                            "postgresql://" + src.user() + "@" + src.host() + ":" + src.port() + "/" + src.database(),
                            "--vault",
                            "s3://" + bucket + "/lifeboat",
                            "--database",
                            db))
                    .as(cli.err())
                    .isZero();
            // The recorded network is in eu-west-1; the instance goes into the backup Region: a network made there.
            String subnetA;
            String subnetB;
            try (var ec2 = software.amazon.awssdk.services.ec2.Ec2Client.builder()
                    .endpointOverride(URI.create(moto.endpoint()))
                    .region(Region.EU_CENTRAL_1)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build()) {
                String vpc =
                        ec2.createVpc(b -> b.cidrBlock("10.40.0.0/16")).vpc().vpcId();
                subnetA = ec2.createSubnet(
                                b -> b.vpcId(vpc).cidrBlock("10.40.1.0/24").availabilityZone("eu-central-1a"))
                        .subnet()
                        .subnetId();
                subnetB = ec2.createSubnet(
                                b -> b.vpcId(vpc).cidrBlock("10.40.2.0/24").availabilityZone("eu-central-1b"))
                        .subnet()
                        .subnetId();
            }
            String[] intoNew = {
                "restore",
                "--config",
                config.toString(),
                "--database",
                db,
                "--from",
                "dump",
                "--create-instance",
                db + "-from-dump",
                "--create-network",
                "--subnet",
                subnetA,
                "--subnet",
                subnetB
            };
            // Without a network: the recorded one is in eu-west-1, so it is refused, naming what to pass.
            assertThat(cli.run(java.util.Arrays.copyOf(intoNew, 9))).isEqualTo(ExitCode.REFUSED);
            assertThat(cli.err()).contains("no longer exist").contains("--create-network");
            assertThat(cli.run(concat(intoNew, "--dry-run"))).as(cli.err()).isZero();
            assertThat(cli.out())
                    .contains("DBInstanceClass              db.m6g.large")
                    .contains("CreateDBInstance  DBInstanceIdentifier=" + db + "-from-dump")
                    .contains("secretsmanager:CreateSecret  lifeboat/restore/" + db + "-from-dump");
            RdsClient backupRds = RdsClient.builder()
                    .endpointOverride(URI.create(moto.endpoint()))
                    .region(Region.EU_CENTRAL_1)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build();
            assertThat(backupRds.describeDBInstances().dbInstances())
                    .noneMatch(i -> i.dbInstanceIdentifier().equals(db + "-from-dump"));

            // To a moment (issue 40): a dump with no binlog position cannot start it, refused before an instance is
            // made.
            assertThat(cli.run(concat(intoNew, "--to-time", "2026-01-01T00:00:00Z")))
                    .as(cli.err())
                    .isEqualTo(ExitCode.REFUSED);
            assertThat(cli.err()).contains("cannot restore " + db + " to 2026-01-01T00:00:00Z");
            assertThat(backupRds.describeDBInstances().dbInstances())
                    .noneMatch(i -> i.dbInstanceIdentifier().equals(db + "-from-dump"));

            assertThat(cli.run(intoNew)).isEqualTo(ExitCode.FAILED);
            var made = backupRds
                    .describeDBInstances(b -> b.dbInstanceIdentifier(db + "-from-dump"))
                    .dbInstances()
                    .getFirst();
            assertThat(made.dbInstanceClass())
                    .as("the recorded class, not the live one")
                    .isEqualTo("db.m6g.large");
            assertThat(made.masterUsername()).isEqualTo("lifeboat");
            assertThat(made.storageEncrypted()).isTrue();
            assertThat(made.deletionProtection()).isTrue();
            // Its password went to Secrets Manager only (CreatingInstanceTest checks the secret and that the password
            // reaches no output); here, where the command says it is.
            assertThat(cli.out() + cli.err()).contains("lifeboat/restore/" + db + "-from-dump");
            // Run again: it finds the instance it made and says how to load the dump, instead of making another.
            assertThat(cli.run(intoNew)).isEqualTo(ExitCode.FAILED);
            assertThat(cli.err())
                    .contains("exists already, made by an earlier run")
                    .contains("lifeboat/restore/");
            backupRds.close();

            rds.deleteDBInstance(b -> b.dbInstanceIdentifier(db + "-prod").skipFinalSnapshot(true));
            assertThat(cli.run("shape", "--config", config.toString(), "--database", db, "--diff"))
                    .isEqualTo(ExitCode.FAILED);
            assertThat(cli.out()).contains("does not exist").contains("lifeboat restore --from snapshot");
        }
    }
}
