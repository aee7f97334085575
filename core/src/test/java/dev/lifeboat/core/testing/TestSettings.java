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
                new SnapshotSettings(Mode.COPY_AUTOMATED, CopyStrategy.AUTO, null, null),
                null,
                new Retention(7, 0, 0, 0));
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
                new SnapshotSettings(mode, strategy, null, "arn:aws:kms:eu-west-1:" + backupAccount + ":key/staging"),
                shareKmsKeyArn,
                new Retention(7, 4, 12, 3));
    }

    /** {@code config} with orders dumped (from a secret) and its dumps routed by {@code runOn}, above {@code bytes}. */
    public static LifeboatConfig dumpsRunningOn(
            LifeboatConfig config, dev.lifeboat.core.model.RunOn runOn, Long bytes) {
        Database d = config.database("orders");
        DumpSettings dump = new DumpSettings(
                "arn:aws:secretsmanager:eu-west-1:" + PROD + ":secret:orders-AbCdEf",
                null,
                "vpc-0a1b2c3d4e5f60718",
                List.of("subnet-0a1b2c3d4e5f60718"),
                List.of("sg-0a1b2c3d4e5f60718"),
                null,
                null,
                null,
                null,
                null,
                runOn,
                0,
                bytes);
        Database dumped = new Database(
                d.id(), d.engine(), d.source(), d.snapshot(), d.retention(), d.schedules(), dump, d.verify());
        return new LifeboatConfig(config.backup(), Map.of("orders", dumped), "{}");
    }

    private static LifeboatConfig orders(
            String backupAccount, SnapshotSettings snapshot, String shareKmsKeyArn, Retention retention) {
        Backup backup = new Backup(
                backupAccount,
                "eu-central-1",
                "arn:aws:kms:eu-central-1:" + backupAccount + ":key/backup",
                null,
                null,
                35,
                30);
        Source source = new Source(
                PROD,
                "eu-west-1",
                DbKind.INSTANCE,
                "orders-prod",
                "arn:aws:iam::" + PROD + ":role/lifeboat-source",
                "lifeboat-orders",
                shareKmsKeyArn);
        Database orders = new Database(
                "orders",
                DatabaseEngine.POSTGRESQL,
                source,
                snapshot,
                retention,
                new Schedules(null, null, null),
                null,
                VerifySettings.defaults());
        return new LifeboatConfig(backup, Map.of("orders", orders), "{}");
    }
}
