package dev.lifeboat.core.dump;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.RunOn;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a scheduled dump runs (issue 13): in the dump function, within Lambda's 15 minutes, or as an ECS Fargate task
 * from the same image, without that limit. {@code dump.runOn} in lifeboat.yml says {@code lambda} (the default),
 * {@code fargate}, or {@code auto}: Fargate once the database's last dump took more than {@code dump.fargateShare} of
 * Lambda's limit, or was larger than {@code dump.fargateAboveGiB}; Lambda for a database never dumped.
 */
public final class DumpRouting {
    /** Lambda's limit on one invocation (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
    public static final Duration LAMBDA_LIMIT = Duration.ofMinutes(15);

    private DumpRouting() {}

    /** Where the dump runs. */
    public enum Runner {
        LAMBDA,
        FARGATE
    }

    /** The last sound dump of the database: how long it took and how large it was. */
    public record LastDump(Duration took, long bytes) {}

    /** The decision, and why, in words an operator reads in the execution history. */
    public record Decision(Runner runner, String reason) {}

    /** How long the dump of {@code manifest} took and how large it was. */
    public static LastDump lastDump(DumpManifest manifest) {
        return new LastDump(Duration.between(manifest.startedAt(), manifest.finishedAt()), manifest.totalBytes());
    }

    /**
     * Where a database's dumps run, by its settings and its newest sound dump; and so where a restore of its dumps
     * runs. A dump restore takes about as long as the dump, or longer (pg_restore builds the indexes pg_dump only
     * names), so a database whose dumps need Fargate needs it for its restores and verification runs too.
     */
    public static Decision decide(LifeboatConfig.DumpSettings settings, Optional<DumpManifest> newest) {
        if (settings == null) {
            return new Decision(Runner.LAMBDA, "the database has no dump settings");
        }
        return decide(
                settings.runOn(),
                settings.fargateShare(),
                settings.fargateAboveBytes(),
                newest.map(DumpRouting::lastDump));
    }

    public static Decision decide(RunOn runOn, double share, Long aboveBytes, Optional<LastDump> last) {
        if (share <= 0 || share > 1) {
            throw new IllegalArgumentException("share must be in (0, 1]");
        }
        return switch (runOn) {
            case LAMBDA -> new Decision(Runner.LAMBDA, "dump.runOn is lambda");
            case FARGATE -> new Decision(Runner.FARGATE, "dump.runOn is fargate");
            case AUTO -> {
                if (last.isEmpty()) {
                    yield new Decision(Runner.LAMBDA, "no dump yet: Lambda first, measured for the next run");
                }
                Duration limit = Duration.ofMillis((long) (LAMBDA_LIMIT.toMillis() * share));
                if (last.get().took().compareTo(limit) > 0) {
                    yield new Decision(
                            Runner.FARGATE,
                            "the last dump took " + last.get().took().toSeconds() + " s, more than "
                                    + Math.round(share * 100) + "% of Lambda's 15 minutes");
                }
                if (aboveBytes != null && last.get().bytes() > aboveBytes) {
                    yield new Decision(
                            Runner.FARGATE,
                            "the last dump was " + last.get().bytes() + " bytes, more than dump.fargateAboveGiB");
                }
                yield new Decision(
                        Runner.LAMBDA,
                        "the last dump took " + last.get().took().toSeconds() + " s, within " + Math.round(share * 100)
                                + "% of Lambda's 15 minutes");
            }
        };
    }
}
