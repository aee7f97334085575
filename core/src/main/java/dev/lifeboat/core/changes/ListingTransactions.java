package dev.lifeboat.core.changes;

import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.stream.TempFolders;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The transactions a PostgreSQL change archive holds around a moment (issue 41: {@code lifeboat changes --around}), as
 * {@link dev.lifeboat.core.binlog.ListingChanges} lists a binlog archive's, so that an operator finds the moment to
 * restore to: just before the DELETE, the TRUNCATE, or the change of the tables' columns. Read from the checked
 * segments; each transaction with its commit time, transaction id, commit position and the rows it changed per table
 * and kind; never a row's values. Logical decoding does not carry DDL (a DROP TABLE is in no line): where the tables'
 * columns differ between two consecutive segments' cuts, that stretch is listed, since it holds the DDL.
 */
public final class ListingTransactions {
    private final Vault vault;
    private final ChangeArchive archive;
    private final BackupCatalog catalog;

    public ListingTransactions(Vault vault, BackupCatalog catalog) {
        this.vault = vault;
        this.archive = new ChangeArchive(vault);
        this.catalog = catalog;
    }

    /** One committed transaction: the rows it changed, per table ("schema.table") and kind. */
    public record Transaction(Instant at, long xid, String commitLsn, Map<String, Map<String, Long>> rows) {}

    /** Where the tables' columns changed: after the cut at {@code after}, by the cut at {@code by}. */
    public record ShapeChange(Instant after, Instant by, String segmentLsn) {}

    public record Listed(
            List<Transaction> transactions, List<ShapeChange> shapeChanges, Instant from, Instant to, int segments) {}

    /** A database's change archive (PostgreSQL): its segments' manifests, listed and read once. */
    public record Archive(String databaseId, List<ChangeSegment> segments) {}

    /**
     * The database's change archive, or empty where the vault holds none (a binlog archive's database, or none at
     * all). Its manifests are read here once; {@link #around(Archive, Instant, Duration)} reads only the segments.
     */
    public Optional<Archive> archive(String databaseId) {
        List<ChangeSegment> all = archive.segments(databaseId);
        return all.isEmpty() ? Optional.empty() : Optional.of(new Archive(databaseId, all));
    }

    /** The transactions committed within {@code window} of {@code moment}, and the changes of the columns there. */
    public Listed around(String databaseId, Instant moment, Duration window) {
        return around(archive(databaseId).orElse(new Archive(databaseId, List.of())), moment, window);
    }

    /** As {@link #around(String, Instant, Duration)}, from manifests already read. */
    public Listed around(Archive held, Instant moment, Duration window) {
        String databaseId = held.databaseId();
        Instant from = moment.minus(window).truncatedTo(ChronoUnit.SECONDS);
        Instant to = moment.plus(window).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        List<ChangeSegment> all = held.segments();
        List<ChangeSegment> read = new ArrayList<>();
        List<ShapeChange> shapes = new ArrayList<>();
        ChangeSegment previous = null;
        for (ChangeSegment s : all) {
            Instant first = s.firstCommitAt() == null ? s.writtenAt() : s.firstCommitAt();
            Instant last = s.lastCommitAt() == null ? s.writtenAt() : s.lastCommitAt();
            boolean inside = !last.isBefore(from) && first.isBefore(to);
            if (inside && !s.empty()) {
                read.add(s);
            }
            if (previous != null
                    && previous.fingerprint() != null
                    && s.fingerprint() != null
                    && !previous.fingerprint().equals(s.fingerprint())
                    && !s.writtenAt().isBefore(from)
                    && previous.writtenAt().isBefore(to)) {
                shapes.add(new ShapeChange(previous.writtenAt(), s.writtenAt(), s.startLsn()));
            }
            previous = s;
        }
        if (read.isEmpty() && shapes.isEmpty()) {
            throw ChangeArchive.unreachable(
                    databaseId,
                    moment,
                    ChangeArchive.windows(all, catalog.backups(databaseId)),
                    "no archived change segment holds that time");
        }
        Path work = TempFolders.create("lifeboat-changes-");
        try {
            List<Transaction> found = new ArrayList<>();
            int n = 0;
            for (ChangeSegment s : read) {
                // Each segment checked on its own: the stretch read need not start where a chain does.
                Path folder = Files.createDirectories(work.resolve(String.valueOf(n++)));
                for (Path file : archive.fetchChecked(List.of(s), folder)) {
                    collect(file, from, to, found);
                }
            }
            return new Listed(found, shapes, from, to, read.size());
        } catch (ChecksumMismatchException e) {
            throw e;
        } catch (IOException e) {
            throw new VaultException(
                    "reading the change archive of " + databaseId + " from " + vault.describe() + " failed: "
                            + e.getMessage(),
                    "check the vault and retry");
        } finally {
            TempFolders.deleteAll(work);
        }
    }

    private static void collect(Path file, Instant from, Instant to, List<Transaction> found) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            WalLine open = null;
            Map<String, Map<String, Long>> rows = new TreeMap<>();
            String line;
            while ((line = r.readLine()) != null) {
                WalLine w;
                try {
                    w = WalLine.parse(line.getBytes(StandardCharsets.UTF_8));
                } catch (WalLine.Malformed e) {
                    throw new IllegalStateException("a checked change segment changed on disk: " + e.getMessage());
                }
                if (w.begins()) {
                    open = w;
                    rows = new TreeMap<>();
                } else if (w.commits()) {
                    // A transaction that changed no row of a table (the server's own: an ANALYZE writes only the
                    // catalog, which logical decoding leaves out) is none an operator looks for.
                    if (open != null
                            && !rows.isEmpty()
                            && !open.at().isBefore(from)
                            && open.at().isBefore(to)) {
                        found.add(new Transaction(open.at(), open.xid(), Lsn.format(open.lsn()), rows));
                    }
                    open = null;
                } else if (w.changesRows()) {
                    String kind = switch (w.action()) {
                        case 'I' -> "inserted";
                        case 'U' -> "updated";
                        case 'D' -> "deleted";
                        default -> "truncated";
                    };
                    rows.computeIfAbsent(w.qualifiedTable(), t -> new TreeMap<>())
                            .merge(kind, 1L, Long::sum);
                }
            }
        }
    }
}
