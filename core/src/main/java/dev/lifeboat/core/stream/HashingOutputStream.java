package dev.lifeboat.core.stream;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Hashes and counts what passes through, and tells a listener how far it got. */
public final class HashingOutputStream extends FilterOutputStream {
    private final Sha256 sha = new Sha256();

    public HashingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha.update(b, off, len);
    }

    public Sha256 sha() {
        return sha;
    }

    /** Flushes without closing the stream below: the vault's upload decides when that ends. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
