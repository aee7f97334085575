package dev.lifeboat.infra;

import dev.lifeboat.protocol.Policies;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * Lifeboat's keys, each with its whole policy from {@link dev.lifeboat.protocol.KeyPolicies} (the document the tests' KMS model
 * evaluates, and {@code LifeboatAppTest} compares with the template). The keys whose policy denies
 * {@code kms:PutKeyPolicy} to all but the break-glass role lock their creator (CloudFormation's deploy role)
 * out; KMS refuses such a policy at CreateKey unless the request sets BypassPolicyLockoutSafetyCheck ("The new
 * key policy will not allow you to update the key policy in the future":
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key).
 * Here that lockout is the point: the flag is set deliberately, and a later change of such a key policy must be
 * deployed by the break-glass role (docs/deploy.md).
 */
final class GuardedKeys {
    private GuardedKeys() {}

    static Key create(Construct scope, String id, String alias, String description, List<Policies.Statement> policy) {
        Key key = Key.Builder.create(scope, id)
                .alias(alias)
                .description(description)
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .policy(PolicyDocument.fromJson(Iam.json(Policies.document(policy))))
                .build();
        if (policy.stream()
                .anyMatch(s -> s.effect().equals("Deny") && s.actions().contains("kms:PutKeyPolicy"))) {
            ((CfnKey) key.getNode().getDefaultChild()).setBypassPolicyLockoutSafetyCheck(true);
        }
        return key;
    }
}
