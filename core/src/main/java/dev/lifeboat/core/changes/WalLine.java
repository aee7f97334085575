package dev.lifeboat.core.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * One line of wal2json's format 2, as much of it as the archive needs: the action ({@code B}egin, {@code C}ommit,
 * {@code I}nsert, {@code U}pdate, {@code D}elete, {@code T}runcate, {@code M}essage), the transaction's id, its commit
 * LSN and the LSN after it, its commit time, and the table a change is to. The columns' values (table data) are read
 * only by the replay and never logged.
 */
public record WalLine(char action, long xid, long lsn, long nextLsn, Instant at, String schema, String table) {
    private static final ObjectMapper JSON = mapper();

    /**
     * How wal2json's lines are read, here and by the replay: numbers exactly as written (a numeric's scale kept: 1.50,
     * not Jackson's default 1.5), and no length limit short of PostgreSQL's own (a numeric of 131,072 digits, a value
     * of 1 GB), where Jackson's defaults (1,000 digits, 20 MB) would take a legal line for a damaged one and stall the
     * archive on it.
     */
    public static ObjectMapper mapper() {
        return com.fasterxml.jackson.databind.json.JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                        .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                                .maxNumberLength(Integer.MAX_VALUE)
                                .maxStringLength(Integer.MAX_VALUE)
                                .build())
                        .build())
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    private static final DateTimeFormatter STAMP = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .appendOffset("+HH:mm", "+00")
            .toFormatter();

    /** A line that is not one wal2json writes: the archive holding it is damaged or not Lifeboat's. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message);
        }
    }

    public boolean begins() {
        return action == 'B';
    }

    public boolean commits() {
        return action == 'C';
    }

    /** An insert, update, delete or truncate: a change the replay applies. */
    public boolean changesRows() {
        return action == 'I' || action == 'U' || action == 'D' || action == 'T';
    }

    /** "schema.table", as the archive names a table in its lists (never with its data). */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    public static WalLine parse(byte[] line) throws Malformed {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            // The parser's message quotes the line: table data. Only its length is said.
            throw new Malformed("a line of " + line.length + " bytes is not JSON");
        }
        if (n == null
                || !n.isObject()
                || !n.path("action").isTextual()
                || n.path("action").asText().length() != 1) {
            throw new Malformed("a line without an action");
        }
        char action = n.path("action").asText().charAt(0);
        if ("BCIUDTM".indexOf(action) < 0) {
            throw new Malformed("a line with the unknown action " + action);
        }
        long xid = n.path("xid").asLong(-1);
        long lsn;
        long next;
        Instant at;
        try {
            lsn = n.hasNonNull("lsn") ? Lsn.parse(n.get("lsn").asText()) : -1;
            next = n.hasNonNull("nextlsn") ? Lsn.parse(n.get("nextlsn").asText()) : -1;
            at = n.hasNonNull("timestamp") ? stamp(n.get("timestamp").asText()) : null;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new Malformed("a " + action + " line with a malformed LSN or time");
        }
        if ((action == 'B' || action == 'C') && (xid < 0 || lsn < 0 || next < 0 || at == null)) {
            throw new Malformed("a " + action + " line without its transaction id, LSNs and time (wal2json's"
                    + " include-xids, include-lsn and include-timestamp)");
        }
        String schema = n.path("schema").asText(null);
        String table = n.path("table").asText(null);
        if ((action == 'I' || action == 'U' || action == 'D' || action == 'T') && (schema == null || table == null)) {
            throw new Malformed("a " + action + " line without its table");
        }
        return new WalLine(action, xid, lsn, next, at, schema, table);
    }

    static Instant stamp(String text) {
        return OffsetDateTime.parse(text, STAMP).toInstant();
    }
}
