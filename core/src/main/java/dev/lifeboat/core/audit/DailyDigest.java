package dev.lifeboat.core.audit;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The dead man's switch (issue 37): once a day, to the people subscribed to the alarms, every database's newest good
 * snapshot copy and dump with their ages, its last verification that passed, and the audit's findings. A silenced
 * alarm path is noticed by its silence: the day the digest does not arrive, something stopped it. Names and times
 * only, never data or secrets.
 */
public final class DailyDigest {
    /** SNS takes 256 KiB a message; the digest stops well before, saying how many databases it left out. */
    static final int MAX_CHARS = 200_000;

    /** SNS's subject is at most 100 characters. */
    static final int MAX_SUBJECT = 100;

    public record Message(String subject, String body) {}

    private DailyDigest() {}

    /** The digest of an audit: its findings, and the newest backups it read (not read a second time). */
    public static Message of(LifeboatConfig config, Auditing.Report report, Clock clock) {
        List<Auditing.Finding> findings = report.findings();
        Instant now = clock.instant();
        long high = findings.stream()
                .filter(f -> f.severity() == Auditing.Severity.HIGH)
                .count();
        long medium = findings.size() - high;
        String subject = "Lifeboat daily: " + config.databases().size() + " databases, " + high + " high, " + medium
                + " medium findings";
        StringBuilder b = new StringBuilder();
        b.append("Lifeboat's daily report from backup account ")
                .append(config.backup().account())
                .append(" (")
                .append(config.backup().region())
                .append(") at ")
                .append(now)
                .append(". If a day passes without this message, something stopped it: look at the audit function,")
                .append(" its schedule and the notifications topic.\n\n");
        int left = 0;
        for (LifeboatConfig.Database d : config.databases().values()) {
            if (b.length() > MAX_CHARS) {
                left++;
                continue;
            }
            NewestBackups.Newest n = report.newest().get(d.id());
            if (n == null) {
                n = new NewestBackups.Newest(d.id(), null, null, null, List.of("the audit did not read its backups"));
            }
            b.append(d.id())
                    .append(" (")
                    .append(d.source().account())
                    .append('/')
                    .append(d.source().region())
                    .append(' ')
                    .append(d.source().identifier())
                    .append(")\n  newest copy: ")
                    .append(
                            n.copy() == null
                                    ? "none"
                                    : n.copy().snapshotId() + ", "
                                            + age(n.copy().takenAt(), now))
                    .append("\n  newest dump: ")
                    .append(
                            n.dump() == null
                                    ? "none"
                                    : n.dump().backupId() + ", " + age(n.dump().takenAt(), now))
                    .append("\n  last verification that passed: ")
                    .append(n.lastVerified() == null ? "none" : age(n.lastVerified(), now))
                    .append('\n');
            for (String p : n.problems()) {
                b.append("  could not look: ").append(p).append('\n');
            }
        }
        if (left > 0) {
            b.append("... and ").append(left).append(" more databases (the audit function's output lists them)\n");
        }
        b.append('\n')
                .append(findings.isEmpty() ? "The audit found nothing." : "The audit's findings:")
                .append('\n');
        int shown = 0;
        for (Auditing.Finding f : findings) {
            if (b.length() > MAX_CHARS) {
                break;
            }
            shown++;
            b.append("  ")
                    .append(f.severity())
                    .append(' ')
                    .append(f.where())
                    .append(' ')
                    .append(f.identifier())
                    .append(": ")
                    .append(f.problem())
                    .append(". Fix: ")
                    .append(f.fix())
                    .append('\n');
        }
        if (shown < findings.size()) {
            b.append("  ... and ").append(findings.size() - shown).append(" more findings\n");
        }
        return new Message(subject.length() > MAX_SUBJECT ? subject.substring(0, MAX_SUBJECT) : subject, b.toString());
    }

    private static String age(Instant at, Instant now) {
        return "taken " + at + " (" + Durations.human(Duration.between(at, now)) + " ago)";
    }
}
