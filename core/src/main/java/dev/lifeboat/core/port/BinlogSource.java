package dev.lifeboat.core.port;

import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.DatabaseTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A MySQL-family server's binary log, read as a replica reads it, and replayed into a database. */
public interface BinlogSource {

    /** What the server says of its binary log now. */
    Server server(DatabaseTarget source);

    /**
     * The server's binlog: whether it is on, its identity, where it writes now, the files it still holds (SHOW BINARY
     * LOGS), and the settings streaming needs ({@code binlog_format}, {@code binlog_row_image}).
     */
    record Server(
            boolean binlogOn,
            long serverId,
            String version,
            BinlogPosition current,
            List<String> files,
            String format,
            String rowImage) {
        public Server {
            files = files == null ? List.of() : List.copyOf(files);
        }
    }

    /** Starts reading the binlog at {@code from}, as a replica would, and waits for more at its end. */
    Tail tail(DatabaseTarget source, BinlogPosition from);

    /**
     * The raw events from the server, in order: first a format description (made up when reading starts mid-file),
     * then the file's events as the server wrote them.
     */
    interface Tail extends AutoCloseable {
        /**
         * The next whole event, header and checksum included; empty when none came within {@code wait}. Throws when
         * the reading ended (the connection dropped, the server stopped, the reader was killed): the events not yet
         * returned are lost to this tail and are read again by the next.
         */
        Optional<Raw> next(Duration wait) throws IOException;

        @Override
        void close();
    }

    /** One event's bytes, and the server's binlog file it came from. */
    final class Raw {
        private final String file;
        private final byte[] bytes;

        public Raw(String file, byte[] bytes) {
            this.file = file;
            this.bytes = bytes;
        }

        public String file() {
            return file;
        }

        /** The event's bytes; the caller owns them (a reader makes a new array per event). */
        public byte[] bytes() {
            return bytes;
        }
    }

    /**
     * The transactions in binlog files (each a whole binlog file, as for {@link #replay}) stamped from {@code from} up
     * to before {@code to}: when, their GTID, where each ends in the server's {@code serverFiles} (one per file, in
     * order), the rows each changed per table and kind, and the statement of DDL. Never a row's values.
     */
    List<Transaction> transactions(List<Path> files, List<String> serverFiles, Instant from, Instant to);

    /** One transaction as {@link #transactions} lists it. */
    record Transaction(
            Instant at,
            String gtid,
            BinlogPosition end,
            String database,
            java.util.Map<String, java.util.Map<String, Long>> rows,
            String statement) {
        public Transaction {
            // In table order, as listed.
            rows = rows == null
                    ? java.util.Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(rows));
        }
    }

    /**
     * Replays binlog files (each a whole binlog file: magic, format description, events, cut between transactions)
     * into {@code target} with the engine's own tools, one file after another in one session, keeping only changes
     * to {@code schema} and writing them to {@code target.database()}.
     */
    void replay(List<Path> files, String schema, DatabaseTarget target, Duration timeout);
}
