package dev.lifeboat.core.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.changes.CheckingStream.Finding;
import dev.lifeboat.core.changes.CheckingStream.Verdict;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.core.testing.FakeChangeServer;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CheckingStreamTest {
    private static CheckingStream.Report check(Consumer<FakeChangeServer> server) {
        FakeChangeServer s = new FakeChangeServer();
        server.accept(s);
        return new CheckingStream(s).check("shop", StreamingChangesTest.SOURCE);
    }

    private static Finding finding(CheckingStream.Report report, String what) {
        return report.findings().stream()
                .filter(f -> f.what().contains(what))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no finding about " + what + ": " + report.findings()));
    }

    private static ChangeFeed.Readiness readiness(
            String refused, int slots, int senders, String idle, List<String> unlogged, long largeObjects) {
        return new ChangeFeed.Readiness(refused, slots, senders, idle, List.of(), unlogged, largeObjects);
    }

    @Test
    void aServerThatLetsLifeboatStreamSafely_isStreamable_andStillSaysDdlIsNotCarried() {
        CheckingStream.Report report = check(s -> {});

        assertThat(report.streamable()).isTrue();
        assertThat(report.findings())
                .filteredOn(f -> f.verdict() == Verdict.FAIL)
                .isEmpty();
        assertThat(finding(report, "DDL").verdict()).isEqualTo(Verdict.NOTE);
        assertThat(finding(report, "tables without a primary key").verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void eachThingTheStreamerNeeds_failsTheCheckOnItsOwn_namingTheFix() {
        record Case(String what, Consumer<FakeChangeServer> breaks, String fix) {}
        List<Case> cases = List.of(
                new Case("wal_level", s -> s.walLevel = "replica", "rds.logical_replication=1"),
                new Case("max_slot_wal_keep_size", s -> s.keepMb = -1, "set it"),
                new Case(
                        "a standby",
                        s -> {
                            s.inRecovery = true;
                            s.versionNum = 150005;
                        },
                        "point --source at the primary"),
                new Case(
                        "a replication connection",
                        s -> s.readiness = readiness("SQLSTATE 53300: too many", 4, 4, null, List.of(), 0),
                        "raise max_wal_senders"),
                new Case(
                        "a replication connection",
                        s -> s.readiness = readiness("SQLSTATE 28000: no pg_hba.conf entry", 4, 4, null, List.of(), 0),
                        "GRANT rds_replication TO lifeboat"),
                new Case(
                        "a free replication slot",
                        s -> s.readiness = readiness(null, 0, 4, null, List.of(), 0),
                        "max_replication_slots"),
                new Case(
                        "a free WAL sender",
                        s -> s.readiness = readiness(null, 4, 0, null, List.of(), 0),
                        "max_wal_senders"),
                new Case(
                        "is not Lifeboat's",
                        s -> s.slot = new ChangeFeed.Slot("lifeboat_shop", "pgoutput", "shop", 0, false, false),
                        "another --database id"));
        for (Case c : cases) {
            CheckingStream.Report report = check(c.breaks());
            assertThat(report.streamable()).as(c.what()).isFalse();
            assertThat(report.findings())
                    .as(c.what())
                    .filteredOn(f -> f.verdict() == Verdict.FAIL)
                    .singleElement()
                    .satisfies(f -> assertThat(f.what() + ": " + f.detail()).contains(c.what(), c.fix()));
        }
    }

    @Test
    void whatLogicalDecodingLeavesOut_isNamedPerTable_withoutFailingTheCheck() {
        List<String> many =
                IntStream.range(0, 25).mapToObj(i -> "public.log" + i).toList();
        CheckingStream.Report report = check(s -> {
            s.withoutIdentity = many;
            s.readiness = readiness(null, 4, 4, "1 d", List.of("public.sessions"), 3);
        });

        assertThat(report.streamable()).isTrue();
        Finding without = finding(report, "tables without a primary key");
        assertThat(without.verdict()).isEqualTo(Verdict.NOTE);
        assertThat(without.what()).startsWith("25 ");
        assertThat(without.detail())
                .contains("public.log0", "public.log19", "and 5 more")
                .doesNotContain("log20,");
        assertThat(finding(report, "unlogged").detail()).contains("public.sessions");
        assertThat(finding(report, "3 large objects").verdict()).isEqualTo(Verdict.NOTE);
        assertThat(finding(report, "idle_replication_slot_timeout").verdict()).isEqualTo(Verdict.NOTE);
    }

    @Test
    void lifeboatsOwnSlot_isNoteworthyWhenTheServerGaveItUp_andNeedsNoFreeSlot() {
        CheckingStream.Report report = check(s -> {
            s.slot = new ChangeFeed.Slot("lifeboat_shop", "wal2json", "shop", 0, false, true);
            s.readiness = readiness(null, 0, 4, null, List.of(), 0);
        });

        assertThat(report.streamable()).isTrue();
        assertThat(finding(report, "lifeboat_shop exists").verdict()).isEqualTo(Verdict.NOTE);
        assertThat(finding(report, "lifeboat_shop exists").detail()).contains("marks a gap");
    }

    @Test
    void aStandbyThatDecodes_aSlotBeingRead_andThePlugin_areNoted_notFailed() {
        CheckingStream.Report standby = check(s -> s.inRecovery = true);
        assertThat(standby.streamable()).isTrue();
        assertThat(finding(standby, "a standby").verdict()).isEqualTo(Verdict.NOTE);
        assertThat(finding(standby, "a standby").detail()).contains("hot_standby_feedback");
        assertThat(finding(standby, "wal2json").detail()).contains("checked when the streamer makes its slot");

        CheckingStream.Report read =
                check(s -> s.slot = new ChangeFeed.Slot("lifeboat_shop", "wal2json", "shop", 0, true, false));
        assertThat(finding(read, "lifeboat_shop exists").verdict()).isEqualTo(Verdict.NOTE);
        assertThat(finding(read, "lifeboat_shop exists").detail()).contains("a second one stops (exit 3)");
        assertThat(finding(read, "wal2json").verdict()).isEqualTo(Verdict.OK);
    }
}
