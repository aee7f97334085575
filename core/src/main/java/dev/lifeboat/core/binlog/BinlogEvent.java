package dev.lifeboat.core.binlog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32;

/**
 * One raw binary log event as the server sent it (the v4 format of MySQL 5.0+ and MariaDB): a 19-byte header
 * (timestamp, type, server id, length, end position, flags), its body, and a CRC32 when the server checksums events
 * (MySQL internals manual, "Binlog Event Header" and "Binlog Checksums"; MariaDB KB, "2-Binlog Event Header").
 */
public final class BinlogEvent {
    public static final int HEADER = 19;
    private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};

    /** The four bytes every binlog file starts with. */
    public static byte[] magic() {
        return MAGIC.clone();
    }

    public static final int QUERY = 2;
    public static final int STOP = 3;
    public static final int ROTATE = 4;
    public static final int FORMAT_DESCRIPTION = 15;
    public static final int XID = 16;
    /** MariaDB's GTID event, which begins every transaction group. */
    public static final int MARIADB_GTID = 162;

    /** LOG_EVENT_ARTIFICIAL_F: made up by the server for a reader (a fake rotate or description), not in the file. */
    private static final int ARTIFICIAL = 0x20;

    private final byte[] bytes;

    private BinlogEvent(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps an event, checking that its header's length is the length received. */
    public static BinlogEvent of(byte[] bytes) {
        if (bytes.length < HEADER) {
            throw new Malformed("an event of " + bytes.length + " bytes is shorter than its 19-byte header");
        }
        BinlogEvent e = new BinlogEvent(bytes);
        if (e.length() != bytes.length) {
            throw new Malformed("an event's header says " + e.length() + " bytes, " + bytes.length + " came");
        }
        return e;
    }

    /** The length an event starting with {@code header} (at least 19 bytes) says it has. */
    public static long lengthIn(byte[] header) {
        return u32(header, 9);
    }

    public byte[] bytes() {
        return bytes;
    }

    public Instant timestamp() {
        return Instant.ofEpochSecond(u32(bytes, 0));
    }

    public int type() {
        return bytes[4] & 0xff;
    }

    public long serverId() {
        return u32(bytes, 5);
    }

    public long length() {
        return u32(bytes, 9);
    }

    /** Where the event ends in the server's file (its "next position"); 0 for an artificial event. */
    public long endPosition() {
        return u32(bytes, 13);
    }

    public int flags() {
        return (bytes[17] & 0xff) | (bytes[18] & 0xff) << 8;
    }

    /** Made up for this reader, not part of the server's file: it holds no place in the archive's positions. */
    public boolean artificial() {
        return endPosition() == 0 || (flags() & ARTIFICIAL) != 0;
    }

    /** Where the event starts in the server's file. */
    public long startPosition() {
        return endPosition() - length();
    }

    /**
     * For a format description event: whether the server checksums its events with CRC32. The description ends with
     * the checksum algorithm (0 off, 1 CRC32) and a 4-byte checksum field, always present from checksum-aware servers.
     */
    public boolean describesChecksums() {
        requireType(FORMAT_DESCRIPTION);
        return bytes.length >= HEADER + 5 && bytes[bytes.length - 5] == 1;
    }

    /** The server version a format description names ({@code 10.11.19-MariaDB-log}). */
    public String serverVersion() {
        requireType(FORMAT_DESCRIPTION);
        int from = HEADER + 2;
        int to = from;
        while (to < Math.min(bytes.length, from + 50) && bytes[to] != 0) {
            to++;
        }
        return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
    }

    /**
     * Whether a segment may end after this event: it closes a transaction (XID, or a statement other than BEGIN: a
     * COMMIT or a DDL statement, which runs on its own) or is no part of one (rotate, stop, descriptions, GTID lists).
     * Replaying a segment cut inside a transaction would need the part before it, so the streamer cuts only here.
     */
    public boolean endsATransaction(boolean checksums) {
        return switch (type()) {
            case XID,
                    ROTATE,
                    STOP,
                    FORMAT_DESCRIPTION,
                    161 /* binlog checkpoint */,
                    163 /* GTID list */,
                    35 /* MySQL previous GTIDs */ -> true;
            case QUERY -> !"BEGIN".equals(queryText(checksums));
            default -> false;
        };
    }

    /** For a query event: the default database it ran in (empty when none was chosen). */
    public String queryDatabase() {
        requireType(QUERY);
        int post = HEADER;
        int dbLength = bytes[post + 8] & 0xff;
        int statusLength = (bytes[post + 11] & 0xff) | (bytes[post + 12] & 0xff) << 8;
        int from = post + 13 + statusLength;
        if (from + dbLength > bytes.length) {
            throw new Malformed("a query event's lengths run past its end");
        }
        return new String(bytes, from, dbLength, StandardCharsets.UTF_8);
    }

    /** For a query event: its statement text (the layout of the MySQL internals manual, "Query_event"). */
    public String queryText(boolean checksums) {
        requireType(QUERY);
        int post = HEADER;
        if (bytes.length < post + 13) {
            throw new Malformed("a query event of " + bytes.length + " bytes is shorter than its fixed part");
        }
        int dbLength = bytes[post + 8] & 0xff;
        int statusLength = (bytes[post + 11] & 0xff) | (bytes[post + 12] & 0xff) << 8;
        int from = post + 13 + statusLength + dbLength + 1;
        int to = bytes.length - (checksums ? 4 : 0);
        if (from > to) {
            throw new Malformed("a query event's lengths run past its end");
        }
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    /** Whether the CRC32 at the event's end matches its bytes. */
    public boolean checksumMatches() {
        if (bytes.length < HEADER + 4) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        return crc.getValue() == u32(bytes, bytes.length - 4);
    }

    /** For a rotate event: the file the server continues in. */
    public String rotatesTo(boolean checksums) {
        requireType(ROTATE);
        int from = HEADER + 8;
        int to = bytes.length - (checksums ? 4 : 0);
        if (to <= from) {
            throw new Malformed("a rotate event names no file");
        }
        return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
    }

    private void requireType(int expected) {
        if (type() != expected) {
            throw new IllegalStateException("event of type " + type() + " read as type " + expected);
        }
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** Bytes that are not a well-formed event: the archive refuses them rather than store what it cannot vouch for. */
    public static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message);
        }

        public Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
