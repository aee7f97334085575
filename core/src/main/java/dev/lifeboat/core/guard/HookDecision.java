package dev.lifeboat.core.guard;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.guard.CommandHook.Danger;
import dev.lifeboat.core.model.DbKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hook's decision on the dangers of one command: each danger whose target Lifeboat can identify (an RDS
 * instance or cluster by identifier and Region, a database of lifeboat.yml by its URL or name) becomes a deletion
 * that {@link Guarding} decides on, as for a plan; every other danger blocks, with its reason and the way through
 * (an unreadable command, a Terraform run that must go through a plan, a stack or namespace whose databases cannot
 * be seen, a deletion from the vault's bucket). A bucket that holds no Lifeboat backups is not the guard's business.
 */
public final class HookDecision {
    /** {@code blocked}: the reasons that block without a backup to look at; {@code guarded}: Guarding's decision. */
    public record Result(boolean allowed, List<String> blocked, Guarding.Decision guarded) {}

    /**
     * Where a database of lifeboat.yml is served, for matching a command's target to it: the host and port of its
     * dump secret, or of the URL given to the guard with {@code --source ID=URL}, and the database's name there
     * ({@code dump.dbname} when set). Empty when the configuration says nothing the guard can compare: then no
     * command's database is taken for it.
     */
    @FunctionalInterface
    public interface Addresses {
        Optional<DatabaseAddress> of(LifeboatConfig.Database database);

        /** No database has an address: every database-level command is blocked as unknown. */
        Addresses NONE = d -> Optional.empty();
    }

    private HookDecision() {}

    /** {@code configName}: how to name lifeboat.yml in the way through (its path as given). */
    public static Result decide(
            LifeboatConfig config,
            List<Danger> dangers,
            Guarding guarding,
            Duration maxAge,
            String configName,
            Addresses addresses) {
        List<String> blocked = new ArrayList<>();
        List<TerraformPlan.Deletion> deletions = new ArrayList<>();
        for (Danger d : dangers) {
            switch (d.target()) {
                case UNREADABLE ->
                    blocked.add(
                            "cannot read `" + d.what() + "`: " + d.reason() + ". Fix: " + d.fix() + " (docs/guard.md)");
                case TERRAFORM ->
                    blocked.add("blocked `" + d.what() + "`: Lifeboat cannot see what it deletes. Plan it and guard the"
                            + " plan: " + d.tool() + " plan" + (d.what().contains("destroy") ? " -destroy" : "")
                            + " -out plan.out && " + d.tool() + " show -json plan.out > plan.json && lifeboat guard"
                            + " --plan plan.json --config " + configName + ", then " + d.tool() + " apply plan.out; or"
                            + " run it through the wrapper: lifeboat guard --config " + configName + " -- " + d.tool()
                            + " ... (docs/guard.md)");
                case PULUMI ->
                    blocked.add("blocked `" + d.what()
                            + "`: Lifeboat cannot see what it deletes (an update deletes what"
                            + " the program no longer declares). Preview it and guard the preview: "
                            + (d.what().endsWith("destroy")
                                    ? "pulumi destroy --preview-only --json"
                                    : "pulumi preview --json")
                            + " > preview.json && lifeboat guard --plan preview.json --config " + configName
                            + "; or run it through the wrapper, which previews, guards and runs only what it previewed:"
                            + " lifeboat guard --config " + configName + " -- " + d.what() + " ... (docs/guard.md)");
                case RDS_INSTANCE, RDS_CLUSTER, RDS_BACKUPS -> rds(d, blocked, deletions);
                case DATABASE -> database(config, addresses, d, blocked, deletions);
                case BUCKET -> bucket(config, d, blocked);
                case INFRASTRUCTURE ->
                    blocked.add("blocked `" + d.what() + (d.identifier() == null ? "" : " " + d.identifier())
                            + "`: Lifeboat cannot see which databases it deletes. Check what it holds, take their"
                            + " backups (lifeboat snapshot --config " + configName + " --database ID --wait), then run"
                            + " it yourself" + (d.fix() == null ? "" : " (" + d.fix() + ")"));
            }
        }
        Guarding.Decision guarded = deletions.isEmpty() ? null : guarding.decide(config, deletions, maxAge);
        boolean allowed = blocked.isEmpty() && (guarded == null || guarded.allowed());
        return new Result(allowed, blocked, guarded);
    }

    private static void rds(Danger d, List<String> blocked, List<TerraformPlan.Deletion> deletions) {
        if (d.identifier() == null) {
            blocked.add("blocked `" + d.what() + "`: Lifeboat cannot tell which database's "
                    + (d.target() == CommandHook.Target.RDS_BACKUPS ? "backups" : "instance") + " it deletes. Fix: name"
                    + " it (--db-instance-identifier / --db-cluster-identifier), or run it yourself after checking");
            return;
        }
        if (d.region() == null) {
            blocked.add(
                    "blocked `" + d.what() + " " + d.identifier() + "`: no Region on the command line, in"
                            + " AWS_REGION/AWS_DEFAULT_REGION or in the profile " + d.profile()
                            + " of the aws config, so the"
                            + " database it deletes cannot be told apart from one of the same name elsewhere. Fix: add --region");
            return;
        }
        if (d.account() == null) {
            blocked.add("blocked `" + d.what() + " " + d.identifier() + "`: the account it runs in is not known here"
                    + " (the credentials it would use, the environment's keys or the profile " + d.profile()
                    + ", name no account), so the database it deletes cannot be told apart from one of the same"
                    + " name in another account. Fix: run it with a profile whose role_arn or sso_account_id names"
                    + " the account (--profile NAME), or set aws_account_id in the profile or AWS_ACCOUNT_ID");
            return;
        }
        TerraformPlan.Kind kind = switch (d.target()) {
            case RDS_INSTANCE -> TerraformPlan.Kind.INSTANCE;
            case RDS_CLUSTER -> TerraformPlan.Kind.CLUSTER;
            default -> TerraformPlan.Kind.BACKUPS;
        };
        deletions.add(new TerraformPlan.Deletion(
                d.what(),
                kind == TerraformPlan.Kind.BACKUPS ? "aws_db_instance_automated_backups_replication" : d.what(),
                kind,
                d.identifier(),
                d.account(),
                d.region(),
                false,
                null,
                null,
                null,
                null));
    }

    /**
     * A database-level danger is matched to a database of lifeboat.yml by server and name together: a database of
     * the same name on another host is not the one whose backups Lifeboat holds, so it is blocked as unknown.
     */
    private static void database(
            LifeboatConfig config,
            Addresses addresses,
            Danger d,
            List<String> blocked,
            List<TerraformPlan.Deletion> deletions) {
        DatabaseAddress target = d.address();
        String shown = d.identifier() == null ? null : redact(d.identifier());
        String fix = " Fix: take a backup first and run it through the guard: lifeboat guard --take-backup -- "
                + (d.tool() == null ? "COMMAND" : d.tool() + " ...")
                + " (or lifeboat dump --source URL --vault VAULT), then run it"
                + (d.fix() == null ? "" : " (" + d.fix() + ")");
        if (target == null || target.database() == null) {
            blocked.add("blocked `" + d.what() + "`: it destroys data in "
                    + (shown == null ? "a database the command does not name (no URL, no DATABASE_URL)" : shown)
                    + ", and the guard cannot tell "
                    + (target == null ? "which server that is" : "which database on " + target.describe() + " it is")
                    + " (give the URL, or -h HOST -p PORT and the name, on the command line or in the environment"
                    + " the tool reads), so no backup of it can be checked." + fix);
            return;
        }
        List<String> near = new ArrayList<>();
        Optional<LifeboatConfig.Database> db = Optional.empty();
        for (LifeboatConfig.Database x : config.databases().values()) {
            Optional<DatabaseAddress> configured = addresses.of(x);
            String name = configured
                    .map(DatabaseAddress::database)
                    .or(() -> Optional.ofNullable(x.dump()).map(LifeboatConfig.DumpSettings::dbname))
                    .orElse(x.id());
            if (!name.equals(target.database())) {
                continue;
            }
            if (configured.isPresent() && configured.get().sameServer(target)) {
                db = Optional.of(x);
                break;
            }
            near.add(x.id() + " ("
                    + configured
                            .map(DatabaseAddress::describe)
                            .orElse("no address: no dump.secretArn," + " no --source " + x.id() + "=URL")
                    + ")");
        }
        if (db.isEmpty()) {
            blocked.add("blocked `" + d.what() + "`: it destroys data in " + target.describe() + ", which is not a"
                    + " database of lifeboat.yml"
                    + (near.isEmpty()
                            ? ""
                            : ": " + String.join(", ", near) + " has that name, but a database of the same name on"
                                    + " another server is not the one its backups are of")
                    + ", so no backup of it can be checked." + fix);
            return;
        }
        LifeboatConfig.Source s = db.get().source();
        deletions.add(new TerraformPlan.Deletion(
                d.what(),
                d.what(),
                s.kind() == DbKind.CLUSTER ? TerraformPlan.Kind.CLUSTER : TerraformPlan.Kind.INSTANCE,
                s.identifier(),
                s.account(),
                s.region(),
                false,
                null,
                null,
                null,
                null));
    }

    private static void bucket(LifeboatConfig config, Danger d, List<String> blocked) {
        String vault = config.backup().vault();
        // lifeboat.yml's vault was checked by the one parser when it was loaded; read with the same.
        String vaultBucket = vault != null && vault.startsWith("s3://")
                ? dev.lifeboat.protocol.VaultAddress.parseS3(vault, "backup.vault")
                        .bucket()
                : null;
        if (d.identifier() == null || d.identifier().equals("?")) {
            blocked.add("blocked `" + d.what() + "`: the bucket it deletes from is not known, and it could be"
                    + " Lifeboat's vault. Fix: name the bucket");
        } else if (d.identifier().equals(vaultBucket)) {
            blocked.add("blocked `" + d.what() + " " + d.identifier() + "`: that bucket is Lifeboat's vault ("
                    + vault + "); its backups are what a restore needs. Fix: let the vault's retention remove old"
                    + " backups (lifeboat prune --config lifeboat.yml --dry-run)");
        }
    }

    /** A URL without its password. */
    static String redact(String url) {
        return url.replaceAll("(://[^:/@]+):[^@/]*@", "$1:***@");
    }
}
