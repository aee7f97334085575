package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.BackupId;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.port.Vault;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The backups in a vault: only those with a manifest, which is what makes a backup real. */
public final class BackupCatalog {
    private final Vault vault;

    public BackupCatalog(Vault vault) {
        this.vault = vault;
    }

    /** Database ids that have at least one backup. */
    public List<String> databases() {
        return vault.list("dumps/").stream()
                .filter(VaultLayout::isManifest)
                .map(k -> k.split("/", 3)[1])
                .distinct()
                .sorted()
                .toList();
    }

    /** Every backup of a database, oldest first. */
    public List<DumpManifest> backups(String databaseId) {
        List<DumpManifest> result = new ArrayList<>();
        for (String key : manifestKeys(databaseId)) {
            vault.read(key).ifPresent(json -> result.add(ManifestCodec.read(json, key)));
        }
        result.sort(Comparator.comparing(DumpManifest::backupId));
        return result;
    }

    /** One backup: an id as {@code lifeboat list} prints it, or {@code latest}. */
    public DumpManifest find(String databaseId, String backup) {
        List<String> keys = manifestKeys(databaseId);
        if (keys.isEmpty()) {
            List<String> known = databases();
            throw new BackupNotFoundException(
                    "no backups of database '" + databaseId + "' in " + vault.describe(),
                    known.isEmpty()
                            ? "this vault holds no backups yet; check --vault"
                            : "databases with backups here: " + String.join(", ", known));
        }
        String key;
        if (backup == null || backup.toLowerCase(Locale.ROOT).equals("latest")) {
            key = keys.getLast();
        } else {
            BackupId wanted = new BackupId(backup);
            key = keys.stream()
                    .filter(k -> VaultLayout.backupIdOf(k).equals(wanted))
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "backup " + backup + " of database '" + databaseId + "' is not in " + vault.describe(),
                            "run 'lifeboat list' to see the backups, or pass --backup latest"));
        }
        byte[] json = vault.read(key)
                .orElseThrow(() ->
                        new BackupNotFoundException("manifest " + key + " disappeared while reading it", "retry"));
        return ManifestCodec.read(json, key);
    }

    private List<String> manifestKeys(String databaseId) {
        return vault.list(VaultLayout.databasePrefix(databaseId)).stream()
                .filter(VaultLayout::isManifest)
                .sorted(Comparator.comparing(VaultLayout::backupIdOf))
                .toList();
    }
}
