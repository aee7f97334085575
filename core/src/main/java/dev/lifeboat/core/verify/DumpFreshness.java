package dev.lifeboat.core.verify;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How old the newest sound dump of each scheduled database is, read from the vault's manifests in the
 * backup account. The dumps run in the production accounts, whose own alarms production can silence; this
 * age cannot be forged or stopped from there (a manifest dated in the future is skipped by the catalog).
 */
public final class DumpFreshness {
    private final Vault vault;
    private final Clock clock;

    /** The freshness of {@code vault}; null when no vault is configured: nothing is known. */
    public DumpFreshness(Vault vault, Clock clock) {
        this.vault = vault;
        this.clock = clock;
    }

    /** Hours since the newest sound dump finished, per database with a dump schedule; absent: none at all. */
    public Map<String, Double> ageHours(LifeboatConfig config) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (vault == null) {
            return out;
        }
        BackupCatalog catalog = new BackupCatalog(vault, clock);
        for (LifeboatConfig.Database db : config.databases().values()) {
            if (db.schedules().dump() == null) {
                continue;
            }
            try {
                DumpManifest newest = catalog.find(db.id(), "latest");
                out.put(
                        db.id(),
                        Duration.between(newest.finishedAt(), clock.instant()).toMinutes() / 60.0);
            } catch (BackupNotFoundException e) {
                // no dump yet: no data point, and the alarm treats missing data as breaching
            }
        }
        return out;
    }
}
