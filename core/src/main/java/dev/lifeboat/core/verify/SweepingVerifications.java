package dev.lifeboat.core.verify;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.VerificationFailedException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.core.port.SecretStore;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeper: deletes the verification instances past their expiry, and their logins, in the backup
 * account's Region. It touches nothing without the verification tag and the {@code lifeboat-verify-}
 * name. A delete that fails does not stop the others: the sweep goes on, and then throws naming what it
 * deleted and what it could not, so the sweeper's failure alarm fires while the rest is already clean.
 */
public final class SweepingVerifications {
    private static final Logger LOG = LoggerFactory.getLogger(SweepingVerifications.class);

    private final RdsGateway rds;
    private final SecretStore secrets;
    private final Clock clock;

    public SweepingVerifications(RdsGateway rds, SecretStore secrets, Clock clock) {
        this.rds = rds;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Returns the instances it deleted. */
    public List<String> sweep(Location backupAccount) {
        List<String> deleted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (DbKind kind : DbKind.values()) {
            for (SourceDatabase d : rds.databasesTagged(backupAccount, kind, VerifyingBackup.VERIFICATION)) {
                if (!expired(d) || !d.identifier().startsWith(VerifyingBackup.INSTANCE_PREFIX)) {
                    continue;
                }
                try {
                    rds.deleteDatabase(backupAccount, kind, d.identifier());
                    secrets.delete(VerifyingBackup.secretName(d.identifier()));
                    deleted.add(d.identifier());
                } catch (RuntimeException e) {
                    String why = e instanceof LifeboatException le ? le.describe() : e.toString();
                    LOG.warn("sweep: could not delete {}: {}", d.identifier(), why);
                    failed.add(d.identifier() + " (" + why + ")");
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new VerificationFailedException(
                    "the sweep deleted " + (deleted.isEmpty() ? "nothing" : String.join(", ", deleted))
                            + " and could not delete " + String.join("; ", failed),
                    "the sweep runs again on its schedule; if it keeps failing, delete those instances by hand");
        }
        return deleted;
    }

    /** Past its expiry tag; an instance whose expiry is missing or unreadable counts as expired. */
    private boolean expired(SourceDatabase d) {
        String expires = d.tags().get(VerifyingBackup.EXPIRES_AT);
        try {
            return expires == null || !Instant.parse(expires).isAfter(clock.instant());
        } catch (DateTimeParseException e) {
            return true;
        }
    }
}
