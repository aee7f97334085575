package dev.lifeboat.core.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.testing.FakeBinlogServer;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class StreamingBinlogTest {
    private static final DatabaseTarget SOURCE =
            new DatabaseTarget(DatabaseEngine.MARIADB, "db.internal", 3306, "shop", "repl", null);
    private static final StreamingBinlog.Settings FAST =
            new StreamingBinlog.Settings(Duration.ofSeconds(1), 1 << 20, Duration.ofMillis(1), Duration.ofMillis(1));

    private final InMemoryVault vault = new InMemoryVault();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T22:00:00Z"));
    private final FakeBinlogServer server = new FakeBinlogServer();

    {
        server.clock = clock;
        server.reported = server.position();
    }

    private BooleanSupplier archivedToTheEnd() {
        BinlogArchive archive = new BinlogArchive(vault);
        int[] calls = {0};
        return () -> {
            if (++calls[0] > 200_000) {
                throw new AssertionError("the streamer never reached the server's end");
            }
            return archive.last("shop")
                    .map(s -> s.continuesAt().equals(server.position()))
                    .orElse(false);
        };
    }

    private StreamingBinlog.Summary stream() {
        return new StreamingBinlog(vault, server, clock, FAST).run("shop", SOURCE, archivedToTheEnd());
    }

    /** The archive's bytes of each file, events only, in chain order: what a replay reads. */
    private byte[] archivedEvents(String file, List<Segment> chain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Segment s : chain) {
            if (!s.file().equals(file)) {
                continue;
            }
            try (InputStream in = vault.open(s.objectKey(), s.objectVersionId())) {
                byte[] all = in.readAllBytes();
                int skip = 4;
                if (s.start() != BinlogPosition.FIRST_EVENT) {
                    skip += (int) BinlogEvent.lengthIn(java.util.Arrays.copyOfRange(all, 4, 23));
                }
                out.write(all, skip, all.length - skip);
            }
        }
        return out.toByteArray();
    }

    /** The deployed streamer's lag metric (issue 40): the age of the newest event archived, zero once caught up. */
    @Test
    void theArchivesLag_isTheAgeOfTheNewestEventItHolds_untilNothingIsLeftToRead() {
        StreamingBinlog streaming = new StreamingBinlog(vault, server, clock, FAST);
        assertThat(streaming.progress().lag(clock.instant())).isEmpty();
        // A backlog: thirty transactions a minute apart, the last an hour before now.
        server.time = clock.instant().minus(Duration.ofMinutes(90));
        for (int i = 0; i < 30; i++) {
            server.transaction(40);
            server.time = server.time.plus(Duration.ofMinutes(1));
        }
        BinlogArchive archive = new BinlogArchive(vault);

        streaming.run("shop", SOURCE, () -> !archive.segments("shop").isEmpty());

        Segment first = archive.last("shop").orElseThrow();
        assertThat(first.continuesAt()).isNotEqualTo(server.position());
        assertThat(streaming.progress().lag(clock.instant()))
                .contains(Duration.between(first.lastEventAt(), clock.instant()));
        assertThat(streaming.progress().lag(clock.instant()).orElseThrow()).isGreaterThan(Duration.ofMinutes(60));

        int[] polls = {0};
        streaming.run("shop", SOURCE, () -> ++polls[0] > 500);

        assertThat(archive.last("shop").orElseThrow().continuesAt()).isEqualTo(server.position());
        assertThat(streaming.progress().lag(clock.instant()).orElseThrow())
                .as("caught up: at most a sample's interval (30 s) and its margin behind")
                .isLessThanOrEqualTo(Duration.ofSeconds(30)
                        .plus(StreamingBinlog.SAMPLE_MARGIN)
                        .plusSeconds(1));
        assertThat(streaming.progress().gaps()).isZero();
    }

    @Test
    void everyEventArchivedOnce_acrossDroppedConnections_corruptReads_andARotation() throws IOException {
        BinlogPosition start = server.position();
        for (int i = 0; i < 40; i++) {
            server.transaction(40 + i * 13);
            if (i == 19) {
                server.rotate();
            }
        }
        server.dropAfter = n -> n % 37 == 36;
        server.corrupt = n -> n == 50 || n == 51;

        StreamingBinlog.Summary summary = stream();

        assertThat(summary.interruptions())
                .as("drops and corrupt reads each restart the read")
                .isGreaterThan(3);
        assertThat(summary.gaps()).isZero();
        List<Segment> all = new BinlogArchive(vault).segments("shop");
        List<Segment> chain = BinlogArchive.chainFrom(all, start);
        assertThat(chain).as("one unbroken chain, no segment beside it").containsExactlyElementsOf(all);
        assertThat(chain.getFirst().from()).isEqualTo(start);
        assertThat(chain.getLast().continuesAt()).isEqualTo(server.position());
        assertThat(archivedEvents("binlog.000001", chain))
                .isEqualTo(server.bytes(
                        "binlog.000001",
                        start.position(),
                        server.files.get("binlog.000001").size()));
        assertThat(archivedEvents("binlog.000002", chain))
                .isEqualTo(server.bytes("binlog.000002", 4, server.position().position()));
    }

    @Test
    void aSegmentEndsOnlyBetweenTransactions() throws IOException {
        for (int i = 0; i < 30; i++) {
            server.transaction(100);
        }
        server.dropAfter = n -> n % 11 == 10;
        stream();
        for (Segment s : new BinlogArchive(vault).segments("shop")) {
            byte[] all;
            try (InputStream in = vault.open(s.objectKey(), s.objectVersionId())) {
                all = in.readAllBytes();
            }
            // The last event of every segment is an XID (type 16): a transaction's end.
            int at = 4;
            int lastType = -1;
            while (at < all.length) {
                lastType = all[at + 4] & 0xff;
                at += (int) BinlogEvent.lengthIn(java.util.Arrays.copyOfRange(all, at, at + 19));
            }
            assertThat(lastType).as("last event of %s", s.from()).isEqualTo(16);
        }
    }

    @Test
    void aSecondStreamerFindsTheSegmentTaken_andStops() {
        for (int i = 0; i < 10; i++) {
            server.transaction(50);
        }
        // The other streamer wrote the segment at the start first.
        Segment theirs = new Segment(
                1,
                "shop",
                1,
                "v",
                "binlog.000001",
                server.reported.position(),
                server.reported.position() + 10,
                null,
                clock.instant(),
                clock.instant(),
                1,
                1,
                "00",
                "k",
                null,
                clock.instant(),
                "x",
                null,
                null);
        // Not in the archive's listing as the chain's end (its object is missing), but its key is taken.
        vault.putIfAbsent(
                BinlogArchive.segmentKey("shop", theirs.from()),
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(this::stream)
                .isInstanceOf(StreamingBinlog.Contended.class)
                .hasMessageContaining("another streamer archives shop");
    }

    /**
     * Two streamers started at different moments on an empty archive read the same chain: the first decides the
     * archive's start, and the second, whose server reports a later position, begins there too (found by
     * BinlogArchiveIT: each had begun a chain of its own, and every event was archived twice).
     */
    @Test
    void aStreamerStartingOnAnEmptyArchive_beginsWhereTheArchivesStartSays_notWhereItsServerIsNow() {
        BinlogPosition first = server.reported;
        new BinlogArchive(vault).start(new BinlogArchive.Start("shop", first, 1, clock.instant()));
        for (int i = 0; i < 10; i++) {
            server.transaction(50);
        }
        server.reported = server.position();
        stream();
        List<Segment> all = new BinlogArchive(vault).segments("shop");
        assertThat(all.getFirst().from()).isEqualTo(first);
        assertThat(BinlogArchive.chainFrom(all, first)).containsExactlyElementsOf(all);
    }

    /**
     * The second of two streamers started a moment apart may find the archive begun after it asked the server where
     * it stood: that is not a gap (found in CI: a gap marked and a second chain begun), the server is asked again.
     */
    @Test
    void anArchiveBegunAfterTheServerWasAsked_isNotAGap() {
        server.transaction(50).transaction(50);
        BinlogPosition asked = server.position();
        server.transaction(50).transaction(50).transaction(50);
        BinlogPosition begun = server.position();
        new BinlogArchive(vault).start(new BinlogArchive.Start("shop", begun, 1, clock.instant()));
        for (int i = 0; i < 5; i++) {
            server.transaction(50);
        }
        server.reported = asked;

        StreamingBinlog.Summary summary = stream();

        assertThat(summary.gaps()).isZero();
        assertThat(new BinlogArchive(vault).gaps("shop")).isEmpty();
        assertThat(new BinlogArchive(vault).segments("shop").getFirst().from()).isEqualTo(begun);
    }

    /**
     * A server that crashed leaves its file without a rotate; the reader is told of the next file by a rotate made
     * up for it, which is not in the file (found by a hostile review: the streamer stopped for good, no gap marked).
     * The archive goes on into the next file, as one chain, every byte the server's.
     */
    @Test
    void aServerThatCrashed_andWentOnInANewFile_isFollowedWithoutAGap() throws IOException {
        BinlogPosition start = server.position();
        for (int i = 0; i < 8; i++) {
            server.transaction(60);
        }
        long crashedAt = server.position().position();
        server.crash();
        for (int i = 0; i < 8; i++) {
            server.transaction(60);
        }

        StreamingBinlog.Summary summary = stream();

        assertThat(summary.gaps()).isZero();
        List<Segment> all = new BinlogArchive(vault).segments("shop");
        assertThat(BinlogArchive.chainFrom(all, start)).containsExactlyElementsOf(all);
        assertThat(all.getLast().continuesAt()).isEqualTo(server.position());
        assertThat(archivedEvents("binlog.000001", all))
                .isEqualTo(server.bytes("binlog.000001", start.position(), crashedAt));
        assertThat(archivedEvents("binlog.000002", all))
                .isEqualTo(server.bytes("binlog.000002", 4, server.position().position()));
    }

    @Test
    void aPurgedBinlog_orAnotherServer_isMarkedAsAGap_andStreamingGoesOnFromTheServersPosition() {
        for (int i = 0; i < 5; i++) {
            server.transaction(50);
        }
        stream();
        Segment before = new BinlogArchive(vault).last("shop").orElseThrow();
        server.rotate();
        for (int i = 0; i < 5; i++) {
            server.transaction(50);
        }
        server.files.remove("binlog.000001");
        server.reported = server.position();
        server.transaction(60);

        StreamingBinlog.Summary summary = stream();

        assertThat(summary.gaps()).isEqualTo(1);
        List<Gap> gaps = new BinlogArchive(vault).gaps("shop");
        assertThat(gaps).hasSize(1);
        assertThat(gaps.getFirst().lastArchived()).isEqualTo(before.continuesAt());
        assertThat(gaps.getFirst().reason()).contains("no longer holds binlog.000001");
        assertThat(new BinlogArchive(vault).windows("shop"))
                .as("two windows, the gap between")
                .hasSize(2);

        server.serverId = 2;
        server.reported = server.position();
        server.transaction(70);
        assertThat(stream().gaps()).isEqualTo(1);
        assertThat(new BinlogArchive(vault).gaps("shop").getLast().reason()).contains("server's id is now 2");
    }

    /**
     * As helper-11 found on the PostgreSQL side: a gap marked, the streamer stopped before a segment followed it, and
     * the place the gap resumed at purged too. The streamer does not read from a purged file: it marks a second gap,
     * from where the first resumed, and goes on from the server's present position.
     */
    @Test
    void aGapWhoseResumedPlaceIsPurgedBeforeASegment_isFollowedByASecondGap() {
        server.transaction(50);
        stream();
        server.rotate();
        server.transaction(50);
        server.files.remove("binlog.000001");
        server.reported = server.position();
        Gap first;
        new StreamingBinlog(vault, server, clock, FAST)
                .run(
                        "shop",
                        SOURCE,
                        () -> !new BinlogArchive(vault).gaps("shop").isEmpty());
        first = new BinlogArchive(vault).gaps("shop").getFirst();
        server.rotate();
        server.transaction(50);
        server.files.remove(first.resumedAt().file());
        server.reported = server.position();
        server.transaction(60);

        stream();

        List<Gap> gaps = new BinlogArchive(vault).gaps("shop");
        assertThat(gaps).hasSize(2);
        assertThat(gaps.getLast().lastArchived()).isEqualTo(first.resumedAt());
        assertThat(gaps.getLast().reason())
                .contains("no longer holds " + first.resumedAt().file());
        assertThat(new BinlogArchive(vault).last("shop").orElseThrow().continuesAt())
                .isEqualTo(server.position());
    }

    @Test
    void aServerWithoutARowBasedBinlog_isRefusedWithTheFix() {
        server.format = "MIXED";
        assertThatThrownBy(this::stream)
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("binlog_format is MIXED")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("binlog_format=ROW"));
        server.format = "ROW";
        server.binlogOn = false;
        assertThatThrownBy(this::stream)
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("binary logging is off");
        assertThat(vault.objects).isEmpty();
    }
}
