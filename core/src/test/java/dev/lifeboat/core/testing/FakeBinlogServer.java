package dev.lifeboat.core.testing;

import dev.lifeboat.core.binlog.BinlogEvent;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.BinlogSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.zip.CRC32;

/**
 * A MariaDB server's binary log in memory, for the streamer's tests: files of well-formed v4 events with CRC32
 * checksums (the layout of the MySQL internals manual), served as a replica reads them: a made-up format description
 * first when reading starts inside a file (measured from {@code mariadb-binlog --raw}: it writes one with end position
 * 0), then the file's events. Faults: the connection dropped after some events, and a byte changed on the wire.
 */
public final class FakeBinlogServer implements BinlogSource {
    public final Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();
    public String current;
    public long serverId = 1;
    public boolean binlogOn = true;
    public String format = "ROW";
    public Instant time = Instant.parse("2026-12-05T22:00:00Z");
    /** Event numbers (counted over every tail) after which the connection drops. */
    public IntPredicate dropAfter = n -> false;
    /** Event numbers (counted over every tail) whose bytes arrive with one byte changed. */
    public IntPredicate corrupt = n -> false;
    /** Advanced by each event served, so that segments fall due. */
    public MutableClock clock;

    /**
     * What the server reports as its present position the next time it is asked, when not its real end: a streamer
     * that started before the writes.
     */
    public BinlogPosition reported;

    public int served;
    public int tails;
    private int transactions;

    public FakeBinlogServer() {
        open("binlog.000001");
    }

    private void open(String name) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(BinlogEvent.magic());
        files.put(name, f);
        current = name;
        append(15, formatBody());
    }

    /** One transaction: GTID, BEGIN, a table map, a rows event of {@code rowBytes}, XID. */
    public FakeBinlogServer transaction(int rowBytes) {
        time = time.plusMillis(300);
        transactions++;
        append(162, new byte[13]);
        append(2, query("BEGIN"));
        append(19, new byte[20]);
        byte[] rows = new byte[rowBytes];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (byte) (transactions * 31 + i);
        }
        append(30, rows);
        append(16, new byte[8]);
        return this;
    }

    /** A DDL statement, which runs on its own. */
    public FakeBinlogServer ddl(String sql) {
        time = time.plusMillis(300);
        append(162, new byte[13]);
        append(2, query(sql));
        return this;
    }

    /** The server rotates to its next file (FLUSH BINARY LOGS). */
    public FakeBinlogServer rotate() {
        String next = BinlogPosition.successor(current);
        ByteBuffer body = ByteBuffer.allocate(8 + next.length()).order(ByteOrder.LITTLE_ENDIAN);
        body.putLong(4);
        body.put(next.getBytes(StandardCharsets.US_ASCII));
        append(4, body.array());
        open(next);
        return this;
    }

    /** The server crashes and restarts: its next file begins, with no rotate or stop event at the old one's end. */
    public FakeBinlogServer crash() {
        open(BinlogPosition.successor(current));
        return this;
    }

    /**
     * A transaction whose statement began at {@code began} and whose commit is stamped {@code committed}: a statement
     * is stamped when it began, so one that ran long is written after those that began later.
     */
    public FakeBinlogServer transactionStamped(Instant began, Instant committed) {
        Instant now = time;
        time = began;
        append(162, new byte[13]);
        append(2, query("BEGIN"));
        append(19, new byte[20]);
        append(30, new byte[40]);
        time = committed;
        append(16, new byte[8]);
        time = now;
        return this;
    }

    public BinlogPosition position() {
        return new BinlogPosition(current, files.get(current).size());
    }

    /** The server's bytes of {@code file} from {@code from} to {@code to}. */
    public byte[] bytes(String file, long from, long to) {
        byte[] all = files.get(file).toByteArray();
        return java.util.Arrays.copyOfRange(all, (int) from, (int) to);
    }

    private static byte[] query(String sql) {
        byte[] db = "shop".getBytes(StandardCharsets.US_ASCII);
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(13 + db.length + 1 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(7).putInt(0).put((byte) db.length).putShort((short) 0).putShort((short) 0);
        b.put(db).put((byte) 0).put(text);
        return b.array();
    }

    private static byte[] formatBody() {
        ByteBuffer b = ByteBuffer.allocate(2 + 50 + 4 + 1 + 10 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 4);
        byte[] version = "10.11.19-MariaDB-log".getBytes(StandardCharsets.US_ASCII);
        b.put(version).put(new byte[50 - version.length]);
        b.putInt(0).put((byte) 19).put(new byte[10]).put((byte) 1);
        return b.array();
    }

    private void append(int type, byte[] body) {
        ByteArrayOutputStream f = files.get(current);
        long start = f.size();
        f.writeBytes(event(type, body, start + 19 + body.length + 4, (int) time.getEpochSecond()));
    }

    /** A v4 event with its CRC32: {@code end} is its end position in its file (0: made up for a reader). */
    public byte[] event(int type, byte[] body, long end, int timestamp) {
        int length = 19 + body.length + 4;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(timestamp)
                .put((byte) type)
                .putInt((int) serverId)
                .putInt(length)
                .putInt((int) end)
                .putShort((short) 0);
        b.put(body);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, length - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    @Override
    public Server server(DatabaseTarget source) {
        BinlogPosition now = reported != null ? reported : position();
        reported = null;
        return new Server(binlogOn, serverId, "10.11.19-MariaDB-log", now, List.copyOf(files.keySet()), format, "FULL");
    }

    @Override
    public Tail tail(DatabaseTarget source, BinlogPosition from) {
        tails++;
        List<BinlogSource.Raw> queue = new ArrayList<>();
        boolean reading = false;
        for (Map.Entry<String, ByteArrayOutputStream> f : files.entrySet()) {
            if (f.getKey().equals(from.file())) {
                reading = true;
                byte[] all = f.getValue().toByteArray();
                if (from.position() > 4) {
                    int length = (int) BinlogEvent.lengthIn(java.util.Arrays.copyOfRange(all, 4, 23));
                    byte[] body = java.util.Arrays.copyOfRange(all, 4 + 19, 4 + length - 4);
                    queue.add(new Raw(f.getKey(), event(15, body, 0, 0)));
                }
                split(f.getKey(), all, (int) from.position(), queue);
            } else if (reading) {
                split(f.getKey(), f.getValue().toByteArray(), 4, queue);
            }
        }
        return new Tail() {
            int at;

            @Override
            public Optional<Raw> next(Duration wait) throws IOException {
                if (at >= queue.size()) {
                    if (clock != null) {
                        clock.advance(wait);
                    }
                    return Optional.empty();
                }
                int n = served++;
                if (dropAfter.test(n)) {
                    throw new IOException("the connection dropped (test)");
                }
                Raw r = queue.get(at++);
                if (clock != null) {
                    clock.advance(Duration.ofMillis(300));
                }
                if (corrupt.test(n)) {
                    byte[] changed = r.bytes().clone();
                    changed[changed.length / 2] ^= 0x40;
                    return Optional.of(new Raw(r.file(), changed));
                }
                return Optional.of(r);
            }

            @Override
            public void close() {}
        };
    }

    private static void split(String file, byte[] all, int from, List<Raw> out) {
        int at = from;
        while (at < all.length) {
            int length = (int) BinlogEvent.lengthIn(java.util.Arrays.copyOfRange(all, at, at + 19));
            out.add(new Raw(file, java.util.Arrays.copyOfRange(all, at, at + length)));
            at += length;
        }
    }

    public final List<List<Path>> replayed = new ArrayList<>();

    @Override
    public List<Transaction> transactions(List<Path> files, List<String> serverFiles, Instant from, Instant to) {
        return List.of();
    }

    /** The bytes of each file replayed, read when it was replayed (the restore deletes them after). */
    public final Map<Path, byte[]> replayedBytes = new LinkedHashMap<>();

    @Override
    public void replay(List<Path> files, String schema, DatabaseTarget target, Duration timeout) {
        replayed.add(List.copyOf(files));
        for (Path f : files) {
            try {
                replayedBytes.put(f, java.nio.file.Files.readAllBytes(f));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
