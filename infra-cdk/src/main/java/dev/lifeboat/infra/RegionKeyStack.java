package dev.lifeboat.infra;

import dev.lifeboat.protocol.KeyPolicies;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * The backup account's key in a source Region, for the first hop of a two-step copy (the staging copy
 * in the source Region). Same protections as the backup key: rotation, RETAIN, and deletion or
 * disabling only by the break-glass role. Its ARN goes into snapshot.stagingKmsKeyArn.
 */
public final class RegionKeyStack extends Stack {
    private final Key key;

    public RegionKeyStack(Construct scope, String id, StackProps props, String breakGlassRoleArn) {
        super(scope, id, props);
        key = GuardedKeys.create(
                this,
                "StagingKey",
                "alias/lifeboat-staging",
                "Lifeboat: the backup account's key for staging copies in this Region",
                KeyPolicies.stagingKey(getAccount(), breakGlassRoleArn));
    }

    public Key key() {
        return key;
    }
}
