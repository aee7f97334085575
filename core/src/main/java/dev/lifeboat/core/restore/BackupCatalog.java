package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.BackupId;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.VaultKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups in a vault: only those whose manifest is sound. A backup is listed or restored only when
 * its manifest parses, agrees with its own key (database, backup id), names an object of its own
 * backup that exists with the size it records, and finished no later than now. Anything else (a
 * truncated or planted manifest, one naming a missing object, one dated in the future) is skipped and
 * reported once, with its key and the reason, and the good backups stay usable: under COMPLIANCE Object
 * Lock a bad object cannot be removed for weeks, and must not lock anyone out of {@code latest}.
 *
 * <p>{@code latest} is the backup that finished last, never the greatest id. A backup asked for by its
 * id is checked the same way, except that an object of another size is left to the restore, which
 * reports it as corrupt.
 */
public final class BackupCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(BackupCatalog.class);
    /** How far a manifest's finishing time may lie ahead of this clock before it counts as forged. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** A manifest the catalog did not accept, and why. */
    public record Skipped(String key, String reason) {}

    private final Vault vault;
    private final Clock clock;
    private final Consumer<Skipped> onSkipped;
    /** Every manifest skipped so far, with its latest reason; each is reported once. */
    private final Map<String, String> reasons = new HashMap<>();

    /** A catalog that logs each skipped manifest as a warning. */
    public BackupCatalog(Vault vault, Clock clock) {
        this(vault, clock, s -> LOG.warn("skipped {}: {}", s.key(), s.reason()));
    }

    public BackupCatalog(Vault vault, Clock clock, Consumer<Skipped> onSkipped) {
        this.vault = vault;
        this.clock = clock;
        this.onSkipped = onSkipped;
    }

    /** Database ids that have at least one manifest (sound or not). */
    public List<String> databases() {
        return vault.list(VaultKeys.DUMPS).stream()
                .map(VaultLayout::parseManifestKey)
                .flatMap(Optional::stream)
                .map(VaultLayout.ManifestName::databaseId)
                .distinct()
                .sorted()
                .toList();
    }

    /** Every sound backup of a database, oldest first (by the time it finished). */
    public List<DumpManifest> backups(String databaseId) {
        Instant now = clock.instant();
        return candidates(databaseId, now).stream()
                .filter(c -> objectIsThere(c.key(), c.manifest()))
                .map(Candidate::manifest)
                .toList();
    }

    /**
     * One sound backup: an id as {@code lifeboat list} prints it, {@code latest}, or
     * {@code before:TIME} (the last one finished at or before TIME, ISO-8601).
     */
    public DumpManifest find(String databaseId, String backup) {
        List<String> keys = manifestKeys(databaseId);
        if (keys.isEmpty()) {
            List<String> known = databases();
            throw new BackupNotFoundException(
                    "no backups of database '" + databaseId + "' in " + vault.describe(),
                    known.isEmpty()
                            ? "this vault holds no backups yet; check " + Param.VAULT
                            : "databases with backups here: " + String.join(", ", known));
        }
        Instant now = clock.instant();
        String wanted = backup == null ? "latest" : backup.strip();
        String lower = wanted.toLowerCase(Locale.ROOT);
        if (!lower.equals("latest") && !lower.startsWith("before:")) {
            BackupId id = new BackupId(wanted);
            String key = keys.stream()
                    .filter(k -> VaultLayout.parseManifestKey(k)
                            .map(n -> n.backupId().equals(id))
                            .orElse(false))
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "backup " + wanted + " of database '" + databaseId + "' is not in " + vault.describe(),
                            "run '" + Param.command("list") + "' to see the backups, or pass " + Param.BACKUP
                                    + " latest"));
            Candidate c = check(key, now)
                    .orElseThrow(() -> new BackupNotFoundException(
                            "backup " + wanted + " of database '" + databaseId + "' is not usable: " + lastReason(key),
                            "restore another one: 'lifeboat list' shows the sound backups"));
            // Asked for by name, a backup whose object has another size is corrupt, not absent: the restore
            // reads it and reports the mismatch as corruption (exit 4).
            Optional<String> missing = missingObject(c.manifest());
            if (missing.isPresent()) {
                skip(key, "names an object that is missing: " + missing.get());
                throw new BackupNotFoundException(
                        "backup " + wanted + " of database '" + databaseId + "' is not usable: " + lastReason(key),
                        "restore another one: 'lifeboat list' shows the sound backups");
            }
            return c.manifest();
        }
        Instant notAfter = lower.equals("latest") ? null : beforeTime(wanted.substring("before:".length()));
        List<Candidate> newestFirst = new ArrayList<>(candidates(databaseId, now));
        newestFirst.sort(
                Comparator.comparing((Candidate c) -> c.manifest().finishedAt()).reversed());
        for (Candidate c : newestFirst) {
            if (notAfter != null && c.manifest().finishedAt().isAfter(notAfter)) {
                continue;
            }
            if (objectIsThere(c.key(), c.manifest())) {
                return c.manifest();
            }
        }
        throw new BackupNotFoundException(
                "no usable backup of database '" + databaseId + "'"
                        + (notAfter == null ? "" : " finished at or before " + notAfter) + " in " + vault.describe()
                        + (reasons.isEmpty() ? "" : " (" + reasons.size() + " skipped, each named above)"),
                notAfter == null
                        ? "take a new backup (lifeboat dump), or restore from a snapshot copy"
                        : "pick a later time, or see the backups with 'lifeboat list'");
    }

    private static Instant beforeTime(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new BackupNotFoundException(
                    "'before:" + text + "' is not a time", "use ISO-8601 UTC, e.g. before:2026-11-24T23:00:00Z");
        }
    }

    private record Candidate(String key, DumpManifest manifest) {}

    /** The manifests of a database that parse and agree with their keys, oldest first. */
    private List<Candidate> candidates(String databaseId, Instant now) {
        List<Candidate> out = new ArrayList<>();
        for (String key : manifestKeys(databaseId)) {
            check(key, now).ifPresent(out::add);
        }
        out.sort(Comparator.comparing((Candidate c) -> c.manifest().finishedAt()));
        return out;
    }

    private Optional<String> missingObject(DumpManifest m) {
        if (vault.stat(m.objectKey(), m.objectVersionId()).isEmpty()) {
            return Optional.of(m.objectKey());
        }
        return m.parts().stream()
                .filter(p -> vault.stat(p.objectKey(), p.objectVersionId()).isEmpty())
                .map(DumpManifest.Part::objectKey)
                .findFirst();
    }

    private String lastReason(String key) {
        return reasons.getOrDefault(key, "unknown");
    }

    private Optional<Candidate> check(String key, Instant now) {
        Optional<VaultLayout.ManifestName> name = VaultLayout.parseManifestKey(key);
        if (name.isEmpty()) {
            return skip(
                    key, "not a Lifeboat manifest name (dumps/<database>/<yyyy>/<mm>/<dd>/<backup-id>.manifest.json)");
        }
        Optional<byte[]> json;
        try {
            json = vault.read(key);
        } catch (Vault.TooLarge e) {
            return skip(
                    key, "is larger than " + (Vault.SMALL_OBJECT_LIMIT >> 20) + " MiB: no manifest Lifeboat writes");
        }
        if (json.isEmpty()) {
            return skip(key, "disappeared while reading it");
        }
        DumpManifest m;
        try {
            m = ManifestCodec.read(json.get(), key);
        } catch (RuntimeException e) {
            return skip(key, "does not parse as a manifest");
        }
        if (m.backupId() == null
                || m.databaseId() == null
                || m.objectKey() == null
                || m.sha256() == null
                || m.finishedAt() == null
                || m.engine() == null
                || m.sizeBytes() < 0) {
            return skip(key, "lacks a required field (backupId, databaseId, engine, objectKey, sha256, finishedAt)");
        }
        if (!m.databaseId().equals(name.get().databaseId())
                || !m.backupId().equals(name.get().backupId().value())) {
            return skip(key, "does not match its key: it says backup " + m.backupId() + " of '" + m.databaseId() + "'");
        }
        if (m.manifestVersion() > DumpManifest.NEWEST_KNOWN_VERSION) {
            return skip(
                    key,
                    "was written by a newer Lifeboat (manifest version " + m.manifestVersion()
                            + "); restore it with that version or newer");
        }
        String prefix =
                VaultLayout.backupPrefix(name.get().databaseId(), name.get().backupId());
        for (String object : objectKeys(m)) {
            if (object == null
                    || !object.startsWith(prefix)
                    || VaultLayout.isManifest(object)
                    || object.contains("..")) {
                return skip(key, "names an object outside its own backup: " + object);
            }
        }
        if (m.parallel() && m.manifestVersion() < DumpManifest.PARALLEL_VERSION) {
            return skip(key, "lists parts but says manifest version " + m.manifestVersion());
        }
        if (m.zstd() && m.manifestVersion() < DumpManifest.ZSTD_VERSION) {
            return skip(key, "names a zstd object but says manifest version " + m.manifestVersion());
        }
        if (m.finishedAt().isAfter(now.plus(CLOCK_SKEW))) {
            return skip(key, "is dated in the future (finished " + m.finishedAt() + ", now " + now + ")");
        }
        return Optional.of(new Candidate(key, m));
    }

    private boolean objectIsThere(String key, DumpManifest m) {
        if (!objectIsThere(key, m.objectKey(), m.objectVersionId(), m.sizeBytes())) {
            return false;
        }
        for (DumpManifest.Part p : m.parts()) {
            if (!objectIsThere(key, p.objectKey(), p.objectVersionId(), p.sizeBytes())) {
                return false;
            }
        }
        return true;
    }

    private boolean objectIsThere(String key, String objectKey, String versionId, long size) {
        Optional<Vault.StoredObject> object = vault.stat(objectKey, versionId);
        if (object.isEmpty()) {
            skip(key, "names an object that is missing: " + objectKey);
            return false;
        }
        if (object.get().size() != size) {
            skip(
                    key,
                    "names " + objectKey + " of " + size + " bytes, but it holds "
                            + object.get().size());
            return false;
        }
        return true;
    }

    /** Every object a manifest vouches for: the dump (or a parallel dump's schema part), then its data parts. */
    private static List<String> objectKeys(DumpManifest m) {
        List<String> out = new ArrayList<>();
        out.add(m.objectKey());
        m.parts().forEach(p -> out.add(p.objectKey()));
        return out;
    }

    /** Records why {@code key} was skipped; the first time, reports it. */
    private Optional<Candidate> skip(String key, String reason) {
        if (reasons.put(key, reason) == null) {
            onSkipped.accept(new Skipped(key, reason));
        }
        return Optional.empty();
    }

    private List<String> manifestKeys(String databaseId) {
        return vault.list(VaultLayout.databasePrefix(databaseId)).stream()
                .filter(VaultLayout::isManifest)
                .toList();
    }
}
