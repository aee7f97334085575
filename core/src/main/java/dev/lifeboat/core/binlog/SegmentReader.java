package dev.lifeboat.core.binlog;

import dev.lifeboat.core.model.BinlogPosition;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/** Reads a segment's object event by event, checking it against its manifest, and copies what a replay needs. */
final class SegmentReader {
    /** The largest event read: MariaDB and MySQL cap an event by max_allowed_packet, at most 1 GiB. */
    private static final long MAX_EVENT = 1L << 30;

    private static final java.util.regex.Pattern TRANSACTION_CONTROL =
            java.util.regex.Pattern.compile("(?is)\\s*(BEGIN|COMMIT|ROLLBACK|XA\\s.*)\\s*;?\\s*");

    private SegmentReader() {}

    /** A statement the binlog carries as text (DDL, under row-based logging): its default database and text. */
    record Statement(String database, String text, java.time.Instant at) {}

    /**
     * Copies the object on {@code in} to {@code out}: its magic number and format description, then its events from
     * {@code from} on. Throws {@link BinlogEvent.Malformed} unless the events are whole, their checksums match, and
     * their positions run without a hole from the manifest's start to its end.
     */
    static void copy(InputStream in, OutputStream out, Segment s, long from, java.util.function.Consumer<Statement> ddl)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (!Arrays.equals(magic, BinlogEvent.magic())) {
            throw new BinlogEvent.Malformed("it does not start with a binlog file's magic number");
        }
        out.write(magic);
        BinlogEvent format = next(in);
        if (format == null || format.type() != BinlogEvent.FORMAT_DESCRIPTION) {
            throw new BinlogEvent.Malformed("it does not start with a format description event");
        }
        boolean checksums = format.describesChecksums();
        if (checksums && !format.checksumMatches()) {
            throw new BinlogEvent.Malformed("its format description fails its CRC32");
        }
        out.write(format.bytes());
        long at = s.start();
        if (s.start() == BinlogPosition.FIRST_EVENT) {
            if (format.artificial() || format.startPosition() != at) {
                throw new BinlogEvent.Malformed(
                        "the segment starts its file, but its format description is not the file's");
            }
            at = format.endPosition();
        }
        int events = 0;
        BinlogEvent e;
        while ((e = next(in)) != null) {
            if (checksums && !e.checksumMatches()) {
                throw new BinlogEvent.Malformed("the event at " + s.file() + ":" + at + " fails its CRC32");
            }
            if (e.artificial() || e.startPosition() != at) {
                throw new BinlogEvent.Malformed(
                        "an event at " + s.file() + ":" + e.startPosition() + " where " + at + " was expected");
            }
            if (e.startPosition() >= from) {
                out.write(e.bytes());
                if (e.type() == BinlogEvent.QUERY) {
                    String text = e.queryText(checksums);
                    if (!TRANSACTION_CONTROL.matcher(text).matches()) {
                        ddl.accept(new Statement(e.queryDatabase(), text, e.timestamp()));
                    }
                }
            }
            at = e.endPosition();
            events++;
        }
        if (at != s.end()) {
            throw new BinlogEvent.Malformed(
                    "its events end at " + s.file() + ":" + at + ", the manifest says " + s.end());
        }
        if (events == 0 && s.start() != BinlogPosition.FIRST_EVENT) {
            throw new BinlogEvent.Malformed("it holds no events");
        }
    }

    /** The next whole event, or null at a clean end between events. */
    static BinlogEvent next(InputStream in) throws IOException {
        byte[] header = in.readNBytes(BinlogEvent.HEADER);
        if (header.length == 0) {
            return null;
        }
        if (header.length < BinlogEvent.HEADER) {
            throw new BinlogEvent.Malformed("it ends inside an event header");
        }
        long length = BinlogEvent.lengthIn(header);
        if (length < BinlogEvent.HEADER || length > MAX_EVENT) {
            throw new BinlogEvent.Malformed("an event header gives a length of " + length + " bytes");
        }
        byte[] bytes = Arrays.copyOf(header, (int) length);
        int body = (int) length - BinlogEvent.HEADER;
        int read = in.readNBytes(bytes, BinlogEvent.HEADER, body);
        if (read < body) {
            throw new BinlogEvent.Malformed("it ends inside an event", new EOFException());
        }
        return BinlogEvent.of(bytes);
    }
}
