package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Regression (issue 10, item 1): the same scheduled run invoked twice at once recorded a corrupt backup
 * as good, because both attempts wrote the same data key and the loser's bytes replaced the winner's on a
 * local vault and an unversioned bucket. pg_dump's archive carries its start time, so two attempts never
 * write the same bytes once their starts are a second apart: a manifest naming the other attempt's
 * bytes fails its checksum on restore. {@link Staggered} makes the race happen every time: both attempts
 * pass the pre-flight (no manifest yet), then the second starts pg_dump 1.1 s after the first.
 */
@ExtendWith(RealParts.class)
class ConcurrentRunsIT {
    private static final String RUN = "2026-11-25T03:00:00Z";

    @Test
    void twoInvocationsOfOneRun_makeOneBackupThatRestores_onALocalVault(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        race(pg, new LocalDirectoryVault(dir));
    }

    @Test
    void twoInvocationsOfOneRun_makeOneBackupThatRestores_onAnUnversionedBucket(PostgresServer pg, MotoServer moto)
            throws Exception {
        S3Client s3 = moto.s3();
        race(pg, new S3Vault(s3, S3Vault.Settings.of(moto.newUnversionedBucket(s3), "race"), Clock.systemUTC()));
    }

    @Test
    void twoInvocationsOfOneRun_makeOneBackupThatRestores_onAVersionedBucket(PostgresServer pg, MotoServer moto)
            throws Exception {
        S3Client s3 = moto.s3();
        race(pg, new S3Vault(s3, S3Vault.Settings.of(moto.newBucket(s3, false), "race"), Clock.systemUTC()));
    }

    private static void race(PostgresServer pg, Vault vault) throws Exception {
        DatabaseTarget source = pg.newDatabase("race");
        Fixtures.loadTricky(pg, source.database());
        Staggered tools = new Staggered(ProcessDumpTools.fromEnvironment());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<TakingDump.Result>> attempts = List.of(
                    two.submit(() -> {
                        go.await();
                        return Wiring.dumping(vault, tools, TakingDump.Settings.DEFAULTS)
                                .dump(new TakingDump.Command("orders", source, RUN, null));
                    }),
                    two.submit(() -> {
                        go.await();
                        return Wiring.dumping(vault, tools, TakingDump.Settings.DEFAULTS)
                                .dump(new TakingDump.Command("orders", source, RUN, null));
                    }));
            go.countDown();
            TakingDump.Result a = attempts.get(0).get();
            TakingDump.Result b = attempts.get(1).get();

            assertThat(List.of(a.alreadyExisted(), b.alreadyExisted())).containsOnlyOnce(false);
            assertThat(a.manifest()).isEqualTo(b.manifest());
        } finally {
            two.shutdownNow();
        }
        assertThat(vault.list("dumps/orders/"))
                .filteredOn(VaultLayout::isManifest)
                .hasSize(1);

        DatabaseTarget target = pg.target(PostgresServer.uniqueName("race_restored"));
        RestoringDump.Result restored = Wiring.restoring(vault)
                .restore(new RestoringDump.Command("orders", "latest", target, true, false, false, null));

        assertThat(restored.manifest().backupId()).isEqualTo("20261125T030000Z");
        assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
    }

    /** Real dump tools; the dumps start only once both attempts are past their pre-flight, a second apart. */
    private static final class Staggered implements DumpTools {
        private final DumpTools real;
        private final CountDownLatch bothReady = new CountDownLatch(2);
        private final AtomicInteger arrived = new AtomicInteger();

        Staggered(DumpTools real) {
            this.real = real;
        }

        @Override
        public DumpTool dumpTool(DatabaseEngine engine) {
            DumpTool tool = real.dumpTool(engine);
            return new DumpTool() {
                @Override
                public String name() {
                    return tool.name();
                }

                @Override
                public SoftwareVersion version() {
                    return tool.version();
                }

                @Override
                public String format() {
                    return tool.format();
                }

                @Override
                public String extension() {
                    return tool.extension();
                }

                @Override
                public boolean gzipOutput() {
                    return tool.gzipOutput();
                }

                @Override
                public Running start(DatabaseTarget source) {
                    boolean second = arrived.incrementAndGet() == 2;
                    bothReady.countDown();
                    try {
                        bothReady.await();
                        if (second) {
                            Thread.sleep(1100);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return tool.start(source);
                }
            };
        }

        @Override
        public LoadTool loadTool(DatabaseEngine engine) {
            return real.loadTool(engine);
        }
    }
}
