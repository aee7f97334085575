package dev.lifeboat.core.binlog;

import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.HashingInputStream;
import dev.lifeboat.protocol.VaultKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database's binlog archive in the vault: where its segments and gap marks live, which of them form an unbroken
 * chain, and the check of every segment's bytes before any of them is replayed.
 *
 * <p>Layout, under {@code binlog/<database>/}: {@code <file>/<start>.segment.json} (the manifest, written last and
 * never overwritten, so one segment at most starts at each position: of two streamers the second finds the key taken
 * and stops), {@code <file>/<start>.<attempt>.binlog} (its object), and {@code gaps/<time>.<attempt>.gap.json}.
 */
public final class BinlogArchive {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogArchive.class);

    private static final Pattern SEGMENT_KEY = Pattern.compile(
            Pattern.quote(VaultKeys.BINLOG) + "([^/]+)/([^/]+)/(\\d{12})" + Pattern.quote(VaultKeys.SEGMENT_SUFFIX));
    private final Vault vault;

    public BinlogArchive(Vault vault) {
        this.vault = vault;
    }

    public static String prefix(String databaseId) {
        return VaultKeys.BINLOG + VaultLayout.requireDatabaseId(databaseId) + "/";
    }

    static String segmentKey(String databaseId, BinlogPosition from) {
        return prefix(databaseId) + from.file() + "/" + String.format("%012d", from.position())
                + VaultKeys.SEGMENT_SUFFIX;
    }

    static String objectKey(String databaseId, BinlogPosition from, String attempt) {
        return prefix(databaseId) + from.file() + "/" + String.format("%012d", from.position()) + "." + attempt
                + ".binlog";
    }

    /**
     * A gap's key names the place the archive could not continue from: streamers that find the same gap find the same
     * key, and the first mark decides where the archive goes on.
     */
    static String gapKey(String databaseId, BinlogPosition lastArchived) {
        return prefix(databaseId) + VaultKeys.GAPS + lastArchived.file() + "/"
                + String.format("%012d", lastArchived.position()) + VaultKeys.GAP_SUFFIX;
    }

    static String startKey(String databaseId) {
        return prefix(databaseId) + VaultKeys.BINLOG_START;
    }

    /**
     * Where the archive begins, written once (the first streamer of a database decides it): every segment then
     * follows from it, from the end of another segment, or from a gap's resumption, so two streamers always read
     * the same chain and meet at the same key, where one of them stops.
     */
    public record Start(String databaseId, BinlogPosition from, long serverId, Instant at) {}

    /** The archive's start, written now unless another streamer wrote it first; either way the one in the vault. */
    Start start(Start proposed) {
        vault.putIfAbsent(startKey(proposed.databaseId()), BinlogCodec.write(proposed));
        return readStart(proposed.databaseId()).orElse(proposed);
    }

    Optional<Start> readStart(String databaseId) {
        try {
            Optional<byte[]> bytes = vault.read(startKey(databaseId));
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            Start s = BinlogCodec.read(bytes.get(), Start.class);
            return s.from() == null || !databaseId.equals(s.databaseId()) ? Optional.empty() : Optional.of(s);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the start of the binlog archive of {} is unreadable: {}", databaseId, e.getMessage());
            return Optional.empty();
        }
    }

    boolean record(Segment segment) {
        return vault.putIfAbsent(segmentKey(segment.databaseId(), segment.from()), BinlogCodec.write(segment));
    }

    /** Marks a gap unless another streamer marked it first; either way the mark in the vault, which decides. */
    Gap mark(Gap gap) {
        String key = gapKey(gap.databaseId(), gap.lastArchived());
        if (vault.putIfAbsent(key, BinlogCodec.write(gap))) {
            return gap;
        }
        try {
            Gap first = BinlogCodec.read(vault.read(key).orElseThrow(), Gap.class);
            return first.resumedAt() == null ? gap : first;
        } catch (IOException | RuntimeException e) {
            return gap;
        }
    }

    /**
     * Every readable segment manifest of the database, in binlog order. One that is not JSON, names another
     * database or another place than its key, or starts after it ends is skipped and named in the log: it is not
     * one the streamer wrote.
     */
    public List<Segment> segments(String databaseId) {
        List<Segment> found = new ArrayList<>();
        for (String key : vault.list(prefix(databaseId))) {
            if (SEGMENT_KEY.matcher(key).matches()) {
                readSegment(databaseId, key).ifPresent(found::add);
            }
        }
        found.sort(Comparator.comparing(Segment::from));
        return found;
    }

    public List<Gap> gaps(String databaseId) {
        return gaps(vault.list(prefix(databaseId) + VaultKeys.GAPS));
    }

    private List<Gap> gaps(List<String> markKeys) {
        List<Gap> found = new ArrayList<>();
        for (String key : markKeys) {
            try {
                vault.read(key)
                        .map(b -> {
                            try {
                                return BinlogCodec.read(b, Gap.class);
                            } catch (IOException e) {
                                throw new IllegalStateException(e.getMessage(), e);
                            }
                        })
                        // a mark naming no position is as unreadable as any (production writes them, and may forge)
                        .filter(g -> g.lastArchived() != null && g.detectedAt() != null)
                        .ifPresent(found::add);
            } catch (RuntimeException e) {
                LOG.warn("skipping binlog gap mark {}: {}", key, e.getMessage());
            }
        }
        found.sort(Comparator.comparing(Gap::detectedAt));
        return found;
    }

    /**
     * How far a restore from a dump standing at {@code p} reaches, read from two manifests and the gap marks instead of
     * every manifest (the audit's recovery point): the segment holding {@code p} must be in the archive and no gap
     * marked at or after it; then the archive reaches its last segment's last event. Empty where it does not reach
     * past the dump.
     */
    public Optional<Instant> reachFrom(String databaseId, BinlogPosition p) {
        Optional<Segment> holding = Optional.empty();
        List<String> all = segmentKeys(databaseId);
        List<String> keys = new ArrayList<>();
        for (String key : all) {
            Matcher m = SEGMENT_KEY.matcher(key);
            if (m.matches() && m.group(2).equals(p.file()) && Long.parseLong(m.group(3)) <= p.position()) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.naturalOrder());
        if (!keys.isEmpty()) {
            holding = readSegment(databaseId, keys.getLast());
        }
        if (holding.isEmpty() || !holding.get().holds(p)) {
            return Optional.empty();
        }
        List<String> markKeys = vault.list(prefix(databaseId) + VaultKeys.GAPS);
        List<Gap> gaps = gaps(markKeys);
        long marks =
                markKeys.stream().filter(k -> k.endsWith(VaultKeys.GAP_SUFFIX)).count();
        if (gaps.size() < marks) {
            // A gap mark that cannot be read could be anywhere: no reach is claimed past the dump.
            return Optional.empty();
        }
        for (Gap g : gaps) {
            if (g.lastArchived().compareTo(p) >= 0) {
                return Optional.empty();
            }
        }
        return last(databaseId, all)
                .map(s -> s.completeUpTo() != null && s.completeUpTo().isAfter(s.lastEventAt())
                        ? s.completeUpTo()
                        : s.lastEventAt());
    }

    /**
     * Where a streamer continues: after the archive's last segment. The keys are ordered by the positions they name
     * and read from the last, so only the last manifests are read, not the archive's
     * every one: a streamer restarted after a month does not read a month of manifests.
     */
    public Optional<Segment> last(String databaseId) {
        return last(databaseId, segmentKeys(databaseId));
    }

    /** The keys of the archive's segment manifests, ordered by the positions they name: one listing of its prefix. */
    private List<String> segmentKeys(String databaseId) {
        List<String> keys = new ArrayList<>();
        for (String key : vault.list(prefix(databaseId))) {
            if (SEGMENT_KEY.matcher(key).matches()) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.comparing(BinlogArchive::positionOf));
        return keys;
    }

    /** The last readable segment among {@code keys} (ordered by position). */
    private Optional<Segment> last(String databaseId, List<String> keys) {
        for (int i = keys.size() - 1; i >= 0; i--) {
            Optional<Segment> s = readSegment(databaseId, keys.get(i));
            if (s.isPresent()) {
                return s;
            }
        }
        return Optional.empty();
    }

    private static BinlogPosition positionOf(String key) {
        Matcher m = SEGMENT_KEY.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException(key);
        }
        return new BinlogPosition(m.group(2), Long.parseLong(m.group(3)));
    }

    /** The manifest at {@code key}, unless it is unreadable or not the segment its key names (then logged). */
    private Optional<Segment> readSegment(String databaseId, String key) {
        try {
            Optional<byte[]> bytes = vault.read(key);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            Segment s = BinlogCodec.read(bytes.get(), Segment.class);
            if (!databaseId.equals(s.databaseId())
                    || !positionOf(key).equals(s.from())
                    || s.end() <= s.start()
                    || s.objectKey() == null
                    || s.sha256() == null
                    || s.lastEventAt() == null
                    || s.firstEventAt() == null
                    || s.writtenAt() == null) {
                LOG.warn("skipping binlog segment manifest {}: it does not describe the segment its key names", key);
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping binlog segment manifest {}: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The unbroken run of segments that starts with the one holding {@code from}: each next one starts exactly where
     * the one before ends (or at the start of the file it rotated to). Empty when no segment holds {@code from}.
     */
    public static List<Segment> chainFrom(List<Segment> segments, BinlogPosition from) {
        List<Segment> chain = new ArrayList<>();
        Segment at = null;
        for (Segment s : segments) {
            if (s.file().equals(from.file()) && s.start() <= from.position() && from.position() < s.end()) {
                at = s;
                break;
            }
        }
        if (at == null) {
            // A base taken exactly at a segment's end continues with the next segment.
            for (Segment s : segments) {
                if (s.from().equals(from)) {
                    at = s;
                    break;
                }
            }
        }
        while (at != null) {
            chain.add(at);
            BinlogPosition next = at.continuesAt();
            at = null;
            for (Segment s : segments) {
                if (s.from().equals(next)) {
                    at = s;
                    break;
                }
            }
            if (at == null) {
                // A file that ended without a rotate (the server crashed): the next file's first segment says so.
                for (Segment s : segments) {
                    if (s.start() == BinlogPosition.FIRST_EVENT && next.equals(s.follows())) {
                        at = s;
                        break;
                    }
                }
            }
        }
        return chain;
    }

    /** The stretches of time the archive covers without a break, oldest first. */
    public List<Window> windows(String databaseId) {
        return windows(segments(databaseId));
    }

    /** {@link #windows(String)} of segments already read. */
    public static List<Window> windows(List<Segment> all) {
        List<Window> windows = new ArrayList<>();
        List<Segment> left = new ArrayList<>(all);
        while (!left.isEmpty()) {
            List<Segment> chain = chainFrom(left, left.getFirst().from());
            windows.add(new Window(
                    chain.getFirst().from(),
                    chain.getLast().continuesAt(),
                    chain.stream()
                            .map(Segment::firstEventAt)
                            .min(Comparator.naturalOrder())
                            .orElseThrow(),
                    chain.stream()
                            .map(Segment::lastEventAt)
                            .max(Comparator.naturalOrder())
                            .orElseThrow(),
                    chain.size()));
            left.removeAll(chain);
        }
        return windows;
    }

    /**
     * From when to when the database can be restored, per unbroken stretch of the archive: from the first dump whose
     * position the stretch holds (its snapshot) to the stretch's last archived event; {@code firstBase} is empty when
     * no dump stands in it (nothing in that stretch can be restored until a dump is taken).
     */
    public record Restorable(Window window, java.util.Optional<dev.lifeboat.core.dump.DumpManifest> firstBase) {}

    public List<Restorable> restorable(String databaseId, List<dev.lifeboat.core.dump.DumpManifest> dumps) {
        List<Segment> all = segments(databaseId);
        List<Restorable> out = new ArrayList<>();
        for (Window w : windows(all)) {
            List<Segment> chain = chainFrom(all, w.from());
            dev.lifeboat.core.dump.DumpManifest first = null;
            for (dev.lifeboat.core.dump.DumpManifest m : dumps) {
                if (m.binlog() == null || m.binlog().snapshotBy() == null) {
                    continue;
                }
                BinlogPosition p =
                        new BinlogPosition(m.binlog().file(), m.binlog().position());
                boolean inside = chain.stream()
                        .anyMatch(s -> (s.holds(p) && !p.equals(s.continuesAt()))
                                || s.from().equals(p));
                if (inside
                        && (first == null
                                || m.binlog()
                                        .snapshotBy()
                                        .isBefore(first.binlog().snapshotBy()))) {
                    first = m;
                }
            }
            out.add(new Restorable(w, java.util.Optional.ofNullable(first)));
        }
        return out;
    }

    /** An unbroken stretch of the archive: from the first event of its first segment to the last of its last. */
    public record Window(
            BinlogPosition from, BinlogPosition to, Instant firstEventAt, Instant lastEventAt, int segments) {}

    /**
     * Copies each segment into {@code folder}, checking its size, its SHA-256 and its events (whole, checksums
     * matching, positions continuous from the manifest's start to its end) before returning: nothing is replayed from
     * a segment that is not exactly what its manifest vouches for. The first copy starts at {@code from} (a base's
     * position): the events before it are in the base already.
     */
    public List<Path> fetchChecked(List<Segment> chain, BinlogPosition from, Path folder) throws IOException {
        return fetchChecked(chain, from, null, folder, statement -> {});
    }

    /**
     * {@link #fetchChecked}, ending at the first transaction, in the binlog's (commit) order, whose last event is stamped
     * at or after {@code stopAt} (null: no end): that transaction and everything after it is left out whole, so a
     * replay never holds part of one. The segments after it are not read.
     */
    List<Path> fetchChecked(
            List<Segment> chain,
            BinlogPosition from,
            Instant stopAt,
            Path folder,
            java.util.function.Consumer<SegmentReader.Statement> ddl)
            throws IOException {
        List<Path> files = new ArrayList<>();
        int n = 0;
        for (Segment s : chain) {
            Path file = folder.resolve(String.format("%06d-%s", ++n, s.file()));
            boolean stopped;
            try (InputStream raw = vault.open(s.objectKey(), s.objectVersionId());
                    HashingInputStream in = new HashingInputStream(raw);
                    java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(
                            file,
                            java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE)) {
                long skipFrom = n == 1 && s.holds(from) ? from.position() : s.start();
                stopped = SegmentReader.copy(in, out, s, skipFrom, stopAt, ddl);
                in.drain();
                if (in.sha().bytes() != s.sizeBytes() || !in.sha().hex().equals(s.sha256())) {
                    throw new ChecksumMismatchException(
                            "binlog segment " + s.from() + " of " + s.databaseId() + " (" + s.objectKey()
                                    + ") does not match its manifest: "
                                    + in.sha().bytes() + " bytes, sha256 "
                                    + in.sha().hex() + "; the manifest vouches for " + s.sizeBytes() + " bytes, sha256 "
                                    + s.sha256(),
                            "nothing was restored; restore to a moment before " + s.firstEventAt()
                                    + ", or from a dump alone, and find who changed the vault (CloudTrail data events)");
                }
            } catch (BinlogEvent.Malformed e) {
                throw new ChecksumMismatchException(
                        "binlog segment " + s.from() + " of " + s.databaseId() + " (" + s.objectKey() + ") is damaged: "
                                + e.getMessage(),
                        "nothing was restored; restore to a moment before " + s.firstEventAt()
                                + ", or from a dump alone");
            }
            files.add(file);
            if (stopped) {
                break;
            }
        }
        return files;
    }

    /** Refusal for a moment the archive cannot reach, naming what it can. */
    static RefusedException unreachable(String databaseId, Instant moment, List<Window> windows, String why) {
        StringBuilder can = new StringBuilder();
        for (Window w : windows) {
            can.append(can.isEmpty() ? "" : ", ")
                    .append(w.firstEventAt())
                    .append(" to ")
                    .append(w.lastEventAt());
        }
        return new RefusedException(
                "cannot restore " + databaseId + " to " + moment + ": " + why,
                windows.isEmpty()
                        ? "the vault holds no binlog archive of " + databaseId + "; run `lifeboat stream` for it"
                        : "the archive covers " + can + " (each with a dump taken inside it); pick a moment in one of"
                                + " them, or restore the dump alone");
    }
}
