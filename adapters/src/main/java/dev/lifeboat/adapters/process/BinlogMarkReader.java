package dev.lifeboat.adapters.process;

import dev.lifeboat.core.port.DumpTools;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dump tool's output read for the binlog position it prints near its top ({@code -- CHANGE MASTER TO
 * MASTER_LOG_FILE='binlog.000042', MASTER_LOG_POS=1234;}), passed on unchanged. Only the first MiB is looked at: the
 * line comes before any table's data, so a row that happens to hold such text is never read as the position.
 */
final class BinlogMarkReader extends FilterInputStream {
    private static final int LOOK_AT = 1 << 20;
    private static final int LONGEST_LINE = 512;
    private static final Pattern MARK = Pattern.compile(
            "^-- CHANGE MASTER TO MASTER_LOG_FILE='([A-Za-z0-9._-]{1,200})', MASTER_LOG_POS=(\\d{1,19});$");

    private final StringBuilder line = new StringBuilder();
    private long seen;
    private boolean longLine;
    private volatile DumpTools.BinlogMark mark;

    private BinlogMarkReader(InputStream in) {
        super(in);
    }

    static DumpTools.Running reading(DumpTools.Running running) {
        BinlogMarkReader output = new BinlogMarkReader(running.output());
        return new DumpTools.Running() {
            @Override
            public InputStream output() {
                return output;
            }

            @Override
            public OutputStream input() {
                return running.input();
            }

            @Override
            public void awaitSuccess(Duration timeout) {
                running.awaitSuccess(timeout);
            }

            @Override
            public void kill() {
                running.kill();
            }

            @Override
            public void close() {
                running.close();
            }

            @Override
            public Optional<DumpTools.BinlogMark> binlogMark() {
                return Optional.ofNullable(output.mark);
            }
        };
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            look(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            look(b, off, n);
        }
        return n;
    }

    private void look(byte[] b, int off, int n) {
        if (mark != null || seen >= LOOK_AT) {
            return;
        }
        int end = off + (int) Math.min(n, LOOK_AT - seen);
        seen += n;
        for (int i = off; i < end; i++) {
            char c = (char) (b[i] & 0xff);
            if (c == '\n') {
                if (!longLine) {
                    Matcher m = MARK.matcher(line);
                    if (m.matches()) {
                        mark = new DumpTools.BinlogMark(m.group(1), Long.parseLong(m.group(2)), Instant.now());
                        return;
                    }
                }
                line.setLength(0);
                longLine = false;
            } else if (!longLine) {
                if (line.length() >= LONGEST_LINE) {
                    longLine = true;
                    line.setLength(0);
                } else {
                    line.append(c);
                }
            }
        }
    }
}
