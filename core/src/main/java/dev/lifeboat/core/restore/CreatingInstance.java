package dev.lifeboat.core.restore;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.core.port.SecretStore;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.shape.RestoreShape;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Tags;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An empty DB instance in the shape recorded for a database, for a dump to be loaded into: the path for when the
 * snapshot copies cannot be used ({@code lifeboat restore --from dump --create-instance}). The newest recorded shape
 * gives every value (class, storage, Multi-AZ, port, parameter group, network, tags), resolved like a snapshot
 * restore's ({@link RestoreShape}: what is gone is recreated or refused, never more open). The instance is encrypted
 * with the backup key, deletion protection on, never publicly accessible; its master user is {@value #MASTER_USER}
 * with a random password kept in Secrets Manager as {@code lifeboat/restore/<identifier>}, never printed or logged.
 *
 * <p>Re-entrant like the other restores: call again to follow the instance until it is available. Into the backup
 * account and Region only (where the restore role keeps the password); DB instances only (an Aurora cluster comes back
 * from a snapshot copy).
 */
public final class CreatingInstance {
    private static final Logger LOG = LoggerFactory.getLogger(CreatingInstance.class);
    public static final String MASTER_USER = "lifeboat";
    public static final String SECRET_PREFIX = "lifeboat/restore/";
    /** On the instance: what it was made for, so a later call recognises it as its own. */
    public static final String CREATED_FOR = Tags.PREFIX + "created-for";

    private static final Pattern RDS_ID = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)");
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum Status {
        PLANNED,
        IN_PROGRESS,
        AVAILABLE
    }

    /** {@code password}: only on the call that created the instance (the caller loads the dump with it). */
    public record Result(
            Status status,
            String message,
            DatabaseShape shape,
            List<RestoringSnapshot.Call> plan,
            List<RestoreShape.Choice> choices,
            List<String> notes,
            Optional<SourceDatabase> instance,
            Optional<Secret> password,
            String secretName) {}

    private final RdsGateway rds;
    private final DatabaseShapes shapes;
    private final Vault vault;
    private final SecretStore secrets;
    private final Clock clock;

    public CreatingInstance(RdsGateway rds, DatabaseShapes shapes, Vault vault, SecretStore secrets, Clock clock) {
        this.rds = rds;
        this.shapes = shapes;
        this.vault = vault;
        this.secrets = secrets;
        this.clock = clock;
    }

    public Result advance(LifeboatConfig config, String databaseId, RestoringSnapshot.Target t, boolean dryRun) {
        LifeboatConfig.Database db = config.database(databaseId);
        if (db.source().kind() == DbKind.CLUSTER) {
            throw new RefusedException(
                    databaseId + " is an Aurora cluster: " + Param.CREATE_INSTANCE + " makes DB instances",
                    "restore the cluster from a snapshot copy (" + Param.FROM
                            + " snapshot), then load the dump into it with " + Param.TARGET);
        }
        if (t.identifier() == null || !RDS_ID.matcher(t.identifier()).matches()) {
            throw new InvalidInputException(
                    Param.CREATE_INSTANCE + " '" + t.identifier() + "' is not a valid RDS identifier",
                    "use 1 to 63 letters, digits and hyphens, starting with a letter, without '--' or a trailing '-'");
        }
        Location where = config.backup().location();
        if ((t.account() != null && !t.account().equals(where.account()))
                || (t.region() != null && !t.region().equals(where.region()))) {
            throw new InvalidInputException(
                    Param.CREATE_INSTANCE + " makes the instance in the backup account and Region (" + where + ")",
                    "leave out " + Param.TARGET_ACCOUNT + " and " + Param.TARGET_REGION
                            + ", or restore a snapshot copy into the other place");
        }
        DatabaseShape shape = ShapeRecords.latest(vault, databaseId)
                .orElseThrow(() -> new BackupNotFoundException(
                        "no shape of " + databaseId + " is recorded in " + vault.describe()
                                + ", so there is nothing to make the instance like",
                        "make the instance yourself and load the dump with " + Param.TARGET + " URL " + Param.CREATE
                                + ", or restore a snapshot copy (" + Param.FROM + " snapshot)"));
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.MANAGED_BY, "lifeboat");
        tags.put(Tags.DATABASE, databaseId);
        tags.put(RestoreShape.RESTORE_TAG, t.identifier());
        tags.put(CREATED_FOR, "dump");
        String secretName = SECRET_PREFIX + t.identifier();

        if (!dryRun) {
            Optional<SourceDatabase> existing = rds.database(where, DbKind.INSTANCE, t.identifier());
            if (existing.isPresent()) {
                Map<String, String> theirs = existing.get().tags();
                if (!"dump".equals(theirs.get(CREATED_FOR))
                        || !databaseId.equals(theirs.get(Tags.DATABASE))
                        || !t.identifier().equals(theirs.get(RestoreShape.RESTORE_TAG))) {
                    throw new RefusedException(
                            "a database named " + t.identifier() + " already exists in " + where
                                    + "; Lifeboat never reuses, modifies or deletes an existing one",
                            "choose a new " + Param.CREATE_INSTANCE + ", e.g. " + t.identifier() + "-2");
                }
                SourceDatabase d = existing.get();
                return new Result(
                        d.available() ? Status.AVAILABLE : Status.IN_PROGRESS,
                        t.identifier() + " is " + d.status() + (d.endpoint() == null ? "" : " at " + d.endpoint()),
                        shape,
                        List.of(),
                        List.of(),
                        List.of(),
                        existing,
                        Optional.empty(),
                        secretName);
            }
        }

        RestoreShape.Resolved resolved = RestoreShape.resolve(
                Optional.of(shape),
                t.overrides(),
                new RestoreShape.Into(where, DbKind.INSTANCE, t.identifier(), tags, true),
                shapes,
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        List<String> notes = new ArrayList<>(resolved.notes());
        notes.add("an empty " + shape.engine() + " " + shape.engineVersion() + " instance, recorded "
                + shape.recordedAt() + "; master user " + MASTER_USER + ", its password in Secrets Manager "
                + secretName + "; the dump is then loaded into it");
        RdsGateway.RestoreSpec spec = new RdsGateway.RestoreSpec(
                null,
                t.identifier(),
                shape.engine(),
                resolved.instanceClass(),
                resolved.subnetGroup(),
                resolved.securityGroups(),
                resolved.parameterGroup(),
                resolved.optionGroup(),
                resolved.multiAz(),
                t.deletionProtection(),
                resolved.tags(),
                resolved.shaped());
        List<RestoringSnapshot.Call> plan = new ArrayList<>();
        resolved.newParameterGroup()
                .ifPresent(p -> plan.add(new RestoringSnapshot.Call(
                        where.account(),
                        where.region(),
                        "CreateDBParameterGroup",
                        p.name() + " Family=" + p.family() + " ("
                                + p.parameters().size() + " recorded values)")));
        resolved.newOptionGroup()
                .ifPresent(g -> plan.add(new RestoringSnapshot.Call(
                        where.account(),
                        where.region(),
                        "CreateOptionGroup",
                        g.name() + " EngineName=" + g.engine() + " MajorEngineVersion=" + g.majorVersion() + " ("
                                + g.options().size() + " recorded options)")));
        resolved.newNetwork().ifPresent(n -> {
            plan.add(new RestoringSnapshot.Call(
                    where.account(), where.region(), "CreateDBSubnetGroup", n.subnetGroup() + " " + n.subnets()));
            n.securityGroups()
                    .forEach(g -> plan.add(new RestoringSnapshot.Call(
                            where.account(), where.region(), "CreateSecurityGroup", g.name() + " VpcId=" + n.vpcId())));
        });
        plan.add(new RestoringSnapshot.Call(
                where.account(),
                where.region(),
                "CreateDBInstance",
                "DBInstanceIdentifier=" + t.identifier() + " Engine=" + shape.engine() + " EngineVersion="
                        + shape.engineVersion() + " DBInstanceClass=" + resolved.instanceClass() + " MultiAZ="
                        + resolved.multiAz() + " StorageEncrypted=true KmsKeyId="
                        + config.backup().kmsKeyArn()
                        + " MasterUsername=" + MASTER_USER + " DeletionProtection=" + t.deletionProtection()
                        + " PubliclyAccessible=false"));
        plan.add(
                new RestoringSnapshot.Call(where.account(), where.region(), "secretsmanager:CreateSecret", secretName));
        if (dryRun) {
            return new Result(
                    Status.PLANNED,
                    "dry run: nothing was changed",
                    shape,
                    plan,
                    resolved.choices(),
                    notes,
                    Optional.empty(),
                    Optional.empty(),
                    secretName);
        }

        List<String> groups = resolved.create(
                shapes,
                where,
                DbKind.INSTANCE,
                Map.of(
                        Tags.MANAGED_BY,
                        "lifeboat",
                        Tags.DATABASE,
                        databaseId,
                        RestoreShape.RESTORE_TAG,
                        t.identifier()));
        // 48 characters once, past the 41 RDS takes for MySQL, MariaDB and Aurora (issue 36, item 3).
        Secret password =
                Secret.of(HexFormat.of().formatHex(randomBytes(RdsDatabases.THROWAWAY_PASSWORD_HEX_CHARS / 2)));
        SourceDatabase made = rds.createInstance(
                where,
                new RdsDatabases.NewInstance(
                        spec.withSecurityGroups(groups),
                        shape.engineVersion(),
                        MASTER_USER,
                        password,
                        config.backup().kmsKeyArn()));
        try {
            secrets.put(
                    secretName,
                    "{\"engine\":\"" + shape.engine() + "\",\"username\":\"" + MASTER_USER + "\",\"password\":\""
                            + password.reveal() + "\",\"dbInstanceIdentifier\":\"" + t.identifier() + "\"}");
        } catch (RuntimeException e) {
            LOG.warn("the password of {} could not be stored as {}: {}", t.identifier(), secretName, e.getMessage());
            notes.add("the master password could not be stored as " + secretName + " (" + e.getMessage()
                    + "): once the dump is loaded, set a new one (aws rds modify-db-instance --master-user-password)");
        }
        return new Result(
                Status.IN_PROGRESS,
                "creating " + t.identifier() + " (" + made.status() + ")",
                shape,
                plan,
                resolved.choices(),
                notes,
                Optional.of(made),
                Optional.of(password),
                secretName);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
