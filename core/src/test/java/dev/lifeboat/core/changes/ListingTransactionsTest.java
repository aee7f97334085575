package dev.lifeboat.core.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.testing.FakeChangeServer;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListingTransactionsTest {
    private final InMemoryVault vault = new InMemoryVault();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T22:00:00Z"));
    private final FakeChangeServer server = new FakeChangeServer();
    private final ChangeArchive archive = new ChangeArchive(vault);

    ListingTransactionsTest() {
        server.clock = clock;
        server.createSlot(StreamingChangesTest.SOURCE, "lifeboat_shop");
    }

    private void stream() {
        AtomicInteger polls = new AtomicInteger();
        new StreamingChanges(vault, server, clock, StreamingChangesTest.SETTINGS)
                .run(
                        "shop",
                        StreamingChangesTest.SOURCE,
                        () -> polls.incrementAndGet() > 10_000
                                || archive.last("shop")
                                        .map(s -> s.end()
                                                >= server.committed.getLast().next())
                                        .orElse(false));
    }

    private ListingTransactions listing() {
        return new ListingTransactions(vault, new BackupCatalog(vault, clock));
    }

    @Test
    void theTransactionsAroundAMoment_withTheirRowsPerTableAndKind_neverAValue() {
        for (int i = 0; i < 200; i++) {
            server.transaction(1); // 300 ms apart: a minute
        }
        FakeChangeServer.Txn deleting = server.transaction('D', "public", "orders", 40);
        FakeChangeServer.Txn truncating = server.transaction('T', "public", "audit", 1);
        FakeChangeServer.Txn updating = server.transaction('U', "shop", "customers", 3);
        for (int i = 0; i < 200; i++) {
            server.transaction(1);
        }
        stream();

        ListingTransactions.Listed listed = listing().around("shop", deleting.at(), Duration.ofSeconds(30));

        assertThat(listed.transactions())
                .extracting(ListingTransactions.Transaction::xid)
                .contains(deleting.xid(), truncating.xid(), updating.xid());
        assertThat(listed.transactions())
                .as("only those within the stretch, in commit order")
                .allSatisfy(t -> assertThat(t.at()).isBetween(listed.from(), listed.to()))
                .isSortedAccordingTo(java.util.Comparator.comparing(ListingTransactions.Transaction::at));
        assertThat(listed.transactions().size())
                .as("30 s either side of the moment, 300 ms apart, and the stretch cut at whole seconds")
                .isBetween(195, 210);
        Map<Long, ListingTransactions.Transaction> byXid = new java.util.HashMap<>();
        listed.transactions().forEach(t -> byXid.put(t.xid(), t));
        assertThat(byXid.get(deleting.xid()).rows()).isEqualTo(Map.of("public.orders", Map.of("deleted", 40L)));
        assertThat(byXid.get(truncating.xid()).rows()).isEqualTo(Map.of("public.audit", Map.of("truncated", 1L)));
        assertThat(byXid.get(updating.xid()).rows()).isEqualTo(Map.of("shop.customers", Map.of("updated", 3L)));
        assertThat(byXid.get(deleting.xid()).commitLsn()).isEqualTo(Lsn.format(deleting.lsn()));
        assertThat(byXid.get(deleting.xid()).at()).isEqualTo(deleting.at());
        assertThat(listed.shapeChanges()).isEmpty();
    }

    @Test
    void aChangeOfTheTablesColumns_isListedBetweenTheCutsThatSawIt() {
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();
        Instant before = clock.instant();
        server.fingerprint = "f2"; // DROP TABLE, which logical decoding does not carry
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();
        List<ChangeSegment> segments = archive.segments("shop");

        ListingTransactions.Listed listed = listing().around("shop", before, Duration.ofMinutes(1));

        assertThat(listed.shapeChanges()).hasSize(1);
        ListingTransactions.ShapeChange change = listed.shapeChanges().getFirst();
        ChangeSegment first = segments.stream()
                .filter(s -> s.fingerprint().equals("f2"))
                .findFirst()
                .orElseThrow();
        assertThat(change.segmentLsn()).isEqualTo(first.startLsn());
        assertThat(change.by()).isEqualTo(first.writtenAt());
        assertThat(change.after()).isBefore(change.by()).isBeforeOrEqualTo(before);
    }

    @Test
    void aSegmentThatIsNotWhatItsManifestVouchesFor_isRefused() {
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();
        ChangeSegment s = archive.segments("shop").getFirst();
        byte[] stored = vault.objects.get(s.objectKey());
        String forged = new String(stored, StandardCharsets.UTF_8).replaceFirst("\"value\":(\\d+)", "\"value\":99$1");
        assertThat(forged).isNotEqualTo(new String(stored, StandardCharsets.UTF_8));
        vault.objects.put(s.objectKey(), forged.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() ->
                        listing().around("shop", server.committed.getFirst().at(), Duration.ofMinutes(1)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("does not match its manifest");
    }

    @Test
    void aMomentNoSegmentHolds_isRefusedNamingWhatTheArchiveHolds() {
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();

        assertThatThrownBy(() -> listing().around("shop", Instant.parse("2026-12-04T10:00:00Z"), Duration.ofMinutes(5)))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no archived change segment holds that time");
        assertThat(listing().archive("shop")).isPresent();
        assertThat(listing().archive("other")).isEmpty();
    }

    @Test
    void theArchive_isListedAndItsManifestsRead_once() {
        for (int i = 0; i < 400; i++) {
            server.transaction(1);
        }
        stream();
        int manifests = archive.segments("shop").size();
        vault.listings = 0;
        vault.reads = 0;

        ListingTransactions listing = listing();
        ListingTransactions.Archive held = listing.archive("shop").orElseThrow();
        ListingTransactions.Listed listed =
                listing.around(held, server.committed.get(200).at(), Duration.ofSeconds(5));

        assertThat(listed.transactions()).isNotEmpty();
        assertThat(manifests).isGreaterThan(1);
        assertThat(vault.listings).isEqualTo(1);
        assertThat(vault.reads).isEqualTo(manifests);
    }

    /** The server's own transactions (an ANALYZE writes only the catalog) reach the slot empty: not listed. */
    @Test
    void aTransactionThatChangedNoRow_isNotListed() {
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        FakeChangeServer.Txn empty = server.transaction(0);
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();

        ListingTransactions.Listed listed = listing().around("shop", empty.at(), Duration.ofMinutes(1));

        assertThat(listed.transactions()).hasSize(40).noneMatch(t -> t.xid() == empty.xid());
    }
}
