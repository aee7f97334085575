package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.DumpTools.LoadTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A load tool that loads into one session's input instead of a database (issue 13, a parallel backup in one
 * transaction): each start runs the tool's {@link LoadTool#startScript script} and copies the SQL it writes into the
 * session, leaving the session open for the next part. The copy runs beside the feeding; when the session stops taking
 * SQL (it failed), the script is killed, so that nothing waits on a full pipe.
 */
final class Scripting {
    private static final int CHUNK = 1 << 16;

    private Scripting() {}

    static LoadTool into(LoadTool tool, OutputStream session) {
        return new LoadTool() {
            @Override
            public String name() {
                return tool.name() + " (into one transaction)";
            }

            @Override
            public SoftwareVersion version() {
                return tool.version();
            }

            @Override
            public DumpTools.Running start(DatabaseTarget target, DumpTools.LoadOptions options) {
                return piped(tool.startScript(options), session);
            }
        };
    }

    private static DumpTools.Running piped(DumpTools.Running script, OutputStream session) {
        IOException[] failed = new IOException[1];
        Thread pump = Thread.ofPlatform().daemon().name("lifeboat-sql").start(() -> {
            byte[] buffer = new byte[CHUNK];
            try (InputStream sql = script.output()) {
                int n;
                while ((n = sql.read(buffer)) >= 0) {
                    session.write(buffer, 0, n);
                }
            } catch (IOException e) {
                synchronized (failed) {
                    failed[0] = e;
                }
                script.kill();
            }
        });
        return new DumpTools.Running() {
            @Override
            public InputStream output() {
                return InputStream.nullInputStream();
            }

            @Override
            public OutputStream input() {
                return script.input();
            }

            @Override
            public void awaitSuccess(Duration timeout) {
                try {
                    pump.join(timeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    script.kill();
                    throw new RestoreFailedException("interrupted while loading", "retry the restore");
                }
                synchronized (failed) {
                    if (failed[0] != null) {
                        throw new RestoreFailedException(
                                "the session stopped taking the restore's SQL: " + failed[0].getMessage(),
                                "the session's own message says why",
                                failed[0]);
                    }
                }
                if (pump.isAlive()) {
                    script.kill();
                    throw new RestoreFailedException(
                            "the restore did not finish within " + timeout, "raise the timeout, then retry");
                }
                script.awaitSuccess(timeout);
            }

            @Override
            public void kill() {
                script.kill();
            }

            @Override
            public void close() {
                script.close();
            }
        };
    }
}
