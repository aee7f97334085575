package dev.lifeboat.core.testing;

import dev.lifeboat.core.changes.ChangeArchive;
import dev.lifeboat.core.changes.StreamingChanges;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.Vault;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A change archive made the way the streamer makes it, for the tests of what reads one. */
public final class Archiving {
    /** Segments of a second at most, retried at once: the fake server's clock moves as it is read. */
    public static final StreamingChanges.Settings FAST = new StreamingChanges.Settings(
            Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofMillis(1));

    private Archiving() {}

    /**
     * Streams {@code server}'s committed transactions into {@code vault} as database {@code id} (its slot made
     * already) until the archive holds the last of them, on the server's clock.
     */
    public static StreamingChanges.Summary untilArchived(
            Vault vault, FakeChangeServer server, String id, DatabaseTarget source) {
        ChangeArchive archive = new ChangeArchive(vault);
        AtomicInteger polls = new AtomicInteger();
        return new StreamingChanges(vault, server, server.clock, FAST)
                .run(
                        id,
                        source,
                        () -> polls.incrementAndGet() > 10_000
                                || archive.last(id)
                                        .map(s -> server.committed.isEmpty()
                                                || s.end()
                                                        >= server.committed
                                                                .getLast()
                                                                .next())
                                        .orElse(false));
    }
}
