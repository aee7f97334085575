package dev.lifeboat.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.Key;

/**
 * Keys that only the break-glass role may delete, disable or re-police. KMS refuses, at CreateKey, a key
 * policy that would not let the creating principal (CloudFormation's deploy role) change it later, unless
 * the request sets BypassPolicyLockoutSafetyCheck ("The new key policy will not allow you to update the key
 * policy in the future": https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key).
 * Here that lockout is the point: the stack sets the flag deliberately, and a later change of the key
 * policy must be deployed by the break-glass role (docs/deploy.md).
 */
final class GuardedKeys {
    private GuardedKeys() {}

    static void onlyBreakGlassMayDeleteDisableOrRepolice(Key key, String breakGlassRoleArn) {
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DenyKeyDeletionExceptBreakGlass")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", breakGlassRoleArn)))
                .build());
        ((CfnKey) key.getNode().getDefaultChild()).setBypassPolicyLockoutSafetyCheck(true);
    }
}
