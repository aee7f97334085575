package dev.lifeboat.infra;

import dev.lifeboat.protocol.VaultAddress;

/**
 * The parts of {@code backup.vault} ({@code s3://BUCKET/PREFIX}) the stacks name resources with, read by the one
 * parser the configuration and the adapters use ({@link VaultAddress}), so a bucket policy names the prefix the
 * code writes under.
 */
final class VaultUri {
    private VaultUri() {}

    /** The bucket, or null when lifeboat.yml sets no vault (the stack then names none). */
    static String bucket(String uri) {
        return uri == null ? null : VaultAddress.parseS3(uri, "backup.vault").bucket();
    }

    /** The key prefix every Lifeboat object has, with its trailing slash; empty for the bucket's root. */
    static String prefix(String uri) {
        return uri == null ? "" : VaultAddress.parseS3(uri, "backup.vault").keyPrefix();
    }
}
