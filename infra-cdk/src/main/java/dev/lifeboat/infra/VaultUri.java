package dev.lifeboat.infra;

import java.net.URI;

/** The parts of {@code backup.vault} ({@code s3://BUCKET/PREFIX}) the stacks name resources with. */
final class VaultUri {
    private VaultUri() {}

    /** The bucket, or null when lifeboat.yml sets no vault (the stack then names none). */
    static String bucket(String uri) {
        return uri == null ? null : URI.create(uri).getHost();
    }

    /** The key prefix every Lifeboat object has, with its trailing slash; empty for the bucket's root. */
    static String prefix(String uri) {
        if (uri == null) {
            return "";
        }
        String path = URI.create(uri).getPath().replaceFirst("^/+", "").replaceFirst("/+$", "");
        return path.isEmpty() ? "" : path + "/";
    }
}
