package dev.lifeboat.core.preflight;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.ScheduleExpression;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.AccessChecks;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Tags;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The deployment checklist, executable: after {@code cdk deploy}, for each database of lifeboat.yml, whether a
 * snapshot copy, a share, a restore into each account Lifeboat may restore into, and a verification would be
 * allowed, with the same calls a run makes where they change nothing (assume the source role, describe the
 * database and the keys) and IAM's policy simulation of the backup account's roles for the rest (RDS has no dry
 * run). Each refusal is named: the role, the action, the resource.
 */
public final class Preflight {
    /** One line of the report. */
    public record Check(String database, String what, boolean ok, String detail) {}

    public record Report(List<Check> checks) {
        public boolean clean() {
            return checks.stream().allMatch(Check::ok);
        }
    }

    private final AccessChecks access;
    private final RdsGateway rds;

    public Preflight(AccessChecks access, RdsGateway rds) {
        this.access = access;
        this.rds = rds;
    }

    public Report run(LifeboatConfig config) {
        List<Check> out = new ArrayList<>();
        LifeboatConfig.Backup b = config.backup();
        Location backup = b.location();
        String backupKey = access.describeKey(backup, b.kmsKeyArn());
        out.add(new Check("*", "backup key " + b.kmsKeyArn(), backupKey == null, orOk(backupKey)));
        Set<String> accounts = new LinkedHashSet<>();
        config.databases().values().forEach(d -> accounts.add(d.source().account()));
        for (LifeboatConfig.Database d : config.databases().values()) {
            out.addAll(database(config, d, accounts));
        }
        for (NetworkPreflight.Function f : NetworkPreflight.functions(config)) {
            out.addAll(NetworkPreflight.check(access, f));
        }
        out.addAll(quotas(config));
        return new Report(out);
    }

    /**
     * Room for what retention keeps (issue 16): the copies of every database of a kind (its daily, weekly, monthly
     * and yearly counts) must fit the backup Region's manual snapshot quota for that kind, 100 by default
     * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html), with room for a night's new
     * copies; past it every run queues and none completes.
     */
    List<Check> quotas(LifeboatConfig config) {
        List<Check> out = new ArrayList<>();
        Location backup = config.backup().location();
        for (dev.lifeboat.core.model.DbKind kind : dev.lifeboat.core.model.DbKind.values()) {
            List<LifeboatConfig.Database> of = config.databases().values().stream()
                    .filter(d -> d.source().kind() == kind && d.schedules().snapshot() != null)
                    .toList();
            if (of.isEmpty()) {
                continue;
            }
            // Every copy younger than a day stays (RetentionPolicy.MINIMUM_AGE): a schedule that runs N times a day
            // keeps N of them besides the one a day the daily tier counts.
            long kept = of.stream()
                    .mapToLong(d -> (long) d.retention().daily()
                            + d.retention().weekly()
                            + d.retention().monthly()
                            + d.retention().yearly()
                            + ScheduleExpression.runsPerDay(d.schedules().snapshot())
                            - 1)
                    .sum();
            long needed = kept + of.size();
            RdsGateway.Quota q;
            try {
                q = rds.manualSnapshotQuota(backup, kind);
            } catch (RuntimeException e) {
                out.add(new Check("*", "manual " + kind + " snapshot quota in " + backup, false, e.getMessage()));
                continue;
            }
            if (q == null || q.max() <= 0) {
                continue;
            }
            boolean ok = needed <= q.max();
            out.add(new Check(
                    "*",
                    "room for " + needed + " manual " + kind + " snapshots in " + backup + " (retention keeps " + kept
                            + ", a run adds " + of.size() + ")",
                    ok,
                    ok
                            ? "quota " + q.max() + ", " + q.used() + " used"
                            : "the quota is " + q.max() + ": ask AWS Support (Service Quotas, Amazon RDS, \"Manual "
                                    + (kind == dev.lifeboat.core.model.DbKind.CLUSTER ? "DB cluster" : "DB instance")
                                    + " snapshots\") for at least " + needed));
        }
        return out;
    }

    private List<Check> database(LifeboatConfig config, LifeboatConfig.Database d, Set<String> accounts) {
        List<Check> out = new ArrayList<>();
        LifeboatConfig.Backup b = config.backup();
        LifeboatConfig.Source s = d.source();
        Location source = new Location(s.account(), s.region());
        Location backup = b.location();
        DbKind kind = s.kind();
        boolean sameAccount = s.account().equals(b.account());
        String id = d.id();

        if (!sameAccount) {
            String reach = access.reach(s.account());
            out.add(new Check(id, "assume " + s.roleArn() + " in " + s.account(), reach == null, orOk(reach)));
            if (reach != null) {
                return out; // nothing else can be seen there
            }
        }
        Optional<SourceDatabase> db;
        try {
            db = rds.database(source, kind, s.identifier());
        } catch (RuntimeException e) {
            out.add(new Check(id, "describe " + s.identifier() + " in " + source, false, e.getMessage()));
            return out;
        }
        out.add(new Check(
                id,
                "source " + (kind == DbKind.CLUSTER ? "cluster " : "instance ") + s.identifier() + " in " + source,
                db.isPresent(),
                db.isPresent() ? "exists" : "not found: check databases." + id + ".source"));
        if (db.isPresent() && db.get().encrypted() && s.shareKmsKeyArn() == null && !sameAccount) {
            out.add(new Check(
                    id,
                    "share key",
                    false,
                    "the database is encrypted with " + db.get().kmsKeyId() + "; its snapshots must be re-encrypted"
                            + " to be shared: set databases." + id + ".source.shareKmsKeyArn"));
        }
        if (s.shareKmsKeyArn() != null && !sameAccount) {
            String seen = access.describeKey(source, s.shareKmsKeyArn());
            out.add(new Check(
                    id, "share key " + s.shareKmsKeyArn() + " from " + s.account(), seen == null, orOk(seen)));
            String seenByBackup = access.describeKey(backup, s.shareKmsKeyArn());
            out.add(new Check(
                    id,
                    "share key " + s.shareKmsKeyArn() + " from the backup account",
                    seenByBackup == null,
                    seenByBackup == null
                            ? "ok"
                            : seenByBackup + "; its key policy must let " + b.account() + " use it"));
        }

        String sn = kind == DbKind.CLUSTER ? "cluster-snapshot:" : "snapshot:";
        String copy = "arn:aws:rds:" + b.region() + ":" + b.account() + ":" + sn + "lifeboat-" + id + "-preflight";
        String shared =
                "arn:aws:rds:" + s.region() + ":" + s.account() + ":" + sn + "lifeboat-" + id + "-preflight-share";
        String pipeline = Names.roleArn(b.account(), Names.PIPELINE_ROLE);
        List<String[]> copyActions = new ArrayList<>();
        String copyAction = kind == DbKind.CLUSTER ? "rds:CopyDBClusterSnapshot" : "rds:CopyDBSnapshot";
        copyActions.add(new String[] {copyAction, shared});
        copyActions.add(new String[] {copyAction, copy});
        out.add(allowed(id, "the pipeline copies " + id + " into the backup account", pipeline, copyActions, Map.of()));
        out.add(allowed(
                id,
                "the pipeline tags its new copies",
                pipeline,
                List.<String[]>of(new String[] {"rds:AddTagsToResource", copy}),
                Map.of("aws:TagKeys", List.of(Tags.MANAGED_BY, Tags.DATABASE, Tags.RUN))));
        List<String> keys = new ArrayList<>();
        keys.add(b.kmsKeyArn());
        if (s.shareKmsKeyArn() != null) {
            keys.add(s.shareKmsKeyArn());
        }
        if (d.snapshot() != null && d.snapshot().stagingKmsKeyArn() != null) {
            keys.add(d.snapshot().stagingKmsKeyArn());
        }
        for (String key : keys) {
            out.add(keyUse(id, pipeline, key));
        }
        out.add(allowed(
                id,
                "retention deletes the copies of " + id,
                pipeline,
                List.<String[]>of(new String[] {
                    kind == DbKind.CLUSTER ? "rds:DeleteDBClusterSnapshot" : "rds:DeleteDBSnapshot", copy
                }),
                Map.of("aws:ResourceTag/" + Tags.MANAGED_BY, List.of("lifeboat"))));

        String restore = Names.roleArn(b.account(), Names.RESTORE_ROLE);
        String restoreAction =
                kind == DbKind.CLUSTER ? "rds:RestoreDBClusterFromSnapshot" : "rds:RestoreDBInstanceFromDBSnapshot";
        String newDb = "arn:aws:rds:" + b.region() + ":" + b.account() + ":"
                + (kind == DbKind.CLUSTER ? "cluster:" : "db:") + id + "-restored";
        out.add(allowed(
                id,
                "a restore of " + id + " into the backup account",
                restore,
                List.of(new String[] {restoreAction, copy}, new String[] {restoreAction, newDb}),
                Map.of()));
        for (String target : accounts) {
            if (target.equals(b.account())) {
                continue;
            }
            String role = config.databases().values().stream()
                    .filter(x -> x.source().account().equals(target))
                    .findFirst()
                    .orElseThrow()
                    .source()
                    .roleArn();
            out.add(allowed(
                    id,
                    "a restore of " + id + " into account " + target + " (share, then through " + role + ")",
                    restore,
                    List.of(
                            new String[] {
                                kind == DbKind.CLUSTER
                                        ? "rds:ModifyDBClusterSnapshotAttribute"
                                        : "rds:ModifyDBSnapshotAttribute",
                                copy
                            },
                            new String[] {"sts:AssumeRole", role}),
                    Map.of()));
        }

        if (d.schedules() != null && d.schedules().verify() != null) {
            String verification = Names.roleArn(b.account(), Names.VERIFICATION_ROLE);
            String instance = "arn:aws:rds:" + b.region() + ":" + b.account() + ":"
                    + (kind == DbKind.CLUSTER ? "cluster:" : "db:") + "lifeboat-verify-" + id + "-preflight";
            out.add(allowed(
                    id,
                    "a verification of " + id + " restores its throwaway instance",
                    verification,
                    List.of(new String[] {restoreAction, copy}, new String[] {restoreAction, instance}),
                    Map.of()));
            out.add(allowed(
                    id,
                    "a verification of " + id + " sets the password of, and deletes, its throwaway instance",
                    verification,
                    List.of(
                            new String[] {
                                kind == DbKind.CLUSTER ? "rds:ModifyDBCluster" : "rds:ModifyDBInstance", instance
                            },
                            new String[] {
                                kind == DbKind.CLUSTER ? "rds:DeleteDBCluster" : "rds:DeleteDBInstance", instance
                            }),
                    Map.of("aws:ResourceTag/" + Tags.VERIFICATION, List.of("preflight"))));
            out.add(new Check(
                    id,
                    "a verification of " + id + " can connect (the function runs in the backup account's VPC)",
                    b.network() != null,
                    b.network() != null ? "backup.network: " + b.network().vpcId() : "set backup.network"));
        }
        return out;
    }

    /** RDS's use of a key for the role: every action of it through RDS, and grants for RDS only. */
    private Check keyUse(String id, String role, String keyArn) {
        String region = keyArn.split(":", -1)[3];
        List<String> refused = new ArrayList<>();
        for (String action : List.of(
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:DescribeKey",
                "kms:CreateGrant")) {
            AccessChecks.Answer a = access.simulate(
                    role,
                    action,
                    keyArn,
                    Map.of(
                            "kms:ViaService", List.of("rds." + region + ".amazonaws.com"),
                            "kms:GrantIsForAWSResource", List.of("true")));
            if (!a.allowed()) {
                refused.add(action + " (" + a.decision() + (a.detail() == null ? "" : ": " + a.detail()) + ")");
            }
        }
        return new Check(
                id,
                "the pipeline may have RDS use " + keyArn,
                refused.isEmpty(),
                refused.isEmpty() ? "ok" : role + " is refused " + String.join(", ", refused));
    }

    private Check allowed(
            String id, String what, String role, List<String[]> actions, Map<String, List<String>> context) {
        List<String> refused = new ArrayList<>();
        for (String[] a : actions) {
            AccessChecks.Answer answer = access.simulate(role, a[0], a[1], context);
            if (!answer.allowed()) {
                refused.add(a[0] + " on " + a[1] + " (" + answer.decision()
                        + (answer.detail() == null ? "" : ": " + answer.detail()) + ")");
            }
        }
        return new Check(
                id,
                what,
                refused.isEmpty(),
                refused.isEmpty() ? "ok" : role + " is refused " + String.join("; ", refused));
    }

    private static String orOk(String problem) {
        return problem == null ? "ok" : problem;
    }
}
