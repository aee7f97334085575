package dev.lifeboat.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.guard.CommandHook.Arg;
import dev.lifeboat.core.guard.CommandHook.Danger;
import dev.lifeboat.core.guard.CommandHook.Target;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The aws command line, read as it reads itself (https://docs.aws.amazon.com/cli/latest/reference/, "Global
 * Options"): global options may stand before or after the service and take their value as the next word or after
 * {@code =}; of an option given twice the last counts; {@code --cli-input-json}/{@code --cli-input-yaml} supply
 * parameters that the command line's own options override. The Region comes from {@code --region}, then {@code
 * AWS_REGION}, {@code AWS_DEFAULT_REGION}, then the profile's {@code region} in the config file ({@code
 * AWS_CONFIG_FILE} or {@code ~/.aws/config}); the profile from {@code --profile}, {@code AWS_PROFILE}, {@code
 * AWS_DEFAULT_PROFILE}; the account from the credentials the command would use ({@link AwsProfiles#account}).
 */
final class Aws {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> BOOLEANS = Set.of(
            "--debug",
            "--no-verify-ssl",
            "--no-paginate",
            "--no-sign-request",
            "--no-cli-pager",
            "--cli-auto-prompt",
            "--no-cli-auto-prompt",
            "--skip-final-snapshot",
            "--delete-automated-backups",
            "--apply-immediately",
            "--deletion-protection",
            "--recursive",
            "--force",
            "--dryrun",
            "--quiet",
            "--delete",
            "--exact-timestamps",
            "--only-show-errors",
            "--no-progress",
            "--follow-symlinks",
            "--size-only",
            "--retain-stacks");

    /** cli-input keys and the options they stand for. */
    private static final Map<String, String> INPUT_KEYS = Map.of(
            "DBInstanceIdentifier", "--db-instance-identifier",
            "DBClusterIdentifier", "--db-cluster-identifier",
            "DBSnapshotIdentifier", "--db-snapshot-identifier",
            "DBClusterSnapshotIdentifier", "--db-cluster-snapshot-identifier",
            "BackupRetentionPeriod", "--backup-retention-period",
            "SourceDBInstanceArn", "--source-db-instance-arn",
            "StackName", "--stack-name",
            "Bucket", "--bucket");

    private Aws() {}

    /**
     * The dangers of one aws command line.
     *
     * @param here whether the command runs here, in this user's environment: under a runner that brings its own
     *     environment or runs it elsewhere ({@code sudo}, {@code env -i}, {@code ssh}, {@code docker}) this user's
     *     aws files say nothing of its Region or account, so only the environment it is given counts
     */
    static List<Danger> read(
            List<Arg> args, Map<String, String> given, Function<String, Optional<String>> files, boolean here) {
        Map<String, String> env = new HashMap<>(given);
        env.values().removeIf(CommandHook.UNSET::equals); // what a runner that resets the environment took away
        List<Danger> out = new ArrayList<>();
        Map<String, Arg> opts = new HashMap<>();
        List<Arg> positional = new ArrayList<>();
        Boolean deletionProtection = null;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String t = a.text();
            if (t.equals("--deletion-protection")) {
                deletionProtection = true;
            } else if (t.equals("--no-deletion-protection")) {
                deletionProtection = false;
            }
            if (!t.startsWith("--")) {
                positional.add(a);
            } else if (t.contains("=")) {
                opts.put(t.substring(0, t.indexOf('=')), new Arg(t.substring(t.indexOf('=') + 1), a.known()));
            } else if (BOOLEANS.contains(t) || t.startsWith("--no-")) {
                opts.put(t, Arg.of("true"));
            } else if (i + 1 < args.size() && !args.get(i + 1).text().startsWith("--")) {
                opts.put(t, args.get(++i)); // the last of a repeated option wins, as in the aws CLI
            } else {
                opts.put(t, Arg.of("true"));
            }
        }
        if (positional.size() < 2) {
            return out;
        }
        String service = positional.get(0).text();
        String op = positional.get(1).text();
        if (!positional.get(0).known() || !positional.get(1).known()) {
            out.add(Danger.unreadable(
                    "aws " + service + " " + op,
                    "the aws service or operation is not known until it runs",
                    "write the service and operation out"));
            return out;
        }
        if (!relevant(service, op)) {
            return out;
        }
        // --cli-input-json / --cli-input-yaml: parameters the command line's own options override
        Map<String, String> input = new HashMap<>();
        for (String key : List.of("--cli-input-json", "--cli-input-yaml")) {
            Arg v = opts.get(key);
            if (v == null) {
                continue;
            }
            Optional<String> text = !v.known()
                    ? Optional.empty()
                    : v.text().startsWith("file://") ? files.apply(v.text().substring(7)) : Optional.of(v.text());
            if (text.isEmpty()) {
                out.add(Danger.unreadable(
                        "aws " + service + " " + op + " " + key + " " + v.text(),
                        "its parameters (" + v.text() + ") cannot be read here",
                        "give the parameters as options, or the file's path as it is from here"));
                return out;
            }
            if (!parseInput(text.get(), key.endsWith("json"), input)) {
                out.add(Danger.unreadable(
                        "aws " + service + " " + op + " " + key,
                        key + " is not a readable object of parameters",
                        "give the parameters as options"));
                return out;
            }
        }
        if (deletionProtection == null && input.containsKey("DeletionProtection")) {
            deletionProtection = Boolean.parseBoolean(input.get("DeletionProtection"));
        }
        INPUT_KEYS.forEach((k, option) -> {
            if (input.containsKey(k) && !opts.containsKey(option)) {
                opts.put(option, Arg.of(input.get(k)));
            }
        });
        Arg regionArg = opts.get("--region");
        Arg profileArg = opts.get("--profile");
        if ((regionArg != null && !regionArg.known()) || (profileArg != null && !profileArg.known())) {
            out.add(Danger.unreadable(
                    "aws " + service + " " + op,
                    "its Region or profile is not known until it runs",
                    "write --region and --profile out"));
            return out;
        }
        Map<String, String> profiles = here ? env : withoutFiles(env);
        String profile = profileArg != null
                ? profileArg.text()
                : first(env.get("AWS_PROFILE"), env.get("AWS_DEFAULT_PROFILE"), "default");
        if (profile.indexOf('\u0000') >= 0) {
            profile = "(not known here)";
        }
        String region = regionArg != null
                ? regionArg.text()
                : first(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"), AwsProfiles.region(profiles, profile));
        String account = CommandHook.AWS_ACCOUNT_SETTINGS.stream().anyMatch(k -> CommandHook.UNKNOWN.equals(env.get(k)))
                ? null // a setting not known here, or this shell's under a runner that resets the environment
                : AwsProfiles.account(profiles, profile, profileArg != null);
        String what = "aws " + service + " " + op;
        switch (service + " " + op) {
            case "rds delete-db-instance" ->
                out.add(rds(what, Target.RDS_INSTANCE, opts.get("--db-instance-identifier"), account, region, profile));
            case "rds delete-tenant-database" ->
                // a tenant database of a multi-tenant instance: its data goes, the instance stays
                out.add(rds(
                        what + " " + text(opts.get("--tenant-db-name")),
                        Target.RDS_INSTANCE,
                        opts.get("--db-instance-identifier"),
                        account,
                        region,
                        profile));
            case "rds delete-db-cluster" ->
                out.add(rds(what, Target.RDS_CLUSTER, opts.get("--db-cluster-identifier"), account, region, profile));
            case "rds modify-db-instance", "rds modify-db-cluster" -> {
                boolean instance = op.equals("modify-db-instance");
                Arg retention = opts.get("--backup-retention-period");
                String change = Boolean.FALSE.equals(deletionProtection)
                        ? " --no-deletion-protection"
                        : retention != null && retention.text().trim().matches("\\+?0+") // the CLI reads 00 as 0
                                ? " --backup-retention-period 0"
                                : retention != null && !retention.known() ? " --backup-retention-period ?" : null;
                if (change != null) {
                    out.add(rds(
                            what + change,
                            instance ? Target.RDS_INSTANCE : Target.RDS_CLUSTER,
                            opts.get(instance ? "--db-instance-identifier" : "--db-cluster-identifier"),
                            account,
                            region,
                            profile));
                }
            }
            case "rds delete-db-snapshot" ->
                out.add(backups(what + " " + text(opts.get("--db-snapshot-identifier")), region, profile));
            case "rds delete-db-cluster-snapshot" ->
                out.add(backups(what + " " + text(opts.get("--db-cluster-snapshot-identifier")), region, profile));
            case "rds delete-db-instance-automated-backup", "rds delete-db-cluster-automated-backup" ->
                out.add(backups(what, region, profile));
            case "rds stop-db-instance-automated-backups-replication" -> {
                Arg arn = opts.get("--source-db-instance-arn");
                String[] parts =
                        arn == null || !arn.known() ? new String[0] : arn.text().split(":", -1);
                if (parts.length >= 7) {
                    out.add(new Danger(
                            "aws",
                            what,
                            Target.RDS_BACKUPS,
                            parts[6],
                            AwsProfiles.ofArn(arn.text()),
                            parts[3],
                            profile,
                            null,
                            null,
                            null));
                } else {
                    out.add(backups(what, region, profile));
                }
            }
            case "cloudformation delete-stack" ->
                out.add(new Danger(
                        "aws",
                        what,
                        Target.INFRASTRUCTURE,
                        text(opts.get("--stack-name")),
                        region,
                        profile,
                        null,
                        "https://docs.aws.amazon.com/cli/latest/reference/cloudformation/delete-stack.html"));
            case "s3 rb", "s3 rm", "s3 sync" -> {
                if (op.equals("sync") && !opts.containsKey("--delete")) {
                    return out;
                }
                int at = op.equals("sync") ? 3 : 2; // rb/rm S3URI; sync SOURCE DESTINATION
                Arg target = positional.size() > at ? positional.get(at) : null;
                String bucket = target == null || !target.known() ? null : bucket(target.text());
                out.add(new Danger("aws", what, Target.BUCKET, bucket, region, profile, null, null));
            }
            default -> {
                if (service.equals("s3api") && op.startsWith("delete-")) {
                    out.add(new Danger(
                            "aws", what, Target.BUCKET, text(opts.get("--bucket")), region, profile, null, null));
                }
            }
        }
        return out;
    }

    /** The environment without what points at this user's aws files. */
    private static Map<String, String> withoutFiles(Map<String, String> env) {
        Map<String, String> out = new HashMap<>(env);
        out.keySet().removeAll(Set.of("HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"));
        return out;
    }

    private static boolean relevant(String service, String op) {
        return switch (service) {
            case "rds" ->
                op.startsWith("delete-") || op.startsWith("modify-") || op.startsWith("stop-db-instance-auto");
            case "cloudformation" -> op.equals("delete-stack");
            case "s3" -> Set.of("rb", "rm", "sync").contains(op);
            case "s3api" -> op.startsWith("delete-");
            default -> false;
        };
    }

    private static Danger rds(String what, Target target, Arg id, String account, String region, String profile) {
        if (id != null && !id.known()) {
            return Danger.unreadable(
                    what + " " + id.text(),
                    "the identifier it deletes is not known until it runs (" + id.text() + ")",
                    "write the identifier out");
        }
        return new Danger(
                "aws", what, target, id == null ? null : id.text(), account, region, profile, null, null, null);
    }

    private static Danger backups(String what, String region, String profile) {
        return new Danger("aws", what, Target.RDS_BACKUPS, null, region, profile, null, null);
    }

    private static String text(Arg a) {
        return a == null ? "?" : a.text();
    }

    private static String bucket(String s3url) {
        if (!s3url.startsWith("s3://")) {
            return s3url;
        }
        String rest = s3url.substring(5);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static boolean parseInput(String text, boolean json, Map<String, String> into) {
        if (json) {
            try {
                JsonNode n = JSON.readTree(text);
                if (n == null || !n.isObject()) {
                    return false;
                }
                n.properties().forEach(e -> into.put(e.getKey(), e.getValue().asText()));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        Matcher m = Pattern.compile("(?m)^\\s*([A-Za-z]+)\\s*:\\s*['\"]?([^'\"#\\s]*)")
                .matcher(text);
        boolean any = false;
        while (m.find()) {
            into.put(m.group(1), m.group(2));
            any = true;
        }
        return any;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
