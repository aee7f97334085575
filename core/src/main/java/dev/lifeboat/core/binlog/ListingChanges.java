package dev.lifeboat.core.binlog;

import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.port.BinlogSource;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.TempFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The transactions archived around a moment (issue 40: {@code lifeboat changes --around}), so that an operator finds
 * the second to restore to: just before the DROP or the DELETE. Read from the checked segments; each transaction with
 * its time, GTID, position, the rows it changed per table and kind, and the text of DDL; never a row's values.
 */
public final class ListingChanges {
    private final Vault vault;
    private final BinlogSource binlogs;
    private final BinlogArchive archive;

    public ListingChanges(Vault vault, BinlogSource binlogs) {
        this.vault = vault;
        this.binlogs = binlogs;
        this.archive = new BinlogArchive(vault);
    }

    /** What was listed: the transactions, and the stretch of time read. */
    public record Listed(List<BinlogSource.Transaction> transactions, Instant from, Instant to, int segments) {}

    /**
     * The transactions stamped within {@code window} of {@code moment}; with {@code schema}, only those that touch
     * it (its tables' rows, or DDL run in it or naming it).
     */
    public Listed around(String databaseId, Instant moment, Duration window, String schema) {
        Instant from = moment.minus(window).truncatedTo(ChronoUnit.SECONDS);
        Instant to = moment.plus(window).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        List<Segment> all = archive.segments(databaseId);
        List<Segment> read = new ArrayList<>();
        for (Segment s : all) {
            if (!s.lastEventAt().isBefore(from) && s.firstEventAt().isBefore(to)) {
                read.add(s);
            }
        }
        if (read.isEmpty()) {
            throw BinlogArchive.unreachable(
                    databaseId, moment, BinlogArchive.windows(all), "no archived binlog segment holds that time");
        }
        Path work = TempFolders.create("lifeboat-changes-");
        try {
            List<Path> files = new ArrayList<>();
            List<String> serverFiles = new ArrayList<>();
            for (Segment s : read) {
                Path folder = Files.createDirectories(work.resolve(String.valueOf(files.size())));
                files.addAll(archive.fetchChecked(List.of(s), s.from(), folder));
                serverFiles.add(s.file());
            }
            List<BinlogSource.Transaction> found = new ArrayList<>();
            Pattern names = schema == null
                    ? null
                    : Pattern.compile("(?i)(?<![A-Za-z0-9_$])`?" + Pattern.quote(schema) + "`?(?![A-Za-z0-9_$])");
            for (BinlogSource.Transaction t : binlogs.transactions(files, serverFiles, from, to)) {
                if (schema == null
                        || t.rows().keySet().stream().anyMatch(table -> table.startsWith(schema + "."))
                        || (t.statement() != null
                                && (schema.equals(t.database())
                                        || names.matcher(t.statement()).find()))) {
                    found.add(t);
                }
            }
            found.sort(Comparator.comparing(BinlogSource.Transaction::at).thenComparing(BinlogSource.Transaction::end));
            return new Listed(found, from, to, read.size());
        } catch (IOException e) {
            throw new VaultException(
                    "reading the binlog archive of " + databaseId + " from " + vault.describe() + " failed: "
                            + e.getMessage(),
                    "check the vault and retry");
        } finally {
            TempFolders.deleteAll(work);
        }
    }
}
