package dev.lifeboat.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DumpTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The {@link DumpTools} port's contract, one suite for every implementation: the fake the use cases' tests run on
 * (FakeDumpToolsContractTest) and the real client programs against real PostgreSQL and MariaDB servers
 * (ProcessDumpToolsContractIT). It asks what the use cases rely on: a tool says who it is; a dump streams its bytes
 * and then succeeds; a dump of a server that cannot be reached, a killed tool, and a load of bytes that are no dump
 * never report success, and fail as a dump or a restore failure without the password; a dump loads into an empty
 * database. Where the fake and the programs disagree, the suite finds it: it found the fake's killed tools reporting
 * success.
 *
 * <p>Not asked here, by design of the fake: what a load puts in the database (the fake collects the bytes; the
 * real-parts ITs compare every table's checksum).
 */
public abstract class DumpToolsContract {
    private static final Duration WAIT = Duration.ofMinutes(1);

    /** The implementation under test. */
    protected abstract DumpTools tools();

    /** The engine family of {@link #source()} and {@link #emptyDatabase()}. */
    protected abstract DatabaseEngine engine();

    /** A database holding a table with rows. */
    protected abstract DatabaseTarget source();

    /** A new, empty database. */
    protected abstract DatabaseTarget emptyDatabase();

    /** A target where no server answers, with a password the suite looks for in messages. */
    protected abstract DatabaseTarget unreachable(String password);

    /** Makes the next load of bytes that are no dump fail, as the real program does on its own. */
    protected abstract void loadsOfNonsenseFail();

    /** Makes dumps of {@link #unreachable} fail, as the real program does on its own. */
    protected abstract void dumpsOfUnreachableServersFail();

    @Test
    void eachToolSaysWhoItIs() {
        DumpTools.DumpTool dump = tools().dumpTool(engine());
        DumpTools.LoadTool load = tools().loadTool(engine());
        assertThat(dump.name()).isNotBlank();
        assertThat(dump.version()).isNotNull();
        assertThat(dump.extension()).isNotBlank().doesNotStartWith(".");
        assertThat(dump.format()).isNotBlank();
        assertThat(load.name()).isNotBlank();
        assertThat(load.version()).isNotNull();
        assertThat(load.version().major()).isEqualTo(dump.version().major());
    }

    @Test
    void aDump_streamsItsBytes_thenSucceeds() {
        try (DumpTools.Running r = tools().dumpTool(engine()).start(source())) {
            byte[] bytes = drain(r.output());
            r.awaitSuccess(WAIT);
            assertThat(bytes).isNotEmpty();
        }
    }

    @Test
    void aDumpOfAServerThatCannotBeReached_failsWithoutThePassword() {
        dumpsOfUnreachableServersFail();
        String password = "contract-pw-" + System.nanoTime();
        try (DumpTools.Running r = tools().dumpTool(engine()).start(unreachable(password))) {
            drain(r.output());
            assertThatThrownBy(() -> r.awaitSuccess(WAIT))
                    .isInstanceOfAny(DumpFailedException.class, DatabaseAccessException.class)
                    .satisfies(
                            e -> assertThat(((LifeboatException) e).describe()).doesNotContain(password));
        }
    }

    @Test
    void aKilledDump_neverReportsSuccess() {
        try (DumpTools.Running r = tools().dumpTool(engine()).start(source())) {
            r.kill();
            drainQuietly(r.output());
            assertThatThrownBy(() -> r.awaitSuccess(WAIT)).isInstanceOf(LifeboatException.class);
        }
    }

    @Test
    void aDump_loadsIntoAnEmptyDatabase() {
        byte[] dump;
        try (DumpTools.Running r = tools().dumpTool(engine()).start(source())) {
            dump = drain(r.output());
            r.awaitSuccess(WAIT);
        }
        try (DumpTools.Running load =
                tools().loadTool(engine()).start(emptyDatabase(), new DumpTools.LoadOptions(false, null, 1, null))) {
            write(load.input(), dump);
            load.awaitSuccess(WAIT);
        }
    }

    @Test
    void aLoadOfBytesThatAreNoDump_failsAsARestoreFailure() {
        loadsOfNonsenseFail();
        try (DumpTools.Running load =
                tools().loadTool(engine()).start(emptyDatabase(), new DumpTools.LoadOptions(false, null, 1, null))) {
            try {
                write(
                        load.input(),
                        "this is not a dump; SELECT nothing FROM nowhere;\n".getBytes(StandardCharsets.UTF_8));
            } catch (UncheckedIOException stoppedReading) {
                // a loader may stop reading at the first bad byte; what it says at the end is what counts
            }
            assertThatThrownBy(() -> load.awaitSuccess(WAIT)).isInstanceOf(RestoreFailedException.class);
        }
    }

    @Test
    void aKilledLoad_neverReportsSuccess() {
        try (DumpTools.Running load =
                tools().loadTool(engine()).start(emptyDatabase(), new DumpTools.LoadOptions(false, null, 1, null))) {
            load.kill();
            try {
                write(load.input(), "-- nothing\n".getBytes(StandardCharsets.UTF_8));
            } catch (UncheckedIOException brokenPipe) {
                // the killed program reads no more
            }
            assertThatThrownBy(() -> load.awaitSuccess(WAIT)).isInstanceOf(LifeboatException.class);
        }
    }

    @Test
    void closingTwice_isHarmless() {
        DumpTools.Running r = tools().dumpTool(engine()).start(source());
        drain(r.output());
        r.awaitSuccess(WAIT);
        r.close();
        r.close();
    }

    private static byte[] drain(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drainQuietly(InputStream in) {
        try {
            in.readAllBytes();
        } catch (IOException killed) {
            // a killed tool's pipe may end in an error
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try (out) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
