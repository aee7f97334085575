package dev.lifeboat.core.dump;

import dev.lifeboat.core.error.InvalidInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A backup's name: its UTC start time to the second ("20261125T030000Z"), plus a short random suffix
 * when it was not tied to a scheduled run. Ids sort by time, and the vault path's date comes from them.
 *
 * <p>A scheduled run names its backup after the scheduled time, so the same run invoked twice (a
 * Lambda retry, a duplicate EventBridge delivery) finds the first run's backup instead of making a
 * second one.
 */
public record BackupId(String value) implements Comparable<BackupId> {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern SHAPE = Pattern.compile("\\d{8}T\\d{6}Z(-[0-9a-f]{4,16})?");
    private static final SecureRandom RANDOM = new SecureRandom();

    public BackupId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new InvalidInputException(
                    "backup id '" + value + "' is not a Lifeboat backup id",
                    "use an id as 'lifeboat list' prints it, such as 20261125T030000Z or 20261125T030000Z-1a2b, or 'latest'");
        }
    }

    /** A fresh id for an on-demand backup. */
    public static BackupId generate(Clock clock) {
        byte[] suffix = new byte[2];
        RANDOM.nextBytes(suffix);
        return new BackupId(STAMP.format(clock.instant()) + "-" + HexFormat.of().formatHex(suffix));
    }

    /**
     * The id of a scheduled run, from its scheduled time (EventBridge's event {@code time}, or
     * Scheduler's {@code <aws.scheduler.scheduled-time>}), e.g. "2026-11-25T03:00:00Z".
     */
    public static BackupId forRun(String runId) {
        try {
            Instant at = Instant.parse(runId.strip()).truncatedTo(ChronoUnit.SECONDS);
            return new BackupId(STAMP.format(at));
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidInputException(
                    "runId '" + runId + "' is not a time",
                    "pass the run's scheduled time in ISO-8601 UTC, e.g. \"runId\": \"2026-11-25T03:00:00Z\"");
        }
    }

    public Instant time() {
        return STAMP.parse(value.substring(0, 16), Instant::from);
    }

    @Override
    public int compareTo(BackupId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
