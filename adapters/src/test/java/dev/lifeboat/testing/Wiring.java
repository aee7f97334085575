package dev.lifeboat.testing;

import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump;
import java.time.Clock;
import java.time.Duration;

/** The use cases over the real adapters, as the CLI and the functions wire them. */
public final class Wiring {
    private Wiring() {}

    public static TakingDump dumping(Vault vault) {
        return dumping(vault, ProcessDumpTools.fromEnvironment(), TakingDump.Settings.DEFAULTS);
    }

    public static TakingDump dumping(Vault vault, DumpTools tools, TakingDump.Settings settings) {
        return new TakingDump(vault, new JdbcInspector(), tools, Clock.systemUTC(), settings);
    }

    public static RestoringDump restoring(Vault vault) {
        return new RestoringDump(
                vault,
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                Clock.systemUTC(),
                Duration.ofMinutes(30));
    }
}
