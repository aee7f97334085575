package dev.lifeboat.core.stream;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 with byte counting, fed chunk by chunk as data streams past. */
public final class Sha256 {
    private final MessageDigest digest;
    private long bytes;

    public Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Lower-case hex of the SHA-256 of {@code bytes}. */
    public static String hex(byte[] bytes) {
        Sha256 s = new Sha256();
        s.update(bytes, 0, bytes.length);
        return s.hex();
    }

    public void update(byte[] b, int off, int len) {
        digest.update(b, off, len);
        bytes += len;
    }

    public long bytes() {
        return bytes;
    }

    /** Lower-case hex of the digest; call once, at the end. */
    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
