package dev.lifeboat.core.shape;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.VaultKeys;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Shape records in the vault: {@code shapes/<database-id>/<backup>.shape.json}, one per backup (the snapshot copy's
 * identifier), written once and never replaced. Only the backup account writes under {@code shapes/}: the vault's
 * bucket policy lets the source accounts' dump roles write under {@code dumps/<their database>/} alone, so production
 * credentials cannot plant or change a shape a restore will follow.
 */
public final class ShapeRecords {
    private static final Pattern BACKUP = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,254}");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ShapeRecords() {}

    public static String key(String databaseId, String backup) {
        if (backup == null || !BACKUP.matcher(backup).matches()) {
            throw new IllegalArgumentException("backup '" + backup + "' cannot name a shape record");
        }
        return VaultKeys.SHAPES + VaultLayout.requireDatabaseId(databaseId) + "/" + backup + VaultKeys.SHAPE_SUFFIX;
    }

    public static byte[] encode(DatabaseShape shape) {
        try {
            return MAPPER.writeValueAsBytes(shape);
        } catch (IOException e) {
            throw new IllegalStateException("a shape record could not be written as JSON", e);
        }
    }

    public static DatabaseShape decode(byte[] json, String where) {
        try {
            DatabaseShape s = MAPPER.readValue(json, DatabaseShape.class);
            if (s.version() < 1 || s.databaseId() == null || s.kind() == null) {
                throw new VaultException(
                        "the shape record " + where + " lacks its version, database or kind",
                        "restore with " + Param.NO_SHAPE + " and give the instance's values by hand");
            }
            return s;
        } catch (IOException e) {
            throw new VaultException(
                    "the shape record " + where + " is not a shape record Lifeboat can read ("
                            + e.getClass().getSimpleName() + ")",
                    "restore with " + Param.NO_SHAPE + " and give the instance's values by hand",
                    e);
        }
    }

    /**
     * The shape as lines of {@code path: value}, in a stable order (lists by position, maps by key): what
     * {@code lifeboat shape} prints, and what {@link #differences} compares.
     */
    public static java.util.SortedMap<String, String> flatten(DatabaseShape shape) {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        flatten("", MAPPER.valueToTree(shape), out);
        return out;
    }

    private static void flatten(
            String path, com.fasterxml.jackson.databind.JsonNode n, java.util.Map<String, String> out) {
        if (n.isObject()) {
            n.properties()
                    .forEach(e -> flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(path + "[" + i + "]", n.get(i), out);
            }
        } else if (!n.isNull()) {
            out.put(path, n.asText());
        }
    }

    /**
     * What changed from the recorded shape to the live one, a line per field ({@code path: recorded -> live}); the
     * time of recording, the Lifeboat that recorded it and the identity fields are not differences.
     */
    public static java.util.List<String> differences(DatabaseShape recorded, DatabaseShape live) {
        java.util.SortedMap<String, String> a = flatten(recorded);
        java.util.SortedMap<String, String> b = flatten(live);
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String k : keys) {
            if (k.equals("recordedAt") || k.equals("version") || k.equals("writtenBy")) {
                continue;
            }
            String x = a.get(k);
            String y = b.get(k);
            if (!java.util.Objects.equals(x, y)) {
                out.add(k + ": " + (x == null ? "(none)" : x) + " -> " + (y == null ? "(none)" : y));
            }
        }
        return out;
    }

    /** Writes the record unless one exists for that backup; false, changing nothing, when one does. */
    public static boolean record(Vault vault, DatabaseShape shape, String backup) {
        return vault.putIfAbsent(key(shape.databaseId(), backup), encode(shape));
    }

    /**
     * The newest shape recorded for a database (by the time it was recorded), or empty when none was; records that
     * do not read, or name another database, are skipped.
     */
    public static Optional<DatabaseShape> latest(Vault vault, String databaseId) {
        String prefix = VaultKeys.SHAPES + VaultLayout.requireDatabaseId(databaseId) + "/";
        DatabaseShape newest = null;
        for (String key : vault.list(prefix)) {
            if (!key.endsWith(VaultKeys.SHAPE_SUFFIX)) {
                continue;
            }
            try {
                String backup = key.substring(prefix.length(), key.length() - VaultKeys.SHAPE_SUFFIX.length());
                Optional<DatabaseShape> s = read(vault, databaseId, backup);
                if (s.isPresent() && (newest == null || s.get().recordedAt().isAfter(newest.recordedAt()))) {
                    newest = s.get();
                }
            } catch (RuntimeException e) {
                // A planted or unreadable record is not followed; read() says why when asked for it by name.
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * The shape recorded with that backup, or empty when none was. A record that is not one of this database's
     * (planted, or copied from another key) is refused, not followed.
     */
    public static Optional<DatabaseShape> read(Vault vault, String databaseId, String backup) {
        String key = key(databaseId, backup);
        Optional<byte[]> bytes = vault.read(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        DatabaseShape s = decode(bytes.get(), vault.describe() + "/" + key);
        if (!databaseId.equals(s.databaseId())) {
            throw new VaultException(
                    "the shape record " + key + " describes database '" + s.databaseId() + "', not '" + databaseId
                            + "': it was not written by this database's snapshot run",
                    "restore with " + Param.NO_SHAPE
                            + " and give the instance's values by hand, and find out who wrote it");
        }
        return Optional.of(s);
    }
}
