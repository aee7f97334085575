package dev.lifeboat.core.restore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.VaultKeys;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore log in the vault (issue 14): every restore's recovery time, split into phases, so the recovery time
 * objective is a measured number per database with a history, not a guess.
 *
 * <p>A snapshot restore advances over several calls (a command line following it, or invocations of the restore
 * function), so each phase is marked in the vault when it is first reached, write-once:
 * {@code restores/<database>/runs/<target>@<backup>/<n>-<phase>.json}; the record is written when the database is
 * first seen available: {@code restores/<database>/<started>-<target>.json}. A dump restore runs in one call and
 * writes its record at the end. Writing the log never fails a restore: a vault the caller may not write to leaves a
 * warning.
 */
public final class RecoveryLog {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLog.class);
    static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Vault vault;

    /** {@code vault} null: nothing is logged, nothing read. */
    public RecoveryLog(Vault vault) {
        this.vault = vault;
    }

    /** The phases of a restore, in the order they happen. */
    public enum Phase {
        PLAN(1, "plan"),
        COPY(2, "copy/share"),
        CHECKS(3, "pre-checks"),
        INSTANCE(4, "instance creation"),
        LOAD(5, "data load");

        /** The phase's place in a restore, part of its mark's key: stable whatever the enum's order. */
        private final int order;

        private final String label;

        Phase(int order, String label) {
            this.order = order;
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One measured restore. {@code from}: snapshot or dump; {@code via}: command line or function; {@code phases}:
     * seconds per phase label, in order.
     */
    public record Entry(
            int version,
            String databaseId,
            String from,
            String target,
            String backup,
            Instant startedAt,
            Instant finishedAt,
            Map<String, Long> phases) {
        public Entry {
            phases = phases == null ? Map.of() : new LinkedHashMap<>(phases);
        }

        public Duration total() {
            return Duration.between(startedAt, finishedAt);
        }

        /** "plan 2 s, copy/share 8 min 3 s, instance creation 4 min" */
        public String describePhases() {
            List<String> parts = new ArrayList<>();
            phases.forEach(
                    (k, v) -> parts.add(k + " " + dev.lifeboat.core.model.Durations.human(Duration.ofSeconds(v))));
            return String.join(", ", parts);
        }
    }

    private record Mark(Phase phase, Instant at) {}

    static String safe(String s) {
        String x = s.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return x.length() > 120 ? x.substring(0, 120) : x;
    }

    private static String runPrefix(String databaseId, String target, String backup) {
        return VaultKeys.RESTORES + VaultLayout.requireDatabaseId(databaseId) + "/runs/" + safe(target) + "@"
                + safe(backup) + "/";
    }

    /** Marks {@code phase} as reached at {@code at}, unless an earlier call of the same restore marked it. */
    public void mark(String databaseId, String target, String backup, Phase phase, Instant at) {
        if (vault == null) {
            return;
        }
        try {
            vault.putIfAbsent(
                    runPrefix(databaseId, target, backup) + phase.order + "-"
                            + phase.name().toLowerCase(Locale.ROOT) + ".json",
                    JSON.writeValueAsBytes(new Mark(phase, at)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not log the {} phase of the restore of {}: {}", phase.label(), databaseId, e.getMessage());
        }
    }

    /**
     * The restore reached its end at {@code at}: its record from the marks (each phase lasts until the next one is
     * marked, the last until {@code at}), written once; a second call returns the same record. Empty when no start
     * was marked (a restore begun before the log, or a vault that could not be written).
     */
    public Optional<Entry> finish(String databaseId, String from, String target, String backup, Instant at) {
        if (vault == null) {
            return Optional.empty();
        }
        try {
            List<Mark> marks = new ArrayList<>();
            for (String key : vault.list(runPrefix(databaseId, target, backup))) {
                vault.read(key).ifPresent(b -> {
                    try {
                        marks.add(JSON.readValue(b, Mark.class));
                    } catch (IOException e) {
                        LOG.warn("unreadable restore mark {}: {}", key, e.getMessage());
                    }
                });
            }
            marks.sort(Comparator.comparingInt(m -> m.phase().order));
            if (marks.isEmpty() || marks.getFirst().phase() != Phase.PLAN) {
                return Optional.empty();
            }
            Map<String, Long> phases = new LinkedHashMap<>();
            for (int i = 0; i < marks.size(); i++) {
                Instant end = i + 1 < marks.size() ? marks.get(i + 1).at() : at;
                phases.put(
                        marks.get(i).phase().label(),
                        Math.max(0, Duration.between(marks.get(i).at(), end).toSeconds()));
            }
            Entry r = new Entry(
                    1, databaseId, from, target, backup, marks.getFirst().at(), at, phases);
            String key = recordKey(databaseId, r.startedAt(), target);
            if (!vault.putIfAbsent(key, JSON.writeValueAsBytes(r))) {
                return vault.read(key).map(b -> {
                    try {
                        return JSON.readValue(b, Entry.class);
                    } catch (IOException e) {
                        return r;
                    }
                });
            }
            return Optional.of(r);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not log the recovery time of the restore of {}: {}", databaseId, e.getMessage());
            return Optional.empty();
        }
    }

    /** Writes the record of a restore measured in one call (a dump restore). */
    public void record(Entry r) {
        if (vault == null) {
            return;
        }
        try {
            vault.putIfAbsent(recordKey(r.databaseId(), r.startedAt(), r.target()), JSON.writeValueAsBytes(r));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not log the recovery time of the restore of {}: {}", r.databaseId(), e.getMessage());
        }
    }

    static String recordKey(String databaseId, Instant startedAt, String target) {
        return VaultKeys.RESTORES + VaultLayout.requireDatabaseId(databaseId) + "/" + STAMP.format(startedAt) + "-"
                + safe(target) + ".json";
    }

    /** The logged restores of a database, oldest first; unreadable ones are logged and left out. */
    public List<Entry> of(String databaseId) {
        List<Entry> out = new ArrayList<>();
        if (vault == null) {
            return out;
        }
        String prefix = VaultKeys.RESTORES + VaultLayout.requireDatabaseId(databaseId) + "/";
        for (String key : vault.list(prefix)) {
            if (key.substring(prefix.length()).contains("/")) {
                continue; // a mark
            }
            vault.read(key).ifPresent(b -> {
                try {
                    out.add(JSON.readValue(b, Entry.class));
                } catch (IOException e) {
                    LOG.warn("unreadable restore record {}: {}", key, e.getMessage());
                }
            });
        }
        out.sort(Comparator.comparing(Entry::startedAt));
        return out;
    }
}
