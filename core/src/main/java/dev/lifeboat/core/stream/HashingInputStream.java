package dev.lifeboat.core.stream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Hashes and counts every byte read through it. */
public final class HashingInputStream extends FilterInputStream {
    private final Sha256 sha = new Sha256();

    public HashingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sha.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skipping would leave bytes out of the checksum");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads to the end, so the digest covers every stored byte even if the reader above stopped early. */
    public void drain() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
            // only hashing
        }
    }

    public Sha256 sha() {
        return sha;
    }
}
