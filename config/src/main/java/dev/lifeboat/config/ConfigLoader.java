package dev.lifeboat.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.Backup;
import dev.lifeboat.core.config.LifeboatConfig.Database;
import dev.lifeboat.core.config.LifeboatConfig.DumpSettings;
import dev.lifeboat.core.config.LifeboatConfig.Retention;
import dev.lifeboat.core.config.LifeboatConfig.Schedules;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings;
import dev.lifeboat.core.config.LifeboatConfig.Source;
import dev.lifeboat.core.config.ScheduleExpression;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.verify.Expectation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code lifeboat.yml}. Every error names the field's path
 * ({@code databases.orders.retention.daily}), what is wrong, and what is allowed; all errors are
 * reported at once.
 */
public final class ConfigLoader {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern KMS_ARN =
            Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/[A-Za-z0-9/_-]+");
    /** https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html (TargetId). */
    private static final Pattern ORGANIZATION_TARGET =
            Pattern.compile("\\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}");

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern SECRET_ARN =
            Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+");
    private static final Pattern RDS_ID = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");

    private final List<String> errors = new ArrayList<>();

    private ConfigLoader() {}

    /** The functions' configuration: the file named by LIFEBOAT_CONFIG_FILE, or the YAML in LIFEBOAT_CONFIG_YAML. */
    public static LifeboatConfig fromEnvironment(Map<String, String> env) {
        String file = env.get("LIFEBOAT_CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            return load(Path.of(file));
        }
        String yaml = env.get("LIFEBOAT_CONFIG_YAML");
        if (yaml == null || yaml.isBlank()) {
            throw new InvalidInputException(
                    "neither LIFEBOAT_CONFIG_FILE nor LIFEBOAT_CONFIG_YAML is set",
                    "the CDK stack sets one of them from lifeboat.yml");
        }
        return parse(yaml, "LIFEBOAT_CONFIG_YAML");
    }

    public static LifeboatConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(
                    "configuration file " + file + " does not exist",
                    "pass --config with the path of your lifeboat.yml (docs/configuration.md shows one)");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read configuration file " + file + ": " + e.getMessage(), "");
        }
        return parse(text, file.toString());
    }

    public static LifeboatConfig parse(String yaml, String where) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(yaml);
        } catch (JsonProcessingException e) {
            String duplicate = e.getOriginalMessage() == null ? null : e.getOriginalMessage();
            if (duplicate != null && duplicate.startsWith("Duplicate field")) {
                throw new InvalidInputException(
                        where + ": " + duplicate.replace("Duplicate field", "the key") + " appears twice in one mapping"
                                + (e.getLocation() == null
                                        ? ""
                                        : " (line " + e.getLocation().getLineNr() + ")"),
                        "each key may appear once: merge the two blocks, or remove one (the second would silently"
                                + " replace the first)");
            }
            throw new InvalidInputException(
                    where + " is not valid YAML: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ")"),
                    "fix the syntax");
        }
        ConfigLoader loader = new ConfigLoader();
        LifeboatConfig config = loader.root(root);
        if (!loader.errors.isEmpty()) {
            throw new InvalidInputException(
                    where + " has " + loader.errors.size() + " error" + (loader.errors.size() == 1 ? "" : "s")
                            + ":\n  - " + String.join("\n  - ", loader.errors),
                    "fix the fields named above (docs/configuration.md describes each)");
        }
        return config;
    }

    private LifeboatConfig root(JsonNode root) {
        if (root == null || !root.isObject()) {
            errors.add("the file must hold a mapping with 'backup' and 'databases'");
            return null;
        }
        allowOnly(
                root,
                "",
                Set.of(
                        "backup",
                        "databases",
                        "organization",
                        "audit",
                        "sourceDeployment",
                        "sourceOrganizationalUnitIds",
                        "dumpConcurrency"));
        Backup backup = backup(required(root, "", "backup"));
        LifeboatConfig.Organization organization = organization(root.get("organization"), backup);
        Map<String, Database> databases = new LinkedHashMap<>();
        JsonNode dbs = required(root, "", "databases");
        if (dbs != null && (!dbs.isObject() || dbs.isEmpty())) {
            errors.add("databases: must map at least one database id to its settings");
        } else if (dbs != null) {
            for (Map.Entry<String, JsonNode> e : dbs.properties()) {
                databases.put(e.getKey(), database("databases." + e.getKey(), e.getKey(), e.getValue()));
            }
        }
        if (backup != null && backup.account() != null && backup.region() != null) {
            databases.forEach((id, d) -> {
                if (d != null
                        && d.source() != null
                        && backup.account().equals(d.source().account())
                        && backup.region().equals(d.source().region())) {
                    errors.add("databases." + id + ".source: the backup account and Region (" + backup.account() + "/"
                            + backup.region() + ") are the database's own; a copy there protects against nothing the"
                            + " incident destroys, and the pipeline cannot tell it from its own source snapshot: put"
                            + " backups in another account, or at least another Region");
                }
            });
        }
        databases.forEach((id, d) -> subDailySnapshots("databases." + id, d));
        JsonNode accept = root.path("backup").path("acceptShortVaultRetention");
        if (!accept.isMissingNode() && !accept.isBoolean()) {
            errors.add("backup.acceptShortVaultRetention: must be true or false");
        }
        if (backup != null && !accept.asBoolean(false)) {
            databases.forEach((id, d) -> {
                if (d == null || d.retention() == null) {
                    return;
                }
                LifeboatConfig.Retention r = d.retention();
                int longest =
                        Math.max(Math.max(r.daily(), r.weekly() * 7), Math.max(r.monthly() * 31, r.yearly() * 366));
                if (backup.vaultRetentionDays() < longest) {
                    errors.add("backup.vaultRetentionDays: " + backup.vaultRetentionDays() + " days is shorter than"
                            + " databases." + id + ".retention, which keeps backups for up to " + longest + " days:"
                            + " older dumps would be protected by the bucket policy alone, not by Object Lock. Set"
                            + " vaultRetentionDays to at least " + longest
                            + ", or backup.acceptShortVaultRetention: true"
                            + " to accept that");
                }
            });
        }
        LifeboatConfig.SourceDeployment deployment =
                choice(root, "", "sourceDeployment", LifeboatConfig.SourceDeployment.class, null);
        if (deployment == LifeboatConfig.SourceDeployment.STACKSETS) {
            Set<String> roleNames = new java.util.TreeSet<>();
            databases.values().stream()
                    .filter(d -> d != null && d.source() != null && d.source().roleArn() != null)
                    .forEach(d -> roleNames.add(
                            d.source().roleArn().substring(d.source().roleArn().indexOf(":role/") + 6)));
            if (roleNames.size() > 1) {
                errors.add("sourceDeployment: stacksets deploys one template to every source account, so every"
                        + " source.roleArn must name the same role; found " + roleNames);
            }
        }
        List<String> ous = new ArrayList<>();
        JsonNode ouList = root.get("sourceOrganizationalUnitIds");
        if (ouList != null && !ouList.isNull()) {
            if (deployment != LifeboatConfig.SourceDeployment.STACKSETS) {
                errors.add("sourceOrganizationalUnitIds: only with sourceDeployment: stacksets (a service-managed"
                        + " StackSet deploys to OUs)");
            } else if (!ouList.isArray() || ouList.isEmpty()) {
                errors.add("sourceOrganizationalUnitIds: must be a list of OU ids, e.g. [\"ou-ab12-cd34ef56\"]");
            } else {
                for (JsonNode ou : ouList) {
                    if (!ou.isTextual() || !ou.asText().matches("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}")) {
                        errors.add("sourceOrganizationalUnitIds: '" + ou.asText() + "' is not an OU id (ou-...) or a"
                                + " root id (r-...)");
                    } else {
                        ous.add(ou.asText());
                    }
                }
            }
        }
        Integer dumpConcurrency = null;
        if (root.hasNonNull("dumpConcurrency")) {
            JsonNode c = root.get("dumpConcurrency");
            if (!c.isInt() || c.asInt() < 1 || c.asInt() > 100) {
                errors.add("dumpConcurrency: '" + c.asText() + "' must be a whole number from 1 to 100 (dumps at once"
                        + " per source account and Region)");
            } else {
                dumpConcurrency = c.asInt();
            }
        }
        return LifeboatConfig.builder()
                .backup(backup)
                .databases(databases)
                .document(root.toString())
                .organization(organization)
                .audit(audit(root.get("audit")))
                .sourceDeployment(deployment)
                .sourceOrganizationalUnitIds(ous)
                .dumpConcurrency(dumpConcurrency)
                .build();
    }

    /** The optional audit block; its defaults where absent (docs/configuration.md). */
    private LifeboatConfig.Audit audit(JsonNode n) {
        LifeboatConfig.Audit d = LifeboatConfig.Audit.DEFAULTS;
        if (n == null || n.isNull()) {
            return d;
        }
        if (!n.isObject()) {
            errors.add("audit: must be a mapping with schedule, minBackupRetentionDays, verifiedWithinDays");
            return d;
        }
        allowOnly(n, "audit", Set.of("schedule", "minBackupRetentionDays", "verifiedWithinDays"));
        String schedule = schedule(n, "audit", "schedule");
        int retention = n.has("minBackupRetentionDays")
                ? count(n, "audit", "minBackupRetentionDays")
                : d.minBackupRetentionDays();
        if (retention > 35) {
            errors.add("audit.minBackupRetentionDays: " + retention + " is more than RDS keeps (35 days at most)");
        }
        int verified = n.has("verifiedWithinDays") ? count(n, "audit", "verifiedWithinDays") : d.verifiedWithinDays();
        if (n.has("verifiedWithinDays") && verified < 1) {
            errors.add("audit.verifiedWithinDays: must be at least 1");
        }
        return new LifeboatConfig.Audit(schedule == null ? d.schedule() : schedule, retention, verified);
    }

    /** The optional organization guard (docs/configuration.md, docs/deploy.md). */
    private LifeboatConfig.Organization organization(JsonNode n, Backup backup) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            errors.add(
                    "organization: must be a mapping with managementAccount (and optionally targetIds, deployRoleArn)");
            return null;
        }
        allowOnly(n, "organization", Set.of("managementAccount", "targetIds", "deployRoleArn"));
        String management = matching(
                n,
                "organization",
                "managementAccount",
                ACCOUNT,
                "the 12-digit id of the organization's management account, quoted");
        if (management != null && backup != null && management.equals(backup.account())) {
            errors.add("organization.managementAccount: " + management + " is also the backup account; service control"
                    + " policies do not bind the management account, so the guard would guard nothing. Keep the"
                    + " backups in a member account");
        }
        List<String> targets = new ArrayList<>();
        JsonNode t = n.get("targetIds");
        if (t == null || t.isNull()) {
            if (backup != null && backup.account() != null) {
                targets.add(backup.account());
            }
        } else if (!t.isArray() || t.isEmpty()) {
            errors.add(
                    "organization.targetIds: must be a list of the backup account's id or its OU, e.g. [\"ou-ab12-cd34ef56\"]");
        } else {
            for (JsonNode id : t) {
                if (!id.isTextual() || !ORGANIZATION_TARGET.matcher(id.asText()).matches()) {
                    errors.add("organization.targetIds: '" + id.asText() + "' is not an account id (12 digits, quoted),"
                            + " an OU id (ou-...) or a root id (r-...)");
                } else {
                    targets.add(id.asText());
                }
            }
        }
        String deploy = optionalMatching(
                n,
                "organization",
                "deployRoleArn",
                ROLE_ARN,
                "the ARN of the role CloudFormation deploys the backup stack with");
        if (deploy == null && backup != null && backup.account() != null && backup.region() != null) {
            // The role `cdk bootstrap` creates with its default qualifier.
            deploy = "arn:aws:iam::" + backup.account() + ":role/cdk-hnb659fds-cfn-exec-role-" + backup.account() + "-"
                    + backup.region();
        }
        return new LifeboatConfig.Organization(management, targets, deploy);
    }

    private Backup backup(JsonNode n) {
        if (n == null) {
            return null;
        }
        allowOnly(
                n,
                "backup",
                Set.of(
                        "account",
                        "region",
                        "kmsKeyArn",
                        "vault",
                        "breakGlassRoleArn",
                        "vaultRetentionDays",
                        "vaultColdAfterDays",
                        "alarmEmails",
                        "alarmSubscriberAccounts",
                        "acceptShortVaultRetention",
                        "network"));
        LifeboatConfig.Network network = null;
        JsonNode net = n.get("network");
        if (net != null && !net.isNull()) {
            if (!net.isObject()) {
                errors.add("backup.network: must be a mapping with vpcId, subnetIds and securityGroupIds");
            } else {
                allowOnly(
                        net,
                        "backup.network",
                        Set.of("vpcId", "subnetIds", "securityGroupIds", "egress", "taskStorageGiB"));
                int storage = LifeboatConfig.Network.MIN_TASK_STORAGE_GIB;
                JsonNode gib = net.get("taskStorageGiB");
                if (gib != null && !gib.isNull()) {
                    if (!gib.isInt()
                            || gib.asInt() < LifeboatConfig.Network.MIN_TASK_STORAGE_GIB
                            || gib.asInt() > LifeboatConfig.Network.MAX_TASK_STORAGE_GIB) {
                        errors.add("backup.network.taskStorageGiB: '" + gib.asText() + "' must be a whole number from "
                                + LifeboatConfig.Network.MIN_TASK_STORAGE_GIB + " to "
                                + LifeboatConfig.Network.MAX_TASK_STORAGE_GIB
                                + " (the Fargate task's ephemeral storage, where a restore stages its schema part)");
                    } else {
                        storage = gib.asInt();
                    }
                }
                String vpc = matching(
                        net,
                        "backup.network",
                        "vpcId",
                        Pattern.compile("vpc-[0-9a-f]{8,17}"),
                        "the VPC of the backup account the verification instances live in, such as vpc-0123456789abcdef0");
                List<String> subnets = ids(net, "backup.network", "subnetIds", "subnet-");
                List<String> groups = ids(net, "backup.network", "securityGroupIds", "sg-");
                if (subnets.isEmpty() || groups.isEmpty()) {
                    errors.add("backup.network: give subnetIds and securityGroupIds (the functions that connect to the"
                            + " verification instances run in them)");
                } else if (vpc != null) {
                    network = LifeboatConfig.Network.builder()
                            .vpcId(vpc)
                            .subnetIds(subnets)
                            .securityGroupIds(groups)
                            .egress(egress(net.get("egress"), "backup.network.egress"))
                            .taskStorageGiB(storage)
                            .build();
                }
            }
        }
        List<String> subscribers = new ArrayList<>();
        JsonNode accounts = n.get("alarmSubscriberAccounts");
        if (accounts != null && !accounts.isNull()) {
            if (!accounts.isArray()) {
                errors.add("backup.alarmSubscriberAccounts: must be a list of account ids, e.g. [\"333333333333\"]");
            } else {
                for (JsonNode a : accounts) {
                    if (!a.isTextual() || !ACCOUNT.matcher(a.asText()).matches()) {
                        errors.add("backup.alarmSubscriberAccounts: '" + a.asText()
                                + "' is not an account id (12 digits, quoted)");
                    } else {
                        subscribers.add(a.asText());
                    }
                }
            }
        }
        List<String> emails = new ArrayList<>();
        JsonNode mails = n.get("alarmEmails");
        if (mails != null && !mails.isNull()) {
            if (!mails.isArray()) {
                errors.add("backup.alarmEmails: must be a list of e-mail addresses, e.g. [oncall@example.com]");
            } else {
                for (JsonNode m : mails) {
                    if (!m.isTextual() || !m.asText().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                        errors.add("backup.alarmEmails: '" + m.asText() + "' is not an e-mail address");
                    } else {
                        emails.add(m.asText());
                    }
                }
            }
        }
        String vault = text(n, "backup", "vault", false);
        if (vault != null) {
            try {
                dev.lifeboat.protocol.VaultAddress.parseS3(vault, "backup.vault");
            } catch (dev.lifeboat.protocol.VaultAddress.Invalid e) {
                errors.add(e.getMessage());
            }
        }
        int retention = 35;
        if (n.has("vaultRetentionDays")) {
            JsonNode v = n.get("vaultRetentionDays");
            if (!v.isInt() || v.asInt() < 1 || v.asInt() > 36500) {
                errors.add("backup.vaultRetentionDays: '" + v.asText()
                        + "' must be a whole number of days from 1 to 36500");
            } else {
                retention = v.asInt();
            }
        }
        int cold = 30;
        if (n.has("vaultColdAfterDays")) {
            JsonNode v = n.get("vaultColdAfterDays");
            if (!v.isInt() || v.asInt() < 0) {
                errors.add("backup.vaultColdAfterDays: '" + v.asText()
                        + "' must be a whole number of days (0: never move objects to colder storage)");
            } else {
                cold = v.asInt();
            }
        }
        String account = matching(n, "backup", "account", ACCOUNT, "a 12-digit AWS account id, quoted");
        String backupRegion = region(n, "backup");
        String key = matching(n, "backup", "kmsKeyArn", KMS_ARN, "a KMS key ARN in the backup account and region");
        if (key != null
                && backupRegion != null
                && account != null
                && KMS_ARN.matcher(key).matches()) {
            // A KMS key serves only its own Region (and RDS and S3 encrypt with a key of the resource's Region).
            String keyRegion = key.split(":", 6)[3];
            if (!keyRegion.equals(backupRegion)) {
                errors.add("backup.kmsKeyArn: '" + key + "' is a key of " + keyRegion + ", not of the backup Region "
                        + backupRegion + "; give the ARN of a key in " + backupRegion);
            }
        }
        return Backup.builder()
                .account(account)
                .region(backupRegion)
                .kmsKeyArn(key)
                .vault(vault)
                .breakGlassRoleArn(optionalMatching(
                        n,
                        "backup",
                        "breakGlassRoleArn",
                        ROLE_ARN,
                        "the ARN of the break-glass role in the backup account"))
                .vaultRetentionDays(retention)
                .vaultColdAfterDays(cold)
                .alarmEmails(emails)
                .alarmSubscriberAccounts(subscribers)
                .network(network)
                .build();
    }

    private Database database(String path, String id, JsonNode n) {
        try {
            VaultLayout.requireDatabaseId(id);
        } catch (InvalidInputException e) {
            errors.add(path + ": " + e.getMessage() + "; " + e.hint());
        }
        if (n == null || !n.isObject()) {
            errors.add(path + ": must be a mapping");
            return null;
        }
        allowOnly(n, path, Set.of("engine", "source", "snapshot", "retention", "schedules", "dump", "verify"));
        DatabaseEngine engine = null;
        String engineText = text(n, path, "engine", true);
        if (engineText != null) {
            try {
                engine = DatabaseEngine.parse(engineText);
            } catch (IllegalArgumentException | InvalidInputException e) {
                errors.add(path + ".engine: " + e.getMessage());
            }
        }
        return new Database(
                id,
                engine,
                source(path + ".source", required(n, path, "source")),
                snapshot(path + ".snapshot", n.get("snapshot")),
                retention(path + ".retention", required(n, path, "retention")),
                schedules(path + ".schedules", n.get("schedules")),
                dump(path + ".dump", n.get("dump")),
                verify(path + ".verify", n.get("verify")));
    }

    /**
     * A snapshot schedule that runs more than once a day (issue 41's tier 1, hourly copies): RDS takes its automated
     * snapshot once a day, so copying it hourly copies the same one, and each manual snapshot of a Single-AZ instance
     * suspends its I/O briefly (RDS user guide, USER_CreateSnapshot).
     */
    private void subDailySnapshots(String path, Database d) {
        if (d == null
                || d.schedules() == null
                || d.schedules().snapshot() == null
                || d.snapshot() == null
                || ScheduleExpression.problem(d.schedules().snapshot()).isPresent()) {
            return;
        }
        int runs = ScheduleExpression.runsPerDay(d.schedules().snapshot());
        if (runs <= 1) {
            return;
        }
        String schedule = d.schedules().snapshot();
        if (d.snapshot().mode() == SnapshotSettings.Mode.COPY_AUTOMATED) {
            errors.add(path + ".schedules.snapshot: " + schedule + " runs up to " + runs + " times a day, but"
                    + " snapshot.mode copy-automated copies RDS's automated snapshot, which RDS takes once a day: set "
                    + path + ".snapshot.mode: create for copies more often than daily, or schedule it daily");
        } else if (d.source() != null
                && d.source().kind() == DbKind.INSTANCE
                && !d.snapshot().acceptIoFreeze()) {
            errors.add(path + ".snapshot.acceptIoFreeze: " + schedule + " makes up to " + runs + " manual snapshots"
                    + " a day of instance " + d.source().identifier() + ", and on a Single-AZ instance each one"
                    + " suspends its I/O for seconds to minutes (a Multi-AZ instance of MariaDB, MySQL or PostgreSQL"
                    + " takes it from the standby): set acceptIoFreeze: true to accept that, or schedule it daily");
        }
    }

    private Source source(String path, JsonNode n) {
        if (n == null) {
            return null;
        }
        allowOnly(
                n,
                path,
                Set.of(
                        "account",
                        "region",
                        "instance",
                        "cluster",
                        "roleArn",
                        "externalId",
                        "shareKmsKeyArn",
                        "backupReplicationRegion"));
        boolean instance = n.hasNonNull("instance");
        boolean cluster = n.hasNonNull("cluster");
        if (instance == cluster) {
            errors.add(
                    path
                            + ": give exactly one of 'instance' (an RDS DB instance id) or 'cluster' (an Aurora DB cluster id)");
        }
        String identifier = instance
                ? matching(n, path, "instance", RDS_ID, "an RDS identifier: a letter, then letters, digits, hyphens")
                : cluster
                        ? matching(
                                n,
                                path,
                                "cluster",
                                RDS_ID,
                                "an RDS identifier: a letter, then letters, digits, hyphens")
                        : null;
        String externalId = text(n, path, "externalId", true);
        if (externalId != null && (externalId.length() < 2 || externalId.length() > 1224)) {
            errors.add(path + ".externalId: must be 2 to 1224 characters");
        }
        return Source.builder()
                .account(matching(n, path, "account", ACCOUNT, "a 12-digit AWS account id, quoted"))
                .region(region(n, path))
                .kind(cluster && !instance ? DbKind.CLUSTER : DbKind.INSTANCE)
                .identifier(identifier)
                .roleArn(matching(
                        n, path, "roleArn", ROLE_ARN, "the ARN of the role Lifeboat assumes in the source account"))
                .externalId(externalId)
                .shareKmsKeyArn(optionalMatching(
                        n, path, "shareKmsKeyArn", KMS_ARN, "a KMS key ARN in the source account and region"))
                .backupReplicationRegion(region(n, path, "backupReplicationRegion", false))
                .build();
    }

    private SnapshotSettings snapshot(String path, JsonNode n) {
        if (n == null) {
            return SnapshotSettings.builder()
                    .mode(SnapshotSettings.Mode.COPY_AUTOMATED)
                    .copyStrategy(SnapshotSettings.CopyStrategy.AUTO)
                    .build();
        }
        allowOnly(n, path, Set.of("mode", "copyStrategy", "optionGroup", "stagingKmsKeyArn", "acceptIoFreeze"));
        SnapshotSettings.Mode mode =
                choice(n, path, "mode", SnapshotSettings.Mode.class, SnapshotSettings.Mode.COPY_AUTOMATED);
        SnapshotSettings.CopyStrategy strategy = choice(
                n, path, "copyStrategy", SnapshotSettings.CopyStrategy.class, SnapshotSettings.CopyStrategy.AUTO);
        String staging = optionalMatching(
                n, path, "stagingKmsKeyArn", KMS_ARN, "the backup account's KMS key ARN in the source region");
        if (strategy == SnapshotSettings.CopyStrategy.TWO_STEP && staging == null) {
            errors.add(
                    path
                            + ".stagingKmsKeyArn: is required with copyStrategy two-step (the backup account's key in the source region)");
        }
        JsonNode freeze = n.path("acceptIoFreeze");
        if (!freeze.isMissingNode() && !freeze.isBoolean()) {
            errors.add(path + ".acceptIoFreeze: must be true or false");
        }
        return SnapshotSettings.builder()
                .mode(mode)
                .copyStrategy(strategy)
                .optionGroup(text(n, path, "optionGroup", false))
                .stagingKmsKeyArn(staging)
                .acceptIoFreeze(freeze.asBoolean(false))
                .build();
    }

    private Retention retention(String path, JsonNode n) {
        if (n == null) {
            return null;
        }
        allowOnly(n, path, Set.of("daily", "weekly", "monthly", "yearly", "maxDeletesPerRun"));
        int daily = count(n, path, "daily");
        int weekly = count(n, path, "weekly");
        int monthly = count(n, path, "monthly");
        int yearly = count(n, path, "yearly");
        if (daily + weekly + monthly + yearly == 0) {
            errors.add(path + ": keeps nothing; set at least one of daily, weekly, monthly, yearly above 0");
        }
        int brake =
                n.has("maxDeletesPerRun") ? count(n, path, "maxDeletesPerRun") : Retention.DEFAULT_MAX_DELETES_PER_RUN;
        if (n.has("maxDeletesPerRun") && brake < 1) {
            errors.add(path + ".maxDeletesPerRun: must be at least 1 (a daily run deletes the copy that aged out)");
        }
        return new Retention(daily, weekly, monthly, yearly, brake);
    }

    private Schedules schedules(String path, JsonNode n) {
        if (n == null) {
            return Schedules.builder().build();
        }
        allowOnly(n, path, Set.of("snapshot", "dump", "verify", "maxAge", "window"));
        java.time.Duration maxAge = duration(n, path, "maxAge");
        java.time.Duration window = duration(n, path, "window");
        java.time.Duration limit = maxAge == null ? Schedules.DEFAULT_MAX_AGE : maxAge;
        if (window != null && window.compareTo(limit) >= 0) {
            errors.add(path + ".window: " + window.toHours() + " h is not shorter than maxAge (" + limit.toHours()
                    + " h): a run starting that late would already count as stale; shorten the window or raise"
                    + " maxAge");
        }
        return Schedules.builder()
                .snapshot(schedule(n, path, "snapshot"))
                .dump(schedule(n, path, "dump"))
                .verify(schedule(n, path, "verify"))
                .maxAge(maxAge)
                .window(window)
                .build();
    }

    private java.time.Duration duration(JsonNode n, String path, String field) {
        String text = text(n, path, field, false);
        if (text == null) {
            return null;
        }
        try {
            return dev.lifeboat.core.model.Durations.parse(text, path + "." + field);
        } catch (IllegalArgumentException | InvalidInputException e) {
            errors.add(e.getMessage());
            return null;
        }
    }

    private DumpSettings dump(String path, JsonNode n) {
        if (n == null) {
            return null;
        }
        allowOnly(
                n,
                path,
                Set.of(
                        "secretArn",
                        "dbname",
                        "vpcId",
                        "subnetIds",
                        "securityGroupIds",
                        "egress",
                        "databaseSecurityGroupId",
                        "port",
                        "compression",
                        "jobs",
                        "runOn",
                        "fargateShare",
                        "fargateAboveGiB",
                        "stream"));
        dev.lifeboat.core.model.RunOn runOn = null;
        if (n.has("runOn")) {
            String v = n.get("runOn").asText();
            switch (v) {
                case "lambda" -> runOn = dev.lifeboat.core.model.RunOn.LAMBDA;
                case "fargate" -> runOn = dev.lifeboat.core.model.RunOn.FARGATE;
                case "auto" -> runOn = dev.lifeboat.core.model.RunOn.AUTO;
                default ->
                    errors.add(path + ".runOn: '" + v + "' is not lambda, fargate or auto (auto: Fargate once a dump"
                            + " takes more than fargateShare of Lambda's 15 minutes)");
            }
        }
        double share = 0;
        if (n.has("fargateShare")) {
            JsonNode f = n.get("fargateShare");
            if (!f.isNumber() || f.asDouble() <= 0 || f.asDouble() > 1) {
                errors.add(path + ".fargateShare: '" + f.asText() + "' must be a number above 0 and at most 1"
                        + " (0.5: Fargate once a dump takes more than 7.5 of Lambda's 15 minutes)");
            } else {
                share = f.asDouble();
            }
        }
        Long aboveBytes = null;
        if (n.has("fargateAboveGiB")) {
            JsonNode g = n.get("fargateAboveGiB");
            if (!g.isNumber() || g.asDouble() <= 0) {
                errors.add(path + ".fargateAboveGiB: '" + g.asText() + "' must be a positive number of GiB");
            } else {
                aboveBytes = (long) (g.asDouble() * 1024 * 1024 * 1024);
            }
        }
        Integer jobs = null;
        if (n.has("jobs")) {
            JsonNode j = n.get("jobs");
            if (!j.isInt() || j.asInt() < 1 || j.asInt() > 16) {
                errors.add(path + ".jobs: '" + j.asText() + "' must be a whole number from 1 to 16 (1: one stream)");
            } else {
                jobs = j.asInt();
            }
        }
        dev.lifeboat.core.model.Compression compression = null;
        if (n.has("compression")) {
            try {
                compression = dev.lifeboat.core.model.Compression.parse(
                        n.get("compression").asText());
            } catch (dev.lifeboat.core.error.InvalidInputException e) {
                errors.add(path + ".compression: " + e.getMessage() + "; " + e.hint());
            }
        }
        String dbGroup = optionalMatching(
                n,
                path,
                "databaseSecurityGroupId",
                Pattern.compile("sg-[0-9a-f]{8,17}"),
                "the database's security group (sg-...), to which the CDK app adds a rule admitting the dump function");
        Integer port = null;
        if (n.has("port")) {
            JsonNode p = n.get("port");
            if (!p.isInt() || p.asInt() < 1 || p.asInt() > 65535) {
                errors.add(path + ".port: '" + p.asText() + "' must be a TCP port, 1 to 65535");
            } else {
                port = p.asInt();
            }
        }
        if (dbGroup != null && n.get("vpcId") == null) {
            errors.add(
                    path
                            + ".databaseSecurityGroupId: only with vpcId (the function's security groups are the rule's source)");
        }
        String vpc = optionalMatching(
                n, path, "vpcId", Pattern.compile("vpc-[0-9a-f]{8,17}"), "a VPC id such as vpc-0123456789abcdef0");
        List<String> subnets = ids(n, path, "subnetIds", "subnet-");
        List<String> groups = ids(n, path, "securityGroupIds", "sg-");
        if (vpc != null && subnets.isEmpty()) {
            errors.add(path + ": with vpcId, give subnetIds too (the dump function runs in them; without"
                    + " securityGroupIds the CDK app gives it a security group of its own)");
        }
        LifeboatConfig.Egress egress = vpc == null ? null : egress(n.get("egress"), path + ".egress");
        LifeboatConfig.StreamSettings stream = stream(n.get("stream"), path + ".stream");
        if (stream != null && (vpc == null || (egress != null && egress.mode() != LifeboatConfig.Egress.Kind.NAT))) {
            errors.add(path + ".stream: the streamer runs as an ECS Fargate service in the database's VPC, which pulls"
                    + " its image from ECR and writes its log to CloudWatch Logs: give vpcId and subnetIds with egress:"
                    + " nat");
        }
        return DumpSettings.builder()
                .secretArn(matching(
                        n, path, "secretArn", SECRET_ARN, "the ARN of a Secrets Manager secret in the RDS format"))
                .dbname(text(n, path, "dbname", false))
                .vpcId(vpc)
                .subnetIds(subnets)
                .securityGroupIds(groups)
                .egress(egress)
                .databaseSecurityGroupId(dbGroup)
                .port(port)
                .compression(compression)
                .jobs(jobs)
                .runOn(runOn)
                .fargateShare(share)
                .fargateAboveBytes(aboveBytes)
                .stream(stream)
                .build();
    }

    /** {@code stream: true}, or {@code stream: {lagAlarm: 15m, retainedWalAlarmMiB: 4096}}; absent or false: none. */
    private LifeboatConfig.StreamSettings stream(JsonNode n, String path) {
        if (n == null || n.isNull() || (n.isBoolean() && !n.asBoolean())) {
            return null;
        }
        if (n.isBoolean()) {
            return LifeboatConfig.StreamSettings.DEFAULT;
        }
        if (!n.isObject()) {
            errors.add(path + ": '" + (n.isValueNode() ? n.asText() : n.toString())
                    + "' is not true, false or {lagAlarm: 15m, retainedWalAlarmMiB:"
                    + " 4096}");
            return null;
        }
        allowOnly(n, path, Set.of("lagAlarm", "retainedWalAlarmMiB"));
        java.time.Duration lag = duration(n, path, "lagAlarm");
        if (lag != null
                && (lag.compareTo(java.time.Duration.ofMinutes(2)) < 0
                        || lag.compareTo(java.time.Duration.ofDays(1)) > 0)) {
            errors.add(path + ".lagAlarm: " + dev.lifeboat.core.model.Durations.human(lag) + " must be from 2m to 24h"
                    + " (the streamer reports every minute; an idle database is confirmed every minute)");
        }
        long retained = LifeboatConfig.StreamSettings.DEFAULT_RETAINED_WAL_ALARM_BYTES;
        if (n.has("retainedWalAlarmMiB")) {
            JsonNode r = n.get("retainedWalAlarmMiB");
            if (!r.canConvertToLong() || !r.isIntegralNumber() || r.asLong() < 16 || r.asLong() > (1L << 24)) {
                errors.add(path + ".retainedWalAlarmMiB: '" + r.asText() + "' must be a whole number of MiB from 16"
                        + " up, below the server's max_slot_wal_keep_size");
            } else {
                retained = r.asLong() << 20;
            }
        }
        return new LifeboatConfig.StreamSettings(
                lag == null ? LifeboatConfig.StreamSettings.DEFAULT_LAG_ALARM : lag, retained);
    }

    /** The services a VPC endpoint may be reused for (docs/deploy.md, "Egress"). */
    private static final Set<String> ENDPOINT_SERVICES = Set.of("s3", "secretsmanager", "rds", "sts");

    /**
     * How a function in a VPC reaches AWS: {@code nat}, or {@code {mode: endpoints, routeTableIds: [rtb-...],
     * existing: {s3: vpce-...}}}. Required: on a private subnet without a path, the first call would wait out
     * the Lambda timeout.
     */
    private LifeboatConfig.Egress egress(JsonNode n, String path) {
        String how = "say how the function reaches AWS from its subnets: nat (they route 0.0.0.0/0 to a NAT gateway),"
                + " or {mode: endpoints, routeTableIds: [rtb-...]} to have the CDK app create VPC endpoints"
                + " (docs/deploy.md, Egress)";
        if (n == null || n.isNull()) {
            errors.add(path + ": is missing; " + how);
            return null;
        }
        if (n.isTextual()) {
            if (n.asText().equals("nat")) {
                return LifeboatConfig.Egress.NAT;
            }
            errors.add(path + ": '" + n.asText() + "' is not nat; " + how);
            return null;
        }
        if (!n.isObject()) {
            errors.add(path + ": " + how);
            return null;
        }
        allowOnly(n, path, Set.of("mode", "routeTableIds", "existing"));
        String mode = text(n, path, "mode", true);
        if (mode != null && !mode.equals("endpoints") && !mode.equals("nat")) {
            errors.add(path + ".mode: '" + mode + "' must be nat or endpoints");
            return null;
        }
        if ("nat".equals(mode)) {
            return LifeboatConfig.Egress.NAT;
        }
        List<String> routeTables = ids(n, path, "routeTableIds", "rtb-");
        java.util.Map<String, String> existing = new java.util.LinkedHashMap<>();
        JsonNode e = n.get("existing");
        if (e != null && !e.isNull()) {
            if (!e.isObject()) {
                errors.add(path + ".existing: must map a service ("
                        + String.join(", ", new java.util.TreeSet<>(ENDPOINT_SERVICES))
                        + ") to the id of its endpoint (vpce-...)");
            } else {
                for (var entry : e.properties()) {
                    if (!ENDPOINT_SERVICES.contains(entry.getKey())) {
                        errors.add(path + ".existing." + entry.getKey() + ": not a service Lifeboat calls from a VPC;"
                                + " one of " + String.join(", ", new java.util.TreeSet<>(ENDPOINT_SERVICES)));
                    } else if (!entry.getValue().asText().matches("vpce-[0-9a-f]{8,17}")) {
                        errors.add(path + ".existing." + entry.getKey() + ": '"
                                + entry.getValue().asText() + "' is not an endpoint id such as vpce-0123456789abcdef0");
                    } else {
                        existing.put(entry.getKey(), entry.getValue().asText());
                    }
                }
            }
        }
        if (routeTables.isEmpty() && !existing.containsKey("s3")) {
            errors.add(path + ".routeTableIds: the S3 gateway endpoint goes into the subnets' route tables: list them"
                    + " (rtb-...), or name an existing S3 endpoint in existing.s3");
        }
        return new LifeboatConfig.Egress(LifeboatConfig.Egress.Kind.ENDPOINTS, routeTables, existing);
    }

    private List<String> ids(JsonNode n, String path, String field, String prefix) {
        List<String> out = new ArrayList<>();
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            errors.add(path + "." + field + ": must be a list, e.g. [" + prefix + "0123456789abcdef0]");
            return out;
        }
        v.forEach(x -> {
            if (!x.asText().matches(Pattern.quote(prefix) + "[0-9a-f]{8,17}")) {
                errors.add(path + "." + field + ": '" + x.asText() + "' is not an id such as " + prefix
                        + "0123456789abcdef0");
            } else {
                out.add(x.asText());
            }
        });
        return out;
    }

    private LifeboatConfig.VerifySettings verify(String path, JsonNode n) {
        LifeboatConfig.VerifySettings d = LifeboatConfig.VerifySettings.defaults();
        if (n == null) {
            return d;
        }
        allowOnly(
                n,
                path,
                Set.of(
                        "instanceClass",
                        "subnetGroup",
                        "securityGroups",
                        "availableWithinMinutes",
                        "rowCountTolerance",
                        "maxAgeHours",
                        "assertions"));
        String cls = text(n, path, "instanceClass", false);
        if (cls != null && !cls.startsWith("db.")) {
            errors.add(path + ".instanceClass: '" + cls + "' is not an RDS instance class such as db.t4g.micro");
        }
        List<String> groups = new ArrayList<>();
        n.path("securityGroups").forEach(g -> groups.add(g.asText()));
        int within = n.has("availableWithinMinutes")
                ? positive(n, path, "availableWithinMinutes")
                : d.availableWithinMinutes();
        int maxAge = n.has("maxAgeHours") ? positive(n, path, "maxAgeHours") : d.maxAgeHours();
        double tolerance = d.rowCountTolerance();
        if (n.has("rowCountTolerance")) {
            JsonNode t = n.get("rowCountTolerance");
            if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 1) {
                errors.add(path + ".rowCountTolerance: '" + t.asText() + "' must be a fraction from 0 to 1, e.g. 0.05");
            } else {
                tolerance = t.asDouble();
            }
        }
        List<LifeboatConfig.Assertion> assertions = new ArrayList<>();
        int i = 0;
        for (JsonNode a : n.path("assertions")) {
            String ap = path + ".assertions[" + i++ + "]";
            allowOnly(a, ap, Set.of("name", "sql", "expect"));
            String expect = text(a, ap, "expect", true);
            if (expect != null) {
                try {
                    Expectation.parse(expect);
                } catch (InvalidInputException e) {
                    errors.add(
                            ap + ".expect: '" + expect + "' must be a comparison with a number: " + Expectation.FORMS);
                }
            }
            assertions.add(new LifeboatConfig.Assertion(text(a, ap, "name", true), text(a, ap, "sql", true), expect));
        }
        return new LifeboatConfig.VerifySettings(
                cls == null ? d.instanceClass() : cls,
                text(n, path, "subnetGroup", false),
                groups,
                within,
                tolerance,
                maxAge,
                assertions);
    }

    private int positive(JsonNode n, String path, String field) {
        JsonNode v = n.get(field);
        if (!v.isInt() || v.asInt() < 1) {
            errors.add(path + "." + field + ": '" + v.asText() + "' must be a whole number above 0");
            return 1;
        }
        return v.asInt();
    }

    private String schedule(JsonNode n, String path, String field) {
        String s = text(n, path, field, false);
        if (s != null) {
            ScheduleExpression.problem(s)
                    .ifPresent(
                            p -> errors.add(path + "." + field + ": '" + s + "' is not an EventBridge schedule: " + p));
        }
        return s;
    }

    private <E extends Enum<E>> E choice(JsonNode n, String path, String field, Class<E> type, E fallback) {
        String s = text(n, path, field, false);
        if (s == null) {
            return fallback;
        }
        String wanted = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        errors.add(prefix(path) + field + ": '" + s + "' is not one of " + allowed);
        return fallback;
    }

    private int count(JsonNode n, String path, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isInt() || v.asInt() < 0 || v.asInt() > 1000) {
            errors.add(path + "." + field + ": '" + v.asText() + "' must be a whole number from 0 to 1000");
            return 0;
        }
        return v.asInt();
    }

    /** A Region the SDK knows; a typo is answered with the nearest one. */
    private String region(JsonNode n, String path) {
        return region(n, path, "region", true);
    }

    private String region(JsonNode n, String path, String field, boolean required) {
        String s = text(n, path, field, required);
        if (s != null && !KnownRegions.IDS.contains(s)) {
            String nearest = KnownRegions.IDS.stream()
                    .min(Comparator.comparingInt((String r) -> distance(r, s)).thenComparing(r -> r))
                    .orElseThrow();
            errors.add(path + "." + field + ": '" + s + "' is not an AWS Region"
                    + (distance(nearest, s) <= 3 ? "; did you mean " + nearest + "?" : " (such as eu-central-1)"));
        }
        return s;
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private String matching(JsonNode n, String path, String field, Pattern p, String expected) {
        return checked(text(n, path, field, true), path, field, p, expected);
    }

    private String optionalMatching(JsonNode n, String path, String field, Pattern p, String expected) {
        return checked(text(n, path, field, false), path, field, p, expected);
    }

    private String checked(String s, String path, String field, Pattern p, String expected) {
        if (s != null && !p.matcher(s).matches()) {
            errors.add(path + "." + field + ": '" + s + "' is not " + expected);
        }
        return s;
    }

    private String text(JsonNode n, String path, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            if (required) {
                errors.add(prefix(path) + field + ": is missing");
            }
            return null;
        }
        if (!v.isValueNode()) {
            errors.add(prefix(path) + field + ": must be a single value");
            return null;
        }
        return v.asText();
    }

    private JsonNode required(JsonNode n, String path, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            errors.add(prefix(path) + field + ": is missing");
            return null;
        }
        if (!v.isObject() && !field.equals("databases")) {
            errors.add(prefix(path) + field + ": must be a mapping");
            return null;
        }
        return v;
    }

    private void allowOnly(JsonNode n, String path, Set<String> allowed) {
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                errors.add(prefix(path) + f + ": unknown field; allowed here: "
                        + allowed.stream().sorted().toList());
            }
        });
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ".";
    }
}
