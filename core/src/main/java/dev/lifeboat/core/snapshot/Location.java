package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig;

/** An AWS account and region: where a snapshot lives or a call goes. */
public record Location(String account, String region) {
    /** The backup account's home Region: where the copies, the vault and the verification instances are. */
    public static Location of(LifeboatConfig.Backup backup) {
        return new Location(backup.account(), backup.region());
    }

    @Override
    public String toString() {
        return account + "/" + region;
    }
}
