package dev.lifeboat.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.core.error.KeyNotGrantedException;
import dev.lifeboat.core.port.AccessChecks;
import dev.lifeboat.core.port.AccessChecks.Answer;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Decision;
import dev.lifeboat.protocol.iam.PolicyEvaluator.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who calls RDS in each account, with which IAM policy, and each KMS key's policy: what {@link InMemoryRds}
 * evaluates, as AWS does, before it does anything (with {@link PolicyEvaluator}, written from the IAM
 * documentation). {@link #deployed} builds it from the same {@link Policies} and {@link KeyPolicies} the CDK
 * app attaches, so a grant the app forgets fails here the way it fails in AWS.
 */
public final class IamModel {
    /**
     * What RDS needs of a KMS key on the caller's behalf to copy, share or restore an encrypted snapshot: the
     * RDS User Guide's policy for another account's use of a key lists {@code kms:CreateGrant}, {@code
     * kms:Encrypt}, {@code kms:Decrypt}, {@code kms:ReEncrypt*}, {@code kms:GenerateDataKey*} and {@code
     * kms:DescribeKey} ("Sharing encrypted snapshots", "Allowing access to an AWS KMS key":
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html). RDS calls KMS for
     * the caller, so the request comes through RDS ({@code kms:ViaService}); grants are for RDS, an AWS
     * resource ({@code kms:GrantIsForAWSResource}).
     */
    static final List<String> KEY_USE_BY_RDS = List.of(
            "kms:CreateGrant",
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:DescribeKey");

    /** The role that makes the calls in one account, with its identity policies. */
    public record Caller(String roleArn, List<JsonNode> identity) {}

    /** Which of the backup account's roles a scenario runs as. */
    public enum BackupRole {
        PIPELINE,
        RESTORE,
        VERIFICATION
    }

    private final Map<String, Caller> callers = new HashMap<>();
    private final Map<String, JsonNode> keyPolicies = new HashMap<>();
    /** Every role of the deployment by ARN, calling or not (what IAM's policy simulation sees). */
    private final Map<String, List<JsonNode>> roles = new HashMap<>();

    /** The role calling RDS in {@code account}. */
    public IamModel caller(String account, String roleArn, List<Policies.Statement> statements) {
        role(roleArn, statements);
        callers.put(account, new Caller(roleArn, roles.get(roleArn)));
        return this;
    }

    /** No role Lifeboat may assume in {@code account} (a source stack not deployed, a trust policy changed). */
    public IamModel withoutCallerIn(String account) {
        callers.remove(account);
        return this;
    }

    /** A role of the deployment, with its policy (replacing what it had). */
    public IamModel role(String roleArn, List<Policies.Statement> statements) {
        roles.put(roleArn, List.of(PolicyEvaluator.parse(Policies.document(statements))));
        callers.replaceAll((account, c) -> c.roleArn().equals(roleArn) ? new Caller(roleArn, roles.get(roleArn)) : c);
        return this;
    }

    public IamModel key(String keyArn, List<Policies.Statement> policy) {
        keyPolicies.put(keyArn, PolicyEvaluator.parse(Policies.document(policy)));
        return this;
    }

    /**
     * A key with the default key policy, which gives the account's IAM policies the key
     * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam):
     * a production database's own customer managed key, typically.
     */
    public IamModel defaultKey(String keyArn) {
        String account = keyArn.split(":", -1)[4];
        keyPolicies.put(
                keyArn,
                PolicyEvaluator.parse("{\"Statement\":[{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + account + ":root\"},\"Action\":\"kms:*\","
                        + "\"Resource\":\"*\"}]}"));
        return this;
    }

    /**
     * An AWS managed key (aws/rds): usable by the account's principals through RDS only, by any account never
     * (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key; the policy of
     * aws/rds as KMS shows it).
     */
    public IamModel awsManagedKey(String keyArn) {
        String[] arn = keyArn.split(":", -1);
        keyPolicies.put(
                keyArn,
                PolicyEvaluator.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                        + "\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\","
                        + "\"kms:CreateGrant\",\"kms:ListGrants\",\"kms:DescribeKey\"],\"Resource\":\"*\","
                        + "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + arn[4] + "\","
                        + "\"kms:ViaService\":\"rds." + arn[3] + ".amazonaws.com\"}}}]}"));
        return this;
    }

    /**
     * A deployment of {@code config} as the CDK app makes it: in the backup account, {@code role} calls; in each
     * source account, the source role; the backup key, the share keys and the staging keys with their policies.
     * Keys of the production databases themselves are the account's to define: add them with {@link
     * #defaultKey} or {@link #awsManagedKey}.
     */
    public static IamModel deployed(LifeboatConfig config, BackupRole role) {
        LifeboatConfig.Backup b = config.backup();
        String breakGlass = b.breakGlassRoleArn() != null
                ? b.breakGlassRoleArn()
                : Names.roleArn(b.account(), "lifeboat-break-glass");
        Set<String> sourceAccounts = new LinkedHashSet<>();
        List<String> sourceRoles = new ArrayList<>();
        Map<String, List<String>> databasesByAccountAndRegion = new HashMap<>();
        for (LifeboatConfig.Database d : config.databases().values()) {
            LifeboatConfig.Source s = d.source();
            sourceAccounts.add(s.account());
            if (!sourceRoles.contains(s.roleArn())) {
                sourceRoles.add(s.roleArn());
            }
            databasesByAccountAndRegion
                    .computeIfAbsent(s.account() + "/" + s.region(), k -> new ArrayList<>())
                    .add(s.arn());
        }
        IamModel m = new IamModel();
        m.role(
                Names.roleArn(b.account(), Names.PIPELINE_ROLE),
                Policies.snapshotPipelineRole(
                        b.account(),
                        b.kmsKeyArn(),
                        sourceRoles,
                        config.copyKeyArns(),
                        config.databaseArnsIn(b.account())));
        m.role(
                Names.roleArn(b.account(), Names.RESTORE_ROLE),
                Policies.restoreRole(b.account(), b.kmsKeyArn(), sourceRoles));
        m.role(
                Names.roleArn(b.account(), Names.VERIFICATION_ROLE),
                Policies.verificationRole(b.account(), b.region(), b.kmsKeyArn()));
        switch (role) {
            case PIPELINE ->
                m.caller(
                        b.account(),
                        Names.roleArn(b.account(), Names.PIPELINE_ROLE),
                        Policies.snapshotPipelineRole(
                                b.account(),
                                b.kmsKeyArn(),
                                sourceRoles,
                                config.copyKeyArns(),
                                config.databaseArnsIn(b.account())));
            case RESTORE ->
                m.caller(
                        b.account(),
                        Names.roleArn(b.account(), Names.RESTORE_ROLE),
                        Policies.restoreRole(b.account(), b.kmsKeyArn(), sourceRoles));
            case VERIFICATION ->
                m.caller(
                        b.account(),
                        Names.roleArn(b.account(), Names.VERIFICATION_ROLE),
                        Policies.verificationRole(b.account(), b.region(), b.kmsKeyArn()));
        }
        databasesByAccountAndRegion.forEach((place, arns) -> {
            String[] ar = place.split("/", -1);
            if (ar[0].equals(b.account())) {
                return; // a source in the backup account itself: the backup account's role makes those calls too
            }
            String roleArn = config.databases().values().stream()
                    .filter(d -> d.source().account().equals(ar[0]))
                    .findFirst()
                    .orElseThrow()
                    .source()
                    .roleArn();
            // One source role per account: the statements of every Region of it.
            Caller previous = m.callers.get(ar[0]);
            List<JsonNode> docs = new ArrayList<>(previous == null ? List.of() : previous.identity());
            docs.add(PolicyEvaluator.parse(
                    Policies.document(Policies.sourceRole(ar[0], ar[1], arns, b.account(), b.kmsKeyArn()))));
            m.callers.put(ar[0], new Caller(roleArn, docs));
            m.roles.put(roleArn, docs);
        });
        m.key(b.kmsKeyArn(), KeyPolicies.backupKey(b.account(), b.region(), List.copyOf(sourceAccounts), breakGlass));
        for (LifeboatConfig.Database d : config.databases().values()) {
            if (d.source().shareKmsKeyArn() != null) {
                m.key(
                        d.source().shareKmsKeyArn(),
                        KeyPolicies.shareKey(d.source().account(), b.account()));
            }
            if (d.snapshot() != null && d.snapshot().stagingKmsKeyArn() != null) {
                m.key(d.snapshot().stagingKmsKeyArn(), KeyPolicies.stagingKey(b.account(), breakGlass));
            }
        }
        return m;
    }

    /**
     * The keys of {@code rds} that have no policy in this model yet, with the policy their kind has by default:
     * an AWS managed key's, or the default key policy (the production databases' own keys).
     */
    public IamModel withDefaultPoliciesFor(InMemoryRds rds) {
        for (InMemoryRds.Key k : rds.keys()) {
            if (!keyPolicies.containsKey(k.arn())) {
                if (k.awsManaged()) {
                    awsManagedKey(k.arn());
                } else {
                    defaultKey(k.arn());
                }
            }
        }
        return this;
    }

    /**
     * {@code lifeboat preflight}'s view of this model: reaching an account is having a caller there; describing a
     * key is kms:DescribeKey under the key policy and the caller's policy; IAM's policy simulation evaluates a
     * role's own policies (as SimulatePrincipalPolicy does without a resource policy).
     */
    public AccessChecks accessChecks() {
        return new AccessChecks() {
            @Override
            public String reach(String account) {
                return callers.containsKey(account) ? null : "AccessDenied: no role Lifeboat may assume in " + account;
            }

            @Override
            public String keyManager(dev.lifeboat.core.model.Location where, String keyArn) {
                return null;
            }

            @Override
            public String describeKey(dev.lifeboat.core.model.Location where, String keyArn) {
                JsonNode policy = keyPolicies.get(keyArn);
                if (policy == null) {
                    return "NotFoundException: no key " + keyArn;
                }
                Caller c = callerIn(where.account());
                PolicyEvaluator.Decision d = PolicyEvaluator.decide(
                        new Request(c.roleArn(), "kms:DescribeKey", keyArn),
                        new PolicyEvaluator.Policies(List.of(), c.identity(), policy, keyArn.split(":", -1)[4], true));
                return d.allowed() ? null : "AccessDeniedException: " + c.roleArn() + " may not describe " + keyArn;
            }

            @Override
            public List<SubnetRoutes> subnets(dev.lifeboat.core.model.Location where, List<String> subnetIds) {
                return List.of();
            }

            @Override
            public List<Endpoint> endpoints(dev.lifeboat.core.model.Location where, String vpcId) {
                return List.of();
            }

            @Override
            public List<SecurityGroup> securityGroups(dev.lifeboat.core.model.Location where, List<String> ids) {
                return List.of();
            }

            @Override
            public Answer simulate(
                    String roleArn, String action, String resourceArn, Map<String, List<String>> context) {
                List<JsonNode> docs = roles.get(roleArn);
                if (docs == null) {
                    return new Answer(AccessChecks.Decision.NOT_CHECKED, "NoSuchEntity: " + roleArn);
                }
                PolicyEvaluator.Decision d = PolicyEvaluator.decide(
                        new Request(roleArn, action, resourceArn, context),
                        new PolicyEvaluator.Policies(List.of(), docs, null, roleArn.split(":", -1)[4], false));
                return new Answer(
                        switch (d) {
                            case ALLOW -> AccessChecks.Decision.ALLOWED;
                            case IMPLICIT_DENY -> AccessChecks.Decision.IMPLICIT_DENY;
                            case EXPLICIT_DENY -> AccessChecks.Decision.EXPLICIT_DENY;
                        },
                        null);
            }
        };
    }

    /** The caller of {@code account}, or a refusal naming the account. */
    public Caller callerIn(String account) {
        Caller c = callers.get(account);
        if (c == null) {
            throw new AwsCallFailedException(
                    "no credentials for account " + account + " in this model",
                    "AccessDenied",
                    "Lifeboat has no role in that account",
                    null);
        }
        return c;
    }

    /** IAM's decision on an RDS call; refused as RDS refuses it (AccessDenied, naming role, action, resource). */
    public void authorize(String account, String action, String resourceArn, Map<String, List<String>> context) {
        Caller c = callerIn(account);
        Request r = new Request(c.roleArn(), action, resourceArn, context);
        Decision d =
                PolicyEvaluator.decide(r, new PolicyEvaluator.Policies(List.of(), c.identity(), null, account, false));
        if (!d.allowed()) {
            throw new AwsCallFailedException(
                    "AccessDenied: " + c.roleArn() + " is not authorized to perform " + action + " on " + resourceArn
                            + " (" + d + ")",
                    "AccessDenied",
                    "add the permission to the role's policy (Policies)",
                    null);
        }
    }

    /**
     * RDS uses {@code keyArn} for the caller in {@code account}, through RDS in the key's own Region (a KMS key is
     * used in its Region only, by that Region's RDS: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#kms_keys):
     * every action of
     * {@link #KEY_USE_BY_RDS} must be allowed by the key policy and, unless the key policy names the role itself,
     * by the role's IAM policy ("you cannot use the key policy alone" for another account's key).
     */
    public void useKey(String account, String keyArn) {
        String region = keyArn.split(":", -1)[3];
        Caller c = callerIn(account);
        JsonNode keyPolicy = keyPolicies.get(keyArn);
        if (keyPolicy == null) {
            throw new KeyNotGrantedException(keyArn, account, "KMSKeyNotAccessibleFault: no such key " + keyArn);
        }
        String keyAccount = keyArn.split(":", -1)[4];
        for (String action : KEY_USE_BY_RDS) {
            Request r = new Request(c.roleArn(), action, keyArn)
                    .with("kms:ViaService", "rds." + region + ".amazonaws.com")
                    .with("kms:CallerAccount", account)
                    .with("kms:GrantIsForAWSResource", "true");
            Decision d = PolicyEvaluator.decide(
                    r, new PolicyEvaluator.Policies(List.of(), c.identity(), keyPolicy, keyAccount, true));
            if (!d.allowed()) {
                boolean identityAllows = PolicyEvaluator.decide(
                                r, new PolicyEvaluator.Policies(List.of(), c.identity(), null, account, false))
                        .allowed();
                throw new KeyNotGrantedException(
                        keyArn,
                        account,
                        "KMSKeyNotAccessibleFault: " + c.roleArn() + " may not use " + keyArn + " for RDS (" + action
                                + " refused by " + (identityAllows ? "the key policy" : "the role's IAM policy") + ")");
            }
        }
    }
}
