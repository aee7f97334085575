package dev.lifeboat.core.testing;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.DatabaseInspector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A database server in memory: which databases exist, how many objects each holds. */
public final class FakeInspector implements DatabaseInspector {
    public String serverVersion = "16.4";
    public final List<TableRowCount> tables = new ArrayList<>(List.of(new TableRowCount("public", "orders", 42, true)));
    public final Set<String> databases = new HashSet<>(Set.of("app"));
    public final Map<String, Long> objects = new HashMap<>();
    public final List<String> created = new ArrayList<>();

    @Override
    public ServerInfo serverInfo(DatabaseTarget target) {
        return new ServerInfo(target.engine(), SoftwareVersion.parse(serverVersion));
    }

    /** Tables made in one database by {@link #givenTable}; a database without any answers {@link #tables}. */
    public final Map<String, List<TableRowCount>> tablesOf = new HashMap<>();

    /** A table made in {@code database}, as any client would: counted as a user object too. */
    public void givenTable(String database, TableRowCount table) {
        tablesOf.computeIfAbsent(database, d -> new ArrayList<>()).add(table);
        objects.merge(database, 1L, Long::sum);
    }

    @Override
    public List<TableRowCount> rowCounts(DatabaseTarget target, long exactThreshold) {
        return List.copyOf(tablesOf.getOrDefault(target.database(), tables));
    }

    @Override
    public long userObjectCount(DatabaseTarget target) {
        return objects.getOrDefault(target.database(), 0L);
    }

    @Override
    public boolean databaseExists(DatabaseTarget target) {
        return databases.contains(target.database());
    }

    /** A query selecting a number answers it; {@code @@log_bin} answers {@link #binlogOn}; anything else 1. */
    @Override
    public double scalar(DatabaseTarget target, String sql) {
        if (sql.contains("@@log_bin")) {
            return binlogOn ? 1 : 0;
        }
        java.util.regex.Matcher number = java.util.regex.Pattern.compile(
                        "(?i)\\s*SELECT\\s+(-?\\d+(?:\\.\\d+)?)\\s*;?\\s*")
                .matcher(sql);
        return number.matches() ? Double.parseDouble(number.group(1)) : 1;
    }

    /** What {@code SELECT @@log_bin} answers: whether a MySQL-family dump records its binlog position. */
    public boolean binlogOn;

    /** The tables a parallel dump shares out; by default those of {@link #tables}, 1 KB each. */
    public List<dev.lifeboat.core.model.TableSize> tableSizes;
    /** Snapshots exported, and those still held. */
    public final List<String> snapshotsExported = new ArrayList<>();

    public final Set<String> snapshotsHeld = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private List<dev.lifeboat.core.model.TableSize> tableSizes() {
        return tableSizes != null
                ? tableSizes
                : tables.stream()
                        .map(t -> new dev.lifeboat.core.model.TableSize(t.schema(), t.table(), 1024))
                        .toList();
    }

    @Override
    public SnapshotHold exportSnapshot(DatabaseTarget target) {
        String id = "00000003-0000001B-" + snapshotsExported.size();
        snapshotsExported.add(id);
        snapshotsHeld.add(id);
        return new SnapshotHold() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<dev.lifeboat.core.model.TableSize> tables() {
                return tableSizes();
            }

            @Override
            public void close() {
                snapshotsHeld.remove(id);
            }
        };
    }

    /** As the server does: a database that exists is not made again, and stays as it was. */
    @Override
    public void createDatabase(DatabaseTarget target) {
        if (databases.contains(target.database())) {
            throw new dev.lifeboat.core.error.DatabaseAccessException(
                    "cannot create the database on " + target.describe() + ": database \"" + target.database()
                            + "\" already exists",
                    "");
        }
        databases.add(target.database());
        created.add(target.database());
    }

    /** Each database's note (its comment), as a restore left it. */
    public final Map<String, String> notes = new HashMap<>();

    /** Thrown when a note that is not INCOMPLETE is written (a restore stopped as it finished). */
    public RuntimeException completeNoteFailure;

    /** How long writing a note that is not INCOMPLETE takes before {@link #completeNoteFailure} is thrown. */
    public java.time.Duration completeNoteDelay = java.time.Duration.ZERO;

    @Override
    public void noteRestore(DatabaseTarget target, String note) {
        if (completeNoteFailure != null && !note.contains("INCOMPLETE")) {
            try {
                Thread.sleep(completeNoteDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw completeNoteFailure;
        }
        if (!databases.contains(target.database())) {
            throw new AssertionError("noted " + target.database() + ", which does not exist");
        }
        notes.put(target.database(), note);
    }

    @Override
    public java.util.Optional<String> restoreNote(DatabaseTarget target) {
        return java.util.Optional.ofNullable(notes.get(target.database()));
    }

    /** Databases dropped, in order. */
    public final List<String> dropped = new ArrayList<>();

    @Override
    public void dropCreatedDatabase(DatabaseTarget target) {
        if (!created.contains(target.database())) {
            throw new AssertionError("dropped " + target.database() + ", which this test's restore did not create");
        }
        databases.remove(target.database());
        notes.remove(target.database());
        tablesOf.remove(target.database());
        objects.remove(target.database());
        dropped.add(target.database());
    }
}
