package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** The engines' own dump and load programs (pg_dump, pg_restore, mariadb-dump, mariadb). */
public interface DumpTools {

    DumpTool dumpTool(DatabaseEngine engine);

    LoadTool loadTool(DatabaseEngine engine);

    /** A program that writes a dump of a database to its output. */
    interface DumpTool {
        String name();

        SoftwareVersion version();

        /** The format as recorded in manifests, e.g. "pg_dump-custom", "mariadb-dump-sql". */
        String format();

        /** File extension of the stored object, e.g. "pgdump" or "sql.gz". */
        String extension();

        /** True when the tool's output is plain text that Lifeboat gzips on the way to the vault. */
        boolean gzipOutput();

        Running start(DatabaseTarget source);

        /**
         * Starts the tool; where it compresses its own output (pg_dump's custom format), with {@code compression}.
         * A compression this client cannot do is refused before anything starts, naming what it can do.
         */
        default Running start(DatabaseTarget source, dev.lifeboat.core.model.Compression compression) {
            return start(source);
        }
    }

    /** A program that reads a dump on its input and loads it into a database. */
    interface LoadTool {
        String name();

        SoftwareVersion version();

        Running start(DatabaseTarget target, LoadOptions options);
    }

    record LoadOptions(boolean keepOwnership) {}

    /** A started child process. */
    interface Running extends AutoCloseable {
        /** The dump's bytes (for a dump tool). */
        InputStream output();

        /** Where the dump's bytes go (for a load tool). */
        OutputStream input();

        /**
         * Waits for the process to end and throws, naming the cause (exit code, the tool's error lines),
         * unless it succeeded.
         */
        void awaitSuccess(Duration timeout);

        /** Kills the process; used on any failure and on timeout. */
        void kill();

        @Override
        void close();
    }
}
