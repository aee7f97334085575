package dev.lifeboat.core.changes;

import dev.lifeboat.core.binlog.BinlogCodec;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.HashingInputStream;
import dev.lifeboat.protocol.VaultKeys;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * A PostgreSQL database's change archive in the vault (issue 41): where its segments and gap marks live, which of
 * them form an unbroken chain, and the check of every segment before any of it is replayed.
 *
 * <p>Layout, under {@code changes/<database>/}: {@code <start>.segment.json} (the manifest, written last and never
 * overwritten: one segment at most starts at each position), {@code <start>.<attempt>.jsonl} (its object) and {@code
 * gaps/<last archived>.gap.json}; positions are LSNs in sixteen hex digits.
 */
public final class ChangeArchive {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeArchive.class);

    private static final Pattern SEGMENT_KEY = Pattern.compile(
            Pattern.quote(VaultKeys.CHANGES) + "([^/]+)/([0-9A-F]{16})" + Pattern.quote(VaultKeys.SEGMENT_SUFFIX));
    private final Vault vault;

    public ChangeArchive(Vault vault) {
        this.vault = vault;
    }

    public static String prefix(String databaseId) {
        return VaultKeys.CHANGES + VaultLayout.requireDatabaseId(databaseId) + "/";
    }

    static String segmentKey(String databaseId, long start) {
        return prefix(databaseId) + Lsn.key(start) + VaultKeys.SEGMENT_SUFFIX;
    }

    static String objectKey(String databaseId, long start, String attempt) {
        return prefix(databaseId) + Lsn.key(start) + "." + attempt + ".jsonl";
    }

    static String gapKey(String databaseId, long lastArchived) {
        return prefix(databaseId) + VaultKeys.GAPS + Lsn.key(lastArchived) + VaultKeys.GAP_SUFFIX;
    }

    /** Writes a segment's manifest unless a segment starting there exists (then false: another streamer's). */
    boolean record(ChangeSegment segment) {
        return vault.putIfAbsent(segmentKey(segment.databaseId(), segment.start()), BinlogCodec.write(segment));
    }

    /** Marks a gap unless another streamer marked it first; either way the mark in the vault, which decides. */
    ChangeGap mark(ChangeGap gap) {
        String key = gapKey(gap.databaseId(), Lsn.parse(gap.lastArchived()));
        if (vault.putIfAbsent(key, BinlogCodec.write(gap))) {
            return gap;
        }
        try {
            return BinlogCodec.read(vault.read(key).orElseThrow(), ChangeGap.class);
        } catch (IOException | RuntimeException e) {
            return gap;
        }
    }

    /** Every readable segment manifest, in LSN order; one not describing the segment its key names is skipped. */
    public List<ChangeSegment> segments(String databaseId) {
        List<ChangeSegment> found = new ArrayList<>();
        for (String key : vault.list(prefix(databaseId))) {
            if (SEGMENT_KEY.matcher(key).matches()) {
                read(databaseId, key).ifPresent(found::add);
            }
        }
        found.sort(Comparator.comparingLong(ChangeSegment::start));
        return found;
    }

    /** The archive's last segment, reading manifests from the last key back (not the archive's every one). */
    public Optional<ChangeSegment> last(String databaseId) {
        return last(databaseId, segmentKeys(databaseId));
    }

    /** The keys of the archive's segment manifests, in order: one listing of its prefix. */
    private List<String> segmentKeys(String databaseId) {
        List<String> keys = new ArrayList<>();
        for (String key : vault.list(prefix(databaseId))) {
            if (SEGMENT_KEY.matcher(key).matches()) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    /** The last readable segment among {@code keys} (in order). */
    private Optional<ChangeSegment> last(String databaseId, List<String> keys) {
        for (int i = keys.size() - 1; i >= 0; i--) {
            Optional<ChangeSegment> s = read(databaseId, keys.get(i));
            if (s.isPresent()) {
                return s;
            }
        }
        return Optional.empty();
    }

    /**
     * How far a restore from a dump standing at {@code lsn} reaches, read from two manifests and the gap marks instead
     * of every manifest (the audit's recovery point, issue 41): the segment holding {@code lsn} must be in the archive
     * and no gap marked at or after it (a streamer goes on from the archive's end or marks a gap, so the stretch between
     * is whole); then the archive reaches its last segment's {@link #readUpTo}. Empty where it does not reach past the
     * dump.
     */
    public Optional<Instant> reachFrom(String databaseId, long lsn) {
        List<String> keys = segmentKeys(databaseId);
        String holding = null;
        for (String key : keys) {
            var m = SEGMENT_KEY.matcher(key);
            if (m.matches() && Long.parseUnsignedLong(m.group(2), 16) <= lsn) {
                holding = key;
            }
        }
        if (holding == null) {
            return Optional.empty();
        }
        Optional<ChangeSegment> h = read(databaseId, holding);
        if (h.isEmpty() || h.get().end() < lsn) {
            return Optional.empty();
        }
        List<String> markKeys = vault.list(prefix(databaseId) + VaultKeys.GAPS);
        List<ChangeGap> gaps = gaps(markKeys);
        long marks =
                markKeys.stream().filter(k -> k.endsWith(VaultKeys.GAP_SUFFIX)).count();
        if (gaps.size() < marks) {
            // A gap mark that cannot be read could be anywhere: no reach is claimed past the dump.
            return Optional.empty();
        }
        for (ChangeGap g : gaps) {
            if (Lsn.parse(g.lastArchived()) >= lsn) {
                return Optional.empty();
            }
        }
        return last(databaseId, keys).map(s -> readUpTo(List.of(s)));
    }

    public List<ChangeGap> gaps(String databaseId) {
        return gaps(vault.list(prefix(databaseId) + VaultKeys.GAPS));
    }

    private List<ChangeGap> gaps(List<String> markKeys) {
        List<ChangeGap> found = new ArrayList<>();
        for (String key : markKeys) {
            try {
                Optional<byte[]> b = vault.read(key);
                if (b.isPresent()) {
                    ChangeGap g = BinlogCodec.read(b.get(), ChangeGap.class);
                    // A mark naming no position or time is as unreadable as any (production writes them, and may
                    // forge one).
                    Lsn.parse(g.lastArchived());
                    if (g.detectedAt() == null) {
                        throw new IllegalStateException("it names no time");
                    }
                    found.add(g);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("skipping change gap mark {}: {}", key, e.getMessage());
            }
        }
        found.sort(Comparator.comparing(ChangeGap::detectedAt));
        return found;
    }

    private Optional<ChangeSegment> read(String databaseId, String key) {
        try {
            Optional<byte[]> bytes = vault.read(key);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            ChangeSegment s = BinlogCodec.read(bytes.get(), ChangeSegment.class);
            Matcher m = SEGMENT_KEY.matcher(key);
            if (!m.matches()
                    || !databaseId.equals(s.databaseId())
                    || s.startLsn() == null
                    || s.endLsn() == null
                    || !m.group(2).equals(Lsn.key(s.start()))
                    || s.end() < s.start()
                    || s.writtenAt() == null
                    || s.transactions() < 0
                    || (s.transactions() > 0
                            && (s.objectKey() == null
                                    || s.sha256() == null
                                    || s.firstCommitAt() == null
                                    || s.lastCommitAt() == null))) {
                LOG.warn("skipping change segment manifest {}: it does not describe the segment its key names", key);
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping change segment manifest {}: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The unbroken run of segments from the one holding {@code lsn} (its start at or before it, its end after it, or
     * its start exactly there): each next one starts where the one before ends. Empty when none holds it.
     */
    public static List<ChangeSegment> chainFrom(List<ChangeSegment> segments, long lsn) {
        List<ChangeSegment> chain = new ArrayList<>();
        ChangeSegment at = null;
        for (ChangeSegment s : segments) {
            if ((s.start() <= lsn && lsn < s.end()) || s.start() == lsn) {
                at = s;
                break;
            }
        }
        while (at != null) {
            chain.add(at);
            long next = at.end();
            at = null;
            for (ChangeSegment s : segments) {
                if (s.start() == next && s.end() > next) {
                    at = s;
                    break;
                }
                if (s.start() == next && s.end() == next && !chain.contains(s)) {
                    at = s;
                    break;
                }
            }
        }
        return chain;
    }

    /** An unbroken stretch of the archive, and the first dump that can start a restore in it (or none). */
    public record Window(
            String from,
            String to,
            Instant firstCommitAt,
            Instant readUpTo,
            int segments,
            Optional<DumpManifest> base) {}

    /** The archive's unbroken stretches, oldest first, each with the earliest dump that stands in it. */
    public static List<Window> windows(List<ChangeSegment> all, List<DumpManifest> dumps) {
        List<Window> windows = new ArrayList<>();
        List<ChangeSegment> left = new ArrayList<>(all);
        while (!left.isEmpty()) {
            List<ChangeSegment> chain = chainFrom(left, left.getFirst().start());
            if (chain.isEmpty()) {
                chain = List.of(left.getFirst());
            }
            DumpManifest first = null;
            for (DumpManifest m : dumps) {
                if (m.changes() == null || !Lsn.valid(m.changes().lsn())) {
                    continue; // a manifest naming no position stands in no window
                }
                long p = Lsn.parse(m.changes().lsn());
                if (chain.getFirst().start() <= p
                        && p <= chain.getLast().end()
                        && (first == null
                                || m.changes()
                                        .snapshotBy()
                                        .isBefore(first.changes().snapshotBy()))) {
                    first = m;
                }
            }
            windows.add(new Window(
                    chain.getFirst().startLsn(),
                    chain.getLast().endLsn(),
                    chain.stream()
                            .map(ChangeSegment::firstCommitAt)
                            .filter(java.util.Objects::nonNull)
                            .min(Comparator.naturalOrder())
                            .orElse(chain.getFirst().writtenAt()),
                    readUpTo(chain),
                    chain.size(),
                    Optional.ofNullable(first)));
            left.removeAll(chain);
        }
        return windows;
    }

    /**
     * The moment up to which a chain certainly holds every commit: its last commit, or later where the last segment
     * reached a sampled position of the server ({@link ChangeSegment#completeUpTo}). Never when a segment was written:
     * a streamer catching up writes segments now that hold commits from long ago.
     */
    static Instant readUpTo(List<ChangeSegment> chain) {
        Instant last = chain.stream()
                .map(ChangeSegment::lastCommitAt)
                .filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
        Instant complete = chain.getLast().completeUpTo();
        return complete != null && complete.isAfter(last) ? complete : last;
    }

    /**
     * Copies each segment with transactions into {@code folder}, checking before returning its size and SHA-256 and
     * its lines (JSON of wal2json's format 2, whole transactions, commit LSNs rising and inside the segment, the
     * number of transactions its manifest says): nothing is replayed from a segment that is not exactly what its
     * manifest vouches for.
     */
    public List<Path> fetchChecked(List<ChangeSegment> chain, Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        int n = 0;
        long lastCommit = -1;
        for (ChangeSegment s : chain) {
            if (s.empty()) {
                continue;
            }
            Path file = folder.resolve(String.format("%06d.jsonl", ++n));
            try (InputStream raw = vault.open(s.objectKey(), s.objectVersionId());
                    HashingInputStream in = new HashingInputStream(raw);
                    OutputStream out = new BufferedOutputStream(
                            Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            1 << 16)) {
                lastCommit = check(s, new java.io.BufferedInputStream(in, 1 << 16), out, lastCommit);
                in.drain();
                if (in.sha().bytes() != s.sizeBytes() || !in.sha().hex().equals(s.sha256())) {
                    throw new ChecksumMismatchException(
                            "change segment " + s.startLsn() + " of " + s.databaseId() + " (" + s.objectKey()
                                    + ") does not match its manifest: "
                                    + in.sha().bytes() + " bytes, sha256 "
                                    + in.sha().hex() + "; the manifest vouches for " + s.sizeBytes()
                                    + " bytes, sha256 " + s.sha256(),
                            "nothing was restored; restore to a moment before " + s.firstCommitAt()
                                    + ", or from a dump alone, and find who changed the vault (CloudTrail data events)");
                }
            } catch (WalLine.Malformed e) {
                throw new ChecksumMismatchException(
                        "change segment " + s.startLsn() + " of " + s.databaseId() + " (" + s.objectKey()
                                + ") is damaged: " + e.getMessage(),
                        "nothing was restored; restore to a moment before " + s.firstCommitAt()
                                + ", or from a dump alone");
            }
            files.add(file);
        }
        return files;
    }

    private static long check(ChangeSegment s, InputStream in, OutputStream out, long lastCommit)
            throws IOException, WalLine.Malformed {
        int transactions = 0;
        WalLine open = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            byte[] bytes = line.toByteArray();
            line.reset();
            WalLine w = WalLine.parse(bytes);
            if (w.begins()) {
                if (open != null) {
                    throw new WalLine.Malformed("a transaction begins inside another");
                }
                if (w.lsn() <= lastCommit || w.lsn() < s.start() || w.nextLsn() > s.end()) {
                    throw new WalLine.Malformed("a transaction committed at " + Lsn.format(w.lsn())
                            + ", outside the segment or not after the one before");
                }
                open = w;
            } else if (w.commits()) {
                if (open == null || open.xid() != w.xid() || open.lsn() != w.lsn()) {
                    throw new WalLine.Malformed("a commit of a transaction that did not begin");
                }
                lastCommit = w.lsn();
                transactions++;
                open = null;
            } else if (open == null) {
                throw new WalLine.Malformed("a change outside a transaction");
            }
            out.write(bytes);
            out.write('\n');
        }
        if (line.size() > 0 || open != null) {
            throw new WalLine.Malformed("the segment ends inside a transaction");
        }
        if (transactions != s.transactions()) {
            throw new WalLine.Malformed(
                    "it holds " + transactions + " transactions, its manifest says " + s.transactions());
        }
        return lastCommit;
    }

    /** Refusal for a moment the archive cannot reach, naming what it can. */
    static RefusedException unreachable(String databaseId, Instant moment, List<Window> windows, String why) {
        StringBuilder can = new StringBuilder();
        for (Window w : windows) {
            if (w.base().isPresent()) {
                can.append(can.isEmpty() ? "" : ", ")
                        .append(w.base().get().changes().snapshotBy())
                        .append(" to ")
                        .append(w.readUpTo());
            }
        }
        return new RefusedException(
                "cannot restore " + databaseId + " to " + moment + ": " + why,
                windows.isEmpty()
                        ? "the vault holds no change archive of " + databaseId + "; run `lifeboat stream` for it"
                        : can.isEmpty()
                                ? "no dump stands in the archive yet: take one (lifeboat dump) to restore after it"
                                : "the archive can restore " + can + "; pick a moment in one of them, or restore the"
                                        + " dump alone");
    }
}
