package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class LifeboatAppTest {
    static LifeboatApp.Stacks stacks;
    static Template backup;
    static Template source;

    @BeforeAll
    static void synth() {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        App app = new App();
        stacks = LifeboatApp.build(app, config, Path.of("..").toAbsolutePath().normalize());
        backup = Template.fromStack(stacks.backup());
        source = Template.fromStack(stacks.sources().getFirst());
    }

    @Test
    void theVault_hasComplianceObjectLock_versioning_kms_andNoPublicAccess() {
        backup.hasResourceProperties(
                "AWS::S3::Bucket",
                Match.objectLike(Map.of(
                        "ObjectLockEnabled", true,
                        "ObjectLockConfiguration",
                                Map.of(
                                        "ObjectLockEnabled",
                                        "Enabled",
                                        "Rule",
                                        Map.of("DefaultRetention", Map.of("Mode", "COMPLIANCE", "Days", 1098))),
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "PublicAccessBlockConfiguration",
                                Map.of(
                                        "BlockPublicAcls",
                                        true,
                                        "BlockPublicPolicy",
                                        true,
                                        "IgnorePublicAcls",
                                        true,
                                        "RestrictPublicBuckets",
                                        true))));
        backup.hasResource(
                "AWS::S3::Bucket",
                Match.objectLike(Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain")));
        var rule = Match.objectLike(
                Map.of("Transitions", List.of(Map.of("StorageClass", "GLACIER_IR", "TransitionInDays", 30))));
        backup.hasResourceProperties(
                "AWS::S3::Bucket",
                Match.objectLike(Map.of("LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(rule))))));
    }

    @Test
    void theVaultPolicy_deniesTamperingToEveryoneButTheBreakGlassRole() {
        var deny = Match.objectLike(Map.of(
                "Sid",
                "DenyTamperingExceptBreakGlass",
                "Effect",
                "Deny",
                "Action",
                Match.arrayWith(List.of(
                        "s3:DeleteObjectVersion",
                        "s3:PutBucketPolicy",
                        "s3:PutBucketObjectLockConfiguration",
                        "s3:PutLifecycleConfiguration")),
                "Condition",
                Map.of(
                        "ArnNotEquals",
                        Map.of("aws:PrincipalArn", "arn:aws:iam::222222222222:role/lifeboat-break-glass"))));
        backup.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Match.objectLike(Map.of(
                        "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(deny)))))));
    }

    /**
     * Issue 11, item 7: the vault had a generated name while the dump roles wrote to lifeboat.yml's; any
     * source account could write any key; manifests were protected by the client alone; delete markers were
     * allowed.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theVault_isTheBucketLifeboatYmlNames_partitionedByWriter_withManifestsWrittenOnce() throws Exception {
        LifeboatConfig example = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        String bucket = VaultUri.bucket(example.backup().vault());
        backup.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of("BucketName", bucket)));
        assertThat(allowStatements(source, "DumpFunctionRole"))
                .filteredOn(st -> ((List<String>) st.get("Action")).contains("s3:PutObject"))
                .singleElement()
                .satisfies(st -> assertThat(st.get("Resource"))
                        .isEqualTo("arn:aws:s3:::" + bucket + "/"
                                + VaultUri.prefix(example.backup().vault())
                                + "accounts/111111111111/dumps/orders/*"));
        var manifests = Match.objectLike(Map.of(
                "Sid", "ManifestsOnlyIfAbsent",
                "Effect", "Deny",
                "Action", "s3:PutObject",
                "Condition", Map.of("Null", Map.of("s3:if-none-match", "true"))));
        var noDeleteMarkers = Match.objectLike(
                Map.of("Sid", "DenyTamperingExceptBreakGlass", "Action", Match.arrayWith(List.of("s3:DeleteObject"))));
        backup.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Match.objectLike(Map.of(
                        "PolicyDocument",
                        Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(noDeleteMarkers, manifests)))))));
        String policy = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(backup.findResources("AWS::S3::BucketPolicy"));
        assertThat(policy)
                .contains("/" + VaultUri.prefix(example.backup().vault()) + "accounts/${aws:PrincipalAccount}/dumps/*");
    }

    /**
     * Issue 16: one statement lets every dumping account write, each only in its own space of the vault, so the
     * bucket policy no longer grows a statement per account. Evaluated from both synthesized policies, the dump
     * role's and the vault's, as S3 would across accounts.
     */
    @Test
    void aDumpRole_writesOnlyInItsOwnAccountsSpace_andNothingElseInItsAccountWritesThere() {
        TemplatePolicies backupPolicies = new TemplatePolicies(stacks.backup());
        TemplatePolicies sourcePolicies = new TemplatePolicies(stacks.sources().getFirst());
        String vaultId = backup.findResources("AWS::S3::Bucket").entrySet().stream()
                .filter(e ->
                        "acme-lifeboat-vault".equals(((Map<?, ?>) e.getValue().get("Properties")).get("BucketName")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        String bucketArn = "arn:aws:s3:::acme-lifeboat-vault";
        com.fasterxml.jackson.databind.JsonNode bucketPolicy;
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var doc = backup.findResources("AWS::S3::BucketPolicy").values().stream()
                    .filter(r -> Map.of("Ref", vaultId).equals(((Map<?, ?>) r.get("Properties")).get("Bucket")))
                    .findFirst()
                    .orElseThrow();
            String text = json.writeValueAsString(backupPolicies.resolve(
                            json.valueToTree(((Map<?, ?>) doc.get("Properties")).get("PolicyDocument"))))
                    .replace(TemplatePolicies.arnOf(vaultId), bucketArn);
            bucketPolicy = json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String dumpRole = "arn:aws:iam::111111111111:role/" + SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1";
        var dumpRoles = new PolicyEvaluator.Policies(
                List.of(),
                List.of(sourcePolicies.identity(
                        sourcePolicies.roleNamed(SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1"))),
                bucketPolicy,
                "222222222222",
                false);
        String own = bucketArn + "/lifeboat/accounts/111111111111/dumps/orders/2026/11/26/x.pgdump";
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:PutObject", own), dumpRoles))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:GetObject", own), dumpRoles))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:ListBucket", bucketArn), dumpRoles))
                .as("HeadBucket, the dump's first check")
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        for (String elsewhere : List.of(
                bucketArn + "/lifeboat/accounts/333333333333/dumps/orders/2026/11/26/x.pgdump",
                bucketArn + "/lifeboat/dumps/orders/2026/11/26/x.pgdump",
                bucketArn + "/lifeboat/shapes/orders/x.shape.json",
                bucketArn + "/lifeboat/accounts/111111111111/dumps/ledger/2026/11/26/x.pgdump")) {
            assertThat(PolicyEvaluator.decide(
                            new PolicyEvaluator.Request(dumpRole, "s3:PutObject", elsewhere), dumpRoles))
                    .as(elsewhere)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:DeleteObject", own), dumpRoles))
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        // Production's administrators, and a dump role's name in an account lifeboat.yml does not name, get nothing
        // from the vault's policy, whatever their own policies allow.
        var everything = PolicyEvaluator.parse(
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}");
        var admins = new PolicyEvaluator.Policies(List.of(), List.of(everything), bucketPolicy, "222222222222", false);
        for (String principal : List.of(
                "arn:aws:iam::111111111111:role/admin",
                "arn:aws:iam::444444444444:role/" + SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1")) {
            String theirs = bucketArn + "/lifeboat/accounts/"
                    + principal.substring("arn:aws:iam::".length(), "arn:aws:iam::".length() + 12)
                    + "/dumps/orders/x.pgdump";
            assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(principal, "s3:PutObject", theirs), admins))
                    .as(principal)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        // Production owns its dump role and may widen the role's own policy: the vault's policy still keeps it in its
        // own account's space.
        for (String notItsOwn : List.of(
                bucketArn + "/lifeboat/accounts/333333333333/dumps/users/2026/11/26/x.pgdump",
                bucketArn + "/lifeboat/dumps/orders/2026/11/26/x.pgdump",
                bucketArn + "/lifeboat/shapes/orders/x.shape.json")) {
            assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:PutObject", notItsOwn), admins))
                    .as(notItsOwn)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:PutObject", own), admins))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    /**
     * Issue 37, items 4 and 6: production's dump roles write their dumps under the backup key and the vault's own
     * lock, never a key or a lock of their choosing; the verification role writes its reports and the recovery log,
     * nothing else. Evaluated from the synthesized policies, the writes carrying the headers S3 puts in the request
     * context (x-amz-server-side-encryption, its KMS key id, the SSE-C customer algorithm).
     */
    @Test
    void theVaultsWriters_chooseNeitherKeyNorLock_andTheVerificationRoleWritesOnlyItsOwnPrefixes() {
        String bucketArn = "arn:aws:s3:::acme-lifeboat-vault";
        TemplatePolicies sourcePolicies = new TemplatePolicies(stacks.sources().getFirst());
        String dumpRole = "arn:aws:iam::111111111111:role/" + SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1";
        var dumpRoles = new PolicyEvaluator.Policies(
                List.of(),
                List.of(sourcePolicies.identity(
                        sourcePolicies.roleNamed(SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1"))),
                vaultPolicy(bucketArn),
                "222222222222",
                false);
        String own = bucketArn + "/lifeboat/accounts/111111111111/dumps/orders/2026/11/26/x.0a1b2c3d.pgdump";
        String backupKey = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"))
                .backup()
                .kmsKeyArn();
        String kmsKeyId = "s3:x-amz-server-side-encryption-aws-kms-key-id";
        String sse = "s3:x-amz-server-side-encryption";
        Map<String, Map<String, List<String>>> allowed = Map.of(
                "the backup key, as the dump function writes",
                Map.of(sse, List.of("aws:kms"), kmsKeyId, List.of(backupKey)),
                "no header: the vault's default, the backup key",
                Map.of());
        allowed.forEach((why, context) -> assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(dumpRole, "s3:PutObject", own, context), dumpRoles))
                .as(why)
                .isEqualTo(PolicyEvaluator.Decision.ALLOW));
        Map<String, Map<String, List<String>>> refused = Map.of(
                "a key production owns",
                Map.of(sse, List.of("aws:kms"), kmsKeyId, List.of("arn:aws:kms:eu-central-1:111111111111:key/mine")),
                "SSE-S3",
                Map.of(sse, List.of("AES256")),
                "DSSE-KMS under the backup key",
                Map.of(sse, List.of("aws:kms:dsse"), kmsKeyId, List.of(backupKey)),
                "SSE-C, a key only production holds",
                Map.of("s3:x-amz-server-side-encryption-customer-algorithm", List.of("AES256")));
        refused.forEach((why, context) -> assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(dumpRole, "s3:PutObject", own, context), dumpRoles))
                .as(why)
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW));
        for (String lock : List.of("s3:PutObjectRetention", "s3:BypassGovernanceRetention", "s3:PutObjectLegalHold")) {
            assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, lock, own), dumpRoles))
                    .as(lock + ": the vault's default lock applies, the writer picks no mode or date")
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }

        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        String verification = Names.roleArn("222222222222", Names.VERIFICATION_ROLE);
        // The backup account's own role: its identity policy decides (the vault's policy grants it nothing).
        var verifier =
                PolicyEvaluator.Policies.identityOnly("222222222222", t.identity(t.roleNamed(Names.VERIFICATION_ROLE)));
        String vaultObjects = TemplatePolicies.arnOf(vaultLogicalId());
        for (String mine :
                List.of("/lifeboat/verifications/orders/20261126T040000Z.json", "/lifeboat/restores/orders/x.json")) {
            assertThat(PolicyEvaluator.decide(
                            new PolicyEvaluator.Request(verification, "s3:PutObject", vaultObjects + mine), verifier))
                    .as(mine)
                    .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        for (String notMine : List.of(
                "/lifeboat/accounts/111111111111/dumps/orders/2026/11/26/x.manifest.json",
                "/lifeboat/shapes/orders/lifeboat-orders-20261126-0300.json",
                "/lifeboat/dumps/orders/x.manifest.json",
                "/elsewhere/x")) {
            assertThat(PolicyEvaluator.decide(
                            new PolicyEvaluator.Request(verification, "s3:PutObject", vaultObjects + notMine),
                            verifier))
                    .as(notMine)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
    }

    /**
     * Issue 37, item 3: a schedule that cannot invoke its target is not dropped in silence. Every schedule of the
     * backup stack has a dead-letter queue its execution role may send to (the queue's key included), and an alarm
     * with an action watches that queue.
     */
    @Test
    void everySchedule_hasADeadLetterQueueItsRoleMaySendTo_andAnAlarmWatchesIt() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        com.fasterxml.jackson.databind.JsonNode resources =
                json.valueToTree(backup.toJSON().get("Resources"));
        java.util.Set<String> queues = new java.util.TreeSet<>();
        int schedules = 0;
        for (var r : resources.properties()) {
            if (!"AWS::Scheduler::Schedule".equals(r.getValue().path("Type").asText())) {
                continue;
            }
            schedules++;
            var target = r.getValue().at("/Properties/Target");
            assertThat(target.has("DeadLetterConfig")).as(r.getKey()).isTrue();
            String queueId =
                    target.at("/DeadLetterConfig/Arn/Fn::GetAtt").get(0).asText();
            String roleId = target.at("/RoleArn/Fn::GetAtt").get(0).asText();
            queues.add(queueId);
            String roleArn = "arn:aws:iam::222222222222:role/" + roleId;
            var identity = t.identity(roleId);
            assertThat(PolicyEvaluator.decide(
                            new PolicyEvaluator.Request(roleArn, "sqs:SendMessage", TemplatePolicies.arnOf(queueId)),
                            PolicyEvaluator.Policies.identityOnly("222222222222", identity)))
                    .as(r.getKey() + ": its role sends to " + queueId)
                    .isEqualTo(PolicyEvaluator.Decision.ALLOW);
            var keyRef = resources.get(queueId).at("/Properties/KmsMasterKeyId");
            String keyId = keyRef.has("Ref")
                    ? keyRef.get("Ref").asText()
                    : keyRef.get("Fn::GetAtt").get(0).asText();
            var keyPolicy = new PolicyEvaluator.Policies(
                    List.of(),
                    List.of(identity),
                    t.resolve(resources.get(keyId).at("/Properties/KeyPolicy")),
                    "222222222222",
                    true);
            for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
                assertThat(PolicyEvaluator.decide(
                                new PolicyEvaluator.Request(roleArn, action, TemplatePolicies.arnOf(keyId)), keyPolicy))
                        .as(r.getKey() + ": " + action + " on the queue's key " + keyId)
                        .isEqualTo(PolicyEvaluator.Decision.ALLOW);
            }
        }
        assertThat(schedules).as("retention, sweeper, audit and the fan-outs").isGreaterThanOrEqualTo(4);
        assertThat(queues).hasSize(1);
        String queue = queues.iterator().next();
        boolean watched = false;
        for (var r : resources.properties()) {
            var props = r.getValue().path("Properties");
            if ("AWS::CloudWatch::Alarm".equals(r.getValue().path("Type").asText())
                    && "ApproximateNumberOfMessagesVisible"
                            .equals(props.path("MetricName").asText())
                    && props.path("Dimensions").toString().contains(queue)) {
                assertThat(props.path("AlarmActions").size()).as(r.getKey()).isPositive();
                watched = true;
            }
        }
        assertThat(watched).as("an alarm watches " + queue).isTrue();
    }

    /**
     * Issues 40 and 41: the deployed streamer's role adds to its databases' change archives in its own account's space
     * and nowhere else: not the dumps, not another database's archive, not another account's space, not the root
     * that readers fall back to. Evaluated from the synthesized role and vault policies, as S3 would across accounts.
     */
    @Test
    void theStreamRole_writesOnlyItsDatabasesChangeArchive_inItsOwnAccountsSpace() {
        TemplatePolicies sourcePolicies = new TemplatePolicies(stacks.sources().getFirst());
        String bucketArn = "arn:aws:s3:::acme-lifeboat-vault";
        String role = "arn:aws:iam::111111111111:role/" + FargateStreams.ROLE_PREFIX + "eu-west-1";
        var policies = new PolicyEvaluator.Policies(
                List.of(),
                List.of(sourcePolicies.identity(sourcePolicies.roleNamed(FargateStreams.ROLE_PREFIX + "eu-west-1"))),
                vaultPolicy(bucketArn),
                "222222222222",
                false);
        String space = bucketArn + "/lifeboat/accounts/111111111111/";
        for (String own : List.of(
                space + "changes/orders/00000003010A2B40.a1b2c3d4.jsonl",
                space + "changes/orders/00000003010A2B40.segment.json")) {
            for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload")) {
                assertThat(PolicyEvaluator.decide(
                                new PolicyEvaluator.Request(role, action, own).with("s3:if-none-match", "*"), policies))
                        .as(action + " " + own)
                        .isEqualTo(PolicyEvaluator.Decision.ALLOW);
            }
            assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(role, "s3:DeleteObject", own), policies))
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        // What the archive's chain rests on is added once, never replaced: a segment's manifest, a gap's mark, a
        // binlog archive's start (found by helper-12: a replaced gap mark made the recovery point lie).
        for (String once : List.of(
                space + "changes/orders/00000003010A2B40.segment.json",
                space + "changes/orders/gaps/00000003010A2B40.gap.json",
                space + "binlog/orders/mysql-bin.000007/000000000004.segment.json",
                space + "binlog/orders/gaps/mysql-bin.000007/000000000004.gap.json",
                space + "binlog/orders/start.json")) {
            assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(role, "s3:PutObject", once), policies))
                    .as("replacing " + once)
                    .isEqualTo(PolicyEvaluator.Decision.EXPLICIT_DENY);
        }
        for (String elsewhere : List.of(
                space + "dumps/orders/2026/12/07/x.pgdump",
                space + "changes/ledger/00000003010A2B40.segment.json",
                bucketArn + "/lifeboat/accounts/333333333333/changes/orders/00000003010A2B40.segment.json",
                bucketArn + "/lifeboat/changes/orders/00000003010A2B40.segment.json",
                bucketArn + "/lifeboat/shapes/orders/x.shape.json")) {
            assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(role, "s3:PutObject", elsewhere), policies))
                    .as(elsewhere)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        // The vault admits into changes/ and binlog/ only the accounts with a streamed database.
        var statements = vaultPolicy(bucketArn).get("Statement");
        for (var st : statements) {
            String text = st.toString();
            if ("StreamsIntoTheirAccountsSpace".equals(st.path("Sid").asText())) {
                assertThat(text).contains("111111111111").contains("/changes/*").contains("/binlog/*");
            } else if ("DumpsIntoTheirAccountsSpace".equals(st.path("Sid").asText())) {
                assertThat(text).doesNotContain("/changes/").doesNotContain("/binlog/");
            }
        }
        // The dump role keeps to the dumps: the change archive is the streamer's alone.
        String dumpRole = "arn:aws:iam::111111111111:role/" + SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1";
        var dumps = new PolicyEvaluator.Policies(
                List.of(),
                List.of(sourcePolicies.identity(
                        sourcePolicies.roleNamed(SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1"))),
                vaultPolicy(bucketArn),
                "222222222222",
                false);
        assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(
                                dumpRole, "s3:PutObject", space + "changes/orders/00000003010A2B40.segment.json"),
                        dumps))
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    /**
     * Issues 40 and 41: orders (dump.stream: true in the example) gets one streamer task, never two at once (a
     * deployment stops the old one first: one reader per slot), from the dump image as the stream role, and four
     * alarms on the account's alarm topic: lag, silence, gaps, the slot's retained WAL.
     */
    @Test
    void aStreamedDatabase_getsOneStreamerTaskAtATime_andItsAlarms() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        source.hasResourceProperties(
                "AWS::ECS::Service",
                Match.objectLike(Map.of(
                        "ServiceName",
                        "lifeboat-stream-orders",
                        "DesiredCount",
                        1,
                        "DeploymentConfiguration",
                        Match.objectLike(Map.of("MinimumHealthyPercent", 0, "MaximumPercent", 100)),
                        "NetworkConfiguration",
                        Match.objectLike(Map.of(
                                "AwsvpcConfiguration", Match.objectLike(Map.of("AssignPublicIp", "DISABLED")))))));
        var task = source.findResources(
                        "AWS::ECS::TaskDefinition", Map.of("Properties", Map.of("Family", "lifeboat-stream-orders")))
                .values()
                .iterator()
                .next();
        String container = json.writeValueAsString(
                ((List<?>) ((Map<?, ?>) task.get("Properties")).get("ContainerDefinitions")).getFirst());
        assertThat(container)
                .contains("\"dev.lifeboat.backup.StreamTask\"")
                .contains("{\"Name\":\"LIFEBOAT_DATABASE\",\"Value\":\"orders\"}")
                .contains("LIFEBOAT_CONFIG_S3", "LIFEBOAT_CONFIG_SHA256")
                // Its metrics to standard output (the awslogs driver), not to a CloudWatch agent it does not run.
                .contains("{\"Name\":\"AWS_EMF_ENVIRONMENT\",\"Value\":\"Local\"}");
        assertThat(json.writeValueAsString(((Map<?, ?>) task.get("Properties")).get("TaskRoleArn")))
                .contains("StreamRole");
        var alarms = source.findResources("AWS::CloudWatch::Alarm");
        for (String metric : List.of(
                dev.lifeboat.protocol.MetricNames.CHANGE_ARCHIVE_LAG_SECONDS,
                dev.lifeboat.protocol.MetricNames.CHANGE_ARCHIVE_GAPS,
                dev.lifeboat.protocol.MetricNames.CHANGE_SLOT_RETAINED_BYTES)) {
            assertThat(alarms.values())
                    .as(metric)
                    .anyMatch(a -> metric.equals(((Map<?, ?>) a.get("Properties")).get("MetricName")));
        }
        // Silence alarms: no lag reported for stream.lagAlarm (15 min by default) is as bad as a lag past it.
        assertThat(alarms.values())
                .filteredOn(a -> "SampleCount".equals(((Map<?, ?>) a.get("Properties")).get("Statistic")))
                .singleElement()
                .satisfies(a -> {
                    Map<?, ?> p = (Map<?, ?>) a.get("Properties");
                    assertThat(p.get("TreatMissingData")).isEqualTo("breaching");
                    assertThat(p.get("EvaluationPeriods")).isEqualTo(15);
                    assertThat((List<?>) p.get("AlarmActions")).isNotEmpty();
                });
    }

    /** The vault's bucket policy as S3 reads it, the bucket named by its real ARN; named {@code bucketArn}. */
    private static com.fasterxml.jackson.databind.JsonNode vaultPolicy(String bucketArn) {
        TemplatePolicies backupPolicies = new TemplatePolicies(stacks.backup());
        String vaultId = vaultLogicalId();
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var doc = backup.findResources("AWS::S3::BucketPolicy").values().stream()
                    .filter(r -> Map.of("Ref", vaultId).equals(((Map<?, ?>) r.get("Properties")).get("Bucket")))
                    .findFirst()
                    .orElseThrow();
            String text = json.writeValueAsString(backupPolicies.resolve(
                            json.valueToTree(((Map<?, ?>) doc.get("Properties")).get("PolicyDocument"))))
                    .replace(TemplatePolicies.arnOf(vaultId), bucketArn);
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String vaultLogicalId() {
        return backup.findResources("AWS::S3::Bucket").entrySet().stream()
                .filter(e ->
                        "acme-lifeboat-vault".equals(((Map<?, ?>) e.getValue().get("Properties")).get("BucketName")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    /**
     * What the identity policies of a backup stack's role (by its fixed name) allow, evaluated alone: the decision in
     * the backup account; for a resource of another account, the half that the role's own account decides.
     */
    private static PolicyEvaluator.Decision backupRole(String roleName, String action, String resource) {
        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        return PolicyEvaluator.decide(
                new PolicyEvaluator.Request(Names.roleArn("222222222222", roleName), action, resource),
                PolicyEvaluator.Policies.identityOnly("222222222222", t.identity(t.roleNamed(roleName))));
    }

    /**
     * Issue 36, items 5 and 6: every read the code makes by version id is allowed to the role that makes it. GetObject
     * and HeadObject with a versionId need s3:GetObjectVersion, and s3:GetObject is not enough
     * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions";
     * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). The readers: the dump function and its
     * Fargate task (routing HEADs each backup's objects by version: BackupCatalog), the restore function and task
     * (RestoringDump opens the object by version), verification (restores a dump), the audit (the catalog). The dump
     * role is in the source account: its own policy and the vault's bucket policy must both allow
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
     */
    @Test
    void everyReadByVersion_isAllowed_toTheRoleThatMakesIt() {
        String bucketArn = "arn:aws:s3:::acme-lifeboat-vault";
        TemplatePolicies sourcePolicies = new TemplatePolicies(stacks.sources().getFirst());
        String dumpRole = "arn:aws:iam::111111111111:role/" + SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1";
        var dumpRoles = new PolicyEvaluator.Policies(
                List.of(),
                List.of(sourcePolicies.identity(
                        sourcePolicies.roleNamed(SourceAccountStack.DUMP_ROLE_PREFIX + "eu-west-1"))),
                vaultPolicy(bucketArn),
                "222222222222",
                false);
        String own = bucketArn + "/lifeboat/accounts/111111111111/dumps/orders/2026/11/26/x.0a1b2c3d.pgdump";
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(dumpRole, "s3:GetObjectVersion", own), dumpRoles))
                .as("the dump role HEADs its database's objects by version (routing)")
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(
                                dumpRole,
                                "s3:GetObjectVersion",
                                bucketArn + "/lifeboat/accounts/333333333333/dumps/orders/x.pgdump"),
                        dumpRoles))
                .as("not another account's space")
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);

        String object =
                TemplatePolicies.arnOf(vaultLogicalId()) + "/lifeboat/accounts/111111111111/dumps/orders/x.pgdump";
        for (String role : List.of(Names.RESTORE_ROLE, Names.VERIFICATION_ROLE, Names.AUDIT_ROLE)) {
            assertThat(backupRole(role, "s3:GetObjectVersion", object))
                    .as(role)
                    .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
    }

    /**
     * Issue 36, item 5: a dump restore through the restore function reads its target's login (the payload's
     * targetSecretArn), and --create-instance keeps and, when a step is repeated, rewrites the new instance's
     * password under lifeboat/restore/. The restore role reads logins named lifeboat/restore/* in the backup account
     * and in each source account of lifeboat.yml, and no other secret. A source account's secret also needs its
     * resource policy and a customer managed key admitting the restore role (docs/security.md, "Secrets").
     */
    @Test
    void theRestoreRole_readsItsTargetsLogins_andKeepsNewInstancesPasswords_andNoOtherSecret() {
        String own = "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lifeboat/restore/orders-restored-AbCdEf";
        String inSource = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lifeboat/restore/orders-AbCdEf";
        assertThat(backupRole(Names.RESTORE_ROLE, "secretsmanager:GetSecretValue", own))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(backupRole(Names.RESTORE_ROLE, "secretsmanager:GetSecretValue", inSource))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(backupRole(Names.RESTORE_ROLE, "secretsmanager:PutSecretValue", own))
                .as("SecretsManagerStore.put on a repeated step")
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        for (String other : List.of(
                "arn:aws:secretsmanager:eu-central-1:222222222222:secret:payroll-AbCdEf",
                "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lifeboat/orders-AbCdEf",
                "arn:aws:secretsmanager:eu-west-1:444444444444:secret:lifeboat/restore/x-AbCdEf")) {
            assertThat(backupRole(Names.RESTORE_ROLE, "secretsmanager:GetSecretValue", other))
                    .as(other)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        // A source account's secret is encrypted with that account's customer managed key: its use through Secrets
        // Manager only (the key's own policy must admit the restore role too).
        String sourceKey = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        // The restore role's own policy, evaluated alone (the key's and the secret's policies are the source
        // account's).
        var identity =
                PolicyEvaluator.Policies.identityOnly("222222222222", t.identity(t.roleNamed(Names.RESTORE_ROLE)));
        String restoreRole = Names.roleArn("222222222222", Names.RESTORE_ROLE);
        assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(restoreRole, "kms:Decrypt", sourceKey)
                                .with("kms:ViaService", "secretsmanager.eu-west-1.amazonaws.com"),
                        identity))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(restoreRole, "kms:Decrypt", sourceKey), identity))
                .as("not directly")
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    /**
     * Issue 36, item 11: a verification check repeated after a timeout finds the throwaway login's secret made, and
     * sets its value (SecretsManagerStore.put: CreateSecret, then PutSecretValue on ResourceExistsException).
     */
    @Test
    void aRepeatedVerificationCheck_mayRewriteTheThrowawayLogin_andNoOtherSecret() {
        String throwaway = "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lifeboat/verification/x-AbCdEf";
        assertThat(backupRole(Names.VERIFICATION_ROLE, "secretsmanager:CreateSecret", throwaway))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(backupRole(Names.VERIFICATION_ROLE, "secretsmanager:PutSecretValue", throwaway))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(backupRole(
                        Names.VERIFICATION_ROLE,
                        "secretsmanager:PutSecretValue",
                        "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lifeboat/restore/x-AbCdEf"))
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    /**
     * Issue 36, item 10: an event a rule could not deliver goes to the target's dead-letter queue, which EventBridge
     * writes as events.amazonaws.com: the queue's policy must admit it for that rule, and, the queue being encrypted
     * with a customer managed key, that key's policy must let EventBridge kms:GenerateDataKey and kms:Decrypt
     * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html,
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html). The backup key admits
     * no service: the incident rule's queue was encrypted with it, and every failed incident event was lost.
     */
    @Test
    void everyRulesDeadLetterQueue_isOneEventBridgeMayWriteTo_itsKeyIncluded() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        TemplatePolicies t = new TemplatePolicies(stacks.backup());
        com.fasterxml.jackson.databind.JsonNode resources =
                json.valueToTree(backup.toJSON().get("Resources"));
        int checked = 0;
        for (var rule : resources.properties()) {
            if (!"AWS::Events::Rule".equals(rule.getValue().path("Type").asText())) {
                continue;
            }
            String ruleArn = TemplatePolicies.arnOf(rule.getKey());
            for (var target : rule.getValue().at("/Properties/Targets")) {
                if (!target.has("DeadLetterConfig")) {
                    continue;
                }
                String queueId =
                        target.at("/DeadLetterConfig/Arn/Fn::GetAtt").get(0).asText();
                var queue = resources.get(queueId).get("Properties");
                var keyRef = queue.get("KmsMasterKeyId");
                assertThat(keyRef)
                        .as(queueId + " is encrypted with a key of this stack")
                        .isNotNull();
                String keyId = keyRef.has("Ref")
                        ? keyRef.get("Ref").asText()
                        : keyRef.get("Fn::GetAtt").get(0).asText();
                var keyPolicy = new PolicyEvaluator.Policies(
                        List.of(),
                        List.of(),
                        t.resolve(resources.get(keyId).at("/Properties/KeyPolicy")),
                        "222222222222",
                        true);
                for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
                    assertThat(PolicyEvaluator.decide(
                                    new PolicyEvaluator.Request(
                                                    "events.amazonaws.com", action, TemplatePolicies.arnOf(keyId))
                                            .with("aws:SourceAccount", "222222222222")
                                            .with("aws:SourceArn", ruleArn),
                                    keyPolicy))
                            .as(rule.getKey() + " -> " + queueId + " -> " + keyId + ": " + action)
                            .isEqualTo(PolicyEvaluator.Decision.ALLOW);
                }
                com.fasterxml.jackson.databind.node.ArrayNode queueStatements = json.createArrayNode();
                for (var qp : resources.properties()) {
                    if ("AWS::SQS::QueuePolicy"
                            .equals(qp.getValue().path("Type").asText())) {
                        for (var q : qp.getValue().at("/Properties/Queues")) {
                            if (queueId.equals(q.path("Ref").asText())) {
                                t.resolve(qp.getValue().at("/Properties/PolicyDocument/Statement"))
                                        .forEach(queueStatements::add);
                            }
                        }
                    }
                }
                var queuePolicy = json.createObjectNode();
                queuePolicy.set("Statement", queueStatements);
                assertThat(PolicyEvaluator.decide(
                                new PolicyEvaluator.Request(
                                                "events.amazonaws.com",
                                                "sqs:SendMessage",
                                                TemplatePolicies.arnOf(queueId))
                                        .with("aws:SourceAccount", "222222222222")
                                        .with("aws:SourceArn", ruleArn),
                                new PolicyEvaluator.Policies(List.of(), List.of(), queuePolicy, "222222222222", false)))
                        .as(rule.getKey() + " -> " + queueId + ": sqs:SendMessage")
                        .isEqualTo(PolicyEvaluator.Decision.ALLOW);
                checked++;
            }
        }
        assertThat(checked)
                .as("the incident rule's target has a dead-letter queue")
                .isPositive();
    }

    /**
     * Issue 36, item 1: IAM names are unique in an account across all its Regions (a role, a managed policy, an
     * instance profile: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, "IAM name
     * requirements"), and a bucket name across all accounts. The example's account 111111111111 has databases in
     * eu-west-1 and eu-central-1: each Region's stack created lifeboat-source, and the second deploy failed with
     * "already exists". No two stacks of one account create a resource of such a name.
     */
    @Test
    void noTwoStacksOfOneAccount_createTheSameAccountWideName() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, String> accountWide = Map.of(
                "AWS::IAM::Role", "RoleName",
                "AWS::IAM::ManagedPolicy", "ManagedPolicyName",
                "AWS::IAM::InstanceProfile", "InstanceProfileName",
                "AWS::IAM::User", "UserName",
                "AWS::IAM::Group", "GroupName");
        List<software.amazon.awscdk.Stack> all = new ArrayList<>();
        all.add(stacks.backup());
        all.addAll(stacks.sources());
        all.addAll(stacks.regionKeys());
        if (stacks.organization() != null) {
            all.add(stacks.organization());
        }
        Map<String, String> madeBy = new HashMap<>();
        Map<String, String> bucketsMadeBy = new HashMap<>();
        List<String> twice = new ArrayList<>();
        for (var stack : all) {
            var resources = json.<com.fasterxml.jackson.databind.JsonNode>valueToTree(
                            Template.fromStack(stack).toJSON())
                    .path("Resources");
            for (var r : resources.properties()) {
                String type = r.getValue().path("Type").asText();
                var name = r.getValue().path("Properties").path(accountWide.getOrDefault(type, "-"));
                if (name.isTextual()) {
                    String key = stack.getAccount() + " " + type + " " + name.asText();
                    String other = madeBy.putIfAbsent(key, stack.getStackName());
                    if (other != null) {
                        twice.add(key + ": " + other + " and " + stack.getStackName());
                    }
                }
                var bucket = r.getValue().path("Properties").path("BucketName");
                if (type.equals("AWS::S3::Bucket") && bucket.isTextual()) {
                    String other = bucketsMadeBy.putIfAbsent(bucket.asText(), stack.getStackName());
                    if (other != null) {
                        twice.add("bucket " + bucket.asText() + ": " + other + " and " + stack.getStackName());
                    }
                }
            }
        }
        assertThat(stacks.sources())
                .as("the example has an account with databases in two Regions")
                .extracting(software.amazon.awscdk.Stack::getStackName)
                .contains("LifeboatSource-111111111111-eu-west-1", "LifeboatSource-111111111111-eu-central-1");
        assertThat(twice).isEmpty();
        assertThat(madeBy).containsKey("111111111111 AWS::IAM::Role lifeboat-source");
    }

    /**
     * Issue 36, item 1: the one source role of an account, made in the stack of its first Region in lifeboat.yml
     * order, holds every Region's statements: the example's role may snapshot orders (eu-west-1) and ledger (an
     * Aurora cluster in eu-central-1), and the eu-central-1 stack makes no role of that name.
     */
    @Test
    void theSourceRole_isMadeOncePerAccount_withEveryRegionsStatements() {
        var west = stacks.sources().stream()
                .filter(st -> st.getRegion().equals("eu-west-1"))
                .findFirst()
                .orElseThrow();
        var central = stacks.sources().stream()
                .filter(st ->
                        st.getRegion().equals("eu-central-1") && st.getAccount().equals("111111111111"))
                .findFirst()
                .orElseThrow();
        Template.fromStack(central)
                .resourcePropertiesCountIs("AWS::IAM::Role", Map.of("RoleName", "lifeboat-source"), 0);
        TemplatePolicies t = new TemplatePolicies(west);
        String role = "arn:aws:iam::111111111111:role/lifeboat-source";
        var identity =
                PolicyEvaluator.Policies.identityOnly("111111111111", t.identity(t.roleNamed("lifeboat-source")));
        assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(
                                role, "rds:CreateDBSnapshot", "arn:aws:rds:eu-west-1:111111111111:db:orders-prod"),
                        identity))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(
                                role,
                                "rds:CreateDBClusterSnapshot",
                                "arn:aws:rds:eu-central-1:111111111111:cluster:ledger-aurora"),
                        identity))
                .isEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    /** Issue 11, item 5: copies have no Object Lock, and nothing watched their deletion. */
    @Test
    void deletingACopy_byAnyoneButRetention_alarms_fromATrailThatExists() throws Exception {
        backup.resourceCountIs("AWS::CloudTrail::Trail", 1);
        String rules = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(backup.findResources("AWS::Events::Rule"));
        assertThat(rules)
                .contains("DeleteDBSnapshot")
                .contains("DeleteDBClusterSnapshot")
                .contains("anything-but")
                .contains(":assumed-role/" + Names.PIPELINE_ROLE + "/");
    }

    /**
     * Issue 11: the organization guard names Lifeboat's roles and functions by their fixed names, so the
     * deployed ones must carry exactly those names, or the guard would protect roles that do not exist.
     */
    @Test
    void theRolesAndFunctionsTheGuardNames_areTheOnesDeployed() {
        backup.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("RoleName", Names.PIPELINE_ROLE)));
        backup.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("RoleName", Names.RESTORE_ROLE)));
        backup.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("RoleName", Names.VERIFICATION_ROLE)));
        Map<String, Map<String, Object>> functions = backup.findResources("AWS::Lambda::Function");
        assertThat(functions.values())
                .extracting(f -> (Object) ((Map<?, ?>) f.get("Properties")).get("FunctionName"))
                .containsExactlyInAnyOrder(
                        Names.SNAPSHOT_STEP_FUNCTION,
                        Names.RESTORE_FUNCTION,
                        Names.VERIFICATION_STEP_FUNCTION,
                        Names.AUDIT_FUNCTION);
        // The pipeline's function runs as the role the guard lets delete copies; the restore function as the
        // one it lets share them.
        assertThat(roleOf(functions, Names.SNAPSHOT_STEP_FUNCTION)).isEqualTo(Names.PIPELINE_ROLE);
        assertThat(roleOf(functions, Names.RESTORE_FUNCTION)).isEqualTo(Names.RESTORE_ROLE);
        assertThat(roleOf(functions, Names.AUDIT_FUNCTION)).isEqualTo(Names.AUDIT_ROLE);
        assertThat(backup.findResources("AWS::StepFunctions::StateMachine").values())
                .extracting(f -> ((Map<?, ?>) f.get("Properties")).get("StateMachineName"))
                .allMatch(n -> n.toString().startsWith(Names.PREFIX));
        assertThat(backup.findResources("AWS::Scheduler::Schedule").values())
                .extracting(f -> ((Map<?, ?>) f.get("Properties")).get("Name"))
                .allMatch(n -> n.toString().startsWith(Names.PREFIX));
    }

    @SuppressWarnings("unchecked")
    private static String roleOf(Map<String, Map<String, Object>> functions, String functionName) {
        Map<String, Object> fn = functions.values().stream()
                .filter(f -> functionName.equals(((Map<?, ?>) f.get("Properties")).get("FunctionName")))
                .findFirst()
                .orElseThrow();
        String roleId = (String) ((List<Object>)
                        ((Map<String, Object>) ((Map<String, Object>) fn.get("Properties")).get("Role"))
                                .get("Fn::GetAtt"))
                .getFirst();
        Map<String, Object> role = backup.findResources("AWS::IAM::Role").get(roleId);
        return (String) ((Map<String, Object>) role.get("Properties")).get("RoleName");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOrganizationGuard_isAnScpInTheManagementAccount_attachedToTheConfiguredTargets() throws Exception {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        assertThat(stacks.organization()).isNotNull();
        assertThat(stacks.organization().getAccount())
                .isEqualTo(config.organization().managementAccount());
        Template org = Template.fromStack(stacks.organization());
        org.resourceCountIs("AWS::Organizations::Policy", 1);
        Map<String, Object> props = (Map<String, Object>) org.findResources("AWS::Organizations::Policy")
                .values()
                .iterator()
                .next()
                .get("Properties");
        assertThat(props.get("Type")).isEqualTo("SERVICE_CONTROL_POLICY");
        assertThat(props.get("TargetIds")).isEqualTo(config.organization().targetIds());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.readTree(json.writeValueAsString(props.get("Content"))))
                .isEqualTo(json.readTree(Policies.compactDocument(Policies.organizationGuard(
                        config.backup().account(),
                        VaultUri.bucket(config.backup().vault()),
                        config.backup().breakGlassRoleArn(),
                        config.organization().deployRoleArn()))));
        assertThat(Annotations.fromStack(stacks.organization())
                        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .isEmpty();
    }

    /**
     * Issue 15: the tests' KMS model evaluates {@link KeyPolicies}; the keys the app deploys must carry exactly
     * those documents, statement for statement, or the model would prove nothing about them.
     */
    @Test
    void everyKeyPolicy_isTheKeyPoliciesDocument_theKmsModelEvaluates() throws Exception {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        var b = config.backup();
        assertThat(keyPolicy(stacks.backup(), "BackupKey"))
                .isEqualTo(normalized(Policies.document(KeyPolicies.backupKey(
                        b.account(), b.region(), List.of("111111111111"), b.breakGlassRoleArn()))));
        assertThat(keyPolicy(stacks.regionKeys().getFirst(), "StagingKey"))
                .isEqualTo(normalized(Policies.document(KeyPolicies.stagingKey(b.account(), b.breakGlassRoleArn()))));
        assertThat(keyPolicy(stacks.sources().getFirst(), "ShareKey"))
                .isEqualTo(normalized(Policies.document(KeyPolicies.shareKey("111111111111", b.account()))));
    }

    /**
     * The tests' IAM model ({@code IamModel.deployed}) builds the pipeline's and the source role's policies from
     * lifeboat.yml with the same {@link Policies} calls as the app; the app must pass the same arguments, or the
     * model would evaluate policies nobody deploys.
     */
    @Test
    void thePipelineAndSourceRolePolicies_areWhatTheIamModelEvaluates() throws Exception {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        var b = config.backup();
        List<String> sourceRoles = config.databases().values().stream()
                .map(d -> d.source().roleArn())
                .distinct()
                .toList();
        assertThat(inlinePolicy(stacks.backup(), "PipelinePolicy", b.kmsKeyArn()))
                .isEqualTo(normalized(Policies.document(Policies.snapshotPipelineRole(
                        b.account(),
                        b.kmsKeyArn(),
                        sourceRoles,
                        config.copyKeyArns(),
                        config.databaseArnsIn(b.account())))));
        var orders = config.database("orders").source();
        assertThat(inlinePolicy(stacks.sources().getFirst(), "SourcePolicy", b.kmsKeyArn()))
                .isEqualTo(normalized(Policies.document(Policies.sourceRole(
                        orders.account(), orders.region(), List.of(orders.arn()), b.account(), b.kmsKeyArn()))));
    }

    /** An inline policy of the stack, resolved, with the stand-in ARN of the stack's BackupKey replaced by {@code keyArn}. */
    private static com.fasterxml.jackson.databind.JsonNode inlinePolicy(
            software.amazon.awscdk.Stack stack, String id, String keyArn) throws Exception {
        TemplatePolicies t = new TemplatePolicies(stack);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var resources = json.valueToTree(Template.fromStack(stack).toJSON().get("Resources"));
        for (var e : resources.properties()) {
            if (e.getKey().startsWith(id) && e.getValue().path("Type").asText().equals("AWS::IAM::Policy")) {
                String doc = json.writeValueAsString(
                        t.resolve(e.getValue().path("Properties").path("PolicyDocument")));
                return normalized(doc.replaceAll("arn:aws:BackupKey[0-9A-F]+", keyArn));
            }
        }
        throw new AssertionError("no policy " + id);
    }

    private static com.fasterxml.jackson.databind.JsonNode keyPolicy(software.amazon.awscdk.Stack stack, String id)
            throws Exception {
        TemplatePolicies t = new TemplatePolicies(stack);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var resources = json.valueToTree(Template.fromStack(stack).toJSON().get("Resources"));
        for (var e : resources.properties()) {
            if (e.getKey().startsWith(id) && e.getValue().path("Type").asText().equals("AWS::KMS::Key")) {
                return normalized(json.writeValueAsString(
                        t.resolve(e.getValue().path("Properties").path("KeyPolicy"))));
            }
        }
        throw new AssertionError("no key " + id);
    }

    /** Statements by Sid, every Action, Resource and principal as a sorted list (CDK writes one as a scalar). */
    private static com.fasterxml.jackson.databind.JsonNode normalized(String document) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var out = json.createObjectNode();
        for (var st : json.readTree(document).get("Statement")) {
            var n = json.createObjectNode();
            n.put("Effect", st.get("Effect").asText());
            for (String field : List.of("Action", "Resource")) {
                n.set(field, sortedList(json, st.get(field)));
            }
            if (st.has("Principal")) {
                var p = st.get("Principal");
                n.set("Principal", p.isTextual() ? p : sortedList(json, p.get("AWS")));
            }
            if (st.has("Condition")) {
                n.set("Condition", st.get("Condition"));
            }
            out.set(st.get("Sid").asText(), n);
        }
        return out;
    }

    private static com.fasterxml.jackson.databind.JsonNode sortedList(
            com.fasterxml.jackson.databind.ObjectMapper json, com.fasterxml.jackson.databind.JsonNode v) {
        List<String> values = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(x -> values.add(x.asText()));
        } else {
            values.add(v.asText());
        }
        values.sort(null);
        var a = json.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    /**
     * Issue 15, item 6: the images were built for the deploying machine's architecture. Every image asset is built
     * for the pinned platform, and every function runs on the matching architecture.
     */
    @Test
    void everyFunctionImage_isBuiltForThePinnedPlatform_andRunsOnTheMatchingArchitecture() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var assembly = stacks.backup().getNode().getRoot() instanceof App app ? app.synth() : null;
        assertThat(assembly).isNotNull();
        int images = 0;
        for (var stack : List.of(stacks.backup(), stacks.sources().getFirst())) {
            for (Map<String, Object> f : Template.fromStack(stack)
                    .findResources("AWS::Lambda::Function")
                    .values()) {
                assertThat(((Map<?, ?>) f.get("Properties")).get("Architectures"))
                        .isEqualTo(List.of("x86_64"));
            }
            var manifest = json.readTree(Path.of(assembly.getDirectory(), stack.getArtifactId() + ".assets.json")
                    .toFile());
            for (var image : manifest.path("dockerImages")) {
                assertThat(image.at("/source/platform").asText()).isEqualTo("linux/amd64");
                images++;
            }
        }
        assertThat(images).as("the function images").isPositive();
    }

    /**
     * Issue 15, item 3: the verification function had no VPC, and the throwaway instance is private: every run
     * retried until the function timed out. Every function that connects to a database runs in a VPC now.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionThatConnectsToADatabase_runsInAVpc() {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        Map<String, Map<String, Object>> functions = backup.findResources("AWS::Lambda::Function");
        for (String name : List.of(Names.VERIFICATION_STEP_FUNCTION, Names.RESTORE_FUNCTION)) {
            Map<String, Object> props = functions.values().stream()
                    .map(f -> (Map<String, Object>) f.get("Properties"))
                    .filter(p -> name.equals(p.get("FunctionName")))
                    .findFirst()
                    .orElseThrow();
            Map<String, Object> vpc = (Map<String, Object>) props.get("VpcConfig");
            assertThat(vpc).as(name).isNotNull();
            assertThat((List<Object>) vpc.get("SubnetIds"))
                    .containsExactlyElementsOf(config.backup().network().subnetIds());
            assertThat((List<Object>) vpc.get("SecurityGroupIds"))
                    .containsExactlyElementsOf(config.backup().network().securityGroupIds());
        }
        source.hasResourceProperties(
                "AWS::Lambda::Function", Match.objectLike(Map.of("VpcConfig", Match.objectLike(Map.of()))));
    }

    @Test
    void scheduledVerificationsWithoutTheBackupNetwork_failSynth_namingTheField() {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        var b = config.backup();
        LifeboatConfig without = LifeboatConfig.builder()
                .backup(LifeboatConfig.Backup.builder()
                        .account(b.account())
                        .region(b.region())
                        .kmsKeyArn(b.kmsKeyArn())
                        .vault(b.vault())
                        .breakGlassRoleArn(b.breakGlassRoleArn())
                        .vaultRetentionDays(b.vaultRetentionDays())
                        .vaultColdAfterDays(b.vaultColdAfterDays())
                        .alarmEmails(b.alarmEmails())
                        .alarmSubscriberAccounts(b.alarmSubscriberAccounts())
                        .build())
                .databases(config.databases())
                .document(config.document())
                .build();
        assertThatThrownBy(() -> LifeboatApp.build(
                        new App(), without, Path.of("..").toAbsolutePath().normalize()))
                .hasMessageContaining("backup.network: is missing");
    }

    /**
     * Issue 12: deletions, protection turned off, Lifeboat snapshots deleted and backup replication stopped in a
     * source account reach the backup account's bus, which the source accounts alone may write RDS events to, and
     * alarm there (AlarmDeliveryTest follows the rule to a topic CloudWatch and EventBridge can use).
     */
    @Test
    @SuppressWarnings("unchecked")
    void incidentsInProduction_areForwardedToTheBackupAccount_andAlarmThere() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String rules = json.writeValueAsString(source.findResources("AWS::Events::Rule"));
        assertThat(rules)
                .contains("DeleteDBInstance", "DeleteDBCluster", "StopDBInstanceAutomatedBackupsReplication")
                .contains("\"deletionProtection\":[false]")
                .contains("\"prefix\":\"lifeboat-\"")
                .contains("arn:aws:events:eu-central-1:222222222222:event-bus/default");
        assertThat(source.findResources("AWS::Events::Rule")).hasSize(5);
        backup.hasResourceProperties(
                "AWS::Events::EventBusPolicy",
                Match.objectLike(Map.of(
                        "EventBusName",
                        "default",
                        "Statement",
                        Match.objectLike(Map.of(
                                "Action",
                                "events:PutEvents",
                                "Principal",
                                Map.of("AWS", List.of("arn:aws:iam::111111111111:root")))))));
        Map<String, Object> incident =
                (Map<String, Object>) backup.findResources("AWS::Events::Rule").entrySet().stream()
                        .filter(e -> e.getKey().startsWith("IncidentInProduction"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                        .get("Properties");
        String pattern = json.writeValueAsString(incident.get("EventPattern"));
        assertThat(pattern)
                .as("not the backup account's own RDS calls; the bus policy admits only the source accounts")
                .contains("\"account\":[{\"anything-but\":[\"222222222222\"]}]")
                .contains("DeleteDBInstance");
    }

    /**
     * Issue 37: the audit, from the backup account, reads each source account's incident rules by the names it
     * expects, so the source stack names them so, and the source role may read those rules and nothing else of
     * EventBridge.
     */
    @Test
    void theIncidentRules_haveTheNamesTheAuditReads_andTheSourceRoleMayReadThemOnly() {
        @SuppressWarnings("unchecked")
        List<String> names = source.findResources("AWS::Events::Rule").values().stream()
                .map(r -> (String) ((Map<String, Object>) r.get("Properties")).get("Name"))
                .toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(Names.INCIDENT_RULES);
        TemplatePolicies t = new TemplatePolicies(stacks.sources().getFirst());
        var role = PolicyEvaluator.Policies.identityOnly("111111111111", t.identity(t.roleNamed("lifeboat-source")));
        String sourceRole = "arn:aws:iam::111111111111:role/lifeboat-source";
        for (String name : Names.INCIDENT_RULES) {
            for (String action : List.of("events:DescribeRule", "events:ListTargetsByRule")) {
                assertThat(PolicyEvaluator.decide(
                                new PolicyEvaluator.Request(
                                        sourceRole, action, "arn:aws:events:eu-west-1:111111111111:rule/" + name),
                                role))
                        .as(action + " " + name)
                        .isEqualTo(PolicyEvaluator.Decision.ALLOW);
            }
        }
        for (String action : List.of("events:DisableRule", "events:PutRule", "events:RemoveTargets")) {
            assertThat(PolicyEvaluator.decide(
                            new PolicyEvaluator.Request(
                                    sourceRole,
                                    action,
                                    "arn:aws:events:eu-west-1:111111111111:rule/" + Names.INCIDENT_RULES.getFirst()),
                            role))
                    .as(action)
                    .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        assertThat(PolicyEvaluator.decide(
                        new PolicyEvaluator.Request(
                                sourceRole, "events:DescribeRule", "arn:aws:events:eu-west-1:111111111111:rule/other"),
                        role))
                .as("not production's own rules")
                .isNotEqualTo(PolicyEvaluator.Decision.ALLOW);
    }

    @Test
    void withoutAnOrganizationBlock_thereIsNoOrganizationStack() {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        LifeboatConfig without = LifeboatConfig.builder()
                .backup(config.backup())
                .databases(config.databases())
                .document(config.document())
                .build();
        assertThat(LifeboatApp.build(
                                new App(),
                                without,
                                Path.of("..").toAbsolutePath().normalize())
                        .organization())
                .isNull();
    }

    /**
     * Issue 15, item 2: KMS refuses at CreateKey a policy that locks the creator out of PutKeyPolicy unless
     * the request bypasses the lockout check; every key whose policy denies PutKeyPolicy must say so.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyKeyThatLocksOutItsCreator_bypassesTheLockoutCheckDeliberately() {
        int guarded = 0;
        for (LifeboatApp.Stacks s : List.of(stacks)) {
            List<Template> templates = new ArrayList<>(List.of(Template.fromStack(s.backup())));
            s.regionKeys().forEach(k -> templates.add(Template.fromStack(k)));
            for (Template t : templates) {
                for (Map<String, Object> key : t.findResources("AWS::KMS::Key").values()) {
                    Map<String, Object> props = (Map<String, Object>) key.get("Properties");
                    boolean deniesRepolicing =
                            String.valueOf(props.get("KeyPolicy")).contains("kms:PutKeyPolicy");
                    if (deniesRepolicing) {
                        guarded++;
                        assertThat(props.get("BypassPolicyLockoutSafetyCheck")).isEqualTo(true);
                    }
                }
            }
        }
        assertThat(guarded).as("the backup key and each staging key").isGreaterThanOrEqualTo(2);
    }

    @Test
    void theBackupKey_rotates_isRetained_andOnlyBreakGlassMayScheduleItsDeletion() {
        var deny = Match.objectLike(Map.of(
                "Sid", "DenyKeyDeletionExceptBreakGlass",
                "Effect", "Deny",
                "Action", Match.arrayWith(List.of("kms:ScheduleKeyDeletion", "kms:DisableKey"))));
        backup.hasResourceProperties(
                "AWS::KMS::Key",
                Match.objectLike(Map.of(
                        "EnableKeyRotation",
                        true,
                        "KeyPolicy",
                        Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(deny)))))));
        backup.hasResource("AWS::KMS::Key", Match.objectLike(Map.of("DeletionPolicy", "Retain")));
        var detail =
                Match.objectLike(Map.of("eventName", List.of("ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy")));
        backup.hasResourceProperties(
                "AWS::Events::Rule",
                Match.objectLike(Map.of("EventPattern", Match.objectLike(Map.of("detail", detail)))));
        // Both keys whose loss silences or loses everything, by id and ARN: the backup key and the notifications key.
        assertThat(backup.findResources("AWS::Events::Rule").values().stream()
                        .map(r -> ((Map<?, ?>) r.get("Properties")).get("EventPattern"))
                        .filter(p -> p != null && p.toString().contains("PutKeyPolicy"))
                        .map(p -> ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) p).get("detail")).get("requestParameters"))
                                .get("keyId"))
                        .findFirst()
                        .orElseThrow())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize(4);
    }

    @Test
    void everyConfiguredSchedule_becomesAnEventBridgeSchedule_withTheScheduledTimeAsRunId() {
        // orders: snapshot and verify; ledger: snapshot; retention, the verification sweeper, the audit and the daily
        // digest. Dumps run in the source accounts.
        backup.resourceCountIs("AWS::Scheduler::Schedule", 7);
        backup.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Match.objectLike(Map.of(
                        "Name",
                        "lifeboat-digest",
                        "Target",
                        Match.objectLike(Map.of("Input", "{\"action\": \"digest\"}")))));
        backup.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Match.objectLike(Map.of(
                        "Name",
                        "lifeboat-retention",
                        "Target",
                        Match.objectLike(Map.of("Input", "{\"action\": \"prune\"}")))));
        source.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Match.objectLike(Map.of("Name", "lifeboat-orders-dump", "ScheduleExpression", "cron(30 3 * * ? *)")));
        backup.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Match.objectLike(Map.of(
                        "Name",
                        "lifeboat-verification-sweeper",
                        "ScheduleExpression",
                        "rate(6 hours)",
                        "Target",
                        Match.objectLike(Map.of("Input", "{\"action\": \"sweep\"}")))));
        // One schedule per job and expression (issue 16), each fanning out to the databases on it.
        for (String[] fleet : List.of(
                new String[] {"verify", "cron(0 6 ? * MON *)"},
                new String[] {"snapshot", "cron(0 3 * * ? *)"},
                new String[] {"snapshot", "rate(12 hours)"})) {
            backup.hasResourceProperties(
                    "AWS::Scheduler::Schedule",
                    Match.objectLike(Map.of(
                            "Name",
                            "lifeboat-" + fleet[0] + "-"
                                    + dev.lifeboat.core.stream.Sha256.hex(
                                                    fleet[1].getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                            .substring(0, 10),
                            "ScheduleExpression",
                            fleet[1],
                            "Target",
                            Match.objectLike(Map.of(
                                    "Input",
                                    "{\"action\":\"fanout\",\"job\":\"" + fleet[0] + "\",\"schedule\":\"" + fleet[1]
                                            + "\",\"runId\":\"<aws.scheduler.scheduled-time>\"}")))));
        }
    }

    @Test
    void thePipelineStateMachine_andTheAlarms_exist() {
        backup.resourceCountIs("AWS::StepFunctions::StateMachine", 2);
        for (String fleet : List.of("StaleBackups", "UnverifiedDatabases")) {
            backup.hasResourceProperties(
                    "AWS::CloudWatch::Alarm",
                    Match.objectLike(Map.of(
                            "MetricName",
                            fleet,
                            "Dimensions",
                            List.of(Map.of("Name", "Account", "Value", "222222222222")),
                            "Threshold",
                            1)));
        }
        backup.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Match.objectLike(Map.of("MetricName", "SnapshotQuotaUsedRatio", "Threshold", 0.8)));
        assertThat(backup.findResources("AWS::CloudWatch::Alarm").toString())
                .as("no alarm per database: the fleet's alarms count databases")
                .doesNotContain("Name=Database");
        backup.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        assertThat(stacks.backup().getTerminationProtection()).isTrue();
        for (String stateful : List.of("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::SQS::Queue")) {
            backup.allResources(stateful, Match.objectLike(Map.of("DeletionPolicy", "Retain")));
        }
        assertThat(stacks.sources()).allMatch(s -> Boolean.TRUE.equals(s.getTerminationProtection()));
    }

    @Test
    void theSourceRole_trustsTheBackupAccountWithTheExternalId_andDeletesOnlyTaggedSnapshots() {
        // The account's one role (issue 36, item 1) takes the external id of each of its databases, in every Region.
        var trust = Match.objectLike(Map.of(
                "Condition",
                Map.of("StringEquals", Map.of("sts:ExternalId", List.of("lifeboat-orders", "lifeboat-ledger")))));
        source.hasResourceProperties(
                "AWS::IAM::Role",
                Match.objectLike(Map.of(
                        "RoleName",
                        "lifeboat-source",
                        "AssumeRolePolicyDocument",
                        Match.objectLike(Map.of("Statement", List.of(trust))))));
        var deleteTagged = Match.objectLike(Map.of(
                "Sid",
                "DeleteOnlyLifeboatSnapshots",
                "Condition",
                Map.of("StringEquals", Map.of("aws:ResourceTag/lifeboat:managed-by", "lifeboat"))));
        source.hasResourceProperties(
                "AWS::IAM::Policy",
                Match.objectLike(Map.of(
                        "PolicyDocument",
                        Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(deleteTagged)))))));
        source.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
    }

    /**
     * Issue 14: the pipeline adds shape records under shapes/ and the restore function its log under restores/,
     * nothing else of the vault, never a delete; a shape record, like a manifest, is never replaced.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shapeRecordsAndTheRestoreLog_areAddedOnly_eachByItsWriter() throws Exception {
        LifeboatConfig example = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        String objects = "arn:aws:s3:::" + VaultUri.bucket(example.backup().vault()) + "/"
                + VaultUri.prefix(example.backup().vault());
        for (var e : Map.of("SnapshotStepFunctionServiceRole", "shapes/*", "RestoreFunctionServiceRole", "restores/*")
                .entrySet()) {
            List<Object> puts = new ArrayList<>();
            allowStatements(backup, e.getKey()).stream()
                    .filter(st -> ((List<String>) st.get("Action")).stream().anyMatch(a -> a.startsWith("s3:Put")))
                    .forEach(st -> puts.add(st.get("Resource")));
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(puts))
                    .as(e.getKey())
                    .contains(e.getValue())
                    .doesNotContain(objects + "*\"");
            assertThat(allowStatements(backup, e.getKey()))
                    .flatExtracting(st -> (List<String>) st.get("Action"))
                    .noneMatch(a -> a.startsWith("s3:Delete"));
        }
        String policy = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(backup.findResources("AWS::S3::BucketPolicy"));
        assertThat(policy).contains("*.shape.json");
    }

    /** Every Allow statement of every IAM policy in a template, with its actions as a list. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> allowStatements(Template t, String logicalIdPrefix) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> resources = (Map<String, Object>) t.toJSON().get("Resources");
        // The policies named with the prefix, and those attached to a role named with it.
        List<Map<String, String>> roles = resources.entrySet().stream()
                .filter(e -> e.getKey().startsWith(logicalIdPrefix)
                        && "AWS::IAM::Role".equals(((Map<String, Object>) e.getValue()).get("Type")))
                .map(e -> Map.of("Ref", e.getKey()))
                .toList();
        resources.forEach((id, r) -> {
            Map<String, Object> res = (Map<String, Object>) r;
            if (!"AWS::IAM::Policy".equals(res.get("Type"))) {
                return;
            }
            List<Object> attachedTo =
                    (List<Object>) ((Map<String, Object>) res.get("Properties")).getOrDefault("Roles", List.of());
            if (!id.startsWith(logicalIdPrefix) && attachedTo.stream().noneMatch(roles::contains)) {
                return;
            }
            Map<String, Object> doc =
                    (Map<String, Object>) ((Map<String, Object>) res.get("Properties")).get("PolicyDocument");
            for (Object st : (List<Object>) doc.get("Statement")) {
                Map<String, Object> statement = (Map<String, Object>) st;
                if ("Allow".equals(statement.get("Effect"))) {
                    Object a = statement.get("Action");
                    Map<String, Object> copy = new HashMap<>(statement);
                    copy.put("Action", a instanceof List ? a : List.of(a));
                    out.add(copy);
                }
            }
        });
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSourceRole_cannotDeleteObjectsOrKeys_norSnapshotsLifeboatDidNotTag() {
        List<Map<String, Object>> statements = allowStatements(source, "LifeboatSourceRole");
        assertThat(statements)
                .anySatisfy(st -> assertThat((List<String>) st.get("Action")).contains("rds:DeleteDBSnapshot"));
        for (Map<String, Object> st : statements) {
            List<String> actions = (List<String>) st.get("Action");
            assertThat(actions)
                    .noneMatch(a -> a.startsWith("s3:"))
                    .noneMatch(a -> a.equals("kms:ScheduleKeyDeletion")
                            || a.equals("kms:DisableKey")
                            || a.startsWith("kms:Delete"));
            if (actions.stream().anyMatch(a -> a.startsWith("rds:Delete"))) {
                assertThat(st.get("Condition"))
                        .as("rds delete only with Lifeboat's tag")
                        .isEqualTo(Map.of("StringEquals", Map.of("aws:ResourceTag/lifeboat:managed-by", "lifeboat")));
                assertThat(actions).allMatch(a -> a.startsWith("rds:Delete") && a.endsWith("Snapshot"));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDumpFunction_readsLifeboatYml_likeEveryFunction_withOnlyItsOwnAccountsDatabases() throws Exception {
        Map<String, Map<String, Object>> fns = source.findResources("AWS::Lambda::Function");
        Map<String, Object> env = fns.values().stream()
                .map(f -> (Map<String, Object>) ((Map<String, Object>) f.get("Properties")).get("Environment"))
                .filter(e -> e != null)
                .map(e -> (Map<String, Object>) e.get("Variables"))
                .filter(v -> v.containsKey(dev.lifeboat.config.DeployedConfig.LOCATION_VARIABLE))
                .findFirst()
                .orElseThrow();
        assertThat(env.keySet())
                .containsExactlyInAnyOrder(
                        dev.lifeboat.config.DeployedConfig.LOCATION_VARIABLE,
                        dev.lifeboat.config.DeployedConfig.SHA256_VARIABLE,
                        "POWERTOOLS_SERVICE_NAME",
                        "LIFEBOAT_NETWORK",
                        "JAVA_TOOL_OPTIONS");
        // Its heap capped by what a dump holds (issue 13): orders sets no dump.jobs, so up to 4 parallel parts
        // with 1 part in flight and 1 filling each, and the schema part's 8 MiB: 48 + 8 MiB + 8 parts of 16 MiB.
        assertThat((String) env.get("JAVA_TOOL_OPTIONS"))
                .isEqualTo("-Xmx184m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC");
        assertThat((String) env.get("LIFEBOAT_NETWORK"))
                .isEqualTo(
                        "vpc-0a1b2c3d4e5f60718 subnets subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788 (egress: nat)");
        LifeboatConfig seen = published(stacks.sources().getFirst(), env);
        // ledger lives in another Region (eu-central-1): the eu-west-1 source stack's function never hears of it.
        assertThat(seen.databases().keySet()).containsExactly("orders");
        LifeboatConfig example = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        assertThat(seen.database("orders").dump())
                .isEqualTo(example.database("orders").dump());
        assertThat(seen.backup()).isEqualTo(example.backup());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDumpFunction_runsInTheSourceVpc_andCannotDeleteOrRewriteTheVault() {
        source.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "VpcConfig",
                        Match.objectLike(Map.of(
                                "SubnetIds", List.of("subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"),
                                "SecurityGroupIds", List.of("sg-0a1b2c3d4e5f60718"))))));
        List<Map<String, Object>> statements = allowStatements(source, "DumpFunctionRole");
        assertThat(statements).isNotEmpty();
        List<String> actions = statements.stream()
                .flatMap(st -> ((List<String>) st.get("Action")).stream())
                .toList();
        assertThat(actions)
                .contains("s3:PutObject")
                .noneMatch(a -> a.startsWith("s3:Delete"))
                .noneMatch(a -> a.startsWith("s3:PutBucket") || a.equals("s3:PutLifecycleConfiguration"))
                .noneMatch(a -> a.equals("s3:BypassGovernanceRetention") || a.equals("s3:*"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void noFunctionOfTheBackupAccount_mayDeleteVaultObjects() {
        for (String fn : List.of(
                "RestoreFunctionServiceRole",
                "VerificationStepFunctionServiceRole",
                "SnapshotStepFunctionServiceRole")) {
            List<String> actions = allowStatements(backup, fn).stream()
                    .flatMap(st -> ((List<String>) st.get("Action")).stream())
                    .toList();
            assertThat(actions).as(fn).noneMatch(a -> a.startsWith("s3:Delete")).noneMatch(a -> a.equals("s3:*"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePipelineRole_assumesSourceRoles_andDeletesOnlyLifeboatTaggedSnapshots() {
        List<Map<String, Object>> statements = allowStatements(backup, "PipelinePolicy");
        assertThat(statements)
                .anySatisfy(st -> assertThat((List<String>) st.get("Action")).containsExactly("sts:AssumeRole"));
        // The share keys of lifeboat.yml: KMS needs the caller's IAM policy to allow another account's key.
        assertThat(String.valueOf(statements))
                .contains("arn:aws:kms:eu-west-1:111111111111:key/5678efgh-12ab-34cd-56ef-1234567890ab")
                .contains("arn:aws:kms:eu-west-1:222222222222:key/90abcdef-12ab-34cd-56ef-1234567890ab");
        for (Map<String, Object> st : statements) {
            List<String> actions = (List<String>) st.get("Action");
            if (actions.stream().anyMatch(a -> a.startsWith("rds:Delete"))) {
                assertThat(st.get("Condition"))
                        .isEqualTo(Map.of("StringEquals", Map.of("aws:ResourceTag/lifeboat:managed-by", "lifeboat")));
            }
            assertThat(actions)
                    .noneMatch(a -> a.startsWith("s3:")
                            || a.equals("kms:ScheduleKeyDeletion")
                            || a.equals("rds:DeleteDBInstance"));
        }
    }

    @Test
    void aBadConfiguration_failsBeforeAnyStackIsBuilt_namingTheField() {
        String bad = ConfigLoaderYaml.withoutBreakGlass()
                .replace("retention: {daily: 14, monthly: 6}", "retention: {daily: 0}")
                .replace("cron(0 3 * * ? *)", "at three");
        assertThatThrownBy(() -> ConfigLoader.parse(bad, "lifeboat.yml"))
                .hasMessageContaining("databases.ledger.retention: keeps nothing")
                .hasMessageContaining("databases.orders.schedules.snapshot: 'at three' is not an EventBridge schedule");
    }

    @Test
    void aStagingKeyStack_existsForEachSourceRegionOtherThanTheBackupRegion() {
        assertThat(stacks.regionKeys()).extracting(k -> k.getRegion()).containsExactly("eu-west-1");
        Template keys = Template.fromStack(stacks.regionKeys().getFirst());
        keys.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
        keys.hasResource("AWS::KMS::Key", Match.objectLike(Map.of("DeletionPolicy", "Retain")));
        assertThat(stacks.regionKeys().getFirst().getAccount()).isEqualTo("222222222222");
    }

    @Test
    void theDashboard_showsVerifiedBackupAge_andRecoveryTime() {
        String body = backup.findResources("AWS::CloudWatch::Dashboard")
                .values()
                .iterator()
                .next()
                .toString();
        assertThat(body)
                .contains("VerifiedBackupAgeHours")
                .contains("RecoverySeconds")
                .contains("DumpBytes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFunctions_getTheConfigurationInTheirEnvironment_andItParsesBackToTheSame() throws Exception {
        Map<String, Map<String, Object>> functions = backup.findResources("AWS::Lambda::Function");
        assertThat(functions).hasSize(4);
        for (Map<String, Object> f : functions.values()) {
            Map<String, Object> props = (Map<String, Object>) f.get("Properties");
            Map<String, Object> vars =
                    (Map<String, Object>) ((Map<String, Object>) props.get("Environment")).get("Variables");
            LifeboatConfig parsed = published(stacks.backup(), vars);
            assertThat(parsed.databases())
                    .isEqualTo(ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"))
                            .databases());
            assertThat(vars).doesNotContainKey("LIFEBOAT_CONFIG_YAML");
        }
    }

    /**
     * Issue 16: the document a function's environment points at, read from the staged asset (what cdk deploy
     * uploads): its key is the one in the function's location, its SHA-256 the one in the function's environment.
     */
    private static LifeboatConfig published(software.amazon.awscdk.Stack stack, Map<String, Object> vars)
            throws Exception {
        var asset = (software.amazon.awscdk.services.s3.assets.Asset)
                stack.getNode().findChild("Configuration");
        var assembly = ((App) stack.getNode().getRoot()).synth();
        byte[] bytes = java.nio.file.Files.readAllBytes(Path.of(assembly.getDirectory(), asset.getAssetPath()));
        assertThat(vars.get(dev.lifeboat.config.DeployedConfig.SHA256_VARIABLE))
                .isEqualTo(dev.lifeboat.core.stream.Sha256.hex(bytes));
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(vars.get(dev.lifeboat.config.DeployedConfig.LOCATION_VARIABLE)))
                .contains(asset.getS3ObjectKey());
        return ConfigLoader.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), "the published document");
    }

    @Test
    void cdkNagAwsSolutions_findsNoErrors() {
        assertThat(Annotations.fromStack(stacks.backup()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .isEmpty();
        for (var s : stacks.sources()) {
            assertThat(Annotations.fromStack(s).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                    .isEmpty();
        }
        for (var s : stacks.regionKeys()) {
            assertThat(Annotations.fromStack(s).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                    .isEmpty();
        }
    }

    @Test
    void aConfigurationWithoutBreakGlassRole_failsSynthNamingTheField() {
        LifeboatConfig config = ConfigLoader.parse(ConfigLoaderYaml.withoutBreakGlass(), "lifeboat.yml");
        assertThatThrownBy(() -> LifeboatApp.build(
                        new App(), config, Path.of("..").toAbsolutePath().normalize()))
                .hasMessageContaining("backup.breakGlassRoleArn: is missing");
    }
}
