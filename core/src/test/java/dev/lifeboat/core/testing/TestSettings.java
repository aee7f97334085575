package dev.lifeboat.core.testing;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.Backup;
import dev.lifeboat.core.config.LifeboatConfig.Database;
import dev.lifeboat.core.config.LifeboatConfig.DumpSettings;
import dev.lifeboat.core.config.LifeboatConfig.Retention;
import dev.lifeboat.core.config.LifeboatConfig.Schedules;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.config.LifeboatConfig.Source;
import dev.lifeboat.core.config.LifeboatConfig.VerifySettings;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DbKind;
import java.util.List;
import java.util.Map;

/**
 * The settings the use-case tests run with, built as values: the core reads no YAML (the config module
 * does, and its tests check that lifeboat.yml maps onto these same records). One database "orders",
 * PostgreSQL instance orders-prod in 111111111111/eu-west-1, backed up into 222222222222/eu-central-1.
 */
public final class TestSettings {
    public static final String PROD = "111111111111";
    public static final String BACKUP = "222222222222";

    private TestSettings() {}

    /** The defaults of a lifeboat.yml that sets only the required fields, and {@code retention: {daily: 7}}. */
    public static LifeboatConfig orders() {
        return orders(
                BACKUP,
                SnapshotSettings.builder()
                        .mode(Mode.COPY_AUTOMATED)
                        .copyStrategy(CopyStrategy.AUTO)
                        .build(),
                null,
                Retention.of(7, 0, 0, 0));
    }

    /**
     * The snapshot pipeline's settings: a staging key in the source Region, GFS 7/4/12/3.
     *
     * @param backupAccount the backup account (the source account itself for a same-account backup)
     * @param shareKmsKeyArn the source account's share key, or null
     */
    public static LifeboatConfig pipeline(
            String backupAccount, Mode mode, CopyStrategy strategy, String shareKmsKeyArn) {
        return orders(
                backupAccount,
                SnapshotSettings.builder()
                        .mode(mode)
                        .copyStrategy(strategy)
                        .stagingKmsKeyArn("arn:aws:kms:eu-west-1:" + backupAccount + ":key/staging")
                        .build(),
                shareKmsKeyArn,
                Retention.of(7, 4, 12, 3));
    }

    /** {@code config} with orders dumped (from a secret) and its dumps routed by {@code runOn}, above {@code bytes}. */
    public static LifeboatConfig dumpsRunningOn(
            LifeboatConfig config, dev.lifeboat.core.model.RunOn runOn, Long bytes) {
        Database d = config.database("orders");
        DumpSettings dump = DumpSettings.builder()
                .secretArn("arn:aws:secretsmanager:eu-west-1:" + PROD + ":secret:orders-AbCdEf")
                .vpcId("vpc-0a1b2c3d4e5f60718")
                .subnetIds(List.of("subnet-0a1b2c3d4e5f60718"))
                .securityGroupIds(List.of("sg-0a1b2c3d4e5f60718"))
                .runOn(runOn)
                .fargateAboveBytes(bytes)
                .build();
        Database dumped = new Database(
                d.id(), d.engine(), d.source(), d.snapshot(), d.retention(), d.schedules(), dump, d.verify());
        return LifeboatConfig.builder()
                .backup(config.backup())
                .databases(Map.of("orders", dumped))
                .document("{}")
                .build();
    }

    private static LifeboatConfig orders(
            String backupAccount, SnapshotSettings snapshot, String shareKmsKeyArn, Retention retention) {
        Backup backup = Backup.builder()
                .account(backupAccount)
                .region("eu-central-1")
                .kmsKeyArn("arn:aws:kms:eu-central-1:" + backupAccount + ":key/backup")
                .vaultRetentionDays(35)
                .vaultColdAfterDays(30)
                .build();
        Source source = Source.builder()
                .account(PROD)
                .region("eu-west-1")
                .kind(DbKind.INSTANCE)
                .identifier("orders-prod")
                .roleArn("arn:aws:iam::" + PROD + ":role/lifeboat-source")
                .externalId("lifeboat-orders")
                .shareKmsKeyArn(shareKmsKeyArn)
                .build();
        Database orders = new Database(
                "orders",
                DatabaseEngine.POSTGRESQL,
                source,
                snapshot,
                retention,
                Schedules.builder().build(),
                null,
                VerifySettings.defaults());
        return LifeboatConfig.builder()
                .backup(backup)
                .databases(Map.of("orders", orders))
                .document("{}")
                .build();
    }
}
