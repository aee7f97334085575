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
    record Raw(String file, byte[] bytes) {}

    /**
     * Replays binlog files (each a whole binlog file: magic, format description, events) into {@code target} with the
     * engine's own tools, keeping only changes to {@code schema} and writing them to {@code target.database()}, and
     * stopping at the first event stamped {@code stopAt} or later.
     */
    void replay(List<Path> files, String schema, DatabaseTarget target, Instant stopAt, Duration timeout);
}
