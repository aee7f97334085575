package dev.lifeboat.core.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.port.Executions;
import dev.lifeboat.core.snapshot.SnapshotRun;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One schedule for a whole fleet (issue 16): the backup account has one EventBridge schedule per job and
 * expression in use, not one per database, and each firing starts the run of every database whose job runs on
 * that expression. A database with {@code schedules.window} starts at a deterministic offset within it, from a
 * hash of its id, so the same database runs at the same minute every night and a fleet does not start all at
 * once; its execution waits until then. Executions are named after the database and the scheduled time, so a
 * schedule that fires twice (EventBridge delivers at least once) starts each run once.
 */
public final class FanOut {
    public enum Job {
        SNAPSHOT,
        VERIFY
    }

    /** One database's run: its scheduled time (the run's id), when it starts, and its execution's name. */
    public record Run(String databaseId, Instant runId, Instant startAt, String executionName) {}

    public record Result(List<Run> started, List<Run> alreadyStarted) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC);

    private final Executions executions;

    public FanOut(Executions executions) {
        this.executions = executions;
    }

    /** The runs a firing of {@code expression} at {@code scheduled} owes, earliest start first. */
    public static List<Run> due(LifeboatConfig config, Job job, String expression, Instant scheduled) {
        List<Run> out = new ArrayList<>();
        for (LifeboatConfig.Database d : config.databases().values()) {
            String own = job == Job.SNAPSHOT
                    ? d.schedules().snapshot()
                    : d.schedules().verify();
            if (!expression.equals(own)) {
                continue;
            }
            Instant start = scheduled.plus(offset(d.id(), d.schedules().window()));
            String name =
                    SnapshotRun.safe(d.id()) + "-" + (job == Job.SNAPSHOT ? "s" : "v") + "-" + STAMP.format(scheduled);
            out.add(new Run(d.id(), scheduled, start, name));
        }
        out.sort(Comparator.comparing(Run::startAt).thenComparing(Run::databaseId));
        return out;
    }

    /**
     * Where in {@code window} the database starts: a whole number of minutes from the SHA-256 of its id, the same
     * every time; zero without a window.
     */
    public static Duration offset(String databaseId, Duration window) {
        long minutes = window == null ? 0 : window.toMinutes();
        if (minutes <= 0) {
            return Duration.ZERO;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(databaseId.getBytes(StandardCharsets.UTF_8));
            return Duration.ofMinutes(Math.floorMod(ByteBuffer.wrap(h).getLong(), minutes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static final java.util.regex.Pattern DAILY =
            java.util.regex.Pattern.compile("cron\\((\\d{1,2}) (\\d{1,2}) (.+)\\)");

    /**
     * A schedule of fixed minute and hour ({@code cron(30 2 * * ? *)}) moved {@code offset} later, for the schedules
     * that start one database each (the dumps in the source accounts): the same spread as {@link #offset} gives the
     * fan-out's runs. Empty when the expression has no fixed minute and hour, or the move would cross midnight.
     */
    public static java.util.Optional<String> shifted(String expression, Duration offset) {
        java.util.regex.Matcher m = DAILY.matcher(expression == null ? "" : expression.trim());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        long total = Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(1)) + offset.toMinutes();
        if (Long.parseLong(m.group(1)) > 59 || Long.parseLong(m.group(2)) > 23 || total >= 24 * 60) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("cron(" + total % 60 + " " + total / 60 + " " + m.group(3) + ")");
    }

    /** Starts every run {@link #due} owes; a run already started (by an earlier firing) is left alone. */
    public Result start(LifeboatConfig config, Job job, String expression, Instant scheduled) {
        List<Run> started = new ArrayList<>();
        List<Run> already = new ArrayList<>();
        for (Run r : due(config, job, expression, scheduled)) {
            Map<String, String> input = new LinkedHashMap<>();
            if (job == Job.VERIFY) {
                input.put("action", "start");
            }
            input.put("database", r.databaseId());
            input.put("runId", r.runId().toString());
            input.put("startAt", r.startAt().toString());
            String json;
            try {
                json = JSON.writeValueAsString(input);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Executions.Outcome o = executions.start(
                    job == Job.SNAPSHOT ? Executions.Machine.SNAPSHOT_PIPELINE : Executions.Machine.VERIFICATION,
                    r.executionName(),
                    json);
            (o == Executions.Outcome.STARTED ? started : already).add(r);
        }
        return new Result(started, already);
    }
}
