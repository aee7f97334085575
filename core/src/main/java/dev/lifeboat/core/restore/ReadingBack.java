package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.HashingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a backup just taken back from the vault, as a restore would find it: its manifest through the catalog
 * (sound, listed) and every object it names, each through SHA-256 against the size and hash the manifest vouches
 * for. A backup that passes is one a restore can load; one that does not is corrupt, and says which object.
 */
public final class ReadingBack {
    private ReadingBack() {}

    /** The manifest as the catalog finds it; throws when it is not found or an object does not match. */
    public static DumpManifest check(Vault vault, Clock clock, DumpManifest taken) {
        DumpManifest m = new BackupCatalog(vault, clock).find(taken.databaseId(), taken.backupId());
        List<String[]> objects = new ArrayList<>();
        objects.add(new String[] {m.objectKey(), m.objectVersionId(), String.valueOf(m.sizeBytes()), m.sha256()});
        for (DumpManifest.Part p : m.parts()) {
            objects.add(new String[] {p.objectKey(), p.objectVersionId(), String.valueOf(p.sizeBytes()), p.sha256()});
        }
        for (String[] o : objects) {
            try (InputStream in = vault.open(o[0], o[1])) {
                HashingInputStream hashed = new HashingInputStream(in);
                hashed.drain();
                if (hashed.sha().bytes() != Long.parseLong(o[2])
                        || !hashed.sha().hex().equals(o[3])) {
                    throw new ChecksumMismatchException(
                            "backup " + m.backupId() + " of " + m.databaseId() + " read back "
                                    + hashed.sha().bytes()
                                    + " bytes with sha256 " + hashed.sha().hex() + " from " + o[0]
                                    + ", the manifest says " + o[2] + " bytes with sha256 " + o[3],
                            "the backup is not sound; check the vault's storage and take it again");
                }
            } catch (IOException e) {
                throw new VaultException(
                        "reading backup " + m.backupId() + " back from " + vault.describe() + " failed: "
                                + e.getMessage(),
                        "check the vault, then take the backup again",
                        e);
            }
        }
        return m;
    }
}
