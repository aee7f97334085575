package dev.lifeboat.core.dump;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.VaultKeys;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things go in a vault (documented in docs/backups.md, "Vault layout"; every prefix is protocol's VaultKeys):
 * {@code dumps/<database-id>/<yyyy>/<mm>/<dd>/<backup-id>.<attempt>.<ext>} with
 * {@code <backup-id>.manifest.json} beside it. Each attempt at a backup (two invocations of one
 * scheduled run, a retry) writes its data under a key of its own that nothing else ever writes, so
 * whichever attempt writes the manifest, the manifest and the bytes it names agree.
 */
public final class VaultLayout {
    private static final Pattern ATTEMPT = Pattern.compile("[0-9a-f]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DATABASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private VaultLayout() {}

    /** Database ids become path segments, so they are restricted to a safe alphabet. */
    public static String requireDatabaseId(String databaseId) {
        if (databaseId == null || !DATABASE_ID.matcher(databaseId).matches() || databaseId.contains("..")) {
            throw new InvalidInputException(
                    "database id '" + databaseId + "' cannot name a backup",
                    "use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit (pass "
                            + Param.DATABASE + " ID)");
        }
        return databaseId;
    }

    public static String databasePrefix(String databaseId) {
        return VaultKeys.DUMPS + requireDatabaseId(databaseId) + "/";
    }

    private static String dayFolder(String databaseId, BackupId id) {
        LocalDate day = LocalDate.ofInstant(id.time(), ZoneOffset.UTC);
        return databasePrefix(databaseId)
                + String.format("%04d/%02d/%02d/", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }

    /** The data object of one attempt at backup {@code id}; {@code attempt} is {@link #newAttempt()}. */
    public static String objectKey(String databaseId, BackupId id, String attempt, String extension) {
        if (!ATTEMPT.matcher(attempt).matches()) {
            throw new IllegalArgumentException("attempt '" + attempt + "' is not 8 lowercase hex digits");
        }
        return dayFolder(databaseId, id) + id.value() + "." + attempt + "." + extension;
    }

    /** A fresh attempt token: 8 random hex digits (one in four billion that two attempts of one run collide). */
    public static String newAttempt() {
        return HexFormat.of().toHexDigits(RANDOM.nextInt());
    }

    public static String manifestKey(String databaseId, BackupId id) {
        return dayFolder(databaseId, id) + id.value() + VaultKeys.MANIFEST_SUFFIX;
    }

    public static boolean isManifest(String key) {
        return key.endsWith(VaultKeys.MANIFEST_SUFFIX);
    }

    /** What a manifest's key says: the database and the backup it is for. */
    public record ManifestName(String databaseId, BackupId backupId) {}

    private static final Pattern MANIFEST_KEY = Pattern.compile(
            Pattern.quote(VaultKeys.DUMPS) + "([A-Za-z0-9][A-Za-z0-9._-]{0,62})/(\\d{4})/(\\d{2})/(\\d{2})/([^/]+)"
                    + Pattern.quote(VaultKeys.MANIFEST_SUFFIX));

    /**
     * The database and backup a manifest key names, when the key has the layout's shape (the date folders
     * agreeing with the backup id); empty for anything else, such as an object planted beside the backups.
     */
    public static Optional<ManifestName> parseManifestKey(String key) {
        Matcher m = MANIFEST_KEY.matcher(key);
        if (!m.matches() || m.group(1).contains("..")) {
            return Optional.empty();
        }
        BackupId id;
        try {
            id = new BackupId(m.group(5));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
        if (!manifestKey(m.group(1), id).equals(key)) {
            return Optional.empty();
        }
        return Optional.of(new ManifestName(m.group(1), id));
    }

    /** The key prefix every object of one backup starts with: {@code dumps/<db>/<date>/<backup-id>.}. */
    public static String backupPrefix(String databaseId, BackupId id) {
        return dayFolder(databaseId, id) + id.value() + ".";
    }

    /** The backup id in a manifest key. */
    public static BackupId backupIdOf(String manifestKey) {
        String name = manifestKey.substring(manifestKey.lastIndexOf('/') + 1);
        return new BackupId(name.substring(0, name.length() - VaultKeys.MANIFEST_SUFFIX.length()));
    }
}
