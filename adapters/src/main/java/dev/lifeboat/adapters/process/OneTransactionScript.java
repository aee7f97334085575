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
 * dropped by position, never by matching inside the script. Statements are told apart as psql tells them
 * ({@link PsqlLexer}): a line {@code COMMIT;} or {@code COPY ... FROM stdin;} inside a string, a comment or a function
 * body (production writes all three) is not a statement; COPY data runs from a statement {@code COPY ... FROM stdin;}
 * to a line {@code \.}. A script whose first or last statement is not the expected one, or that has any other
 * statement of transaction control ({@code COMMIT}, {@code BEGIN}, {@code END}, {@code ROLLBACK}, {@code ABORT},
 * {@code START}), is refused (an {@link IOException} naming what came instead) before that statement reaches psql, so
 * that an unexpected pg_restore fails the restore instead of committing early.
 *
 * <p>Lines are held only while short; a longer line (table data, a large function) streams through.
 */
final class OneTransactionScript extends InputStream {
    /** Lines up to this long are looked at whole; longer ones are neither BEGIN nor COMMIT, and stream through. */
    static final int LINE_CAP = 64 * 1024;

    private static final byte[] BEGIN = "BEGIN;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] COMMIT = "COMMIT;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] END_OF_COPY = "\\.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final java.util.Set<String> TRANSACTION_CONTROL =
            java.util.Set.of("begin", "commit", "end", "rollback", "abort", "start");

    private final InputStream in;
    private final PsqlLexer lexer = new PsqlLexer();
    /** Bytes ready for the reader. */
    private byte[] ready = new byte[0];

    private int readyAt;
    /** The line being read, while it is short. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Passing the rest of a long line through. */
    private boolean streamingLine;
    /** The long line being passed through is COPY data (not SQL). */
    private boolean longLineIsData;
    /** The long line being passed through began a statement with {@code COPY }. */
    private boolean longLineStartsCopy;
    /** The last bytes of the long line being passed through. */
    private final byte[] tail = new byte[16];

    private int tailLength;
    /** Before the script's first statement (its BEGIN). */
    private boolean header = true;
    /** Inside COPY data. */
    private boolean inCopy;
    /** A {@code COMMIT;} outside COPY data and the comment lines after it, held until the end. */
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
            if (streamingLine) {
                longLineEnded();
            } else if (line.size() > 0) {
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
                    passOn(chunk, i, end - i, out);
                    if (newline >= 0) {
                        longLineEnded();
                        streamingLine = false;
                    }
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

    /** The start of a line over the cap: data, or a statement that is neither BEGIN nor COMMIT. */
    private void longLine(byte[] start, ByteArrayOutputStream out) throws IOException {
        longLineIsData = inCopy;
        longLineStartsCopy = false;
        tailLength = 0;
        if (!inCopy) {
            boolean atStart = lexer.atStatementStart();
            if (header) {
                throw new IOException("pg_restore's script did not begin with BEGIN; (a long line came first)");
            }
            if (holding) {
                throw wentOnAfterCommit(start);
            }
            if (atStart) {
                refuseTransactionControl(start);
                longLineStartsCopy = startsWith(start, "COPY ");
            }
        }
        passOn(start, 0, start.length, out);
    }

    /** A piece of a long line: to the lexer unless it is data, and on. */
    private void passOn(byte[] b, int off, int len, ByteArrayOutputStream out) {
        if (!longLineIsData) {
            lexer.feed(b, off, len);
        }
        out.write(b, off, len);
        int keep = Math.min(len, tail.length);
        int shift = Math.min(tailLength, tail.length - keep);
        System.arraycopy(tail, tailLength - shift, tail, 0, shift);
        System.arraycopy(b, off + len - keep, tail, shift, keep);
        tailLength = shift + keep;
    }

    private void longLineEnded() {
        if (longLineStartsCopy
                && endsWith(stripNewline(java.util.Arrays.copyOf(tail, tailLength)), "FROM stdin;")
                && lexer.atStatementStart()) {
            inCopy = true;
        }
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
        boolean atStart = lexer.atStatementStart();
        boolean trivia = atStart && isTrivia(text);
        lexer.feed(bytes, 0, bytes.length);
        if (header) {
            if (trivia) {
                out.write(bytes);
                return;
            }
            if (!atStart || !Arrays.equals(text, BEGIN)) {
                throw new IOException("pg_restore's script did not begin with BEGIN; but with '" + preview(text) + "'");
            }
            header = false; // dropped: the enclosing session's transaction is the one
            return;
        }
        if (holding) {
            if (!trivia) {
                throw wentOnAfterCommit(text);
            }
            held.write(bytes);
            return;
        }
        if (atStart && Arrays.equals(text, COMMIT)) {
            holding = true;
            held.write(bytes);
            return;
        }
        if (atStart) {
            refuseTransactionControl(text);
        }
        out.write(bytes);
        if (atStart && startsWith(text, "COPY ") && endsWith(text, "FROM stdin;") && lexer.atStatementStart()) {
            inCopy = true;
        }
    }

    /** Only the script's last statement may be its COMMIT: anything after it would run after the commit. */
    private static IOException wentOnAfterCommit(byte[] text) {
        return new IOException("pg_restore's script went on after a COMMIT; with '" + preview(text)
                + "': refused, so that nothing of the restore commits before its end");
    }

    /** A statement of transaction control other than the script's own BEGIN and COMMIT would end the enclosing one. */
    private static void refuseTransactionControl(byte[] text) throws IOException {
        int i = 0;
        while (i < text.length && (text[i] == ' ' || text[i] == '\t')) {
            i++;
        }
        int from = i;
        while (i < text.length && Character.isLetter(text[i] & 0xff) && (text[i] & 0x80) == 0) {
            i++;
        }
        String first = new String(text, from, i - from, java.nio.charset.StandardCharsets.US_ASCII)
                .toLowerCase(java.util.Locale.ROOT);
        if (TRANSACTION_CONTROL.contains(first)) {
            throw new IOException("pg_restore's script has a statement of transaction control of its own ('"
                    + preview(text) + "'): refused, so that nothing of the restore commits before its end");
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

    /**
     * The start of an unexpected line, for the message: its SQL words up to 40 characters, cut before any quote, so
     * that no string (table data, a large object's bytes) reaches a message.
     */
    private static String preview(byte[] text) {
        int end = 0;
        while (end < Math.min(text.length, 40) && text[end] != '\'' && text[end] != '$' && text[end] != '"') {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
