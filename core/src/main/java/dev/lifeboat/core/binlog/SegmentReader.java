package dev.lifeboat.core.binlog;

import dev.lifeboat.core.model.BinlogPosition;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
     * {@code from} on, transaction by transaction, up to the first whose last event is stamped at or after {@code
     * stopAt} (null: all), which is left out whole. Throws {@link BinlogEvent.Malformed} unless the events are whole,
     * their checksums match, and their positions run without a hole from the manifest's start to its end (the whole
     * object is read and checked, also past the end of what is copied). Returns whether the copy ended at {@code
     * stopAt}. The statements of the transactions copied go to {@code ddl}.
     */
    static boolean copy(
            InputStream in,
            java.nio.channels.FileChannel out,
            Segment s,
            long from,
            java.time.Instant stopAt,
            java.util.function.Consumer<Statement> ddl)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (!Arrays.equals(magic, BinlogEvent.magic())) {
            throw new BinlogEvent.Malformed("it does not start with a binlog file's magic number");
        }
        write(out, magic);
        BinlogEvent format = next(in);
        if (format == null || format.type() != BinlogEvent.FORMAT_DESCRIPTION) {
            throw new BinlogEvent.Malformed("it does not start with a format description event");
        }
        boolean checksums = format.describesChecksums();
        if (checksums && !format.checksumMatches()) {
            throw new BinlogEvent.Malformed("its format description fails its CRC32");
        }
        write(out, format.bytes());
        long at = s.start();
        if (s.start() == BinlogPosition.FIRST_EVENT) {
            if (format.artificial() || format.startPosition() != at) {
                throw new BinlogEvent.Malformed(
                        "the segment starts its file, but its format description is not the file's");
            }
            at = format.endPosition();
        }
        int events = 0;
        boolean stopped = false;
        long groupStart = -1;
        List<Statement> groupStatements = new ArrayList<>();
        BinlogEvent e;
        while ((e = next(in)) != null) {
            if (checksums && !e.checksumMatches()) {
                throw new BinlogEvent.Malformed("the event at " + s.file() + ":" + at + " fails its CRC32");
            }
            if (e.artificial() || e.startPosition() != at) {
                throw new BinlogEvent.Malformed(
                        "an event at " + s.file() + ":" + e.startPosition() + " where " + at + " was expected");
            }
            at = e.endPosition();
            events++;
            if (stopped || e.startPosition() < from) {
                continue;
            }
            if (groupStart < 0) {
                groupStart = out.position();
                groupStatements.clear();
            }
            write(out, e.bytes());
            if (e.type() == BinlogEvent.QUERY) {
                String text = e.queryText(checksums);
                if (!TRANSACTION_CONTROL.matcher(text).matches()) {
                    groupStatements.add(new Statement(e.queryDatabase(), text, e.timestamp()));
                }
            }
            if (e.endsATransaction(checksums)) {
                if (stopAt != null && !e.timestamp().isBefore(stopAt)) {
                    // Committed (its last event stamped) at or after the moment: left out whole, and all after it.
                    out.truncate(groupStart);
                    stopped = true;
                } else {
                    groupStatements.forEach(ddl);
                }
                groupStart = -1;
            }
        }
        if (at != s.end()) {
            throw new BinlogEvent.Malformed(
                    "its events end at " + s.file() + ":" + at + ", the manifest says " + s.end());
        }
        if (events == 0 && s.start() != BinlogPosition.FIRST_EVENT) {
            throw new BinlogEvent.Malformed("it holds no events");
        }
        return stopped;
    }

    private static void write(java.nio.channels.FileChannel out, byte[] bytes) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            out.write(b);
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
