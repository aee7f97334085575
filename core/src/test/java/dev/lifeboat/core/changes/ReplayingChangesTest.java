package dev.lifeboat.core.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.testing.FakeChangeServer;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplayingChangesTest {
    private static final DatabaseTarget TARGET =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "h", 5432, "shop_restored", "u", Secret.none());

    private final InMemoryVault vault = new InMemoryVault();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T22:00:00Z"));
    private final FakeChangeServer server = new FakeChangeServer();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final FakeInspector inspector = new FakeInspector();
    private final ChangeArchive archive = new ChangeArchive(vault);
    private List<ChangeSegment> segments;

    ReplayingChangesTest() {
        server.clock = clock;
        server.createSlot(StreamingChangesTest.SOURCE, "lifeboat_shop");
    }

    /** 60 transactions 300 ms apart from 22:00:00, archived in segments of about a second. */
    private void archive() {
        for (int i = 0; i < 60; i++) {
            server.transaction(2);
        }
        stream();
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
        segments = archive.segments("shop");
    }

    /**
     * A dump whose position was read just before transaction {@code n} committed, its snapshot taken then: it sees
     * every transaction before {@code n}, and none of {@code running}.
     */
    private DumpManifest baseBefore(int n, long... running) {
        FakeChangeServer.Txn t = server.committed.get(n);
        long xmin = running.length == 0
                ? t.xid()
                : Math.min(t.xid(), java.util.Arrays.stream(running).min().orElseThrow());
        StringBuilder xip = new StringBuilder();
        for (long r : running) {
            xip.append(xip.isEmpty() ? "" : ",").append(r);
        }
        if (running.length > 0) {
            xip.append(",").append(t.xid());
        }
        long xmax = Math.max(
                        t.xid(),
                        running.length == 0
                                ? 0
                                : java.util.Arrays.stream(running).max().orElseThrow())
                + (running.length == 0 ? 0 : 1);
        String snapshot = running.length == 0 ? t.xid() + ":" + t.xid() + ":" : xmin + ":" + xmax + ":" + xip;
        Instant by = t.at().minusMillis(100);
        DumpManifest m = FakeDumps.take(vault, "shop", Clock.fixed(by, ZoneOffset.UTC));
        DumpManifest marked = m.withChanges(new DumpManifest.Changes(Lsn.format(t.lsn() - 1), snapshot, "f1", by));
        vault.objects.put(VaultLayout.manifestKey("shop", m.id()), ManifestCodec.write(marked));
        return marked;
    }

    private ReplayingChanges replaying() {
        clock.now = Instant.parse("2026-12-06T08:00:00Z");
        return new ReplayingChanges(
                vault,
                new BackupCatalog(vault, clock),
                new RestoringDump(vault, inspector, tools, clock, Duration.ofMinutes(5)),
                inspector,
                server,
                clock,
                Duration.ofMinutes(5));
    }

    private ReplayingChanges.Result restore(Instant moment) {
        return replaying().restore(new ReplayingChanges.Command("shop", moment, null, TARGET, true, false, null));
    }

    /** The change lines of transactions {@code from} to {@code to} (inclusive) as committed. */
    private List<String> changesOf(int from, int to) {
        List<String> lines = new ArrayList<>();
        for (FakeChangeServer.Txn t : server.committed.subList(from, to + 1)) {
            lines.addAll(t.lines().subList(1, t.lines().size() - 1));
        }
        return lines;
    }

    @Test
    void theNewestDumpBeforeTheMoment_thenExactlyTheTransactionsItDoesNotHold_upToTheMoment() {
        archive();
        baseBefore(10);
        DumpManifest later = baseBefore(20);
        baseBefore(50);
        Instant moment = server.committed.get(40).at();

        ReplayingChanges.Plan plan = replaying().plan("shop", moment, null);
        assertThat(plan.base().backupId()).isEqualTo(later.backupId());
        assertThat(plan.segments().getLast().lastCommitAt()).isAfter(moment);
        assertThat(plan.segments()).as("no segment beyond the moment's").hasSizeLessThan(segments.size());

        ReplayingChanges.Result r = restore(moment);

        assertThat(tools.loadsStarted).isEqualTo(1);
        assertThat(server.applied).containsExactlyElementsOf(changesOf(20, 40));
        assertThat(r.transactions()).isEqualTo(21);
        assertThat(server.appliedSequences)
                .as("the sequences as the streamer read them at the cut after the moment: never behind it")
                .isEqualTo(plan.segments().getLast().sequences());
        assertThat(server.appliedSequences.get("public.orders_id_seq")).isGreaterThanOrEqualTo(2L * 41 + 1);
    }

    /**
     * A transaction whose commit was written before the dump read its position, but which its snapshot did not yet see
     * (still running in it), is replayed; one the snapshot saw is not, wherever it committed.
     */
    @Test
    void theSnapshotDecides_notThePosition() {
        for (int i = 0; i < 30; i++) {
            server.transaction(2);
        }
        stream();
        // Transaction 12 committed before the dump's position (read in a later segment) but was running in its
        // snapshot; those between were committed and seen.
        long end12 = segments.stream()
                .filter(g -> g.end() > server.committed.get(12).lsn())
                .findFirst()
                .orElseThrow()
                .end();
        int k = 13;
        while (server.committed.get(k).lsn() < end12) {
            k++;
        }
        assertThat(k)
                .as("the dump stands in a later segment than transaction 12")
                .isLessThan(25);
        baseBefore(k, server.committed.get(12).xid());

        restore(server.committed.get(25).at());

        List<String> expected = new ArrayList<>(changesOf(12, 12));
        expected.addAll(changesOf(k, 25));
        assertThat(server.applied).containsExactlyElementsOf(expected);
    }

    @Test
    void aMomentTheArchiveDoesNotReach_isRefused_namingWhatCan() {
        archive();
        DumpManifest base = baseBefore(10);
        ReplayingChanges r = replaying();

        assertThatThrownBy(() -> r.plan("shop", server.committed.get(5).at(), null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("dump " + base.backupId() + " was taken after that moment")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("the archive can restore"));
        assertThatThrownBy(() -> r.plan("shop", segments.getLast().writtenAt().plusSeconds(60), null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is followed by an archive read up to");
        assertThatThrownBy(() -> r.plan("shop", Instant.parse("2027-01-01T00:00:00Z"), null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("has not come yet");
        assertThat(tools.loadsStarted).isZero();
    }

    @Test
    void aDumpWithoutAPlaceInTheStream_isNamedWithItsReason() {
        archive();
        DumpManifest plain = FakeDumps.take(
                vault, "shop", Clock.fixed(server.committed.get(3).at(), ZoneOffset.UTC));

        assertThatThrownBy(
                        () -> replaying().plan("shop", server.committed.get(40).at(), null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("dump " + plain.backupId() + " records no place in the change stream");
    }

    @Test
    void aSegmentChangedInTheVault_refusesBeforeAnythingLoads() {
        archive();
        baseBefore(5);
        ChangeSegment victim = segments.get(3);
        byte[] bytes = vault.objects.get(victim.objectKey()).clone();
        bytes[bytes.length / 2] ^= 1;
        vault.objects.put(victim.objectKey(), bytes);

        assertThatThrownBy(() -> restore(server.committed.get(50).at()))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("change segment " + victim.startLsn());
        assertThat(tools.loadsStarted).as("nothing was loaded").isZero();
        assertThat(server.applied).isEmpty();
    }

    @Test
    void aSegmentWhoseLinesAreRearranged_withItsManifestToMatch_isRefusedAsDamaged() {
        archive();
        baseBefore(5);
        ChangeSegment victim = segments.get(3);
        String text = new String(vault.objects.get(victim.objectKey()), java.nio.charset.StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        java.util.Collections.swap(lines, 0, lines.size() - 1); // a commit before its begin
        byte[] forged = (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        vault.objects.put(victim.objectKey(), forged);
        vault.objects.put(
                ChangeArchive.segmentKey("shop", victim.start()),
                dev.lifeboat.core.binlog.BinlogCodec.write(new ChangeSegment(
                        1,
                        "shop",
                        victim.systemId(),
                        victim.slot(),
                        victim.startLsn(),
                        victim.endLsn(),
                        victim.firstCommitAt(),
                        victim.lastCommitAt(),
                        victim.transactions(),
                        victim.changes(),
                        forged.length,
                        dev.lifeboat.core.stream.Sha256.hex(forged),
                        victim.objectKey(),
                        victim.objectVersionId(),
                        victim.writtenAt(),
                        victim.writtenBy(),
                        victim.sequences(),
                        victim.fingerprint(),
                        victim.withoutIdentity(),
                        victim.completeUpTo())));

        assertThatThrownBy(() -> restore(server.committed.get(50).at()))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("is damaged");
        assertThat(tools.loadsStarted).isZero();
    }

    @Test
    void aChangeOfTheTablesColumnsBetweenTheDumpAndTheMoment_isRefused() {
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();
        baseBefore(2);
        server.fingerprint = "f2"; // ALTER TABLE on the source
        for (int i = 0; i < 20; i++) {
            server.transaction(1);
        }
        stream();
        Instant moment = clock.instant();
        clock.advance(Duration.ofSeconds(1)); // the next commit is after the moment: the archive reaches it
        server.transaction(1);
        stream();

        assertThatThrownBy(() -> replaying().plan("shop", moment, null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("change of the tables' columns")
                .hasMessageContaining("DDL");
        assertThat(replaying().plan("shop", server.committed.get(12).at(), null).segments())
                .as("a moment before the change still restores: a segment cut after the moment says nothing of it")
                .isNotEmpty();
    }

    @Test
    void tablesWithoutReplicaIdentity_stayAsOfTheDump_andAreNamed() {
        server.withoutIdentity = List.of("public.audit");
        for (int i = 0; i < 10; i++) {
            server.transaction(1);
            server.transaction("public", "audit", 1);
        }
        stream();
        baseBefore(2);

        ReplayingChanges.Result r = restore(server.committed.get(15).at());

        assertThat(r.notCarried()).containsExactly("public.audit");
        assertThat(server.applied).isNotEmpty().noneMatch(l -> l.contains("\"table\":\"audit\""));
    }

    @Test
    void aTruncateOfATableWithoutReplicaIdentity_isReplayed_forATruncateCascadingFromACarriedTableRunsWithIt() {
        server.withoutIdentity = List.of("public.referring");
        for (int i = 0; i < 10; i++) {
            server.transaction(1);
            server.transaction("public", "referring", 1);
        }
        FakeChangeServer.Txn truncate = server.transaction('T', "public", "referring", 1);
        server.transaction(1);
        stream();
        baseBefore(2);

        restore(server.committed.getLast().at());

        assertThat(server.applied)
                .filteredOn(l -> l.contains("\"table\":\"referring\""))
                .containsExactly(truncate.lines().get(1));
    }

    /**
     * What a restore killed with SIGKILL leaves (no code of Lifeboat's runs then): the database it created, holding the
     * dump without the changes. Its note says so from its creation until the last change is in, and the next restore
     * into that name refuses, saying what to do, and drops nothing.
     */
    @Test
    void theDatabaseARestoreCreated_isNotedIncompleteUntilTheLastChangeIsIn_andANameLeftIncomplete_isRefused() {
        archive();
        baseBefore(5);
        Instant moment = server.committed.get(40).at();
        List<String> duringReplay = new ArrayList<>();
        server.onApply = () -> duringReplay.add(inspector.notes.get("shop_restored"));

        ReplayingChanges.Result r = restore(moment);

        assertThat(duringReplay)
                .singleElement()
                .asString()
                .startsWith("lifeboat: INCOMPLETE restore of shop from backup "
                        + r.base().manifest().backupId() + " to " + moment + " (replaying the changes after the dump)")
                .contains("drop this database and restore again");
        assertThat(inspector.notes.get("shop_restored"))
                .startsWith("lifeboat: restore of shop from backup "
                        + r.base().manifest().backupId() + " to " + moment + ", finished ");

        inspector.notes.put("shop_restored", duringReplay.getFirst()); // as SIGKILL mid-replay leaves it
        assertThatThrownBy(() -> restore(moment))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("holds a restore that was stopped before it finished")
                .satisfies(e -> assertThat(((RefusedException) e).hint())
                        .contains("DROP DATABASE \"shop_restored\"")
                        .contains("restore into a new name"));
        assertThat(inspector.dropped).isEmpty();
        assertThat(inspector.databases).contains("shop_restored");
    }

    @Test
    void aReplayThatFails_removesTheDatabaseItCreated() {
        archive();
        baseBefore(5);
        server.applyFails = new DatabaseAccessException("replaying the changes failed: SQLSTATE 23505", "hint");

        assertThatThrownBy(() -> restore(server.committed.get(40).at()))
                .isInstanceOf(DatabaseAccessException.class)
                .satisfies(e -> assertThat(((DatabaseAccessException) e).hint()).contains("was removed"));
        assertThat(inspector.dropped).containsExactly("shop_restored");
    }

    @Test
    void aReplayStoppedByAnythingElse_removesTheDatabaseItCreatedToo() {
        archive();
        baseBefore(5);
        server.applyFails = new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));

        assertThatThrownBy(() -> restore(server.committed.get(40).at()))
                .isInstanceOf(dev.lifeboat.core.error.RestoreFailedException.class)
                .hasMessageContaining("nothing of them was kept")
                .satisfies(e -> assertThat(((dev.lifeboat.core.error.RestoreFailedException) e).hint())
                        .contains("was removed"));
        assertThat(inspector.dropped).containsExactly("shop_restored");
    }
}
