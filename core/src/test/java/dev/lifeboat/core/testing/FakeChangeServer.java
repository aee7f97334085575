package dev.lifeboat.core.testing;

import dev.lifeboat.core.changes.Lsn;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.ChangeFeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A PostgreSQL server's logical change stream as wal2json (format 2) gives it, for the use cases' tests: committed
 * transactions with their commit LSN, time and id; one slot that sends, as PostgreSQL does, what committed at or
 * after its confirmed position (more than the reader asked for, so that the reader's own skip is tested); faults on
 * demand. The replay records the lines it was given.
 */
public final class FakeChangeServer implements ChangeFeed {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC);

    /** One committed transaction: its lines, begin to commit. */
    public record Txn(long xid, long lsn, long next, Instant at, List<String> lines) {}

    public final List<Txn> committed = new ArrayList<>();
    public MutableClock clock;
    public String walLevel = "logical";
    public long keepMb = 1024;
    public boolean inRecovery;
    public int versionNum = 160004;
    public String systemId = "7000000000000000001";
    public long position = Lsn.parse("3/1000000");
    public long xid = 1000;
    /** The slot, or null when there is none. */
    public Slot slot;

    public final List<Long> confirms = new ArrayList<>();
    /** Called with each confirmed position before it is taken: a test checks what the vault holds then. */
    public LongConsumer onConfirm = lsn -> {};
    /** Dropped connections: the stream fails after the first number of lines, then after the next, and so on. */
    public final java.util.ArrayDeque<Integer> dropAfterLines = new java.util.ArrayDeque<>();

    /**
     * The last transactions committed but not yet sent, as while the server decodes a large one: nothing comes, and
     * yet the archive is behind.
     */
    public int withheld;

    public int drops;
    private int linesSinceDrop;

    public int streamsOpened;
    public Map<String, Long> sequences = new HashMap<>(Map.of("public.orders_id_seq", 1L));
    public String fingerprint = "f1";
    public List<String> withoutIdentity = List.of();

    public final List<String> applied = new ArrayList<>();
    public Map<String, Long> appliedSequences;
    public RuntimeException applyFails;
    /** Run as a replay starts: a test looks at the target then. */
    public Runnable onApply = () -> {};

    /** A transaction of {@code rows} inserts into public.orders (ids from the sequence), committed now. */
    public Txn transaction(int rows) {
        return transaction("public", "orders", rows);
    }

    public Txn transaction(String schema, String table, int rows) {
        return transaction('I', schema, table, rows);
    }

    /**
     * A transaction of {@code rows} changes of one kind (I: inserts with ids from the sequence; U, D: of the rows 1,
     * 2, ...; T: one truncate) of one table, committed now.
     */
    public Txn transaction(char action, String schema, String table, int rows) {
        long x = ++xid;
        Instant at = clock.instant();
        List<String> lines = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            long id = action == 'I' ? sequences.merge(schema + "." + table + "_id_seq", 1L, Long::sum) : i + 1;
            position += 0x40;
            String column = "{\"name\":\"id\",\"type\":\"integer\",\"value\":" + id + "}";
            changes.add("{\"action\":\"" + action + "\",\"xid\":" + x + ",\"lsn\":\"" + Lsn.format(position)
                    + "\",\"schema\":\"" + schema + "\",\"table\":\"" + table + "\""
                    + switch (action) {
                        case 'I' -> ",\"columns\":[" + column + "]";
                        case 'U' -> ",\"columns\":[" + column + "],\"identity\":[" + column + "]";
                        case 'D' -> ",\"identity\":[" + column + "]";
                        default -> "";
                    }
                    + "}");
        }
        position += 0x40;
        long commit = position;
        position += 0x30;
        String head = "{\"xid\":" + x + ",\"timestamp\":\"" + STAMP.format(at) + "\",\"lsn\":\"" + Lsn.format(commit)
                + "\",\"nextlsn\":\"" + Lsn.format(position) + "\"}";
        lines.add("{\"action\":\"B\"," + head.substring(1));
        lines.addAll(changes);
        lines.add("{\"action\":\"C\"," + head.substring(1));
        Txn t = new Txn(x, commit, position, at, List.copyOf(lines));
        committed.add(t);
        clock.advance(Duration.ofMillis(300));
        return t;
    }

    /** A transaction that is begun now and commits later: its id is taken now (it is running in a snapshot). */
    public long begin() {
        return ++xid;
    }

    /** Thrown by {@link #server} while set: a server that cannot be reached, or refuses the login. */
    public RuntimeException serverFails;

    @Override
    public Server server(DatabaseTarget source) {
        if (serverFails != null) {
            throw serverFails;
        }
        return new Server(systemId, "16.4", walLevel, keepMb, inRecovery, versionNum);
    }

    /** What {@link #readiness} answers besides the tables without identity: a server with room and a grant. */
    public ChangeFeed.Readiness readiness = new ChangeFeed.Readiness(null, 4, 4, null, List.of(), List.of(), 0);

    @Override
    public Readiness readiness(DatabaseTarget source) {
        return new Readiness(
                readiness.replicationRefused(),
                readiness.slotsFree(),
                readiness.sendersFree(),
                readiness.idleSlotTimeout(),
                withoutIdentity,
                readiness.unlogged(),
                readiness.largeObjects());
    }

    @Override
    public Optional<Slot> slot(DatabaseTarget source, String name) {
        return Optional.ofNullable(slot).filter(s -> s.name().equals(name));
    }

    @Override
    public long createSlot(DatabaseTarget source, String name) {
        slot = new Slot(name, "wal2json", source.database(), position, false, false);
        return position;
    }

    @Override
    public void dropSlot(DatabaseTarget source, String name) {
        slot = null;
    }

    @Override
    public long retainedBytes(DatabaseTarget source, String name) {
        return slot == null ? 0 : position - slot.confirmedFlush();
    }

    @Override
    public Stream stream(DatabaseTarget source, String name, long from) throws IOException {
        if (slot == null || !slot.name().equals(name)) {
            throw new IOException("replication slot \"" + name + "\" does not exist");
        }
        streamsOpened++;
        long start = slot.confirmedFlush();
        return new Stream() {
            int txn = 0;
            int line = 0;

            @Override
            public Optional<byte[]> next(Duration wait) throws IOException {
                while (txn < committed.size() && committed.get(txn).lsn() < start) {
                    txn++;
                }
                if (txn >= committed.size() - withheld) {
                    clock.advance(Duration.ofSeconds(1));
                    return Optional.empty();
                }
                if (!dropAfterLines.isEmpty() && linesSinceDrop++ >= dropAfterLines.peekFirst()) {
                    dropAfterLines.removeFirst();
                    linesSinceDrop = 0;
                    drops++;
                    throw new IOException("the connection dropped");
                }
                Txn t = committed.get(txn);
                String l = t.lines().get(line++);
                if (line == t.lines().size()) {
                    txn++;
                    line = 0;
                    // Read as it was written: 300 ms apart.
                    clock.advance(Duration.ofMillis(300));
                }
                return Optional.of(l.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public long lastReceived() {
                // As PostgreSQL's keepalives report it: what the walsender has decoded and sent, never past a commit
                // it is still decoding.
                if (withheld > 0) {
                    int first = committed.size() - withheld;
                    return first == 0 ? start : committed.get(first - 1).next();
                }
                return position;
            }

            @Override
            public void confirm(long lsn) {
                onConfirm.accept(lsn);
                confirms.add(lsn);
                if (slot != null && lsn > slot.confirmedFlush()) {
                    slot = new Slot(slot.name(), slot.plugin(), slot.database(), lsn, false, false);
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public State state(DatabaseTarget source) {
        return new State(Map.copyOf(sequences), fingerprint, withoutIdentity);
    }

    /** Called before each answer of {@link #position}: a test changes the server then. */
    public Runnable onPosition = () -> {};

    @Override
    public Position position(DatabaseTarget source) {
        onPosition.run();
        return new Position(position, clock.instant());
    }

    @Override
    public void checkCanApply(DatabaseTarget target) {}

    @Override
    public Applied apply(
            DatabaseTarget target, Iterator<byte[]> changes, Map<String, Long> sequences, Duration timeout) {
        onApply.run();
        List<String> lines = new ArrayList<>();
        changes.forEachRemaining(b -> lines.add(new String(b, StandardCharsets.UTF_8)));
        if (applyFails != null) {
            throw applyFails;
        }
        applied.addAll(lines);
        appliedSequences = sequences;
        return new Applied(lines.size(), 0, 0);
    }

    /** The change lines of every committed transaction, in commit order: what an archive must hold exactly once. */
    public List<String> allChanges() {
        List<String> all = new ArrayList<>();
        for (Txn t : committed) {
            all.addAll(t.lines().subList(1, t.lines().size() - 1));
        }
        return all;
    }
}
