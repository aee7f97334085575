package dev.lifeboat.adapters.process;

import dev.lifeboat.core.port.DumpTools;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A psql session whose transaction is opened and committed through its input: {@code BEGIN;} at once, {@code
 * COMMIT;} only when the input is closed by the caller, on success. Killing the session, closing it, or the end of
 * Lifeboat's process (the pipe closes without {@code COMMIT;}) all leave the transaction uncommitted, and the server
 * rolls it back when psql disconnects.
 */
final class CommittingSession implements DumpTools.Running {
    static final byte[] BEGIN = "BEGIN;\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] COMMIT = "\nCOMMIT;\n".getBytes(StandardCharsets.US_ASCII);

    private final DumpTools.Running psql;
    private final OutputStream input;

    private CommittingSession(DumpTools.Running psql) {
        this.psql = psql;
        this.input = new FilterOutputStream(psql.input()) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    out.write(COMMIT);
                    out.flush();
                    out.close();
                }
            }
        };
    }

    static DumpTools.Running start(DumpTools.Running psql) {
        try {
            psql.input().write(BEGIN);
        } catch (IOException e) {
            psql.kill();
            throw new UncheckedIOException("psql did not take its first statement: " + e.getMessage(), e);
        }
        return new CommittingSession(psql);
    }

    @Override
    public java.io.InputStream output() {
        return psql.output();
    }

    /** The session's SQL; {@link OutputStream#close()} commits it, and nothing else does. */
    @Override
    public OutputStream input() {
        return input;
    }

    @Override
    public void awaitSuccess(Duration timeout) {
        psql.awaitSuccess(timeout);
    }

    @Override
    public void kill() {
        psql.kill();
    }

    @Override
    public void close() {
        psql.close();
    }
}
