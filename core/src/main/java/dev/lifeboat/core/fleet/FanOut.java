package dev.lifeboat.core.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.port.Executions;
import dev.lifeboat.core.snapshot.SnapshotRun;
import dev.lifeboat.protocol.ScheduleSpread;
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
            Instant start =
                    scheduled.plus(ScheduleSpread.offset(d.id(), d.schedules().window()));
            String name =
                    SnapshotRun.safe(d.id()) + "-" + (job == Job.SNAPSHOT ? "s" : "v") + "-" + STAMP.format(scheduled);
            out.add(new Run(d.id(), scheduled, start, name));
        }
        out.sort(Comparator.comparing(Run::startAt).thenComparing(Run::databaseId));
        return out;
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
