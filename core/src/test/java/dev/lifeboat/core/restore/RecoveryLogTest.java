package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryShapes;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: every restore's recovery time, split into phases, logged in the vault; a restore followed over several
 * calls (a command line, or the restore function invoked again) measures from its first call, once.
 */
class RecoveryLogTest {
    static final String PROD = "111111111111";
    static final String BACKUP = "222222222222";
    static final Location VAULT_LOC = new Location(BACKUP, "eu-central-1");
    static final String COPY = "lifeboat-orders-20261125-0300";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T23:00:00Z"));
    private final InMemoryRds rds = new InMemoryRds(clock);
    private final InMemoryVault vault = new InMemoryVault();
    private final RestoringSnapshot restoring = new RestoringSnapshot(rds, new InMemoryShapes(), vault, clock);
    private final LifeboatConfig config = TestSettings.orders();

    @BeforeEach
    void aCopy() {
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.addKey(PROD, "eu-west-1", "restore", false);
        rds.iam = IamModel.deployed(config, IamModel.BackupRole.RESTORE).withDefaultPoliciesFor(rds);
        rds.put(Copies.ordersCopy(VAULT_LOC));
    }

    private RestoringSnapshot.Result followEveryMinute(RestoringSnapshot.Target t) {
        RestoringSnapshot.Result r = null;
        for (int i = 0; i < 50; i++) {
            r = restoring.advance(config, new RestoringSnapshot.Command("orders", "latest", t, false));
            if (r.status() != RestoringSnapshot.Status.IN_PROGRESS) {
                return r;
            }
            clock.advance(Duration.ofMinutes(1));
        }
        throw new AssertionError("the restore did not end: " + r.message());
    }

    @Test
    void aRestoreIntoAnotherAccount_isMeasuredByPhase_fromItsFirstCall_once() {
        RestoringSnapshot.Target t = new RestoringSnapshot.Target(
                "orders-restored",
                PROD,
                "eu-west-1",
                "db.r6g.large",
                "prod-db",
                List.of("sg-0abc"),
                null,
                null,
                null,
                true,
                "arn:aws:kms:eu-west-1:111111111111:key/restore");

        RestoringSnapshot.Result done = followEveryMinute(t);

        assertThat(done.status()).isEqualTo(RestoringSnapshot.Status.AVAILABLE);
        RecoveryLog.Entry r = done.recovery().orElseThrow();
        assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-11-25T23:00:00Z"));
        assertThat(r.from()).isEqualTo("snapshot");
        assertThat(r.backup()).isEqualTo(COPY);
        assertThat(r.phases().keySet()).containsExactly("plan", "copy/share", "instance creation");
        assertThat(r.phases().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(r.total().toSeconds());
        assertThat(r.phases().get("copy/share")).isPositive();
        assertThat(r.phases().get("instance creation")).isPositive();

        // Following it again later (the command run again, the function invoked again): the same record, not a
        // second one, and not a longer recovery time.
        clock.advance(Duration.ofHours(2));
        RestoringSnapshot.Result again =
                restoring.advance(config, new RestoringSnapshot.Command("orders", "latest", t, false));
        assertThat(again.recovery()).contains(r);
        assertThat(new RecoveryLog(vault).of("orders")).containsExactly(r);
    }

    @Test
    void aRestoreStartedBeforeTheLog_getsNoMadeUpRecoveryTime() {
        RestoringSnapshot.Target t = new RestoringSnapshot.Target(
                "orders-restored",
                null,
                null,
                "db.r6g.large",
                "prod-db",
                List.of("sg-0abc"),
                null,
                null,
                null,
                true,
                null);
        new RestoringSnapshot(rds, clock).advance(config, new RestoringSnapshot.Command("orders", "latest", t, false));
        for (int i = 0; i < 5; i++) {
            restoring.advance(config, new RestoringSnapshot.Command("orders", "latest", t, false));
        }
        RestoringSnapshot.Result r =
                restoring.advance(config, new RestoringSnapshot.Command("orders", "latest", t, false));
        assertThat(r.status()).isEqualTo(RestoringSnapshot.Status.AVAILABLE);
        assertThat(r.recovery()).isEmpty();
        assertThat(new RecoveryLog(vault).of("orders")).isEmpty();
    }
}
