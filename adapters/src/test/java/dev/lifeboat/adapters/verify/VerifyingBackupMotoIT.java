package dev.lifeboat.adapters.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.rds.AwsRdsGateway;
import dev.lifeboat.adapters.secrets.SecretsManagerStore;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.verify.VerifyingBackup;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A verification run with moto for every AWS call (restore, password, delete, tags, Secrets Manager)
 * and a real MariaDB for the data: the throwaway instance's endpoint resolves to the local server,
 * where the copy's data is loaded the first time the endpoint is used.
 */
@ExtendWith(RealParts.class)
class VerifyingBackupMotoIT {

    @Test
    void aVerificationAgainstMoto_withMariaDbData_passes_andLeavesNoInstanceOrSecret(
            MotoServer moto, MariaDbServer maria, @TempDir Path dir) {
        String db = "shop" + UUID.randomUUID().toString().substring(0, 6);
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        DatabaseTarget source = maria.newDatabase("vsrc");
        maria.execute(
                source.database(),
                "CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2));"
                        + "INSERT INTO products SELECT seq, CONCAT('p', seq), seq / 3 FROM seq_1_to_300;"
                        + "CREATE TABLE sales (id INT PRIMARY KEY, product INT, qty INT); INSERT INTO sales SELECT seq, seq % 300 + 1, seq % 7 FROM seq_1_to_2000");
        DumpManifest manifest = new TakingDump(
                        vault,
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        Clock.systemUTC(),
                        TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command(db, source, null, null))
                .manifest();

        // The backup copy in moto (its default account), tagged as the pipeline tags its copies.
        RdsClient rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        // moto models no "mariadb" engine defaults; the copy's RDS engine does not matter to the checks.
        rds.createDBInstance(b -> b.dbInstanceIdentifier("holder-" + db)
                .engine("mysql")
                .dbInstanceClass("db.t4g.micro")
                .allocatedStorage(20)
                .masterUsername("shopadmin")
                .masterUserPassword("not-a-real-password-1"));
        rds.createDBSnapshot(b -> b.dbInstanceIdentifier("holder-" + db)
                .dbSnapshotIdentifier("lifeboat-" + db + "-20261125-0300")
                .tags(
                        tag("lifeboat:managed-by", "lifeboat"),
                        tag("lifeboat:database", db),
                        tag("lifeboat:role", "backup"),
                        tag("lifeboat:source-snapshot-time", "2026-11-25T03:00:00Z")));
        LifeboatConfig config = ConfigLoader.parse("""
                backup:
                  account: "123456789012"
                  region: eu-west-1
                  kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/backup
                databases:
                  %s:
                    engine: mariadb
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: shop-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-shop
                    retention: {daily: 7}
                    dump:
                      secretArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop-AbCdEf
                      dbname: shop
                    verify:
                      assertions:
                        - {name: every sale has a product, sql: "SELECT COUNT(*) FROM sales s LEFT JOIN products p ON p.id = s.product WHERE p.id IS NULL", expect: "= 0"}
                """.formatted(db), "test");

        Map<String, String> loaded = new HashMap<>();
        StsClient sts = StsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        AwsRdsGateway gateway = new AwsRdsGateway(
                new AccountCredentials(
                        "123456789012",
                        Map.of(),
                        sts,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))),
                moto.clients());
        String prefix = "vm" + db.substring(4) + "_";
        VerifyingBackup verifying = new VerifyingBackup(
                gateway,
                vault,
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                new SecretsManagerStore(moto.secretsManager()),
                (engine, endpoint, database, user, password) -> {
                    // The local server stands in for the instance: its login is the one Lifeboat just set.
                    maria.execute(
                            "",
                            "CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password.reveal() + "';"
                                    + "ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + password.reveal() + "';"
                                    + "GRANT ALL ON *.* TO '" + user + "'@'%'");
                    if (loaded.putIfAbsent(endpoint, "yes") == null) {
                        new RestoringDump(
                                        vault,
                                        new JdbcInspector(),
                                        ProcessDumpTools.fromEnvironment(),
                                        Clock.systemUTC(),
                                        Duration.ofMinutes(5))
                                .restore(new RestoringDump.Command(
                                        db,
                                        manifest.backupId(),
                                        maria.target(prefix + "shop"),
                                        true,
                                        false,
                                        false,
                                        null));
                    }
                    return new DatabaseTarget(
                            DatabaseEngine.MARIADB, maria.host(), maria.port(), prefix + database, user, password);
                },
                Clock.systemUTC(),
                d -> Thread.sleep(Math.min(d.toMillis(), 200)));

        VerifyingBackup.Report r = verifying.verify(config, db, Duration.ofMinutes(10));

        assertThat(r.checks())
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(r.success()).isTrue();
        assertThat(r.cleanedUp()).isTrue();
        assertThat(rds.describeDBInstances().dbInstances())
                .noneMatch(i -> i.dbInstanceIdentifier().equals(r.instance()));
        assertThat(moto.secretsManager().listSecrets().secretList())
                .noneMatch(s -> s.name().contains(r.instance()));
    }

    private static Tag tag(String k, String v) {
        return Tag.builder().key(k).value(v).build();
    }
}
