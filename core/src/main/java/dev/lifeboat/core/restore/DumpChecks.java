package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.ClientVersionPolicy;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.DumpTools.LoadTool;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.HashingInputStream;
import dev.lifeboat.protocol.Param;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dump restore checks before it changes anything (issue 35: the checks of {@link RestoringDump}): the backup
 * against the target's engine and the tools here, and, where a load commits as it goes, every byte of it.
 */
final class DumpChecks {
    private static final Logger LOG = LoggerFactory.getLogger(DumpChecks.class);

    /** The backup a restore reads, and the tool that loads it. */
    record Checked(DumpManifest manifest, LoadTool tool) {}

    private final Vault vault;
    private final DumpTools tools;
    private final Clock clock;
    private final boolean oneTransaction;

    DumpChecks(Vault vault, DumpTools tools, Clock clock, boolean oneTransaction) {
        this.vault = vault;
        this.tools = tools;
        this.clock = clock;
        this.oneTransaction = oneTransaction;
    }

    /**
     * The backup {@code command} names, found in the vault, against the target's engine and the tools here: the load
     * tool to use, or an error that names what to change. Reads the catalog only; changes nothing.
     */
    Checked backup(RestoringDump.Command command) {
        DumpManifest manifest = new BackupCatalog(vault, clock).find(command.databaseId(), command.backup());
        LoadTool tool = checkCompatible(manifest, command.target());
        checkOneTransaction(tool, command.target());
        return new Checked(manifest, tool);
    }

    /** The backup's engine family and dump tool against the target's engine and load tool. */
    private LoadTool checkCompatible(DumpManifest manifest, DatabaseTarget target) {
        if (manifest.engine().isMysqlFamily() != target.engine().isMysqlFamily()) {
            throw new InvalidInputException(
                    "backup " + manifest.backupId() + " is a " + manifest.engine()
                            + " dump and cannot be restored into " + target.engine(),
                    "give a " + Param.TARGET + " of the same engine family, e.g. "
                            + manifest.engine().urlScheme() + "://USER@HOST:PORT/NEWDB");
        }
        if (manifest.zstd() && !tools.zstd()) {
            throw new InvalidInputException(
                    "backup " + manifest.backupId() + " is compressed with zstd, which this Lifeboat cannot read",
                    "restore it with the command line or the functions of this release, which read zstd");
        }
        SoftwareVersion dumper = SoftwareVersion.tryParse(manifest.dumpToolVersion())
                .orElseThrow(() -> new InvalidInputException(
                        "backup " + manifest.backupId() + " of " + manifest.databaseId() + " names a dump tool version"
                                + " Lifeboat cannot read, so it cannot choose a tool to load it with",
                        "choose another backup with " + Param.BACKUP));
        LoadTool tool = tools.loadTool(target.engine(), dumper);
        ClientVersionPolicy.checkLoad(target.engine(), tool.name(), tool.version(), dumper);
        return tool;
    }

    /** {@code --single-transaction} where the target's tools cannot: refused before anything is read or created. */
    private void checkOneTransaction(LoadTool tool, DatabaseTarget target) {
        if (!oneTransaction) {
            return;
        }
        if (target.engine().isMysqlFamily()) {
            throw new InvalidInputException(
                    Param.SINGLE_TRANSACTION + " is for PostgreSQL: MariaDB and MySQL commit as they load",
                    "leave it out; a MariaDB/MySQL restore reads the whole dump through SHA-256 before it loads any");
        }
        if (!tool.loadsInOneSession()) {
            throw new InvalidInputException(
                    Param.SINGLE_TRANSACTION + " needs psql beside " + tool.name(),
                    "install the PostgreSQL client tools (psql comes with pg_restore), or leave the option out");
        }
    }

    /**
     * Reads {@code object} whole through SHA-256 against the manifest, telling {@code progress} as it goes: before a
     * load that commits as it goes (MariaDB and MySQL; a parallel backup's parts into a database that existed), so that
     * a corrupt backup changes nothing.
     */
    static void readWhole(Vault vault, DumpManifest manifest, StoredObject object, ProgressListener progress) {
        progress.onPhase("checked", object.size());
        LOG.info(
                "checking every byte of backup {} ({} bytes) against its SHA-256 before loading any: MariaDB and MySQL"
                        + " commit as they load",
                manifest.backupId(),
                object.size());
        try (InputStream stored = vault.open(object.key(), object.versionId())) {
            HashingInputStream hashed = new HashingInputStream(stored);
            byte[] buf = new byte[256 * 1024];
            long read = 0;
            for (int n; (n = hashed.read(buf, 0, buf.length)) >= 0; ) {
                read += n;
                progress.onProgress(read);
            }
            object.check(manifest, hashed, null);
        } catch (IOException e) {
            throw new VaultException(
                    "reading backup " + manifest.backupId() + " from " + vault.describe() + " failed: "
                            + e.getMessage(),
                    "nothing was loaded or created; check the vault and retry",
                    e);
        }
    }
}
