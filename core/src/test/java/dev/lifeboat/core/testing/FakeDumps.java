package dev.lifeboat.core.testing;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.Vault;
import java.time.Clock;

/** Backups in a vault, taken by the real use case from the fake tools: for tests that need one to exist. */
public final class FakeDumps {
    /** A night's dump time, for tests whose own clock is then set from the dump's {@code startedAt}. */
    public static final Clock AT_NIGHT =
            Clock.fixed(java.time.Instant.parse("2026-11-25T03:00:00Z"), java.time.ZoneOffset.UTC);

    private FakeDumps() {}

    /**
     * A PostgreSQL dump of {@code databaseId}, recorded with its manifest, as TakingDump leaves it, taken at the
     * time of {@code clock}: the test's own clock, so a dump and the run that reads it agree on the date.
     */
    public static DumpManifest take(Vault vault, String databaseId, Clock clock) {
        return new TakingDump(vault, new FakeInspector(), new FakeDumpTools(), clock, TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command(
                        databaseId,
                        new DatabaseTarget(DatabaseEngine.POSTGRESQL, "h", 5432, databaseId, "u", Secret.none()),
                        null,
                        null))
                .manifest();
    }
}
