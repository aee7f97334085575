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
    private FakeDumps() {}

    /** A PostgreSQL dump of {@code databaseId}, recorded with its manifest, as TakingDump leaves it. */
    public static DumpManifest take(Vault vault, String databaseId) {
        return new TakingDump(
                        vault,
                        new FakeInspector(),
                        new FakeDumpTools(),
                        Clock.systemUTC(),
                        TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command(
                        databaseId,
                        new DatabaseTarget(DatabaseEngine.POSTGRESQL, "h", 5432, databaseId, "u", Secret.none()),
                        null,
                        null))
                .manifest();
    }
}
