package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;

/** The engines' own dump and load programs (pg_dump, pg_restore, mariadb-dump, mariadb). */
public interface DumpTools {
    /**
     * Whether Lifeboat can compress a text dump ({@link DumpTool#gzipOutput}) with zstd itself (issue 13: the
     * MariaDB/MySQL dumps, where zstd at level 1 takes a quarter of gzip's time for fewer bytes, docs/performance.md).
     */
    default boolean zstd() {
        return false;
    }

    /** {@code out} compressed with zstd at {@code level} (1 to 22); closing it ends the frame and closes {@code out}. */
    default OutputStream zstdCompressing(OutputStream out, int level) throws java.io.IOException {
        throw new UnsupportedOperationException("zstd is not available here");
    }

    /** {@code in}, zstd-compressed, decompressed. */
    default InputStream zstdDecompressing(InputStream in) throws java.io.IOException {
        throw new UnsupportedOperationException("zstd is not available here");
    }

    DumpTool dumpTool(DatabaseEngine engine);

    LoadTool loadTool(DatabaseEngine engine);

    /**
     * The dump tool for a server of version {@code server}: where the client tools of several major versions are
     * installed (the container image has one per PostgreSQL major RDS supports), the nearest at or above the
     * server's, whose output that server's own major reads back without the newer majors' settings.
     */
    default DumpTool dumpTool(DatabaseEngine engine, SoftwareVersion server) {
        return dumpTool(engine);
    }

    /**
     * The load tool for a dump written by {@code dumper}: where several majors are installed, the nearest at or above
     * the dumper's (an older one cannot read the archive; a newer one writes settings an older server refuses).
     */
    default LoadTool loadTool(DatabaseEngine engine, SoftwareVersion dumper) {
        return loadTool(engine);
    }

    /** A program that writes a dump of a database to its output. */
    interface DumpTool {
        String name();

        SoftwareVersion version();

        /** The format as recorded in manifests, e.g. "pg_dump-custom", "mariadb-dump-sql". */
        String format();

        /** File extension of the stored object, e.g. "pgdump" or "sql.gz". */
        String extension();

        /** True when the tool's output is plain text that Lifeboat compresses (gzip, or zstd) on the way to the vault. */
        boolean gzipOutput();

        Running start(DatabaseTarget source);

        /**
         * Starts the tool; where it compresses its own output (pg_dump's custom format), with {@code compression}.
         * A compression this client cannot do is refused before anything starts, naming what it can do.
         */
        default Running start(DatabaseTarget source, dev.lifeboat.core.model.Compression compression) {
            return start(source);
        }

        /**
         * Starts the tool so that its output records where the dump stands in the server's binary log (issue 40): the
         * position consistent with the data, read without a global lock, then found by {@link Running#binlogMark()}.
         * A tool that cannot refuses.
         */
        default Running startMarkingBinlog(DatabaseTarget source, dev.lifeboat.core.model.Compression compression) {
            throw new UnsupportedOperationException(name() + " cannot record a binlog position");
        }

        /** The whole database read at an exported snapshot (pg_dump's {@code --snapshot}; issue 41). */
        default Running startAt(
                DatabaseTarget source, dev.lifeboat.core.model.Compression compression, String snapshot) {
            throw new UnsupportedOperationException(name() + " cannot read at an exported snapshot");
        }

        /** Whether this tool can dump one {@link Slice} of a database (pg_dump; issue 13). */
        default boolean slices() {
            return false;
        }

        /** Starts the tool on one slice of a parallel dump, every slice reading the same exported snapshot. */
        default Running start(DatabaseTarget source, dev.lifeboat.core.model.Compression compression, Slice slice) {
            throw new UnsupportedOperationException(name() + " cannot dump in slices");
        }
    }

    /**
     * One part of a parallel dump, read at {@code snapshot}: the schema (everything but table data, large objects and
     * sequence values: pg_dump's pre-data and post-data sections), or table data: of {@code only} these tables, or
     * of everything except {@code except} (the part that also carries large objects and sequence values, so that
     * the parts together hold exactly what one stream would).
     */
    record Slice(
            String snapshot,
            boolean schema,
            java.util.List<dev.lifeboat.core.model.TableSize> only,
            java.util.List<dev.lifeboat.core.model.TableSize> except) {
        public Slice {
            Objects.requireNonNull(snapshot, "snapshot");
            only = only == null ? java.util.List.of() : java.util.List.copyOf(only);
            except = except == null ? java.util.List.of() : java.util.List.copyOf(except);
            if (schema && !(only.isEmpty() && except.isEmpty())) {
                throw new IllegalArgumentException("the schema slice names no tables");
            }
            if (!only.isEmpty() && !except.isEmpty()) {
                throw new IllegalArgumentException("a data slice names the tables it holds or those it leaves out");
            }
        }
    }

    /** A program that reads a dump on its input and loads it into a database. */
    interface LoadTool {
        String name();

        SoftwareVersion version();

        Running start(DatabaseTarget target, LoadOptions options);

        /**
         * Whether this tool can load several archives in one transaction (issue 13: a parallel dump restored with
         * {@code --single-transaction}): one session fed SQL ({@link #startSession}), each archive turned into SQL
         * ({@link #startScript}).
         */
        default boolean loadsInOneSession() {
            return false;
        }

        /**
         * A session on {@code target} in one transaction: SQL (statements and COPY data) written to its input, committed
         * when the input ends and every statement succeeded; killed, or on any error, nothing of it stays.
         */
        default Running startSession(DatabaseTarget target) {
            throw new UnsupportedOperationException(name() + " cannot load in one session");
        }

        /**
         * Turns an archive ({@code options.archive()}, or the input when it is null) of {@code options.section()} into
         * SQL on the output; connects to nothing.
         */
        default Running startScript(LoadOptions options) {
            throw new UnsupportedOperationException(name() + " cannot write SQL");
        }
    }

    /**
     * How to load. {@code section}: all of a dump, or one of pg_dump's sections (a parallel dump's parts, issue 13);
     * {@code jobs}: more than 1 loads with that many connections and no enclosing transaction, from {@code archive}
     * (a file: pg_restore's parallel mode needs one to seek in); otherwise the input is fed on stdin and loaded in
     * one transaction.
     */
    record LoadOptions(boolean keepOwnership, Section section, int jobs, java.nio.file.Path archive) {
        public LoadOptions {
            section = section == null ? Section.ALL : section;
            if (jobs < 1) {
                throw new IllegalArgumentException("jobs must be at least 1");
            }
            if (jobs > 1 && archive == null) {
                throw new IllegalArgumentException("a parallel load reads an archive file");
            }
        }

        public LoadOptions(boolean keepOwnership) {
            this(keepOwnership, Section.ALL, 1, null);
        }

        /** One section, in one transaction: from {@code archive}, or from stdin when it is null. */
        public LoadOptions section(Section s, java.nio.file.Path from) {
            return new LoadOptions(keepOwnership, s, 1, from);
        }

        /** One section from {@code archive} with {@code n} connections. */
        public LoadOptions parallel(Section s, int n, java.nio.file.Path from) {
            return new LoadOptions(keepOwnership, s, n, from);
        }
    }

    /** pg_dump's sections of a dump: definitions, table data, then indexes, constraints and triggers. */
    enum Section {
        ALL,
        PRE_DATA,
        DATA,
        POST_DATA
    }

    /** Where a dump stands in the binary log, and a moment by which its snapshot was certainly taken. */
    record BinlogMark(String file, long position, java.time.Instant seenAt) {}

    /** A started child process. */
    interface Running extends AutoCloseable {
        /** The binlog position the tool's output recorded, once it has been read past (a dump started marking it). */
        default java.util.Optional<BinlogMark> binlogMark() {
            return java.util.Optional.empty();
        }

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
