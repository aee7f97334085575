package dev.lifeboat.core.port;

import dev.lifeboat.core.model.Location;

/** Who manages a KMS key, asked in the key's own account and Region (kms:DescribeKey through the source role). */
@FunctionalInterface
public interface KeyManagers {
    /** {@code AWS} (an AWS managed key such as aws/rds), {@code CUSTOMER}, or null if unknown. */
    String keyManager(Location where, String keyArn);
}
