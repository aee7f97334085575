package dev.lifeboat.adapters.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The SQL of {@code pg_restore --single-transaction --file=-} without its own {@code BEGIN;} and {@code COMMIT;}, so
 * that several such scripts run inside one enclosing transaction (issue 13: a parallel backup restored with
 * {@code --single-transaction}, its parts fed to one psql session in turn).
 *
 * <p>Why: without {@code --single-transaction}, pg_restore's script commits by itself around large objects
 * ({@code BEGIN; ... COMMIT;} per block of them), which would commit the enclosing transaction half-way. With it, the
 * script has exactly one {@code BEGIN;}, its first statement, after the header's comments and {@code \restrict} line,
 * and one {@code COMMIT;}, its last statement, before the footer's comments and psql's unrestrict line. Those two are
 * dropped by position, never by matching inside the script: a line {@code COMMIT;} inside COPY data (a row whose text
 * is "COMMIT;"), or inside a procedure's body, is passed on, because it is not the script's last statement. COPY data
 * is told apart as psql tells it: from a line {@code COPY ... FROM stdin;} to a line {@code \.}. A script whose first
 * or last statement is not the expected one is refused (an {@link IOException} naming what came instead), so an
 * unexpected pg_restore fails the restore instead of committing early.
 *
 * <p>Lines are held only while short; a longer line (table data, a large function) streams through.
 */
final class OneTransactionScript extends InputStream {
    /** Lines up to this long are looked at whole; longer ones are neither BEGIN nor COMMIT, and stream through. */
    static final int LINE_CAP = 64 * 1024;

    private static final byte[] BEGIN = "BEGIN;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] COMMIT = "COMMIT;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] END_OF_COPY = "\\.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final InputStream in;
    /** Bytes ready for the reader. */
    private byte[] ready = new byte[0];

    private int readyAt;
    /** The line being read, while it is short. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Passing the rest of a long line through. */
    private boolean streamingLine;
    /** Before the script's first statement (its BEGIN). */
    private boolean header = true;
    /** Inside COPY data. */
    private boolean inCopy;
    /** A {@code COMMIT;} outside COPY data and the comment lines after it, held until something follows them. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();

    private boolean holding;
    private boolean eof;
    private final byte[] chunk = new byte[64 * 1024];

    OneTransactionScript(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (readyAt >= ready.length) {
            if (eof) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, ready.length - readyAt);
        System.arraycopy(ready, readyAt, b, off, n);
        readyAt += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads the next chunk of input and turns it into output, a line (or the rest of a long one) at a time. */
    private void fill() throws IOException {
        int n = in.read(chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream(n > 0 ? n + 64 : 64);
        if (n < 0) {
            eof = true;
            if (line.size() > 0 && !streamingLine) {
                // A last line without its newline: judged as any other.
                lineEnded(line.toByteArray(), out);
            }
            line.reset();
            streamingLine = false;
            finish(out);
        } else {
            int i = 0;
            while (i < n) {
                int newline = indexOf(chunk, (byte) '\n', i, n);
                int end = newline < 0 ? n : newline + 1;
                if (streamingLine) {
                    out.write(chunk, i, end - i);
                    streamingLine = newline < 0;
                } else {
                    line.write(chunk, i, end - i);
                    if (newline >= 0) {
                        lineEnded(line.toByteArray(), out);
                        line.reset();
                    } else if (line.size() > LINE_CAP) {
                        longLine(line.toByteArray(), out);
                        line.reset();
                        streamingLine = true;
                    }
                }
                i = end;
            }
        }
        ready = out.toByteArray();
        readyAt = 0;
    }

    /** A line over the cap: data, or a statement that is neither BEGIN nor COMMIT. */
    private void longLine(byte[] start, ByteArrayOutputStream out) throws IOException {
        if (header) {
            throw new IOException("pg_restore's script did not begin with BEGIN; (a long line came first)");
        }
        if (!inCopy) {
            release(out);
        }
        out.write(start);
    }

    private void lineEnded(byte[] bytes, ByteArrayOutputStream out) throws IOException {
        byte[] text = stripNewline(bytes);
        if (inCopy) {
            out.write(bytes);
            if (Arrays.equals(text, END_OF_COPY)) {
                inCopy = false;
            }
            return;
        }
        boolean trivia = isTrivia(text);
        if (header) {
            if (trivia) {
                out.write(bytes);
                return;
            }
            if (!Arrays.equals(text, BEGIN)) {
                throw new IOException("pg_restore's script did not begin with BEGIN; but with '" + preview(text) + "'");
            }
            header = false; // dropped: the enclosing session's transaction is the one
            return;
        }
        if (trivia) {
            if (holding) {
                held.write(bytes);
            } else {
                out.write(bytes);
            }
            return;
        }
        release(out);
        if (Arrays.equals(text, COMMIT)) {
            holding = true;
            held.write(bytes);
            return;
        }
        out.write(bytes);
        if (startsWith(text, "COPY ") && endsWith(text, "FROM stdin;")) {
            inCopy = true;
        }
    }

    /** Something followed a held COMMIT: it was not the last statement, so it goes on as it was. */
    private void release(ByteArrayOutputStream out) throws IOException {
        if (holding) {
            held.writeTo(out);
            held.reset();
            holding = false;
        }
    }

    private void finish(ByteArrayOutputStream out) throws IOException {
        if (header) {
            throw new IOException("pg_restore's script had no BEGIN;");
        }
        if (inCopy) {
            throw new IOException("pg_restore's script ended inside COPY data");
        }
        if (!holding) {
            throw new IOException("pg_restore's script did not end with COMMIT;");
        }
        // The COMMIT line itself is dropped; the comments and psql's unrestrict line after it go on.
        byte[] kept = held.toByteArray();
        int newline = indexOf(kept, (byte) '\n');
        int from = newline < 0 ? kept.length : newline + 1;
        out.write(kept, from, kept.length - from);
        held.reset();
        holding = false;
    }

    /** Blank lines, comments, and psql's restrict and unrestrict commands, which pg_restore writes around a script. */
    private static boolean isTrivia(byte[] text) {
        return text.length == 0
                || startsWith(text, "--")
                || startsWith(text, "\\restrict ")
                || startsWith(text, "\\unrestrict ");
    }

    private static byte[] stripNewline(byte[] bytes) {
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    private static boolean startsWith(byte[] text, String prefix) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return text.length >= p.length && Arrays.equals(text, 0, p.length, p, 0, p.length);
    }

    private static boolean endsWith(byte[] text, String suffix) {
        byte[] p = suffix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return text.length >= p.length && Arrays.equals(text, text.length - p.length, text.length, p, 0, p.length);
    }

    private static int indexOf(byte[] b, byte c) {
        return indexOf(b, c, 0, b.length);
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The start of an unexpected line, for the message: SQL, never table data (it precedes any COPY). */
    private static String preview(byte[] text) {
        return new String(text, 0, Math.min(text.length, 40), java.nio.charset.StandardCharsets.UTF_8);
    }
}
