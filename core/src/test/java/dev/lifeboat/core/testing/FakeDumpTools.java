package dev.lifeboat.core.testing;

import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DumpTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Dump and load tools in memory: the dump "prints" {@link #output}, the load collects what it is fed
 * into {@link #loaded}. Each can be told to fail the way the real programs do.
 */
public final class FakeDumpTools implements DumpTools {
    public byte[] output = "-- dump --".getBytes(StandardCharsets.UTF_8);
    public String version = "pg_dump (PostgreSQL) 17.2";
    public String dumpFailure;
    public String loadFailure;
    public int dumpsStarted;
    public int loadsStarted;
    public boolean loadKilled;
    public final ByteArrayOutputStream loaded = new ByteArrayOutputStream();
    public final List<DatabaseTarget> loadTargets = new ArrayList<>();
    public boolean dumpKilled;

    @Override
    public DumpTool dumpTool(DatabaseEngine engine) {
        return new DumpTool() {
            @Override
            public String name() {
                return engine == DatabaseEngine.POSTGRESQL ? "pg_dump" : "mariadb-dump";
            }

            @Override
            public SoftwareVersion version() {
                return SoftwareVersion.parse(version);
            }

            @Override
            public String format() {
                return name() + "-fake";
            }

            @Override
            public String extension() {
                return engine == DatabaseEngine.POSTGRESQL ? "pgdump" : "sql.gz";
            }

            @Override
            public boolean gzipOutput() {
                return engine != DatabaseEngine.POSTGRESQL;
            }

            @Override
            public Running start(DatabaseTarget source) {
                dumpsStarted++;
                return running(new ByteArrayInputStream(output), OutputStream.nullOutputStream(), true);
            }

            @Override
            public Running start(DatabaseTarget source, Compression compression) {
                compressions.add(compression);
                return start(source);
            }
        };
    }

    /** The compression each dump was started with. */
    public final List<Compression> compressions = new ArrayList<>();

    @Override
    public LoadTool loadTool(DatabaseEngine engine) {
        return new LoadTool() {
            @Override
            public String name() {
                return engine == DatabaseEngine.POSTGRESQL ? "pg_restore" : "mariadb";
            }

            @Override
            public SoftwareVersion version() {
                return SoftwareVersion.parse(version);
            }

            @Override
            public Running start(DatabaseTarget target, LoadOptions options) {
                loadsStarted++;
                loadTargets.add(target);
                return running(InputStream.nullInputStream(), loaded, false);
            }
        };
    }

    private Running running(InputStream out, OutputStream in, boolean dump) {
        return new Running() {
            @Override
            public InputStream output() {
                return out;
            }

            @Override
            public OutputStream input() {
                return in;
            }

            @Override
            public void awaitSuccess(Duration timeout) {
                if (dump && dumpFailure != null) {
                    throw new DumpFailedException(dumpFailure, "");
                }
                if (!dump && loadFailure != null) {
                    throw new RestoreFailedException(loadFailure, "");
                }
            }

            @Override
            public void kill() {
                if (dump) {
                    dumpKilled = true;
                } else {
                    loadKilled = true;
                }
            }

            @Override
            public void close() {}
        };
    }
}
