package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.restore.RestoringSnapshot.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 35: a snapshot restore's next step is decided by a pure function of what was observed, tested here without
 * a fake: every combination of the observations, each against the rule written out once more in the test's words.
 */
class RestoreDecisionTest {
    private static Optional<SnapshotInfo> copy(String status) {
        return Optional.of(SnapshotInfo.builder()
                .id("lifeboat-restore-x")
                .arn("arn:aws:rds:eu-west-1:111111111111:snapshot:lifeboat-restore-x")
                .location(new Location("111111111111", "eu-west-1"))
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders")
                .status(status)
                .type("manual")
                .createdAt(Instant.EPOCH)
                .encrypted(true)
                .kmsKeyId("k")
                .tags(Map.of())
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16.4")
                .percentProgress(0)
                .originalCreatedAt(Instant.EPOCH)
                .resourceId("db-X")
                .build());
    }

    @Test
    void everyCombinationOfObservations_hasTheStepTheRulesGive() {
        List<Optional<SnapshotInfo>> copies = new ArrayList<>(List.of(Optional.empty()));
        for (String status : List.of("creating", "copying", "available", "failed", "incompatible-restore", "error")) {
            copies.add(copy(status));
        }
        int asked = 0;
        for (boolean dryRun : new boolean[] {false, true}) {
            for (boolean existing : new boolean[] {false, true}) {
                for (boolean ours : new boolean[] {false, true}) {
                    if (ours && !existing) {
                        continue; // ours is said of an existing database only
                    }
                    for (boolean elsewhere : new boolean[] {false, true}) {
                        for (Optional<SnapshotInfo> local : copies) {
                            if (!elsewhere && local.isPresent()) {
                                continue; // no copy is looked for in the backup account
                            }
                            Step step = RestoringSnapshot.decide(dryRun, existing, ours, elsewhere, local);
                            Step expected;
                            if (dryRun) {
                                expected = Step.PLANNED; // a dry run never calls, whatever exists
                            } else if (existing) {
                                expected = ours ? Step.FOLLOW : Step.REFUSE_EXISTING; // never reuse another's
                            } else if (!elsewhere) {
                                expected = Step.RESTORE; // the backup account's copy is restored from directly
                            } else if (local.isEmpty()) {
                                expected = Step.COPY;
                            } else {
                                String s = local.get().status();
                                expected = s.equals("available")
                                        ? Step.RESTORE
                                        : Set.of("failed", "incompatible-restore", "error")
                                                        .contains(s)
                                                ? Step.COPY_FAILED
                                                : Step.COPY_RUNNING;
                            }
                            assertThat(step)
                                    .as(
                                            "dryRun=%s existing=%s ours=%s elsewhere=%s copy=%s",
                                            dryRun, existing, ours, elsewhere, local.map(SnapshotInfo::status))
                                    .isEqualTo(expected);
                            asked++;
                        }
                    }
                }
            }
        }
        assertThat(asked).isEqualTo(2 * 3 * (1 + 7));
        // Every step is reachable.
        assertThat(Step.values()).hasSize(7);
    }
}
