package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 16: one lifeboat.yml for a fleet. Generated configurations of 1, 50 and 500 databases (the example's
 * shapes, instances and Aurora clusters, with and without verification, over up to 50 accounts in two Regions)
 * synthesize; every template stays inside CloudFormation's limits
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html: 500 resources, 1 MB
 * of template, 200 parameters, 200 outputs); the backup stack holds as many resources for 500 databases as for
 * 50; cdk-nag finds no error at 500. The 500-database file is left in target/fleet/ for scripts/test.sh to run
 * `cdk synth` and cfn-lint on.
 */
class FleetSynthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code n} databases over {@code min(n, 50)} accounts, in eu-west-1 and us-east-1; the first 5 accounts dump. */
    static String fleet(int n) {
        return fleet(n, 5);
    }

    /** ... with dumps in the first {@code dumpingAccounts} accounts. */
    static String fleet(int n, int dumpingAccounts) {
        return fleet(n, Math.min(n, 50), dumpingAccounts);
    }

    /** {@code n} databases over {@code accounts} accounts, the first {@code dumpingAccounts} of them dumping. */
    static String fleet(int n, int accounts, int dumpingAccounts) {
        StringBuilder y = new StringBuilder("""
                dumpConcurrency: 4
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  vault: s3://acme-lifeboat-vault/lifeboat
                  vaultRetentionDays: 1098
                  breakGlassRoleArn: arn:aws:iam::222222222222:role/lifeboat-break-glass
                  alarmEmails: [oncall@example.com]
                  network:
                    vpcId: vpc-0b1c2d3e4f5a60718
                    subnetIds: [subnet-0b1c2d3e4f5a60718, subnet-0e1f2a3b4c5d69788]
                    securityGroupIds: [sg-0b1c2d3e4f5a60718]
                    egress: nat
                databases:
                """);
        for (int i = 0; i < n; i++) {
            String account = String.format("1%011d", i % accounts);
            String region = (i / accounts) % 2 == 0 ? "eu-west-1" : "us-east-1";
            boolean cluster = i % 5 == 4;
            y.append("  db")
                    .append(i)
                    .append(":\n")
                    .append("    engine: ")
                    .append(cluster ? "aurora-postgresql" : "postgres")
                    .append('\n')
                    .append("    source:\n")
                    .append("      account: \"")
                    .append(account)
                    .append("\"\n")
                    .append("      region: ")
                    .append(region)
                    .append('\n')
                    .append("      ")
                    .append(cluster ? "cluster" : "instance")
                    .append(": db")
                    .append(i)
                    .append("-prod\n")
                    .append("      roleArn: arn:aws:iam::")
                    .append(account)
                    .append(":role/lifeboat-source\n")
                    .append("      externalId: lifeboat-fleet\n")
                    .append("      shareKmsKeyArn: arn:aws:kms:")
                    .append(region)
                    .append(':')
                    .append(account)
                    .append(":key/5678efgh-12ab-34cd-56ef-1234567890ab\n")
                    .append("    retention: {daily: 7, weekly: 4, monthly: 12, yearly: 3}\n")
                    .append("    schedules:\n")
                    .append("      snapshot: cron(0 2 * * ? *)\n")
                    .append("      window: 4h\n")
                    .append("      maxAge: 30h\n");
            if (i % 3 == 0) {
                y.append("      verify: cron(0 6 ? * MON *)\n");
            }
            if (i % accounts < dumpingAccounts && !cluster) {
                y.append("      dump: cron(30 2 * * ? *)\n")
                        .append("    dump:\n")
                        .append("      secretArn: arn:aws:secretsmanager:")
                        .append(region)
                        .append(':')
                        .append(account)
                        .append(":secret:lifeboat/db")
                        .append(i)
                        .append("-AbCdEf\n")
                        .append("      vpcId: vpc-0a1b2c3d4e5f60718\n")
                        .append("      subnetIds: [subnet-0a1b2c3d4e5f60718]\n")
                        .append("      securityGroupIds: [sg-0a1b2c3d4e5f60718]\n")
                        .append("      egress: nat\n");
            }
        }
        return y.toString();
    }

    /**
     * IAM's and the services' own limits on policy documents, which CloudFormation does not check before it
     * deploys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a role's inline
     * policies 10,240 characters in all, a managed policy 6,144, at most 10 managed policies a role; a bucket
     * policy 20 KB; a key policy 32 KB. Whitespace is not counted.
     */
    @SuppressWarnings("unchecked")
    private static void policySizes(String stack, Map<String, Object> resources) {
        Map<String, Integer> inline = new LinkedHashMap<>();
        Map<String, Integer> managedPerRole = new LinkedHashMap<>();
        for (var e : resources.entrySet()) {
            Map<String, Object> r = (Map<String, Object>) e.getValue();
            Map<String, Object> p = (Map<String, Object>) r.getOrDefault("Properties", Map.of());
            String where = stack + "/" + e.getKey();
            switch ((String) r.get("Type")) {
                case "AWS::IAM::Policy" -> {
                    int n = size(p.get("PolicyDocument"));
                    for (Object role : (List<Object>) p.getOrDefault("Roles", List.of())) {
                        inline.merge(role.toString(), n, Integer::sum);
                    }
                }
                case "AWS::IAM::ManagedPolicy" -> {
                    assertThat(size(p.get("PolicyDocument"))).as(where).isLessThanOrEqualTo(6_144);
                    for (Object role : (List<Object>) p.getOrDefault("Roles", List.of())) {
                        managedPerRole.merge(role.toString(), 1, Integer::sum);
                    }
                }
                case "AWS::S3::BucketPolicy" ->
                    assertThat(size(p.get("PolicyDocument"))).as(where).isLessThanOrEqualTo(20_480);
                case "AWS::KMS::Key" ->
                    assertThat(size(p.get("KeyPolicy"))).as(where).isLessThanOrEqualTo(32_768);
                default -> {
                    // no policy document of a limited size
                }
            }
        }
        inline.forEach((role, n) ->
                assertThat(n).as(stack + " inline policies of " + role).isLessThanOrEqualTo(10_240));
        managedPerRole.forEach((role, n) ->
                assertThat(n).as(stack + " managed policies of " + role).isLessThanOrEqualTo(10));
    }

    private static int size(Object document) {
        try {
            return JSON.writeValueAsString(document).length();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The vault's bucket policy no longer grows a statement per dumping account (one statement, each account writing
     * only in its own space): 300 accounts that all dump synthesize, and the policy stays within S3's 20 KB.
     */
    @Test
    void threeHundredAccountsThatAllDump_fitTheVaultPolicy() throws Exception {
        LifeboatApp.Stacks stacks = LifeboatApp.build(
                new App(),
                ConfigLoader.parse(fleet(300, 300, 300), "300 dumping accounts"),
                Path.of("..").toAbsolutePath().normalize());
        Map<String, Object> t = Template.fromStack(stacks.backup()).toJSON();
        @SuppressWarnings("unchecked")
        Map<String, Object> resources = (Map<String, Object>) t.get("Resources");
        policySizes("LifeboatBackup", resources);
        int size = resources.values().stream()
                .map(r -> (Map<?, ?>) r)
                .filter(r -> "AWS::S3::BucketPolicy".equals(r.get("Type")))
                .mapToInt(r -> size(((Map<?, ?>) r.get("Properties")).get("PolicyDocument")))
                .max()
                .orElseThrow();
        String policy = JSON.writeValueAsString(resources);
        assertThat(policy).contains("DumpsIntoTheirAccountsSpace").doesNotContain("DumpsFrom1");
        Path out = Path.of("target", "fleet");
        Files.createDirectories(out);
        Files.writeString(out.resolve("vault-policy-300-accounts.txt"), size + " characters\n");
        assertThat(size).isLessThanOrEqualTo(VaultBucket.VAULT_POLICY_AT_MOST);
    }

    /** Issue 16: the databases of one source instance share a schedule and dump one after another. */
    @Test
    void theDatabasesOfOneInstance_shareOneDumpSchedule_theOthersHaveTheirOwn() {
        // One account: db0 and db2 in eu-west-1, db1 in us-east-1; db0 and db2 made to share an instance.
        String yaml = fleet(3, 1, 1).replace("instance: db2-prod", "instance: db0-prod");
        LifeboatApp.Stacks stacks = LifeboatApp.build(
                new App(),
                ConfigLoader.parse(yaml, "3 databases"),
                Path.of("..").toAbsolutePath().normalize());
        Stack euWest = stacks.sources().stream()
                .filter(st -> st.getStackName().endsWith("eu-west-1"))
                .findFirst()
                .orElseThrow();
        Map<String, Map<String, Object>> schedules =
                Template.fromStack(euWest).findResources("AWS::Scheduler::Schedule");
        List<String> inputs = schedules.values().stream()
                .map(r -> ((Map<?, ?>) ((Map<?, ?>) r.get("Properties")).get("Target"))
                        .get("Input")
                        .toString())
                .sorted()
                .toList();
        // The function reads the schedule's input as the request the app wrote (issue 35: one type, both ends).
        assertThat(inputs).hasSize(1);
        assertThat(dev.lifeboat.protocol.request.BackupRequest.read(
                        dev.lifeboat.protocol.request.Requests.tree(inputs.getFirst())))
                .isEqualTo(dev.lifeboat.protocol.request.DumpRun.of(
                        List.of("db0", "db2"), "<aws.scheduler.scheduled-time>"));
    }

    private record Synthesized(LifeboatApp.Stacks stacks, Map<String, Integer> resources) {}

    @SuppressWarnings("unchecked")
    private static Synthesized synth(int n) {
        LifeboatApp.Stacks stacks = LifeboatApp.build(
                new App(),
                ConfigLoader.parse(fleet(n), n + " databases"),
                Path.of("..").toAbsolutePath().normalize());
        Map<String, Integer> resources = new LinkedHashMap<>();
        List<Stack> all = new ArrayList<>(List.of(stacks.backup()));
        all.addAll(stacks.sources());
        all.addAll(stacks.regionKeys());
        for (Stack s : all) {
            Map<String, Object> t = Template.fromStack(s).toJSON();
            String text;
            try {
                text = JSON.writeValueAsString(t);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            int count = ((Map<?, ?>) t.get("Resources")).size();
            policySizes(s.getStackName(), (Map<String, Object>) t.get("Resources"));
            resources.put(s.getStackName(), count);
            assertThat(count).as(s.getStackName() + " resources").isLessThanOrEqualTo(500);
            assertThat(text.length()).as(s.getStackName() + " template bytes").isLessThan(1_000_000);
            assertThat(t.get("Parameters") == null ? 0 : ((Map<?, ?>) t.get("Parameters")).size())
                    .as(s.getStackName() + " parameters")
                    .isLessThanOrEqualTo(200);
            assertThat(t.get("Outputs") == null ? 0 : ((Map<?, ?>) t.get("Outputs")).size())
                    .as(s.getStackName() + " outputs")
                    .isLessThanOrEqualTo(200);
        }
        return new Synthesized(stacks, resources);
    }

    @Test
    void oneFiftyAndFiveHundredDatabases_synthesize_withinCloudFormationsLimits_andABackupStackOfConstantSize()
            throws Exception {
        Synthesized one = synth(1);
        Synthesized fifty = synth(50);
        Synthesized many = synth(500);

        int backup50 = fifty.resources().get("LifeboatBackup");
        int backup500 = many.resources().get("LifeboatBackup");
        assertThat(backup500)
                .as("the backup stack does not grow with the fleet")
                .isEqualTo(backup50);
        assertThat(one.resources().get("LifeboatBackup")).isLessThanOrEqualTo(backup50);
        // The counts the README and the deploy guide state are these, not last month's.
        String readme = java.nio.file.Files.readString(Path.of("../README.md")).replaceAll("\\s+", " ");
        String deploy =
                java.nio.file.Files.readString(Path.of("../docs/deploy.md")).replaceAll("\\s+", " ");
        var stated = java.util.regex.Pattern.compile("holds (\\d+) resources for 50 databases and for 500")
                .matcher(readme);
        assertThat(stated.find()).as("README.md states the backup stack's size").isTrue();
        assertThat(Integer.parseInt(stated.group(1))).as("README.md's count").isEqualTo(backup50);
        var guide = java.util.regex.Pattern.compile(
                        "`FleetSynthTest`: (\\d+) resources for 1 database, (\\d+) for 50 and for 500")
                .matcher(deploy);
        assertThat(guide.find())
                .as("docs/deploy.md states the backup stack's sizes")
                .isTrue();
        assertThat(Integer.parseInt(guide.group(1)))
                .as("docs/deploy.md's count for 1 database")
                .isEqualTo(one.resources().get("LifeboatBackup"));
        assertThat(Integer.parseInt(guide.group(2)))
                .as("docs/deploy.md's count for 50")
                .isEqualTo(backup50);
        assertThat(many.stacks().sources()).hasSize(100);
        // At most 4 dumps at once per source account and Region; Lambda queues the rest.
        Template.fromStack(many.stacks().sources().getFirst())
                .hasResourceProperties(
                        "AWS::Lambda::Function", Match.objectLike(Map.of("ReservedConcurrentExecutions", 4)));
        // Dumps spread over the window too, each at its own minute (cron(30 2 ...) moved by the database's offset).
        Map<String, Map<String, Object>> dumps =
                Template.fromStack(many.stacks().sources().getFirst()).findResources("AWS::Scheduler::Schedule");
        assertThat(dumps).isNotEmpty();
        for (Map<String, Object> d : dumps.values()) {
            Map<?, ?> p = (Map<?, ?>) d.get("Properties");
            String name = p.get("Name").toString();
            String db = name.substring("lifeboat-".length(), name.length() - "-dump".length());
            assertThat(p.get("ScheduleExpression"))
                    .isEqualTo(dev.lifeboat.protocol.ScheduleSpread.shifted(
                                    "cron(30 2 * * ? *)",
                                    dev.lifeboat.protocol.ScheduleSpread.offset(db, java.time.Duration.ofHours(4)))
                            .orElseThrow());
        }
        for (Stack s : List.of(many.stacks().backup(), many.stacks().sources().getFirst())) {
            assertThat(Annotations.fromStack(s).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                    .as("cdk-nag at 500 databases, " + s.getStackName())
                    .isEmpty();
        }
        Path out = Path.of("target", "fleet");
        Files.createDirectories(out);
        Files.writeString(out.resolve("lifeboat-500.yml"), fleet(500));
        Files.writeString(
                out.resolve("resources.json"),
                JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Map.of(
                                "1",
                                one.resources().get("LifeboatBackup"),
                                "50",
                                backup50,
                                "500",
                                backup500,
                                "largestSourceStackAt500",
                                many.resources().entrySet().stream()
                                        .filter(e -> !e.getKey().equals("LifeboatBackup"))
                                        .mapToInt(Map.Entry::getValue)
                                        .max()
                                        .orElse(0))));
    }
}
